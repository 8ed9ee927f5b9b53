// createParser: eventsource-parser 4's API (callbacks and shapes), backed by the WebAssembly
// parser.
import {
  COMMENT,
  ERROR,
  EVENT,
  ID,
  RECORD_WORDS,
  RETRY,
  Session,
  TYPE,
  eventIdSetAt,
  eventTypeSetAt,
  retryAt,
  textAt,
} from './session.js';

export class ParseError extends Error {
  constructor(message, options) {
    super(message);
    this.name = 'ParseError';
    this.type = options.type;
  }
}

export function createParser(config) {
  if (typeof config === 'function') {
    throw new TypeError('`config` must be an object, got a function: use createParser({ onEvent: fn })');
  }
  const { onEvent, onId, onRetry, onComment, onError, maxBufferSize } = config ?? {};
  const session = new Session(maxBufferSize ?? 0);
  let terminated = false;
  let lastId = ''; // the text of the latest ID record: an event's id when its block set one

  function deliver(batch) {
    const { records } = batch;
    let type;
    for (let i = 0; i < records.length; i += RECORD_WORDS) {
      const kind = records[i] & 0xff;
      if (kind === EVENT) {
        const id = eventIdSetAt(batch, i) ? lastId : undefined;
        onEvent?.({ id, event: eventTypeSetAt(batch, i) ? type : undefined, data: textAt(batch, i) });
      } else if (kind === TYPE) {
        type = textAt(batch, i);
      } else if (kind === ID) {
        lastId = textAt(batch, i);
        onId?.(lastId);
      } else if (kind === RETRY) {
        onRetry?.(retryAt(batch, i));
      } else if (kind === COMMENT) {
        onComment?.(textAt(batch, i));
      } else if (kind === ERROR) {
        terminated = true;
        onError?.(
          new ParseError('Maximum buffer size exceeded: a line plus its pending event is too large', {
            type: 'max-buffer-size-exceeded',
          }),
        );
      }
    }
  }

  return {
    feed(chunk) {
      if (terminated) throw new Error('Parser is terminated (buffer limit exceeded): call reset() first');
      deliver(session.feed(chunk));
    },
    reset(options) {
      terminated = false;
      deliver(session.reset(Boolean(options?.consume)));
    },
    get lastEventId() {
      return session.idBuffer();
    },
    dispose() {
      session.dispose();
    },
  };
}
