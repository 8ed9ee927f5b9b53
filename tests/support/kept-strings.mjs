// Stored strings (a child process with --expose-gc; bench/js/bench.mjs and tests/js/leaks.test.mjs
// start it): an application keeps one event's `data`, a 24-character string, from each of 2000
// chunks of 64 KiB. Prints, as JSON, the heap the kept strings hold alive beyond their own
// characters, and how long the parsing took.
//
//   node --expose-gc kept-strings.mjs <parser|event-source|eventsource-parser> <dist/index.mjs>
import { pathToFileURL } from 'node:url';

const [which, distIndex] = process.argv.slice(2);
const CHUNKS = 2000;
const encoder = new TextEncoder();
const EVENTS_PER_CHUNK = 65536 / 32; // `data: ` + 24 digits + LF LF: 32 bytes
const chunkOf = (n) =>
  encoder.encode(
    Array.from({ length: EVENTS_PER_CHUNK }, (_, i) => `data: ${String(n * EVENTS_PER_CHUNK + i).padStart(24, '0')}\n\n`).join(''),
  );

const kept = [];
let first = true;
const keepFirst = (data) => {
  if (first) kept.push(data);
  first = false;
};
let feed;
let finish = async () => {};
if (which === 'parser' || which === 'eventsource-parser') {
  const { createParser } = await import(which === 'parser' ? pathToFileURL(distIndex).href : 'eventsource-parser');
  const parser = createParser({ onEvent: (event) => keepFirst(event.data) });
  const decoder = new TextDecoder();
  feed = which === 'parser' ? (chunk) => parser.feed(chunk) : (chunk) => parser.feed(decoder.decode(chunk, { stream: true }));
} else if (which === 'event-source') {
  // The EventSource's MessageEvents, from a stream the application reads itself.
  const { EventSource } = await import(pathToFileURL(distIndex).href);
  let controller;
  const source = EventSource.fromReadableStream(new ReadableStream({ start: (c) => void (controller = c) }, { highWaterMark: 0 }));
  source.onmessage = (event) => keepFirst(event.data);
  let delivered;
  source.addEventListener('message', () => delivered?.());
  feed = async (chunk) => {
    const done = new Promise((resolve) => (delivered = resolve));
    controller.enqueue(chunk);
    await done;
  };
  finish = async () => source.close();
} else {
  throw new Error(`kept-strings.mjs: unknown parser ${which}`);
}

const chunks = Array.from({ length: 8 }, (_, i) => chunkOf(i)); // (made once: their bytes are not the application's)
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const started = performance.now();
for (let n = 0; n < CHUNKS; n++) {
  first = true;
  await feed(chunks[n % chunks.length]);
}
const ms = performance.now() - started;
await finish();
chunks.length = 0;
globalThis.gc();
globalThis.gc();
const after = process.memoryUsage().heapUsed;
const own = kept.reduce((sum, s) => sum + s.length, 0);
const count = kept.length;
// What the strings hold is what letting them go frees. (The heap's growth since `before` also
// holds what V8 made of the code as it ran: bytecode, feedback, optimized code, ~0.2-0.5 MiB for
// the EventSource and more or less from one process to another.)
kept.length = 0;
globalThis.gc();
globalThis.gc();
const released = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ which, kept: count, retainedMiB: (after - released - own) / 2 ** 20, grownMiB: (after - before) / 2 ** 20, ownKiB: own / 1024, ms }));
