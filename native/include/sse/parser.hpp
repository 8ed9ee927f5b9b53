// sse::Parser — an incremental text/event-stream parser, exact to the WHATWG HTML standard,
// "Server-sent events" §9.2.5 (parsing an event stream) and §9.2.6 (interpreting it).
//
// Bytes go in through feed() in chunks of any size, split anywhere; the events that come out
// are the same for every chunking. Events leave through an EventSink whose string views are
// valid only during the call, so the steady state allocates nothing per event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sse {

// One dispatched event. The views point into the parser and are valid during the sink call.
struct Event {
  std::string_view type;           // the event type; "message" when the stream set none
  std::string_view data;           // the data, without its final LF
  std::string_view last_event_id;  // the stream's last event ID string at dispatch
  bool type_set = false;           // the block had a non-empty `event` field
  bool id_set = false;             // the block had an accepted `id` field
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
  // A comment line: the text after ':' with one leading space removed.
  virtual void on_comment(std::string_view /*text*/) {}
  // The parser stopped; it ignores input until reset(). `message` is for people.
  virtual void on_error(ParseError /*error*/, std::string_view /*message*/) {}
};

struct ParserOptions {
  static constexpr std::size_t kDefaultMaxBufferedBytes = std::size_t{16} << 20;  // 16 MiB
  static constexpr std::uint64_t kDefaultReconnectionTimeMs = 3000;  // as Chromium

  // Bound on the decoded bytes of the pending data buffer plus the raw bytes of the current
  // line. Exceeding it is a ParseError::buffer_limit; memory stays proportional to it.
  std::size_t max_buffered_bytes = kDefaultMaxBufferedBytes;
  // What an empty `retry` value resets the reconnection time to (Chromium's behaviour).
  std::uint64_t default_reconnection_time_ms = kDefaultReconnectionTimeMs;
};

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
  [[nodiscard]] std::string_view last_event_id() const { return last_event_id_; }
  // The last-event-ID buffer: changes as soon as an `id` line is parsed.
  [[nodiscard]] std::string_view last_event_id_buffer() const { return id_buffer_; }
  [[nodiscard]] std::uint64_t reconnection_time() const { return reconnection_time_; }
  [[nodiscard]] ParseError error() const { return error_; }
  [[nodiscard]] const ParserOptions& options() const { return options_; }

  // Restores both the last event ID string and buffer, e.g. from a stored ID.
  void set_last_event_id(std::string_view id);

 private:
  void consume_bom(const char*& p, const char* end);
  void split_lines(const char* p, const char* end);
  void carry_partial_line(const char* p, std::size_t length);
  void finish_carried_line(const char* p, std::size_t length);
  void append_bounded(std::string& buffer, const char* p, std::size_t length);
  void discard_pending();
  void process_line(std::string_view line);
  void process_field(std::string_view name, std::string_view value);
  void set_retry(std::string_view value);
  void dispatch_event();
  bool within_limit(std::size_t line_bytes);
  void fail(ParseError error);
  // The value as valid UTF-8: itself when already valid, else a repaired copy in scratch_.
  std::string_view decoded(std::string_view raw);

  EventSink& sink_;
  ParserOptions options_;

  std::string line_;  // an unterminated line carried over from earlier chunks
  std::size_t carried_bytes_ = 0;  // raw bytes of that line so far (in line_ or streamed)
  std::size_t value_start_ = 0;    // where the streamed data value starts in data_
  bool streaming_value_ = false;   // the carried line is a `data` field streaming into data_
  std::string data_;  // the data buffer
  std::string type_;  // the event type buffer
  std::string id_buffer_;
  std::string last_event_id_;
  std::string scratch_;  // UTF-8 repair of values holding invalid sequences
  std::uint64_t reconnection_time_;

  std::uint8_t bom_matched_ = 0;  // bytes of a leading BOM seen so far
  bool at_stream_start_ = true;   // a BOM may still come
  bool skip_lf_ = false;          // the previous chunk ended in CR: a leading LF completes it
  bool id_in_block_ = false;      // the block set id_buffer_: last_event_id_ follows at its end
  ParseError error_ = ParseError::none;
};

// Line-end scanning kernels. The parser uses the best one for the machine, chosen once; the
// scalar kernel is the reference the others are tested against.
namespace scan {
enum class Kernel : std::uint8_t { scalar, sse2, avx2, simd128 };
// The kernels this build and CPU can run, scalar first and best last.
[[nodiscard]] std::vector<Kernel> available_kernels();
[[nodiscard]] Kernel best_kernel();
// Makes every parser use `kernel` (for tests and benchmarks; not thread-safe). Returns the
// kernel in use: scalar when `kernel` is not available.
Kernel use_kernel(Kernel kernel);
// The first CR or LF in [begin, end) found by `kernel`, or end.
[[nodiscard]] const char* find_line_end(Kernel kernel, const char* begin, const char* end);
}  // namespace scan

// UTF-8 per the WHATWG Encoding standard: exposed for the tools and tests that share the rules.
namespace utf8 {
// True when `bytes` is valid UTF-8 (no overlongs, surrogates or values above U+10FFFF).
[[nodiscard]] bool is_valid(std::string_view bytes);
// Appends `bytes` decoded with replacement: each maximal invalid subpart becomes U+FFFD.
void append_with_replacement(std::string& out, std::string_view bytes);
}  // namespace utf8

}  // namespace sse
