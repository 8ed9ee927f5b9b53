// The SWAR kernel: eight bytes at a time in a 64-bit word, for any CPU (SIMD within a register).
#include <bit>

#include "kernels.hpp"

namespace sse::scan {
namespace {

// The high bit of each byte of `word`, gathered into bits 0-7 (byte 0 into bit 0).
std::uint64_t gather_high_bits(std::uint64_t word) { return ((word & kHighBits) * 0x02040810204081ULL) >> 56; }

// Adds the masks of the 8 bytes at `p`, the `i`-th word of their block, to `masks`.
void add_word_swar(BlockMasks& masks, const char* p, unsigned i) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  std::uint64_t word = load_word(p);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  const std::uint64_t ends = zero_bytes(word ^ (kOnes * '\n')) | zero_bytes(word ^ (kOnes * '\r'));
  masks.line_ends |= gather_high_bits(ends) << (8 * i);
  masks.non_ascii |= gather_high_bits(word) << (8 * i);
}

BlockMasks classify_block_swar(const char* block) {
  BlockMasks masks{};
  for (unsigned i = 0; i < kBlockBytes / 8; ++i) add_word_swar(masks, block + 8 * i, i);
  return masks;
}

}  // namespace

void classify_swar(const char* blocks, std::size_t count, BlockMasks* masks) {
  for (std::size_t i = 0; i < count; ++i) masks[i] = classify_block_swar(blocks + i * kBlockBytes);
}

BlockMasks classify_short_swar(const char* p, std::size_t size) {
  char padded[16] = {};
  const char* bytes = padded_to_16(padded, p, size);
  BlockMasks masks{};
  add_word_swar(masks, bytes, 0);
  add_word_swar(masks, bytes + 8, 1);
  return masks;
}

}  // namespace sse::scan
