// EventSource survives whatever its `fetch` option returns: not a response, no body, a body that
// is no stream, a reader that yields non-bytes, throws, or never settles on cancel. Each ends as
// an `error` event with a reason, and CLOSED or CONNECTING as the standard's nearest case says;
// the runner also checks that no promise was left rejected and unhandled.
import { deepEqual, equal, ok, sleep, until } from './assert.mjs';

const encoder = new TextEncoder();
const URL_ = 'http://127.0.0.1:9/custom-fetch'; // never fetched: every check brings its fetch
const STREAM_HEADERS = { get: (name) => (name.toLowerCase() === 'content-type' ? 'text/event-stream' : null) };

// A response-like object with the given body (and the rest right).
const responseWith = (body, extra = {}) => ({ status: 200, url: URL_, headers: STREAM_HEADERS, body, ...extra });
// A body whose reader is `reader`.
const bodyWithReader = (reader) => ({ getReader: () => reader, cancel: () => Promise.resolve() });
// A reader that yields `values` as chunks, then ends (or hangs, with `hang`; or rejects with
// `failure`).
function readerOf(values, { hang = false, failure, cancel } = {}) {
  const queue = [...values];
  const after = () => (failure ? Promise.reject(failure) : hang ? new Promise(() => {}) : Promise.resolve({ done: true }));
  return {
    read: () => (queue.length > 0 ? Promise.resolve({ done: false, value: queue.shift() }) : after()),
    cancel: cancel ?? (() => Promise.resolve()),
    releaseLock() {},
  };
}

// Opens a source with `fetch` and records what it dispatches, with readyState at each event.
function watch(EventSource, fetch, init = {}) {
  const calls = [];
  const log = [];
  const source = new EventSource(URL_, {
    ...init,
    fetch: (...args) => {
      calls.push(args);
      return fetch(calls.length, ...args);
    },
  });
  for (const type of ['open', 'message', 'error']) {
    source.addEventListener(type, (event) =>
      log.push({
        type,
        data: event.data,
        reason: event.reason,
        problem: event.problem,
        message: event.message,
        code: event.code,
        state: source.readyState,
      }),
    );
  }
  return { source, log, calls };
}

async function expectInvalidResponse(EventSource, fetch, problem, { opened = false, message } = {}) {
  const { source, log, calls } = watch(EventSource, fetch);
  await until(() => log.some((e) => e.type === 'error'), 2000, 'an error event');
  await sleep(30); // anything else would come now
  const types = log.map((e) => e.type);
  deepEqual(types, opened ? ['open', 'error'] : ['error'], 'events');
  const error = log.at(-1);
  equal(error.reason, 'invalid-response', 'reason');
  equal(error.state, 2, 'CLOSED at the error: a broken fetch is not retried');
  ok(problem.test(error.problem), `problem ${JSON.stringify(error.problem)} matches ${problem}`);
  equal(error.message, message ?? error.problem, 'message');
  equal(source.readyState, 2);
  equal(calls.length, 1, 'one request');
}

export const customFetchChecks = [
  ...[
    ['null', null, /resolved to null/],
    ['undefined', undefined, /resolved to undefined/],
    ['a number', 42, /resolved to a number/],
    ['a string', 'data: x\n\n', /resolved to a string/],
    ['an object without a status', { headers: STREAM_HEADERS, body: null }, /no numeric status/],
    ['an object without headers', { status: 200, body: null }, /no headers/],
  ].map(([what, value, problem]) => ({
    name: `fetch() resolving to ${what}: error "invalid-response", CLOSED`,
    run: ({ EventSource }) => expectInvalidResponse(EventSource, () => Promise.resolve(value), problem),
  })),
  ...[
    ['a string', 'data: x\n\n', /body is a string/],
    ['an object without getReader', { text: () => 'data: x\n\n' }, /body is an object/],
    ['a number', 7, /body is a number/],
    ['missing (null)', null, /has no body/],
    ['missing (undefined)', undefined, /has no body/],
  ].map(([what, body, problem]) => ({
    name: `eventsource contract: a response body that is ${what}, not a stream: open, then error "invalid-response" with eventsource 5's message and code 200, CLOSED`,
    async run({ EventSource }) {
      await expectInvalidResponse(EventSource, () => Promise.resolve(responseWith(body)), problem, {
        opened: true,
        message: 'Invalid response body, expected a web ReadableStream',
      });
      // A response that fails for its status or type fails for that, body or not.
      const { log } = watch(EventSource, () => Promise.resolve(responseWith(body, { status: 404 })));
      await until(() => log.some((e) => e.type === 'error'), 2000, 'an error event');
      deepEqual(log.map((e) => [e.type, e.reason, e.code, e.message]), [['error', 'http-status', 404, 'Non-200 status code (404)']]);
    },
  })),
  {
    name: 'a body whose getReader() throws: open, then error "invalid-response", CLOSED',
    run: ({ EventSource }) =>
      expectInvalidResponse(
        EventSource,
        () => Promise.resolve(responseWith({ getReader() { throw new Error('no reader'); } })),
        /getReader\(\) threw: no reader/,
        { opened: true },
      ),
  },
  ...[
    ['a string', ['data: x\n\n'], /yielded a string/],
    ['a number', [42], /yielded a number/],
    ['nothing (value undefined)', [undefined], /yielded undefined/],
    ['an array of numbers', [[100, 97, 116, 97]], /yielded an array/],
  ].map(([what, values, problem]) => ({
    name: `a reader that yields ${what}: open, then error "invalid-response", CLOSED`,
    run: ({ EventSource }) =>
      expectInvalidResponse(EventSource, () => Promise.resolve(responseWith(bodyWithReader(readerOf(values))))
        , problem, { opened: true }),
  })),
  {
    name: 'a reader whose read() resolves to null: open, then error "invalid-response", CLOSED',
    run: ({ EventSource }) =>
      expectInvalidResponse(
        EventSource,
        () => Promise.resolve(responseWith(bodyWithReader({ read: () => Promise.resolve(null), cancel: () => Promise.resolve() }))),
        /read\(\) resolved to null/,
        { opened: true },
      ),
  },
  {
    name: 'a reader that yields ArrayBuffer, DataView and Uint16Array chunks: their bytes are the stream',
    async run({ EventSource }) {
      const bytes = encoder.encode('data: ab\n\ndata: cd\n\n'); // 20 bytes
      const chunks = [bytes.slice(0, 4).buffer, new DataView(bytes.slice(4, 10).buffer), new Uint16Array(bytes.slice(10, 20).buffer)];
      const { source, log } = watch(EventSource, () => Promise.resolve(responseWith(bodyWithReader(readerOf(chunks, { hang: true })))));
      await until(() => log.filter((e) => e.type === 'message').length === 2, 2000, 'two messages');
      deepEqual(log.map((e) => e.data ?? e.type), ['open', 'ab', 'cd']);
      source.close();
    },
  },
  {
    name: 'a response whose body is an empty stream: open, then error "end-of-stream" and a reconnection',
    async run({ EventSource }) {
      const { source, log, calls } = watch(EventSource, (n) =>
        Promise.resolve(
          responseWith(bodyWithReader(n === 1 ? readerOf([]) : readerOf([encoder.encode('data: second\n\n')], { hang: true }))),
        ),
      );
      await until(() => log.some((e) => e.type === 'error'), 2000, 'the end of the empty stream');
      const error = log.find((e) => e.type === 'error');
      equal(error.reason, 'end-of-stream');
      equal(error.state, 0, 'CONNECTING');
      source.close();
      equal(calls.length, 1);
    },
  },
  {
    name: 'a reader whose read() rejects is a network error: error "network", CONNECTING, and the next request goes on',
    async run({ EventSource }) {
      const { source, log, calls } = watch(EventSource, (n) =>
        Promise.resolve(
          n === 1
            ? responseWith(bodyWithReader(readerOf([encoder.encode('retry: 20\n')], { failure: new TypeError('connection reset') })))
            : responseWith(bodyWithReader(readerOf([encoder.encode('data: again\n\n')], { hang: true }))),
        ),
      );
      await until(() => log.some((e) => e.type === 'message'), 3000, 'the message of the second request');
      const error = log.find((e) => e.type === 'error');
      equal(error.reason, 'network');
      equal(error.state, 0, 'CONNECTING');
      ok(/connection reset/.test(error.message), error.message);
      equal(calls.length, 2);
      source.close();
    },
  },
  {
    name: 'fetch() that throws at once is a network error: error "network", CONNECTING',
    async run({ EventSource }) {
      const { source, log, calls } = watch(EventSource, () => {
        throw new TypeError('synchronous failure');
      });
      await until(() => log.some((e) => e.type === 'error'), 2000, 'the error');
      equal(log[0].reason, 'network');
      equal(log[0].state, 0);
      ok(/synchronous failure/.test(log[0].message), log[0].message);
      source.close();
      equal(calls.length, 1);
    },
  },
  {
    name: 'fetch() that returns a response itself, not a promise of one, works',
    async run({ EventSource }) {
      const { source, log } = watch(EventSource, () => responseWith(bodyWithReader(readerOf([encoder.encode('data: sync\n\n')], { hang: true }))));
      await until(() => log.some((e) => e.type === 'message'), 2000, 'the message');
      deepEqual(log.map((e) => e.data ?? e.type), ['open', 'sync']);
      source.close();
    },
  },
  ...[
    ['throws', () => { throw new Error('cancel threw'); }],
    ['rejects', () => Promise.reject(new Error('cancel rejected'))],
    ['never settles', () => new Promise(() => {})],
    ['returns no promise', () => 'nothing'],
  ].map(([what, cancel]) => ({
    name: `close() while reading, with a reader whose cancel() ${what}: CLOSED at once, nothing more dispatched`,
    async run({ EventSource }) {
      const reader = readerOf([encoder.encode('data: one\n\n')], { hang: true, cancel });
      const { source, log } = watch(EventSource, () => Promise.resolve(responseWith({ getReader: () => reader, cancel })));
      await until(() => log.some((e) => e.type === 'message'), 2000, 'the message');
      source.close();
      equal(source.readyState, 2);
      await sleep(30);
      deepEqual(log.map((e) => e.type), ['open', 'message']);
    },
  })),
  {
    name: 'a custom fetch that never settles: close() still closes, and nothing is dispatched',
    async run({ EventSource }) {
      const { source, log } = watch(EventSource, () => new Promise(() => {}), { heartbeatTimeout: 60000 });
      await sleep(20);
      source.close();
      equal(source.readyState, 2);
      await sleep(20);
      deepEqual(log, []);
    },
  },
  {
    name: 'response.headers.get() that throws: error "invalid-response", CLOSED',
    run: ({ EventSource }) =>
      expectInvalidResponse(
        EventSource,
        () => Promise.resolve({ status: 200, url: URL_, body: null, headers: { get() { throw new Error('broken headers'); } } }),
        /broken headers/,
      ),
  },
];
