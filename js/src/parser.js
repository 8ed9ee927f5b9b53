// createParser: eventsource-parser 4's API (callbacks, shapes and errors), backed by the
// WebAssembly parser.
import {
  COMMENT,
  copiedBatch,
  ERROR,
  EVENT,
  ID,
  ID_BUFFER,
  ID_SET,
  INVALID_RETRY,
  MAX_LIMIT,
  PIECE_SHIFT,
  RECORD_WORDS,
  RETRY,
  Session,
  TYPE,
  TYPE_SET,
  UNKNOWN_FIELD,
  describeValue,
  kindAt,
  releaseBatch,
  requireBytes,
  retryAt,
  textAt,
} from './session.js';

/** The limit when maxBufferSize is not given (eventsource-parser has none: see the README). */
export const DEFAULT_MAX_BUFFER_SIZE = 0x1000000; // 16 MiB (a literal, as bundlers drop it when unused)

export class ParseError extends Error {
  // The name, kept in minified builds, not enumerable. A getter, not a static block: a bundler
  // keeps a static block as a side effect, and with it this class in bundles that never parse
  // through createParser (the EventSource alone).
  static get name() {
    return 'ParseError';
  }
  constructor(message, options) {
    super(message);
    this.name = 'ParseError';
    this.type = options.type;
    this.field = options.field;
    this.value = options.value;
    this.line = options.line;
  }
}

const CALLBACKS = ['onEvent', 'onId', 'onRetry', 'onComment', 'onError'];

// A field line as eventsource-parser splits it: the name before the first colon (the whole line
// without one), and the value after it, less one leading space.
function splitField(line) {
  const colon = line.indexOf(':');
  if (colon === -1) return { field: line, value: '' };
  return { field: line.slice(0, colon), value: line.slice(colon + (line.charCodeAt(colon + 1) === 0x20 ? 2 : 1)) };
}

function ignoredFieldError(kind, line) {
  const { field, value } = splitField(line);
  if (kind === INVALID_RETRY) {
    return new ParseError(`Invalid \`retry\` value: "${value}"`, { type: 'invalid-retry', value, line });
  }
  const shown = field.length > 20 ? `${field.slice(0, 20)}…` : field;
  return new ParseError(`Unknown field "${shown}"`, { type: 'unknown-field', field, value, line });
}

// eventsource-parser buffers an unterminated line only while it may still become a field it
// knows (a prefix of `data`, `event`, `id` or `retry`, or one of them and a colon); any other is
// dropped unbuffered, so the end of the stream (reset({ consume: true })) never reports it.
const KNOWN_FIELDS = ['data', 'event', 'id', 'retry'];
function mayBecomeField(line) {
  const colon = line.indexOf(':');
  const name = colon === -1 ? line : line.slice(0, colon);
  return KNOWN_FIELDS.some((field) => (colon === -1 ? field.startsWith(name) : field === name));
}

// The records of reset({ consume: true }) without the unknown-field or ignored-retry report of
// a line that eventsource-parser would have dropped unbuffered.
function withoutDroppedLine(batch) {
  const dropped = (r) => {
    const kind = kindAt(batch, r) & 0xff;
    return (kind === UNKNOWN_FIELD || kind === INVALID_RETRY) && !mayBecomeField(textAt(batch, r));
  };
  let any = false;
  for (let r = 0; r < batch.length && !any; r += RECORD_WORDS) any = dropped(r);
  if (!any) return batch;
  const kept = [];
  for (let r = 0; r < batch.length; r += RECORD_WORDS) {
    if (!dropped(r)) kept.push(kindAt(batch, r), batch.words[batch.base + r + 1], batch.words[batch.base + r + 2]);
  }
  releaseBatch(batch);
  return copiedBatch(batch, kept);
}

/** Checks createParser's config the way eventsource-parser's users meet it; returns the limit. */
function checkConfig(config) {
  if (typeof config === 'function') {
    // (eventsource-parser's words, which users may match.)
    throw new TypeError('`config` must be an object, got a function instead. Did you mean `createParser({onEvent: fn})`?');
  }
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`createParser() takes an object of callbacks, got ${describeValue(config)}`);
  }
  for (const name of CALLBACKS) {
    const callback = config[name];
    if (callback !== undefined && typeof callback !== 'function') {
      throw new TypeError(`createParser(): \`${name}\` must be a function, got ${describeValue(callback)}`);
    }
  }
  const { maxBufferSize } = config;
  if (maxBufferSize === undefined) return DEFAULT_MAX_BUFFER_SIZE;
  if (typeof maxBufferSize !== 'number' || Number.isNaN(maxBufferSize)) {
    throw new TypeError(`createParser(): \`maxBufferSize\` must be a number, got ${describeValue(maxBufferSize)}`);
  }
  if (maxBufferSize < 0) throw new RangeError(`createParser(): \`maxBufferSize\` must not be negative, got ${maxBufferSize}`);
  return Math.min(Math.floor(maxBufferSize), MAX_LIMIT); // Infinity: as much as the module holds
}

// Whether a non-empty chunk leaves the stream inside a line (it does not end in CR or LF).
function endsInsideLine(chunk) {
  const last = typeof chunk === 'string' ? chunk.charCodeAt(chunk.length - 1) : chunk[chunk.length - 1];
  return last !== 0x0a && last !== 0x0d;
}

// eventsource-parser strips one leading BOM from text whether it was decoded (U+FEFF) or read
// as Latin-1 (its three UTF-8 bytes as three characters). The module strips the UTF-8 one.
const LATIN1_BOM = '\xEF\xBB\xBF';

/**
 * eventsource-parser 4's createParser. `options.reportIgnored` (internal): report unknown
 * fields and ignored retries to onError (EventSourceParserStream asks only when its user does).
 */
export function createParser(config, { reportIgnored } = {}) {
  const limit = checkConfig(config);
  const { onEvent, onId, onRetry, onComment, onError } = config;
  const session = new Session({
    limit,
    comments: typeof onComment === 'function',
    ignoredFields: reportIgnored ?? typeof onError === 'function',
    ignoreEmptyRetry: true, // eventsource-parser reports `retry:` with no value as invalid-retry
  });
  let terminated = false;
  let idBuffer = ''; // the last-event-ID buffer, as the records so far have set it
  let type; // the event type of the typed events, as the TYPE records so far have set it
  let bomText = ''; // text held back while it may still be the start of a Latin-1 BOM
  let bomChecked = false;
  let lineOpen = false; // the stream fed since the last reset ends inside a line
  let delivering = false;
  const queued = []; // batches parsed by feed() calls from inside a callback

  // Every record of the batch, in order. A batch that a callback's own feed() produced waits
  // for the current one, so callbacks see the stream in order; if a callback throws, the rest
  // of the batch still moves the ID buffer and the type (nothing else is delivered), batches
  // queued behind it are dropped, and the error goes on.
  function deliver(batch) {
    if (batch.length === 0) return; // (most small reads end no line: nothing to deliver)
    if (delivering) {
      queued.push(batch);
      return;
    }
    delivering = true;
    try {
      for (let next = batch; next !== undefined; next = queued.shift()) {
        deliverOne(next);
        releaseBatch(next);
      }
    } finally {
      delivering = false;
      releaseBatch(batch);
      // (Batches a throwing callback left undelivered: the TYPE records in them are lost. The
      // length setter is slow: 6% of the time at 16-byte chunks, when it ran for every chunk.)
      if (queued.length !== 0) {
        for (const left of queued) releaseBatch(left);
        queued.length = 0;
        session.forgetType();
      }
    }
  }

  function deliverOne(batch) {
    let r = 0;
    try {
      for (; r < batch.length; r += RECORD_WORDS) {
        // The hot path, one pass per event: the record's words read once, here, rather than
        // through session.js's accessors (kindAt, eventTypeSetAt, textAt), whose calls, shared
        // with every other reader of batches, cost tiny events 4-10 %. (`words` may be replaced
        // by a callback's feed(): read it again for each record.)
        const { words } = batch;
        const at = batch.base + r;
        const word = words[at];
        const kind = word & 0xff;
        if (kind === EVENT) {
          const start = words[at + 1];
          const data = batch.pieces[word >>> PIECE_SHIFT].slice(start, start + words[at + 2]);
          onEvent?.({ id: (word & ID_SET) !== 0 ? idBuffer : undefined, event: (word & TYPE_SET) !== 0 ? type : undefined, data });
        } else if (kind === TYPE) {
          type = textAt(batch, r);
        } else if (kind === ID_BUFFER) {
          idBuffer = textAt(batch, r);
        } else if (kind === ID) {
          onId?.(idBuffer);
        } else if (kind === RETRY) {
          onRetry?.(retryAt(batch, r));
        } else if (kind === COMMENT) {
          onComment?.(textAt(batch, r));
        } else if (kind === UNKNOWN_FIELD || kind === INVALID_RETRY) {
          onError?.(ignoredFieldError(kind, textAt(batch, r)));
        } else if (kind === ERROR) {
          terminated = true;
          onError?.(
            new ParseError(`Buffered data exceeded max buffer size of ${limit} bytes`, {
              type: 'max-buffer-size-exceeded',
            }),
          );
        }
      }
    } catch (error) {
      for (r += RECORD_WORDS; r < batch.length; r += RECORD_WORDS) {
        const kind = kindAt(batch, r) & 0xff;
        if (kind === ID_BUFFER) idBuffer = textAt(batch, r);
        else if (kind === TYPE) type = textAt(batch, r);
        else if (kind === ERROR) terminated = true;
      }
      throw error;
    }
  }

  // Text before the module sees it: a leading Latin-1 BOM becomes U+FEFF, which it strips.
  function withBomChecked(text) {
    if (bomChecked) return text;
    text = bomText + text;
    bomText = '';
    if (text.length < LATIN1_BOM.length && LATIN1_BOM.startsWith(text)) {
      bomText = text; // '', '\xEF' or '\xEF\xBB': the next chunk decides
      return '';
    }
    bomChecked = true;
    return text.startsWith(LATIN1_BOM) ? `\uFEFF${text.slice(LATIN1_BOM.length)}` : text;
  }

  const parser = {
    feed(chunk) {
      if (terminated) {
        throw new Error(
          'Cannot feed parser: it was terminated after exceeding the configured max buffer size. Call `reset()` to resume parsing.',
        );
      }
      if (typeof chunk === 'string') {
        const text = withBomChecked(chunk);
        if (text === '') return;
        const batch = session.feed(text);
        lineOpen = endsInsideLine(text); // (before the callbacks, which may feed more)
        deliver(batch);
        return;
      }
      const bytes = requireBytes(chunk); // a TypeError for anything else, before any parsing
      bomChecked = true;
      if (bomText !== '') {
        const held = bomText; // text held back for the BOM check: it came first
        bomText = '';
        lineOpen = true;
        deliver(session.feed(held));
      }
      if (bytes.length === 0) return;
      const batch = session.feedBytes(bytes);
      lineOpen = endsInsideLine(bytes);
      deliver(batch);
    },
    reset(options) {
      // (Past the limit eventsource-parser has dropped the line already: nothing to consume.)
      const consume = Boolean(options?.consume) && !terminated;
      if (consume && bomText !== '') {
        lineOpen = true;
        deliver(session.feed(bomText));
      }
      // Only an unterminated line is consumed: a line end after a complete one would be a blank
      // line, dispatching the pending event, which eventsource-parser drops like any reset.
      const consumeLine = consume && lineOpen;
      terminated = false;
      bomText = '';
      bomChecked = false;
      lineOpen = false;
      const batch = session.reset(consumeLine);
      deliver(consumeLine ? withoutDroppedLine(batch) : batch);
    },
    /** The last-event-ID buffer: moves at every `id` line, also inside the callbacks. */
    get lastEventId() {
      return idBuffer;
    },
    dispose() {
      session.dispose();
    },
  };
  // `using parser = createParser(…)` disposes it at the end of the block.
  if (typeof Symbol.dispose === 'symbol') parser[Symbol.dispose] = parser.dispose;
  return parser;
}
