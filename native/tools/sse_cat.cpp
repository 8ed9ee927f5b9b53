// sse-cat: prints the events of a text/event-stream as JSON lines.
//
//   sse-cat [--chunk N] [--max-buffered-bytes N] [--comments] [FILE]
//
// Reads FILE (or stdin, also for "-"), feeds the parser N bytes at a time (default: as read),
// and prints {"type":…,"data":…,"lastEventId":…} per event and {"retry":N} per accepted retry
// (with --comments also {"comment":…}). Output is flushed after every read, so a live stream
// (`curl -N URL | sse-cat`) shows events as they arrive.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "json_lines.hpp"
#include "sse/parser.hpp"

namespace {

constexpr std::size_t kReadSize = 64 * 1024;

class JsonLinesSink final : public sse::EventSink {
 public:
  explicit JsonLinesSink(bool print_comments) : print_comments_(print_comments) {}

  void on_event(const sse::Event& event) override {
    json_lines::append_event(out_, event);
  }
  void on_retry(std::uint64_t milliseconds) override {
    json_lines::append_retry(out_, milliseconds);
  }
  void on_comment(std::string_view text) override {
    if (!print_comments_) return;
    json_lines::append_comment(out_, text);
  }
  void on_error(sse::ParseError /*error*/, std::string_view message) override {
    error_message_.assign(message);
  }

  bool flush() {
    const bool ok = out_.empty() || std::fwrite(out_.data(), 1, out_.size(), stdout) == out_.size();
    out_.clear();
    return std::fflush(stdout) == 0 && ok;
  }
  const std::string& error_message() const { return error_message_; }

 private:
  bool print_comments_;
  std::string out_;
  std::string error_message_;
};

struct Options {
  std::size_t chunk = 0;  // 0: feed each read as it comes
  sse::ParserOptions parser;
  bool comments = false;
  const char* path = nullptr;
};

int usage(const char* problem) {
  std::fprintf(stderr,
               "sse-cat: %s\n"
               "usage: sse-cat [--chunk N] [--max-buffered-bytes N] [--comments] [FILE]\n",
               problem);
  return 2;
}

bool parse_size(const char* text, std::size_t& value) {
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  return ec == std::errc() && ptr == end;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--chunk" || arg == "--max-buffered-bytes") {
      if (i + 1 == argc) return usage("missing number after an option");
      std::size_t value = 0;
      if (!parse_size(argv[++i], value) || value == 0) return usage("expected a positive number");
      (arg == "--chunk" ? options.chunk : options.parser.max_buffered_bytes) = value;
    } else if (arg == "--comments") {
      options.comments = true;
    } else if (arg == "-h" || arg == "--help") {
      usage("prints the events of a text/event-stream as JSON lines");
      return 0;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usage(("unknown option " + std::string(arg)).c_str());
    } else if (options.path != nullptr) {
      return usage("more than one input");
    } else {
      options.path = argv[i];
    }
  }

  int fd = STDIN_FILENO;
  const bool from_file = options.path != nullptr && std::string_view(options.path) != "-";
  if (from_file) {
    fd = ::open(options.path, O_RDONLY);
    if (fd < 0) {
      std::fprintf(stderr, "sse-cat: cannot open %s: %s\n", options.path, std::strerror(errno));
      return 2;
    }
  }

  // Lines it does not print are skipped as they arrive, never buffered.
  options.parser.report_comments = options.comments;
  options.parser.report_ignored_fields = false;
  JsonLinesSink sink(options.comments);
  sse::Parser parser(sink, options.parser);
  std::vector<char> buffer(kReadSize);
  int status = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "sse-cat: cannot read %s: %s\n", from_file ? options.path : "stdin",
                   std::strerror(errno));
      status = 2;
      break;
    }
    if (n == 0) break;
    const std::string_view bytes(buffer.data(), static_cast<std::size_t>(n));
    const std::size_t step = options.chunk == 0 ? bytes.size() : options.chunk;
    for (std::size_t at = 0; at < bytes.size() && parser.error() == sse::ParseError::none;
         at += step) {
      parser.feed(bytes.substr(at, step));
    }
    if (!sink.flush()) {
      std::fprintf(stderr, "sse-cat: cannot write output: %s\n", std::strerror(errno));
      status = 2;
      break;
    }
    if (parser.error() != sse::ParseError::none) {
      std::fprintf(stderr, "sse-cat: %s\n", sink.error_message().c_str());
      status = 1;
      break;
    }
  }
  parser.reset();  // end of stream: the unterminated event is discarded
  if (from_file) ::close(fd);
  return status;
}
