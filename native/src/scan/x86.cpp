// The x86-64 kernels: SSE2 (every x86-64 CPU) and AVX2 (compiled for it here, chosen at run time
// when the CPU has it). Empty in other builds.
#include "kernels.hpp"

#if defined(SSE_SCAN_X86)
namespace sse::scan {
namespace {

BlockMasks classify_block_sse2(const char* block) {
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  BlockMasks masks{};
  for (unsigned i = 0; i < kBlockBytes / 16; ++i) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
    const auto ends = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, lf), _mm_cmpeq_epi8(bytes, cr))));
    masks.line_ends |= std::uint64_t{ends} << (16 * i);
    masks.non_ascii |= std::uint64_t{static_cast<unsigned>(_mm_movemask_epi8(bytes))} << (16 * i);
  }
  return masks;
}

__attribute__((target("avx2"))) BlockMasks classify_block_avx2(const char* block) {
  const __m256i lf = _mm256_set1_epi8('\n');
  const __m256i cr = _mm256_set1_epi8('\r');
  BlockMasks masks{};
  for (unsigned i = 0; i < kBlockBytes / 32; ++i) {
    const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * i));
    const auto ends = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(bytes, lf), _mm256_cmpeq_epi8(bytes, cr))));
    masks.line_ends |= std::uint64_t{ends} << (32 * i);
    masks.non_ascii |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(bytes))} << (32 * i);
  }
  return masks;
}

}  // namespace

void classify_sse2(const char* blocks, std::size_t count, BlockMasks* masks) {
  for (std::size_t i = 0; i < count; ++i) masks[i] = classify_block_sse2(blocks + i * kBlockBytes);
}
__attribute__((target("avx2"))) void classify_avx2(const char* blocks, std::size_t count, BlockMasks* masks) {
  for (std::size_t i = 0; i < count; ++i) masks[i] = classify_block_avx2(blocks + i * kBlockBytes);
}

// (The avx2 kernel takes this too: one 16-byte vector is all a short input needs.)
BlockMasks classify_short_sse2(const char* p, std::size_t size) {
  char padded[16] = {};
  const char* bytes_at = padded_to_16(padded, p, size);
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes_at));
  const auto ends = static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')))));
  return {ends, static_cast<unsigned>(_mm_movemask_epi8(bytes))};
}

}  // namespace sse::scan
#endif
