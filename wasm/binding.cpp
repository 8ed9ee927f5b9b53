// The WebAssembly face of sse::Parser: a C ABI built for batches. JS copies each chunk once into
// the session's input buffer, calls sse_session_feed once, and reads back every record of that
// chunk at once: a table of fixed-size records plus two text arenas, one of ASCII texts and one
// of texts holding other characters (UTF-8, or UTF-16 for Node): ASCII has fast paths (Node
// makes a string of 1.7 MB of it in 0.1 ms, against 1.2 ms for UTF-8 decoding), and Node copies
// UTF-16 into a string several times faster than it decodes UTF-8. Each arena comes in pieces of
// whole texts, each piece decoded by JS in one call: an event's data is a slice of its piece's
// string, which keeps that piece alive, so pieces are small (JS sets their size at
// sse_session_create: 768 bytes in Node, 4 KiB elsewhere; a longer text is a piece of its own)
// and a kept data string never holds a whole batch. Record offsets and lengths are in UTF-16
// code units of the decoded piece, so JS slices strings without scanning.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "sse/parser.hpp"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#define SSE_EXPORT extern "C" __attribute__((used, visibility("default")))

namespace {

// Each record is kRecordWords uint32 words: kind, then kind-specific fields. Records come in the
// order of the parser's callbacks. An event carries no last event ID: JS keeps the ID buffer
// from kIdBuffer records, and the string is the buffer at the latest kId record (or what JS set).
enum RecordKind : std::uint32_t {
  kEvent = 1,         // kind | type_set << 8 | id_set << 9, arena start, data length
  kRetry = 2,         // kind, low 32 bits, high 32 bits
  kComment = 3,       // kind, arena start, length
  kId = 4,            // kind: a block that set the ID buffer ended; the string is the buffer now
  kError = 5,         // kind, sse::ParseError
  kType = 6,          // kind, arena start, length: the type of the typed events that follow in
                      // the batch (sent when it changes: streams mostly repeat one type)
  kIdBuffer = 7,      // kind, arena start, length: the last-event-ID buffer's new value
  kUnknownField = 8,  // kind, arena start, length: the whole line of a field of another name
  kInvalidRetry = 9,  // kind, arena start, length: the whole line of an ignored retry field
};
constexpr std::uint32_t kWide = 1u << 10;  // on the kind word: the text is in the non-ASCII arena
constexpr unsigned kPieceShift = 16;       // on the kind word: the piece of its arena the text is in
constexpr std::uint32_t kMaxPieces = 0xFFFF; // (past it, the last piece takes the rest)
constexpr std::size_t kRecordWords = 3;

// UTF-16 code units of valid UTF-8: every byte that is not a continuation starts a code point,
// and four-byte sequences need a surrogate pair. Sixteen bytes at a time; ASCII costs one test.
std::uint32_t utf16_length(std::string_view utf8) {
  const char* p = utf8.data();
  const char* end = p + utf8.size();
  auto units = static_cast<std::uint32_t>(utf8.size());
#if defined(__wasm_simd128__)
  const v128_t continuation_bits = wasm_i8x16_splat(static_cast<char>(0xC0));
  const v128_t continuation = wasm_i8x16_splat(static_cast<char>(0x80));
  const v128_t four_byte_lead = wasm_u8x16_splat(0xF0);
  for (; end - p >= 16; p += 16) {
    const v128_t bytes = wasm_v128_load(p);
    if (wasm_i8x16_bitmask(bytes) == 0) continue;
    const auto continuations = static_cast<std::uint32_t>(
        wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_and(bytes, continuation_bits), continuation)));
    const auto leads = static_cast<std::uint32_t>(wasm_i8x16_bitmask(wasm_u8x16_ge(bytes, four_byte_lead)));
    units = units - static_cast<std::uint32_t>(__builtin_popcount(continuations)) +
            static_cast<std::uint32_t>(__builtin_popcount(leads));
  }
  // The last partial block of a long text: the final 16 bytes, counting only the lanes not
  // counted yet.
  if (p != end && utf8.size() >= 16) {
    const v128_t bytes = wasm_v128_load(end - 16);
    const std::uint32_t fresh = 0xFFFFu << (16 - (end - p)) & 0xFFFFu;
    if ((static_cast<std::uint32_t>(wasm_i8x16_bitmask(bytes)) & fresh) != 0) {
      const auto continuations = static_cast<std::uint32_t>(
          wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_and(bytes, continuation_bits), continuation)));
      const auto leads = static_cast<std::uint32_t>(wasm_i8x16_bitmask(wasm_u8x16_ge(bytes, four_byte_lead)));
      units = units - static_cast<std::uint32_t>(__builtin_popcount(continuations & fresh)) +
              static_cast<std::uint32_t>(__builtin_popcount(leads & fresh));
    }
    p = end;
  }
#endif
  for (; p != end; ++p) {
    const auto byte = static_cast<unsigned char>(*p);
    units = units - static_cast<std::uint32_t>((byte & 0xC0) == 0x80) + static_cast<std::uint32_t>(byte >= 0xF0);
  }
  return units;
}

// Writes valid UTF-8 as its `units` UTF-16 code units (for Node, whose ucs2Slice makes a string
// of them at memcpy speed, several times faster than its UTF-8 decoding). ASCII runs are widened
// sixteen bytes at a time. Invalid UTF-8 (never in the parser's output) cannot make it read past
// the text or write past `units`: a truncated sequence becomes U+FFFD, and writing stops there.
// (Not in the module of the drop-in script, SSE_BINDING_UTF8_ONLY: browsers decode UTF-8.)
#if !defined(SSE_BINDING_UTF8_ONLY)
[[gnu::noinline]] void write_utf16(std::string_view utf8, char16_t* out, std::uint32_t units) {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  char16_t* const out_end = out + units;
  while (p != end && out != out_end) {
#if defined(__wasm_simd128__)
    if (end - p >= 16 && out_end - out >= 16) {
      const v128_t bytes = wasm_v128_load(p);
      const auto high_bits = static_cast<std::uint32_t>(wasm_i8x16_bitmask(bytes));
      if (high_bits == 0) {
        wasm_v128_store(out, wasm_u16x8_extend_low_u8x16(bytes));
        wasm_v128_store(out + 8, wasm_u16x8_extend_high_u8x16(bytes));
        p += 16;
        out += 16;
        continue;
      }
      // The ASCII bytes before the first other one, then that code point below.
#pragma clang loop vectorize(disable) unroll(disable)  // at most 15 bytes: not worth the code
      for (const auto* ascii_end = p + __builtin_ctz(high_bits); p != ascii_end; ++p) *out++ = *p;
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
      if (out == out_end) return;
      *out++ = static_cast<char16_t>(0xDC00 | (code_point & 0x3FF));
    }
    p += length;
  }
}
#endif

std::uint32_t address(const void* pointer) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(pointer));
}

// A text arena of a batch, in pieces of whole texts (see the top of the file).
struct Arena {
  sse::detail::Buffer<char> bytes;
  sse::detail::Buffer<std::uint32_t> piece_ends;  // the ends of the pieces before the current one
  std::uint32_t piece_start = 0;                  // where the current piece starts in `bytes`
  std::uint32_t units_in_piece = 0;               // UTF-16 code units of the current piece so far

  void clear(std::size_t retained_bytes) {
    bytes.clear_retaining(retained_bytes);
    piece_ends.clear_retaining(retained_bytes);
    piece_start = 0;
    units_in_piece = 0;
  }
  std::uint32_t piece_index() const { return static_cast<std::uint32_t>(piece_ends.size()); }
  // Before a text of `text_bytes`: the current piece ends if the text would take it past
  // `piece_bytes` (a longer text is a piece of its own).
  void start_text(std::uint32_t piece_bytes, std::size_t text_bytes) {
    const std::size_t held = bytes.size() - piece_start;
    if (held != 0 && held + text_bytes > piece_bytes && piece_ends.size() < kMaxPieces) [[unlikely]] end_piece();
  }
  [[gnu::noinline]] void end_piece() {  // (once per ~1 KiB of text: out of line, for size)
    piece_start = static_cast<std::uint32_t>(bytes.size());
    *piece_ends.extend(1) = piece_start;
    units_in_piece = 0;
  }
};

class Session final : public sse::EventSink {
 public:
  // `wide_utf16`: the non-ASCII arena holds UTF-16 code units instead of UTF-8.
  // `piece_bytes`: an arena's piece ends before the text that would start past this many bytes.
  Session(const sse::ParserOptions& options, bool wide_utf16, std::uint32_t piece_bytes)
      : parser_(*this, options), wide_utf16_(wide_utf16), piece_bytes_(piece_bytes) {}

  // (JS asks for a smaller buffer after a huge chunk, so that the session does not keep it.)
  std::uint8_t* input(std::size_t size) {
    if (size > input_capacity_ || size < input_capacity_ / 2) {
      input_.reset(new std::uint8_t[size]);  // no zero fill: JS overwrites it
      input_capacity_ = size;
    }
    return input_.get();
  }
  std::string_view input_view(std::size_t size) const {
    return {reinterpret_cast<const char*>(input_.get()), size <= input_capacity_ ? size : 0};
  }

  // Where the latest batch lies, at a fixed address JS reads after every call: no further calls
  // per chunk. Addresses are 32-bit in wasm32.
  // Each arena's pieces are given by their ends (byte offsets from the arena's start); the
  // first starts at 0. There is always at least one piece, maybe empty.
  struct BatchLayout {
    std::uint32_t records_at = 0;
    std::uint32_t record_count = 0;
    std::uint32_t ascii_at = 0;
    std::uint32_t ascii_piece_ends_at = 0;
    std::uint32_t ascii_piece_count = 0;
    std::uint32_t wide_at = 0;
    std::uint32_t wide_piece_ends_at = 0;
    std::uint32_t wide_piece_count = 0;
  };

  void begin_batch() {
    // A buffer that grew for a large batch (a large event) is freed rather than kept for the
    // session's life; everyday batches stay far below this and reuse their buffers.
    constexpr std::size_t kRetainedBytes = std::size_t{1} << 20;
    records_.clear_retaining(kRetainedBytes);
    ascii_.clear(kRetainedBytes);
    wide_.clear(kRetainedBytes);
    type_.clear_retaining(kRetainedBytes);
  }
  // Publishes the batch in layout_; returns its record count.
  std::uint32_t end_batch() {
    ascii_.end_piece();
    wide_.end_piece();
    layout_ = {address(records_.data()),      static_cast<std::uint32_t>(records_.size() / kRecordWords),
               address(ascii_.bytes.data()),  address(ascii_.piece_ends.data()),
               static_cast<std::uint32_t>(ascii_.piece_ends.size()),
               address(wide_.bytes.data()),   address(wide_.piece_ends.data()),
               static_cast<std::uint32_t>(wide_.piece_ends.size())};
    return layout_.record_count;
  }
  const BatchLayout* layout() const { return &layout_; }
  sse::Parser& parser() { return parser_; }

  void on_event(const sse::Event& event) override {
    // (A set type is never empty, so an empty type_ means none sent in this batch yet.)
    if (event.type_set && event.type != type_.view()) {
      type_.assign(event.type);
      push_other_text(kType, event.type);
    }
    push_text(kEvent | (event.type_set ? 1u << 8 : 0u) | (event.id_set ? 1u << 9 : 0u), event.data);
  }
  void on_retry(std::uint64_t milliseconds) override {
    push(kRetry, static_cast<std::uint32_t>(milliseconds), static_cast<std::uint32_t>(milliseconds >> 32));
  }
  void on_comment(std::string_view text) override { push_other_text(kComment, text); }
  void on_id(std::string_view) override { push(kId); }
  void on_id_buffer(std::string_view buffer) override { push_other_text(kIdBuffer, buffer); }
  void on_ignored_field(const sse::IgnoredField& field) override {
    if (field.reason == sse::IgnoredField::Reason::unknown_name) push_other_text(kUnknownField, field.line);
    if (field.reason == sse::IgnoredField::Reason::invalid_retry) push_other_text(kInvalidRetry, field.line);
  }
  void on_error(sse::ParseError error, std::string_view) override {
    push(kError, static_cast<std::uint32_t>(error));
  }

 private:
  // A record whose text goes to the ASCII arena (UTF-16 units are bytes there) or, when it has
  // other characters, to the wide one. Inlined where events push their data (4% on tiny events);
  // other texts share one out-of-line copy. (Not in the drop-in's module, whose size counts and
  // whose events each cost a browser's dispatchEvent, a hundred times those 4%.)
#if defined(SSE_BINDING_UTF8_ONLY)
  void push_text(std::uint32_t kind, std::string_view text) {
#else
  [[gnu::always_inline]] void push_text(std::uint32_t kind, std::string_view text) {
#endif
    const std::uint32_t units = utf16_length(text);
    const bool ascii = units == text.size();  // only ASCII has as many UTF-16 units as UTF-8 bytes
    Arena& arena = ascii ? ascii_ : wide_;
    arena.start_text(piece_bytes_, ascii || !wide_utf16_ ? text.size() : std::size_t{units} * 2);
    push(kind | (ascii ? 0 : kWide) | arena.piece_index() << kPieceShift, arena.units_in_piece, units);
    arena.units_in_piece += units;
#if !defined(SSE_BINDING_UTF8_ONLY)
    if (!ascii && wide_utf16_) {
      // Every text adds an even number of bytes to a malloc'd arena: the units stay aligned.
      write_utf16(text, reinterpret_cast<char16_t*>(wide_.bytes.extend(std::size_t{units} * 2)), units);
      return;
    }
#endif
    arena.bytes.append(text);
  }
  [[gnu::noinline]] void push_other_text(std::uint32_t kind, std::string_view text) { push_text(kind, text); }
  void push(std::uint32_t a, std::uint32_t b = 0, std::uint32_t c = 0) {
    std::uint32_t* record = records_.extend(kRecordWords);
    record[0] = a;
    record[1] = b;
    record[2] = c;
  }

  sse::Parser parser_;
  std::unique_ptr<std::uint8_t[]> input_;
  std::size_t input_capacity_ = 0;
  sse::detail::Buffer<std::uint32_t> records_;
  sse::detail::Buffer<char> type_;  // the type of the batch's latest kType record, if any
  Arena ascii_;
  Arena wide_;  // UTF-8, or UTF-16 code units if wide_utf16_
  bool wide_utf16_;
  std::uint32_t piece_bytes_;
  BatchLayout layout_;
};

}  // namespace

// Flags of sse_session_create.
enum SessionFlags : std::uint32_t {
  kSkipOversized = 1,      // LimitAction::skip_event instead of stop
  kWideUtf16 = 2,          // the non-ASCII arena holds UTF-16
  kReportComments = 4,     // kComment records (else comments are skipped unbuffered)
  kReportIgnored = 8,      // kUnknownField and kInvalidRetry records
  kIgnoreEmptyRetry = 16,  // EmptyRetry::ignore instead of reset_to_default
  // Bits 8-23: the arenas' piece size in units of 64 bytes; 0: one piece per arena.
};
constexpr unsigned kPieceSizeShift = 8;
constexpr std::uint32_t kPieceSizeUnit = 64;

// Whether kWideUtf16 is honoured: 0 in the drop-in's module (SSE_BINDING_UTF8_ONLY).
SSE_EXPORT std::uint32_t sse_writes_utf16() {
#if defined(SSE_BINDING_UTF8_ONLY)
  return 0;
#else
  return 1;
#endif
}

// A parser session with the given limit (JS passes the default when the user gave none).
SSE_EXPORT Session* sse_session_create(std::uint32_t max_buffered_bytes, std::uint32_t flags) {
  return new Session(
      {
          .max_buffered_bytes = max_buffered_bytes,
          .on_limit = (flags & kSkipOversized) != 0 ? sse::LimitAction::skip_event : sse::LimitAction::stop,
          .empty_retry = (flags & kIgnoreEmptyRetry) != 0 ? sse::EmptyRetry::ignore : sse::EmptyRetry::reset_to_default,
          .report_comments = (flags & kReportComments) != 0,
          .report_ignored_fields = (flags & kReportIgnored) != 0,
      },
      (flags & kWideUtf16) != 0,
      (flags >> kPieceSizeShift & 0xFFFF) != 0 ? (flags >> kPieceSizeShift & 0xFFFF) * kPieceSizeUnit : UINT32_MAX);
}
SSE_EXPORT void sse_session_destroy(Session* session) { delete session; }

// Where JS copies the next `size` bytes (valid until the next call on this session).
SSE_EXPORT std::uint8_t* sse_session_input(Session* session, std::uint32_t size) {
  return session->input(size);
}

// Parses `size` bytes from the input buffer; returns the number of records.
SSE_EXPORT std::uint32_t sse_session_feed(Session* session, std::uint32_t size) {
  session->begin_batch();
  session->parser().feed(session->input_view(size));
  return session->end_batch();
}

// Ends the stream; with `consume`, the unterminated line is first parsed as if a LF followed.
SSE_EXPORT std::uint32_t sse_session_reset(Session* session, std::uint32_t consume) {
  session->begin_batch();
  if (consume != 0) session->parser().feed("\n");
  session->parser().reset();
  return session->end_batch();
}

// Sets the last event ID (string and buffer) from the first `size` input bytes.
SSE_EXPORT void sse_session_set_last_event_id(Session* session, std::uint32_t size) {
  session->parser().set_last_event_id(session->input_view(size));
}

// Where the session publishes each batch (Session::BatchLayout, eight uint32 words): fixed for
// the session's life.
SSE_EXPORT const Session::BatchLayout* sse_session_batch(Session* session) { return session->layout(); }
