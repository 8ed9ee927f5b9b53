// UTF-8 to UTF-16 for Node's strings, shared by the package's module (binding.cpp) and the
// bench's parser alone (parser_alone.cpp, whose bound of decoding uses the same writer).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace sse::wasm {

// Writes valid UTF-8 as UTF-16 code units, at most `units` of them (for Node, whose ucs2Slice
// makes a string of them at memcpy speed, several times faster than its UTF-8 decoding); returns
// how many it wrote. Given the text's byte count as `units` (never fewer than its code units),
// it counts them as it writes: no pass of the binding's utf16_length first. ASCII runs are
// widened sixteen bytes at a time. Invalid UTF-8 (never in the parser's output) cannot make it
// read past the text or write past `units`: a truncated sequence becomes U+FFFD, and writing
// stops there.
[[gnu::noinline]] inline std::uint32_t write_utf16(std::string_view utf8, char16_t* out, std::uint32_t units) {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  char16_t* const out_start = out;
  char16_t* const out_end = out + units;
#if defined(__wasm_simd128__)
  // A short ASCII text (an ID, a short value): two overlapping loads and stores, not the loop
  // below byte by byte.
  const std::size_t size = utf8.size();
  if (size >= 4 && size < 16 && units >= size) {
    const bool eight = size >= 8;
    const v128_t head = eight ? wasm_v128_load64_zero(p) : wasm_v128_load32_zero(p);
    const v128_t tail = eight ? wasm_v128_load64_zero(end - 8) : wasm_v128_load32_zero(end - 4);
    if (wasm_i8x16_bitmask(wasm_v128_or(head, tail)) == 0) {
      const std::size_t part = eight ? 8 : 4;
      const v128_t head_units = wasm_u16x8_extend_low_u8x16(head);
      const v128_t tail_units = wasm_u16x8_extend_low_u8x16(tail);
      if (eight) {
        wasm_v128_store(out, head_units);
        wasm_v128_store(out + size - part, tail_units);
      } else {
        const std::uint64_t head_word = wasm_u64x2_extract_lane(head_units, 0);
        const std::uint64_t tail_word = wasm_u64x2_extract_lane(tail_units, 0);
        std::memcpy(out, &head_word, 8);
        std::memcpy(out + size - part, &tail_word, 8);
      }
      return static_cast<std::uint32_t>(size);
    }
  }
#endif
  while (p != end && out != out_end) {
#if defined(__wasm_simd128__)
    if (end - p >= 16 && out_end - out >= 16) {
      // Sixteen bytes widened; when some are not ASCII, only the units of those before the first
      // one count (the rest are written over next, or lie past the end), and that code point is
      // decoded below.
      const v128_t bytes = wasm_v128_load(p);
      const auto high_bits = static_cast<std::uint32_t>(wasm_i8x16_bitmask(bytes));
      wasm_v128_store(out, wasm_u16x8_extend_low_u8x16(bytes));
      wasm_v128_store(out + 8, wasm_u16x8_extend_high_u8x16(bytes));
      const unsigned ascii = high_bits == 0 ? 16 : static_cast<unsigned>(__builtin_ctz(high_bits));
      p += ascii;
      out += ascii;
      if (high_bits == 0) continue;
    } else if (p != end && out - out_start + (end - p) >= 16 && out_end - out >= end - p) {
      // The last bytes of a long text: when its final sixteen are ASCII, they are widened at once
      // (those before `p` once more, to the same units; the first test keeps even invalid UTF-8,
      // which may have taken ASCII bytes into a sequence, from writing before the text).
      const v128_t bytes = wasm_v128_load(end - 16);
      if (wasm_i8x16_bitmask(bytes) == 0) {
        out += end - p;
        wasm_v128_store(out - 16, wasm_u16x8_extend_low_u8x16(bytes));
        wasm_v128_store(out - 8, wasm_u16x8_extend_high_u8x16(bytes));
        p = end;
        break;
      }
    }
#endif
    const unsigned lead = *p;
    const long length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (end - p < length) {
      *out++ = 0xFFFD;
      ++p;
      continue;
    }
    if (length == 1) {
      *out++ = static_cast<char16_t>(lead);
    } else if (length == 2) {
      *out++ = static_cast<char16_t>((lead & 0x1F) << 6 | (p[1] & 0x3F));
    } else if (length == 3) {
      *out++ = static_cast<char16_t>((lead & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F));
    } else {
      const unsigned code_point =
          ((lead & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F)) - 0x10000;
      *out++ = static_cast<char16_t>(0xD800 | code_point >> 10);
      if (out == out_end) break;
      *out++ = static_cast<char16_t>(0xDC00 | (code_point & 0x3FF));
    }
    p += length;
  }
  return static_cast<std::uint32_t>(out - out_start);
}

}  // namespace sse::wasm
