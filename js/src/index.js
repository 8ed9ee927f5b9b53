// The npm package: the EventSource polyfill, the eventsource-parser compatible createParser and
// EventSourceParserStream, built into one file; nothing of them runs at load, so a bundle
// importing only the parser carries no EventSource.
export { WasmEventSource, WasmEventSource as EventSource, WasmEventSource as default } from './event-source.js';
export { createParser, ParseError } from './parser.js';
export { EventSourceParserStream } from './stream.js';
