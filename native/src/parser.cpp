// The event-stream state machine. Reading guide:
//   feed()          BOM handling, then split_lines()
//   split_lines()   finds line ends (CR, LF, CRLF across chunks), carries partial lines
//   append_data_run() (WebAssembly) the data lines of a multi-line event, a block at a time
//   process_line()  blank line / comment / field, per §9.2.6
//   dispatch_event() the blank-line steps
// UTF-8 decoding happens per value: CR, LF, ':' and space are ASCII and can never sit inside a
// multi-byte sequence, so decoding a line's pieces separately gives the same text as decoding
// the whole stream, and valid input (nearly all of it) is never copied for decoding.
// (Line ends are found by the kernels of scan/; the UTF-8 rules are in utf8.hpp.)
#include "sse/parser.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "scan/kernels.hpp"
#include "utf8.hpp"

namespace sse {
namespace {

constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
// Buffers that grew past this for one huge line or event are released afterwards.
constexpr std::size_t kRetainedCapacity = 64 * 1024;
// Chunks up to this size take the short path (Parser::feed).
constexpr std::size_t kShortChunk = 16;
// The first bytes of a carried line are kept as they arrive; past them the line's start is
// classified (a line the sink does without is dropped, a data value starts streaming).
constexpr std::size_t kLineStartBytes = 16;

// Paths a stream takes rarely or once (limits, ignored lines, BOMs, repairs, resets): compiled
// for size (in WebAssembly every byte of them is in every bundle), and kept out of the hot code.
#if defined(__clang__)
#define SSE_COLD [[gnu::cold, clang::minsize]]
#else
#define SSE_COLD [[gnu::cold]]
#endif

using scan::BlockMasks;
using scan::kBlockBytes;
using scan::classify;
using scan::classify_bytes;
using scan::current_kernel;
using scan::kBatchBlocks;
using scan::KernelFunctions;
using utf8::contains_nul;

// Bits [from, 64) of a mask; 0 when from is 64 or more.
std::uint64_t bits_from(std::ptrdiff_t from) {
  if (from <= 0) return ~std::uint64_t{0};
  return from >= 64 ? 0 : ~std::uint64_t{0} << from;
}

std::string_view without_one_leading_space(std::string_view value) {
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

// When `line` starts with `prefix` ("name:"), takes it off, with the value's one leading space.
template <std::size_t N>
[[gnu::always_inline]] inline bool take_field_prefix(std::string_view& line, const char (&prefix)[N]) {
  constexpr std::size_t kLength = N - 1;
  if (line.size() < kLength) return false;
  // Four bytes as one word, the rest a loop; not memcmp: in WebAssembly memcmp is a library call
  // per line. (memcpy of a constant four bytes is a single load.)
  std::size_t i = 0;
  if constexpr (kLength >= 4) {
    std::uint32_t have;
    std::uint32_t want;
    std::memcpy(&have, line.data(), 4);
    std::memcpy(&want, prefix, 4);
    if (have != want) return false;
    i = 4;
  }
  for (; i < kLength; ++i) {
    if (line[i] != prefix[i]) return false;
  }
  line = without_one_leading_space(line.substr(kLength));
  return true;
}

// Appends `text` and LF with one growth check and one copy.
void append_line(detail::Buffer<char>& buffer, std::string_view text) {
  char* to = buffer.extend(text.size() + 1);
  detail::copy_bytes(to, text.data(), text.size());
  to[text.size()] = '\n';
}

// Frees a buffer that grew for a huge value once it needs less than a quarter of that: kept
// while values stay large, given back when they no longer are.
void release_if_outgrown(detail::Buffer<char>& buffer, std::size_t needed) {
  if (buffer.capacity() > kRetainedCapacity && needed < buffer.capacity() / 4) buffer.release();
}

// Assigns a field value (`value` must not point into `buffer`).
void assign_value(detail::Buffer<char>& buffer, std::string_view value) {
  release_if_outgrown(buffer, value.size());
  buffer.assign(value);
}

#if !defined(SSE_LEAN_SINK)
// Writes `value` in decimal at `out`; returns the end. (A loop, not std::to_chars, whose tables
// cost the WebAssembly modules 0.3 KB for one number in one rare message.)
char* write_decimal(char* out, std::uint64_t value) {
  char digits[20];
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count != 0) *out++ = digits[--count];
  return out;
}
#endif

bool is_ascii_digits(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

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
  const auto size = static_cast<std::size_t>(end - p);
  if (size > kShortChunk) {
    split_lines(p, end);
    return;
  }
  // The small chunks of a slow network (or of a long line arriving in pieces): most of them hold
  // no line end and only carry the line on, inline. (Up to eight bytes a loop tells, up to
  // sixteen one vector.)
  const BlockMasks masks = size <= 8 ? classify_bytes(p, size) : current_kernel().short_input(p, size);
  if (masks.line_ends == 0) {
    carry(p, size, masks.non_ascii != 0);
  } else {
#if defined(__wasm__)
    split_lines(p, end, &masks);  // (its one block's masks are known: no kernel call)
#else
    split_short(p, end, masks);
#endif
  }
}

#if !defined(__wasm__)
// A small chunk that ends a line: its lines are walked as in one block of split_lines, without
// the block machinery, which cost a fifth of the time at 16-byte chunks. (Not in WebAssembly,
// where the call into the module costs more than this saves, and the module's size counts: a
// second inline copy of the line handling is 2 KB. There split_lines takes the masks instead.)
void Parser::split_short(const char* p, const char* end, const BlockMasks& masks) {
  const char* line_start = p;
  std::uint64_t ends = masks.line_ends;
  while (ends != 0) {
    const unsigned bit = static_cast<unsigned>(__builtin_ctzll(ends));
    const char* line_end = p + bit;
    const bool non_ascii = (masks.non_ascii & bits_from(line_start - p) & ((std::uint64_t{1} << bit) - 1)) != 0;
    const char* next = end_line(line_start, line_end, end, non_ascii, /*roomy=*/false);
    if (next == nullptr) return;
    ends &= ~std::uint64_t{0} << 1 << (next - line_end - 1) << bit;  // (as in split_lines)
    line_start = next;
  }
  finish_chunk(line_start, end, (masks.non_ascii & bits_from(line_start - p)) != 0);
}
#endif

// Completes the line [line_start, line_end), ended by the CR or LF at line_end. Returns where the
// next line starts (past the LF of a CRLF), or nullptr when the parser stopped.
// `roomy`: every line of this chunk is within the limit (see split_lines).
[[gnu::always_inline]] inline const char* Parser::end_line(const char* line_start, const char* line_end, const char* end,
                                                           bool non_ascii, bool roomy) {
  const auto length = static_cast<std::size_t>(line_end - line_start);
  // The hot path, inline: a line that lies whole in this chunk, under the limit.
  if (carried_bytes_ == 0 && !discarding_line_ && (roomy || within_limit(length))) [[likely]] {
    process_line(std::string_view(line_start, length), non_ascii);
    if (error_ != ParseError::none) return nullptr;
    // A blank line right after (LF LF, the end of nearly every event) is dispatched here, not in
    // another turn of the line loop; the loop skips its LF as it skips that of a CRLF. (Its limit
    // check holds already, unless invalid UTF-8 in the line grew as it was decoded: then the
    // loop's next turn checks it.)
    if (*line_end == '\n') {
      if (line_end + 1 != end && line_end[1] == '\n' && (roomy || !non_ascii)) {
        dispatch_event();
        return line_end + 2;
      }
      return line_end + 1;
    }
  } else if (!complete_line(line_start, length, non_ascii)) {
    return nullptr;
  }
  const char* next = line_end + 1;
  if (*line_end == '\r') {
    if (next == end) {
      skip_lf_ = true;  // a CRLF split across chunks
    } else if (*next == '\n') {
      ++next;
    }
  }
  return next;
}

// The end of a chunk: its bytes go away, so what refers to them is kept, and the unterminated
// line is carried.
void Parser::finish_chunk(const char* line_start, const char* end, bool non_ascii) {
  keep_data_view();
  if (line_start < end) carry(line_start, static_cast<std::size_t>(end - line_start), non_ascii);
  scratch_.clear_retaining(kRetainedCapacity);  // a repaired value: nothing refers to it any more
}

// Carries a piece of an unterminated line. The hot cases, inline, under the limit and the
// capacity: more of a data value streaming into the data buffer; the first kLineStartBytes of a
// line, kept as they come (a line that ends this soon needs no decision); more of a line already
// decided to matter. The rest goes through carry_line_piece, which decides what a line is once
// its start is known.
[[gnu::always_inline]] inline void Parser::carry(const char* p, std::size_t length, bool non_ascii) {
  if (!discarding_line_ && within_limit(carried_bytes_ + length)) [[likely]] {
    detail::Buffer<char>& buffer = streaming_value_ ? data_ : line_;
    const std::size_t size = buffer.size() + length;
    if (size <= buffer.capacity() &&
        (streaming_value_ || size <= kLineStartBytes || (carried_line_needed_ && line_.size() >= kLineStartBytes))) {
      carried_bytes_ += length;
      carried_non_ascii_ = carried_non_ascii_ || non_ascii;
      buffer.append(p, length);
      return;
    }
  }
  carry_line_piece(p, length, non_ascii);
}

// Removes one leading BOM, which may arrive split across chunks. Bytes that turn out not to be
// a BOM are parsed as the start of the first line.
SSE_COLD void Parser::consume_bom(const char*& p, const char* end) {
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

#if defined(__wasm__)
// Whether the block's lines may start with a run of data lines (append_data_run): an event
// with several data lines came lately, and what end_line and append_data check per line holds
// for the whole block (no carried or dropped line or event, no line past the limit).
[[gnu::always_inline]] inline bool Parser::may_run_data_lines(bool line_non_ascii, bool roomy) const {
  return data_lines_follow_ && !line_non_ascii && roomy && carried_bytes_ == 0 && !discarding_line_ &&
         !discarding_event_;
}

namespace {
// The value of the line [line_start, line_end) when it may join a run of data lines: a data
// field, ASCII (no byte >= 0x80 in its block below its end: the run's earlier lines had none),
// and what follows in this chunk is a line other than the blank line that ends the event. (So
// not the LF of a CRLF either, which would look like one.)
[[gnu::always_inline]] inline bool run_data_value(const char* line_start, const char* line_end, const char* end,
                                                  std::uint64_t non_ascii_below_end, std::string_view& value) {
  if (line_end + 1 == end || line_end[1] == '\n' || non_ascii_below_end != 0) return false;
  value = std::string_view(line_start, static_cast<std::size_t>(line_end - line_start));
  return take_field_prefix(value, "data:");
}
}  // namespace

// The data lines of a multi-line event after its first, from the block's first line for as long
// as they end in this block: each value and its LF go to the data buffer, per line a prefix test
// and a copy, without end_line's checks (may_run_data_lines made them for the block) nor
// process_line's. The first line that is anything else (another field, non-ASCII, ended by
// CRLF, the event's last) is left to end_line. Returns where the next line starts.
// (In WebAssembly, multi-line events at 64 KiB: the parse alone 1.72 -> 1.24 ms, tiny and LLM
// events unchanged. Not natively: there it cost other streams 5-10 %, with g++ and clang alike.)
[[gnu::noinline]] const char* Parser::append_data_run(const char* block, const char* line_start, const char* end,
                                                     std::uint64_t ends, std::uint64_t non_ascii) {
  const char* const run_start = line_start;
  std::string_view value;
  for (;;) {
    const unsigned bit = static_cast<unsigned>(__builtin_ctzll(ends));
    const char* line_end = block + bit;
    if (!run_data_value(line_start, line_end, end, non_ascii & ((std::uint64_t{1} << bit) - 1), value)) break;
    keep_data_view();  // (not before: a CRLF stream's one-line events keep their data a view)
    // (The copy inline: as a call to append_line the run saved half as much.)
    char* to = data_.extend(value.size() + 1);
    detail::copy_bytes(to, value.data(), value.size());
    to[value.size()] = '\n';
    line_start = line_end + 1;
    ends &= ends - 1;
    if (ends == 0) return line_start;
  }
  // (Until an event has several data lines again, no block tries a run: one flag checked a
  // block. Checking the pending data itself, two fields, cost createParser ~3 % on LLM events
  // one a chunk.)
  if (line_start == run_start) data_lines_follow_ = false;
  return line_start;
}
#endif

// Walks the line ends of each 64-byte block as bits. A line's bytes >= 0x80 are known from the
// same scan, so values that hold none skip UTF-8 validation.
void Parser::split_lines(const char* p, const char* end, const BlockMasks* known_masks) {
  const KernelFunctions kernel = current_kernel();
  // No line of this chunk can take the pending event past the limit when the pending data and
  // the carried line and the whole chunk, decoded, fit in it together: then no line needs its
  // own check. (Decoding turns each invalid byte into the three bytes of U+FFFD.)
  const bool roomy = within_limit(3 * (carried_bytes_ + static_cast<std::size_t>(end - p)));
  const char* line_start = p;
  bool line_non_ascii = false;  // the current line held a byte >= 0x80 in an earlier block
  BlockMasks batch[kBatchBlocks];
  std::size_t batch_size = 0;
  std::size_t batch_index = 0;
  if (known_masks != nullptr) {  // a chunk of one block, already classified
    batch[0] = *known_masks;
    batch_size = 1;
  }
  for (const char* block = p; block < end; block += kBlockBytes, ++batch_index) {
    if (batch_index == batch_size) {
      batch_size = classify(kernel, block, static_cast<std::size_t>(end - block), batch);
      batch_index = 0;
    }
    const BlockMasks& masks = batch[batch_index];
    // Both masks keep only bits from the current line's start on. Bits before it are the LF of
    // a CRLF whose CR ended the previous block.
    std::uint64_t ends = masks.line_ends & bits_from(line_start - block);
    std::uint64_t non_ascii = masks.non_ascii;
#if defined(__wasm__)
    // Inside a multi-line event the lines are mostly data lines: a loop of their own takes them
    // (append_data_run), tried once a block, at its first line.
    if (ends != 0 && may_run_data_lines(line_non_ascii, roomy)) {
      line_start = append_data_run(block, line_start, end, ends, non_ascii);
      ends &= bits_from(line_start - block);
    }
#endif
    while (ends != 0) {
      const unsigned bit = static_cast<unsigned>(__builtin_ctzll(ends));
      const char* line_end = block + bit;
      // (Most blocks are all ASCII: then no mask work per line.)
      const bool line_has_non_ascii =
          line_non_ascii || (non_ascii != 0 && (non_ascii & ((std::uint64_t{1} << bit) - 1)) != 0);
      const char* next = end_line(line_start, line_end, end, line_has_non_ascii, roomy);
      if (next == nullptr) return;
      // This line end, and the LF after it when `next` is two bytes on (a CRLF, or the blank
      // line end_line took along; past bit 63 it is the next block's bit 0, which `ends` skips
      // there). (Three shifts, each under 64.)
      ends &= ~std::uint64_t{0} << 1 << (next - line_end - 1) << bit;
      line_start = next;
      line_non_ascii = false;
      if (non_ascii != 0) non_ascii &= bits_from(next - block);
    }
    line_non_ascii = line_non_ascii || (non_ascii & bits_from(line_start - block)) != 0;
    // A long data value carried from earlier chunks streams into the data buffer batch by batch,
    // while its bytes are still in the L1 cache (as if the chunk had come in 1 KiB pieces).
    if (streaming_value_ && batch_index + 1 == batch_size) {
      const char* batch_end = std::min(block + kBlockBytes, end);
      if (line_start < batch_end) {
        if (!carry_line_piece(line_start, static_cast<std::size_t>(batch_end - line_start), line_non_ascii)) return;
        line_start = batch_end;
        line_non_ascii = false;
      }
    }
  }
  finish_chunk(line_start, end, line_non_ascii);
}

// What the first bytes of a line show it to be. `complete`: `start` is the whole line, so a
// bare name ("data") is that field with an empty value, and a prefix of one ("dat") is a field
// of another name.
SSE_COLD Parser::LineStart Parser::classify_line_start(std::string_view start, bool complete) {
  if (start.empty()) return complete ? LineStart::field : LineStart::undecided;  // (a blank line)
  if (start.front() == ':') return LineStart::comment;
  std::string_view name;
  switch (start.front()) {  // the four names start with four different letters
    case 'd': name = "data"; break;
    case 'e': name = "event"; break;
    case 'i': name = "id"; break;
    case 'r': name = "retry"; break;
    default: return LineStart::ignored;
  }
  const std::size_t compared = std::min(start.size(), name.size());
  for (std::size_t i = 1; i < compared; ++i) {  // (a loop: at most five bytes, no library call)
    if (start[i] != name[i]) return LineStart::ignored;
  }
  if (start.size() <= name.size()) {
    if (!complete) return LineStart::undecided;  // "dat", "data": may still be one
    return start.size() == name.size() ? LineStart::field : LineStart::ignored;
  }
  return start[name.size()] == ':' ? LineStart::field : LineStart::ignored;
}

// Keeps a piece of an unterminated line for later, or drops the line when it outgrows the
// limit. Returns false when the parser stopped.
bool Parser::carry_line_piece(const char* p, std::size_t length, bool non_ascii) {
  if (discarding_line_) return true;  // the rest of a dropped line
  if (!within_limit(carried_bytes_ + length)) {
    switch (oversized_line_action(p, length, /*complete=*/false)) {
      case OversizedLine::error: return exceed_limit(/*line_ended=*/false);
      case OversizedLine::drop: drop_carried_line(); return true;
      case OversizedLine::undecided: break;  // a few bytes over: what follows decides
    }
  }
  carry_partial_line(p, length, non_ascii);
  return true;
}

// Whether the sink does without a line of this kind: a comment or an ignored field it does not
// hear. Such a line is skipped as it arrives instead of buffered.
bool Parser::sink_ignores(LineStart kind) const {
  return (kind == LineStart::comment && !options_.report_comments) ||
         (kind == LineStart::ignored && !options_.report_ignored_fields);
}

// What to do with a line over the limit, of which the bytes at `p` come after the carried ones:
// an error, unless it is one the sink does without or an ignored field (it could change
// nothing, so only its report is lost), which is dropped. While its first bytes cannot tell
// (at most five of them), it waits: the decision never depends on where the chunks end.
SSE_COLD Parser::OversizedLine Parser::oversized_line_action(const char* p, std::size_t length, bool complete) const {
  if (streaming_value_) return OversizedLine::error;  // a data value
  char start[8];
  const std::size_t carried = std::min(line_.size(), sizeof start);
  if (carried != 0) std::memcpy(start, line_.data(), carried);
  const std::size_t added = std::min(length, sizeof start - carried);
  if (added != 0) std::memcpy(start + carried, p, added);
  const LineStart kind = classify_line_start(std::string_view(start, carried + added),
                                             complete && carried + added == line_.size() + length);
  if (kind == LineStart::undecided) return OversizedLine::undecided;
  return kind == LineStart::ignored || sink_ignores(kind) ? OversizedLine::drop : OversizedLine::error;
}

// Forgets the carried line and skips the rest of it up to its line end.
SSE_COLD void Parser::drop_carried_line() {
  line_.clear_retaining(kRetainedCapacity);
  carried_bytes_ = 0;
  carried_non_ascii_ = false;
  carried_line_needed_ = false;
  discarding_line_ = true;
}

bool Parser::complete_line(const char* p, std::size_t length, bool non_ascii) {
  if (discarding_line_) {  // the end of a dropped line
    discarding_line_ = false;
    return true;
  }
  if (!within_limit(carried_bytes_ + length)) {
    if (oversized_line_action(p, length, /*complete=*/true) != OversizedLine::drop) {
      return exceed_limit(/*line_ended=*/true);
    }
    drop_carried_line();
    discarding_line_ = false;  // it ends here
    return true;
  }
  // (A line that lies whole in the chunk, under the limit, took end_line's inline path.)
  finish_carried_line(p, length, non_ascii);
  return error_ == ParseError::none;
}

// Keeps the start of a line for the next chunk. Once a carried line shows itself to be a `data`
// field, its value goes straight into the data buffer: a long data line is copied once, not
// into line_ and then again into data_.
void Parser::carry_partial_line(const char* p, std::size_t length, bool non_ascii) {
  carried_bytes_ += length;
  carried_non_ascii_ = carried_non_ascii_ || non_ascii;
  if (streaming_value_) {
    append_bounded(data_, p, length);
    return;
  }
  append_bounded(line_, p, length);
  if (!carried_line_needed_) {
    // Six bytes tell a field from the rest; a line the sink does without is not kept.
    const LineStart kind = classify_line_start(line_.view());
    if (sink_ignores(kind)) {
      drop_carried_line();
      return;
    }
    carried_line_needed_ = kind != LineStart::undecided;
  }
  constexpr std::string_view kDataField = "data:";
  // Six bytes tell whether the value starts with the one space to remove.
  // (Not while a dropped block's data lines go by: they stay in line_ and are ignored.)
  if (!discarding_event_ && line_.size() > kDataField.size() && line_.view().starts_with(kDataField)) {
    value_start_ = data_.size();
    const std::size_t skip = kDataField.size() + (line_.data()[kDataField.size()] == ' ' ? 1 : 0);
    append_bounded(data_, line_.data() + skip, line_.size() - skip);
    line_.clear();
    streaming_value_ = true;
  }
}

void Parser::finish_carried_line(const char* p, std::size_t length, bool non_ascii) {
  non_ascii = non_ascii || carried_non_ascii_;
  carried_bytes_ = 0;
  carried_non_ascii_ = false;
  carried_line_needed_ = false;
  if (!streaming_value_) {
    line_.append(p, length);
    process_line(line_.view(), non_ascii);
    keep_data_view();  // it may point into line_
    line_.clear_retaining(kRetainedCapacity);
    return;
  }
  data_.append(p, length);
  streaming_value_ = false;
  // The value was appended raw: decode it in place if it holds invalid UTF-8.
  const std::string_view value = data_.view().substr(value_start_);
  if (non_ascii && !utf8::is_valid(value)) {
    scratch_.clear();
    utf8::append_replacing(scratch_, value);
    data_.truncate(value_start_);
    data_.append(scratch_.view());
  }
  data_.push_back('\n');
}

// Grows a buffer to powers of two but never past the limit, so a huge line costs at most the
// limit. (Capacities sized from odd chunk lengths ended with a small step just under the limit
// to exactly the limit: a second limit-sized block while the first was still held.)
void Parser::append_bounded(detail::Buffer<char>& buffer, const char* p, std::size_t length) {
  const std::size_t needed = buffer.size() + length;
  if (needed > buffer.capacity()) [[unlikely]] {
    buffer.reserve(std::max(needed, std::min(std::bit_ceil(needed), options_.max_buffered_bytes)));
  }
  buffer.append(p, length);
}

// The limit counts the decoded data of earlier lines plus the raw bytes of the current line,
// whether that line waits in line_ or streams into data_.
bool Parser::within_limit(std::size_t line_bytes) const {
  std::size_t earlier_data = streaming_value_ ? value_start_ : data_.size();
  if (data_in_view_) earlier_data += data_view_.size() + 1;
  return earlier_data + line_bytes <= options_.max_buffered_bytes;
}

SSE_COLD void Parser::discard_pending() {
  line_.release();
  carried_bytes_ = 0;
  carried_non_ascii_ = false;
  carried_line_needed_ = false;
  streaming_value_ = false;
  data_in_view_ = false;
  data_.clear();
  type_.clear();
}

// A line plus the pending event outgrew the limit. Stopping: nothing more until reset().
// Skipping: the block's data and type are dropped, and so is the rest of the line; its `id` and
// `retry` still count when the blank line ends it, so a reconnection does not ask for the
// dropped event again. Returns whether parsing goes on.
SSE_COLD bool Parser::exceed_limit(bool line_ended) {
  const bool skip = options_.on_limit == LimitAction::skip_event;
  discard_pending();
  data_.release();  // it grew to the limit: give the memory back for whatever comes next
  type_.release();
  if (!skip) {
    error_ = ParseError::buffer_limit;
  } else {
    discarding_event_ = true;
    discarding_line_ = !line_ended;
  }
#if defined(SSE_LEAN_SINK)
  // (The batch ABI's modules: their sink reports the error by its code, and the drop-in's size
  // budget counts every byte of the text's code. SSE_LEAN_SINK: the sink reads only what the
  // batch ABI reads.)
  sink_.on_error(ParseError::buffer_limit, {});
  return skip;
#else
  // Written into a buffer, not with std::string: the WebAssembly modules then carry none of
  // its code (the drop-in's size budget).
  constexpr std::string_view kStart = "event-stream line or event exceeds the limit of ";
  constexpr std::string_view kUnit = " buffered bytes; ";
  const std::string_view outcome = skip ? "the event was dropped" : "the parser stopped until reset()";
  char message[kStart.size() + 20 + kUnit.size() + 40];
  char* at = std::copy(kStart.begin(), kStart.end(), message);
  at = write_decimal(at, options_.max_buffered_bytes);
  at = std::copy(kUnit.begin(), kUnit.end(), at);
  at = std::copy(outcome.begin(), outcome.end(), at);
  sink_.on_error(ParseError::buffer_limit, std::string_view(message, static_cast<std::size_t>(at - message)));
  return skip;
#endif
}

// The blank line and `data`, nearly every line of a stream, are handled inline in the line loop;
// the rest out of line.
[[gnu::always_inline]] inline void Parser::process_line(std::string_view line, bool non_ascii) {
  if (line.empty()) return dispatch_blank_line();
  std::string_view value = line;
  if (take_field_prefix(value, "data:")) return append_data(value, non_ascii);
  process_other_line(line, non_ascii);
}

// A blank line met as a line of its own (after a CRLF, or first in a chunk; LF LF is dispatched
// in end_line). In WebAssembly a call: a sink inlined into each dispatch (the batch ABI's) is then
// in the module twice, not three times.
#if defined(__wasm__)
[[gnu::noinline]] void Parser::dispatch_blank_line() {
#else
[[gnu::always_inline]] inline void Parser::dispatch_blank_line() {
#endif
  dispatch_event();
}

void Parser::process_other_line(std::string_view line, bool non_ascii) {
  std::string_view value = line;
  if (take_field_prefix(value, "id:")) return process_field(Field::id, value, line, non_ascii);
  if (take_field_prefix(value, "event:")) return process_field(Field::event, value, line, non_ascii);
  const std::size_t colon = line.find(':');
  if (colon == 0) {
    if (options_.report_comments) sink_.on_comment(decoded(without_one_leading_space(line.substr(1)), non_ascii));
    return;
  }
  if (colon == std::string_view::npos) {
    process_field(field_named(line), {}, line, non_ascii);
  } else {
    process_field(field_named(line.substr(0, colon)), without_one_leading_space(line.substr(colon + 1)), line,
                  non_ascii);
  }
}

// Field names compare as raw bytes: a name holding invalid UTF-8 decodes to text with U+FFFD,
// which matches none of them either.
Parser::Field Parser::field_named(std::string_view name) {
  if (name == "data") return Field::data;
  if (name == "event") return Field::event;
  if (name == "id") return Field::id;
  if (name == "retry") return Field::retry;
  return Field::ignored;
}

void Parser::process_field(Field field, std::string_view value, std::string_view line, bool non_ascii) {
  if (field == Field::data) {
    append_data(value, non_ascii);
  } else if (field == Field::event) {
    if (!discarding_event_) assign_value(type_, decoded(value, non_ascii));
  } else if (field == Field::id) {
    // "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the
    // field value. Otherwise, ignore the field." U+0000 is the byte 0x00 and nothing else in
    // UTF-8, before or after decoding.
    if (!contains_nul(value)) {
      // (The sink gets the value where it lies, in the chunk when it needed no repair: a binding
      // can refer to it there instead of copying the buffer.)
      const std::string_view id = decoded(value, non_ascii);
      if (id_is_last_) {  // the buffer stood for the string too: the string keeps it
        std::swap(last_event_id_, id_buffer_);
        id_is_last_ = false;
        last_event_id_view_ = last_event_id_.view();
      }
      assign_value(id_buffer_, id);
      id_in_block_ = true;
      sink_.on_id_buffer(id);
    } else {
      report_ignored(IgnoredField::Reason::id_with_nul, line, non_ascii);
    }
  } else if (field == Field::retry) {
    if (!set_retry(value)) report_ignored(IgnoredField::Reason::invalid_retry, line, non_ascii);
  } else {
    report_ignored(IgnoredField::Reason::unknown_name, line, non_ascii);
  }
}

// Reports a field line that changed nothing, as decoded text split into name and value.
// (Off the hot path: such lines are rare, so the line is decoded and split once more here.)
SSE_COLD void Parser::report_ignored(IgnoredField::Reason reason, std::string_view line, bool non_ascii) {
  if (!options_.report_ignored_fields) return;
  const std::string_view text = decoded(line, non_ascii);  // ':' and ' ' are ASCII: same places
#if defined(SSE_LEAN_SINK)
  sink_.on_ignored_field({reason, {}, {}, text});  // (the batch ABI reads the line alone)
  return;
#endif
  const std::size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  const std::string_view value =
      colon == std::string_view::npos ? std::string_view() : without_one_leading_space(text.substr(colon + 1));
  sink_.on_ignored_field({reason, name, value, text});
}

// Appends a data value and LF to the data buffer. The first value of a block stays a view when
// it needs no repair; keep_data_view() copies it once something else must follow it or the
// bytes under it go away.
[[gnu::always_inline]] inline void Parser::append_data(std::string_view raw, bool non_ascii) {
  if (discarding_event_) return;
  // ASCII is valid UTF-8 as it is: no call to decoded() on the common path.
  const std::string_view value = non_ascii ? decoded(raw, true) : raw;
  if (!data_in_view_ && data_.empty() && value.data() == raw.data()) {
    data_view_ = value;
    data_in_view_ = true;
    return;
  }
  keep_data_view();
  append_line(data_, value);
#if defined(__wasm__)
  data_lines_follow_ = true;  // (a second data line: more may follow, in a run)
#endif
}
void Parser::keep_data_view() {
  if (!data_in_view_) return;
  data_in_view_ = false;
  append_line(data_, data_view_);
}

// "If the field value consists of only ASCII digits, then interpret the field value as an
// integer in base ten, and set the event stream's reconnection time to that integer. Otherwise,
// ignore the field." An empty value resets to the default (or is ignored, by the option) and a
// number beyond 64 bits is ignored: the standard leaves both open, and this is what Chromium
// does. Returns false when the field is ignored.
bool Parser::set_retry(std::string_view value) {
  if (!is_ascii_digits(value)) return false;
  std::uint64_t milliseconds = 0;
  if (value.empty()) {
    if (options_.empty_retry == EmptyRetry::ignore) return false;
    milliseconds = options_.default_reconnection_time_ms;
  } else {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    for (const char c : value) {
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (milliseconds > (kMax - digit) / 10) return false;
      milliseconds = milliseconds * 10 + digit;
    }
  }
  reconnection_time_ = milliseconds;
  sink_.on_retry(milliseconds);
  return true;
}

[[gnu::always_inline]] inline void Parser::dispatch_event() {
  discarding_event_ = false;
  const bool id_set = id_in_block_;
  if (id_set) {
    // "set the event source's last event ID string to the value of the last event ID buffer":
    // the buffer itself stands for the string until an `id` line changes it (no copy per event).
    id_is_last_ = true;
    last_event_id_view_ = id_buffer_.view();
    id_in_block_ = false;
    release_if_outgrown(last_event_id_, id_buffer_.size());  // (stale now: a huge old ID goes)
    sink_.on_id(last_event_id_view_);
  }
  const bool type_set = !type_.empty();
  if (data_in_view_ || !data_.empty()) {
    // The common event is one data line, a view of the chunk (then data_ is empty).
    std::string_view data = data_view_;
    if (data_in_view_) {
      data_in_view_ = false;
    } else {
      data_.pop_back();  // every data line appended an LF; the last one goes
      data = data_.view();
    }
    sink_.on_event({type_set ? type_.view() : std::string_view("message"), data, last_event_id_view_, type_set,
                    id_set});  // (one call site: in WebAssembly the binding's sink is inlined here)
    release_if_outgrown(data_, data_.size());  // (a buffer a huge event grew goes at the next small one)
    data_.clear();
  }
  if (type_set) type_.clear_retaining(kRetainedCapacity);
}

// (Out of the line loop, whose hot path is ASCII: inlined there, it made tiny events 15% slower
// in WebAssembly.)
[[gnu::noinline]] std::string_view Parser::decoded(std::string_view raw, bool non_ascii) {
  if (!non_ascii || utf8::is_valid(raw)) return raw;
  scratch_.clear();
  utf8::append_replacing(scratch_, raw);
  return scratch_.view();
}

SSE_COLD void Parser::reset() {
  discard_pending();
  data_.clear_retaining(kRetainedCapacity);
  if (id_in_block_) {
    assign_value(id_buffer_, last_event_id_.view());
    id_in_block_ = false;
    sink_.on_id_buffer(id_buffer_.view());
  }
  discarding_event_ = false;
  discarding_line_ = false;
  bom_matched_ = 0;
  at_stream_start_ = true;
  skip_lf_ = false;
  error_ = ParseError::none;
}

SSE_COLD void Parser::set_last_event_id(std::string_view id) {
  // `id` may be a view of either buffer (a caller passing last_event_id() back): copy it first.
  detail::Buffer<char> copy;
  copy.assign(id);
  assign_value(last_event_id_, copy.view());
  assign_value(id_buffer_, copy.view());
  id_in_block_ = false;
  id_is_last_ = false;
  last_event_id_view_ = last_event_id_.view();
}

}  // namespace sse
