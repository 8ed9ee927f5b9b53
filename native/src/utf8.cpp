// The public sse::utf8 functions of parser.hpp: validation, repair and the UTF-16 length, per
// the WHATWG Encoding standard.
#include "utf8.hpp"

#include <string>

namespace sse::utf8 {

bool is_valid(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  std::size_t invalid_length = 0;
  while (p != end) {
    if (*p < 0x80) {
      p = skip_ascii(p, end);
      continue;
    }
    const std::size_t length = sequence_length(p, end, &invalid_length);
    if (length == 0) return false;
    p += length;
  }
  return true;
}

void append_with_replacement(std::string& out, std::string_view bytes) { append_replacing(out, bytes); }

[[gnu::noinline]] std::size_t decoded_utf16_length(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  std::size_t units = 0;
  std::size_t invalid_length = 0;
  while (p != end) {
    if (*p < 0x80) {
      const unsigned char* ascii_end = skip_ascii(p, end);
      units += static_cast<std::size_t>(ascii_end - p);
      p = ascii_end;
      continue;
    }
    const std::size_t length = sequence_length(p, end, &invalid_length);
    if (length == 0) {
      p += invalid_length;  // one U+FFFD
      ++units;
    } else {
      p += length;
      units += length == 4 ? 2 : 1;  // a surrogate pair above U+FFFF
    }
  }
  return units;
}

}  // namespace sse::utf8
