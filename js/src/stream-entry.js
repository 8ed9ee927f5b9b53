// `wasm-eventsource/stream`, as `eventsource-parser/stream`: the stream and its ParseError.
export { EventSourceParserStream } from './stream.js';
export { ParseError } from './parser.js';
