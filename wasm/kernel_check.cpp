// A test-only WebAssembly module (not shipped): the simd128 kernel against the scalar reference,
// inside the engine that runs it. tests/js/kernels.test.mjs writes bytes into the buffer and
// asks for mismatches; native builds test the x86 kernels the same way in GoogleTest.
#include <algorithm>
#include <cstdint>

#include "sse/parser.hpp"

#define SSE_EXPORT extern "C" __attribute__((used, visibility("default")))

namespace {

constexpr std::size_t kCapacity = 1 << 20;
char buffer[kCapacity];

// Folds every callback into one hash, so two parses compare as one number.
class HashingSink final : public sse::EventSink {
 public:
  void on_event(const sse::Event& event) override {
    mix(1);
    mix(event.type);
    mix(event.data);
    mix(event.last_event_id);
    mix(event.type_set ? 2 : 3);
    mix(event.id_set ? 4 : 5);
  }
  void on_retry(std::uint64_t milliseconds) override {
    mix(6);
    mix(milliseconds);
  }
  void on_id(std::string_view id) override {
    mix(7);
    mix(id);
  }
  void on_comment(std::string_view text) override {
    mix(8);
    mix(text);
  }
  void on_error(sse::ParseError error, std::string_view) override { mix(9 + static_cast<int>(error)); }
  std::uint32_t hash = 2166136261u;

 private:
  void mix(std::uint64_t value) {
    hash = (hash ^ static_cast<std::uint32_t>(value ^ (value >> 32))) * 16777619u;
  }
  void mix(std::string_view text) {
    mix(text.size());
    for (const char c : text) mix(static_cast<unsigned char>(c));
  }
};

std::uint32_t parse_hash(sse::scan::Kernel kernel, std::size_t size, std::size_t chunk) {
  sse::scan::use_kernel(kernel);
  HashingSink sink;
  sse::Parser parser(sink, {.max_buffered_bytes = 4096, .on_limit = sse::LimitAction::skip_event});
  for (std::size_t at = 0; at < size; at += chunk) parser.feed(std::string_view(buffer + at, std::min(chunk, size - at)));
  return sink.hash;
}

}  // namespace

SSE_EXPORT char* kernel_check_buffer() { return buffer; }
SSE_EXPORT std::uint32_t kernel_check_capacity() { return kCapacity; }

SSE_EXPORT std::uint32_t kernel_check_has_simd128() {
  const auto kernels = sse::scan::available_kernels();
  return static_cast<std::uint32_t>(kernels.back() == sse::scan::Kernel::simd128);
}

// Mismatches of classify_block between simd128 and scalar over every 64-byte window of the first
// `size` bytes, plus mismatches of find_line_end from every offset.
SSE_EXPORT std::uint32_t kernel_check_scan(std::uint32_t size) {
  using sse::scan::Kernel;
  std::uint32_t mismatches = 0;
  for (std::size_t at = 0; at + sse::scan::kBlockBytes <= size; ++at) {
    mismatches += static_cast<std::uint32_t>(sse::scan::classify_block(Kernel::simd128, buffer + at) !=
                                             sse::scan::classify_block(Kernel::scalar, buffer + at));
  }
  for (std::size_t at = 0; at < size; at += 7) {
    const char* end = buffer + std::min<std::size_t>(size, at + 4096);  // a line of 1 MB: not 1 MB per offset
    mismatches += static_cast<std::uint32_t>(sse::scan::find_line_end(Kernel::simd128, buffer + at, end) !=
                                             sse::scan::find_line_end(Kernel::scalar, buffer + at, end));
  }
  return mismatches;
}

// 1 when parsing the first `size` bytes in `chunk`-byte pieces gives the same callbacks with the
// simd128 kernel as with the scalar one, else 0.
SSE_EXPORT std::uint32_t kernel_check_parse(std::uint32_t size, std::uint32_t chunk) {
  const std::uint32_t simd = parse_hash(sse::scan::Kernel::simd128, size, chunk);
  const std::uint32_t scalar = parse_hash(sse::scan::Kernel::scalar, size, chunk);
  sse::scan::use_kernel(sse::scan::best_kernel());
  return static_cast<std::uint32_t>(simd == scalar);
}
