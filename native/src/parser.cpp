// The event-stream state machine. Reading guide:
//   feed()          BOM handling, then split_lines()
//   split_lines()   finds line ends (CR, LF, CRLF across chunks), carries partial lines
//   process_line()  blank line / comment / field, per §9.2.6
//   dispatch_event() the blank-line steps
// UTF-8 decoding happens per value: CR, LF, ':' and space are ASCII and can never sit inside a
// multi-byte sequence, so decoding a line's pieces separately gives the same text as decoding
// the whole stream, and valid input (nearly all of it) is never copied for decoding.
#include "sse/parser.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#if defined(__x86_64__) || defined(_M_X64)
#define SSE_SCAN_X86 1
#include <immintrin.h>
#elif defined(__wasm_simd128__)
#define SSE_SCAN_WASM 1
#include <wasm_simd128.h>
#endif

namespace sse {
namespace {

constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";
// Buffers that grew past this for one huge line or event are released afterwards.
constexpr std::size_t kRetainedCapacity = 64 * 1024;

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t load_word(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Nonzero when some byte of `word` is zero (exact for the lowest such byte, which is all the
// callers use since they only test for "any").
std::uint64_t has_zero_byte(std::uint64_t word) { return (word - kOnes) & ~word & kHighBits; }

// Line-end scanning: the first CR or LF in [p, end), or end. The scalar kernel is the
// reference; the SIMD kernels must return the same pointer for every input (tests compare them
// on the corpus and on random bytes). One is chosen once, at start-up, for the machine.

// Eight bytes at a time, portable.
const char* find_line_end_scalar(const char* p, const char* end) {
  while (end - p >= 8) {
    const std::uint64_t word = load_word(p);
    if (has_zero_byte(word ^ (kOnes * '\n')) | has_zero_byte(word ^ (kOnes * '\r'))) break;
    p += 8;
  }
  for (; p != end; ++p) {
    if (*p == '\n' || *p == '\r') return p;
  }
  return end;
}

#if defined(SSE_SCAN_X86)
const char* find_line_end_sse2(const char* p, const char* end) {
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  for (; end - p >= 16; p += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, lf), _mm_cmpeq_epi8(bytes, cr)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
  return find_line_end_scalar(p, end);
}

__attribute__((target("avx2"))) const char* find_line_end_avx2(const char* p, const char* end) {
  const __m256i lf = _mm256_set1_epi8('\n');
  const __m256i cr = _mm256_set1_epi8('\r');
  for (; end - p >= 32; p += 32) {
    const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const auto mask = static_cast<unsigned>(
        _mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(bytes, lf), _mm256_cmpeq_epi8(bytes, cr))));
    if (mask != 0) return p + __builtin_ctz(mask);
  }
  return find_line_end_sse2(p, end);
}
#endif

#if defined(SSE_SCAN_WASM)
const char* find_line_end_simd128(const char* p, const char* end) {
  const v128_t lf = wasm_i8x16_splat('\n');
  const v128_t cr = wasm_i8x16_splat('\r');
  for (; end - p >= 16; p += 16) {
    const v128_t bytes = wasm_v128_load(p);
    const auto mask = static_cast<unsigned>(wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(bytes, lf), wasm_i8x16_eq(bytes, cr))));
    if (mask != 0) return p + __builtin_ctz(mask);
  }
  return find_line_end_scalar(p, end);
}
#endif

using LineEndScanner = const char* (*)(const char*, const char*);

LineEndScanner scanner_for(scan::Kernel kernel) {
  switch (kernel) {
#if defined(SSE_SCAN_X86)
    case scan::Kernel::sse2: return find_line_end_sse2;
    case scan::Kernel::avx2: return find_line_end_avx2;
#endif
#if defined(SSE_SCAN_WASM)
    case scan::Kernel::simd128: return find_line_end_simd128;
#endif
    default: return find_line_end_scalar;
  }
}

LineEndScanner& current_scanner() {
  static LineEndScanner scanner = scanner_for(scan::best_kernel());
  return scanner;
}

const char* find_line_end(const char* p, const char* end) { return current_scanner()(p, end); }

std::string_view without_one_leading_space(std::string_view value) {
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

void release_if_large(std::string& buffer) {
  if (buffer.capacity() > kRetainedCapacity) std::string().swap(buffer);
}

// Length of the well-formed UTF-8 sequence starting at `p`, or 0 when the bytes there are not
// one. On 0, `*invalid_length` is the maximal subpart to replace with one U+FFFD (at least 1).
std::size_t sequence_length(const unsigned char* p, const unsigned char* end,
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

bool is_ascii_digits(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

namespace scan {

std::vector<Kernel> available_kernels() {
  std::vector<Kernel> kernels{Kernel::scalar};
#if defined(SSE_SCAN_X86)
  kernels.push_back(Kernel::sse2);
  if (__builtin_cpu_supports("avx2")) kernels.push_back(Kernel::avx2);
#endif
#if defined(SSE_SCAN_WASM)
  kernels.push_back(Kernel::simd128);
#endif
  return kernels;
}

Kernel best_kernel() { return available_kernels().back(); }

Kernel use_kernel(Kernel kernel) {
  const auto kernels = available_kernels();
  if (std::find(kernels.begin(), kernels.end(), kernel) == kernels.end()) kernel = Kernel::scalar;
  current_scanner() = scanner_for(kernel);
  return kernel;
}

const char* find_line_end(Kernel kernel, const char* begin, const char* end) {
  return scanner_for(kernel)(begin, end);
}

}  // namespace scan

namespace utf8 {

bool is_valid(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  std::size_t invalid_length = 0;
  while (p != end) {
    if (end - p >= 8 && (load_word(reinterpret_cast<const char*>(p)) & kHighBits) == 0) {
      p += 8;  // eight ASCII bytes
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t length = sequence_length(p, end, &invalid_length);
    if (length == 0) return false;
    p += length;
  }
  return true;
}

void append_with_replacement(std::string& out, std::string_view bytes) {
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

}  // namespace utf8

Parser::Parser(EventSink& sink, ParserOptions options)
    : sink_(sink), options_(options), reconnection_time_(options.default_reconnection_time_ms) {}

void Parser::feed(std::string_view bytes) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  if (error_ != ParseError::none || p == end) return;
  if (at_stream_start_) {
    consume_bom(p, end);
    if (p == end || error_ != ParseError::none) return;
  }
  if (skip_lf_) {
    skip_lf_ = false;
    if (*p == '\n') ++p;
  }
  split_lines(p, end);
}

// Removes one leading BOM, which may arrive split across chunks. Bytes that turn out not to be
// a BOM are parsed as the start of the first line.
void Parser::consume_bom(const char*& p, const char* end) {
  while (p != end && bom_matched_ < sizeof kBom) {
    if (static_cast<unsigned char>(*p) != kBom[bom_matched_]) {
      at_stream_start_ = false;
      const std::size_t matched = bom_matched_;
      bom_matched_ = 0;
      split_lines(reinterpret_cast<const char*>(kBom), reinterpret_cast<const char*>(kBom) + matched);
      return;
    }
    ++bom_matched_;
    ++p;
  }
  if (bom_matched_ == sizeof kBom) {
    at_stream_start_ = false;
    bom_matched_ = 0;
  }
}

void Parser::split_lines(const char* p, const char* end) {
  while (p != end) {
    const char* line_end = find_line_end(p, end);
    const auto length = static_cast<std::size_t>(line_end - p);
    if (!within_limit(carried_bytes_ + length)) return;
    if (line_end == end) {  // unterminated: keep it for the next chunk
      carry_partial_line(p, length);
      return;
    }
    if (carried_bytes_ == 0) {
      process_line(std::string_view(p, length));  // whole line in this chunk: no copy
    } else {
      finish_carried_line(p, length);
    }
    if (error_ != ParseError::none) return;
    p = line_end + 1;
    if (*line_end == '\r') {
      if (p == end) {
        skip_lf_ = true;  // a CRLF split across chunks
      } else if (*p == '\n') {
        ++p;
      }
    }
  }
}

// Keeps the start of a line for the next chunk. Once a carried line shows itself to be a `data`
// field, its value goes straight into the data buffer: a long data line is copied once, not
// into line_ and then again into data_.
void Parser::carry_partial_line(const char* p, std::size_t length) {
  carried_bytes_ += length;
  if (streaming_value_) {
    append_bounded(data_, p, length);
    return;
  }
  append_bounded(line_, p, length);
  constexpr std::string_view kDataField = "data:";
  // Six bytes tell whether the value starts with the one space to remove.
  if (line_.size() > kDataField.size() && std::string_view(line_).starts_with(kDataField)) {
    value_start_ = data_.size();
    const std::size_t skip = kDataField.size() + (line_[kDataField.size()] == ' ' ? 1 : 0);
    append_bounded(data_, line_.data() + skip, line_.size() - skip);
    line_.clear();
    streaming_value_ = true;
  }
}

void Parser::finish_carried_line(const char* p, std::size_t length) {
  carried_bytes_ = 0;
  if (!streaming_value_) {
    line_.append(p, length);
    process_line(line_);
    line_.clear();
    release_if_large(line_);
    return;
  }
  data_.append(p, length);
  streaming_value_ = false;
  // The value was appended raw: decode it in place if it holds invalid UTF-8.
  const std::string_view value = std::string_view(data_).substr(value_start_);
  if (!utf8::is_valid(value)) {
    scratch_.clear();
    utf8::append_with_replacement(scratch_, value);
    data_.resize(value_start_);
    data_.append(scratch_);
  }
  data_.push_back('\n');
}

// Grows a buffer geometrically but never past the limit, so a huge line costs at most the limit.
void Parser::append_bounded(std::string& buffer, const char* p, std::size_t length) {
  const std::size_t needed = buffer.size() + length;
  if (needed > buffer.capacity()) {
    buffer.reserve(std::max(needed, std::min(2 * buffer.capacity(), options_.max_buffered_bytes)));
  }
  buffer.append(p, length);
}

// The limit counts the decoded data of earlier lines plus the raw bytes of the current line,
// whether that line waits in line_ or streams into data_.
bool Parser::within_limit(std::size_t line_bytes) {
  const std::size_t earlier_data = streaming_value_ ? value_start_ : data_.size();
  if (earlier_data + line_bytes <= options_.max_buffered_bytes) return true;
  fail(ParseError::buffer_limit);
  return false;
}

void Parser::discard_pending() {
  std::string().swap(line_);
  carried_bytes_ = 0;
  streaming_value_ = false;
  data_.clear();
  type_.clear();
}

void Parser::fail(ParseError error) {
  error_ = error;
  discard_pending();
  std::string().swap(data_);
  std::string().swap(type_);
  std::string message = "event-stream line or event exceeds the limit of " +
                        std::to_string(options_.max_buffered_bytes) +
                        " buffered bytes; the parser stopped until reset()";
  sink_.on_error(error, message);
}

void Parser::process_line(std::string_view line) {
  if (line.empty()) {
    dispatch_event();
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == 0) {
    sink_.on_comment(decoded(without_one_leading_space(line.substr(1))));
    return;
  }
  if (colon == std::string_view::npos) {
    process_field(line, {});
  } else {
    process_field(line.substr(0, colon), without_one_leading_space(line.substr(colon + 1)));
  }
}

// Field names compare as raw bytes: a name holding invalid UTF-8 decodes to text with U+FFFD,
// which matches none of them either.
void Parser::process_field(std::string_view name, std::string_view value) {
  if (name == "data") {
    data_.append(decoded(value));
    data_.push_back('\n');
  } else if (name == "event") {
    type_.assign(decoded(value));
  } else if (name == "id") {
    // U+0000 is the byte 0x00 and nothing else in UTF-8, before or after decoding.
    if (value.find('\0') == std::string_view::npos) {
      id_buffer_.assign(decoded(value));
      id_in_block_ = true;
    }
  } else if (name == "retry") {
    set_retry(value);
  }
}

// Only ASCII digits count. An empty value resets to the default and a number beyond 64 bits is
// ignored: the standard leaves both open, and this is what Chromium does.
void Parser::set_retry(std::string_view value) {
  if (!is_ascii_digits(value)) return;
  std::uint64_t milliseconds = 0;
  if (value.empty()) {
    milliseconds = options_.default_reconnection_time_ms;
  } else {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    for (const char c : value) {
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (milliseconds > (kMax - digit) / 10) return;
      milliseconds = milliseconds * 10 + digit;
    }
  }
  reconnection_time_ = milliseconds;
  sink_.on_retry(milliseconds);
}

void Parser::dispatch_event() {
  const bool id_set = id_in_block_;
  if (id_set) {
    last_event_id_ = id_buffer_;
    id_in_block_ = false;
    sink_.on_id(last_event_id_);
  }
  if (!data_.empty()) {
    data_.pop_back();  // every data line appended an LF; the last one goes
    const bool type_set = !type_.empty();
    const Event event{type_set ? std::string_view(type_) : std::string_view("message"), data_,
                      last_event_id_, type_set, id_set};
    sink_.on_event(event);
  }
  // A buffer that grew for a large event is kept while events stay large, and released once
  // they no longer need a quarter of it.
  if (data_.capacity() > kRetainedCapacity && data_.size() < data_.capacity() / 4) std::string().swap(data_);
  data_.clear();
  type_.clear();
}

std::string_view Parser::decoded(std::string_view raw) {
  if (utf8::is_valid(raw)) return raw;
  scratch_.clear();
  utf8::append_with_replacement(scratch_, raw);
  return scratch_;
}

void Parser::reset() {
  discard_pending();
  release_if_large(data_);
  if (id_in_block_) {
    id_buffer_ = last_event_id_;
    id_in_block_ = false;
  }
  bom_matched_ = 0;
  at_stream_start_ = true;
  skip_lf_ = false;
  error_ = ParseError::none;
}

void Parser::set_last_event_id(std::string_view id) {
  last_event_id_.assign(id);
  id_buffer_.assign(id);
  id_in_block_ = false;
}

}  // namespace sse
