// createParser: eventsource-parser 4's API (callbacks and shapes), backed by the WebAssembly
// parser.
import { COMMENT, ERROR, EVENT, ID, ID_SET, RECORD_WORDS, RETRY, Session, TYPE_SET } from './session.js';

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

  function deliver({ records, text }) {
    for (let i = 0; i < records.length; i += RECORD_WORDS) {
      const kind = records[i] & 0xff;
      if (kind === EVENT) {
        let at = records[i + 1];
        const event = records[i] & TYPE_SET ? text.slice(at, (at += records[i + 2])) : undefined;
        const data = text.slice(at, (at += records[i + 3]));
        const id = records[i] & ID_SET ? text.slice(at, at + records[i + 4]) : undefined;
        onEvent?.({ id, event, data });
      } else if (kind === ID) {
        onId?.(text.slice(records[i + 1], records[i + 1] + records[i + 2]));
      } else if (kind === RETRY) {
        onRetry?.(records[i + 2] * 2 ** 32 + records[i + 1]);
      } else if (kind === COMMENT) {
        onComment?.(text.slice(records[i + 1], records[i + 1] + records[i + 2]));
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
