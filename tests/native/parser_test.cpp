// Unit tests of sse::Parser beyond the corpus: limits, reset(), accessors, the UTF-8 decoder
// against an independent reference, and chunking invariance on random streams.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "corpus.hpp"
#include "sse/parser.hpp"

namespace {

using corpus::RecordingSink;
using namespace std::string_literals;

TEST(ParserLimit, ExceedingItReportsAClearErrorAndStopsUntilReset) {
  RecordingSink sink;
  std::string message;
  struct : sse::EventSink {
    std::string* message;
    int errors = 0;
    void on_event(const sse::Event&) override {}
    void on_error(sse::ParseError error, std::string_view text) override {
      EXPECT_EQ(error, sse::ParseError::buffer_limit);
      *message = text;
      ++errors;
    }
  } errors;
  errors.message = &message;
  sse::Parser parser(errors, {.max_buffered_bytes = 16});
  parser.feed("data: 0123456789ab\n\n");  // 18-byte line
  EXPECT_EQ(parser.error(), sse::ParseError::buffer_limit);
  EXPECT_NE(message.find("limit of 16 buffered bytes"), std::string::npos) << message;
  parser.feed("data: more\n\n");
  parser.feed(std::string(1000, 'x'));
  EXPECT_EQ(errors.errors, 1) << "a stopped parser reports once and ignores input";
}

TEST(ParserLimit, ParserWorksAgainAfterReset) {
  RecordingSink sink;
  sse::Parser parser(sink, {.max_buffered_bytes = 32});
  parser.feed("id: 1\ndata: a\n\ndata: ");
  parser.feed(std::string(100, 'x'));
  EXPECT_TRUE(sink.trace.buffer_limit_error);
  parser.reset();
  EXPECT_EQ(parser.error(), sse::ParseError::none);
  parser.feed("data: b\n\n");
  ASSERT_EQ(sink.trace.events.size(), 2u);
  EXPECT_EQ(sink.trace.events[1].data, "b");
  EXPECT_EQ(sink.trace.events[1].last_event_id, "1");
}

TEST(ParserLimit, CountsDataAlreadyBufferedForTheEvent) {
  RecordingSink sink;
  sse::Parser parser(sink, {.max_buffered_bytes = 20});
  parser.feed("data: 0123456789\n");  // 16-byte line, 11 bytes buffered
  EXPECT_FALSE(sink.trace.buffer_limit_error);
  parser.feed("data: 01\n");  // 11 + 8 = 19
  EXPECT_FALSE(sink.trace.buffer_limit_error);
  parser.feed("data: 0\n");  // 11 + 3 + 7 = 21
  EXPECT_TRUE(sink.trace.buffer_limit_error);
  EXPECT_TRUE(sink.trace.events.empty());
}

TEST(ParserLimit, AHugeUnterminatedLineStopsAtTheLimitWhateverTheChunking) {
  for (const std::size_t chunk : {1u, 7u, 4096u, 65536u}) {
    RecordingSink sink;
    sse::Parser parser(sink, {.max_buffered_bytes = 1 << 16});
    const std::string block(chunk, 'x');
    parser.feed("data:");
    std::size_t fed = 5;
    while (parser.error() == sse::ParseError::none && fed < (1u << 20)) {
      parser.feed(block);
      fed += chunk;
    }
    EXPECT_TRUE(sink.trace.buffer_limit_error) << "chunk " << chunk;
    EXPECT_GT(fed, std::size_t{1} << 16) << "chunk " << chunk;
    EXPECT_LE(fed, (std::size_t{1} << 16) + chunk) << "the error comes with the first byte over";
  }
}

// LimitAction::skip_event: each oversized event is reported once and dropped with the rest of
// its line; the events around it arrive, and its id still counts. The same for every chunking.
TEST(ParserLimit, SkipEventDropsOnlyTheOversizedEventWhateverTheChunking) {
  struct : sse::EventSink {
    std::vector<std::string> calls;
    void on_event(const sse::Event& event) override {
      calls.push_back("event " + std::string(event.type) + " " + std::string(event.data) + " " +
                      std::string(event.last_event_id));
    }
    void on_comment(std::string_view text) override { calls.push_back("comment " + std::string(text)); }
    void on_error(sse::ParseError error, std::string_view message) override {
      EXPECT_EQ(error, sse::ParseError::buffer_limit);
      EXPECT_NE(message.find("the event was dropped"), std::string_view::npos) << message;
      calls.emplace_back("error");
    }
  } whole;
  const std::string huge(100, 'x');
  const std::string stream = "data: before\n\n"
                             "event: big\nid: 1\ndata: " + huge + "\nevent: still-big\ndata: more\nid: 2\n\n"
                             "data: a\ndata: " + huge + huge + "\n: comment\n\n"
                             "data: " + huge + "\r\n\r\n"
                             "event: after\ndata: small\n\n";
  const sse::ParserOptions options{.max_buffered_bytes = 64, .on_limit = sse::LimitAction::skip_event};
  sse::Parser parser(whole, options);
  parser.feed(stream);
  EXPECT_EQ(parser.error(), sse::ParseError::none);
  EXPECT_EQ(whole.calls, (std::vector<std::string>{"event message before ", "error", "error", "comment comment",
                                                   "error", "event after small 2"}));
  EXPECT_EQ(parser.last_event_id(), "2");
  std::mt19937 random(5);
  for (const std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 0u}) {
    decltype(whole) chunked;
    sse::Parser again(chunked, options);
    for (std::size_t at = 0; at < stream.size();) {
      const std::size_t size = chunk != 0 ? chunk : 1 + random() % 40;
      again.feed(std::string_view(stream).substr(at, size));
      at += size;
    }
    EXPECT_EQ(chunked.calls, whole.calls) << "chunk " << chunk;
  }
}

// Invalid UTF-8 grows as it is decoded (one byte, three of U+FFFD), so the raw length of a
// chunk bounds nothing: the lines after such a line, a blank one included, are still checked,
// whole as byte by byte. (Found by parser_fuzz: a blank line right after the line skipped it.)
TEST(ParserLimit, DecodedDataThatOutgrewItStopsTheNextLineWhateverTheChunking) {
  const std::string invalid(10, '\xff');  // 15-byte line, 30 bytes of data once decoded
  for (const std::string& stream : {"data:" + invalid + "\n\n", "data:" + invalid + "\ndata:x\n\n"}) {
    for (const std::size_t chunk : {1u, 2u, 16u, 4096u}) {
      RecordingSink sink;
      sse::Parser parser(sink, {.max_buffered_bytes = 29});
      for (std::size_t at = 0; at < stream.size(); at += chunk) parser.feed(std::string_view(stream).substr(at, chunk));
      EXPECT_TRUE(sink.trace.buffer_limit_error) << "chunk " << chunk << " of " << corpus::escape(stream);
      EXPECT_TRUE(sink.trace.events.empty()) << "chunk " << chunk << " of " << corpus::escape(stream);
    }
  }
}

TEST(ParserLimit, SkipEventKeepsMemoryBoundedUnderAHugeLine) {
  struct : sse::EventSink {
    int events = 0, errors = 0;
    void on_event(const sse::Event&) override { ++events; }
    void on_error(sse::ParseError, std::string_view) override { ++errors; }
  } sink;
  sse::Parser parser(sink, {.max_buffered_bytes = 1 << 16, .on_limit = sse::LimitAction::skip_event});
  parser.feed("data: ");
  const std::string block(4096, 'x');
  for (int i = 0; i < 4096; ++i) parser.feed(block);  // 16 MiB of one line
  parser.feed("\n\ndata: next\n\n");
  EXPECT_EQ(sink.errors, 1);
  EXPECT_EQ(sink.events, 1);
  EXPECT_EQ(parser.error(), sse::ParseError::none);
}

TEST(ParserReset, KeepsLastEventIdAndReconnectionTimeAndDiscardsThePendingEvent) {
  RecordingSink sink;
  sse::Parser parser(sink);
  parser.feed("retry: 1500\nid: 7\ndata: a\n\nid: 8\nevent: x\ndata: lost\ndata: par");
  EXPECT_EQ(parser.last_event_id(), "7");
  EXPECT_EQ(parser.last_event_id_buffer(), "8");
  parser.reset();
  EXPECT_EQ(parser.last_event_id(), "7");
  EXPECT_EQ(parser.last_event_id_buffer(), "7") << "the uncommitted id goes with its event";
  EXPECT_EQ(parser.reconnection_time(), 1500u);
  parser.feed("tial\n\ndata: b\n\n");
  // The discarded partial line leaves "tial", an unknown field: nothing from it survives.
  ASSERT_EQ(sink.trace.events.size(), 2u);
  EXPECT_EQ(sink.trace.events[0].data, "a");
  EXPECT_EQ(sink.trace.events[1].data, "b");
  EXPECT_EQ(sink.trace.events[1].type, "message");
  EXPECT_EQ(sink.trace.events[1].last_event_id, "7");
}

TEST(ParserReset, RearmsBomRemovalAndForgetsAPendingCR) {
  RecordingSink sink;
  sse::Parser parser(sink);
  parser.feed("\xEF\xBB\xBF" "data: a\n\n");
  parser.feed("data: cr\r");
  parser.reset();
  parser.feed("\xEF\xBB");
  parser.feed("\xBF" "data: b\n\n\xEF\xBB\xBF" "data: c\n\n");
  parser.reset();
  parser.feed("\ndata: d\n\n");  // the LF is a blank line of its own, not the end of a CRLF
  ASSERT_EQ(sink.trace.events.size(), 3u);
  EXPECT_EQ(sink.trace.events[0].data, "a");
  EXPECT_EQ(sink.trace.events[1].data, "b");
  EXPECT_EQ(sink.trace.events[2].data, "d") << "a BOM after the start is text: field \\uFEFFdata";
}

TEST(Parser, LastEventIdBufferMovesAtTheIdLineAndTheStringAtTheBlankLine) {
  RecordingSink sink;
  sse::Parser parser(sink);
  parser.feed("id: 1\n");
  EXPECT_EQ(parser.last_event_id_buffer(), "1");
  EXPECT_EQ(parser.last_event_id(), "");
  parser.feed("\n");
  EXPECT_EQ(parser.last_event_id(), "1");
  EXPECT_TRUE(sink.trace.events.empty());
}

TEST(Parser, SetLastEventIdRestoresAStoredId) {
  RecordingSink sink;
  sse::Parser parser(sink);
  parser.set_last_event_id("42");
  parser.feed("data: a\n\n");
  ASSERT_EQ(sink.trace.events.size(), 1u);
  EXPECT_EQ(sink.trace.events[0].last_event_id, "42");
}

TEST(Parser, EmptyRetryResetsToTheConfiguredDefault) {
  RecordingSink sink;
  sse::Parser parser(sink, {.default_reconnection_time_ms = 5000});
  EXPECT_EQ(parser.reconnection_time(), 5000u);
  parser.feed("retry: 10\nretry\n");
  EXPECT_EQ(sink.trace.retries, (std::vector<std::uint64_t>{10, 5000}));
  EXPECT_EQ(parser.reconnection_time(), 5000u);
}

// The Encoding standard's UTF-8 decoder, written as the spec states it (bytes needed, bytes
// seen, lower and upper boundary), producing code points: an independent check of the
// parser's table-driven decoder.
std::u32string reference_decode(std::string_view bytes) {
  std::u32string out;
  char32_t code_point = 0;
  int needed = 0, seen = 0;
  unsigned lower = 0x80, upper = 0xBF;
  for (std::size_t i = 0; i <= bytes.size();) {
    if (i == bytes.size()) {
      if (needed != 0) out.push_back(0xFFFD);
      break;
    }
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (needed == 0) {
      ++i;
      if (byte <= 0x7F) {
        out.push_back(byte);
      } else if (byte >= 0xC2 && byte <= 0xDF) {
        needed = 1;
        code_point = byte & 0x1F;
      } else if (byte >= 0xE0 && byte <= 0xEF) {
        if (byte == 0xE0) lower = 0xA0;
        if (byte == 0xED) upper = 0x9F;
        needed = 2;
        code_point = byte & 0xF;
      } else if (byte >= 0xF0 && byte <= 0xF4) {
        if (byte == 0xF0) lower = 0x90;
        if (byte == 0xF4) upper = 0x8F;
        needed = 3;
        code_point = byte & 0x7;
      } else {
        out.push_back(0xFFFD);
      }
      continue;
    }
    if (byte < lower || byte > upper) {
      code_point = needed = seen = 0;
      lower = 0x80;
      upper = 0xBF;
      out.push_back(0xFFFD);
      continue;  // the byte is processed again ("prepend to stream")
    }
    ++i;
    lower = 0x80;
    upper = 0xBF;
    code_point = (code_point << 6) | (byte & 0x3F);
    if (++seen == needed) {
      out.push_back(code_point);
      code_point = needed = seen = 0;
    }
  }
  return out;
}

std::u32string decode_valid(const std::string& utf8) {
  std::u32string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    const int length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = length == 1 ? b : b & (0x7F >> length);
    for (int k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(length);
  }
  return out;
}

void expect_decoders_agree(const std::string& bytes) {
  std::string repaired;
  sse::utf8::append_with_replacement(repaired, bytes);
  ASSERT_TRUE(sse::utf8::is_valid(repaired)) << corpus::escape(bytes);
  ASSERT_EQ(decode_valid(repaired), reference_decode(bytes)) << corpus::escape(bytes);
  ASSERT_EQ(sse::utf8::is_valid(bytes), repaired == bytes) << corpus::escape(bytes);
  std::size_t utf16_units = 0;
  for (const char32_t code_point : reference_decode(bytes)) utf16_units += code_point > 0xFFFF ? 2 : 1;
  ASSERT_EQ(sse::utf8::decoded_utf16_length(bytes), utf16_units) << corpus::escape(bytes);
}

TEST(Utf8, AgreesWithTheReferenceDecoderOnEveryTwoByteInput) {
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      expect_decoders_agree({static_cast<char>(a), static_cast<char>(b)});
    }
  }
}

TEST(Utf8, AgreesWithTheReferenceDecoderOnRandomInputs) {
  std::mt19937 random(2);
  // Bytes drawn mostly from the interesting ranges: lead bytes, continuations, ASCII.
  const std::string alphabet =
      "a:\x80\x8f\x90\x9f\xa0\xbf\xc0\xc1\xc2\xdf\xe0\xe1\xec\xed\xee\xef\xf0\xf1\xf3\xf4\xf5\xff";
  for (int round = 0; round < 200000; ++round) {
    std::string bytes(1 + random() % (round % 10 == 0 ? 40 : 8), ' ');
    for (char& c : bytes) c = alphabet[random() % alphabet.size()];
    expect_decoders_agree(bytes);
  }
}

// Random streams built from the tokens that matter must give the same trace for any chunking.
TEST(Parser, RandomStreamsGiveTheSameTraceForEveryChunking) {
  const std::vector<std::string> tokens = {
      "data", "event", "id", "retry", ":", " ", "\r", "\n", "\r\n", "x", "12", "\xEF\xBB\xBF",
      "\xC3\xA9", "\xF0\x9F\x98\x80", "\xE2\x82", "\xFF", std::string(1, '\0'), "\n\n", "\r\r"};
  std::mt19937_64 random(7);
  for (int round = 0; round < 20000; ++round) {
    corpus::Case c;
    c.options.max_buffered_bytes = 64 + random() % 64;
    c.check_comments = true;
    const std::size_t count = random() % 40;
    for (std::size_t k = 0; k < count; ++k) c.input += tokens[random() % tokens.size()];
    const corpus::Trace whole = corpus::run(c, {});
    ASSERT_EQ(corpus::run_in_chunks_of(c, 1), whole) << corpus::escape(c.input);
    std::vector<std::size_t> splits;
    for (std::size_t at = 1; at < c.input.size(); at += 1 + random() % 5) splits.push_back(at);
    ASSERT_EQ(corpus::run(c, splits), whole) << corpus::escape(c.input);
  }
}

}  // namespace

namespace {

// What the bindings rely on for eventsource-parser compatibility: whether the block itself set
// the type and the id, and on_id at the end of every block with an id, before its event.
// A single-line event whose block lies in one chunk reaches the sink as a view of that chunk;
// anything else (several lines, a line split across chunks, repaired UTF-8) is a copy.
TEST(Parser, DeliversSingleLineDataInsideOneChunkWithoutCopying) {
  struct : sse::EventSink {
    std::vector<const char*> data_pointers;
    std::vector<std::string> data;
    void on_event(const sse::Event& event) override {
      data_pointers.push_back(event.data.data());
      data.emplace_back(event.data);
    }
  } sink;
  sse::Parser parser(sink);
  const std::string chunk = "data: first\n\nevent: e\nid: 7\ndata:second\n\ndata: a\ndata: b\n\ndata: \xFF\n\ndata: spl";
  parser.feed(chunk);
  parser.feed("it\n\n");
  ASSERT_EQ(sink.data, (std::vector<std::string>{"first", "second", "a\nb", "\xEF\xBF\xBD", "split"}));
  const auto in_chunk = [&](const char* p) { return p >= chunk.data() && p < chunk.data() + chunk.size(); };
  EXPECT_EQ(sink.data_pointers[0], chunk.data() + 6);
  EXPECT_EQ(sink.data_pointers[1], chunk.data() + chunk.find("second"));
  EXPECT_FALSE(in_chunk(sink.data_pointers[2]));
  EXPECT_FALSE(in_chunk(sink.data_pointers[3]));
  EXPECT_FALSE(in_chunk(sink.data_pointers[4]));
}

TEST(Parser, ReportsWhetherTheBlockSetTypeAndIdAndCallsOnIdFirst) {
  struct : sse::EventSink {
    std::vector<std::string> calls;
    void on_event(const sse::Event& e) override {
      calls.push_back("event " + std::string(e.type) + (e.type_set ? " typed" : "") +
                      (e.id_set ? " with-id " : " ") + std::string(e.last_event_id));
    }
    void on_id(std::string_view id) override { calls.push_back("id " + std::string(id)); }
  } sink;
  sse::Parser parser(sink);
  parser.feed("id: 1\ndata: a\n\nevent: message\ndata: b\n\nid: 2\n\nid: 3\nid\n\ndata: c\n\n");
  EXPECT_EQ(sink.calls, (std::vector<std::string>{"id 1", "event message with-id 1",
                                                  "event message typed 1", "id 2", "id ",
                                                  "event message "}));
}

// Every callback of a parser as one line of text, for comparing runs.
class CallLog final : public sse::EventSink {
 public:
  explicit CallLog(const sse::Parser* parser = nullptr) : parser_(parser) {}
  void on_event(const sse::Event& e) override {
    add("event " + std::string(e.type) + "|" + std::string(e.data) + "|" + std::string(e.last_event_id));
  }
  void on_retry(std::uint64_t ms) override { add("retry " + std::to_string(ms)); }
  void on_id(std::string_view id) override { add("id " + std::string(id)); }
  void on_id_buffer(std::string_view buffer) override {
    add("id-buffer " + std::string(buffer));
    if (parser_ != nullptr) EXPECT_EQ(parser_->last_event_id_buffer(), buffer);
  }
  void on_comment(std::string_view text) override { add("comment " + std::string(text)); }
  void on_ignored_field(const sse::IgnoredField& f) override {
    static constexpr const char* kReasons[] = {"unknown-name", "invalid-retry", "id-with-nul"};
    add(std::string("ignored ") + kReasons[static_cast<int>(f.reason)] + " name=" + std::string(f.name) +
        " value=" + std::string(f.value) + " line=" + std::string(f.line));
  }
  void on_error(sse::ParseError, std::string_view) override { add("error"); }
  void add(std::string call) { calls.push_back(std::move(call)); }
  std::vector<std::string> calls;
  const sse::Parser* parser_;
};

std::vector<std::string> calls_of(const sse::ParserOptions& options, const std::vector<std::string>& chunks) {
  CallLog log;
  sse::Parser parser(log, options);
  for (const std::string& chunk : chunks) parser.feed(chunk);
  parser.reset();
  return log.calls;
}

// Every chunking of `input` (split at one offset, and byte by byte) gives the same calls.
std::vector<std::string> calls_for_every_split(const sse::ParserOptions& options, const std::string& input) {
  const std::vector<std::string> whole = calls_of(options, {input});
  std::vector<std::string> bytes;
  for (const char c : input) bytes.emplace_back(1, c);
  EXPECT_EQ(calls_of(options, bytes), whole) << corpus::escape(input);
  for (std::size_t at = 1; at < input.size(); ++at) {
    EXPECT_EQ(calls_of(options, {input.substr(0, at), input.substr(at)}), whole) << "split at " << at;
  }
  return whole;
}

TEST(IgnoredFields, ReportsUnknownNamesInvalidRetriesAndIdsWithNulAsDecodedText) {
  const std::string input = "garbage\nx: y\n{\"json\": 1}\nData: case\nretry: 50x\nretry:\n"
                            "retry: 99999999999999999999\nid: a\0b\n\xFFname: v\xFF\nretry: 7\n\n"s;
  EXPECT_EQ(calls_for_every_split({}, input),
            (std::vector<std::string>{
                "ignored unknown-name name=garbage value= line=garbage",
                "ignored unknown-name name=x value=y line=x: y",
                "ignored unknown-name name={\"json\" value=1} line={\"json\": 1}",
                "ignored unknown-name name=Data value=case line=Data: case",
                "ignored invalid-retry name=retry value=50x line=retry: 50x",
                "retry 3000",  // EmptyRetry::reset_to_default
                "ignored invalid-retry name=retry value=99999999999999999999 line=retry: 99999999999999999999",
                "ignored id-with-nul name=id value=a\0b line=id: a\0b"s,
                "ignored unknown-name name=\xEF\xBF\xBDname value=v\xEF\xBF\xBD line=\xEF\xBF\xBDname: v\xEF\xBF\xBD",
                "retry 7",
            }));
}

TEST(IgnoredFields, AnEmptyRetryIsIgnoredWhenTheOptionSaysSo) {
  CallLog log;
  sse::Parser parser(log, {.empty_retry = sse::EmptyRetry::ignore});
  parser.feed("retry: 10\nretry:\nretry\n");
  EXPECT_EQ(log.calls, (std::vector<std::string>{"retry 10", "ignored invalid-retry name=retry value= line=retry:",
                                                 "ignored invalid-retry name=retry value= line=retry"}));
  EXPECT_EQ(parser.reconnection_time(), 10u);
}

TEST(IgnoredFields, AreNotReportedWhenTheSinkDoesNotHearThem) {
  EXPECT_EQ(calls_for_every_split({.report_ignored_fields = false}, "garbage\nretry: x\nid: \0\ndata: a\n\n"s),
            (std::vector<std::string>{"event message|a|"}));
}

TEST(IgnoredFields, OneOverTheLimitIsDroppedWithoutAnErrorWhateverTheChunking) {
  // Only field lines and heard comments count towards the limit: an ignored field could change
  // nothing, so past the limit it is dropped, unreported, and parsing goes on.
  const std::string long_name(40, 'g');
  for (const bool heard : {true, false}) {
    const sse::ParserOptions options{.max_buffered_bytes = 16, .report_ignored_fields = heard};
    std::vector<std::string> expected;
    if (heard) expected.push_back("ignored unknown-name name=short value=1 line=short: 1");
    expected.push_back("event message|a|");
    EXPECT_EQ(calls_for_every_split(options, "short: 1\n" + long_name + "\n" + long_name + ": value\ndata: a\n\n"),
              expected);
  }
}

TEST(Comments, ThatNobodyHearsAreNeverBufferedNorCountedAgainstTheLimit) {
  const sse::ParserOptions options{.max_buffered_bytes = 16, .report_comments = false};
  EXPECT_EQ(calls_for_every_split(options, ": " + std::string(100, 'c') + "\ndata: a\n\n"),
            (std::vector<std::string>{"event message|a|"}));
  // Heard, a comment is a line like any other: past the limit it is an error.
  EXPECT_EQ(calls_of({.max_buffered_bytes = 16}, {": " + std::string(100, 'c') + "\ndata: a\n\n"}),
            (std::vector<std::string>{"error"}));

  // A huge unheard comment fed in pieces leaves nothing behind.
  CallLog log;
  sse::Parser parser(log, {.max_buffered_bytes = 1 << 16, .report_comments = false});
  parser.feed(":");
  const std::string block(1 << 16, 'c');
  for (int i = 0; i < 256; ++i) parser.feed(block);  // 16 MiB of one comment
  parser.feed("\ndata: after\n\n");
  EXPECT_EQ(log.calls, (std::vector<std::string>{"event message|after|"}));
}

TEST(Parser, ReportsTheLastEventIdBufferWhereverItChanges) {
  // The sink checks that last_event_id_buffer() already holds what it is told.
  struct Bound {
    CallLog log;
    sse::Parser parser;
    Bound() : log(&parser), parser(log) {}
  } bound;
  bound.parser.feed("id: 1\ndata: a\nid: 2\n\nid: \0\nid: 3\ndata: b"s);
  bound.parser.reset();  // the block that set 3 never ended: the buffer is 2 again
  bound.parser.feed("data: c\n\n");
  EXPECT_EQ(bound.log.calls, (std::vector<std::string>{"id-buffer 1", "id-buffer 2", "id 2", "event message|a|2",
                                                       "ignored id-with-nul name=id value=\0 line=id: \0"s,
                                                       "id-buffer 3", "id-buffer 2", "event message|c|2"}))
      << "(the NUL id is ignored)";
}

// Long streams of multi-line events (the short random streams above rarely hold one): data
// lines of ASCII, valid and invalid UTF-8 and "data:" itself (so that a carried line's rest can
// look like a data line), mixed with other lines and line ends; a third of them with a limit
// that some events pass. (tests/js/data-runs.test.mjs does the same to the module, whose
// parser takes such lines in runs.)
TEST(Parser, RandomMultiLineEventsGiveTheSameTraceForEveryChunking) {
  const std::vector<std::string> values = {"", " ", "x", " line of a long multi-line event", "data: x", " data:",
                                           "\xC3\xA9t\xC3\xA9", " \xFF\xC3", std::string(70, 'y')};
  const std::vector<std::string> others = {"id: 7", "event: e", ": comment", "data", "dat", "retry: 9", ""};
  const std::vector<std::string> line_ends = {"\n", "\n", "\n", "\r\n", "\r"};
  std::mt19937_64 random(13);
  for (int round = 0; round < 3000; ++round) {
    corpus::Case c;
    c.check_comments = true;
    if (round % 3 == 0) {  // events over the limit too, stopping or skipped
      c.options.max_buffered_bytes = 100 + random() % 1000;
      c.options.on_limit = random() % 2 == 0 ? sse::LimitAction::skip_event : sse::LimitAction::stop;
    }
    const std::size_t lines = random() % 120;
    for (std::size_t k = 0; k < lines; ++k) {
      const auto pick = random() % 8;
      if (pick < 6) {
        c.input += (random() % 4 == 0 ? "data:" : "data: ") + values[random() % values.size()];
      } else {
        c.input += others[random() % others.size()];
      }
      c.input += line_ends[random() % line_ends.size()];
    }
    const corpus::Trace whole = corpus::run(c, {});
    ASSERT_EQ(corpus::run_in_chunks_of(c, 1), whole) << corpus::escape(c.input);
    std::vector<std::size_t> splits;
    for (std::size_t at = 1 + random() % 200; at < c.input.size(); at += 1 + random() % 200) splits.push_back(at);
    ASSERT_EQ(corpus::run(c, splits), whole) << corpus::escape(c.input);
  }
}

// Random streams with every callback heard or not, and ignored lines at the limit.
TEST(Parser, RandomStreamsGiveTheSameCallsForEveryChunkingWhatTheSinkHears) {
  const std::vector<std::string> tokens = {
      "data", "event", "id", "retry", "re", "garbage", ":", " ", "\r", "\n", "\r\n", "x", "12",
      "\xC3\xA9", "\xFF", std::string(1, '\0'), "\n\n", std::string(20, 'y')};
  std::mt19937_64 random(11);
  for (int round = 0; round < 4000; ++round) {
    sse::ParserOptions options;
    options.max_buffered_bytes = random() % 64;  // limits under six bytes too: undecided starts
    options.report_comments = random() % 2 == 0;
    options.report_ignored_fields = random() % 2 == 0;
    options.empty_retry = random() % 2 == 0 ? sse::EmptyRetry::ignore : sse::EmptyRetry::reset_to_default;
    options.on_limit = random() % 2 == 0 ? sse::LimitAction::skip_event : sse::LimitAction::stop;
    std::string input;
    const std::size_t count = random() % 40;
    for (std::size_t k = 0; k < count; ++k) input += tokens[random() % tokens.size()];
    const std::vector<std::string> whole = calls_of(options, {input});
    std::vector<std::string> bytes;
    for (const char c : input) bytes.emplace_back(1, c);
    ASSERT_EQ(calls_of(options, bytes), whole) << corpus::escape(input);
    std::vector<std::string> pieces;
    for (std::size_t at = 0; at < input.size();) {
      const std::size_t size = 1 + random() % 7;
      pieces.push_back(input.substr(at, size));
      at += size;
    }
    ASSERT_EQ(calls_of(options, pieces), whole) << corpus::escape(input);
  }
}

}  // namespace

namespace {

// The SIMD kernels must find exactly what the scalar reference finds, at every alignment and
// length, with line ends anywhere (including in the last, partial vector).
TEST(ScanKernels, AgreeWithTheScalarReferenceOnRandomBytes) {
  const auto kernels = sse::scan::available_kernels();
  std::mt19937 random(11);
  const std::string alphabet = std::string("abc:\x80\xff\x0b\x0c\x0e ") + '\0';
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(random() % 200, 'x');
    for (char& c : bytes) c = alphabet[random() % alphabet.size()];
    const int line_ends = static_cast<int>(random() % 3);
    for (int k = 0; k < line_ends && !bytes.empty(); ++k) bytes[random() % bytes.size()] = random() % 2 ? '\n' : '\r';
    const std::size_t from = bytes.empty() ? 0 : random() % (bytes.size() + 1);
    const char* begin = bytes.data() + from;
    const char* end = bytes.data() + bytes.size();
    const char* expected = sse::scan::find_line_end(sse::scan::Kernel::scalar, begin, end);
    for (const auto kernel : kernels) {
      ASSERT_EQ(sse::scan::find_line_end(kernel, begin, end), expected)
          << "kernel " << static_cast<int>(kernel) << " round " << round;
    }
  }
}

// Both masks of every block: line ends and bytes >= 0x80, with all 256 byte values in play.
TEST(ScanKernels, ClassifyEveryBlockAsTheScalarReferenceDoes) {
  const auto kernels = sse::scan::available_kernels();
  std::mt19937 random(12);
  char block[sse::scan::kBlockBytes];
  for (int round = 0; round < 20000; ++round) {
    const bool dense = round % 2 == 0;  // every byte value, or mostly ASCII with a few others
    for (char& c : block) {
      c = static_cast<char>(dense ? random() % 256 : (random() % 16 == 0 ? 0x80 + random() % 128 : 'a'));
    }
    const auto expected = sse::scan::classify_block(sse::scan::Kernel::scalar, block);
    for (const auto kernel : kernels) {
      ASSERT_EQ(sse::scan::classify_block(kernel, block), expected)
          << "kernel " << static_cast<int>(kernel) << " round " << round;
    }
  }
  std::memset(block, 'a', sizeof block);
  block[0] = '\r';
  block[63] = '\n';
  block[31] = static_cast<char>(0xC3);
  const auto masks = sse::scan::classify_block(sse::scan::Kernel::scalar, block);
  EXPECT_EQ(masks.line_ends, (std::uint64_t{1} << 63) | 1);
  EXPECT_EQ(masks.non_ascii, std::uint64_t{1} << 31);
}

TEST(ScanKernels, TheBestIsAvailableAndUnavailableOnesFallBackToScalar) {
  const auto kernels = sse::scan::available_kernels();
  EXPECT_EQ(kernels.front(), sse::scan::Kernel::scalar);
  EXPECT_EQ(sse::scan::best_kernel(), kernels.back());
#if defined(__x86_64__)
  EXPECT_NE(std::find(kernels.begin(), kernels.end(), sse::scan::Kernel::sse2), kernels.end());
  EXPECT_EQ(sse::scan::use_kernel(sse::scan::Kernel::simd128), sse::scan::Kernel::scalar);
#endif
  sse::scan::use_kernel(sse::scan::best_kernel());
}

}  // namespace
