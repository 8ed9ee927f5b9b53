// `npm run build`: the WebAssembly module (Emscripten, through CMake), then dist/ with the module
// embedded in every bundle (scripts/embed-wasm.mjs):
//   dist/index.mjs, dist/stream.mjs (+ dist/chunks/)  ESM, one module per part, so a bundle that
//                                                       imports only the parser has no EventSource
//   dist/index.cjs, dist/stream.cjs                   CommonJS
//   dist/*.d.mts, dist/*.d.cts, dist/drop-in.d.ts     types (from types/), per module format
//   dist/wasm-eventsource(.min).js                    the drop-in classic script
//   dist/embind.mjs, dist/embind.cjs                  the Embind binding (wasm-eventsource/embind)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

import { embedWasm } from './embed-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const wasmBuild = join(root, 'build', 'wasm');
const run = (command, args) =>
  execFileSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_PATH: '/usr/share/nodejs' }, // Debian emscripten's JS optimizer
  });

run('emcmake', ['cmake', '-S', '.', '-B', wasmBuild, '-DCMAKE_BUILD_TYPE=Release']);
run('cmake', ['--build', wasmBuild, '-j', '2']);
const wasm = readFileSync(join(wasmBuild, 'sse-parser.wasm'));

const common = {
  bundle: true,
  target: 'es2022',
  plugins: [embedWasm(wasm)],
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await Promise.all([
  // The parser, the stream and the EventSource as entries of their own: each lands in a chunk
  // of its own, which bundlers drop when unused ("sideEffects": false).
  esbuild.build({
    ...common,
    entryPoints: {
      index: 'js/src/index.js',
      stream: 'js/src/stream-entry.js',
      'chunks/parser': 'js/src/parser.js',
      'chunks/event-source': 'js/src/event-source.js',
    },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  }),
  esbuild.build({ ...common, entryPoints: ['js/src/index.js'], outfile: 'dist/index.cjs', format: 'cjs' }),
  esbuild.build({ ...common, entryPoints: ['js/src/drop-in.js'], outfile: 'dist/wasm-eventsource.js', format: 'iife' }),
  esbuild.build({
    ...common,
    entryPoints: ['js/src/drop-in.js'],
    outfile: 'dist/wasm-eventsource.min.js',
    format: 'iife',
    minify: true,
  }),
]);
// (The parser and EventSource entries only made their chunks: nothing imports the entries.)
for (const name of ['parser', 'event-source']) rmSync(join(dist, 'chunks', `${name}.mjs`));
// wasm-eventsource/embind: the Embind binding (its own module, with its WebAssembly inside) and
// the JS that guards it, as ESM and CommonJS; nothing of it is in the other bundles.
const embindModule = {
  name: 'embind-module',
  setup(build) {
    build.onResolve({ filter: /^#embind-module$/ }, () => ({ path: join(wasmBuild, 'sse-embind.js') }));
  },
};
const embindWasm = embedWasm(readFileSync(join(wasmBuild, 'sse-embind.wasm')), '#embind-binary');
await Promise.all(
  ['esm', 'cjs'].map((format) =>
    esbuild.build({
      ...common,
      plugins: [embindModule, embindWasm],
      entryPoints: ['js/src/embind.js'],
      outfile: `dist/embind.${format === 'esm' ? 'mjs' : 'cjs'}`,
      format,
    }),
  ),
);
// The CommonJS stream entry shares index.cjs (one module instance, one WebAssembly memory).
writeFileSync(
  join(dist, 'stream.cjs'),
  "'use strict';\n// wasm-eventsource/stream, as eventsource-parser/stream.\nconst { EventSourceParserStream, ParseError } = require('./index.cjs');\nmodule.exports = { EventSourceParserStream, ParseError };\n",
);

// Types: one source per entry in types/, written once per module format so that TypeScript
// under node16/nodenext reads ESM types for `import` and CommonJS types for `require`.
for (const name of ['index', 'stream', 'embind']) {
  const source = readFileSync(join(root, 'types', `${name}.d.ts`), 'utf8');
  writeFileSync(join(dist, `${name}.d.mts`), source.replaceAll("'./index.js'", "'./index.mjs'"));
  writeFileSync(join(dist, `${name}.d.cts`), source.replaceAll("'./index.js'", "'./index.cjs'"));
}
writeFileSync(
  join(dist, 'drop-in.d.ts'),
  // (A .d.ts of this CommonJS package: it takes the CommonJS types.)
  readFileSync(join(root, 'types', 'drop-in.d.ts'), 'utf8').replaceAll("'./index.js'", "'./index.cjs'"),
);

const sizes = { 'sse-parser.wasm': wasm };
for (const file of ['dist/wasm-eventsource.min.js', 'dist/wasm-eventsource.js', 'dist/index.cjs', 'dist/embind.mjs']) {
  sizes[file] = readFileSync(join(root, file));
}
// The ESM build is several files: all of them together.
const esmFiles = ['index.mjs', ...readdirSync(join(dist, 'chunks')).map((name) => `chunks/${name}`)];
sizes['dist/index.mjs with dist/chunks/'] = Buffer.concat(esmFiles.map((name) => readFileSync(join(dist, name))));
const report = Object.entries(sizes).map(([name, bytes]) => ({
  file: name,
  bytes: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
}));
writeFileSync(join(dist, 'sizes.json'), JSON.stringify(report, null, 2) + '\n');
for (const { file, bytes, gzip } of report) console.log(`${file}: ${bytes} bytes, ${gzip} gzip`);
