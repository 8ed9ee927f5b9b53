// libFuzzer target: sse-cat's output (native/tools/json_lines.*) must be JSON lines: every
// record one line holding one RFC 8259 object in valid UTF-8 (checked by fuzz/json_check.hpp,
// written independently of the formatter), whose members are exactly sse-cat's and whose values,
// once unescaped, are exactly what the parser reported.
//
// Input: the stream itself, fed whole to sse::Parser; every event, retry and comment is
// formatted as `sse-cat --comments` formats it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "json_check.hpp"
#include "json_lines.hpp"
#include "report.hpp"
#include "sse/parser.hpp"

namespace {

[[noreturn]] void die(const char* what, const std::string& detail) { fuzz::die("sse_cat_json_fuzz", what, detail); }

std::string escape(std::string_view bytes) { return fuzz::escape(bytes, 300); }

using Kind = json_check::Member::Kind;
struct Expected {
  std::string_view name;
  Kind kind;
  std::string_view value;
};

class CheckingSink final : public sse::EventSink {
 public:
  void on_event(const sse::Event& e) override {
    const std::size_t start = out_.size();
    json_lines::append_event(out_, e);
    check(start, {{"type", Kind::string, e.type},
                  {"data", Kind::string, e.data},
                  {"lastEventId", Kind::string, e.last_event_id}});
  }
  void on_retry(std::uint64_t ms) override {
    const std::size_t start = out_.size();
    json_lines::append_retry(out_, ms);
    const std::string text = std::to_string(ms);
    check(start, {{"retry", Kind::number, text}});
  }
  void on_comment(std::string_view text) override {
    const std::size_t start = out_.size();
    json_lines::append_comment(out_, text);
    check(start, {{"comment", Kind::string, text}});
  }

  std::size_t lines() const { return lines_; }
  const std::string& output() const { return out_; }

 private:
  // The line appended from `start`: one object ending in LF, with exactly `expected` members.
  void check(std::size_t start, std::initializer_list<Expected> expected) {
    const std::string_view line = std::string_view(out_).substr(start);
    if (line.empty() || line.back() != '\n') die("record does not end in LF", escape(line));
    const std::string_view body = line.substr(0, line.size() - 1);
    if (body.find('\n') != std::string_view::npos) die("record spans several lines", escape(line));
    if (!json_check::is_valid_utf8(body)) die("record is not valid UTF-8", escape(line));
    if (!json_check::parse_object(body, members_, error_)) die(("invalid JSON: " + error_).c_str(), escape(line));
    if (members_.size() != expected.size()) die("wrong number of members", escape(line));
    std::size_t i = 0;
    for (const Expected& want : expected) {
      const auto& got = members_[i++];
      if (got.name != want.name || got.kind != want.kind || got.value != want.value) {
        die("member does not round-trip",
            "expected \"" + std::string(want.name) + "\": \"" + escape(want.value) + "\", got \"" +
                escape(got.name) + "\": \"" + escape(got.value) + "\"\n  line: " + escape(line));
      }
    }
    ++lines_;
  }

  std::string out_;
  std::vector<json_check::Member> members_;
  std::string error_;
  std::size_t lines_ = 0;
};

// The validator must accept and reject what RFC 8259 (plus its stated strictness) says, or the
// fuzz target proves nothing: checked once at start-up.
void self_test() {
  std::vector<json_check::Member> members;
  std::string error;
  for (const std::string_view good : {
           R"({})", R"( { "a" : 1 } )", R"({"a":"b","c":-0.5e+10,"d":[1,{"e":null}],"f":true,"g":false})",
           R"({"s":"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"})", "{\"u\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
           R"({"n":0})", R"({"n":-0})", R"({"n":1E5})", R"({"n":12.25})", R"({"e":[]})"}) {
    if (!json_check::parse_object(good, members, error)) die("json_check rejects valid JSON", std::string(good) + ": " + error);
  }
  for (const std::string_view bad : {
           "", "[]", "\"a\"", "{", "}", R"({"a"})", R"({"a":})", R"({"a":1,})", R"({,})", R"({"a":1}x)",
           R"({"a":01})", R"({"a":1.})", R"({"a":.5})", R"({"a":1e})", R"({"a":+1})", R"({"a":-})",
           R"({"a":tru})", R"({"a":nul})", R"({a:1})", R"({'a':1})", R"({"a":"\x"})", R"({"a":"\u12"})",
           R"({"a":"\ud800"})", R"({"a":"\udc00"})", R"({"a":"\ud800\u0041"})", R"({"a":1,"a":2})",
           "{\"a\":\"\x01\"}", "{\"a\":\"\n\"}", "{\"a\":\"\x7f\xc0\x80\"}", "{\"a\":\"\xed\xa0\x80\"}",
           "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xe2\x82\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\x80\"}",
           "{\"a\":\"abc", R"({"a":[1 2]})", "{\"a\":1}\x0b"}) {
    if (json_check::parse_object(bad, members, error)) die("json_check accepts invalid JSON", escape(bad));
  }
  if (!json_check::parse_object(R"({"a":"x\u0041\n","b":42})", members, error) || members.size() != 2 ||
      members[0].value != "xA\n" || members[1].kind != Kind::number || members[1].value != "42") {
    die("json_check decodes wrongly", error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  self_test();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CheckingSink sink;
  sse::Parser parser(sink);
  parser.feed(data, size);
  parser.reset();
  // The whole output, as sse-cat writes it: one line per record.
  std::size_t newlines = 0;
  for (const char c : sink.output()) newlines += c == '\n' ? 1 : 0;
  if (newlines != sink.lines()) die("output lines do not match the records", escape(sink.output()));
  return 0;
}
