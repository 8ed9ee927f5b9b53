// EventSourceParserStream against eventsource-parser/stream's documented behaviour: text (or, ours,
// bytes) in, { id, event, data } out; onError 'terminate' or a callback; max-buffer-size-exceeded
// always errors the stream; onRetry, onComment and onId; async iteration; and a stream that ends
// early (cancelled, aborted, errored) frees its parser then, not when garbage collected.
import { deepEqual, equal, ok } from './assert.mjs';

const encoder = new TextEncoder();

function readableOf(chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(stream) {
  const events = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    events.push(value);
  }
}

const INPUT = 'retry: 100\n: note\nid: 1\nevent: greet\ndata: hello\ndata: world\n\ndata: plain\n\nbogus\ndata: last\n\n';
const EXPECTED = [
  { id: '1', event: 'greet', data: 'hello\nworld' },
  { id: undefined, event: undefined, data: 'plain' },
  { id: undefined, event: undefined, data: 'last' },
];

export const parserStreamChecks = [
  {
    name: 'eventsource-parser contract: EventSourceParserStream turns text into { id, event, data }, whatever the chunking',
    async run({ EventSourceParserStream }) {
      for (const chunks of [[INPUT], [...INPUT], [INPUT.slice(0, 37), INPUT.slice(37)]]) {
        deepEqual(await collect(readableOf(chunks).pipeThrough(new EventSourceParserStream())), EXPECTED, `${chunks.length} chunks`);
      }
    },
  },
  {
    name: 'EventSourceParserStream takes bytes too, with no TextDecoderStream in front, split anywhere',
    async run({ EventSourceParserStream }) {
      const bytes = encoder.encode(INPUT.replace('plain', 'plaïn ✓ 😀'));
      const expected = EXPECTED.map((e) => (e.data === 'plain' ? { ...e, data: 'plaïn ✓ 😀' } : e));
      const pieces = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
      for (const chunks of [[bytes], pieces]) {
        deepEqual(await collect(readableOf(chunks).pipeThrough(new EventSourceParserStream())), expected, `${chunks.length} chunks`);
      }
    },
  },
  {
    name: 'eventsource-parser contract: onRetry, onComment and onId hear the stream',
    async run({ EventSourceParserStream }) {
      const heard = [];
      const stream = new EventSourceParserStream({
        onRetry: (r) => heard.push(`retry ${r}`),
        onComment: (c) => heard.push(`comment ${c}`),
        onId: (id) => heard.push(`id ${id}`),
      });
      deepEqual(await collect(readableOf([INPUT]).pipeThrough(stream)), EXPECTED);
      deepEqual(heard, ['retry 100', 'comment note', 'id 1']);
    },
  },
  {
    name: "eventsource-parser contract: by default parse errors are ignored; onError 'terminate' errors the stream with the ParseError",
    async run({ EventSourceParserStream, ParseError }) {
      deepEqual((await collect(readableOf([INPUT]).pipeThrough(new EventSourceParserStream()))).length, 3);
      let failure;
      const events = [];
      try {
        // A reader, not for await: WebKit's ReadableStream is not async iterable (WebKitGTK 2.50).
        const reader = readableOf([INPUT]).pipeThrough(new EventSourceParserStream({ onError: 'terminate' })).getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read()) events.push(read.value);
      } catch (error) {
        failure = error;
      }
      ok(failure instanceof ParseError, `a ParseError: ${failure}`);
      equal(failure.type, 'unknown-field');
      equal(failure.field, 'bogus');
      ok(events.length <= 2, 'nothing after the error'); // (an errored stream drops what was unread)
    },
  },
  {
    name: 'eventsource-parser contract: an onError callback hears every error and the stream goes on',
    async run({ EventSourceParserStream }) {
      const errors = [];
      const stream = new EventSourceParserStream({ onError: (error) => errors.push(error.type) });
      deepEqual(await collect(readableOf(['retry: x\n', INPUT]).pipeThrough(stream)), EXPECTED);
      deepEqual(errors, ['invalid-retry', 'unknown-field']);
    },
  },
  {
    name: 'eventsource-parser contract: past maxBufferSize the stream always errors with max-buffer-size-exceeded',
    async run({ EventSourceParserStream }) {
      for (const onError of [undefined, () => {}]) {
        let failure;
        const heard = [];
        try {
          await collect(
            readableOf(['data: ok\n\n', `data: ${'x'.repeat(100)}\n\n`, 'data: never\n\n']).pipeThrough(
              new EventSourceParserStream({ maxBufferSize: 32, onError: onError && ((e) => heard.push(e.type)) }),
            ),
          );
        } catch (error) {
          failure = error;
        }
        equal(failure?.type, 'max-buffer-size-exceeded', `onError ${typeof onError}`);
        if (onError) deepEqual(heard, ['max-buffer-size-exceeded']);
      }
    },
  },
  {
    // (Minified builds rename the class: its name is kept by the class itself.)
    name: 'eventsource-parser contract: EventSourceParserStream is a TransformStream class named EventSourceParserStream, the name not enumerable',
    async run({ EventSourceParserStream }) {
      equal(EventSourceParserStream.name, 'EventSourceParserStream');
      deepEqual(Object.keys(EventSourceParserStream), []);
      ok(new EventSourceParserStream() instanceof TransformStream, 'a TransformStream');
      equal(EventSourceParserStream.name, 'EventSourceParserStream', 'once the class has TransformStream as its parent');
    },
  },
  {
    name: "eventsource-parser contract: an onError that is neither a function nor 'terminate' ignores errors",
    async run({ EventSourceParserStream }) {
      const stream = new EventSourceParserStream({ onError: 'ignore' });
      deepEqual(await collect(readableOf([INPUT]).pipeThrough(stream)), EXPECTED);
    },
  },
  {
    // Each session is ~0.5 KB of WebAssembly memory, which only grows: 1500 sessions left to the
    // garbage collector would grow it by ~1 MiB (tests/js/leaks.test.mjs counts 8000 per way).
    name: 'a stream ended early — a reader that cancels, an aborted source, an error — frees its parser at once: 1500 of them leave the WebAssembly memory as it was',
    async run({ EventSourceParserStream, WasmEventSource }) {
      const endings = [
        async () => {
          const reader = readableOf([INPUT]).pipeThrough(new EventSourceParserStream()).getReader();
          await reader.read();
          await reader.cancel('enough');
        },
        async () => {
          const failing = new ReadableStream({
            pull(controller) {
              controller.error(new Error('network lost'));
            },
          });
          await collect(failing.pipeThrough(new EventSourceParserStream())).catch(() => {});
        },
        async () => {
          await collect(readableOf([INPUT]).pipeThrough(new EventSourceParserStream({ onError: 'terminate' }))).catch(() => {});
        },
      ];
      const run = async (count) => {
        for (let i = 0; i < count; i++) await endings[i % endings.length]();
      };
      await run(150);
      const before = WasmEventSource.wasmMemoryBytes;
      ok(before > 0, 'the module is loaded');
      await run(1500);
      equal(WasmEventSource.wasmMemoryBytes, before, 'bytes of WebAssembly memory after 1500 more streams');
    },
  },
];
