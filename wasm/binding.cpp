// The WebAssembly face of sse::Parser: a C ABI built for batches. JS copies each chunk once into
// the session's input buffer, calls sse_session_feed once, and reads back every record of that
// chunk at once, where the module left them: a table of fixed-size records and a list of text
// pieces. A piece is a range of the module's memory that JS makes into one string in one call;
// a record's text is a slice of its piece, given in UTF-16 code units so that JS slices without
// scanning. Where a text lies whole in the chunk (nearly every data, id and comment), its piece
// is a range of the input itself and nothing is copied; other texts (a data value joined from
// several lines or chunks, a repaired value, the event type) are copied into an arena, which
// also comes in pieces. A kept data string keeps its piece's string alive, so pieces are small
// (JS sets their size at sse_session_create: 768 bytes in Node, 4 KiB elsewhere; a longer text
// is a piece of its own) and a kept string never holds a whole batch. A chunk of one event,
// what a network read mostly brings, is one piece: one string call per chunk.
// Encodings: for browsers a piece is UTF-8 (TextDecoder). For Node (kWideUtf16) a piece is ASCII
// (Buffer#asciiSlice makes strings fastest of it) or UTF-16 (Buffer#ucs2Slice copies it into a
// string several times faster than Node decodes UTF-8): texts of a chunk with other characters
// go to the arena, whose piece turns UTF-16 (widened in place) when a non-ASCII text joins it.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "sse/parser.hpp"
#if !defined(SSE_BINDING_UTF8_ONLY)  // (the drop-in script's module: browsers decode UTF-8)
#include "utf16.hpp"
#endif

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#define SSE_EXPORT extern "C" __attribute__((used, visibility("default")))

// The module imports nothing: V8 compiles a wrapper for the first import of a module, which made
// `new WebAssembly.Module` 2.7 ms instead of 1.0 at every cold start. So the two functions
// Emscripten's standalone runtime would import are defined here. Out of memory (abort, the only
// caller of proc_exit here) traps instead of exiting. A grown memory detaches the old buffer,
// which is how js/src/wasm.js notices the growth; wasm2js's memory does not detach its buffer,
// so that build (SSE_BINDING_GROWTH_IMPORT) keeps telling JS through the import.
extern "C" {
void __wasi_proc_exit(std::uint32_t) { __builtin_trap(); }
#if !defined(SSE_BINDING_GROWTH_IMPORT)
void emscripten_notify_memory_growth(std::size_t) {}
#endif
}

namespace {

// Each record is kRecordWords uint32 words: kind, then kind-specific fields. Records come in the
// order of the parser's callbacks. An event carries no last event ID: JS keeps the ID buffer
// from kIdBuffer records, and the string is the buffer at the latest kId record (or what JS set).
enum RecordKind : std::uint32_t {
  kEvent = 1,         // kind | type_set << 8 | id_set << 9, text offset, data length
  kRetry = 2,         // kind, low 32 bits, high 32 bits
  kComment = 3,       // kind, text offset, length
  kId = 4,            // kind: a block that set the ID buffer ended; the string is the buffer now
  kError = 5,         // kind, sse::ParseError
  kType = 6,          // kind, text offset, length: the type of the typed events that follow, in
                      // this batch and later ones; sent when it changes (streams mostly repeat one
                      // type), after a reset, and after JS forgot it (sse_session_forget_type)
  kIdBuffer = 7,      // kind, text offset, length: the last-event-ID buffer's new value
  kUnknownField = 8,  // kind, text offset, length: the whole line of a field of another name
  kInvalidRetry = 9,  // kind, text offset, length: the whole line of an ignored retry field
};
constexpr unsigned kPieceShift = 16;          // on the kind word: the piece the text is in
constexpr std::uint32_t kPieceLimit = 0x10000;  // pieces a record can number (past it, the
                                                // last ones take the rest)
constexpr std::size_t kRecordWords = 3;
// On a piece's end address: the piece holds characters other than ASCII; it is UTF-16 with
// kWideUtf16, else UTF-8. (A piece without it is ASCII.)
constexpr std::uint32_t kWidePiece = 1u << 31;

// UTF-16 code units of valid UTF-8: every byte that is not a continuation starts a code point,
// and four-byte sequences need a surrogate pair. Sixteen bytes at a time; ASCII costs one test.
// (Out of line, for size: only texts that are not ASCII in place call it.)
[[gnu::noinline]] std::uint32_t utf16_length(std::string_view utf8) {
  const char* p = utf8.data();
  const char* end = p + utf8.size();
  auto units = static_cast<std::uint32_t>(utf8.size());
#if defined(__wasm_simd128__)
  const v128_t continuation_bits = wasm_i8x16_splat(static_cast<char>(0xC0));
  const v128_t continuation = wasm_i8x16_splat(static_cast<char>(0x80));
  const v128_t four_byte_lead = wasm_u8x16_splat(0xF0);
  // A long ASCII run (the joined lines of a multi-line event) sixty-four bytes per test.
  while (end - p >= 64) {
    const v128_t any = wasm_v128_or(wasm_v128_or(wasm_v128_load(p), wasm_v128_load(p + 16)),
                                    wasm_v128_or(wasm_v128_load(p + 32), wasm_v128_load(p + 48)));
    if (wasm_i8x16_bitmask(any) != 0) break;
    p += 64;
  }
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

// Whether two texts are equal, compared inline eight bytes at a time (a library memcmp is a
// call out of the module per event).
bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t x;
    std::uint64_t y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  for (; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::uint32_t address(const void* pointer) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(pointer));
}

// Widens the `count` ASCII bytes at `bytes` in place to UTF-16 code units (2 * count bytes from
// `bytes` on). From the last byte back, so that no byte is overwritten before it is read.
#if !defined(SSE_BINDING_UTF8_ONLY)
[[gnu::noinline]] void widen_in_place(char* bytes, std::size_t count) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes);
  auto* out = reinterpret_cast<char16_t*>(bytes);
  std::size_t i = count;
#if defined(__wasm_simd128__)
  for (; i % 16 != 0; --i) out[i - 1] = in[i - 1];
  while (i != 0) {
    i -= 16;
    const v128_t group = wasm_v128_load(in + i);  // (read before the stores that overlap it)
    wasm_v128_store(out + i, wasm_u16x8_extend_low_u8x16(group));
    wasm_v128_store(out + i + 8, wasm_u16x8_extend_high_u8x16(group));
  }
#else
  for (; i != 0; --i) out[i - 1] = in[i - 1];
#endif
}
#endif

// The pieces of a batch: each a range of memory, [begin, end) plus kWidePiece on end, in the
// order of their indices. A piece of the arena is known by its offsets until the batch ends
// (the arena may move as it grows), then by its address like the others.
class Pieces {
 public:
  std::uint32_t count() const { return static_cast<std::uint32_t>(ranges_.size() / 2); }
  bool full() const { return ranges_.size() / 2 >= kPieceLimit; }
  std::uint32_t open(bool in_arena) {
    const std::uint32_t index = count();
    std::uint32_t* range = ranges_.extend(2);
    range[0] = range[1] = 0;
    if (in_arena) *in_arena_.extend(1) = index;
    return index;
  }
  void set(std::uint32_t index, std::uint32_t begin, std::uint32_t end, bool wide) {
    ranges_.data()[2 * index] = begin;
    ranges_.data()[2 * index + 1] = end | (wide ? kWidePiece : 0);
  }
  // The arena's pieces as addresses, now that it no longer moves.
  void locate_arena(std::uint32_t arena_at) {
    for (std::size_t i = 0; i < in_arena_.size(); ++i) {
      std::uint32_t* range = ranges_.data() + 2 * in_arena_.data()[i];
      range[0] += arena_at;
      range[1] += arena_at;  // (the flag bit stays: addresses are below 2 GiB)
    }
  }
  void clear(std::size_t retained_bytes) {
    ranges_.clear_retaining(retained_bytes);
    in_arena_.clear_retaining(retained_bytes);
  }
  std::uint32_t at() const { return address(ranges_.data()); }

 private:
  sse::detail::Buffer<std::uint32_t> ranges_;
  sse::detail::Buffer<std::uint32_t> in_arena_;  // indices of the pieces that are in the arena
};

// Where a text goes: the piece (as the kind word's top bits) and its offset there, in UTF-16
// code units.
struct Place {
  std::uint32_t piece_bits;
  std::uint32_t offset;
};

// The texts that must be copied, in pieces of whole texts. Every piece starts at an even offset,
// so that a UTF-16 piece is aligned.
class Arena {
 public:
  // `wide_utf16`: a piece that gets a non-ASCII text is UTF-16; else pieces hold UTF-8.
  // `piece_bytes`: a piece ends before the text that would take it past this many bytes.
  Arena(bool wide_utf16, std::uint32_t piece_bytes) : wide_utf16_(wide_utf16), piece_bytes_(piece_bytes) {}

  void clear(std::size_t retained_bytes) {
    bytes_.clear_retaining(retained_bytes);
    piece_ = kNone;
  }
  // Ends the batch's last piece.
  void finish(Pieces& pieces) {
    if (piece_ != kNone) end_piece(pieces);
  }
  std::uint32_t at() const { return address(bytes_.data()); }

  // Copies a text into the current piece, or a new one when it would take the current one past
  // its size; returns where it went. `units`: its UTF-16 code units, 0 if not known yet (then
  // set here).
  Place add(Pieces& pieces, std::string_view text, std::uint32_t& units) {
#if !defined(SSE_BINDING_UTF8_ONLY)
    // A text joining a UTF-16 piece is written and counted in one pass, not measured first: its
    // byte count bounds its units, and when the bound fits in the piece, so does the text.
    if (wide_utf16_ && piece_wide_ && piece_ != kNone) {
      const std::uint32_t most = units != 0 ? units : static_cast<std::uint32_t>(text.size());
      if (2 * (std::size_t{units_in_piece_} + most) <= piece_bytes_ || pieces.full()) {
        const Place place{piece_ << kPieceShift, units_in_piece_};
        units = append_utf16(text, most);
        units_in_piece_ += units;
        return place;
      }
    }
#endif
    if (units == 0) units = utf16_length(text);
    const bool ascii = units == text.size();  // only ASCII has as many UTF-16 units as UTF-8 bytes
    const std::size_t held = bytes_.size() - piece_start_;
    std::size_t after = held + text.size();
#if !defined(SSE_BINDING_UTF8_ONLY)
    if (wide_utf16_ && (piece_wide_ || !ascii)) after = 2 * (std::size_t{units_in_piece_} + units);
#endif
    if (piece_ == kNone || (held != 0 && after > piece_bytes_ && !pieces.full())) [[unlikely]] start_piece(pieces);
    if (!ascii && !piece_wide_) {
#if !defined(SSE_BINDING_UTF8_ONLY)
      if (wide_utf16_) {
        const std::size_t count = bytes_.size() - piece_start_;
        bytes_.extend(count);
        widen_in_place(bytes_.data() + piece_start_, count);
      }
#endif
      piece_wide_ = true;  // (UTF-8: the flag only tells JS that the piece is not ASCII)
    }
    const Place place{piece_ << kPieceShift, units_in_piece_};
    units_in_piece_ += units;
#if !defined(SSE_BINDING_UTF8_ONLY)
    if (piece_wide_ && wide_utf16_) {
      append_utf16(text, units);
      return place;
    }
#endif
    bytes_.append(text);
    return place;
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  [[gnu::noinline]] void start_piece(Pieces& pieces) {  // (once per ~1 KiB of text: out of line)
    if (piece_ != kNone) end_piece(pieces);
    if (bytes_.size() % 2 != 0) bytes_.push_back(0);  // the piece starts aligned
    piece_ = pieces.open(/*in_arena=*/true);
    piece_start_ = static_cast<std::uint32_t>(bytes_.size());
    units_in_piece_ = 0;
    piece_wide_ = false;
  }
  void end_piece(Pieces& pieces) {
    pieces.set(piece_, piece_start_, static_cast<std::uint32_t>(bytes_.size()), piece_wide_);
  }
#if !defined(SSE_BINDING_UTF8_ONLY)
  // Appends `text` as UTF-16, with room for `most` code units (its units, or a bound on them);
  // returns the units written, the room left unused given back.
  std::uint32_t append_utf16(std::string_view text, std::uint32_t most) {
    const std::uint32_t units = sse::wasm::write_utf16(text, reinterpret_cast<char16_t*>(bytes_.extend(std::size_t{most} * 2)), most);
    bytes_.truncate(bytes_.size() - 2 * std::size_t{most - units});
    return units;
  }
#endif

  sse::detail::Buffer<char> bytes_;
  std::uint32_t piece_ = kNone;      // the index of the piece being filled
  std::uint32_t piece_start_ = 0;    // where it starts in bytes_
  std::uint32_t units_in_piece_ = 0; // its UTF-16 code units so far
  bool piece_wide_ = false;          // it holds non-ASCII text
  bool wide_utf16_;
  std::uint32_t piece_bytes_;
};

// Whether `bytes` are all ASCII, sixteen at a time, with a test per 256 bytes: a chunk of
// non-ASCII text (LLM tokens) usually shows a byte >= 0x80 in its first few hundred bytes.
bool all_ascii(std::string_view bytes) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
#if defined(__wasm_simd128__)
  v128_t any = wasm_i8x16_splat(0);
  for (; end - p >= 256; p += 256) {
#pragma clang loop unroll_count(4)
    for (int i = 0; i < 256; i += 16) any = wasm_v128_or(any, wasm_v128_load(p + i));
    if (wasm_i8x16_bitmask(any) != 0) return false;
  }
  for (; end - p >= 16; p += 16) any = wasm_v128_or(any, wasm_v128_load(p));
  if (wasm_i8x16_bitmask(any) != 0) return false;
#endif
  unsigned char any_byte = 0;
  for (; p != end; ++p) any_byte |= static_cast<unsigned char>(*p);
  return any_byte < 0x80;
}

// The texts that lie whole in the chunk, referred to where they are: the pieces are ranges of
// the input, each from the start of its first text to the end of its last. Texts must come in
// the order of the input (one that comes back, e.g. a data line before an `id` line, is copied
// instead). In Node only a chunk of ASCII is read in place, whose pieces need no decoding.
// A piece is at most `piece_bytes` long only so that a kept string does not keep much else
// alive. With `short_texts_free` (V8 copies a slice shorter than kShortText code units; a text
// of fewer bytes has fewer), a piece that holds only such texts may span the chunk: tiny events
// at 64 KiB are one string call per chunk instead of 85.
class InputTexts {
 public:
  InputTexts(std::uint32_t piece_bytes, bool short_texts_free)
      : piece_bytes_(piece_bytes), short_texts_free_(short_texts_free) {}

  // A new chunk (empty: none, as for a reset). `ascii_only`: a chunk with a byte >= 0x80 lends
  // no texts (Node: they are copied into UTF-16 pieces instead).
  void begin(std::string_view input, bool ascii_only) {
    begin_ = input.data();
    end_ = input.data() + input.size();
    ascii_only_ = ascii_only;
    ascii_known_ = false;
    cursor_ = begin_;
    piece_ = kNone;
    fast_end_ = nullptr;
  }
  void finish(Pieces& pieces) {
    if (piece_ != kNone) end_piece(pieces);
  }

  // Places `text` where it lies, if it can: sets `units` and `place`. (`units`: 0 if unknown.)
  // The hot case inline: a chunk of ASCII, whose byte offsets are UTF-16 offsets, and a text that
  // follows the last one within the current piece (tiny events: 2 ns of the module's ~12).
  [[gnu::always_inline]] bool place(Pieces& pieces, std::string_view text, std::uint32_t& units, Place& place) {
    const char* at = text.data();
    const char* text_end = at + text.size();
    if (at >= cursor_ && text_end <= fast_end_ && (!kShortTexts || text.size() < fast_texts_under_)) [[likely]] {
      units = static_cast<std::uint32_t>(text.size());
      place = {piece_bits_, static_cast<std::uint32_t>(at - piece_start_)};
      cursor_ = text_end;
      return true;
    }
    // (A chunk found to lend nothing has no end: then no call at all.)
    return end_ != nullptr && place_elsewhere(pieces, text, units, place);
  }

 private:
  [[gnu::noinline]] bool place_elsewhere(Pieces& pieces, std::string_view text, std::uint32_t& units, Place& place) {
    const char* at = text.data();
    const char* text_end = at + text.size();
    if (at < cursor_ || text_end > end_) return false;  // elsewhere, or before the last one
    if (!ascii_known_ && !check_ascii()) return false;
    const bool short_text = text.size() < kShortText;
    std::uint32_t offset;
    if (piece_ == kNone ||
        (!(short_texts_only() && short_text) && text_end - piece_start_ > piece_bytes_ && at != piece_start_ && !pieces.full())) {
      if (piece_ != kNone) end_piece(pieces);
      if (pieces.count() + 1 >= kPieceLimit) return false;  // (the last index is the arena's)
      piece_ = pieces.open(/*in_arena=*/false);
      piece_bits_ = piece_ << kPieceShift;
      piece_start_ = at;
      short_texts_only_ = short_texts_free_ && short_text;
      set_fast_bounds();
      offset = 0;
    } else {
      if (short_texts_only() && !short_text) {  // (from now on the piece keeps to its size)
        short_texts_only_ = false;
        set_fast_bounds();
      }
      // After the units of the bytes since the last text, decoded as TextDecoder will decode
      // them (with replacement: they may hold anything).
      const auto gap = static_cast<std::size_t>(at - cursor_);
      offset = units_in_piece_ + static_cast<std::uint32_t>(ascii_ ? gap : sse::utf8::decoded_utf16_length({cursor_, gap}));
    }
    // (The text itself is valid UTF-8: the parser hands out a view of the chunk only then.)
    if (ascii_) {
      units = static_cast<std::uint32_t>(text.size());
      offset = static_cast<std::uint32_t>(at - piece_start_);
    } else if (units == 0) {
      units = utf16_length(text);
    }
    place = {piece_bits_, offset};
    units_in_piece_ = offset + units;
    cursor_ = text_end;
    return true;
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Whether the chunk is ASCII, found when the first text lies in it: a chunk whose texts all lie
  // elsewhere (the lines of multi-line events, joined in the parser's buffer) is not read again.
  // Returns false when the chunk lends no texts.
  bool check_ascii() {
    ascii_known_ = true;
    ascii_ = all_ascii({begin_, static_cast<std::size_t>(end_ - begin_)});
    if (!ascii_ && ascii_only_) {
      begin_ = end_ = cursor_ = nullptr;
      return false;
    }
    return true;
  }
  // V8 copies a slice shorter than this many code units (SlicedString::kMinLength); a text of
  // fewer bytes has fewer. (Not in the wasm2js module, SSE_BINDING_NO_SHORT_TEXTS: Hermes is no
  // V8, and the package's size.)
  static constexpr std::size_t kShortText = 13;
#if defined(SSE_BINDING_NO_SHORT_TEXTS)
  static constexpr bool kShortTexts = false;
#else
  static constexpr bool kShortTexts = true;
#endif
  bool short_texts_only() const { return kShortTexts && short_texts_only_; }
  // The inline path's bounds: short texts up to the chunk's end while the piece holds only them,
  // else any text up to where it would take the piece past its size (ASCII chunks only).
  void set_fast_bounds() {
    const char* bounded_end = piece_start_ + std::min<std::size_t>(piece_bytes_, static_cast<std::size_t>(end_ - piece_start_));
    fast_end_ = !ascii_ ? nullptr : short_texts_only() ? end_ : bounded_end;
    fast_texts_under_ = short_texts_only() ? kShortText : SIZE_MAX;
  }
  void end_piece(Pieces& pieces) {
    pieces.set(piece_, address(piece_start_), address(cursor_), !ascii_);
    piece_ = kNone;
    fast_end_ = nullptr;
  }

  const char* begin_ = nullptr;
  const char* end_ = nullptr;
  bool ascii_only_ = false;
  bool ascii_known_ = false;
  bool ascii_ = true;                  // (once ascii_known_)
  const char* cursor_ = nullptr;       // the end of the last text placed
  std::uint32_t piece_ = kNone;        // the index of the current piece
  std::uint32_t piece_bits_ = 0;       // the same in a kind word
  const char* piece_start_ = nullptr;  // where it starts
  const char* fast_end_ = nullptr;     // texts ending up to here take the inline path
  std::size_t fast_texts_under_ = 0;   // and shorter than this
  bool short_texts_only_ = false;      // the piece holds only texts under kShortText bytes
  std::uint32_t units_in_piece_ = 0;   // its UTF-16 code units up to cursor_ (not ASCII only)
  std::uint32_t piece_bytes_;
  bool short_texts_free_;
};

class Session final : public sse::EventSink {
 public:
  // `wide_utf16`, `piece_bytes`: the arena's (see Arena); `short_texts_free`: see InputTexts.
  Session(const sse::ParserOptions& options, bool wide_utf16, std::uint32_t piece_bytes, bool short_texts_free)
      : parser_(*this, options),
        wide_utf16_(wide_utf16),
        arena_(wide_utf16, piece_bytes),
        input_texts_(piece_bytes, short_texts_free) {}

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
  // per chunk. Addresses are 32-bit in wasm32. Pieces are two words each: the begin address,
  // and the end address with kWidePiece.
  struct BatchLayout {
    std::uint32_t records_at = 0;
    std::uint32_t record_count = 0;
    std::uint32_t pieces_at = 0;
    std::uint32_t piece_count = 0;
  };

  // `input`: the chunk being parsed, whose texts may be read in place (empty for a reset).
  void begin_batch(std::string_view input) {
    // A buffer that grew for a large batch (a large event) is freed rather than kept for the
    // session's life; everyday batches stay far below this and reuse their buffers.
    constexpr std::size_t kRetainedBytes = std::size_t{1} << 20;
    records_.clear_retaining(kRetainedBytes);
    pieces_.clear(kRetainedBytes);
    arena_.clear(kRetainedBytes);
#if !defined(SSE_BINDING_UTF8_ONLY)
    // In Node the texts of a chunk with other characters are copied into UTF-16 pieces instead.
    input_texts_.begin(input, /*ascii_only=*/wide_utf16_);
#else
    // (The drop-in's module copies every text: its size counts, and in a browser each event
    // costs a dispatchEvent, a hundred times the copy.)
    static_cast<void>(input);
#endif
  }
  // Publishes the batch in layout_; returns its record count.
  std::uint32_t end_batch() {
    input_texts_.finish(pieces_);
    arena_.finish(pieces_);
    pieces_.locate_arena(arena_.at());
    layout_ = {address(records_.data()), static_cast<std::uint32_t>(records_.size() / kRecordWords), pieces_.at(),
               pieces_.count()};
    return layout_.record_count;
  }
  const BatchLayout* layout() const { return &layout_; }
  sse::Parser& parser() { return parser_; }
  // The next typed event announces its type again (JS lost track of it, or a new stream begins).
  void forget_type() { type_.clear(); }

  // Inlined where the parser dispatches (its line loop, at LF LF, and dispatch_blank_line): an
  // event is then not built in memory for a call, and tiny events take 20 % less time, for 0.4 KB
  // of module. (Not in the modules built for size, SSE_BINDING_FOR_SIZE: the drop-in's, where each
  // event costs a dispatchEvent anyway, and wasm2js's, where it made 20 KB more JavaScript.)
#if !defined(SSE_BINDING_FOR_SIZE)
  [[gnu::always_inline]]
#endif
  void on_event(const sse::Event& event) override {
    // (A set type is never empty, so an empty type_ means none announced.)
    if (event.type_set && !same_text(event.type, type_.view())) [[unlikely]] {
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
  // A record with a text: where it lies in the chunk, or copied into the arena. Inlined where
  // events push their data; other texts share one out-of-line copy.
#if defined(SSE_BINDING_UTF8_ONLY)
  void push_text(std::uint32_t kind, std::string_view text) {
#else
  [[gnu::always_inline]] void push_text(std::uint32_t kind, std::string_view text) {
#endif
    std::uint32_t units = 0;
#if !defined(SSE_BINDING_UTF8_ONLY)
    Place place;
    if (input_texts_.place(pieces_, text, units, place)) [[likely]] {
      push(kind | place.piece_bits, place.offset, units);
      return;
    }
#endif
    copy_text(kind, text, units);
  }
  [[gnu::noinline]] void copy_text(std::uint32_t kind, std::string_view text, std::uint32_t units) {
    const Place place = arena_.add(pieces_, text, units);
    push(kind | place.piece_bits, place.offset, units);
  }
  [[gnu::noinline]] void push_other_text(std::uint32_t kind, std::string_view text) { push_text(kind, text); }
#if defined(SSE_BINDING_UTF8_ONLY)
  [[gnu::noinline]]  // (one copy, not one per callback: the drop-in's size budget)
#endif
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
  sse::detail::Buffer<char> type_;  // the type announced last (kType), if any
  bool wide_utf16_;
  Pieces pieces_;
  Arena arena_;
  InputTexts input_texts_;
  BatchLayout layout_;
};

}  // namespace

// Flags of sse_session_create.
enum SessionFlags : std::uint32_t {
  kSkipOversized = 1,      // LimitAction::skip_event instead of stop
  kWideUtf16 = 2,          // a piece with non-ASCII text is UTF-16 (else the arena is UTF-8)
  kReportComments = 4,     // kComment records (else comments are skipped unbuffered)
  kReportIgnored = 8,      // kUnknownField and kInvalidRetry records
  kIgnoreEmptyRetry = 16,  // EmptyRetry::ignore instead of reset_to_default
  kShortTextsFree = 32,    // the engine copies short slices: see InputTexts
  // Bits 8-23: the arena's piece size in units of 64 bytes; 0: one piece per batch.
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
      (flags >> kPieceSizeShift & 0xFFFF) != 0 ? (flags >> kPieceSizeShift & 0xFFFF) * kPieceSizeUnit : UINT32_MAX,
      (flags & kShortTextsFree) != 0);
}
SSE_EXPORT void sse_session_destroy(Session* session) { delete session; }

// Where JS copies the next `size` bytes (valid until the next call on this session).
SSE_EXPORT std::uint8_t* sse_session_input(Session* session, std::uint32_t size) {
  return session->input(size);
}

// Parses `size` bytes from the input buffer; returns the number of records.
SSE_EXPORT std::uint32_t sse_session_feed(Session* session, std::uint32_t size) {
  const std::string_view input = session->input_view(size);
  session->begin_batch(input);
  session->parser().feed(input);
  return session->end_batch();
}

// Ends the stream; with `consume`, the unterminated line is first parsed as if a LF followed.
// The next stream's first typed event announces its type again.
SSE_EXPORT std::uint32_t sse_session_reset(Session* session, std::uint32_t consume) {
  session->begin_batch({});
  if (consume != 0) session->parser().feed("\n");
  session->parser().reset();
  session->forget_type();
  return session->end_batch();
}

// JS stopped reading a batch before its end (a callback threw): the next typed event announces
// its type again, as a kType record it may have skipped would have.
SSE_EXPORT void sse_session_forget_type(Session* session) { session->forget_type(); }

// Sets the last event ID (string and buffer) from the first `size` input bytes.
SSE_EXPORT void sse_session_set_last_event_id(Session* session, std::uint32_t size) {
  session->parser().set_last_event_id(session->input_view(size));
}

// Where the session publishes each batch (Session::BatchLayout, four uint32 words): fixed for
// the session's life.
SSE_EXPORT const Session::BatchLayout* sse_session_batch(Session* session) { return session->layout(); }
