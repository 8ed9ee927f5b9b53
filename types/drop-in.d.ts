// Types for the drop-in script (wasm-eventsource/drop-in, /drop-in.min): it defines the global
// WasmEventSource, with createParser and ParseError on it, and installs
// it as EventSource only where the platform has none (whose type lib.dom or @types/node declare).
import type {
  ParseError as ParserError,
  WasmEventSource as Source,
  createParser as create,
} from './index.js';

declare global {
  var WasmEventSource: typeof Source & {
    createParser: typeof create;
    ParseError: typeof ParserError;
  };
}

export {};
