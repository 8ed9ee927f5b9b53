// The scalar kernel: one byte at a time, the reference the other kernels are tested against.
#include "kernels.hpp"

namespace sse::scan {
namespace {

BlockMasks classify_block_scalar(const char* block) { return classify_bytes(block, kBlockBytes); }

}  // namespace

void classify_scalar(const char* blocks, std::size_t count, BlockMasks* masks) {
  for (std::size_t i = 0; i < count; ++i) masks[i] = classify_block_scalar(blocks + i * kBlockBytes);
}

BlockMasks classify_short_scalar(const char* p, std::size_t size) { return classify_bytes(p, size); }

}  // namespace sse::scan
