// The drop-in script's module writes no UTF-16 (browsers decode UTF-8, and the script keeps
// within its size budget): loaded where Node's Buffer is, it must still decode non-ASCII text,
// from UTF-8, rather than read the UTF-8 as UTF-16. And the drop-in's module is a build of its
// own (UTF-8 only, built for size, its exports cut), and its text ends the minified script: the
// corpus runs through it here, whole, byte by byte and split.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import vm from 'node:vm';

import { byteChunks, chunksAt, splitOffsets, traceCase } from '../support/corpus-trace.mjs';
import { loadCases } from '../support/vectors.mjs';

for (const file of ['wasm-eventsource.js', 'wasm-eventsource.min.js']) {
  test(`dist/${file} in Node: non-ASCII text comes out right`, () => {
    const context = vm.createContext({ Buffer, TextDecoder, TextEncoder, WebAssembly, FinalizationRegistry, EventTarget, Event, MessageEvent, URL, console });
    vm.runInContext(readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8'), context);
    const seen = [];
    const parser = context.WasmEventSource.createParser({ onEvent: (event) => seen.push(event.data) });
    parser.feed(new TextEncoder().encode('data: é ✓ 😀 日本\n\ndata: ascii\n\n'));
    assert.deepEqual(seen, ['é ✓ 😀 日本', 'ascii']);
  });
}

describe('dist/wasm-eventsource.min.js in Node: the corpus through its createParser', () => {
  const context = vm.createContext({ TextDecoder, TextEncoder, WebAssembly, FinalizationRegistry, EventTarget, Event, MessageEvent, URL, console });
  vm.runInContext(readFileSync(new URL('../../dist/wasm-eventsource.min.js', import.meta.url), 'utf8'), context);
  const { createParser } = context.WasmEventSource;
  for (const testCase of loadCases()) {
    const want = { ...testCase.expected };
    if (want.comments === undefined) delete want.comments;
    test(testCase.id, () => {
      assert.deepEqual(traceCase(createParser, testCase, [testCase.input]), want, 'whole');
      assert.deepEqual(traceCase(createParser, testCase, byteChunks(testCase.input)), want, 'byte by byte');
      for (const at of splitOffsets(testCase.input.length, 512)) {
        assert.deepEqual(traceCase(createParser, testCase, chunksAt(testCase.input, [at])), want, `split at ${at}`);
      }
    });
  }
});
