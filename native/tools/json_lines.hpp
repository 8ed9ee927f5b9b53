// sse-cat's output format: the parser's output as JSON lines, one RFC 8259 object per line,
// each ending in LF. Shared by sse-cat and the fuzz target that checks the format
// (fuzz/sse_cat_json_fuzz.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sse/parser.hpp"

namespace json_lines {

// Appends `text` as a JSON string. `text` must be valid UTF-8 (every string the parser emits
// is): only the quote, the backslash and control characters are escaped.
void append_string(std::string& out, std::string_view text);

// {"type":…,"data":…,"lastEventId":…}
void append_event(std::string& out, const sse::Event& event);
// {"retry":N}
void append_retry(std::string& out, std::uint64_t milliseconds);
// {"comment":…}
void append_comment(std::string& out, std::string_view text);

}  // namespace json_lines
