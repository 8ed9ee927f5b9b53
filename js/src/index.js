// The npm package: the EventSource polyfill, the eventsource-parser compatible createParser and
// EventSourceParserStream. Each lives in a module of its own, so that a bundle importing only
// the parser carries no EventSource.
export { WasmEventSource, WasmEventSource as EventSource, WasmEventSource as default } from './event-source.js';
export { createParser, ParseError } from './parser.js';
export { EventSourceParserStream } from './stream.js';
