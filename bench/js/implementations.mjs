// The builds the Node benchmark measures, loaded from dist/ as users get them: the npm package,
// its wasm2js build (react-native, CSPs without 'wasm-unsafe-eval'), the Embind binding, the
// WebAssembly module's exports alone (bundled from the sources the same way dist/ is), and the
// parser alone with a counting sink (build/wasm/parser-alone.wasm, not shipped).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

import { embedWasm } from '../../scripts/embed-wasm.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const distIndex = join(root, 'dist', 'index.mjs');

export async function loadImplementations() {
  const { createParser, EventSource } = await import(pathToFileURL(distIndex).href);
  const { EventSourceParserStream } = await import(pathToFileURL(join(root, 'dist', 'stream.mjs')).href);
  const { createParser: createWasm2jsParser } = await import(pathToFileURL(join(root, 'dist', 'wasm2js', 'index.mjs')).href);
  const { default: initSse } = await import(pathToFileURL(join(root, 'dist', 'embind.mjs')).href);
  const coreBundle = await esbuild.build({
    stdin: {
      contents: "export { memoryBytes, wasm } from './js/src/wasm.js';\nexport { Session, releaseBatch } from './js/src/session.js';",
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    write: false,
    plugins: [embedWasm(readFileSync(join(root, 'build', 'wasm', 'sse-parser.wasm')))],
  });
  const core = await import(`data:text/javascript;base64,${Buffer.from(coreBundle.outputFiles[0].contents).toString('base64')}`);
  return { createParser, createWasm2jsParser, EventSource, EventSourceParserStream, sse: await initSse(), core,
    parserAlone: loadParserAlone(), parserAloneUtf16: loadParserAlone('parser-alone-utf16.wasm') };
}

// The parser with a counting sink (wasm/parser_alone.cpp), built beside the package's module;
// `file` parser-alone-utf16.wasm: its sink also writes the data as UTF-16.
export function loadParserAlone(file = 'parser-alone.wasm') {
  const module = new WebAssembly.Module(readFileSync(join(root, 'build', 'wasm', file)));
  const instance = new WebAssembly.Instance(module, {
    env: { emscripten_notify_memory_growth() {} },
    wasi_snapshot_preview1: { proc_exit() {} },
  });
  instance.exports._initialize();
  return instance.exports;
}

/** `texts` (Buffers of UTF-8) copied one after another into the memory of the parser alone,
 *  with room after them for the UTF-16 of the longest: { base (to free), at, bytes, out }. */
export function placeInParserAlone(alone, texts) {
  const total = texts.reduce((sum, text) => sum + text.length, 0);
  const longest = texts.reduce((most, text) => Math.max(most, text.length), 0);
  const base = alone.parser_alone_allocate(total + 2 * longest + 2) >>> 0;
  const at = new Uint32Array(texts.length);
  const bytes = new Uint32Array(texts.length);
  let offset = base;
  for (let i = 0; i < texts.length; i++) {
    new Uint8Array(alone.memory.buffer).set(texts[i], offset);
    at[i] = offset;
    bytes[i] = texts[i].length;
    offset += texts[i].length;
  }
  return { base, at, bytes, out: (offset + 1) & ~1 };
}
