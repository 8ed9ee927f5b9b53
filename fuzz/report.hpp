// How the fuzz targets report a finding: a readable dump of the bytes, then abort() so that
// libFuzzer saves the input as a crash artifact.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

[[noreturn]] inline void die(const char* target, const char* what, const std::string& detail) {
  std::fprintf(stderr, "\n*** %s: %s\n%s\n", target, what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// Printable ASCII as is, everything else as \xNN, shortened past `limit` bytes.
inline std::string escape(std::string_view bytes, std::size_t limit = 200) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte >= 0x20 && byte < 0x7F && byte != '\\') {
      out.push_back(static_cast<char>(byte));
    } else {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace fuzz
