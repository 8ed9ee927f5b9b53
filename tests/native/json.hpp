// A small JSON reader for the tests: enough for the corpus and for checking sse-cat's output.
// Numbers keep their text so 64-bit values survive exactly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace testjson {

struct Value;
using Array = std::vector<Value>;
using Object = std::map<std::string, Value, std::less<>>;
struct Number {
  std::string text;
};

struct Value {
  std::variant<std::nullptr_t, bool, Number, std::string, Array, Object> v;

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_array() const { return std::holds_alternative<Array>(v); }
  bool is_object() const { return std::holds_alternative<Object>(v); }
  bool is_number() const { return std::holds_alternative<Number>(v); }
  const std::string& str() const { return std::get<std::string>(v); }
  const Array& arr() const { return std::get<Array>(v); }
  const Object& obj() const { return std::get<Object>(v); }
  // A non-negative integer, written as a number or (beyond 2^53) as a decimal string.
  std::uint64_t u64() const {
    const std::string& text = is_string() ? str() : std::get<Number>(v).text;
    std::size_t used = 0;
    const std::uint64_t value = std::stoull(text, &used);
    if (used != text.size() || text.empty() || text[0] == '-') {
      throw std::runtime_error("not an unsigned integer: " + text);
    }
    return value;
  }
  // The member `key`, or nullptr.
  const Value* find(std::string_view key) const {
    const auto& o = obj();
    const auto it = o.find(key);
    return it == o.end() ? nullptr : &it->second;
  }
  const Value& at(std::string_view key) const {
    const Value* value = find(key);
    if (value == nullptr) throw std::runtime_error("missing key " + std::string(key));
    return *value;
  }
};

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  Value parse_document() {
    Value value = parse_value();
    skip_space();
    if (i_ != s_.size()) fail("trailing characters");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(i_));
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool consume(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  Value parse_value() {
    skip_space();
    if (i_ == s_.size()) fail("unexpected end");
    const char c = s_[i_];
    if (c == '{') return parse_object();
    if (c == '[') return parse_array();
    if (c == '"') return Value{parse_string()};
    if (consume("null")) return Value{nullptr};
    if (consume("true")) return Value{true};
    if (consume("false")) return Value{false};
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
    fail("unexpected character");
  }
  Value parse_number() {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    const auto digits = [&] {
      const std::size_t from = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == from) fail("bad number");
    };
    digits();
    if (i_ < s_.size() && s_[i_] == '.') { ++i_; digits(); }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      digits();
    }
    return Value{Number{std::string(s_.substr(start, i_ - start))}};
  }
  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    unsigned value = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      value <<= 4;
      if (h >= '0' && h <= '9') value |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') value |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') value |= static_cast<unsigned>(h - 'A' + 10);
      else fail("bad \\u escape");
    }
    return value;
  }
  static void append_utf8(std::string& out, unsigned cp) {
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
  std::string parse_string() {
    ++i_;  // opening quote
    std::string out;
    for (;;) {
      if (i_ == s_.size()) fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ == s_.size()) fail("unterminated escape");
      const char e = s_[i_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!consume("\\u")) fail("lone high surrogate");
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("lone low surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }
  Value parse_array() {
    ++i_;
    Array items;
    skip_space();
    if (consume("]")) return Value{std::move(items)};
    for (;;) {
      items.push_back(parse_value());
      skip_space();
      if (consume("]")) return Value{std::move(items)};
      if (!consume(",")) fail("expected , or ]");
    }
  }
  Value parse_object() {
    ++i_;
    Object members;
    skip_space();
    if (consume("}")) return Value{std::move(members)};
    for (;;) {
      skip_space();
      if (i_ == s_.size() || s_[i_] != '"') fail("expected a key");
      std::string key = parse_string();
      skip_space();
      if (!consume(":")) fail("expected :");
      members.insert_or_assign(std::move(key), parse_value());
      skip_space();
      if (consume("}")) return Value{std::move(members)};
      if (!consume(",")) fail("expected , or }");
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline Value parse(std::string_view text) { return Reader(text).parse_document(); }

}  // namespace testjson
