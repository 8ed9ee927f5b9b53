// `npm run build`: the WebAssembly module (Emscripten, through CMake), then the JS bundles in
// dist/ with the module embedded as base64:
//   dist/index.mjs, dist/index.cjs          the npm package (ESM and CommonJS)
//   dist/wasm-eventsource(.min).js          the drop-in classic script
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

import { embedWasm } from './embed-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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
};
const builds = [
  { entryPoints: ['js/src/index.js'], outfile: 'dist/index.mjs', format: 'esm' },
  { entryPoints: ['js/src/index.js'], outfile: 'dist/index.cjs', format: 'cjs' },
  { entryPoints: ['js/src/drop-in.js'], outfile: 'dist/wasm-eventsource.js', format: 'iife' },
  { entryPoints: ['js/src/drop-in.js'], outfile: 'dist/wasm-eventsource.min.js', format: 'iife', minify: true },
];
mkdirSync(join(root, 'dist'), { recursive: true });
await Promise.all(builds.map((options) => esbuild.build({ ...common, ...options, absWorkingDir: root })));

const sizes = { 'sse-parser.wasm': wasm };
for (const { outfile } of builds) sizes[outfile] = readFileSync(join(root, outfile));
const report = Object.entries(sizes).map(([name, bytes]) => ({
  file: name,
  bytes: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
}));
writeFileSync(join(root, 'dist', 'sizes.json'), JSON.stringify(report, null, 2) + '\n');
for (const { file, bytes, gzip } of report) console.log(`${file}: ${bytes} bytes, ${gzip} gzip`);
