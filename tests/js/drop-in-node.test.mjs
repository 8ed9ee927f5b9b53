// The drop-in script's module writes no UTF-16 (browsers decode UTF-8, and the script keeps
// within its size budget): loaded where Node's Buffer is, it must still decode non-ASCII text,
// from UTF-8, rather than read the UTF-8 as UTF-16.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import vm from 'node:vm';

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
