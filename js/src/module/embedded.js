// The parser's module embedded in the bundle as a string (one character per byte, see
// scripts/embed-wasm.mjs), compiled synchronously: the module is ~22 KB, far below the
// browsers' limit for synchronous compiles, and a CSP needs only 'wasm-unsafe-eval'.
import { wasmOffset, wasmText } from '#wasm-binary';

import { decodeModule } from '../decode-module.js';

/** The module's exports, instantiated with `imports`. */
export function instantiateParserModule(imports) {
  const module = new WebAssembly.Module(decodeModule(wasmText, wasmOffset));
  return new WebAssembly.Instance(module, imports).exports;
}
