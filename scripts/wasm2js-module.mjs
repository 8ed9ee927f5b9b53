// The esbuild plugin of the builds without WebAssembly: `#parser-module` is
// js/src/module/wasm2js.js, its `#wasm2js` the parser as wasm2js translated it (build/wasm2js,
// see wasm/CMakeLists.txt), and the portable modules (scripts/portable-modules.mjs): the text
// codec that works without TextDecoder and TextEncoder, an EventSource base without EventTarget,
// fetch() for every request.
//
// wasm2js writes an ES module that imports its imports from 'env' (and 'wasi_snapshot_preview1')
// and instantiates itself on load; the module made here exports `instantiateWasm2js(imports)`
// instead (asmFunc, which takes the imports flat), so that nothing runs before the first parser.
import { fileURLToPath } from 'node:url';

import { usePortableModules } from './portable-modules.mjs';

const wasm2jsLoader = fileURLToPath(new URL('../js/src/module/wasm2js.js', import.meta.url));

/** wasm2js's output as a module exporting instantiateWasm2js; throws if its shape changed. */
export function wasm2jsAsModule(source) {
  const withoutImports = source.replace(/^import \{[^}]*\} from '(env|wasi_snapshot_preview1)';\n/gm, '');
  const tail = withoutImports.indexOf('\nvar retasmFunc = asmFunc(');
  if (tail === -1 || !/^function asmFunc\(/m.test(withoutImports) || /^import /m.test(withoutImports)) {
    throw new Error('wasm2js-module: the wasm2js output has not the expected shape (asmFunc, retasmFunc, imports)');
  }
  return `${withoutImports.slice(0, tail)}\nexport { asmFunc as instantiateWasm2js };\n`;
}

/** The translation as a CommonJS module exporting instantiateWasm2js (the `shared` file). */
export function wasm2jsAsCommonJs(source) {
  return `'use strict';\n${wasm2jsAsModule(source).replace(/^export \{ asmFunc as instantiateWasm2js \};$/m, 'exports.instantiateWasm2js = asmFunc;')}`;
}

/**
 * The plugin. With `shared` (a path relative to the importing output file), `#wasm2js` is not
 * bundled but imported from that file, which scripts/build.mjs writes once (wasm2jsAsCommonJs)
 * for the ESM and the CommonJS builds alike; without it, the translation is inside the bundle.
 */
export function wasm2js(source, { shared } = {}) {
  const contents = shared
    ? `import translated from ${JSON.stringify(shared)};\nexport const instantiateWasm2js = translated.instantiateWasm2js;\n`
    : wasm2jsAsModule(source);
  return {
    name: 'wasm2js',
    setup(build) {
      build.onResolve({ filter: /^#parser-module$/ }, () => ({ path: wasm2jsLoader }));
      build.onResolve({ filter: /^#wasm2js$/ }, () => ({ path: 'wasm2js', namespace: 'wasm2js' }));
      if (shared) build.onResolve({ filter: /.*/, namespace: 'wasm2js' }, ({ path }) => ({ path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'wasm2js' }, () => ({ contents, loader: 'js' }));
      usePortableModules(build, ['text-codec', 'event-target', 'node-http']);
    },
  };
}
