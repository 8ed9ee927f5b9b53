// Loads tests/vectors/*.json and runs a case through sse::Parser with a given chunking.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sse/parser.hpp"

namespace corpus {

struct RecordedEvent {
  std::string type, data, last_event_id;
  bool operator==(const RecordedEvent&) const = default;
};

// Everything a stream produced, in a comparable form.
struct Trace {
  std::vector<RecordedEvent> events;
  std::vector<std::uint64_t> retries;
  std::vector<std::string> comments;
  bool buffer_limit_error = false;
  std::string last_event_id;  // the last event ID string once the stream ended
  bool operator==(const Trace&) const = default;
};
void PrintTo(const Trace& trace, std::ostream* os);

struct Case {
  std::string file, name, id;  // id: "file/name", also a valid gtest name once sanitised
  std::string input;
  sse::ParserOptions options;
  Trace expected;
  bool check_comments = false;
};

// Every case of every file in `directory`, in file then case order. Throws on malformed files.
std::vector<Case> load_all(const std::string& directory);

// Runs `input` split before each offset in `splits` (ascending), then ends the stream.
Trace run(const Case& test_case, const std::vector<std::size_t>& splits);
Trace run_in_chunks_of(const Case& test_case, std::size_t chunk_size);

class RecordingSink final : public sse::EventSink {
 public:
  void on_event(const sse::Event& event) override {
    trace.events.push_back({std::string(event.type), std::string(event.data),
                            std::string(event.last_event_id)});
  }
  void on_retry(std::uint64_t milliseconds) override { trace.retries.push_back(milliseconds); }
  void on_comment(std::string_view text) override { trace.comments.emplace_back(text); }
  void on_error(sse::ParseError error, std::string_view) override {
    if (error == sse::ParseError::buffer_limit) trace.buffer_limit_error = true;
  }
  Trace trace;
};

// A readable form of bytes for failure messages: printable ASCII as is, the rest escaped.
std::string escape(const std::string& bytes);

}  // namespace corpus
