// sse::detail::Buffer — the parser's growable buffers (internal: sse/parser.hpp's members use
// it; not part of the API).
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

namespace sse {

namespace detail {
// Copies n bytes. A library memcpy of a few bytes costs more than the copy (natively a call, in
// V8 a call out of the module for WebAssembly's memory.copy): up to 64 bytes move in fixed-size,
// inlined pieces.
inline void copy_bytes(char* to, const char* from, std::size_t n) {
  if (n <= 64) {
    if (n >= 16) {
      std::memcpy(to, from, 16);
      std::memcpy(to + n - 16, from + n - 16, 16);
      if (n > 32) {
        std::memcpy(to + 16, from + 16, 16);
        std::memcpy(to + n - 32, from + n - 32, 16);
      }
    } else if (n >= 4) {
      std::memcpy(to, from, 4);
      std::memcpy(to + n - 4, from + n - 4, 4);
      if (n > 8) {
        std::memcpy(to + 4, from + 4, 4);
        std::memcpy(to + n - 8, from + n - 8, 4);
      }
    } else {
      for (std::size_t i = 0; i != n; ++i) to[i] = from[i];
    }
    return;
  }
  std::memcpy(to, from, n);
}

// A growable array of trivially copyable items, for the parser's buffers. It does std::string's
// job on the hot path without library calls: in WebAssembly the prebuilt libc++ members are
// not inlined, and per-line calls into them made the module several times slower.
template <typename T>
  requires std::is_trivially_copyable_v<T>
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept
      : items_(std::exchange(other.items_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    swap_with(other);
    return *this;
  }
  ~Buffer() { std::free(items_); }

  [[nodiscard]] T* data() { return items_; }
  [[nodiscard]] const T* data() const { return items_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::string_view view() const
    requires std::same_as<T, char>
  {
    return {items_, size_};
  }

  void clear() { size_ = 0; }
  // Empties the buffer, and frees its memory when it holds more than `retained_bytes`: a buffer
  // that grew for one huge value does not keep that size for the owner's life.
  void clear_retaining(std::size_t retained_bytes) {
    if (capacity_ * sizeof(T) > retained_bytes) {
      release();
    } else {
      size_ = 0;
    }
  }
  void truncate(std::size_t size) { size_ = std::min(size, size_); }
  void pop_back() { --size_; }
  // Frees the memory.
  void release() { Buffer().swap_with(*this); }
  void reserve(std::size_t capacity) {
    if (capacity > capacity_) reallocate(capacity);
  }
  void append(const T* items, std::size_t count) {
    T* to = extend(count);
    copy_bytes(reinterpret_cast<char*>(to), reinterpret_cast<const char*>(items), count * sizeof(T));
  }
  // Adds `count` items left for the caller to write; returns where they start.
  T* extend(std::size_t count) {
    if (count > capacity_ - size_) reallocate(std::max({size_ + count, 2 * capacity_, std::size_t{16}}));
    T* added = items_ + size_;
    size_ += count;
    return added;
  }
  void append(std::string_view text)
    requires std::same_as<T, char>
  {
    append(text.data(), text.size());
  }
  void assign(std::string_view text)
    requires std::same_as<T, char>
  {
    size_ = 0;
    append(text.data(), text.size());
  }
  void push_back(T item) { *extend(1) = item; }

 private:
  void swap_with(Buffer& other) {
    std::swap(items_, other.items_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }
  void reallocate(std::size_t capacity) {
    void* grown = std::realloc(items_, capacity * sizeof(T));
    if (grown == nullptr) {
#if defined(__cpp_exceptions)
      throw std::bad_alloc();
#else
      std::abort();
#endif
    }
    items_ = static_cast<T*>(grown);
    capacity_ = capacity;
  }

  T* items_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};
}  // namespace detail

}  // namespace sse
