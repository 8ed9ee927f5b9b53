#include "json_lines.hpp"

namespace json_lines {

// RFC 8259 string: the parser's strings are valid UTF-8 already, so only the quote, the
// backslash and control characters need escaping.
void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void append_event(std::string& out, const sse::Event& event) {
  out += "{\"type\":";
  append_string(out, event.type);
  out += ",\"data\":";
  append_string(out, event.data);
  out += ",\"lastEventId\":";
  append_string(out, event.last_event_id);
  out += "}\n";
}

void append_retry(std::string& out, std::uint64_t milliseconds) {
  out += "{\"retry\":" + std::to_string(milliseconds) + "}\n";
}

void append_comment(std::string& out, std::string_view text) {
  out += "{\"comment\":";
  append_string(out, text);
  out += "}\n";
}

}  // namespace json_lines
