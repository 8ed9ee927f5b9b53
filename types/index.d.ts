// Types for wasm-eventsource: the browser's EventSource (as lib.dom declares it) plus the
// opt-in extensions, and an eventsource-parser 4 compatible createParser.

export interface EventSourceMessage {
  /** The event type, or undefined when the block had no `event` field. */
  event?: string | undefined;
  /** The `id` field of this block, or undefined when it had none. */
  id?: string | undefined;
  data: string;
}

export type ParseErrorType = 'max-buffer-size-exceeded';

export class ParseError extends Error {
  type: ParseErrorType;
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

export interface EventSourceParser {
  /** Parses the next chunk: bytes, or text (encoded as UTF-8). */
  feed(chunk: Uint8Array | string): void;
  /** Ends the stream: the unterminated line and event are dropped (or, with consume, the
   *  unterminated line is parsed as if a line end followed). */
  reset(options?: { consume?: boolean }): void;
  /** The last-event-ID buffer: changes at every `id` line. */
  readonly lastEventId: string;
  /** Frees the WebAssembly memory now rather than at garbage collection. */
  dispose(): void;
}

export function createParser(config: ParserConfig): EventSourceParser;

/** A reconnect policy also makes HTTP 5xx and 429 answers transient: the source reconnects
 *  (waiting at least as long as Retry-After asks) instead of failing, as it does without one. */
export interface ReconnectPolicy {
  /** Reconnection attempts after a failure before giving up (CLOSED). Default: unlimited. */
  maxAttempts?: number;
  /** Delay growth per consecutive failure (default 2); the base is the reconnection time. */
  factor?: number;
  /** Upper bound of the delay in ms (default 30000). */
  maxDelay?: number;
  /** Random spread, 0..1 (default 0.5): the delay is scaled by 1 - jitter * random(). */
  jitter?: number;
}

export interface WasmEventSourceInit extends EventSourceInit {
  /** Extra request headers, or a (possibly async) function called before every connection. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  method?: string;
  body?: BodyInit | null;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** The initial last event ID (sent as Last-Event-ID on the first request). */
  lastEventId?: string;
  /** Reconnect when no bytes arrive for this many ms. */
  heartbeatTimeout?: number;
  reconnect?: ReconnectPolicy;
  /** Limit of a line plus a pending event, in bytes (default 16 MiB). */
  maxEventBytes?: number;
  /** Over maxEventBytes: 'skip' (default) drops that event, dispatches an `error` with reason
   *  'buffer-limit' and stays OPEN; 'reconnect' re-establishes the connection. */
  oversizedEvents?: 'skip' | 'reconnect';
}

/** The `error` event: a plain Event with diagnostics when the polyfill knows them. */
export interface EventSourceErrorEvent extends Event {
  readonly reason?:
    | 'network' | 'end-of-stream' | 'http-status' | 'mime-type' | 'scheme' | 'aborted'
    | 'heartbeat-timeout' | 'buffer-limit' | 'reconnect-limit' | 'cors' | 'wasm' | 'headers';
  readonly status?: number;
  readonly contentType?: string | null;
  /** reason 'buffer-limit': the maxEventBytes in force. */
  readonly limit?: number;
  readonly error?: unknown;
  /** When the connection is being re-established: the wait before the next request, in ms. */
  readonly reconnectDelay?: number;
}

export declare class WasmEventSource extends EventTarget implements EventSource {
  constructor(url: string | URL, init?: WasmEventSourceInit);
  /** Bytes of the WebAssembly memory shared by every parser (0 before the first one). */
  static readonly wasmMemoryBytes: number;
  readonly url: string;
  readonly withCredentials: boolean;
  readonly readyState: number;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  onopen: ((this: EventSource, ev: Event) => any) | null;
  onmessage: ((this: EventSource, ev: MessageEvent) => any) | null;
  onerror: ((this: EventSource, ev: Event) => any) | null;
  close(): void;
  addEventListener<K extends keyof EventSourceEventMap>(
    type: K, listener: (this: EventSource, ev: EventSourceEventMap[K]) => any,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(
    type: string, listener: (this: EventSource, event: MessageEvent) => any,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(
    type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof EventSourceEventMap>(
    type: K, listener: (this: EventSource, ev: EventSourceEventMap[K]) => any,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(
    type: string, listener: (this: EventSource, event: MessageEvent) => any,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(
    type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}

export { WasmEventSource as EventSource };
export default WasmEventSource;
