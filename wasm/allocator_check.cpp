// A test-only WebAssembly module (not shipped): the modules' allocator (allocator.cpp) on its own,
// for tests/js/allocator.test.mjs, which drives it with random sequences and checks what it hands
// out.
#include <cstdint>
#include <cstdlib>

#define SSE_EXPORT extern "C" __attribute__((used, visibility("default")))

extern "C" void emscripten_notify_memory_growth(std::size_t) {}

SSE_EXPORT void* check_malloc(std::size_t bytes) { return std::malloc(bytes); }
SSE_EXPORT void* check_realloc(void* pointer, std::size_t bytes) { return std::realloc(pointer, bytes); }
SSE_EXPORT void check_free(void* pointer) { std::free(pointer); }
// Returns the block, or the error's negative.
SSE_EXPORT std::intptr_t check_posix_memalign(std::size_t alignment, std::size_t bytes) {
  void* pointer = nullptr;
  const int error = posix_memalign(&pointer, alignment, bytes);
  return error != 0 ? -error : reinterpret_cast<std::intptr_t>(pointer);
}
