// The parser's module embedded in the bundle as a string (base64; shifted text in the drop-in
// scripts: scripts/embed-wasm.mjs), compiled synchronously: the module is ~22 KB, far below the
// browsers' limit for synchronous compiles, and a CSP needs only 'wasm-unsafe-eval'.
import { wasmOffset, wasmSign, wasmText } from '#wasm-binary';

import { explainCspRefusal } from '../csp-refusal.js';
import { decodeModule } from '../decode-module.js';

// What a page that cannot allow WebAssembly uses instead: the same parser as JavaScript.
const WITHOUT_WEBASSEMBLY = 'use the build without it: wasm-eventsource/wasm2js (npm) or wasm-eventsource.wasm2js.min.js (the drop-in)';

/** The module's exports, instantiated with `imports`. */
export function instantiateParserModule(imports) {
  try {
    const module = new WebAssembly.Module(decodeModule(wasmText, wasmOffset, wasmSign));
    return new WebAssembly.Instance(module, imports).exports; // (WebKit refuses here, not above)
  } catch (error) {
    throw explainCspRefusal(error, WITHOUT_WEBASSEMBLY);
  }
}
