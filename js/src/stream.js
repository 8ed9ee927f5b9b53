// EventSourceParserStream: eventsource-parser/stream's TransformStream, from text or bytes to
// event objects, on the WebAssembly parser. Bytes need no TextDecoderStream in front: the module
// decodes them itself, which saves a pass.
import { describeValue } from './bytes.js';
import { createParser } from './parser.js';

// The platform's TransformStream is looked up when the first stream is made, not when this
// module loads: in Node the first touch of the global loads the whole web streams
// implementation (7 ms of a cold start, on a quiet machine), which an importer of createParser
// alone never needs. Each instance is a TransformStream made with this class's prototype, which
// inherits from TransformStream's from then on.
let TransformStreamClass = null;
function transformStreamClass() {
  if (TransformStreamClass === null) {
    if (typeof TransformStream !== 'function') {
      throw new TypeError('EventSourceParserStream needs TransformStream, which this platform lacks');
    }
    TransformStreamClass = TransformStream;
    Object.setPrototypeOf(EventSourceParserStream.prototype, TransformStreamClass.prototype);
    Object.setPrototypeOf(EventSourceParserStream, TransformStreamClass);
  }
  return TransformStreamClass;
}

export class EventSourceParserStream {
  // The name, kept in minified builds, not enumerable (as a class's own). A getter, not a
  // static block: a bundler keeps a static block as a side effect, and with it this class in
  // the bundles of createParser alone, which share its chunk.
  static get name() {
    return 'EventSourceParserStream';
  }

  // onError: 'terminate', a function, or (as in eventsource-parser) anything else to ignore errors.
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`new EventSourceParserStream(options): options must be an object, got ${describeValue(options)}`);
    }
    const { onError, onRetry, onComment, onId, maxBufferSize } = options;
    let parser;
    let errored = false;
    // The parser's session lives in WebAssembly memory: freed however the stream ends (its end,
    // a consumer that cancels — `for await … break` —, an aborted source, an error), not left to
    // the garbage collector.
    const release = () => parser?.dispose();
    const transformer = {
      start(controller) {
        parser = createParser(
          {
            onEvent(event) {
              if (!errored) controller.enqueue(event);
            },
            onError(error) {
              if (typeof onError === 'function') onError(error);
              // Past the limit the parser is terminated and the stream cannot reset it: the
              // stream fails with the ParseError whatever onError says.
              if (!errored && (onError === 'terminate' || error.type === 'max-buffer-size-exceeded')) {
                errored = true;
                controller.error(error);
              }
            },
            onRetry,
            onComment,
            onId,
            maxBufferSize,
          },
          // Unknown fields and ignored retries only when someone hears them.
          { reportIgnored: onError === 'terminate' || typeof onError === 'function' },
        );
      },
      transform(chunk) {
        if (errored) return;
        try {
          parser.feed(chunk); // (a callback's error, or a chunk that is not text or bytes, errors the stream)
        } catch (error) {
          release();
          throw error;
        }
        if (errored) release();
      },
      // The stream ended: an unterminated event is dropped, as at the end of any stream.
      flush: release,
      // The readable side was cancelled or the writable side aborted.
      cancel: release,
    };
    // The readable side holds up to 16 events before it pushes back (TransformStream's default is
    // 0): the next chunk can be parsed while the reader drains the last one's events, instead of
    // a backpressure round trip per chunk (LLM stream, 64 KiB chunks 17.5 -> 16.1 ms, one event
    // per chunk 113 -> 100 ms). A chunk's events are enqueued whatever the pressure, as before.
    return Reflect.construct(transformStreamClass(), [transformer, undefined, { highWaterMark: 16 }], new.target);
  }
}
