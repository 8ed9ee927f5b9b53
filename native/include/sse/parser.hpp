// sse::Parser — an incremental text/event-stream parser, exact to the WHATWG HTML standard,
// "Server-sent events" §9.2.5 (parsing an event stream) and §9.2.6 (interpreting it).
//
// Bytes go in through feed() in chunks of any size, split anywhere; the events that come out
// are the same for every chunking. Events leave through an EventSink whose string views are
// valid only during the call, so the steady state allocates nothing per event.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sse/detail/buffer.hpp"

namespace sse {

// One dispatched event. The views point into the parser and are valid during the sink call.
struct Event {
  std::string_view type;           // the event type; "message" when the stream set none
  std::string_view data;           // the data, without its final LF
  std::string_view last_event_id;  // the stream's last event ID string at dispatch
  bool type_set = false;           // the block had a non-empty `event` field
  bool id_set = false;             // the block had an accepted `id` field
};

// A field line the standard says to ignore (§9.2.6 "Otherwise, the field is ignored", and the
// `retry` and `id` values it ignores). All views are decoded text, valid during the call.
struct IgnoredField {
  enum class Reason : std::uint8_t {
    unknown_name,   // not data, event, id or retry (field names are case-sensitive)
    invalid_retry,  // a retry value that is not all ASCII digits, is beyond 64 bits, or is
                    // empty under EmptyRetry::ignore
    id_with_nul,    // an id value holding U+0000
  };
  Reason reason;
  std::string_view name;   // the field name: the whole line when it has no colon
  std::string_view value;  // the value after the colon and its one optional space
  std::string_view line;   // the whole line, without its line end
};

enum class ParseError : std::uint8_t {
  none = 0,
  buffer_limit,  // a line plus the pending event outgrew ParserOptions::max_buffered_bytes
};

// Receives what the parser finds. Only on_event is required. A callback must not call back into
// the parser that invoked it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
  // A `retry` field set the reconnection time (an empty value resets it to the default).
  virtual void on_retry(std::uint64_t /*milliseconds*/) {}
  // A blank line ended a block that held an accepted `id` field (before its on_event, if any):
  // `id` is the new last event ID string.
  virtual void on_id(std::string_view /*id*/) {}
  // The last-event-ID buffer changed: an accepted `id` line set it, or reset() restored it to
  // the last event ID string because the block that set it never ended.
  virtual void on_id_buffer(std::string_view /*buffer*/) {}
  // A comment line: the text after ':' with one leading space removed. Only with
  // ParserOptions::report_comments.
  virtual void on_comment(std::string_view /*text*/) {}
  // A field line that changed nothing. Only with ParserOptions::report_ignored_fields.
  virtual void on_ignored_field(const IgnoredField& /*field*/) {}
  // A line plus the pending event outgrew the limit: the parser stopped (LimitAction::stop; it
  // ignores input until reset()) or dropped the event (skip_event). `message` is for people.
  virtual void on_error(ParseError /*error*/, std::string_view /*message*/) {}
};

// What the parser does when a line plus the pending event outgrows max_buffered_bytes.
enum class LimitAction : std::uint8_t {
  stop,        // report ParseError::buffer_limit and ignore input until reset()
  skip_event,  // report it, drop that event (and the rest of the line), and go on
};

// What an empty `retry` value does; the standard leaves it open.
enum class EmptyRetry : std::uint8_t {
  reset_to_default,  // the reconnection time becomes default_reconnection_time_ms (Chromium, WebKit)
  ignore,            // the field is ignored (eventsource-parser): on_ignored_field(invalid_retry)
};

struct ParserOptions {
  static constexpr std::size_t kDefaultMaxBufferedBytes = std::size_t{16} << 20;  // 16 MiB
  static constexpr std::uint64_t kDefaultReconnectionTimeMs = 3000;  // as Chromium

  // Bound on the decoded bytes of the pending data buffer plus the raw bytes of the current
  // line. Exceeding it is a ParseError::buffer_limit; memory stays proportional to it.
  std::size_t max_buffered_bytes = kDefaultMaxBufferedBytes;
  LimitAction on_limit = LimitAction::stop;
  // What an empty `retry` value resets the reconnection time to (Chromium's behaviour).
  std::uint64_t default_reconnection_time_ms = kDefaultReconnectionTimeMs;
  EmptyRetry empty_retry = EmptyRetry::reset_to_default;
  // Whether the sink hears comments and ignored fields. A line the sink does not hear is never
  // buffered: once its first bytes show it to be a comment or an ignored field, the rest of it
  // is skipped as it arrives, and it never counts towards the limit. A line it hears is
  // buffered under the limit; past the limit a comment is a buffer_limit error like any line,
  // while an ignored field is dropped unreported (it could change nothing).
  bool report_comments = true;
  bool report_ignored_fields = true;
};

namespace scan {
struct BlockMasks;
}

class Parser {
 public:
  explicit Parser(EventSink& sink, ParserOptions options = {});

  // Parses the next bytes of the stream. Dispatches every event completed by them.
  void feed(std::string_view bytes);
  void feed(const std::uint8_t* bytes, std::size_t size) {
    feed(std::string_view(reinterpret_cast<const char*>(bytes), size));
  }

  // Ends the current stream and prepares for the next one (end of body, reconnection): the
  // unterminated line and event are discarded, errors cleared and BOM removal re-armed. The last
  // event ID string and the reconnection time are kept.
  void reset();

  // The last event ID string (what a reconnection sends as Last-Event-ID): set from the
  // last-event-ID buffer at every blank line, even when no event is dispatched.
  [[nodiscard]] std::string_view last_event_id() const { return last_event_id_view_; }
  // The last-event-ID buffer: changes as soon as an `id` line is parsed.
  [[nodiscard]] std::string_view last_event_id_buffer() const { return id_buffer_.view(); }
  [[nodiscard]] std::uint64_t reconnection_time() const { return reconnection_time_; }
  [[nodiscard]] ParseError error() const { return error_; }
  [[nodiscard]] const ParserOptions& options() const { return options_; }

  // Restores both the last event ID string and buffer, e.g. from a stored ID.
  void set_last_event_id(std::string_view id);

 private:
  void consume_bom(const char*& p, const char* end);
  // `known_masks`: the masks of a chunk of at most one block, when the caller made them.
  void split_lines(const char* p, const char* end, const scan::BlockMasks* known_masks = nullptr);
  const char* end_line(const char* line_start, const char* line_end, const char* end, bool non_ascii, bool roomy);
#if defined(__wasm__)
  [[nodiscard]] bool may_run_data_lines(bool line_non_ascii, bool roomy) const;
  const char* append_data_run(const char* block, const char* line_start, const char* end, std::uint64_t ends,
                              std::uint64_t non_ascii);
#endif
  void split_short(const char* p, const char* end, const scan::BlockMasks& masks);
  void finish_chunk(const char* line_start, const char* end, bool non_ascii);
  void carry(const char* p, std::size_t length, bool non_ascii);
  bool complete_line(const char* p, std::size_t length, bool non_ascii);
  bool carry_line_piece(const char* p, std::size_t length, bool non_ascii);
  void carry_partial_line(const char* p, std::size_t length, bool non_ascii);
  void finish_carried_line(const char* p, std::size_t length, bool non_ascii);
  void append_bounded(detail::Buffer<char>& buffer, const char* p, std::size_t length);
  void discard_pending();
  void process_line(std::string_view line, bool non_ascii);
  void process_other_line(std::string_view line, bool non_ascii);
  enum class Field : std::uint8_t { data, event, id, retry, ignored };
  static Field field_named(std::string_view name);
  void process_field(Field field, std::string_view value, std::string_view line, bool non_ascii);
  void report_ignored(IgnoredField::Reason reason, std::string_view line, bool non_ascii);
  void append_data(std::string_view raw, bool non_ascii);
  void keep_data_view();
  bool set_retry(std::string_view value);
  // What the first bytes of a line show it to be, for deciding whether to buffer it.
  enum class LineStart : std::uint8_t {
    undecided,  // too short to tell (it may still become a field)
    field,      // data, event, id or retry
    comment,
    ignored,    // a field of another name: it can change nothing
  };
  static LineStart classify_line_start(std::string_view start, bool complete = false);
  enum class OversizedLine : std::uint8_t { error, drop, undecided };
  [[nodiscard]] bool sink_ignores(LineStart kind) const;
  [[nodiscard]] OversizedLine oversized_line_action(const char* p, std::size_t length, bool complete) const;
  void drop_carried_line();
  void dispatch_event();
  void dispatch_blank_line();
  [[nodiscard]] bool within_limit(std::size_t line_bytes) const;
  bool exceed_limit(bool line_ended);
  // The value as valid UTF-8: itself when already valid, else a repaired copy in scratch_.
  // `non_ascii` is false when the scan saw no byte >= 0x80 in it: then it is valid as it is.
  std::string_view decoded(std::string_view raw, bool non_ascii);

  EventSink& sink_;
  ParserOptions options_;

  detail::Buffer<char> line_;  // an unterminated line carried over from earlier chunks
  std::size_t carried_bytes_ = 0;  // raw bytes of that line so far (in line_ or streamed)
  std::size_t value_start_ = 0;    // where the streamed data value starts in data_
  bool streaming_value_ = false;   // the carried line is a `data` field streaming into data_
  bool carried_non_ascii_ = false;  // the carried line holds a byte >= 0x80
  bool carried_line_needed_ = false;  // its start showed it is a line the sink must get
  // The data buffer. While a block has one data line so far and that line lies in the chunk
  // being parsed, the buffer is that value plus LF and is kept as data_view_ instead of copied:
  // a single-line event whose block lies in one chunk reaches the sink without a copy.
  detail::Buffer<char> data_;
  std::string_view data_view_;
  bool data_in_view_ = false;
  detail::Buffer<char> type_;  // the event type buffer
  detail::Buffer<char> id_buffer_;
  detail::Buffer<char> last_event_id_;
  detail::Buffer<char> scratch_;  // UTF-8 repair of values holding invalid sequences
  std::uint64_t reconnection_time_;

  std::uint8_t bom_matched_ = 0;  // bytes of a leading BOM seen so far
  bool at_stream_start_ = true;   // a BOM may still come
  bool skip_lf_ = false;          // the previous chunk ended in CR: a leading LF completes it
  bool id_in_block_ = false;      // the block set id_buffer_: last_event_id_ follows at its end
  bool id_is_last_ = false;       // the last event ID string is id_buffer_ (last_event_id_ is stale)
  std::string_view last_event_id_view_;  // the last event ID string: id_buffer_ or last_event_id_
  bool discarding_event_ = false;  // skip_event: the block outgrew the limit; data and type are dropped
  bool discarding_line_ = false;   // skip_event: the current line outgrew it and is dropped to its end
  ParseError error_ = ParseError::none;
#if defined(__wasm__)
  bool data_lines_follow_ = false;  // an event had a second data line: a hint to try runs of them
#endif
};

// Line-end scanning kernels. A kernel classifies 64 bytes at a time; the parser uses the best
// one for the machine, chosen once, and walks the line ends of a block as bits. The scalar
// kernel is the reference the others are tested against.
namespace scan {
// scalar: one byte at a time (the reference); swar: eight at a time in a 64-bit word (any CPU);
// sse2/avx2: x86-64; simd128: WebAssembly.
enum class Kernel : std::uint8_t { scalar, sse2, avx2, simd128, swar };
inline constexpr std::size_t kBlockBytes = 64;
// What a kernel finds in one block; bit i stands for byte i.
// (No member initializers: the parser keeps an uninitialized batch of them on the stack.)
struct BlockMasks {
  std::uint64_t line_ends;  // CR or LF
  std::uint64_t non_ascii;  // bytes >= 0x80: a value without any is valid UTF-8 as it is
  friend bool operator==(const BlockMasks&, const BlockMasks&) = default;
};
// The kernels this build and CPU can run, scalar first and best last.
[[nodiscard]] std::vector<Kernel> available_kernels();
[[nodiscard]] Kernel best_kernel();
// Makes every parser use `kernel` (for tests and benchmarks; not thread-safe). Returns the
// kernel in use: scalar when `kernel` is not available.
Kernel use_kernel(Kernel kernel);
// Classifies the kBlockBytes bytes at `block` with `kernel`.
[[nodiscard]] BlockMasks classify_block(Kernel kernel, const char* block);
// The first CR or LF in [begin, end) found by `kernel`, or end.
[[nodiscard]] const char* find_line_end(Kernel kernel, const char* begin, const char* end);
}  // namespace scan

// UTF-8 per the WHATWG Encoding standard: exposed for the tools and tests that share the rules.
namespace utf8 {
// True when `bytes` is valid UTF-8 (no overlongs, surrogates or values above U+10FFFF).
[[nodiscard]] bool is_valid(std::string_view bytes);
// Appends `bytes` decoded with replacement: each maximal invalid subpart becomes U+FFFD.
void append_with_replacement(std::string& out, std::string_view bytes);
// The UTF-16 code units of `bytes` decoded with replacement (what TextDecoder makes of them).
[[nodiscard]] std::size_t decoded_utf16_length(std::string_view bytes);
}  // namespace utf8

}  // namespace sse
