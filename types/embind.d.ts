// Types for wasm-eventsource/embind: the C++ API of native/include/sse/parser.hpp through Embind.
// Names follow JavaScript (onEvent for on_event, maxBufferedBytes for max_buffered_bytes); the
// objects are Embind's: delete() frees one (the parser before its sink).

/** An Embind enum value: compare with ===. */
export interface EnumValue<Name extends string> {
  readonly value: number;
  readonly constructor: { readonly name: Name };
}

export interface SseEvent {
  /** The event type: "message" unless the block had an `event` field. */
  type: string;
  data: string;
  /** The last event ID string at dispatch. */
  lastEventId: string;
  /** The block had a non-empty `event` field. */
  typeSet: boolean;
  /** The block had an accepted `id` field. */
  idSet: boolean;
}

export interface IgnoredField {
  reason: SseModule['IgnoredFieldReason'][keyof SseModule['IgnoredFieldReason']];
  /** The field name (the whole line when it has no colon). */
  name: string;
  value: string;
  line: string;
}

/** What a sink implements: onEvent is required, the rest optional (as in C++). */
export interface EventSinkMethods {
  onEvent(event: SseEvent): void;
  onRetry?(milliseconds: number): void;
  /** A block holding an accepted `id` ended: the new last event ID string. */
  onId?(id: string): void;
  /** The last-event-ID buffer changed. */
  onIdBuffer?(buffer: string): void;
  onComment?(comment: string): void;
  onIgnoredField?(field: IgnoredField): void;
  onError?(error: SseModule['ParseError'][keyof SseModule['ParseError']], message: string): void;
}

export interface EventSink {
  delete(): void;
}

export interface ParserOptions {
  maxBufferedBytes?: number;
  onLimit?: SseModule['LimitAction'][keyof SseModule['LimitAction']] | 'stop' | 'skip_event';
  defaultReconnectionTimeMs?: number;
  emptyRetry?: SseModule['EmptyRetry'][keyof SseModule['EmptyRetry']] | 'reset_to_default' | 'ignore';
  /** Whether the sink hears comments (else they are skipped unbuffered). Default true. */
  reportComments?: boolean;
  /** Whether the sink hears ignored fields. Default true. */
  reportIgnoredFields?: boolean;
}

export interface Parser {
  /** Parses the next bytes (any BufferSource) or text (its UTF-8). */
  feed(chunk: string | ArrayBuffer | ArrayBufferView): void;
  reset(): void;
  lastEventId(): string;
  lastEventIdBuffer(): string;
  reconnectionTime(): number;
  error(): SseModule['ParseError'][keyof SseModule['ParseError']];
  setLastEventId(id: string): void;
  delete(): void;
}

export interface SseModule {
  EventSink: { implement(methods: EventSinkMethods): EventSink };
  Parser: new (sink: EventSink, options?: ParserOptions) => Parser;
  ParseError: { none: EnumValue<'ParseError'>; buffer_limit: EnumValue<'ParseError'> };
  LimitAction: { stop: EnumValue<'LimitAction'>; skip_event: EnumValue<'LimitAction'> };
  EmptyRetry: { reset_to_default: EnumValue<'EmptyRetry'>; ignore: EnumValue<'EmptyRetry'> };
  IgnoredFieldReason: {
    unknown_name: EnumValue<'IgnoredFieldReason'>;
    invalid_retry: EnumValue<'IgnoredFieldReason'>;
    id_with_nul: EnumValue<'IgnoredFieldReason'>;
  };
  kDefaultMaxBufferedBytes: number;
  kDefaultReconnectionTimeMs: number;
}

/** Instantiates the module and returns its bindings. */
export default function initSse(): Promise<SseModule>;
