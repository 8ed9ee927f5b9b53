// The WebAssembly kernel: simd128, sixteen bytes at a time. Empty in other builds (and in the
// wasm2js build, compiled without SIMD).
#include "kernels.hpp"

#if defined(SSE_SCAN_WASM)
namespace sse::scan {
namespace {

BlockMasks classify_block_simd128(const char* block) {
  const v128_t lf = wasm_i8x16_splat('\n');
  const v128_t cr = wasm_i8x16_splat('\r');
  BlockMasks masks{};
  for (unsigned i = 0; i < kBlockBytes / 16; ++i) {
    const v128_t bytes = wasm_v128_load(block + 16 * i);
    const auto ends = static_cast<std::uint32_t>(wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(bytes, lf), wasm_i8x16_eq(bytes, cr))));
    masks.line_ends |= std::uint64_t{ends} << (16 * i);
    masks.non_ascii |= std::uint64_t{static_cast<std::uint32_t>(wasm_i8x16_bitmask(bytes))} << (16 * i);
  }
  return masks;
}

}  // namespace

void classify_simd128(const char* blocks, std::size_t count, BlockMasks* masks) {
  for (std::size_t i = 0; i < count; ++i) masks[i] = classify_block_simd128(blocks + i * kBlockBytes);
}

BlockMasks classify_short_simd128(const char* p, std::size_t size) {
  char padded[16] = {};
  const char* bytes_at = padded_to_16(padded, p, size);
  const v128_t bytes = wasm_v128_load(bytes_at);
  const auto ends = static_cast<std::uint32_t>(wasm_i8x16_bitmask(
      wasm_v128_or(wasm_i8x16_eq(bytes, wasm_i8x16_splat('\n')), wasm_i8x16_eq(bytes, wasm_i8x16_splat('\r')))));
  return {ends, static_cast<std::uint32_t>(wasm_i8x16_bitmask(bytes))};
}

}  // namespace sse::scan
#endif
