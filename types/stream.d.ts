// Types for wasm-eventsource/stream, as eventsource-parser/stream.
export { EventSourceParserStream, ParseError } from './index.js';
export type { ErrorType, EventSourceMessage, StreamOptions } from './index.js';
