// One parser session in WebAssembly memory and the batch protocol of wasm/binding.cpp: a chunk
// is copied in once, parsed in one call, and its records are read back where the module wrote
// them — a table of three-word records, whose texts are slices of pieces: ranges of memory (of
// the chunk itself, or of texts the module copied), each made into a string in one call (one
// per chunk when a chunk brings one event, as network reads mostly do). Records come in the
// order of the parser's callbacks.
// Events carry no last event ID and no type: the reader keeps the ID buffer from ID_BUFFER
// records, and the type from TYPE records, which come only when it changes.
import { requireBytes } from './bytes.js';
import { decodeUtf8, encodeUtf8, encodeUtf8Into } from './text-codec.js';
import { hasNodeBuffer, memoryBytes, memoryNodeBuffer, memoryWords, wasm, wideUtf16 } from './wasm.js';

export { bufferSourceBytes, describeValue, requireBytes } from './bytes.js';

export const RECORD_WORDS = 3;
export const EVENT = 1;
export const RETRY = 2;
export const COMMENT = 3;
export const ID = 4; // a block that set the ID buffer ended: the last event ID is the buffer now
export const ERROR = 5;
export const TYPE = 6; // the type of the typed events that follow, in this batch and later ones
export const ID_BUFFER = 7; // the last-event-ID buffer's new value
export const UNKNOWN_FIELD = 8; // the line of a field of another name
export const INVALID_RETRY = 9; // the line of a retry field that was ignored
// Flags on the kind word of an EVENT record.
export const TYPE_SET = 0x100;
export const ID_SET = 0x200;
// On the kind word of a record with text: the index of its piece, in the top 16 bits.
export const PIECE_SHIFT = 16;
// On a piece's end address: the piece holds other characters than ASCII (UTF-16 in Node, else
// UTF-8).
const WIDE_PIECE = 0x80000000;

// sse_session_create's flags (wasm/binding.cpp SessionFlags).
const SKIP_OVERSIZED = 1;
const WIDE_UTF16 = 2;
const REPORT_COMMENTS = 4;
const REPORT_IGNORED = 8;
const IGNORE_EMPTY_RETRY = 16;
const SHORT_TEXTS_FREE = 32;
const PIECE_SIZE_FLAG_SHIFT = 8;

/** The largest limit the module takes (its memory is 32-bit anyway). */
export const MAX_LIMIT = 2 ** 32 - 1;

// The most bytes of an arena piece (a multiple of 64: sse_session_create's flags take it in 64s):
// a kept data string keeps its piece alive, and each piece costs one string call (~50 ns in
// Node, more for TextDecoder in browsers). Node: 768 bytes, so that 2000 kept short strings hold
// well under 2 MiB (960 held 2.1).
const PIECE_SIZE = hasNodeBuffer ? 768 : 4096;
const PIECE_SIZE_UNIT = 64;

// Typed-array calls cost more than a loop for a few elements: short input is copied and short
// ASCII pieces are decoded with plain loops.
const SMALL_ASCII = 16;
const SMALL_INPUT = 32;
// Above this, an input buffer left by a huge chunk shrinks back (see #input).
const INPUT_RETAINED_BYTES = 1 << 20;

/**
 * The records of one call into the module and the strings of its text pieces. Read it with the
 * accessors below over r = 0, RECORD_WORDS, … < batch.length, then releaseBatch() it.
 * Its records are read where the module wrote them (`words` is a view of the module's memory)
 * until something calls into the module again: every such call first detaches the batch being
 * read (copies its records out), so a callback may feed any parser, even this one.
 */
class Batch {
  words = null;
  base = 0; // where record 0 is in `words`
  length = 0; // words of records
  pieces = [];
  pieceCount = 0;
  inUse = false;
}

const EMPTY = Object.assign(new Batch(), { words: new Uint32Array(0) }); // (never lent, never filled)
let lent = null; // the batch whose records are still in the module's memory, if any

/** The module's exports, for a call that may overwrite records or grow the memory. */
function enterModule() {
  if (lent !== null) {
    const batch = lent;
    lent = null;
    batch.words = batch.words.slice(batch.base, batch.base + batch.length);
    batch.base = 0;
  }
  return wasm();
}

/** A batch of the records `words` (a plain array, RECORD_WORDS each) over the pieces of `batch`
 *  (copied: the session reuses its batch's array). */
export function copiedBatch(batch, words) {
  const pieces = batch.pieces.slice(0, batch.pieceCount);
  return Object.assign(new Batch(), { words, length: words.length, pieces, pieceCount: pieces.length });
}

/** Ends a batch's delivery: its records may be overwritten from now on. */
export function releaseBatch(batch) {
  if (batch === lent) lent = null;
  batch.inUse = false;
}

/** The kind word of the record at `r`: its kind in the low byte, flags and piece above. */
export function kindAt(batch, r) {
  return batch.words[batch.base + r];
}

/** Whether the event record at `r` has a type: the text of the latest TYPE record. */
export function eventTypeSetAt(batch, r) {
  return (batch.words[batch.base + r] & TYPE_SET) !== 0;
}

/** The reconnection time of a RETRY record at `r`, in ms (64 bits as two words). */
export function retryAt(batch, r) {
  const at = batch.base + r;
  return batch.words[at + 2] * 2 ** 32 + batch.words[at + 1];
}

/** The text of an EVENT (its data), ID_BUFFER, COMMENT, TYPE, UNKNOWN_FIELD or INVALID_RETRY
 *  record at `r`: a slice of its piece (the whole piece for a text of a piece of its own). */
export function textAt(batch, r) {
  const { words } = batch;
  const at = batch.base + r;
  const start = words[at + 1];
  return batch.pieces[words[at] >>> PIECE_SHIFT].slice(start, start + words[at + 2]);
}

// A piece as a string. Node (the module writes UTF-16): ASCII with Buffer#latin1Slice (a copy
// into a one-byte string, ~10x TextDecoder; asciiSlice, the same string of ASCII, first checks
// the bytes: 10-25 % slower from a few KB), a short one with a loop, the rest with
// Buffer#ucs2Slice; elsewhere UTF-8 with Buffer#utf8Slice or TextDecoder.
function pieceString(start, end, wide) {
  if (start === end) return '';
  if (!wide && end - start <= SMALL_ASCII) return asciiText(memoryBytes(), start, end);
  const nodeBuffer = memoryNodeBuffer();
  if (nodeBuffer !== null) {
    if (!wide) return nodeBuffer.latin1Slice(start, end);
    return wideUtf16() ? nodeBuffer.ucs2Slice(start, end) : nodeBuffer.utf8Slice(start, end);
  }
  return decodeUtf8(memoryBytes().subarray(start, end));
}

function asciiText(bytes, start, end) {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

// Sessions dropped without dispose() are freed when collected.
const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((handle) => enterModule().sse_session_destroy(handle))
    : null;

export class Session {
  #handle;
  #layoutAt; // uint32 index of the session's BatchLayout in the memory
  #inputAt = 0;
  #inputCapacity = 0;
  #highSurrogate = ''; // a string chunk that ended inside a surrogate pair keeps its first half
  #batch = new Batch(); // reused for each batch unless the last one is still being read

  /**
   * `limit`: bytes a line plus the pending event may buffer (at most MAX_LIMIT).
   * `skipOversized`: drop an event over the limit and go on (an ERROR record each time) instead
   * of stopping until reset(). `comments`, `ignoredFields`: produce COMMENT, UNKNOWN_FIELD and
   * INVALID_RETRY records (else those lines are skipped unbuffered). `ignoreEmptyRetry`: an
   * empty retry value is an INVALID_RETRY instead of the default reconnection time.
   */
  constructor({
    limit,
    skipOversized = false,
    comments = false,
    ignoredFields = false,
    ignoreEmptyRetry = false,
    pieceSize = PIECE_SIZE, // (tests try others; 0: one piece per batch)
    // V8 copies a slice shorter than 13 code units rather than keep its parent string alive, so
    // in Node and Deno texts that short do not bound a piece (tiny events: one string call per
    // chunk). (Bun, whose Buffer takes the same path, is JavaScriptCore: every text bounds it.)
    shortTextsFree = hasNodeBuffer && !globalThis.Bun,
  }) {
    const exports = enterModule();
    // In Node a piece with non-ASCII text comes as UTF-16, which Buffer#ucs2Slice turns into a
    // string at copy speed; elsewhere as UTF-8 for TextDecoder.
    const flags =
      (skipOversized ? SKIP_OVERSIZED : 0) |
      (wideUtf16() ? WIDE_UTF16 : 0) |
      (comments ? REPORT_COMMENTS : 0) |
      (ignoredFields ? REPORT_IGNORED : 0) |
      (ignoreEmptyRetry ? IGNORE_EMPTY_RETRY : 0) |
      (shortTextsFree ? SHORT_TEXTS_FREE : 0) |
      (Math.ceil(pieceSize / PIECE_SIZE_UNIT) << PIECE_SIZE_FLAG_SHIFT);
    this.#handle = exports.sse_session_create(limit >>> 0, flags);
    this.#layoutAt = (exports.sse_session_batch(this.#handle) >>> 0) / 4;
    registry?.register(this, this.#handle, this);
  }

  /**
   * Parses text (encoded as UTF-8) or the bytes of a BufferSource; returns the batch of records
   * it produced. Anything else is a TypeError, before anything is parsed.
   */
  feed(chunk) {
    if (typeof chunk !== 'string') return this.feedBytes(requireBytes(chunk));
    this.#checkLive();
    const size = this.#copyText(chunk);
    if (size === 0) return EMPTY;
    return this.#read(enterModule().sse_session_feed(this.#handle, size));
  }

  /** feed() for bytes a caller has already taken as a Uint8Array (requireBytes). */
  feedBytes(bytes) {
    this.#checkLive();
    const size = this.#copyBytes(bytes);
    if (size === 0) return EMPTY;
    return this.#read(enterModule().sse_session_feed(this.#handle, size));
  }

  /** Ends the stream (optionally parsing the unterminated line first); returns its records. The
   *  next stream's first typed event brings its TYPE record again. */
  reset(consume = false) {
    this.#checkLive();
    this.#highSurrogate = '';
    return this.#read(enterModule().sse_session_reset(this.#handle, consume ? 1 : 0));
  }

  /** The reader stopped before the end of a batch (a callback threw): it may have missed a TYPE
   *  record, so the next typed event brings one again. */
  forgetType() {
    if (this.#handle !== 0) enterModule().sse_session_forget_type(this.#handle);
  }

  /** Sets the last event ID string and buffer. */
  setLastEventId(id) {
    this.#checkLive();
    const size = this.#copyBytes(encodeUtf8(id));
    enterModule().sse_session_set_last_event_id(this.#handle, size);
  }

  get disposed() {
    return this.#handle === 0;
  }

  dispose() {
    if (this.#handle === 0) return;
    registry?.unregister(this);
    enterModule().sse_session_destroy(this.#handle);
    this.#handle = 0;
  }

  #checkLive() {
    if (this.#handle === 0) throw new Error('wasm-eventsource: this parser was disposed');
  }

  // The two ways bytes reach the input buffer. Each returns the number of bytes it wrote, which
  // is what the module then parses: a count never comes from anywhere but the copy itself.
  #copyBytes(bytes) {
    const size = bytes.length;
    if (size === 0) return 0;
    const at = this.#input(size); // may grow the memory: take the view after it
    const memory = memoryBytes();
    if (size <= SMALL_INPUT) {
      for (let i = 0; i < size; i++) memory[at + i] = bytes[i];
    } else {
      memory.set(bytes, at);
    }
    return size;
  }

  #copyText(chunk) {
    let text = this.#highSurrogate + chunk;
    const last = text.charCodeAt(text.length - 1);
    this.#highSurrogate = last >= 0xd800 && last <= 0xdbff ? text[text.length - 1] : '';
    if (this.#highSurrogate) text = text.slice(0, -1);
    if (text.length === 0) return 0;
    const capacity = text.length * 3; // the most UTF-8 bytes a UTF-16 unit can become
    const at = this.#input(capacity);
    return encodeUtf8Into(text, memoryBytes().subarray(at, at + capacity));
  }

  // Where the next `size` input bytes go. The buffer grows to a power of two, so one call into
  // the module per growth, not per chunk; after a huge chunk it shrinks back (above 1 MiB, for
  // a chunk under a quarter of it) rather than stay that large for the session's life.
  #input(size) {
    if (size > this.#inputCapacity || (this.#inputCapacity > INPUT_RETAINED_BYTES && size * 4 < this.#inputCapacity)) {
      this.#inputCapacity = 2 ** Math.ceil(Math.log2(Math.max(size, 256)));
      this.#inputAt = enterModule().sse_session_input(this.#handle, this.#inputCapacity) >>> 0;
    }
    return this.#inputAt;
  }

  // The batch the module just published: its records stay where they are (lent until the next
  // call into the module), its pieces become strings now.
  #read(count) {
    if (count === 0) return EMPTY;
    let batch = this.#batch;
    if (batch.inUse) batch = new Batch(); // (a callback fed this parser while its batch is read)
    const words = memoryWords();
    // BatchLayout: records at, record count, pieces at, piece count; a piece is two words, its
    // begin and end addresses (WIDE_PIECE on the end).
    const layout = this.#layoutAt;
    const piecesAt = words[layout + 2] >>> 2;
    const pieceCount = words[layout + 3];
    const { pieces } = batch;
    for (let k = 0; k < pieceCount; k++) {
      const end = words[piecesAt + 2 * k + 1];
      const endAddress = end & ~WIDE_PIECE;
      pieces[k] = pieceString(words[piecesAt + 2 * k], endAddress, end !== endAddress);
    }
    // (Strings of an earlier, larger batch are not kept alive by the array.)
    for (let k = pieceCount; k < batch.pieceCount; k++) pieces[k] = '';
    batch.pieceCount = pieceCount;
    batch.words = words;
    batch.base = words[layout] >>> 2;
    batch.length = count * RECORD_WORDS;
    batch.inUse = true;
    lent = batch;
    return batch;
  }
}
