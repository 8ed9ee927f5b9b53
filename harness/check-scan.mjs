// Byte-level scan of an event stream for the endpoint checker (harness/check.mjs): validates
// UTF-8 the way a decoder does (each error is one U+FFFD in what a client sees), splits lines on
// CR, LF and CRLF like the event-stream grammar, and notes what a parser silently ignores:
// unknown field names, `retry` values that are not digits, ids with U+0000, a BOM anywhere but
// at the very start, very long data lines, and an event left unterminated when the stream ends.
// Events themselves are parsed by the project's parser (createParser); this only looks for oddities.

/** Data lines longer than this (in bytes) are reported. */
export const LONG_LINE_BYTES = 64 * 1024;

/** Bytes of each line kept for inspection (field names and `retry`/`id` values); the rest is only counted. */
const KEEP_BYTES = 4096;
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const KNOWN_FIELDS = new Set(['event', 'data', 'id', 'retry']);
const nameDecoder = new TextDecoder('utf-8');

function remember(list, entry, max = 5) {
  if (list.length < max) list.push(entry);
}

export class StreamScanner {
  // UTF-8 decoder state (WHATWG "UTF-8 decoder").
  #needed = 0;
  #seen = 0;
  #lower = 0x80;
  #upper = 0xbf;
  #codePoint = 0;
  #codePointStart = 0;
  // Line state.
  #line = new Uint8Array(KEEP_BYTES);
  #lineKept = 0;
  #lineLength = 0;
  #lineStart = 0;
  #afterCR = false;
  #pendingData = false;
  #pendingFields = 0;
  #offset = 0;

  constructor() {
    this.bytes = 0;
    this.lines = 0;
    this.utf8 = { errors: 0, first: [] }; // first: [{ offset, line }]
    this.bom = { atStart: false, elsewhere: 0, first: [] }; // first: [{ offset, line, atLineStart }]
    this.unknownFields = new Map(); // name → { count, firstLine }
    this.badRetry = { count: 0, first: [] }; // first: [{ line, value }]
    this.idWithNul = { count: 0, first: [] };
    this.longDataLines = { count: 0, longest: 0, firstLine: 0 };
    this.longestLine = 0;
    this.fieldCounts = { event: 0, data: 0, id: 0, retry: 0, comment: 0, blank: 0 };
  }

  /** Scans the next bytes of the body. */
  push(bytes) {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      const offset = this.#offset + i;
      this.#utf8(byte, offset);
      if (this.#afterCR) {
        this.#afterCR = false;
        if (byte === LF) {
          this.#lineStart = offset + 1;
          continue;
        }
      }
      if (byte === CR || byte === LF) {
        this.#endLine();
        this.#afterCR = byte === CR;
        this.#lineStart = offset + 1;
        continue;
      }
      if (this.#lineKept < KEEP_BYTES) this.#line[this.#lineKept++] = byte;
      this.#lineLength++;
    }
    this.#offset += bytes.length;
    this.bytes = this.#offset;
  }

  /**
   * The body ended (the server closed it): flushes the decoder and says what was left unfinished —
   * `{ incompleteLineBytes, pendingData, pendingFields }`; a client drops all of it.
   */
  finish() {
    if (this.#needed !== 0) this.#utf8Error(this.#codePointStart);
    this.#needed = 0;
    return {
      incompleteLineBytes: this.#lineLength,
      pendingData: this.#pendingData || (this.#lineLength > 0 && this.#fieldName(this.#keptLine()).name === 'data'),
      pendingFields: this.#pendingFields + (this.#lineLength > 0 ? 1 : 0),
    };
  }

  #utf8Error(offset) {
    this.utf8.errors++;
    remember(this.utf8.first, { offset, line: this.lines + 1 });
  }

  #utf8(byte, offset) {
    if (this.#needed === 0) {
      if (byte <= 0x7f) return;
      this.#codePointStart = offset;
      if (byte >= 0xc2 && byte <= 0xdf) {
        this.#needed = 1;
        this.#codePoint = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) this.#lower = 0xa0;
        if (byte === 0xed) this.#upper = 0x9f;
        this.#needed = 2;
        this.#codePoint = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) this.#lower = 0x90;
        if (byte === 0xf4) this.#upper = 0x8f;
        this.#needed = 3;
        this.#codePoint = byte & 0x07;
      } else {
        this.#utf8Error(offset);
      }
      return;
    }
    if (byte < this.#lower || byte > this.#upper) {
      // The sequence so far is one error; the byte is decoded again on its own.
      this.#needed = this.#seen = this.#codePoint = 0;
      this.#lower = 0x80;
      this.#upper = 0xbf;
      this.#utf8Error(this.#codePointStart);
      this.#utf8(byte, offset);
      return;
    }
    this.#lower = 0x80;
    this.#upper = 0xbf;
    this.#codePoint = (this.#codePoint << 6) | (byte & 0x3f);
    if (++this.#seen < this.#needed) return;
    const codePoint = this.#codePoint;
    this.#needed = this.#seen = this.#codePoint = 0;
    if (codePoint !== 0xfeff) return;
    if (this.#codePointStart === 0) {
      this.bom.atStart = true; // stripped by the decoder: fine
      return;
    }
    this.bom.elsewhere++;
    remember(this.bom.first, {
      offset: this.#codePointStart,
      line: this.lines + 1,
      atLineStart: this.#codePointStart === this.#lineStart,
    });
  }

  #keptLine() {
    let line = this.#line.subarray(0, this.#lineKept);
    // The decoder strips one BOM at the very start of the stream.
    if (this.#lineStart === 0 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3);
    return line;
  }

  #fieldName(line) {
    const colon = line.indexOf(COLON);
    const nameBytes = colon === -1 ? line : line.subarray(0, colon);
    let valueBytes = colon === -1 ? line.subarray(line.length) : line.subarray(colon + 1);
    if (valueBytes[0] === SPACE) valueBytes = valueBytes.subarray(1);
    return { colon, name: nameDecoder.decode(nameBytes), valueBytes };
  }

  #endLine() {
    this.lines++;
    const lineNumber = this.lines;
    const length = this.#lineLength;
    const line = this.#keptLine();
    this.#lineKept = 0;
    this.#lineLength = 0;
    if (length > this.longestLine) this.longestLine = length;
    if (line.length === 0 && length <= 3) {
      this.fieldCounts.blank++;
      this.#pendingData = false;
      this.#pendingFields = 0;
      return;
    }
    if (line[0] === COLON) {
      this.fieldCounts.comment++;
      return;
    }
    const { name, valueBytes } = this.#fieldName(line);
    this.#pendingFields++;
    if (!KNOWN_FIELDS.has(name)) {
      if (name.startsWith('\ufeff')) return; // reported as a BOM at the start of a line
      const entry = this.unknownFields.get(name) ?? { count: 0, firstLine: lineNumber };
      entry.count++;
      if (this.unknownFields.size < 50 || this.unknownFields.has(name)) this.unknownFields.set(name, entry);
      return;
    }
    this.fieldCounts[name]++;
    if (name === 'data') {
      this.#pendingData = true;
      if (length > LONG_LINE_BYTES) {
        if (this.longDataLines.count === 0) this.longDataLines.firstLine = lineNumber;
        this.longDataLines.count++;
        this.longDataLines.longest = Math.max(this.longDataLines.longest, length);
      }
    } else if (name === 'retry') {
      const value = nameDecoder.decode(valueBytes);
      if (!/^[0-9]+$/.test(value) || length > KEEP_BYTES) {
        this.badRetry.count++;
        remember(this.badRetry.first, { line: lineNumber, value: value.slice(0, 40) });
      }
    } else if (name === 'id') {
      if (valueBytes.includes(0)) {
        this.idWithNul.count++;
        remember(this.idWithNul.first, { line: lineNumber });
      }
    }
  }
}
