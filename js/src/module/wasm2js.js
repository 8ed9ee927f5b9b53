// For engines without WebAssembly (Hermes) and pages whose CSP refuses 'wasm-unsafe-eval': the
// same module translated to JavaScript by wasm2js (scripts/wasm2js-module.mjs). Its exports
// mirror the WebAssembly ones, its memory included (an object with a `buffer`).
import { instantiateWasm2js } from '#wasm2js';

/** The module's exports, instantiated with `imports`. */
export function instantiateParserModule(imports) {
  return instantiateWasm2js(imports.env);
}
