// The stored-strings case (a child process with --expose-gc, started by bench.mjs): an
// application keeps one event's `data`, a 24-character string, from each of 2000 chunks of
// 64 KiB. Prints, for `argv[2]` (ours or eventsource-parser), the heap the kept strings hold
// alive beyond their own characters, and how long the parsing took.
import { pathToFileURL } from 'node:url';

const [which, distIndex] = process.argv.slice(2);
const CHUNKS = 2000;
const encoder = new TextEncoder();
const events = Math.floor(65536 / 32);
const chunkOf = (n) => encoder.encode(Array.from({ length: events }, (_, i) => `data: ${String(n * events + i).padStart(24, '0')}\n\n`).join(''));

const kept = [];
let feed;
if (which === 'ours') {
  const { createParser } = await import(pathToFileURL(distIndex).href);
  let first = true;
  const parser = createParser({
    onEvent(event) {
      if (first) kept.push(event.data);
      first = false;
    },
  });
  feed = (chunk) => {
    first = true;
    parser.feed(chunk);
  };
} else {
  const { createParser } = await import('eventsource-parser');
  const decoder = new TextDecoder();
  let first = true;
  const parser = createParser({
    onEvent(event) {
      if (first) kept.push(event.data);
      first = false;
    },
  });
  feed = (chunk) => {
    first = true;
    parser.feed(decoder.decode(chunk, { stream: true }));
  };
}

const chunks = Array.from({ length: 8 }, (_, i) => chunkOf(i)); // (made once: their bytes are not the application's)
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const started = performance.now();
for (let n = 0; n < CHUNKS; n++) feed(chunks[n % chunks.length]);
const ms = performance.now() - started;
globalThis.gc();
globalThis.gc();
const after = process.memoryUsage().heapUsed;
const own = kept.reduce((sum, s) => sum + s.length, 0);
console.log(JSON.stringify({ which, kept: kept.length, retainedMiB: (after - before - own) / 2 ** 20, ownKiB: own / 1024, ms }));
