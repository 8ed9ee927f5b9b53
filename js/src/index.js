// The npm package: the EventSource polyfill and the eventsource-parser compatible createParser.
import { WasmEventSource } from './event-source.js';

export { WasmEventSource, WasmEventSource as EventSource };
export { createParser, ParseError } from './parser.js';
export default WasmEventSource;
