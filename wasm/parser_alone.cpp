// A bench-only WebAssembly module (not shipped): the parser compiled exactly as the package's
// module is, with the native benchmark's counting sink instead of the batch records. It measures
// what no design that parses in WebAssembly can go under: the parse itself, in this engine
// (bench/js/contenders.mjs, "bound" rows; bench/RESULTS.md, what bounds each missed target).
// Built a second time with SSE_ALONE_UTF16_SINK (parser-alone-utf16.wasm), its sink also writes
// each event's data as UTF-16: the least a module handing Node its texts does. (One sink per
// module: with whole-program vtables the parser's call to a module's only sink is direct, as the
// package's module's is.)
#include <cstdint>
#include <cstdlib>

#include "sse/parser.hpp"
#include "utf16.hpp"

#if defined(SSE_ALONE_UTF16_SINK)
#include <wasm_simd128.h>
#endif

#define SSE_EXPORT extern "C" __attribute__((used, visibility("default")))

namespace {

#if !defined(SSE_ALONE_UTF16_SINK)
// bench/native/parser_bench.cpp's sink: the event count and the data's size, nothing kept.
class CountingSink final : public sse::EventSink {
 public:
  void on_event(const sse::Event& event) override {
    ++events;
    bytes += event.data.size();
  }
  std::uint32_t events = 0;
  std::size_t bytes = 0;
};
using AloneSink = CountingSink;
#else
// The same, and each event's data that is not ASCII written as UTF-16 by the package's writer
// (Node makes strings of UTF-16 several times faster than of UTF-8; ASCII data can be a Latin-1
// string of the bytes where they lie, so it is only tested).
class Utf16Sink final : public sse::EventSink {
 public:
  ~Utf16Sink() override { std::free(out_); }
  void on_event(const sse::Event& event) override {
    ++events;
    bytes += event.data.size();
    if (!ascii(event.data)) write(event.data);
  }
  std::uint32_t events = 0;
  std::size_t bytes = 0;
  std::size_t units = 0;

 private:
  // (Not binding.cpp's all_ascii, shaped for whole chunks: here it kept the parser from inlining
  // the sink, and tiny events took ~12 ns instead of ~9.)
  static bool ascii(std::string_view text) {
    const char* p = text.data();
    const char* end = p + text.size();
    for (; end - p >= 16; p += 16) {
      if (wasm_i8x16_bitmask(wasm_v128_load(p)) != 0) return false;
    }
    for (; p != end; ++p) {
      if (static_cast<unsigned char>(*p) >= 0x80) return false;
    }
    return true;
  }
  // (Out of line, so that the sink of ASCII data inlines as the counting sink does.)
  [[gnu::noinline]] void write(std::string_view text) {
    if (text.size() > capacity_) {
      std::free(out_);
      capacity_ = text.size();
      out_ = static_cast<char16_t*>(std::malloc(2 * capacity_));
    }
    units += sse::wasm::write_utf16(text, out_, static_cast<std::uint32_t>(text.size()));
  }
  char16_t* out_ = nullptr;
  std::size_t capacity_ = 0;
};
using AloneSink = Utf16Sink;
#endif

struct AloneSession {
  AloneSink sink;
  sse::Parser parser{sink};
  char* input = nullptr;
  std::size_t capacity = 0;
};

}  // namespace

SSE_EXPORT AloneSession* parser_alone_create() { return new AloneSession(); }

SSE_EXPORT void parser_alone_destroy(AloneSession* session) {
  std::free(session->input);
  delete session;
}

// Where the caller writes a chunk of up to `bytes` bytes (the same place each time).
SSE_EXPORT char* parser_alone_input(AloneSession* session, std::uint32_t bytes) {
  if (bytes > session->capacity) {
    std::free(session->input);
    session->input = static_cast<char*>(std::malloc(bytes));
    session->capacity = bytes;
  }
  return session->input;
}

// Parses the `bytes` bytes written at the input; returns the events they completed.
SSE_EXPORT std::uint32_t parser_alone_feed(AloneSession* session, std::uint32_t bytes) {
  const std::uint32_t before = session->sink.events;
  session->parser.feed(std::string_view(session->input, bytes));
  return session->sink.events - before;
}

// For the bound with decoding: memory where the bench places each chunk's data bytes before it
// times anything (as a parser finds them in the chunk it was given), and the package's own UTF-8
// to UTF-16 writer over them (Node's fastest way from UTF-8 to a string: bench/RESULTS.md).
SSE_EXPORT void* parser_alone_allocate(std::uint32_t bytes) { return std::malloc(bytes); }
SSE_EXPORT void parser_alone_free(void* memory) { std::free(memory); }
SSE_EXPORT std::uint32_t parser_alone_write_utf16(const char* utf8, std::uint32_t bytes, char16_t* out) {
  return sse::wasm::write_utf16(std::string_view(utf8, bytes), out, bytes);
}
