// The esbuild plugin that resolves `#wasm-binary` (imported by js/src/wasm.js) to the parser's
// WebAssembly module as a base64 string, so every bundle carries it inside.
export function embedWasm(wasmBytes) {
  return {
    name: 'embed-wasm',
    setup(build) {
      build.onResolve({ filter: /^#wasm-binary$/ }, () => ({ path: 'wasm-binary', namespace: 'embed-wasm' }));
      build.onLoad({ filter: /.*/, namespace: 'embed-wasm' }, () => ({
        contents: `export default ${JSON.stringify(Buffer.from(wasmBytes).toString('base64'))};`,
        loader: 'js',
      }));
    },
  };
}
