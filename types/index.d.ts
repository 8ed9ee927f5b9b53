// Types for wasm-eventsource: an EventSource with the standard's API (as lib.dom and Node's
// @types/node declare it) plus opt-in extensions, and eventsource-parser 4's createParser and
// EventSourceParserStream. They use only what lib.dom and @types/node both declare (Event,
// EventTarget, MessageEvent, AbortSignal, RequestInit, TransformStream), so they compile with
// either, and they declare no global: Node's own EventSource type is left alone. (Symbol.dispose
// comes from TypeScript's own lib, as @types/node takes it.)
/// <reference lib="esnext.disposable" />
/// <reference lib="es2018.asynciterable" />

// ---- createParser (eventsource-parser 4) ----

export interface EventSourceMessage {
  /** The event type, or undefined when the block had no `event` field. */
  event?: string | undefined;
  /** The `id` field of this block, or undefined when it had none. */
  id?: string | undefined;
  data: string;
}

export type ErrorType = 'invalid-retry' | 'unknown-field' | 'max-buffer-size-exceeded';

export declare class ParseError extends Error {
  constructor(message: string, options: { type: ErrorType; field?: string; value?: string; line?: string });
  type: ErrorType;
  /** unknown-field: the field name. */
  field?: string | undefined;
  /** unknown-field and invalid-retry: the field value. */
  value?: string | undefined;
  /** unknown-field and invalid-retry: the whole line. */
  line?: string | undefined;
}

export interface ParserCallbacks {
  onEvent?: ((event: EventSourceMessage) => void) | undefined;
  /** Called when a blank line ends a block holding an `id` field, before onEvent. */
  onId?: ((id: string) => void) | undefined;
  onRetry?: ((retry: number) => void) | undefined;
  onComment?: ((comment: string) => void) | undefined;
  onError?: ((error: ParseError) => void) | undefined;
}

export interface ParserConfig extends ParserCallbacks {
  /** Bytes a line plus a pending event may buffer (default 16 MiB). */
  maxBufferSize?: number | undefined;
}

/** A BufferSource: the bytes of the stream in any form fetch() and Node hand them over. */
export type StreamBytes = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

export interface EventSourceParser {
  /** Parses the next chunk: text, or bytes (decoded as UTF-8). Anything else is a TypeError. */
  feed(chunk: string | StreamBytes): void;
  /** Ends the stream: the unterminated line and event are dropped (or, with consume, the
   *  unterminated line is parsed as if a line end followed). */
  reset(options?: { consume?: boolean | undefined }): void;
  /** The last-event-ID buffer: changes at every `id` line, also inside the callbacks. */
  readonly lastEventId: string;
  /** Frees the WebAssembly memory now rather than at garbage collection. */
  dispose(): void;
  /** The same as dispose(): `using parser = createParser(…)`. */
  [Symbol.dispose](): void;
}

export declare function createParser(config: ParserConfig): EventSourceParser;

// ---- EventSourceParserStream (eventsource-parser/stream) ----

export interface StreamOptions {
  /** 'terminate' errors the stream on any parse error; a function hears them; by default only
   *  max-buffer-size-exceeded (which always ends the stream) matters. */
  onError?: 'terminate' | ((error: Error) => void) | undefined;
  onRetry?: ((retry: number) => void) | undefined;
  onComment?: ((comment: string) => void) | undefined;
  onId?: ((id: string) => void) | undefined;
  maxBufferSize?: number | undefined;
}

/** Text or bytes in, one EventSourceMessage out per event. */
export declare class EventSourceParserStream extends TransformStream<string | StreamBytes, EventSourceMessage> {
  constructor(options?: StreamOptions);
}

// ---- EventSource ----

/** A reconnect policy also makes HTTP 5xx and 429 answers transient: the source reconnects
 *  (waiting at least as long as Retry-After asks) instead of failing, as it does without one. */
export interface ReconnectPolicy {
  /** Reconnection attempts after a failure before giving up (CLOSED). Default: unlimited. */
  maxAttempts?: number | undefined;
  /** Delay growth per consecutive failure (default 2); the base is the reconnection time. */
  factor?: number | undefined;
  /** Upper bound of the delay in ms (default 30000). */
  maxDelay?: number | undefined;
  /** Random spread, 0..1 (default 0.5): the delay is scaled by 1 - jitter * random(). */
  jitter?: number | undefined;
}

export type HeadersRecord = Record<string, string>;

export interface WasmEventSourceInit {
  /** The standard's one option: send credentials cross-origin. */
  withCredentials?: boolean | undefined;
  /** Extra request headers, or a (possibly async) function called before every connection. */
  headers?: HeadersRecord | (() => HeadersRecord | Promise<HeadersRecord>) | undefined;
  method?: string | undefined;
  body?: RequestInit['body'] | undefined;
  /** Your own fetch(); the source passes (url, init), the url a URL object as eventsource 5
   *  passes it, and reads status, headers, redirected, url and body. */
  fetch?: ((url: string | URL, init: RequestInit) => Promise<Response>) | undefined;
  /** Closes the source when aborted. */
  signal?: AbortSignal | null | undefined;
  /** The initial last event ID (sent as Last-Event-ID on the first request). */
  lastEventId?: string | undefined;
  /** Reconnect when no bytes arrive for this many ms. */
  heartbeatTimeout?: number | undefined;
  reconnect?: ReconnectPolicy | boolean | undefined;
  /** Limit of a line plus a pending event, in bytes (default 16 MiB). */
  maxEventBytes?: number | undefined;
  /** Over maxEventBytes: 'skip' (default) drops that event, dispatches an `error` with reason
   *  'buffer-limit' and stays OPEN; 'reconnect' re-establishes the connection. */
  oversizedEvents?: 'skip' | 'reconnect' | undefined;
  /** eventsource 5's option: past this many buffered bytes the connection fails (CLOSED). */
  maxBufferSize?: number | undefined;
  /**
   * One connection for every source of this URL and these options in the browser profile and
   * origin, whatever the number of tabs, frames and workers (Web Locks and a BroadcastChannel;
   * where either is missing, a connection of its own). With the npm package, `import
   * 'wasm-eventsource/shared'` first (the drop-in has it); else a TypeError. `fetch`, a
   * `headers` function and a body other than a string or URLSearchParams are a TypeError with it.
   */
  shared?: boolean | undefined;
  /**
   * Closes the connection while the page is hidden (no error event; CONNECTING) and reopens it
   * with Last-Event-ID when it is visible again. With `shared`, a hidden page leaves the
   * connection to the visible ones. No effect where there is no document (workers, Node).
   */
  pauseWhenHidden?: boolean | undefined;
}

/** source.events(options): which events the iterator yields and how many it keeps waiting. */
export interface EventsOptions<K extends string = string> {
  /** Ends the iteration: the loop throws the signal's reason, and the source is closed. */
  signal?: AbortSignal | undefined;
  /** The event types to yield (default 'message'), e.g. ['message', 'ping', 'error']. */
  types?: K | readonly K[] | undefined;
  /** The most events that wait for the loop (default 1000). */
  bufferSize?: number | undefined;
  /** One more: 'error' (default) closes the source and the loop throws a RangeError after the
   *  waiting events; 'drop-oldest' drops the oldest waiting event. */
  overflow?: 'error' | 'drop-oldest' | undefined;
}

export type EventSourceErrorReason =
  | 'network' | 'end-of-stream' | 'http-status' | 'mime-type' | 'scheme' | 'aborted'
  | 'heartbeat-timeout' | 'buffer-limit' | 'reconnect-limit' | 'cors' | 'wasm' | 'headers'
  | 'invalid-response' | 'invalid-chunk' | 'stream-error';

/** The `error` event: a plain Event with diagnostics when the polyfill knows them. */
export interface EventSourceErrorEvent extends Event {
  readonly reason?: EventSourceErrorReason | undefined;
  /** The HTTP status of the response, where there was one. */
  readonly status?: number | undefined;
  /** eventsource 5's: the HTTP status of the response that failed the connection (http-status,
   *  mime-type, a body that is no stream), else undefined. Every error event has the key. */
  readonly code?: number | undefined;
  /** What happened, for people: eventsource 5's words where it has them. */
  readonly message?: string | undefined;
  readonly contentType?: string | null | undefined;
  /** reason 'buffer-limit': the limit in force. */
  readonly limit?: number | undefined;
  readonly error?: unknown;
  /** When the connection is being re-established: the wait before the next request, in ms. */
  readonly reconnectDelay?: number | undefined;
}

/** A stream event: the data, the origin of the stream and the last event ID. */
export interface EventSourceMessageEvent extends MessageEvent {
  readonly data: string;
}

export interface WasmEventSourceEventMap {
  open: Event;
  message: EventSourceMessageEvent;
  error: EventSourceErrorEvent;
}

export declare class WasmEventSource extends EventTarget {
  constructor(url: string | URL, init?: WasmEventSourceInit);
  /**
   * whatwg/html PR #12272: a source that parses `stream` instead of fetching (url
   * about:event-stream, origin "null", no reconnection): `open` after this returns, then its
   * events; the end or failure of the stream fails it (CLOSED, then `error`). Locks the stream;
   * close() cancels it. A locked stream, or anything but a stream, is a TypeError.
   */
  static fromReadableStream(stream: ReadableStream<StreamBytes>): WasmEventSource;
  /** Bytes of the WebAssembly memory shared by every parser (0 before the first one). */
  static readonly wasmMemoryBytes: number;
  readonly url: string;
  readonly withCredentials: boolean;
  readonly readyState: 0 | 1 | 2;
  /** PR #12272: the last event ID string, what a reconnection sends as Last-Event-ID. */
  readonly lastEventId: string;
  /** PR #12272: the reconnection time in ms. */
  readonly reconnectionTime: number;
  /** PR #12272: drops the buffered partial event, so that a fresh stream can be piped in. */
  reset(): void;
  /** The same as close(): `using source = new EventSource(url)`. */
  [Symbol.dispose](): void;
  /**
   * The events of `types` (default 'message') from now on, until the source is CLOSED; leaving
   * the loop early (break, return, throw, the signal) closes the source.
   */
  events(options?: EventsOptions<'message'>): AsyncIterableIterator<EventSourceMessageEvent>;
  events<K extends string>(
    options: EventsOptions<K>,
  ): AsyncIterableIterator<K extends keyof WasmEventSourceEventMap ? WasmEventSourceEventMap[K] : EventSourceMessageEvent>;
  /** `for await (const event of source)`: source.events(). */
  [Symbol.asyncIterator](): AsyncIterableIterator<EventSourceMessageEvent>;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  onopen: ((this: unknown, ev: Event) => any) | null;
  onmessage: ((this: unknown, ev: EventSourceMessageEvent) => any) | null;
  onerror: ((this: unknown, ev: EventSourceErrorEvent) => any) | null;
  close(): void;
  addEventListener<K extends keyof WasmEventSourceEventMap>(
    type: K, listener: (this: WasmEventSource, ev: WasmEventSourceEventMap[K]) => any,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(
    type: string, listener: (this: WasmEventSource, event: EventSourceMessageEvent) => any,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(
    type: string, listener: EventListener | EventListenerObject | null,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof WasmEventSourceEventMap>(
    type: K, listener: (this: WasmEventSource, ev: WasmEventSourceEventMap[K]) => any,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(
    type: string, listener: (this: WasmEventSource, event: EventSourceMessageEvent) => any,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(
    type: string, listener: EventListener | EventListenerObject | null,
    options?: boolean | EventListenerOptions): void;
}

export { WasmEventSource as EventSource };
export default WasmEventSource;
