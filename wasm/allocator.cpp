// The modules' allocator (malloc, free, realloc; posix_memalign up to 16 bytes; nothing calls calloc), in
// place of Emscripten's emmalloc, whose 2.9 KB of code serve allocation patterns these modules
// never have: the drop-in script carries its module within a 20 KB gzip budget.
//
// What the modules allocate: a session, and a few buffers (a line, an event's data, the input, the
// arena's pieces, the records) that grow by doubling and are freed when a huge value has passed.
// So: blocks with boundary tags, one free list taken best-fit, neighbours merged on free, and a
// free block at the end of the heap given back to the heap. realloc grows a block in place when it
// ends the heap or has a free block after it: a huge line's buffer grows where it is instead of
// leaving its old copies behind (the memory bounds in tests/js/leaks.test.mjs and
// tests/browser/leaks.test.mjs).
#include <cstddef>
#include <cstdint>
#include <cerrno>
#include <cstring>

#include <emscripten/heap.h>

extern "C" char __heap_base;  // (the linker's: where the memory after data and stack begins)

namespace {

// A block: this header, then its payload. Blocks lie end to end from the heap's start to its top.
struct Block {
  std::uint32_t previous_size;  // the size of the block before this one (0: the first block)
  std::uint32_t size_and_used;  // this block's size, header included (a multiple of 16) | kUsed
  Block* next_free;             // the free list's links, while the block is free
  Block* previous_free;
};
constexpr std::uint32_t kUsed = 1;
constexpr std::size_t kHeader = sizeof(Block);  // 16: payloads are 16-byte aligned, as malloc's must be
static_assert(kHeader == 16);
constexpr std::size_t kMinBlock = 2 * kHeader;  // a split leaves no block smaller than this
constexpr std::size_t kMaxPayload = 0x7fff'0000;

char* heap_top = nullptr;  // the end of the last block
Block* last_block = nullptr;
Block* free_list = nullptr;

std::uint32_t size_of(const Block* block) { return block->size_and_used & ~kUsed; }
bool is_free(const Block* block) { return (block->size_and_used & kUsed) == 0; }
void* payload(Block* block) { return reinterpret_cast<char*>(block) + kHeader; }
Block* header(void* pointer) { return reinterpret_cast<Block*>(static_cast<char*>(pointer) - kHeader); }
Block* next_block(Block* block) { return reinterpret_cast<Block*>(reinterpret_cast<char*>(block) + size_of(block)); }
Block* previous_block(Block* block) {
  return reinterpret_cast<Block*>(reinterpret_cast<char*>(block) - block->previous_size);
}

// The block size for `bytes` of payload; 0 when no block can hold them.
std::size_t block_size(std::size_t bytes) {
  if (bytes > kMaxPayload) return 0;
  const std::size_t size = (bytes + kHeader + 15) & ~std::size_t{15};
  return size < kMinBlock ? kMinBlock : size;
}

void link_free(Block* block) {
  block->size_and_used = size_of(block);
  block->previous_free = nullptr;
  block->next_free = free_list;
  if (free_list != nullptr) free_list->previous_free = block;
  free_list = block;
}

void unlink_free(Block* block) {
  if (block->previous_free != nullptr) {
    block->previous_free->next_free = block->next_free;
  } else {
    free_list = block->next_free;
  }
  if (block->next_free != nullptr) block->next_free->previous_free = block->previous_free;
}

// Makes room for `bytes` more at the heap's top: the heap is the memory after the module's data
// and stack (from __heap_base), grown by Emscripten's runtime (in a standalone module, by the
// pages it lacks, then telling JS through emscripten_notify_memory_growth).
bool make_room(std::size_t bytes) {
  if (heap_top == nullptr) heap_top = &__heap_base + (-reinterpret_cast<std::uintptr_t>(&__heap_base) & 15);
  const std::size_t top = reinterpret_cast<std::uintptr_t>(heap_top);
  if (bytes <= emscripten_get_heap_size() - top) return true;
  return bytes <= kMaxPayload + kHeader && emscripten_resize_heap(top + bytes);
}

// Marks a block used at `size`, giving what is left over (if a block's worth) to the free list.
// The block is not the last one, and the block after it is used (free neighbours are merged).
void use(Block* block, std::size_t size) {
  const std::size_t left = size_of(block) - size;
  if (left >= kMinBlock) {
    Block* rest = reinterpret_cast<Block*>(reinterpret_cast<char*>(block) + size);
    rest->previous_size = static_cast<std::uint32_t>(size);
    rest->size_and_used = static_cast<std::uint32_t>(left);
    next_block(rest)->previous_size = static_cast<std::uint32_t>(left);
    link_free(rest);
    block->size_and_used = static_cast<std::uint32_t>(size);
  }
  block->size_and_used |= kUsed;
}

}  // namespace

extern "C" {

void* malloc(std::size_t bytes) {
  const std::size_t size = block_size(bytes);
  if (size == 0) return nullptr;
  // The smallest free block that fits: small blocks do not split the holes a large buffer left,
  // which the next large buffer needs whole.
  Block* best = nullptr;
  for (Block* block = free_list; block != nullptr; block = block->next_free) {
    if (size_of(block) >= size && (best == nullptr || size_of(block) < size_of(best))) {
      best = block;
      if (size_of(block) == size) break;
    }
  }
  if (best != nullptr) {
    unlink_free(best);
    use(best, size);
    return payload(best);
  }
  // None fits: a new block at the top.
  if (!make_room(size)) return nullptr;
  Block* block = reinterpret_cast<Block*>(heap_top);
  block->previous_size = last_block != nullptr ? size_of(last_block) : 0;
  block->size_and_used = static_cast<std::uint32_t>(size) | kUsed;
  heap_top += size;
  last_block = block;
  return payload(block);
}

void free(void* pointer) {
  if (pointer == nullptr) return;
  Block* block = header(pointer);
  block->size_and_used = size_of(block);
  // (A free block is never the last one, as the heap takes it back: merging the next block never
  // makes this one last.)
  const bool last = block == last_block;
  if (!last) {
    Block* next = next_block(block);
    if (is_free(next)) {
      unlink_free(next);
      block->size_and_used += size_of(next);
    }
  }
  if (block->previous_size != 0 && is_free(previous_block(block))) {
    Block* previous = previous_block(block);
    unlink_free(previous);
    previous->size_and_used += size_of(block);
    block = previous;
  }
  if (last) {  // the heap takes the block back
    heap_top = reinterpret_cast<char*>(block);
    last_block = block->previous_size != 0 ? previous_block(block) : nullptr;
    return;
  }
  next_block(block)->previous_size = size_of(block);
  link_free(block);
}

void* realloc(void* pointer, std::size_t bytes) {
  if (pointer == nullptr) return malloc(bytes);
  const std::size_t size = block_size(bytes);
  if (size == 0) return nullptr;
  Block* block = header(pointer);
  const std::size_t had = size_of(block);
  if (size <= had) return pointer;
  if (block == last_block) {  // grows into the heap
    if (!make_room(size - had)) return nullptr;
    heap_top += size - had;
    block->size_and_used = static_cast<std::uint32_t>(size) | kUsed;
    return pointer;
  }
  Block* next = next_block(block);
  if (is_free(next) && had + size_of(next) >= size) {  // grows into the free block after it
    unlink_free(next);
    block->size_and_used = static_cast<std::uint32_t>(had + size_of(next));
    next_block(block)->previous_size = size_of(block);
    use(block, size);
    return pointer;
  }
  void* moved = malloc(bytes);
  if (moved == nullptr) return nullptr;
  std::memcpy(moved, pointer, had - kHeader);
  free(pointer);
  return moved;
}

// For the Embind build, whose C++ runtime refers to it (for `new` of over-aligned types, which
// nothing here has): blocks are 16-byte aligned, and no more.
int posix_memalign(void** pointer, std::size_t alignment, std::size_t bytes) {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  if (alignment > kHeader) return ENOMEM;
  void* block = malloc(bytes);
  if (block == nullptr) return ENOMEM;
  *pointer = block;
  return 0;
}

}  // extern "C"
