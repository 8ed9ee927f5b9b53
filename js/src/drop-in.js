// The classic-script build (dist/wasm-eventsource.js): defines WasmEventSource (with
// createParser, ParseError and EventSourceParserStream on it) and installs it as EventSource
// only where there is none.
import { WasmEventSource } from './event-source.js';
import { createParser, ParseError } from './parser.js';
import { EventSourceParserStream } from './stream.js';

Object.assign(WasmEventSource, { createParser, ParseError, EventSourceParserStream });
globalThis.WasmEventSource = WasmEventSource;
if (typeof globalThis.EventSource === 'undefined') globalThis.EventSource = WasmEventSource;
