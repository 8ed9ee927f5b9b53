// EventSource.fromReadableStream(), reset(), lastEventId and reconnectionTime as whatwg/html PR
// #12272 defines them, each behaviour its tests (web-platform-tests PR #58550) list, written as
// this project's own checks; and Symbol.dispose on sources and parsers.
import { deepEqual, equal, ok, sleep, throws, until } from './assert.mjs';

const encoder = new TextEncoder();

function streamOf(chunks, { close = true } = {}) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      if (close) controller.close();
    },
  });
}

// Everything a source dispatches, with readyState at each event.
function watch(source) {
  const log = [];
  for (const type of ['open', 'message', 'error', 'custom']) {
    source.addEventListener(type, (event) =>
      log.push({ type, data: event.data, lastEventId: event.lastEventId, reason: event.reason, state: source.readyState }),
    );
  }
  return log;
}

const ended = (log) => log.some((e) => e.type === 'error');

export const fromReadableStreamChecks = [
  {
    name: 'standard (PR #12272): fromReadableStream() gives an EventSource, CONNECTING, url about:event-stream, no credentials, lastEventId "", a positive reconnectionTime',
    run({ EventSource }) {
      const source = EventSource.fromReadableStream(streamOf([]));
      ok(source instanceof EventSource);
      deepEqual([source.readyState, source.url, source.withCredentials, source.lastEventId], [0, 'about:event-stream', false, '']);
      ok(source.reconnectionTime > 0, `${source.reconnectionTime}`);
      source.close();
    },
  },
  {
    name: 'standard (PR #12272): a locked stream, or anything but a stream, is a TypeError',
    run({ EventSource }) {
      const locked = streamOf([]);
      locked.getReader();
      throws(() => EventSource.fromReadableStream(locked), TypeError, /locked/);
      for (const value of [undefined, null, 'data: x\n\n', {}, new Uint8Array(1)]) {
        throws(() => EventSource.fromReadableStream(value), TypeError, /takes a ReadableStream/);
      }
    },
  },
  {
    name: 'standard (PR #12272): open (OPEN), the messages with origin "null", then at the end error with CLOSED, and no reconnection',
    async run({ EventSource }) {
      const stream = streamOf(['data: hello\ndata: world\n\n', ': note\nevent: custom\ndata: typed\n\nid: 42\ndata: third\n\n']);
      const source = EventSource.fromReadableStream(stream);
      ok(stream.locked, 'the stream is locked to the source');
      const log = watch(source);
      const origins = [];
      source.onmessage = (event) => origins.push(event.origin);
      await until(() => ended(log), 2000, 'the end of the stream');
      await sleep(50); // a reconnection would show here
      deepEqual(log, [
        { type: 'open', data: undefined, lastEventId: undefined, reason: undefined, state: 1 },
        { type: 'message', data: 'hello\nworld', lastEventId: '', reason: undefined, state: 1 },
        { type: 'custom', data: 'typed', lastEventId: '', reason: undefined, state: 1 },
        { type: 'message', data: 'third', lastEventId: '42', reason: undefined, state: 1 },
        { type: 'error', data: undefined, lastEventId: undefined, reason: 'end-of-stream', state: 2 },
      ]);
      deepEqual(origins, ['null', 'null']);
      equal(source.lastEventId, '42');
    },
  },
  {
    name: 'standard (PR #12272): an empty stream opens, then errors with CLOSED; an erroring stream errors with CLOSED',
    async run({ EventSource }) {
      const empty = watch(EventSource.fromReadableStream(streamOf([])));
      await until(() => ended(empty), 2000, 'the end');
      deepEqual(empty.map((e) => [e.type, e.state]), [['open', 1], ['error', 2]]);
      const failing = new ReadableStream({ start: (controller) => controller.error(new Error('broken pipe')) });
      const source = EventSource.fromReadableStream(failing);
      let message;
      source.onerror = (event) => (message = event.message);
      const log = watch(source);
      await until(() => ended(log), 2000, 'the error');
      equal(log.at(-1).state, 2);
      equal(log.at(-1).reason, 'stream-error');
      ok(/broken pipe/.test(message), message);
    },
  },
  {
    name: 'standard (PR #12272): id and retry set lastEventId and reconnectionTime; a bogus retry is ignored',
    async run({ EventSource }) {
      const source = EventSource.fromReadableStream(streamOf(['retry: 5000\nid: 7\ndata: a\n\nretry: bogus\ndata: b\n\n'], { close: false }));
      const seen = [];
      source.onmessage = (event) => seen.push([event.data, source.lastEventId, source.reconnectionTime]);
      await until(() => seen.length === 2, 2000, 'two messages');
      deepEqual(seen, [['a', '7', 5000], ['b', '7', 5000]]);
      source.close();
    },
  },
  {
    name: 'standard (PR #12272): the same parser as a URL: chunks split anywhere, CR, LF and CRLF, one leading BOM',
    async run({ EventSource }) {
      const bytes = encoder.encode('\uFEFFdata: cr\r\rdata: lf\n\ndata: crlf\r\n\r\ndata: é😀\n\n');
      for (const size of [bytes.length, 5, 1]) {
        const chunks = [];
        for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
        const log = watch(EventSource.fromReadableStream(streamOf(chunks)));
        await until(() => ended(log), 2000, `chunks of ${size}`);
        deepEqual(log.filter((e) => e.type === 'message').map((e) => e.data), ['cr', 'lf', 'crlf', 'é😀'], `chunks of ${size}`);
      }
    },
  },
  {
    name: 'standard (PR #12272): close() sets CLOSED at once, cancels the stream, and nothing more is dispatched',
    async run({ EventSource }) {
      let cancelled = null;
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(encoder.encode('data: one\n\n'));
        },
        cancel(reason) {
          cancelled = { reason };
        },
      });
      const source = EventSource.fromReadableStream(stream);
      const log = watch(source);
      await until(() => log.some((e) => e.type === 'message'), 2000, 'the message');
      source.close();
      equal(source.readyState, 2);
      await until(() => cancelled !== null, 2000, 'the stream cancelled');
      await sleep(20);
      deepEqual(log.map((e) => e.type), ['open', 'message']);
      // Closed before it opened: no event at all.
      const early = watch((() => { const s = EventSource.fromReadableStream(streamOf(['data: x\n\n'])); s.close(); return s; })());
      await sleep(20);
      deepEqual(early, []);
    },
  },
  {
    name: 'a stream of something other than bytes ends with error "invalid-chunk", CLOSED, and is cancelled',
    async run({ EventSource }) {
      for (const chunk of ['data: text\n\n', 42, { data: 'x' }]) {
        let cancelled = false;
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(chunk);
          },
          cancel() {
            cancelled = true;
          },
        });
        const source = EventSource.fromReadableStream(stream);
        let message;
        source.onerror = (event) => (message = event.message);
        const log = watch(source);
        await until(() => ended(log), 2000, 'the error');
        deepEqual(log.map((e) => [e.type, e.state, e.reason]), [['open', 1, undefined], ['error', 2, 'invalid-chunk']]);
        ok(/not bytes/.test(message), message);
        await until(() => cancelled, 2000, 'the stream cancelled');
      }
    },
  },
  {
    name: 'standard (PR #12272): the TransformStream pattern: streams piped in one after another, reset() between them, lastEventId and reconnectionTime kept',
    async run({ EventSource }) {
      const pipe = new TransformStream();
      const source = EventSource.fromReadableStream(pipe.readable);
      const log = watch(source);
      // The first "connection" ends inside an event; reset() drops it before the next one.
      await streamOf(['retry: 1500\nid: 42\ndata: first\n\ndata: cut-off']).pipeTo(pipe.writable, { preventClose: true });
      await until(() => log.some((e) => e.data === 'first'), 2000, 'the first message');
      source.reset();
      equal(source.lastEventId, '42');
      equal(source.reconnectionTime, 1500);
      await streamOf(['\uFEFFdata: second\n\n']).pipeTo(pipe.writable, { preventClose: false });
      await until(() => ended(log), 2000, 'the end of the second stream');
      deepEqual(log.filter((e) => e.type === 'message').map((e) => [e.data, e.lastEventId]), [['first', '42'], ['second', '42']]);
      equal(log.at(-1).state, 2);
    },
  },
  {
    name: 'standard (PR #12272): reset() on a URL-based source drops the pending event; the getters read what the stream set',
    async run({ EventSource }) {
      let push;
      const body = new ReadableStream({ start: (controller) => (push = (text) => controller.enqueue(encoder.encode(text))) });
      const response = { status: 200, url: 'http://127.0.0.1:9/x', headers: { get: () => 'text/event-stream' }, body };
      const source = new EventSource('http://127.0.0.1:9/x', { fetch: () => Promise.resolve(response) });
      const log = watch(source);
      await until(() => log.some((e) => e.type === 'open'), 2000, 'open');
      push('retry: 2500\nid: 9\ndata: kept\n\nid: 10\ndata: dropp');
      await until(() => log.some((e) => e.type === 'message'), 2000, 'the message');
      source.reset();
      push('ed\n\ndata: next\n\n');
      await until(() => log.filter((e) => e.type === 'message').length === 2, 2000, 'the next message');
      deepEqual(log.filter((e) => e.type === 'message').map((e) => [e.data, e.lastEventId]), [['kept', '9'], ['next', '9']]);
      deepEqual([source.lastEventId, source.reconnectionTime], ['9', 2500]);
      source.close();
      source.reset(); // closed: nothing to do, no error
    },
  },
  {
    name: 'Symbol.dispose: disposing a source closes it, disposing a parser frees it',
    run({ EventSource, createParser }) {
      if (typeof Symbol.dispose !== 'symbol') return; // (the platform has no explicit resource management)
      const source = EventSource.fromReadableStream(streamOf([]));
      source[Symbol.dispose]();
      equal(source.readyState, 2);
      const parser = createParser({ onEvent() {} });
      parser[Symbol.dispose]();
      throws(() => parser.feed('data: x\n\n'), Error, /disposed/);
    },
  },
];
