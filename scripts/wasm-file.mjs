// The esbuild plugin of the builds for runtimes that compile WebAssembly only from files
// (workerd): `#parser-module` is js/src/module/file.js, whose `#wasm-file` stays an import of
// ./sse-parser.wasm, the file scripts/build.mjs puts beside the chunk that imports it; and the
// EventSource's base that knows workerd's dispatch and fetch() for every request
// (scripts/portable-modules.mjs).
import { fileURLToPath } from 'node:url';

import { usePortableModules } from './portable-modules.mjs';

const fileLoader = fileURLToPath(new URL('../js/src/module/file.js', import.meta.url));
export const WASM_FILE = 'sse-parser.wasm';

export function importWasmFile() {
  return {
    name: 'wasm-file',
    setup(build) {
      build.onResolve({ filter: /^#parser-module$/ }, () => ({ path: fileLoader }));
      build.onResolve({ filter: /^#wasm-file$/ }, () => ({ path: `./${WASM_FILE}`, external: true }));
      usePortableModules(build, ['event-target', 'node-http']);
    },
  };
}
