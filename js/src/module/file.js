// For runtimes that compile WebAssembly only from files (Cloudflare's workerd refuses
// WebAssembly.Module(bytes) at run time): the module is imported as a .wasm file, which the
// platform compiles when the Worker is deployed, and the import gives a WebAssembly.Module.
import parserModule from '#wasm-file';

/** The module's exports, instantiated with `imports`. */
export function instantiateParserModule(imports) {
  return new WebAssembly.Instance(parserModule, imports).exports;
}
