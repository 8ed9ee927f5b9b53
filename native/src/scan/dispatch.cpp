// The kernel in use, chosen once for the CPU (or by use_kernel()), and the public sse::scan API
// of parser.hpp over the kernels.
#include "kernels.hpp"

namespace sse::scan {

KernelFunctions kernel_functions(Kernel kernel) {
  switch (kernel) {
#if defined(SSE_SCAN_X86)
    case Kernel::sse2: return {classify_sse2, classify_short_sse2};
    case Kernel::avx2: return {classify_avx2, classify_short_sse2};
#endif
#if defined(SSE_SCAN_WASM)
    case Kernel::simd128: return {classify_simd128, classify_short_simd128};
#endif
    case Kernel::swar: return {classify_swar, classify_short_swar};
    default: return {classify_scalar, classify_short_scalar};
  }
}

std::vector<Kernel> available_kernels() {
  std::vector<Kernel> kernels{Kernel::scalar, Kernel::swar};
#if defined(SSE_SCAN_X86)
  kernels.push_back(Kernel::sse2);
  if (__builtin_cpu_supports("avx2")) kernels.push_back(Kernel::avx2);
#endif
#if defined(SSE_SCAN_WASM)
  kernels.push_back(Kernel::simd128);
#endif
  return kernels;
}

Kernel best_kernel() { return available_kernels().back(); }

Kernel use_kernel(Kernel kernel) {
  const auto kernels = available_kernels();
  if (std::find(kernels.begin(), kernels.end(), kernel) == kernels.end()) kernel = Kernel::scalar;
  current_kernel() = kernel_functions(kernel);
  return kernel;
}

BlockMasks classify_block(Kernel kernel, const char* block) {
  BlockMasks masks{};
  kernel_functions(kernel).blocks(block, 1, &masks);
  return masks;
}

const char* find_line_end(Kernel kernel, const char* begin, const char* end) {
  const KernelFunctions functions = kernel_functions(kernel);
  BlockMasks masks[kBatchBlocks];
  for (const char* block = begin; block < end;) {
    const std::size_t count = classify(functions, block, static_cast<std::size_t>(end - block), masks);
    for (std::size_t i = 0; i < count; ++i, block += kBlockBytes) {
      if (masks[i].line_ends != 0) return block + __builtin_ctzll(masks[i].line_ends);
    }
  }
  return end;
}

}  // namespace sse::scan
