// Line-end scanning inside the library: the one interface the parser uses (the kernel chosen at
// start-up, classify()), the kernels' declarations, and the inline helpers of the hot loops.
#pragma once

#include "sse/parser.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#define SSE_SCAN_X86 1
#include <immintrin.h>
#elif defined(__wasm_simd128__)
#define SSE_SCAN_WASM 1
#include <wasm_simd128.h>
#endif

namespace sse::scan {

inline constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

inline std::uint64_t load_word(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// 0x80 in each byte of `word` that is zero, exactly (no carries between bytes), else 0.
inline std::uint64_t zero_bytes(std::uint64_t word) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  return ~(((word & kLow7) + kLow7) | word | kLow7);
}

// Block classification: the CR/LF and non-ASCII bytes of 64 bytes as two bit masks. The scalar
// kernel is the reference; the SIMD kernels must give the same masks for every input (tests
// compare them on the corpus and on random bytes). One is chosen once, at start-up.

// The first `size` bytes of a block (at most 64).
inline BlockMasks classify_bytes(const char* block, std::size_t size) {
  BlockMasks masks{};
#if defined(__clang__)
#pragma clang loop vectorize(disable) unroll(disable)  // a few bytes: the vector code only costs size
#endif
  for (std::size_t i = 0; i < size; ++i) {
    const auto byte = static_cast<unsigned char>(block[i]);
    masks.line_ends |= std::uint64_t{byte == '\n' || byte == '\r'} << i;
    masks.non_ascii |= std::uint64_t{byte >= 0x80} << i;
  }
  return masks;
}

// A kernel classifies a run of consecutive blocks per call (kBatchBlocks at most), so the
// indirect call is paid per kilobyte, not per block.
inline constexpr std::size_t kBatchBlocks = 16;
using BlockClassifier = void (*)(const char* blocks, std::size_t count, BlockMasks* masks);

// The first `size` bytes (9 to 16) of a short input, as if zero-padded: the whole work for the
// small chunks of a slow network, where a 64-byte block would be mostly padding.
using ShortClassifier = BlockMasks (*)(const char* p, std::size_t size);

// The 16 bytes to classify: `p` itself when it holds 16, else its bytes copied into `padded`
// (zero-filled) by two overlapping 8-byte copies (inlined, unlike a library memcpy of a
// variable size).
inline const char* padded_to_16(char (&padded)[16], const char* p, std::size_t size) {
  if (size == 16) return p;
  std::memcpy(padded, p, 8);
  std::memcpy(padded + size - 8, p + size - 8, 8);
  return padded;
}

// The kernels, one file per family: scalar.cpp (the reference), swar.cpp, x86.cpp (SSE2, AVX2),
// simd128.cpp (WebAssembly).
void classify_scalar(const char* blocks, std::size_t count, BlockMasks* masks);
BlockMasks classify_short_scalar(const char* p, std::size_t size);
void classify_swar(const char* blocks, std::size_t count, BlockMasks* masks);
BlockMasks classify_short_swar(const char* p, std::size_t size);
#if defined(SSE_SCAN_X86)
void classify_sse2(const char* blocks, std::size_t count, BlockMasks* masks);
__attribute__((target("avx2"))) void classify_avx2(const char* blocks, std::size_t count, BlockMasks* masks);
BlockMasks classify_short_sse2(const char* p, std::size_t size);
#endif
#if defined(SSE_SCAN_WASM)
void classify_simd128(const char* blocks, std::size_t count, BlockMasks* masks);
BlockMasks classify_short_simd128(const char* p, std::size_t size);
#endif

// A kernel: its classifier of whole blocks and of short inputs.
struct KernelFunctions {
  BlockClassifier blocks;
  ShortClassifier short_input;
};

// (dispatch.cpp)
KernelFunctions kernel_functions(Kernel kernel);

inline KernelFunctions& current_kernel() {
  static KernelFunctions functions = kernel_functions(best_kernel());
  return functions;
}

// Classifies up to kBatchBlocks blocks from `blocks`, of which `available` bytes exist; returns
// how many. A last block shorter than 64 bytes is classified as if zero-padded (zero is neither
// a line end nor non-ASCII): byte by byte when it is a few bytes, from one 16-byte vector up to
// 16, else from a padded copy.
inline std::size_t classify(const KernelFunctions& kernel, const char* blocks, std::size_t available, BlockMasks* masks) {
  const std::size_t whole = std::min(available / kBlockBytes, kBatchBlocks);
  if (whole != 0) {
    kernel.blocks(blocks, whole, masks);
    return whole;
  }
  if (available <= 8) {
    masks[0] = classify_bytes(blocks, available);
  } else if (available <= 16) {
    masks[0] = kernel.short_input(blocks, available);
  } else {
    char padded[kBlockBytes] = {};
    std::memcpy(padded, blocks, available);
    kernel.blocks(padded, 1, masks);
  }
  return 1;
}

}  // namespace sse::scan
