// What feed() takes: every BufferSource by its bytes, and text; anything else is a TypeError that
// names it, parses nothing and leaves the parser as it was. Every chunk is fed after a poison
// chunk at least as large, so a path that copied fewer bytes into the module than it then parsed
// would parse poison (stale input) instead of the chunk.
import { deepEqual, equal, ok, throws } from './assert.mjs';

const encoder = new TextEncoder();

// A comment line: fed between whole events it changes nothing, and nobody hears it.
function poisonFor(size) {
  return `:${'POISON'.repeat(Math.ceil((2 * size + 16) / 6))}\n`;
}

function recorder(createParser, config = {}) {
  const events = [];
  const parser = createParser({ onEvent: (event) => events.push(event.data), ...config });
  return { parser, events };
}

// The UTF-8 bytes of `text`, padded with blank lines to a multiple of 8 bytes (so that views of
// every element size cover them exactly).
function paddedBytes(text) {
  while (encoder.encode(text).length % 8 !== 0) text += '\n';
  return encoder.encode(text);
}

// `bytes` inside a larger buffer, with junk around them: [buffer, offset].
function embedded(bytes, before = 8, after = 8) {
  const buffer = new ArrayBuffer(before + bytes.length + after);
  const all = new Uint8Array(buffer);
  all.fill('x'.charCodeAt(0));
  all.set(bytes, before);
  return [buffer, before];
}

function copyToBuffer(bytes, ArrayBufferClass = ArrayBuffer) {
  const buffer = new ArrayBufferClass(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

// Every kind of BufferSource holding `bytes`, with the name of the kind.
function bufferSources(bytes, { foreign, NodeBuffer }) {
  const kinds = [
    ['Uint8Array', bytes],
    ['ArrayBuffer', copyToBuffer(bytes)],
    ['DataView', new DataView(copyToBuffer(bytes))],
  ];
  for (const TypedArray of [Int8Array, Uint8ClampedArray, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array,
    Float64Array, BigInt64Array, BigUint64Array]) {
    kinds.push([TypedArray.name, new TypedArray(copyToBuffer(bytes))]);
  }
  const [buffer, offset] = embedded(bytes);
  kinds.push(['Uint8Array at an offset of a larger buffer', new Uint8Array(buffer, offset, bytes.length)]);
  kinds.push(['DataView at an offset of a larger buffer', new DataView(buffer, offset, bytes.length)]);
  kinds.push(['Uint16Array at an offset of a larger buffer', new Uint16Array(buffer, offset, bytes.length / 2)]);
  kinds.push(['a subarray()', new Uint8Array(buffer).subarray(offset, offset + bytes.length)]);
  if (typeof SharedArrayBuffer === 'function') {
    const shared = copyToBuffer(bytes, SharedArrayBuffer);
    kinds.push(['SharedArrayBuffer', shared], ['Uint8Array over a SharedArrayBuffer', new Uint8Array(shared)]);
  }
  if (NodeBuffer) kinds.push(['Node Buffer', NodeBuffer.from(bytes)]);
  if (foreign) {
    const view = new foreign.Uint8Array(bytes.length);
    view.set(bytes);
    kinds.push(['Uint8Array of another realm', view], ['ArrayBuffer of another realm', view.buffer]);
    const words = new foreign.Uint16Array(view.buffer);
    kinds.push(['Uint16Array of another realm', words], ['DataView of another realm', new foreign.DataView(view.buffer)]);
  }
  return kinds;
}

const NOT_BYTES = [
  ['a number', 42, /a number \(42\)/],
  ['a boolean', true, /a boolean \(true\)/],
  ['null', null, /got null/],
  ['undefined', undefined, /got undefined/],
  ['a plain object', {}, /got an object/],
  ['an object with a byteLength', { byteLength: 64 }, /got an object/],
  ['an object with a buffer', { buffer: new ArrayBuffer(8), byteOffset: 0, byteLength: 8 }, /got an object/],
  ['an array of numbers', [100, 97, 116, 97], /got an array/],
  ['a function', () => 'data: x\n\n', /got a function/],
  ['a symbol', Symbol('x'), /got a symbol/],
  ['a bigint', 10n, /a bigint \(10n\)/],
  ['a promise', Promise.resolve('data: x\n\n'), /an object \(Promise\)/],
  ['a Map', new Map(), /an object \(Map\)/],
];

export const feedInputChecks = [
  {
    name: 'feed() takes every BufferSource by its bytes, after a larger poison chunk: nothing stale is parsed',
    run({ createParser, ...realms }) {
      const probe = paddedBytes('data: probe\n\n');
      const kinds = bufferSources(probe, realms);
      ok(kinds.length >= 17, `${kinds.length} kinds`);
      for (const [kind] of kinds) {
        const bytes = paddedBytes(`id: 1\ndata: ${kind}\n\n`);
        const [, chunk] = bufferSources(bytes, realms).find(([k]) => k === kind);
        const { parser, events } = recorder(createParser);
        parser.feed(poisonFor(bytes.length));
        parser.feed(chunk);
        parser.feed(poisonFor(bytes.length));
        parser.feed(chunk); // again: the same memory as the previous feed
        deepEqual(events, [kind, kind], kind);
        equal(parser.lastEventId, '1', kind);
        parser.dispose();
      }
    },
  },
  {
    name: 'feed() of small and large chunks, text and bytes, after poison: each parses exactly its own bytes',
    run({ createParser }) {
      for (const size of [1, 7, 31, 32, 33, 100, 4096, 70000]) {
        const text = `data: ${'é'.repeat(Math.max(0, (size - 8) >> 1))}\n\n`;
        for (const asText of [false, true]) {
          const { parser, events } = recorder(createParser);
          const chunk = asText ? text : encoder.encode(text);
          parser.feed(poisonFor(encoder.encode(text).length));
          parser.feed(chunk);
          parser.feed(poisonFor(1)); // smaller than the buffer: the rest of it is the last chunk
          parser.feed(chunk);
          deepEqual(events.length, 2, `size ${size}${asText ? ' as text' : ''}`);
          ok(events.every((data) => data === text.slice(6, -2)), `size ${size}${asText ? ' as text' : ''}`);
          parser.dispose();
        }
      }
    },
  },
  {
    name: 'feed() of anything else is a TypeError that names it, parses nothing, and the parser goes on',
    run({ createParser }) {
      for (const [what, value, pattern] of NOT_BYTES) {
        const { parser, events } = recorder(createParser);
        parser.feed('id: 7\ndata: be');
        throws(() => parser.feed(value), TypeError, pattern, what);
        throws(() => parser.feed(value), TypeError, /feed\(\) takes a string or a BufferSource/, what);
        parser.feed('fore\n\n');
        deepEqual(events, ['before'], `${what}: the line around the bad call is whole`);
        equal(parser.lastEventId, '7', what);
        parser.dispose();
      }
    },
  },
  {
    name: 'feed() of an ArrayBuffer-like object after a real chunk does not replay the real chunk',
    run({ createParser }) {
      // The old bug: the previous chunk's event was dispatched a second time.
      const { parser, events } = recorder(createParser);
      parser.feed(encoder.encode('data: once\n\n'));
      throws(() => parser.feed({ byteLength: 12 }), TypeError, /got an object/);
      throws(() => parser.feed(new Array(12).fill(10)), TypeError, /got an array/);
      deepEqual(events, ['once']);
      parser.dispose();
    },
  },
  {
    name: 'a detached ArrayBuffer is empty: nothing is parsed',
    run({ createParser }) {
      if (typeof structuredClone !== 'function') return;
      const buffer = copyToBuffer(encoder.encode('data: gone\n\n'));
      const view = new DataView(buffer);
      structuredClone(buffer, { transfer: [buffer] }); // detaches it
      const { parser, events } = recorder(createParser);
      parser.feed(buffer);
      parser.feed(view);
      parser.feed('data: after\n\n');
      deepEqual(events, ['after']);
      parser.dispose();
    },
  },
  {
    name: 'feed() after dispose() throws a clear Error and dispatches nothing',
    run({ createParser }) {
      const { parser, events } = recorder(createParser);
      parser.feed('data: a\n\n');
      parser.dispose();
      parser.dispose(); // twice is fine
      throws(() => parser.feed('data: b\n\n'), Error, /disposed/);
      throws(() => parser.reset(), Error, /disposed/);
      deepEqual(events, ['a']);
    },
  },
];
