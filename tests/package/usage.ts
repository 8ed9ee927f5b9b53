// Compiled by `tsc --noEmit` in npm test: index.d.ts must accept what lib.dom's EventSource
// accepts, plus the extensions, and reject what it should.
import WasmEventSourceDefault, { EventSource, WasmEventSource, createParser, type EventSourceErrorEvent } from 'wasm-eventsource';

const source: globalThis.EventSource = new EventSource('/events', { withCredentials: true });
const extended = new WasmEventSource(new URL('https://example.com/events'), {
  headers: async () => ({ Authorization: 'Bearer x' }),
  method: 'POST',
  body: '{}',
  fetch: globalThis.fetch,
  signal: new AbortController().signal,
  lastEventId: '42',
  heartbeatTimeout: 45_000,
  reconnect: { maxAttempts: 10, factor: 2, maxDelay: 30_000, jitter: 0.5 },
  maxEventBytes: 1 << 20,
});
const same: typeof WasmEventSource = WasmEventSourceDefault;
const states: [0, 1, 2] = [EventSource.CONNECTING, extended.OPEN, WasmEventSource.CLOSED];

source.onmessage = (event: MessageEvent) => event.data.length + event.lastEventId.length + event.origin.length;
source.addEventListener('ping', (event) => event.data);
extended.onerror = (event) => {
  const diagnostics = event as EventSourceErrorEvent;
  return [diagnostics.reason, diagnostics.status, diagnostics.contentType];
};
extended.close();

const parser = createParser({
  onEvent: ({ event, data, id }) => [event?.length, data.length, id?.length],
  onRetry: (retry: number) => retry,
  onComment: (comment: string) => comment,
  onError: (error) => error.type === 'max-buffer-size-exceeded',
  maxBufferSize: 1024,
});
parser.feed('data: x\n\n');
parser.feed(new Uint8Array([10]));
parser.reset({ consume: true });
const id: string = parser.lastEventId;

// @ts-expect-error: the URL is required
new EventSource();
// @ts-expect-error: heartbeatTimeout is a number of ms
new WasmEventSource('/x', { heartbeatTimeout: 'soon' });
// @ts-expect-error: readyState is read-only
extended.readyState = 1;

export { same, states, id };
