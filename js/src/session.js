// One parser session in WebAssembly memory and the batch protocol of wasm/binding.cpp: a chunk
// is copied in once, parsed in one call, and all its records come back at once — a table of
// three-word records and two text arenas, ASCII and the rest (UTF-8, or UTF-16 in Node), each in
// pieces of whole texts decoded in one call each. Records come in the order of the parser's
// callbacks.
// Events carry no last event ID: the reader keeps the ID buffer from ID_BUFFER records.
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
export const TYPE = 6; // the type of the typed events that follow in the batch
export const ID_BUFFER = 7; // the last-event-ID buffer's new value
export const UNKNOWN_FIELD = 8; // the line of a field of another name
export const INVALID_RETRY = 9; // the line of a retry field that was ignored
// Flags on the kind word of an EVENT record.
export const TYPE_SET = 0x100;
export const ID_SET = 0x200;
// On the kind word of a record with text: the text is in the batch's `wide` pieces (it has
// characters other than ASCII), not in `text`; the piece's index is the word's top 16 bits.
export const WIDE = 0x400;
const PIECE_SHIFT = 16;

// sse_session_create's flags (wasm/binding.cpp SessionFlags).
const SKIP_OVERSIZED = 1;
const WIDE_UTF16 = 2;
const REPORT_COMMENTS = 4;
const REPORT_IGNORED = 8;
const IGNORE_EMPTY_RETRY = 16;
const PIECE_SIZE_FLAG_SHIFT = 8;

/** The largest limit the module takes (its memory is 32-bit anyway). */
export const MAX_LIMIT = 2 ** 32 - 1;

/** Whether the event record at `i` has a type: the text of the batch's latest TYPE record. */
export function eventTypeSetAt({ records }, i) {
  return (records[i] & TYPE_SET) !== 0;
}

/** Whether the block of the event record at `i` had an `id` field itself. */
export function eventIdSetAt({ records }, i) {
  return (records[i] & ID_SET) !== 0;
}

/** The reconnection time of a RETRY record at `i`, in ms (64 bits as two words). */
export function retryAt({ records }, i) {
  return records[i + 2] * 2 ** 32 + records[i + 1];
}

/** The text of an EVENT (its data), ID_BUFFER, COMMENT, TYPE, UNKNOWN_FIELD or INVALID_RETRY
 *  record at `i`: a slice of its piece (the whole piece for a text of a piece of its own). */
export function textAt({ records, text, wide }, i) {
  const kind = records[i];
  return (kind & WIDE ? wide : text)[kind >>> PIECE_SHIFT].slice(records[i + 1], records[i + 1] + records[i + 2]);
}

const NO_PIECES = [''];
const EMPTY = { records: new Uint32Array(0), text: NO_PIECES, wide: NO_PIECES };

// The most bytes of an arena piece (a multiple of 64: sse_session_create's flags take it in 64s):
// a kept data string keeps its piece alive, and each piece costs one decoding call (~100 ns in
// Node, more for TextDecoder in browsers). Node: 768 bytes, so that 2000 kept short strings hold
// well under 2 MiB (960 held 2.1); the LLM stream pays ~12% for it (bench/RESULTS.md).
const PIECE_SIZE = hasNodeBuffer ? 768 : 4096;
const PIECE_SIZE_UNIT = 64;

// Typed-array calls cost ~100 ns each in V8 whatever their size, which dominates the small
// batches of a slow network: small ones are copied and decoded with plain loops instead.
const SMALL_RECORDS = 48;
const SMALL_ASCII = 16;
const SMALL_INPUT = 32;
// Above this, an input buffer left by a huge chunk shrinks back (see #input).
const INPUT_RETAINED_BYTES = 1 << 20;

// Large record tables are copied into one table that all sessions share, lent to one batch at a
// time until releaseBatch(): a new typed array per chunk was 9% of the time of tiny events.
// A batch made while the table is lent (a callback fed a parser) gets a copy of its own.
let sharedRecords = new Uint32Array(0);
let lentRecords = null; // the view of sharedRecords a batch holds, until releaseBatch()
const SHARED_RETAINED_WORDS = 1 << 18; // above this, the table shrinks back for smaller batches

function copyWords(words, at, count) {
  if (count <= SMALL_RECORDS) {
    const copy = new Array(count);
    for (let i = 0; i < count; i++) copy[i] = words[at + i];
    return copy;
  }
  if (lentRecords !== null) return words.slice(at, at + count);
  if (count > sharedRecords.length || (sharedRecords.length > SHARED_RETAINED_WORDS && count * 4 < sharedRecords.length)) {
    sharedRecords = new Uint32Array(2 ** Math.ceil(Math.log2(count)));
  }
  sharedRecords.set(words.subarray(at, at + count));
  lentRecords = sharedRecords.subarray(0, count);
  return lentRecords;
}

/** Ends a batch's delivery: its records may be overwritten from now on. (Once per chunk: an
 * identity test, not a read of `.buffer`, which small batches' plain arrays lack, at 16-byte
 * chunks 9% of the time.) */
export function releaseBatch(batch) {
  if (batch.records === lentRecords) lentRecords = null;
}

// ASCII bytes as a string: a loop when short, Node's ASCII slicing when there is a Node Buffer
// (a copy into a one-byte string, ~10x TextDecoder; 5x faster than latin1Slice for 8 MiB), else
// TextDecoder.
function asciiString(bytes, at, size) {
  if (size === 0) return '';
  if (size <= SMALL_ASCII) return asciiText(bytes, at, size);
  const nodeBuffer = memoryNodeBuffer();
  if (nodeBuffer) return nodeBuffer.asciiSlice(at, at + size);
  return decodeUtf8(bytes.subarray(at, at + size));
}

// Non-ASCII texts as a string: UTF-16 in Node (Buffer#ucs2Slice), else UTF-8 (TextDecoder).
function wideString(bytes, at, size) {
  if (size === 0) return '';
  return wideUtf16() ? memoryNodeBuffer().ucs2Slice(at, at + size) : decodeUtf8(bytes.subarray(at, at + size));
}

// An arena's pieces as strings: `count` ends (byte offsets from `at`) at word `endsAt`.
function pieceStrings(decode, bytes, words, at, endsAt, count) {
  if (count === 1 && words[endsAt] === 0) return NO_PIECES; // (most batches have no wide text)
  const pieces = new Array(count);
  let start = 0;
  for (let k = 0; k < count; k++) {
    const end = words[endsAt + k];
    pieces[k] = decode(bytes, at + start, end - start);
    start = end;
  }
  return pieces;
}

function asciiText(bytes, at, size) {
  let text = '';
  for (let i = at; i < at + size; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

// Sessions dropped without dispose() are freed when collected.
const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((handle) => wasm().sse_session_destroy(handle))
    : null;

export class Session {
  #handle;
  #layoutAt; // uint32 index of the session's BatchLayout in the memory
  #inputAt = 0;
  #inputCapacity = 0;
  #highSurrogate = ''; // a string chunk that ended inside a surrogate pair keeps its first half

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
    pieceSize = PIECE_SIZE, // (tests try others; 0: one piece per arena)
  }) {
    const exports = wasm();
    // In Node the non-ASCII arena comes as UTF-16, which Buffer#ucs2Slice turns into a string
    // at copy speed; elsewhere as UTF-8 for TextDecoder.
    const flags =
      (skipOversized ? SKIP_OVERSIZED : 0) |
      (wideUtf16() ? WIDE_UTF16 : 0) |
      (comments ? REPORT_COMMENTS : 0) |
      (ignoredFields ? REPORT_IGNORED : 0) |
      (ignoreEmptyRetry ? IGNORE_EMPTY_RETRY : 0) |
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
    this.#checkLive();
    const size = typeof chunk === 'string' ? this.#copyText(chunk) : this.#copyBytes(requireBytes(chunk));
    if (size === 0) return EMPTY;
    return this.#batch(wasm().sse_session_feed(this.#handle, size));
  }

  /** Ends the stream (optionally parsing the unterminated line first); returns its records. */
  reset(consume = false) {
    this.#checkLive();
    this.#highSurrogate = '';
    return this.#batch(wasm().sse_session_reset(this.#handle, consume ? 1 : 0));
  }

  /** Sets the last event ID string and buffer. */
  setLastEventId(id) {
    this.#checkLive();
    const size = this.#copyBytes(encodeUtf8(id));
    wasm().sse_session_set_last_event_id(this.#handle, size);
  }

  get disposed() {
    return this.#handle === 0;
  }

  dispose() {
    if (this.#handle === 0) return;
    registry?.unregister(this);
    wasm().sse_session_destroy(this.#handle);
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
      this.#inputAt = wasm().sse_session_input(this.#handle, this.#inputCapacity) >>> 0;
    }
    return this.#inputAt;
  }

  // Copies the records out of WebAssembly memory: callbacks may feed this session again.
  #batch(count) {
    if (count === 0) return EMPTY;
    const bytes = memoryBytes();
    const words = memoryWords();
    // BatchLayout: records at, count; for each arena (ASCII, wide): at, piece ends at, pieces
    const layout = this.#layoutAt;
    const records = copyWords(words, words[layout] / 4, count * RECORD_WORDS);
    const text = pieceStrings(asciiString, bytes, words, words[layout + 2], words[layout + 3] / 4, words[layout + 4]);
    const wide = pieceStrings(wideString, bytes, words, words[layout + 5], words[layout + 6] / 4, words[layout + 7]);
    return { records, text, wide };
  }
}
