// `npm run build`: the WebAssembly module (Emscripten, through CMake), then dist/ with the module
// embedded in every bundle (scripts/embed-wasm.mjs):
//   dist/index.mjs                                    ESM, one file (dist/stream.mjs re-exports
//                                                       from it); a bundle drops what it does not use
//   dist/shared.mjs                                   ESM: the EventSource with `shared: true`
//                                                       installed (nothing of it in the others)
//   dist/index.cjs, dist/stream.cjs, dist/shared.cjs  CommonJS
//   dist/*.d.mts, dist/*.d.cts, dist/drop-in.d.ts     types (from types/), per module format
//   dist/wasm-eventsource(.min).js                    the drop-in classic script
//   dist/embind.mjs, dist/embind.cjs                  the Embind binding (wasm-eventsource/embind);
//                                                       the CommonJS file loads the ESM one
// and the same API from other sources of the module:
//   dist/workerd/ (index.mjs, stream.mjs, sse-parser.wasm)  the module imported as a .wasm file
//                                                       (the `workerd` export condition)
//   dist/wasm2js/ (index.mjs/.cjs, stream.mjs/.cjs)    the module as JavaScript (wasm2js), for
//                                                       engines without WebAssembly (`react-native`);
//                                                       ESM and CommonJS share sse-parser.cjs
//   dist/wasm-eventsource.wasm2js(.min).js            its drop-in classic script
// Everything the package ships is minified (the readable code is js/src/, in the repository);
// the unminified drop-ins stay in dist/ for the tests and for reading, outside the tarball.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import * as terser from 'terser';

import { embedWasm } from './embed-wasm.mjs';
import { portableModules } from './portable-modules.mjs';
import { importWasmFile, WASM_FILE } from './wasm-file.mjs';
import { wasm2js, wasm2jsAsCommonJs } from './wasm2js-module.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const wasmBuild = join(root, 'build', 'wasm');
const run = (command, args) =>
  execFileSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_PATH: '/usr/share/nodejs', // Debian emscripten's JS optimizer
      // The Closure Compiler of Emscripten 3.1.6's time (an npm package with a native binary), for
      // the Embind build's JavaScript (wasm/CMakeLists.txt): 56 KB -> 26 KB.
      EM_CLOSURE_COMPILER: join(root, 'node_modules', '.bin', 'google-closure-compiler'),
    },
  });

run('emcmake', ['cmake', '-S', '.', '-B', wasmBuild, '-DCMAKE_BUILD_TYPE=Release']);
run('cmake', ['--build', wasmBuild, '-j', '2']);
const wasm = readFileSync(join(wasmBuild, 'sse-parser.wasm'));
const webWasm = readFileSync(join(wasmBuild, 'sse-parser-web.wasm')); // the drop-in's: no UTF-16 writer
const wasm2jsBuild = join(root, 'build', 'wasm2js');
run('emcmake', ['cmake', '-S', '.', '-B', wasm2jsBuild, '-DCMAKE_BUILD_TYPE=Release', '-DSSE_WASM2JS=ON']);
run('cmake', ['--build', wasm2jsBuild, '-j', '2']);
const wasm2jsSource = readFileSync(join(wasm2jsBuild, 'sse-parser.wasm2js.js'), 'utf8');

const common = {
  bundle: true,
  target: 'es2022',
  plugins: [embedWasm(wasm)],
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
  minify: true,
};
// The drop-in scripts run in browsers (windows and workers): no node:http, no Buffer, and none
// of the globals of Node, Deno and Bun that the sources test for, so what only they use drops out.
const dropIn = {
  ...common,
  plugins: [embedWasm(webWasm, { encoding: 'shifted' }), portableModules(['node-http'])],
  define: { 'globalThis.Buffer': 'undefined', 'globalThis.process': 'undefined', 'globalThis.Deno': 'undefined', 'globalThis.Bun': 'undefined' },
  entryPoints: ['js/src/drop-in.js'],
  format: 'iife',
};
// The ESM build is one file, as Node loads it fastest (each file of a module graph costs ~0.4 ms
// of a cold start in its ESM loader), and a bundle still drops what it does not use: nothing in
// js/src/ runs at load but what is marked pure. esbuild's whitespace minifier drops those marks,
// so terser takes the whitespace out instead, keeping them.
async function oneFileEsm(outfile, plugin) {
  const result = await esbuild.build({
    ...common,
    plugins: [plugin],
    entryPoints: ['js/src/index.js'],
    outfile,
    format: 'esm',
    write: false,
    minify: false,
    minifyIdentifiers: true,
    minifySyntax: true,
  });
  const { code } = await terser.minify(result.outputFiles[0].text, {
    ecma: 2022,
    module: true,
    compress: false,
    mangle: false,
    format: { ascii_only: true, comments: false, preserve_annotations: true },
  });
  mkdirSync(dirname(join(root, outfile)), { recursive: true });
  writeFileSync(join(root, outfile), code);
}
// index.mjs and stream.mjs, which re-exports from it, in `outdir`.
async function esmFiles(outdir, plugin) {
  await oneFileEsm(`${outdir}/index.mjs`, plugin);
  writeFileSync(
    join(root, outdir, 'stream.mjs'),
    "// wasm-eventsource/stream, as eventsource-parser/stream.\nexport { EventSourceParserStream, ParseError } from './index.mjs';\n",
  );
}
// The shared entries take the EventSource from the main build's file.
const eventSourceFrom = (file) => ({
  name: 'event-source-from-main-build',
  setup(build) {
    build.onResolve({ filter: /\/event-source\.js$/ }, () => ({ path: file, external: true }));
  },
});
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await Promise.all([
  esmFiles('dist', embedWasm(wasm)),
  // The shared entry installs the sharing into index.mjs's EventSource (one class, one
  // WebAssembly memory).
  esbuild.build({
    ...common,
    plugins: [eventSourceFrom('./index.mjs')],
    entryPoints: ['js/src/shared-entry.js'],
    outfile: 'dist/shared.mjs',
    format: 'esm',
  }),
  esbuild.build({ ...common, entryPoints: ['js/src/index.js'], outfile: 'dist/index.cjs', format: 'cjs' }),
  // The CommonJS shared entry installs the sharing into index.cjs's EventSource (one class, one
  // WebAssembly memory).
  esbuild.build({
    ...common,
    plugins: [eventSourceFrom('./index.cjs')],
    entryPoints: ['js/src/shared-entry.js'],
    outfile: 'dist/shared.cjs',
    format: 'cjs',
  }),
  esbuild.build({
    ...common,
    ...dropIn,
    outfile: 'dist/wasm-eventsource.js',
    minify: false,
  }),
]);

// The variants: the same ESM files in a folder of their own, with another source of the module
// (and, without WebAssembly, the text codec that needs no TextDecoder).
const variant = (plugin) => ({ ...common, plugins: [plugin] });
// The translated parser is most of the wasm2js build: its ESM and CommonJS builds import one copy
// of it, dist/wasm2js/sse-parser.cjs (from index.mjs and index.cjs); the
// drop-in, a single script, carries its own.
const wasm2jsPlugin = wasm2js(wasm2jsSource);
const WASM2JS_SHARED = 'sse-parser.cjs';
const wasm2jsSharedPlugin = wasm2js(wasm2jsSource, { shared: `./${WASM2JS_SHARED}` }); // (beside both)
await Promise.all([
  esmFiles('dist/workerd', importWasmFile()),
  esmFiles('dist/wasm2js', wasm2jsSharedPlugin),
  esbuild.build({
    ...variant(wasm2jsSharedPlugin),
    entryPoints: ['js/src/index.js'],
    outfile: 'dist/wasm2js/index.cjs',
    format: 'cjs',
  }),
  // terser, not esbuild: its mangling and folding take 4% more off the translation's code.
  terser
    .minify(wasm2jsAsCommonJs(wasm2jsSource), {
      ecma: 2022,
      module: false,
      toplevel: true,
      compress: { passes: 2 },
      format: { ascii_only: true, comments: false },
    })
    .then(({ code }) => {
      mkdirSync(join(dist, 'wasm2js'), { recursive: true });
      writeFileSync(join(dist, 'wasm2js', WASM2JS_SHARED), code);
    }),
  esbuild.build({
    ...variant(wasm2jsPlugin),
    define: dropIn.define,
    entryPoints: ['js/src/drop-in.js'],
    outfile: 'dist/wasm-eventsource.wasm2js.js',
    format: 'iife',
    minify: false,
  }),
]);
// The drop-in's module text goes to the end of the script, as the argument of its IIFE: terser
// leaves it where it is used, 1.5 KB into the code, and deflate then packs the text and the code
// around it in shared blocks, with one set of code tables for both; apart they gzip 0.1 KB
// smaller (20 330 -> 20 231 bytes, 2026-12-06). The text is found as the one string literal whose
// value has a character per byte of the module.
function moduleTextLast(code, moduleBytes) {
  const NAME = '$sseModuleText';
  const isModuleText = (literal) => {
    try {
      return literal.length > 4096 && new Function(`return ${literal}`)().length === moduleBytes;
    } catch {
      return false; // (not a literal: quotes inside a regular expression or a template)
    }
  };
  const literals = [...code.matchAll(/(["'])(?:\\.|(?!\1)[^\\])*\1/g)].filter(([text]) => isModuleText(text));
  if (literals.length !== 1 || code.includes(NAME) || !code.startsWith('(()=>{') || !code.endsWith('})();')) {
    throw new Error('moduleTextLast: the drop-in is not one IIFE with one module text');
  }
  const [{ 0: literal, index }] = literals;
  const body = code.slice('(()=>{'.length, -'})();'.length);
  const at = index - '(()=>{'.length;
  return `(${NAME}=>{${body.slice(0, at)}${NAME}${body.slice(at + literal.length)}})(${literal});`;
}
// The drop-in scripts are minified by terser, whose constant folding across functions drops what
// the browser defines made dead (esbuild keeps it) and which packs them 3% smaller: 640 bytes of
// gzip under the drop-in's budget. ASCII only, as the embedded module is.
for (const name of ['wasm-eventsource', 'wasm-eventsource.wasm2js']) {
  const { code } = await terser.minify(readFileSync(join(dist, `${name}.js`), 'utf8'), {
    ecma: 2022,
    compress: { passes: 3, pure_getters: true },
    format: { ascii_only: true, comments: false },
  });
  writeFileSync(join(dist, `${name}.min.js`), name === 'wasm-eventsource' ? moduleTextLast(code, webWasm.length) : code);
}
// The .wasm file goes beside the file that imports it.
copyFileSync(join(wasmBuild, 'sse-parser.wasm'), join(dist, 'workerd', WASM_FILE));
// wasm-eventsource/embind: the Embind binding (its own module, with its WebAssembly inside) and
// the JS that guards it, as ESM; nothing of it is in the other bundles. From CommonJS, initSse
// (asynchronous anyway) imports the ESM file at its first call: one copy in the package.
const embindModule = {
  name: 'embind-module',
  setup(build) {
    build.onResolve({ filter: /^#embind-module$/ }, () => ({ path: join(wasmBuild, 'sse-embind.js') }));
  },
};
const embindWasm = embedWasm(readFileSync(join(wasmBuild, 'sse-embind.wasm')), { specifier: '#embind-binary' });
await esbuild.build({
  ...common,
  plugins: [embindModule, embindWasm],
  entryPoints: ['js/src/embind.js'],
  outfile: 'dist/embind.mjs',
  format: 'esm',
});
writeFileSync(
  join(dist, 'embind.cjs'),
  [
    "'use strict';",
    '// wasm-eventsource/embind from CommonJS: the ESM build, imported at the first call.',
    "Object.defineProperty(exports, '__esModule', { value: true });",
    "exports.default = function initSse() {\n  return import('./embind.mjs').then((module) => module.default());\n};",
    '',
  ].join('\n'),
);
// The CommonJS stream entry shares index.cjs (one module instance, one WebAssembly memory).
writeFileSync(
  join(dist, 'stream.cjs'),
  "'use strict';\n// wasm-eventsource/stream, as eventsource-parser/stream.\nconst { EventSourceParserStream, ParseError } = require('./index.cjs');\nmodule.exports = { EventSourceParserStream, ParseError };\n",
);

// Types: one source per entry in types/, written once per module format so that TypeScript
// under node16/nodenext reads ESM types for `import` and CommonJS types for `require`. They ship
// with their doc comments (/** */, what editors show) but not the sources' notes to maintainers
// (// lines): twice 2.4 KB of the package.
const typesSource = (name) => readFileSync(join(root, 'types', `${name}.d.ts`), 'utf8').replace(/^[ \t]*\/\/(?!\/).*\n/gm, '');
for (const name of ['index', 'stream', 'shared', 'embind']) {
  const source = typesSource(name);
  writeFileSync(join(dist, `${name}.d.mts`), source.replaceAll("'./index.js'", "'./index.mjs'"));
  writeFileSync(join(dist, `${name}.d.cts`), source.replaceAll("'./index.js'", "'./index.cjs'"));
}
// The wasm2js entries have the main entries' types (one API).
for (const name of ['index', 'stream']) {
  for (const ext of ['mts', 'cts']) {
    const module = `../${name}.${ext.replace('t', 'j')}`;
    writeFileSync(join(dist, 'wasm2js', `${name}.d.${ext}`), `export * from '${module}';\n${name === 'index' ? `export { default } from '${module}';\n` : ''}`);
  }
}
writeFileSync(
  join(dist, 'wasm2js', 'stream.cjs'),
  "'use strict';\n// wasm-eventsource/stream without WebAssembly.\nconst { EventSourceParserStream, ParseError } = require('./index.cjs');\nmodule.exports = { EventSourceParserStream, ParseError };\n",
);
writeFileSync(
  join(dist, 'drop-in.d.ts'),
  // (A .d.ts of this CommonJS package: it takes the CommonJS types.)
  typesSource('drop-in').replaceAll("'./index.js'", "'./index.cjs'"),
);

const sizes = { 'sse-parser.wasm': wasm };
for (const file of ['dist/wasm-eventsource.min.js', 'dist/wasm-eventsource.js', 'dist/index.cjs', 'dist/embind.mjs',
  'dist/wasm-eventsource.wasm2js.min.js', 'dist/wasm-eventsource.wasm2js.js']) {
  sizes[file] = readFileSync(join(root, file));
}
sizes['dist/index.mjs'] = readFileSync(join(dist, 'index.mjs'));
sizes['dist/shared.mjs'] = readFileSync(join(dist, 'shared.mjs')); // (what `shared` adds to it)
const report = Object.entries(sizes).map(([name, bytes]) => ({
  file: name,
  bytes: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
}));
writeFileSync(join(dist, 'sizes.json'), JSON.stringify(report, null, 2) + '\n');
for (const { file, bytes, gzip } of report) console.log(`${file}: ${bytes} bytes, ${gzip} gzip`);
