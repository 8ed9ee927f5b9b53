#include "corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "json.hpp"

namespace corpus {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A string, or an array of parts: strings, {"hex": "…"} and {"repeat": "…", "times": N}.
std::string expand(const testjson::Value& value) {
  if (value.is_string()) return value.str();
  std::string out;
  for (const auto& part : value.arr()) {
    if (part.is_string()) {
      out += part.str();
    } else if (const auto* hex = part.find("hex")) {
      int high = -1;
      for (const char c : hex->str()) {
        if (c == ' ' || c == '\n' || c == '\t') continue;
        const int digit = hex_digit(c);
        if (digit < 0) throw std::runtime_error("bad hex digit in " + hex->str());
        if (high < 0) {
          high = digit;
        } else {
          out.push_back(static_cast<char>(high * 16 + digit));
          high = -1;
        }
      }
      if (high >= 0) throw std::runtime_error("odd number of hex digits in " + hex->str());
    } else {
      const std::string& unit = part.at("repeat").str();
      const std::uint64_t times = part.at("times").u64();
      out.reserve(out.size() + unit.size() * times);
      for (std::uint64_t i = 0; i < times; ++i) out += unit;
    }
  }
  return out;
}

Case parse_case(const std::string& file, const testjson::Value& json) {
  Case c;
  c.file = file;
  c.name = json.at("name").str();
  c.id = file + "/" + c.name;
  c.input = expand(json.at("input"));
  for (const auto& event : json.at("events").arr()) {
    c.expected.events.push_back({expand(event.at("type")), expand(event.at("data")),
                                 expand(event.at("lastEventId"))});
  }
  c.expected.last_event_id = expand(json.at("lastEventId"));
  if (const auto* retries = json.find("retries")) {
    for (const auto& retry : retries->arr()) c.expected.retries.push_back(retry.u64());
  }
  if (const auto* comments = json.find("comments")) {
    c.check_comments = true;
    for (const auto& comment : comments->arr()) c.expected.comments.push_back(expand(comment));
  }
  if (const auto* options = json.find("options")) {
    if (const auto* limit = options->find("maxBufferedBytes")) {
      c.options.max_buffered_bytes = limit->u64();
    }
  }
  if (const auto* error = json.find("error")) {
    if (error->str() != "buffer_limit") throw std::runtime_error(c.id + ": unknown error kind");
    c.expected.buffer_limit_error = true;
  }
  return c;
}

}  // namespace

std::vector<Case> load_all(const std::string& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  for (const auto& path : files) {
    const std::string file = path.stem().string();
    testjson::Value document;
    try {
      document = testjson::parse(read_file(path));
    } catch (const std::exception& e) {
      throw std::runtime_error(path.string() + ": " + e.what());
    }
    for (const auto& json : document.at("cases").arr()) cases.push_back(parse_case(file, json));
  }
  return cases;
}

Trace run(const Case& test_case, const std::vector<std::size_t>& splits) {
  RecordingSink sink;
  sse::Parser parser(sink, test_case.options);
  const std::string_view input = test_case.input;
  std::size_t from = 0;
  for (const std::size_t at : splits) {
    parser.feed(input.substr(from, at - from));
    from = at;
  }
  parser.feed(input.substr(from));
  parser.reset();  // end of stream
  sink.trace.last_event_id = std::string(parser.last_event_id());
  if (!test_case.check_comments) sink.trace.comments.clear();
  return sink.trace;
}

Trace run_in_chunks_of(const Case& test_case, std::size_t chunk_size) {
  std::vector<std::size_t> splits;
  for (std::size_t at = chunk_size; at < test_case.input.size(); at += chunk_size) splits.push_back(at);
  return run(test_case, splits);
}

std::string escape(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  constexpr std::size_t kShown = 200;
  for (std::size_t i = 0; i < bytes.size() && i < kShown; ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b == '\n') out += "\\n";
    else if (b == '\r') out += "\\r";
    else if (b == '\\') out += "\\\\";
    else if (b >= 0x20 && b < 0x7F) out.push_back(static_cast<char>(b));
    else { out += "\\x"; out.push_back(kHex[b >> 4]); out.push_back(kHex[b & 15]); }
  }
  if (bytes.size() > kShown) out += "…(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

void PrintTo(const Trace& trace, std::ostream* os) {
  *os << "\n  events:";
  for (const auto& e : trace.events) {
    *os << "\n    {type \"" << escape(e.type) << "\", data \"" << escape(e.data) << "\", id \""
        << escape(e.last_event_id) << "\"}";
  }
  *os << "\n  retries:";
  for (const auto r : trace.retries) *os << ' ' << r;
  *os << "\n  comments:";
  for (const auto& c : trace.comments) *os << " \"" << escape(c) << '"';
  *os << "\n  buffer_limit_error: " << trace.buffer_limit_error;
  *os << "\n  lastEventId: \"" << escape(trace.last_event_id) << "\"\n";
}

}  // namespace corpus
