// libFuzzer target: sse::Parser must give the same callbacks, in the same order, whatever the
// chunking of its input and whichever line-end scanning kernel it uses, and every string it
// emits must be valid UTF-8 without the line ends (and NUL in an id) the standard forbids.
//
// Input: an 8-byte header, then the stream. Everything is derived from the input, so a crash
// file reproduces exactly. Shorter inputs are all header (zero-padded) and an empty stream.
//   byte 0    flags: bit 0  max_buffered_bytes = bytes 1-2 (little endian) mod 4096 instead
//                           of the default, so the limit path runs (the inputs fuzz.sh makes
//                           are at most a few KiB)
//                    bit 1  after the stream, reset() and feed it again (a second response)
//                    bit 2  set_last_event_id("fuzz-id") before the first byte
//                    bit 3  feed an empty chunk before about one chunk in four
//                    bit 4  on_limit = LimitAction::skip_event (the parser goes on past the
//                           limit) instead of stop
//                    bit 5  report_comments = false (comments are skipped unbuffered)
//                    bit 6  report_ignored_fields = false
//                    bit 7  empty_retry = EmptyRetry::ignore
//   bytes 1-2 the limit for bit 0
//   byte 3    chunk lengths are uniform in [1, 2^(byte 3 mod 13)]: 1 (byte by byte) to 4096
//   bytes 4-7 seed of the chunk lengths (splitmix64)
//
// Checks, each aborting with a message on stderr:
//   - the trace (every on_event with type/data/last_event_id/type_set/id_set, on_retry, on_id,
//     on_id_buffer (which must equal last_event_id_buffer() then), on_comment, on_ignored_field,
//     on_error with its message, and the parser's accessors at the end of each pass
//     and after reset()) of the scalar kernel fed whole is the reference; every kernel of
//     sse::scan::available_kernels(), fed whole and in the derived chunks, must produce it;
//   - with LimitAction::stop, nothing is reported after on_error until reset(), and error() is
//     set exactly when on_error was called;
//   - every string is valid UTF-8 (sse::utf8::is_valid); type, id and comments hold no CR or LF,
//     data no CR, an id no NUL; an event's type is "message" unless type_set, non-empty if so;
//   - sse::scan::find_line_end of every kernel agrees with a byte loop on the raw stream, at
//     every line start and from several alignments.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "report.hpp"
#include "sse/parser.hpp"

namespace {

constexpr std::size_t kHeaderSize = 8;

[[noreturn]] void die(const char* what, const std::string& detail) { fuzz::die("parser_fuzz", what, detail); }

std::string escape(std::string_view bytes) { return fuzz::escape(bytes); }

const char* kernel_name(sse::scan::Kernel kernel) {
  switch (kernel) {
    case sse::scan::Kernel::scalar: return "scalar";
    case sse::scan::Kernel::sse2: return "sse2";
    case sse::scan::Kernel::avx2: return "avx2";
    case sse::scan::Kernel::simd128: return "simd128";
    case sse::scan::Kernel::swar: return "swar";
  }
  return "?";
}

struct Record {
  enum class Kind : std::uint8_t { event, retry, id, comment, error, state, id_buffer, ignored };
  Kind kind;
  // event: type, data, last_event_id; id/comment/id_buffer: text in `data`; error: message in
  // `data`; ignored: name in `type`, value in `data`, line in `last_event_id`, reason in `number`;
  // state: last_event_id(), last_event_id_buffer() in `type`, reconnection_time() in `number`,
  // error() in `flags`.
  std::string type, data, last_event_id;
  std::uint64_t number = 0;  // retry: milliseconds; error: the ParseError
  unsigned flags = 0;        // event: type_set | id_set << 1
  bool operator==(const Record&) const = default;
};

std::string describe(const Record& r) {
  switch (r.kind) {
    case Record::Kind::event:
      return "event type=\"" + escape(r.type) + "\" data=\"" + escape(r.data) + "\" last_event_id=\"" +
             escape(r.last_event_id) + "\" type_set=" + std::to_string(r.flags & 1) +
             " id_set=" + std::to_string(r.flags >> 1);
    case Record::Kind::retry: return "retry " + std::to_string(r.number);
    case Record::Kind::id: return "id \"" + escape(r.data) + "\"";
    case Record::Kind::comment: return "comment \"" + escape(r.data) + "\"";
    case Record::Kind::id_buffer: return "id_buffer \"" + escape(r.data) + "\"";
    case Record::Kind::ignored:
      return "ignored reason=" + std::to_string(r.number) + " name=\"" + escape(r.type) + "\" value=\"" +
             escape(r.data) + "\" line=\"" + escape(r.last_event_id) + "\"";
    case Record::Kind::error:
      return "error " + std::to_string(r.number) + " \"" + escape(r.data) + "\"";
    case Record::Kind::state:
      return "state last_event_id=\"" + escape(r.last_event_id) + "\" buffer=\"" + escape(r.type) +
             "\" reconnection_time=" + std::to_string(r.number) + " error=" + std::to_string(r.flags);
  }
  return "?";
}

void require_valid(std::string_view what, std::string_view text, const char* forbidden) {
  if (!sse::utf8::is_valid(text)) die("emitted string is not valid UTF-8", std::string(what) + ": \"" + escape(text) + "\"");
  for (const char* c = forbidden; *c != '\0'; ++c) {
    if (text.find(*c) != std::string_view::npos) {
      die("emitted string holds a forbidden character",
          std::string(what) + " holds " + escape(std::string_view(c, 1)) + ": \"" + escape(text) + "\"");
    }
  }
}

class TraceSink final : public sse::EventSink {
 public:
  TraceSink(bool stops_on_error, const sse::ParserOptions& options)
      : stops_on_error_(stops_on_error), options_(options) {}
  std::vector<Record> records;
  const sse::Parser* parser = nullptr;

  void on_event(const sse::Event& e) override {
    check_not_stopped("on_event");
    require_valid("event type", e.type, "\r\n");
    require_valid("event data", e.data, "\r");
    require_valid("event last_event_id", e.last_event_id, "\r\n");
    if (e.last_event_id.find('\0') != std::string_view::npos) {
      die("event last_event_id holds NUL", escape(e.last_event_id));
    }
    if (!e.type_set && e.type != "message") die("type_set is false but type is not \"message\"", escape(e.type));
    if (e.type_set && e.type.empty()) die("type_set is true but type is empty", "");
    records.push_back({Record::Kind::event, std::string(e.type), std::string(e.data),
                       std::string(e.last_event_id), 0, unsigned(e.type_set) | unsigned(e.id_set) << 1});
  }
  void on_retry(std::uint64_t ms) override {
    check_not_stopped("on_retry");
    records.push_back({Record::Kind::retry, {}, {}, {}, ms, 0});
  }
  void on_id(std::string_view id) override {
    check_not_stopped("on_id");
    require_valid("id", id, "\r\n");
    if (id.find('\0') != std::string_view::npos) die("id holds NUL", escape(id));
    records.push_back({Record::Kind::id, {}, std::string(id), {}, 0, 0});
  }
  void on_id_buffer(std::string_view buffer) override {
    check_not_stopped("on_id_buffer");
    require_valid("id buffer", buffer, "\r\n");
    if (buffer.find('\0') != std::string_view::npos) die("id buffer holds NUL", escape(buffer));
    if (parser->last_event_id_buffer() != buffer) die("on_id_buffer differs from last_event_id_buffer()", escape(buffer));
    records.push_back({Record::Kind::id_buffer, {}, std::string(buffer), {}, 0, 0});
  }
  void on_ignored_field(const sse::IgnoredField& field) override {
    check_not_stopped("on_ignored_field");
    if (!options_.report_ignored_fields) die("on_ignored_field though report_ignored_fields is false", "");
    require_valid("ignored line", field.line, "\r\n");
    require_valid("ignored name", field.name, "\r\n");
    require_valid("ignored value", field.value, "\r\n");
    records.push_back({Record::Kind::ignored, std::string(field.name), std::string(field.value),
                       std::string(field.line), static_cast<std::uint64_t>(field.reason), 0});
  }
  void on_comment(std::string_view text) override {
    check_not_stopped("on_comment");
    if (!options_.report_comments) die("on_comment though report_comments is false", "");
    require_valid("comment", text, "\r\n");
    records.push_back({Record::Kind::comment, {}, std::string(text), {}, 0, 0});
  }
  void on_error(sse::ParseError error, std::string_view message) override {
    check_not_stopped("on_error");
    if (error == sse::ParseError::none) die("on_error with ParseError::none", std::string(message));
    require_valid("error message", message, "");
    records.push_back({Record::Kind::error, {}, std::string(message), {}, static_cast<std::uint64_t>(error), 0});
    stopped_ = stops_on_error_;
  }
  void record_state(const sse::Parser& parser) {
    if (stops_on_error_) {
      if (stopped_ && parser.error() == sse::ParseError::none) die("on_error was called but error() is none", "");
      if (!stopped_ && parser.error() != sse::ParseError::none) die("error() is set but on_error was not called", "");
    }
    require_valid("last_event_id()", parser.last_event_id(), "\r\n");
    require_valid("last_event_id_buffer()", parser.last_event_id_buffer(), "\r\n");
    records.push_back({Record::Kind::state, std::string(parser.last_event_id_buffer()), {},
                       std::string(parser.last_event_id()), parser.reconnection_time(),
                       static_cast<unsigned>(parser.error())});
  }
  void reset(sse::Parser& parser) {
    stopped_ = false;  // reset() itself may report the restored ID buffer
    parser.reset();
  }

 private:
  void check_not_stopped(const char* callback) const {
    if (stopped_) die("callback after on_error and before reset()", callback);
  }
  bool stops_on_error_;
  sse::ParserOptions options_;
  bool stopped_ = false;
};

struct Config {
  unsigned flags = 0;
  std::size_t limit = 0;
  unsigned chunk_bits = 0;
  std::uint64_t seed = 0;
};

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// One pass of the stream: whole (chunked == false) or in chunks drawn from `rng`.
void feed(sse::Parser& parser, std::string_view stream, bool chunked, const Config& config,
          std::uint64_t& rng) {
  if (!chunked) {
    parser.feed(stream);
    return;
  }
  const std::uint64_t cap = std::uint64_t{1} << config.chunk_bits;
  std::size_t at = 0;
  while (at < stream.size()) {
    const std::uint64_t r = splitmix64(rng);
    if ((config.flags & 8) != 0 && (r >> 62) == 0) parser.feed(std::string_view());
    const std::size_t length = static_cast<std::size_t>(1 + r % cap);
    parser.feed(stream.substr(at, length));
    at += length;
  }
}

std::vector<Record> run(std::string_view stream, bool chunked, const Config& config) {
  const bool skip_event = (config.flags & 16) != 0;
  sse::ParserOptions options;
  if ((config.flags & 1) != 0) options.max_buffered_bytes = config.limit;
  if (skip_event) options.on_limit = sse::LimitAction::skip_event;
  options.report_comments = (config.flags & 32) == 0;
  options.report_ignored_fields = (config.flags & 64) == 0;
  if ((config.flags & 128) != 0) options.empty_retry = sse::EmptyRetry::ignore;
  TraceSink sink(!skip_event, options);
  sse::Parser parser(sink, options);
  sink.parser = &parser;
  if ((config.flags & 4) != 0) parser.set_last_event_id("fuzz-id");
  std::uint64_t rng = config.seed;
  feed(parser, stream, chunked, config, rng);
  sink.record_state(parser);
  sink.reset(parser);
  sink.record_state(parser);
  if ((config.flags & 2) != 0) {
    feed(parser, stream, chunked, config, rng);
    sink.record_state(parser);
    sink.reset(parser);
    sink.record_state(parser);
  }
  return std::move(sink.records);
}

void compare(const std::vector<Record>& expected, const std::vector<Record>& actual,
             const std::string& what, std::string_view stream, const Config& config) {
  if (expected == actual) return;
  std::size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  std::string detail = what + " differs from the scalar kernel fed whole, at record " + std::to_string(i) +
                       "\n  expected: " + (i < expected.size() ? describe(expected[i]) : "(end)") +
                       "\n  actual:   " + (i < actual.size() ? describe(actual[i]) : "(end)") +
                       "\n  flags=" + std::to_string(config.flags) + " limit=" + std::to_string(config.limit) +
                       " chunk_bits=" + std::to_string(config.chunk_bits) + " seed=" + std::to_string(config.seed) +
                       "\n  stream (" + std::to_string(stream.size()) + " bytes): \"" + escape(stream) + "\"";
  die("trace mismatch", detail);
}

// find_line_end of every kernel against a byte loop, at every line start of [begin, end).
void check_scanning(const std::vector<sse::scan::Kernel>& kernels, const char* begin, const char* end) {
  for (const char* p = begin;;) {
    const char* expected = p;
    while (expected != end && *expected != '\r' && *expected != '\n') ++expected;
    for (const auto kernel : kernels) {
      const char* found = sse::scan::find_line_end(kernel, p, end);
      if (found != expected) {
        die("find_line_end mismatch",
            std::string(kernel_name(kernel)) + " from offset " + std::to_string(p - begin) + " of " +
                std::to_string(end - begin) + " returned offset " + std::to_string(found - begin) +
                ", expected " + std::to_string(expected - begin) + "; bytes: \"" +
                escape(std::string_view(begin, static_cast<std::size_t>(end - begin))) + "\"");
      }
    }
    if (expected == end) break;
    p = expected + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::uint8_t header[kHeaderSize] = {};
  std::memcpy(header, data, size < kHeaderSize ? size : kHeaderSize);
  const std::string_view stream =
      size <= kHeaderSize ? std::string_view()
                          : std::string_view(reinterpret_cast<const char*>(data) + kHeaderSize, size - kHeaderSize);
  Config config;
  config.flags = header[0];
  config.limit = (std::size_t{header[1]} | std::size_t{header[2]} << 8) % 4096;
  config.chunk_bits = header[3] % 13u;
  for (int k = 0; k < 4; ++k) config.seed |= std::uint64_t{header[4 + k]} << (8 * k);

  static const std::vector<sse::scan::Kernel> kernels = sse::scan::available_kernels();

  // The scanning kernels on the raw stream, from its own start and from copies shifted to
  // every alignment modulo 32 in turn (one per input, chosen by the seed).
  check_scanning(kernels, stream.data(), stream.data() + stream.size());
  if (!stream.empty()) {
    const std::size_t shift = config.seed % 32;
    std::vector<char> shifted(shift + stream.size());
    std::memcpy(shifted.data() + shift, stream.data(), stream.size());
    check_scanning(kernels, shifted.data() + shift, shifted.data() + shifted.size());
  }

  sse::scan::use_kernel(sse::scan::Kernel::scalar);
  const std::vector<Record> reference = run(stream, false, config);
  for (const auto kernel : kernels) {
    if (sse::scan::use_kernel(kernel) != kernel) die("use_kernel refused an available kernel", kernel_name(kernel));
    if (kernel != sse::scan::Kernel::scalar) {
      compare(reference, run(stream, false, config), std::string(kernel_name(kernel)) + " fed whole", stream, config);
    }
    compare(reference, run(stream, true, config), std::string(kernel_name(kernel)) + " fed in chunks", stream, config);
  }
  sse::scan::use_kernel(sse::scan::best_kernel());
  return 0;
}
