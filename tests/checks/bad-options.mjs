// Every option of every public entry point given bad values: wrong types, negative, NaN,
// infinite, huge. Each gets a TypeError or RangeError naming it at construction, or the coercion
// CONTRIBUTING.md's bad-input table documents; and a value that only a connection can judge (headers from a
// function) fails the source with reason "headers" instead of a retry loop.
import { deepEqual, equal, ok, throws, until } from './assert.mjs';

const URL_ = 'http://127.0.0.1:9/options';
const neverFetch = () => new Promise(() => {});

// [option, bad value, error name, message pattern]
const EVENT_SOURCE_REFUSED = [
  ['fetch', 'fetch', 'TypeError', /`fetch` must be a function, got a string/],
  ['fetch', {}, 'TypeError', /`fetch` must be a function/],
  ['headers', 'Authorization: x', 'TypeError', /`headers` must be an object/],
  ['headers', [['a', 'b']], 'TypeError', /`headers` must be an object/],
  ['headers', 42, 'TypeError', /`headers` must be an object/],
  ['method', 7, 'TypeError', /`method` must be a string/],
  ['method', '', 'TypeError', /an HTTP method name/],
  ['method', 'GE T', 'TypeError', /an HTTP method name/],
  ['method', 'TRACE', 'TypeError', /forbidden method/],
  ['body', 'payload', 'TypeError', /cannot be sent with GET/],
  ['signal', {}, 'TypeError', /`signal` must be an AbortSignal/],
  ['signal', 'abort', 'TypeError', /`signal` must be an AbortSignal/],
  ['heartbeatTimeout', '45000', 'TypeError', /`heartbeatTimeout` must be a number/],
  ['heartbeatTimeout', Number.NaN, 'TypeError', /`heartbeatTimeout` must be a number/],
  ['heartbeatTimeout', -1, 'RangeError', /`heartbeatTimeout` must be at least 0/],
  ['reconnect', 'yes', 'TypeError', /`reconnect` must be an object/],
  ['reconnect', { maxAttempts: -1 }, 'RangeError', /`reconnect.maxAttempts` must be at least 0/],
  ['reconnect', { maxAttempts: 1.5 }, 'RangeError', /`reconnect.maxAttempts` must be an integer/],
  ['reconnect', { factor: 0.5 }, 'RangeError', /`reconnect.factor` must be at least 1/],
  ['reconnect', { maxDelay: Number.NaN }, 'TypeError', /`reconnect.maxDelay` must be a number/],
  ['reconnect', { jitter: 2 }, 'RangeError', /`reconnect.jitter` must be between 0 and 1/],
  ['reconnect', { jitter: -0.1 }, 'RangeError', /`reconnect.jitter` must be at least 0/],
  ['maxEventBytes', '1mb', 'TypeError', /`maxEventBytes` must be a number/],
  ['maxEventBytes', -5, 'RangeError', /`maxEventBytes` must be at least 0/],
  ['maxBufferSize', Number.NaN, 'TypeError', /`maxBufferSize` must be a number/],
  ['maxBufferSize', -Infinity, 'RangeError', /`maxBufferSize` must be at least 0/],
  ['oversizedEvents', 'drop', 'TypeError', /`oversizedEvents` must be 'skip' or 'reconnect'/],
];

function opened(EventSource, init) {
  const source = new EventSource(URL_, { fetch: neverFetch, ...init });
  source.close();
  return source;
}

export const badOptionChecks = [
  {
    name: 'new EventSource(url, init): every option given a bad value is a TypeError or RangeError naming it',
    run({ EventSource }) {
      for (const [option, value, errorName, pattern] of EVENT_SOURCE_REFUSED) {
        const init = { fetch: neverFetch, [option]: value };
        throws(() => new EventSource(URL_, init), errorName, pattern, `${option}: ${String(value)}`);
      }
      for (const init of [5, 'x', true, Symbol('init')]) {
        throws(() => new EventSource(URL_, init), TypeError, /second argument must be an object/, String(init));
      }
      throws(() => new EventSource(URL_, { method: 'POST', body: new ReadableStream(), fetch: neverFetch }), TypeError, /ReadableStream/);
    },
  },
  {
    name: 'new EventSource(url, init): documented coercions (WebIDL boolean and string, none for 0 or Infinity, huge values clamped)',
    run({ EventSource }) {
      equal(opened(EventSource, { withCredentials: 'yes' }).withCredentials, true);
      equal(opened(EventSource, { withCredentials: 0 }).withCredentials, false);
      for (const value of [0, Infinity, 1e300]) opened(EventSource, { heartbeatTimeout: value });
      for (const value of [0, Infinity, 1e300, 2.5]) opened(EventSource, { maxEventBytes: value, maxBufferSize: value });
      opened(EventSource, { reconnect: true });
      opened(EventSource, { reconnect: false });
      opened(EventSource, { reconnect: { maxAttempts: Infinity, maxDelay: Infinity, factor: 1e9 } });
      opened(EventSource, { lastEventId: 42 });
      opened(EventSource, { method: 'post', body: '{}' });
      opened(EventSource, { signal: null, unknownOption: 'ignored' });
    },
  },
  ...[
    ['a function returning a string', () => 'Authorization: x', /must give an object, got a string/],
    ['a function returning null', () => null, /must give an object, got null/],
    ['a function that throws', () => { throw new Error('no token'); }, /no token/],
    ['an async function that rejects', async () => { throw new Error('token expired'); }, /token expired/],
  ].map(([what, headers, pattern]) => ({
    name: `headers: ${what}: error "headers", CLOSED, no request`,
    async run({ EventSource }) {
      let requests = 0;
      const source = new EventSource(URL_, { headers, fetch: () => (requests++, neverFetch()) });
      const errors = [];
      source.onerror = (event) => errors.push({ reason: event.reason, message: event.message, state: source.readyState });
      await until(() => errors.length === 1, 2000, 'the error');
      equal(errors[0].reason, 'headers');
      equal(errors[0].state, 2);
      ok(pattern.test(errors[0].message), errors[0].message);
      equal(requests, 0);
    },
  })),
  {
    name: 'a server retry too large for a timer waits the longest a timer can, not none: no reconnection storm',
    async run({ EventSource }) {
      const encoder = new TextEncoder();
      let requests = 0;
      const response = () => ({
        status: 200,
        url: URL_,
        headers: { get: () => 'text/event-stream' },
        body: new ReadableStream({ start: (c) => (c.enqueue(encoder.encode('retry: 99999999999999\ndata: x\n\n')), c.close()) }),
      });
      const source = new EventSource(URL_, { fetch: async () => (requests++, response()) });
      const errors = [];
      source.onerror = (event) => errors.push(event.reconnectDelay);
      await until(() => errors.length === 1, 2000, 'the end of the stream');
      await new Promise((resolve) => setTimeout(resolve, 50));
      source.close();
      deepEqual(errors, [2 ** 31 - 1]);
      equal(requests, 1);
    },
  },
  {
    name: 'createParser, EventSourceParserStream and fromReadableStream: bad arguments are TypeErrors or RangeErrors naming them',
    run({ createParser, EventSourceParserStream, EventSource }) {
      for (const config of [undefined, null, 'onEvent', 5]) throws(() => createParser(config), TypeError, /createParser\(\)/);
      throws(() => createParser({ onComment: 'x' }), TypeError, /`onComment` must be a function/);
      throws(() => createParser({ maxBufferSize: Number.NaN }), TypeError, /`maxBufferSize` must be a number/);
      throws(() => createParser({ maxBufferSize: -1 }), RangeError, /must not be negative/);
      createParser({ maxBufferSize: 1e300 }).dispose(); // clamped to what the module can hold
      for (const options of [null, 5, 'x']) throws(() => new EventSourceParserStream(options), TypeError, /options must be an object/);
      throws(() => new EventSourceParserStream({ maxBufferSize: -1 }), RangeError, /must not be negative/);
      throws(() => new EventSourceParserStream({ onRetry: 'x' }), TypeError, /`onRetry` must be a function/);
      const parser = createParser({ onEvent() {} });
      parser.reset(5); // (options without a truthy consume: a plain reset)
      parser.reset({ consume: 'yes' });
      parser.dispose();
      throws(() => EventSource.fromReadableStream(), TypeError, /takes a ReadableStream/);
    },
  },
];
