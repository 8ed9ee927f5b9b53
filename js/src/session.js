// One parser session in WebAssembly memory and the batch protocol of wasm/binding.cpp: a chunk
// is copied in once, parsed in one call, and all its records come back at once — a table of
// three-word records and two text arenas, ASCII and the rest (UTF-8, or UTF-16 in Node), each
// decoded in one call.
// Events carry no last event ID: it is the text of the latest ID record, which the reader keeps.
import { hasNodeBuffer, memoryBytes, memoryNodeBuffer, memoryWords, wasm } from './wasm.js';

export const RECORD_WORDS = 3;
export const EVENT = 1;
export const RETRY = 2;
export const COMMENT = 3;
export const ID = 4;
export const ERROR = 5;
export const TYPE = 6; // the type of the typed events that follow in the batch
// Flags on the kind word of an EVENT record.
export const TYPE_SET = 0x100;
export const ID_SET = 0x200;
// On the kind word of a record with text: the text is in the batch's `wide` string (it has
// characters other than ASCII), not in `text`.
export const WIDE = 0x400;

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

/** The text of an EVENT (its data), ID, COMMENT or TYPE record at `i`. */
export function textAt({ records, text, wide }, i) {
  return (records[i] & WIDE ? wide : text).slice(records[i + 1], records[i + 1] + records[i + 2]);
}

// ignoreBOM: a U+FEFF at the start of the arena is data, not a byte order mark.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();
const EMPTY = { records: new Uint32Array(0), text: '', wide: '' };

// Typed-array calls cost ~100 ns each in V8 whatever their size, which dominates the small
// batches of a slow network: small ones are copied and decoded with plain loops instead.
const SMALL_RECORDS = 48;
const SMALL_ASCII = 16;
// Above this, an input buffer left by a huge chunk shrinks back (see #input).
const INPUT_RETAINED_BYTES = 1 << 20;

function copyWords(words, at, count) {
  if (count > SMALL_RECORDS) return words.slice(at, at + count);
  const copy = new Array(count);
  for (let i = 0; i < count; i++) copy[i] = words[at + i];
  return copy;
}

// ASCII bytes as a string: a loop when short, Node's Latin-1 slicing when there is a Node
// Buffer (a copy into a one-byte string, ~10x TextDecoder), else TextDecoder.
function asciiString(bytes, at, size) {
  if (size === 0) return '';
  if (size <= SMALL_ASCII) return asciiText(bytes, at, size);
  const nodeBuffer = memoryNodeBuffer();
  if (nodeBuffer) return nodeBuffer.latin1Slice(at, at + size);
  return decoder.decode(bytes.subarray(at, at + size));
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

  /** `maxBufferedBytes`: 0 for the default (16 MiB); `skipOversized`: drop an event over the
   *  limit and go on (an ERROR record each time) instead of stopping until reset(). */
  constructor(maxBufferedBytes = 0, skipOversized = false) {
    const exports = wasm();
    // In Node the non-ASCII arena comes as UTF-16, which Buffer#ucs2Slice turns into a string
    // at copy speed; elsewhere as UTF-8 for TextDecoder.
    this.#handle = exports.sse_session_create(maxBufferedBytes >>> 0, skipOversized ? 1 : 0, hasNodeBuffer ? 1 : 0);
    this.#layoutAt = (exports.sse_session_batch(this.#handle) >>> 0) / 4;
    registry?.register(this, this.#handle, this);
  }

  /** Parses bytes or text; returns the batch of records it produced. */
  feed(chunk) {
    let size;
    if (typeof chunk === 'string') {
      let text = this.#highSurrogate + chunk;
      const last = text.charCodeAt(text.length - 1);
      this.#highSurrogate = last >= 0xd800 && last <= 0xdbff ? text[text.length - 1] : '';
      if (this.#highSurrogate) text = text.slice(0, -1);
      const at = this.#input(text.length * 3);
      size = encoder.encodeInto(text, memoryBytes().subarray(at, at + text.length * 3)).written;
    } else {
      size = chunk.byteLength;
      if (size === 0) return EMPTY;
      const at = this.#input(size); // may grow the memory: take the view after it
      const bytes = memoryBytes();
      if (size <= 32) {
        for (let i = 0; i < size; i++) bytes[at + i] = chunk[i];
      } else {
        bytes.set(chunk, at);
      }
    }
    return this.#batch(wasm().sse_session_feed(this.#handle, size));
  }

  /** Ends the stream (optionally parsing the unterminated line first); returns its records. */
  reset(consume = false) {
    this.#highSurrogate = '';
    return this.#batch(wasm().sse_session_reset(this.#handle, consume ? 1 : 0));
  }

  setLastEventId(id) {
    const bytes = encoder.encode(id);
    const at = this.#input(bytes.length);
    memoryBytes().set(bytes, at);
    wasm().sse_session_set_last_event_id(this.#handle, bytes.length);
  }

  /** The last-event-ID buffer (moves at every `id` line). */
  idBuffer() {
    return textAt(this.#batch(wasm().sse_session_read_id_buffer(this.#handle)), 0);
  }

  dispose() {
    if (this.#handle === 0) return;
    registry?.unregister(this);
    wasm().sse_session_destroy(this.#handle);
    this.#handle = 0;
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
    const layout = this.#layoutAt; // BatchLayout: records at, count, ASCII at, size, wide at, size
    const records = copyWords(words, words[layout] / 4, count * RECORD_WORDS);
    const text = asciiString(bytes, words[layout + 2], words[layout + 3]);
    const wideAt = words[layout + 4];
    const wideSize = words[layout + 5];
    let wide = '';
    if (wideSize !== 0) {
      wide = hasNodeBuffer
        ? memoryNodeBuffer().ucs2Slice(wideAt, wideAt + wideSize)
        : decoder.decode(bytes.subarray(wideAt, wideAt + wideSize));
    }
    return { records, text, wide };
  }
}
