// The classic-script build (dist/wasm-eventsource.js): defines WasmEventSource (with
// createParser and ParseError on it, and `shared: true` installed) and installs it as
// EventSource only where there is none.
// (EventSourceParserStream is the npm package's: the script keeps within its size budget.)
import { WasmEventSource } from './shared-entry.js';
import { createParser, ParseError } from './parser.js';

Object.assign(WasmEventSource, { createParser, ParseError });
globalThis.WasmEventSource = WasmEventSource;
if (typeof globalThis.EventSource === 'undefined') globalThis.EventSource = WasmEventSource;
