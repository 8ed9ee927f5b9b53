// Large batches: one chunk holds thousands of events whose texts fill many arena pieces (the
// module hands the text back in pieces of about 1 KiB in Node and 4 KiB in browsers, see
// wasm/binding.cpp), ASCII and not, short and longer than a piece, with types and IDs. The
// expected events are the generator's own, so the check needs no other parser.
import { deepEqual, equal } from './assert.mjs';

// A deterministic generator, so a failure can be replayed.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABETS = ['abcdefghij', 'aé€😀日本x', '{"k":[1,2]}', 'ü'];

// `count` events as { type, id, data } and the stream that carries them (data with LFs become
// several data lines).
function generate(seed, count) {
  const next = random(seed);
  const events = [];
  let text = '';
  let lastId = '';
  for (let i = 0; i < count; i++) {
    const alphabet = ALPHABETS[Math.floor(next() * ALPHABETS.length)];
    const roll = next();
    const length = roll < 0.5 ? Math.floor(next() * 30) : roll < 0.95 ? Math.floor(next() * 400) : 1000 + Math.floor(next() * 5000);
    let data = '';
    while (data.length < length) data += next() < 0.02 ? '\n' : [...alphabet][Math.floor(next() * [...alphabet].length)];
    const type = next() < 0.3 ? `type${Math.floor(next() * 3)}` : undefined;
    if (next() < 0.4) {
      lastId = `id-${i}${next() < 0.2 ? 'é' : ''}`;
      text += `id: ${lastId}\n`;
    }
    if (type) text += `event: ${type}\n`;
    text += `${data.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`;
    events.push({ type: type ?? 'message', id: lastId, data });
  }
  return { events, bytes: new TextEncoder().encode(text) };
}

function chunks(bytes, size) {
  const out = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

function parseAll(createParser, pieces) {
  const seen = [];
  const parser = createParser({ onEvent: (e) => seen.push({ type: e.event ?? 'message', id: e.id, data: e.data }) });
  let id = '';
  for (const piece of pieces) parser.feed(piece);
  parser.dispose?.();
  // eventsource-parser gives `id` only on events of a block with an id field: the last event ID
  // of the others is the one before.
  return seen.map((e) => ({ ...e, id: (id = e.id ?? id) }));
}

const { events: EVENTS, bytes: BYTES } = generate(20261201, 3000);

export const largeBatchChecks = [
  {
    name: `createParser: ${EVENTS.length} events (${(BYTES.length / 1024).toFixed(0)} KiB) in one chunk, every data, type and id as written`,
    run({ createParser }) {
      const seen = parseAll(createParser, [BYTES]);
      equal(seen.length, EVENTS.length, 'events');
      for (let i = 0; i < EVENTS.length; i++) deepEqual(seen[i], EVENTS[i], `event ${i}`);
    },
  },
  {
    name: 'createParser: the same stream in chunks of 7 000 bytes and of 65 536',
    run({ createParser }) {
      for (const size of [7000, 65536]) {
        const seen = parseAll(createParser, chunks(BYTES, size));
        equal(seen.length, EVENTS.length, `events at ${size}`);
        for (let i = 0; i < EVENTS.length; i++) deepEqual(seen[i], EVENTS[i], `event ${i} at ${size}`);
      }
    },
  },
  {
    name: 'EventSource.fromReadableStream: the same stream in one chunk, every MessageEvent as written',
    async run({ EventSource }) {
      const source = EventSource.fromReadableStream(
        new ReadableStream({
          start(controller) {
            controller.enqueue(BYTES);
            controller.close();
          },
        }),
      );
      const seen = [];
      const record = (e) => seen.push({ type: e.type, id: e.lastEventId, data: e.data });
      for (const type of ['message', 'type0', 'type1', 'type2']) source.addEventListener(type, record);
      await new Promise((resolve) => source.addEventListener('error', resolve, { once: true }));
      source.close();
      equal(seen.length, EVENTS.length, 'events');
      for (let i = 0; i < EVENTS.length; i++) deepEqual(seen[i], EVENTS[i], `event ${i}`);
    },
  },
];
