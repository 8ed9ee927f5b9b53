// Memory per open, idle EventSource (a child process with --expose-gc; bench/js/bench.mjs's
// `idle` section starts it): N sources connect to a local server that sends one comment and
// then nothing, and the JS heap and the WebAssembly memory are read before and after. Prints
// JSON: bytes per source of each. `url`: sources over Node's fetch (its sockets and streams
// count too); `stream`: EventSource.fromReadableStream over streams that never end (the
// polyfill alone); `eventsource`: the npm eventsource 5 package over fetch, for comparison.
//
//   node --expose-gc idle-sources.mjs <url|stream|eventsource> <dist/index.mjs> [count]
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

import { installInstanceHook } from '../../tests/support/wasm-memory.mjs';

const [mode, distIndex, countArg] = process.argv.slice(2);
const COUNT = Number(countArg ?? 500);

installInstanceHook(); // keeps the module's memory: the bundle instantiates it on first use
const wasmBytes = () => globalThis.__wasmMemories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0);

const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  response.write(': idle\n\n');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const { EventSource } =
  mode === 'eventsource' ? await import('eventsource') : await import(pathToFileURL(distIndex).href);
const open = (source) =>
  new Promise((resolve, reject) => {
    source.onopen = resolve;
    source.onerror = () => reject(new Error(`idle-sources.mjs: a ${mode} source failed`));
  });

// One source first, so that the module, the classes and the fetch machinery are loaded and
// counted in neither figure.
const warm = mode === 'stream' ? null : new EventSource(url);
if (warm) await open(warm);
const streams = [];
const make = () => {
  if (mode !== 'stream') return new EventSource(url);
  const stream = new ReadableStream({ start: (controller) => void controller.enqueue(new TextEncoder().encode(': idle\n\n')) });
  streams.push(stream);
  return EventSource.fromReadableStream(stream);
};
if (mode === 'stream') make().close();
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
const wasmBefore = wasmBytes();
const sources = [];
for (let i = 0; i < COUNT; i++) sources.push(make());
if (mode !== 'stream') await Promise.all(sources.map(open));
else await new Promise((resolve) => setTimeout(resolve, 100)); // (their first chunk parsed)
globalThis.gc();
globalThis.gc();
const heapAfter = process.memoryUsage().heapUsed;
const wasmAfter = wasmBytes();
console.log(
  JSON.stringify({
    mode,
    count: COUNT,
    heapBytesPerSource: (heapAfter - heapBefore) / COUNT,
    wasmBytesPerSource: (wasmAfter - wasmBefore) / COUNT,
    open: sources.filter((source) => source.readyState === 1).length,
  }),
);
for (const source of [warm, ...sources]) source?.close();
server.closeAllConnections();
server.close();
