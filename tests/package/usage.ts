// Compiled by tests/package/package.test.mjs against the packed package, under every
// moduleResolution setting, with lib.dom and with @types/node instead. The types must accept
// what the standard's EventSource accepts plus the extensions, reject what they should, and sit
// beside the platform's own EventSource type without conflict.
import WasmEventSourceDefault, {
  EventSource,
  EventSourceParserStream,
  ParseError,
  WasmEventSource,
  createParser,
  type EventSourceErrorEvent,
  type EventSourceMessage,
} from 'wasm-eventsource';
import { EventSourceParserStream as StreamFromSubpath, ParseError as StreamParseError } from 'wasm-eventsource/stream';
import { EventSource as Wasm2jsEventSource, createParser as createWasm2jsParser } from 'wasm-eventsource/wasm2js';
import { EventSourceParserStream as Wasm2jsStream } from 'wasm-eventsource/wasm2js/stream';
import { EventSource as SharingEventSource, WasmEventSource as SharingWasmEventSource } from 'wasm-eventsource/shared';

// Assignable to the platform's EventSource type (lib.dom's or Node's).
const source: globalThis.EventSource = new EventSource('/events', { withCredentials: true });
const extended = new WasmEventSource(new URL('https://example.com/events'), {
  headers: async () => ({ Authorization: 'Bearer x' }),
  method: 'POST',
  body: '{}',
  fetch: (url, init) => globalThis.fetch(url, init),
  signal: new AbortController().signal,
  lastEventId: '42',
  heartbeatTimeout: 45_000,
  reconnect: { maxAttempts: 10, factor: 2, maxDelay: 30_000, jitter: 0.5 },
  maxEventBytes: 1 << 20,
  maxBufferSize: 1 << 22,
  oversizedEvents: 'reconnect',
});
const same: typeof WasmEventSource = WasmEventSourceDefault;
const states: [0, 1, 2] = [EventSource.CONNECTING, extended.OPEN, WasmEventSource.CLOSED];

source.onmessage = (event: MessageEvent) => String(event.data).length + event.lastEventId.length + event.origin.length;
extended.addEventListener('ping', (event) => event.data.length);
extended.onmessage = (event) => event.data.length;
extended.onerror = (event) => [event.reason, event.status, event.code, event.message, event.contentType];
extended.addEventListener('error', (event: EventSourceErrorEvent) => event.reconnectDelay);
extended.close();
extended.reset();
const resumeFrom: [string, number] = [extended.lastEventId, extended.reconnectionTime];
const piped = EventSource.fromReadableStream(new ReadableStream<Uint8Array>());
piped[Symbol.dispose]();

const parser = createParser({
  onEvent: ({ event, data, id }: EventSourceMessage) => [event?.length, data.length, id?.length],
  onRetry: (retry: number) => retry,
  onComment: (comment: string) => comment,
  onError: (error) => error.type === 'max-buffer-size-exceeded' || error.field === 'x' || error.line === 'y',
  maxBufferSize: 1024,
});
parser.feed('data: x\n\n');
parser.feed(new Uint8Array([10]));
parser.feed(new ArrayBuffer(1));
parser.feed(new DataView(new ArrayBuffer(1)));
parser.reset({ consume: true });
const id: string = parser.lastEventId;
parser.dispose();
parser[Symbol.dispose]();

const stream = new EventSourceParserStream({ onError: 'terminate', onRetry: (ms) => ms, onComment: (c) => c });
const writer: WritableStream<string | Uint8Array> = stream.writable;
const events: ReadableStream<EventSourceMessage> = new StreamFromSubpath().readable;
const errorTypes: boolean = new ParseError('m', { type: 'unknown-field' }) instanceof StreamParseError;

// Sharing, pausing while hidden, async iteration.
const sharing: typeof WasmEventSource = SharingEventSource;
const shared = new SharingWasmEventSource('/events', { shared: true, pauseWhenHidden: true, headers: { 'X-A': '1' } });
async function iterate() {
  for await (const event of shared) event.data.length;
  for await (const event of shared.events({ signal: AbortSignal.timeout(1000), bufferSize: 10, overflow: 'drop-oldest' })) event.lastEventId.length;
  for await (const event of shared.events({ types: ['message', 'ping'] })) event.data.length;
  for await (const event of shared.events({ types: ['message', 'error'] })) {
    if (event.type === 'error') (event as EventSourceErrorEvent).reason;
  }
  const next: IteratorResult<MessageEvent> = await shared.events().next();
  return next;
}
// @ts-expect-error: overflow is 'error' or 'drop-oldest'
shared.events({ overflow: 'drop' });
// @ts-expect-error: shared is a boolean
new WasmEventSource('/x', { shared: 'yes' });

// @ts-expect-error: the URL is required
new EventSource();
// @ts-expect-error: heartbeatTimeout is a number of ms
new WasmEventSource('/x', { heartbeatTimeout: 'soon' });
// @ts-expect-error: readyState is read-only
extended.readyState = 1;
// @ts-expect-error: feed takes text or bytes
parser.feed(42);

// The build without WebAssembly has the same API.
const wasm2jsParser: ReturnType<typeof createParser> = createWasm2jsParser({ onEvent: (event) => event.data });
const wasm2jsSource: globalThis.EventSource = new Wasm2jsEventSource('/events');
const wasm2jsStream: EventSourceParserStream = new Wasm2jsStream();

export { same, states, id, writer, events, errorTypes, resumeFrom, wasm2jsParser, wasm2jsSource, wasm2jsStream, sharing, iterate };
