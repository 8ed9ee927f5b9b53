// A small strict JSON reader for the fuzz targets: RFC 8259's grammar (every value kind, so a
// line is judged by the standard and not by what sse-cat happens to write), plus UTF-8 validity
// of every byte (RFC 3629, written here independently of sse::utf8). Stricter than RFC 8259 where
// it only says SHOULD: a \u escape of an unpaired surrogate and a repeated member name are
// rejected, since no interoperable reader agrees on them.
//
// parse_object() reads one JSON text whose value is an object and returns its members with their
// values decoded (strings unescaped to UTF-8, numbers as their text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace json_check {

// True when `bytes` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values above
// U+10FFFF).
inline bool is_valid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p != end) {
    const unsigned char lead = *p;
    std::size_t trailing = 0;
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
      trailing = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      trailing = 2;
      if (lead == 0xE0) lower = 0xA0;
      if (lead == 0xED) upper = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      trailing = 3;
      if (lead == 0xF0) lower = 0x90;
      if (lead == 0xF4) upper = 0x8F;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= trailing) return false;
    for (std::size_t k = 1; k <= trailing; ++k) {
      if (p[k] < lower || p[k] > upper) return false;
      lower = 0x80;
      upper = 0xBF;
    }
    p += trailing + 1;
  }
  return true;
}

struct Member {
  enum class Kind { string, number, other };  // other: literal, object or array
  std::string name;
  Kind kind = Kind::other;
  std::string value;  // a string decoded to UTF-8, a number's text; empty for other kinds
};

namespace detail {

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  bool object_text(std::vector<Member>& members) {
    skip_ws();
    if (!object(&members, 0)) return false;
    skip_ws();
    return i_ == s_.size() || fail("text after the value");
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr int kMaxDepth = 64;

  bool fail(const char* what) {
    if (error_.empty()) error_ = std::string(what) + " at offset " + std::to_string(i_);
    return false;
  }
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void skip_ws() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool expect(char c, const char* what) {
    if (at_end() || s_[i_] != c) return fail(what);
    ++i_;
    return true;
  }

  bool value(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    switch (peek()) {
      case '{': return object(nullptr, depth);
      case '[': return array(depth);
      case '"': {
        std::string ignored;
        return string(ignored);
      }
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
          std::string ignored;
          return number(ignored);
        }
        return fail("expected a value");
    }
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return fail("bad literal");
    i_ += word.size();
    return true;
  }

  // members: where the top-level object's members go; nullptr for nested objects.
  bool object(std::vector<Member>* members, int depth) {
    if (!expect('{', "expected '{'")) return false;
    std::vector<std::string> names;
    skip_ws();
    if (peek() == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      skip_ws();
      Member member;
      if (peek() != '"') return fail("expected a member name");
      if (!string(member.name)) return false;
      for (const auto& name : names) {
        if (name == member.name) return fail("repeated member name");
      }
      names.push_back(member.name);
      skip_ws();
      if (!expect(':', "expected ':'")) return false;
      skip_ws();
      if (peek() == '"') {
        member.kind = Member::Kind::string;
        if (!string(member.value)) return false;
      } else if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
        member.kind = Member::Kind::number;
        if (!number(member.value)) return false;
      } else if (!value(depth + 1)) {
        return false;
      }
      if (members != nullptr) members->push_back(std::move(member));
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      return expect('}', "expected ',' or '}'");
    }
  }

  bool array(int depth) {
    if (!expect('[', "expected '['")) return false;
    skip_ws();
    if (peek() == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (!value(depth + 1)) return false;
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      return expect(']', "expected ',' or ']'");
    }
  }

  // number = [ minus ] int [ frac ] [ exp ]
  bool number(std::string& text) {
    const std::size_t start = i_;
    if (peek() == '-') ++i_;
    if (peek() == '0') {
      ++i_;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++i_;
    } else {
      return fail("bad number");
    }
    if (peek() == '.') {
      ++i_;
      if (!(peek() >= '0' && peek() <= '9')) return fail("bad fraction");
      while (peek() >= '0' && peek() <= '9') ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!(peek() >= '0' && peek() <= '9')) return fail("bad exponent");
      while (peek() >= '0' && peek() <= '9') ++i_;
    }
    text.assign(s_.substr(start, i_ - start));
    return true;
  }

  bool hex4(std::uint32_t& unit) {
    if (s_.size() - i_ < 4) return fail("short \\u escape");
    unit = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      unit <<= 4;
      if (c >= '0' && c <= '9') {
        unit |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        unit |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        unit |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return fail("bad hex digit in \\u escape");
      }
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // string = quotation-mark *char quotation-mark; decoded into `out`.
  bool string(std::string& out) {
    if (!expect('"', "expected '\"'")) return false;
    out.clear();
    for (;;) {
      if (at_end()) return fail("unterminated string");
      const auto byte = static_cast<unsigned char>(s_[i_]);
      if (byte == '"') {
        ++i_;
        return true;
      }
      if (byte < 0x20) return fail("unescaped control character in a string");
      if (byte >= 0x80) {
        // One UTF-8 sequence: its length from the lead byte, its validity from is_valid_utf8.
        const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
        if (s_.size() - i_ < length || !is_valid_utf8(s_.substr(i_, length))) {
          return fail("invalid UTF-8 in a string");
        }
        out.append(s_.substr(i_, length));
        i_ += length;
        continue;
      }
      if (byte != '\\') {
        out.push_back(static_cast<char>(byte));
        ++i_;
        continue;
      }
      ++i_;
      if (at_end()) return fail("unterminated escape");
      const char escape = s_[i_++];
      switch (escape) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t unit = 0;
          if (!hex4(unit)) return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return fail("unpaired low surrogate escape");
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            std::uint32_t low = 0;
            if (s_.substr(i_, 2) != "\\u") return fail("unpaired high surrogate escape");
            i_ += 2;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired high surrogate escape");
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, unit);
          break;
        }
        default: return fail("bad escape");
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string error_;
};

}  // namespace detail

// Reads `text` as one JSON text (RFC 8259, whitespace allowed around the value) whose value is an
// object. On success `members` holds its members in order; on failure `error` says what and
// where.
inline bool parse_object(std::string_view text, std::vector<Member>& members, std::string& error) {
  members.clear();
  detail::Reader reader(text);
  if (reader.object_text(members)) return true;
  error = reader.error();
  return false;
}

}  // namespace json_check
