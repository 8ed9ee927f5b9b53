// UTF-8 inside the library: the decoding rules shared by the parser and utf8.cpp (the public
// sse::utf8 functions), and the byte scans of values.
#pragma once

#include <bit>
#include <string_view>

#include "scan/kernels.hpp"

namespace sse::utf8 {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Length of the well-formed UTF-8 sequence starting at `p`, or 0 when the bytes there are not
// one. On 0, `*invalid_length` is the maximal subpart to replace with one U+FFFD (at least 1).
inline std::size_t sequence_length(const unsigned char* p, const unsigned char* end,
                                   std::size_t* invalid_length) {
  const unsigned char lead = *p;
  std::size_t continuation_bytes = 0;
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
  if (lead < 0x80) {
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    continuation_bytes = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuation_bytes = 2;
    if (lead == 0xE0) lower = 0xA0;  // overlong
    if (lead == 0xED) upper = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuation_bytes = 3;
    if (lead == 0xF0) lower = 0x90;  // overlong
    if (lead == 0xF4) upper = 0x8F;  // above U+10FFFF
  } else {
    *invalid_length = 1;
    return 0;
  }
  std::size_t length = 1;
  for (; length <= continuation_bytes; ++length) {
    if (p + length == end || p[length] < lower || p[length] > upper) {
      *invalid_length = length;
      return 0;
    }
    lower = 0x80;
    upper = 0xBF;
  }
  return length;
}

// The end of the run of ASCII bytes at `p`: sixteen at a time with SIMD, else eight (values
// that need validating are mostly ASCII, e.g. JSON with a few other characters).
inline const unsigned char* skip_ascii(const unsigned char* p, const unsigned char* end) {
#if defined(SSE_SCAN_X86)
  for (; end - p >= 16; p += 16) {
    const auto high = static_cast<unsigned>(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
    if (high != 0) return p + __builtin_ctz(high);
  }
#elif defined(SSE_SCAN_WASM)
  for (; end - p >= 16; p += 16) {
    const auto high = static_cast<std::uint32_t>(wasm_i8x16_bitmask(wasm_v128_load(p)));
    if (high != 0) return p + __builtin_ctz(high);
  }
#endif
  for (; end - p >= 8; p += 8) {
    const std::uint64_t high = scan::load_word(reinterpret_cast<const char*>(p)) & scan::kHighBits;
    if (high != 0) return std::endian::native == std::endian::little ? p + __builtin_ctzll(high) / 8 : p;
  }
  while (p != end && *p < 0x80) ++p;
  return p;
}

// Whether `value` holds a NUL byte, eight bytes at a time (an inline loop: in WebAssembly memchr
// is a call out to the library per `id` line).
inline bool contains_nul(std::string_view value) {
  const char* p = value.data();
  const char* end = p + value.size();
  for (; end - p >= 8; p += 8) {
    if (scan::zero_bytes(scan::load_word(p)) != 0) return true;
  }
  for (; p != end; ++p) {
    if (*p == '\0') return true;
  }
  return false;
}

// Appends `bytes` to `out` (a std::string or a detail::Buffer<char>), each maximal invalid
// subpart replaced with U+FFFD.
template <typename Out>
void append_replacing(Out& out, std::string_view bytes) {
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* p = begin;
  const auto* end = p + bytes.size();
  const auto* valid_from = p;  // start of the run of valid bytes not yet appended
  std::size_t invalid_length = 0;
  while (p != end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t length = sequence_length(p, end, &invalid_length);
    if (length != 0) {
      p += length;
      continue;
    }
    out.append(bytes.data() + (valid_from - begin), static_cast<std::size_t>(p - valid_from));
    out.append(kReplacementCharacter);
    p += invalid_length;
    valid_from = p;
  }
  out.append(bytes.data() + (valid_from - begin), static_cast<std::size_t>(end - valid_from));
}

}  // namespace sse::utf8
