// The parser's WebAssembly modules, as shipped. They import nothing: V8 compiles a wrapper for
// a module's first import, which made every cold start's `new WebAssembly.Module` 2.7 ms instead
// of 1.0 (bench/RESULTS.md). Without the growth import, js/src/wasm.js learns of a grown memory
// from its detached buffer: the parse across a growth is checked here too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

for (const [file, what] of [
  ['sse-parser.wasm', 'the npm module'],
  ['sse-parser-web.wasm', "the drop-in script's module"],
]) {
  test(`${what} (${file}) imports nothing`, () => {
    const module = new WebAssembly.Module(readFileSync(join(root, 'build', 'wasm', file)));
    assert.deepEqual(WebAssembly.Module.imports(module), []);
  });
}

// The drop-in's module keeps only the exports the JS calls (js/src/wasm.js and session.js;
// wasm/CMakeLists.txt): what Emscripten's runtime adds besides (stackAlloc and the like) is code
// the script would carry.
test("the drop-in script's module exports what the JS calls, and nothing else", () => {
  const module = new WebAssembly.Module(readFileSync(join(root, 'build', 'wasm', 'sse-parser-web.wasm')));
  const exported = WebAssembly.Module.exports(module).map(({ name }) => name);
  const source = readFileSync(join(root, 'js', 'src', 'wasm.js'), 'utf8') + readFileSync(join(root, 'js', 'src', 'session.js'), 'utf8');
  const called = new Set(['memory', ...source.match(/\b(?:_initialize|sse_[a-z0-9_]+)\b/g)]);
  assert.deepEqual(exported.sort(), [...called].sort());
});

test('events parsed before, across and after a growth of the memory are whole', async () => {
  const { createParser, WasmEventSource } = await import('../../dist/index.mjs');
  const events = [];
  const parser = createParser({ onEvent: (event) => events.push(event.data) });
  try {
    const before = WasmEventSource.wasmMemoryBytes;
    parser.feed('data: before\n\n');
    // Larger than the memory so far: the input buffer and the event's text need it to grow.
    const size = before + (1 << 20);
    parser.feed(`data: ${'a'.repeat(size)}\n\ndata: after`);
    parser.feed('\n\n');
    assert.ok(WasmEventSource.wasmMemoryBytes > before, 'the memory grew');
    assert.deepEqual(events.map((data) => (data.length > 64 ? `${data[0]} × ${data.length}` : data)), ['before', `a × ${size}`, 'after']);
    assert.equal(events[1], 'a'.repeat(size));
  } finally {
    parser.dispose();
  }
});

// The npm builds embed the module in base64 (scripts/embed-wasm.mjs) and decode it with what the
// platform has: each path gives the module's bytes.
test('the embedded base64 decodes to the module with Uint8Array.fromBase64, with Buffer, and with atob alone', async (t) => {
  const { decodeModule } = await import('../../js/src/decode-module.js');
  const bytes = new Uint8Array(readFileSync(join(root, 'build', 'wasm', 'sse-parser.wasm')));
  const base64 = Buffer.from(bytes).toString('base64');
  const decodes = () => new Uint8Array(decodeModule(base64));
  const fromBase64 = Object.getOwnPropertyDescriptor(Uint8Array, 'fromBase64');
  const buffer = Object.getOwnPropertyDescriptor(globalThis, 'Buffer');
  try {
    if (fromBase64 === undefined) {
      t.diagnostic('no Uint8Array.fromBase64 in this Node: a stand-in of the same contract');
      Object.defineProperty(Uint8Array, 'fromBase64', { value: (text) => new Uint8Array(Buffer.from(text, 'base64')), configurable: true });
    }
    assert.deepEqual(decodes(), bytes, 'Uint8Array.fromBase64');
    Object.defineProperty(Uint8Array, 'fromBase64', { value: undefined, configurable: true });
    assert.deepEqual(decodes(), bytes, 'Buffer');
    Object.defineProperty(globalThis, 'Buffer', { value: undefined, configurable: true });
    assert.deepEqual(decodes(), bytes, 'atob');
  } finally {
    Object.defineProperty(globalThis, 'Buffer', buffer);
    if (fromBase64 === undefined) delete Uint8Array.fromBase64;
    else Object.defineProperty(Uint8Array, 'fromBase64', fromBase64);
  }
  assert.equal(WebAssembly.validate(decodes()), true);
});
