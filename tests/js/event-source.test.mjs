// The EventSource's standard behaviour (WHATWG HTML §9.2, as Chromium implements it) in Node,
// against the local test server. The opt-in extensions are in extensions.test.mjs.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { writeChunks } from '../support/sse-server.mjs';
import {
  CLOSED, CONNECTING, OPEN, EventSource, fixture, heldStream, nextEvent, now, record, sleep,
  sseHeaders, uniquePath, waitFor,
} from './helpers.mjs';

const t = fixture({ before, after, afterEach });

const isSyntaxError = (error) => error instanceof DOMException && error.name === 'SyntaxError';

const reconnectingStream = (...args) => t.reconnectingStream(...args);

describe('constructor', () => {
  test('a relative or invalid URL with no base URL throws a SyntaxError DOMException', () => {
    for (const url of ['/events', 'events', '', 42, 'http://[::1', 'http://exa mple.com/']) {
      assert.throws(() => t.open(url), isSyntaxError, `new EventSource(${JSON.stringify(url)})`);
    }
  });

  test('the URL argument is required', () => {
    assert.throws(() => new EventSource(), TypeError);
  });

  test('url is the absolute, serialized URL', () => {
    const port = new URL(t.server.url).port;
    const source = t.open(`HTTP://127.0.0.1:${port}/a/../b/./c?q=1#frag`);
    assert.equal(source.url, `${t.server.url}/b/c?q=1#frag`);
  });

  test('URL objects and other objects are stringified', () => {
    const url = new URL('/from-url-object?x=1', t.server.url);
    assert.equal(t.open(url).url, url.href);
    assert.equal(t.open({ toString: () => `${t.server.url}/from-to-string` }).url, `${t.server.url}/from-to-string`);
  });

  test('numbers and null are stringified and resolved against the worker location', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'location');
    globalThis.location = { href: `${t.server.url}/dir/page.html` };
    try {
      assert.equal(t.open(42).url, `${t.server.url}/dir/42`);
      assert.equal(t.open(null).url, `${t.server.url}/dir/null`);
      assert.equal(t.open('../up?q').url, `${t.server.url}/up?q`);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'location', saved);
      else delete globalThis.location;
    }
  });

  test('withCredentials reflects the init dictionary', () => {
    const url = `${t.server.url}${uniquePath('credentials')}`;
    assert.equal(t.open(url).withCredentials, false);
    assert.equal(t.open(url, {}).withCredentials, false);
    assert.equal(t.open(url, null).withCredentials, false);
    assert.equal(t.open(url, { withCredentials: false }).withCredentials, false);
    assert.equal(t.open(url, { withCredentials: true }).withCredentials, true);
    assert.equal(t.open(url, { withCredentials: 1 }).withCredentials, true);
  });

  test('readyState is CONNECTING right after construction and nothing is dispatched synchronously', async () => {
    const url = t.stream(uniquePath(), 'data: hi\n\n', { end: false });
    const source = t.open(url);
    assert.equal(source.readyState, CONNECTING);
    // Listeners added after the constructor returned still see the open event and the message.
    const opened = nextEvent(source, 'open');
    const message = nextEvent(source, 'message');
    await opened;
    assert.equal(source.readyState, OPEN);
    assert.equal((await message).data, 'hi');
  });

  test('CONNECTING, OPEN and CLOSED are 0, 1, 2 on the class and on instances', () => {
    const source = t.open(`${t.server.url}${uniquePath('constants')}`);
    for (const target of [EventSource, source]) {
      assert.equal(target.CONNECTING, 0);
      assert.equal(target.OPEN, 1);
      assert.equal(target.CLOSED, 2);
    }
  });

  test('an EventSource is an EventTarget', () => {
    const source = t.open(`${t.server.url}${uniquePath('target')}`);
    assert.ok(source instanceof EventTarget);
    assert.equal(Object.prototype.toString.call(source), '[object EventSource]');
  });
});

describe('events', () => {
  test('open, then MessageEvents with data, origin and lastEventId, in stream order', async () => {
    const url = t.stream(
      uniquePath(),
      ': a comment\n\ndata: first\n\nid: 7\ndata: line 1\ndata: line 2\n\nevent: ping\ndata: p\n\ndata: last\n\n',
      { end: false },
    );
    const source = t.open(url);
    const log = record(source, ['open', 'message', 'ping', 'error']);
    await waitFor(() => log.length >= 5);
    await sleep(30);
    assert.deepEqual(log.types(), ['open', 'message', 'message', 'ping', 'message']);
    const [open, first, second, ping, last] = log;
    assert.equal(open.readyState, OPEN);
    assert.ok(!(open.event instanceof MessageEvent), 'open is a plain Event');
    for (const entry of [first, second, ping, last]) {
      assert.ok(entry.event instanceof MessageEvent, `${entry.type} is a MessageEvent`);
      assert.equal(entry.origin, t.server.url);
      assert.equal(entry.readyState, OPEN);
    }
    assert.deepEqual(
      [first, second, ping, last].map(({ data, lastEventId }) => [data, lastEventId]),
      [['first', ''], ['line 1\nline 2', '7'], ['p', '7'], ['last', '7']],
    );
  });

  test('blocks without data are not dispatched; an id-only block still sets the last event ID', async () => {
    const url = t.stream(uniquePath(), 'event: nodata\n\nid: 5\n\ndata\n\ndata: x\nid\n\nretry: 10000\n\ndata: end\n\n', {
      end: false,
    });
    const source = t.open(url);
    const log = record(source, ['message', 'nodata']);
    await waitFor(() => log.length >= 3);
    await sleep(30);
    assert.deepEqual(
      log.map(({ type, data, lastEventId }) => [type, data, lastEventId]),
      [['message', '', '5'], ['message', 'x', ''], ['message', 'end', '']],
    );
  });

  test('UTF-8 split across network chunks is decoded; a leading BOM is dropped; bad bytes become U+FFFD', async () => {
    const path = uniquePath();
    const bytes = Buffer.concat([
      Buffer.from('\uFEFFdata: é✓😀 '),
      Buffer.from([0xff]),
      Buffer.from('\n\n'),
    ]);
    t.server.route(path, async (req, res) => {
      res.writeHead(200, sseHeaders());
      await writeChunks(res, [...bytes].flatMap((byte) => [Buffer.from([byte]), { delay: 1 }]));
    });
    const source = t.open(t.server.url + path);
    const message = await nextEvent(source, 'message');
    assert.equal(message.data, 'é✓😀 \uFFFD');
  });

  test('onopen, onmessage and onerror: get, set, replace, set to null', async () => {
    const held = heldStream(t.server, uniquePath());
    const source = t.open(held.url);
    assert.equal(source.onopen, null);
    assert.equal(source.onmessage, null);
    assert.equal(source.onerror, null);

    const calls = [];
    const onopen = function (event) {
      calls.push(['open', this === source, event.type]);
    };
    source.onopen = onopen;
    assert.equal(source.onopen, onopen);
    source.onmessage = (event) => calls.push(['first handler', event.data]);
    const res = await held.response(0);
    await waitFor(() => calls.length === 1);

    res.write('data: a\n\n');
    await waitFor(() => calls.length === 2);
    const replacement = (event) => calls.push(['replacement', event.data]);
    source.onmessage = replacement;
    assert.equal(source.onmessage, replacement);
    res.write('data: b\n\n');
    await waitFor(() => calls.length === 3);

    source.onmessage = null;
    assert.equal(source.onmessage, null);
    const delivered = nextEvent(source, 'message');
    res.write('data: c\n\n');
    assert.equal((await delivered).data, 'c');

    source.onerror = (event) => calls.push(['error', event.type, source.readyState]);
    res.end();
    await waitFor(() => calls.length === 4);
    assert.deepEqual(calls, [
      ['open', true, 'open'],
      ['first handler', 'a'],
      ['replacement', 'b'],
      ['error', 'error', CONNECTING],
    ]);
  });

  test('an event handler attribute keeps the listener position where it was first set', async () => {
    const url = t.stream(uniquePath(), 'data: x\n\n', { end: false });
    const source = t.open(url);
    const order = [];
    source.addEventListener('message', () => order.push('A'));
    source.onmessage = () => order.push('B');
    source.addEventListener('message', () => order.push('C'));
    source.onmessage = () => order.push('B2');
    await nextEvent(source, 'message');
    assert.deepEqual(order, ['A', 'B2', 'C']);
  });

  test('removeEventListener, once listeners and dispatchEvent work as on any EventTarget', async () => {
    const held = heldStream(t.server, uniquePath());
    const source = t.open(held.url);
    const seen = [];
    const listener = (event) => seen.push(['listener', event.data]);
    source.addEventListener('message', listener);
    source.addEventListener('message', (event) => seen.push(['once', event.data]), { once: true });
    source.addEventListener('message', (event) => seen.push(['always', event.data]));
    const res = await held.response(0);
    res.write('data: 1\n\n');
    await waitFor(() => seen.length === 3);
    source.removeEventListener('message', listener);
    res.write('data: 2\n\n');
    await waitFor(() => seen.length === 4);
    source.dispatchEvent(new MessageEvent('message', { data: 'synthetic' }));
    assert.deepEqual(seen, [
      ['listener', '1'], ['once', '1'], ['always', '1'],
      ['always', '2'],
      ['always', 'synthetic'],
    ]);
  });
});

describe('request', () => {
  test('sends Accept: text/event-stream and no Last-Event-ID on the first request', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'data: x\n\n', { end: false }));
    await nextEvent(source, 'message');
    const requests = t.server.requestsTo(path);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, 'GET');
    assert.equal(requests[0].headers.accept, 'text/event-stream');
    assert.equal(requests[0].headers['last-event-id'], undefined);
  });

  for (const withCredentials of [false, true]) {
    test(`fetch init (withCredentials: ${withCredentials}): GET, cache no-store, credentials ${
      withCredentials ? 'include' : 'same-origin'}, no hand-set Cache-Control`, async () => {
      const calls = [];
      const url = t.stream(uniquePath(), 'data: x\n\n', { end: false });
      const source = t.open(url, {
        withCredentials,
        fetch: (input, init) => {
          calls.push({ input, init });
          return fetch(input, init);
        },
      });
      await nextEvent(source, 'message');
      assert.equal(calls.length, 1);
      const { input, init } = calls[0];
      assert.equal(input instanceof Request ? input.url : String(input), url);
      assert.equal((init.method ?? 'GET').toUpperCase(), 'GET');
      const headers = new Headers(init.headers);
      assert.equal(headers.get('accept'), 'text/event-stream');
      assert.equal(headers.has('last-event-id'), false);
      assert.equal(headers.has('cache-control'), false, 'no-store is a cache mode, not a header');
      assert.equal(headers.has('pragma'), false);
      assert.equal(init.cache, 'no-store');
      assert.equal(init.credentials, withCredentials ? 'include' : 'same-origin');
      assert.ok(init.signal instanceof AbortSignal, 'the request is abortable');
      assert.equal(init.redirect ?? 'follow', 'follow');
    });
  }
});

describe('reconnection', () => {
  test('end of body: error with CONNECTING, then after `retry` ms a request with Last-Event-ID as UTF-8 bytes', async () => {
    const id = 'évènement-✓-😀';
    const path = uniquePath();
    const url = reconnectingStream(path, `retry: 150\nid: ${id}\ndata: one\n\n`, 'data: two\n\n');
    const source = t.open(url);
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.deepEqual(log.types(), ['open', 'message', 'error', 'open', 'message']);
    const error = log[2];
    assert.equal(error.readyState, CONNECTING);
    assert.equal(error.reason, 'end-of-stream');
    assert.ok(error.event instanceof Event && !(error.event instanceof MessageEvent), 'error is a plain Event');

    const [first, second, ...more] = t.server.requestsTo(path);
    assert.equal(more.length, 0);
    assert.equal(first.headers['last-event-id'], undefined);
    assert.deepEqual(Buffer.from(second.headers['last-event-id'], 'latin1'), Buffer.from(id, 'utf8'));
    assert.equal(second.headers.accept, 'text/event-stream');
    const wait = second.time - error.time;
    assert.equal(error.reconnectDelay, 150, 'the wait chosen is the retry');
    assert.ok(wait >= 0.8 * 150, `reconnected after ${wait.toFixed(1)} ms, retry is 150`);
    // The second stream has no id: its event carries the last event ID over.
    assert.equal(log[4].lastEventId, id);
    assert.equal(log[4].origin, t.server.url);
    assert.equal(source.readyState, OPEN);
  });

  test('retry changes the reconnection time for later reconnections too', async () => {
    const path = uniquePath();
    t.server.route(path, (req, res, { requestIndex }) => {
      res.writeHead(200, sseHeaders());
      if (requestIndex === 0) res.end('retry: 50\ndata: 0\n\n');
      else if (requestIndex === 1) res.end('retry: 300\ndata: 1\n\n');
      else res.write('data: 2\n\n');
    });
    const source = t.open(t.server.url + path);
    const log = record(source);
    await waitFor(() => log.data().length === 3);
    const errors = log.ofType('error');
    const requests = t.server.requestsTo(path);
    assert.equal(requests.length, 3);
    const firstWait = requests[1].time - errors[0].time;
    const secondWait = requests[2].time - errors[1].time;
    assert.deepEqual(errors.map((e) => e.reconnectDelay), [50, 300]);
    // A loaded machine may run a timer late, never early: lower bounds only.
    assert.ok(firstWait >= 40, `first wait ${firstWait.toFixed(1)} ms, retry 50`);
    assert.ok(secondWait >= 240, `second wait ${secondWait.toFixed(1)} ms, retry 300`);
  });

  test('the default reconnection time is about 3 s', async () => {
    const path = uniquePath();
    const source = t.open(reconnectingStream(path, 'data: x\n\n', 'data: y\n\n'));
    const error = await nextEvent(source, 'error');
    const errorTime = now();
    assert.equal(source.readyState, CONNECTING);
    await waitFor(() => t.server.requestsTo(path).length === 2, { timeout: 6000 });
    const wait = t.server.requestsTo(path)[1].time - errorTime;
    assert.equal(error.reconnectDelay, 3000);
    assert.ok(wait >= 2400, `reconnected after ${wait.toFixed(0)} ms (expected ~3000)`);
    assert.equal(error.type, 'error');
  });

  test('a cut connection (network error) reconnects; the partial event at the cut is discarded', async () => {
    const path = uniquePath();
    t.server.route(path, async (req, res, { requestIndex }) => {
      res.writeHead(200, sseHeaders());
      if (requestIndex > 0) return void res.write('data: after\n\n');
      await writeChunks(res, ['retry: 50\nid: 1\ndata: complete\n\n', 'id: 2\ndata: partial', { delay: 50 }]);
      res.socket.destroy();
    });
    const source = t.open(t.server.url + path);
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.deepEqual(log.data(), ['complete', 'after']);
    assert.deepEqual(log.types(), ['open', 'message', 'error', 'open', 'message']);
    const error = log.ofType('error')[0];
    assert.equal(error.readyState, CONNECTING);
    assert.equal(error.reason, 'network');
    const second = t.server.requestsTo(path)[1];
    // Only dispatched events move the last event ID: the cut event's id 2 does not count.
    assert.equal(second.headers['last-event-id'], '1');
    assert.equal(log.ofType('message')[1].lastEventId, '1');
  });

  test('end of body in the middle of an event: the event is not dispatched', async () => {
    const path = uniquePath();
    const source = t.open(reconnectingStream(path, 'retry: 50\ndata: done\n\ndata: cut 1\ndata: cut 2', 'data: next\n\n'));
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.deepEqual(log.data(), ['done', 'next']);
  });

  test('a complete line without the final blank line is not dispatched at the end of the body', async () => {
    const path = uniquePath();
    const source = t.open(reconnectingStream(path, 'retry: 50\ndata: done\n\ndata: cut\n', 'data: next\n\n'));
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.deepEqual(log.data(), ['done', 'next']);
  });
});

describe('failing the connection', () => {
  const failures = [
    { name: 'status 204', status: 204, contentType: 'text/event-stream', reason: 'http-status' },
    { name: 'status 500', status: 500, contentType: 'text/event-stream', reason: 'http-status' },
    { name: 'status 404', status: 404, contentType: 'text/event-stream', reason: 'http-status' },
    { name: 'status 201', status: 201, contentType: 'text/event-stream', reason: 'http-status' },
    { name: 'Content-Type text/plain', status: 200, contentType: 'text/plain', reason: 'mime-type' },
    { name: 'Content-Type application/json', status: 200, contentType: 'application/json', reason: 'mime-type' },
    { name: 'no Content-Type', status: 200, contentType: null, reason: 'mime-type' },
  ];

  for (const { name, status, contentType, reason } of failures) {
    test(`${name}: error with CLOSED and the diagnostics, no open, no reconnection`, async () => {
      // The first response sets retry to 50 ms and ends; the reconnection gets the failure.
      const path = uniquePath();
      t.server.route(path, (req, res, { requestIndex }) => {
        if (requestIndex === 0) {
          res.writeHead(200, sseHeaders());
          return void res.end('retry: 50\ndata: ok\n\n');
        }
        res.writeHead(status, contentType ? { 'content-type': contentType } : {});
        res.end(status === 204 ? undefined : 'data: must not be parsed\n\n');
      });
      const source = t.open(t.server.url + path);
      const log = record(source);
      await waitFor(() => log.ofType('error').length === 2);
      await sleep(300);
      assert.deepEqual(log.types(), ['open', 'message', 'error', 'error']);
      assert.deepEqual(log.data(), ['ok']);
      const [reconnecting, failed] = log.ofType('error');
      assert.equal(reconnecting.readyState, CONNECTING);
      assert.equal(failed.readyState, CLOSED);
      assert.equal(source.readyState, CLOSED);
      assert.equal(failed.reason, reason);
      assert.equal(failed.status, status);
      assert.equal(failed.contentType, contentType);
      assert.equal(t.server.requestsTo(path).length, 2, 'no reconnection after the failure');
    });
  }

  test('a failure on the first request: one error, CLOSED, no open and no further request', async () => {
    const path = uniquePath();
    t.server.route(path, (req, res) => {
      res.writeHead(500, sseHeaders());
      res.end('retry: 20\ndata: ignored\n\n');
    });
    const source = t.open(t.server.url + path);
    const log = record(source);
    const calls = [];
    source.onerror = (event) => calls.push(source.readyState);
    await waitFor(() => log.length > 0);
    await sleep(200);
    assert.deepEqual(log.types(), ['error']);
    assert.deepEqual(calls, [CLOSED]);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  for (const contentType of [
    'text/event-stream; charset=utf-8',
    'Text/Event-Stream',
    'TEXT/EVENT-STREAM;foo=bar',
    'text/event-stream; charset=iso-8859-1',
  ]) {
    test(`Content-Type "${contentType}" is accepted, and the stream is decoded as UTF-8`, async () => {
      const url = t.stream(uniquePath(), 'data: café ✓\n\n', { end: false, headers: { 'content-type': contentType } });
      const source = t.open(url);
      const log = record(source);
      await waitFor(() => log.data().length === 1);
      assert.deepEqual(log.types(), ['open', 'message']);
      assert.equal(log.data()[0], 'café ✓');
    });
  }

  test('a fetch aborted by something other than close() fails the connection', async () => {
    const path = uniquePath();
    const url = t.stream(path, 'retry: 20\ndata: one\n\n', { end: false });
    let stop;
    let fetches = 0;
    const source = t.open(url, {
      // Like window.stop(): the request is aborted from outside the EventSource.
      fetch(input, init) {
        fetches++;
        const controller = new AbortController();
        init.signal?.addEventListener('abort', () => controller.abort(init.signal.reason));
        stop = () => controller.abort();
        return fetch(input, { ...init, signal: controller.signal });
      },
    });
    const log = record(source);
    source.onmessage = () => stop();
    await waitFor(() => log.ofType('error').length === 1);
    await sleep(150);
    assert.deepEqual(log.types(), ['open', 'message', 'error']);
    const error = log.ofType('error')[0];
    assert.equal(error.readyState, CLOSED);
    assert.equal(error.reason, 'aborted');
    assert.equal(fetches, 1);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('a fetch rejected with an AbortError before the response fails the connection', async () => {
    let fetches = 0;
    const source = t.open(`${t.server.url}${uniquePath()}`, {
      fetch: async () => {
        fetches++;
        throw new DOMException('The operation was aborted.', 'AbortError');
      },
    });
    const log = record(source);
    await waitFor(() => log.length > 0);
    await sleep(100);
    assert.deepEqual(log.types(), ['error']);
    assert.equal(log[0].readyState, CLOSED);
    assert.equal(fetches, 1);
  });

  for (const url of ['ftp://127.0.0.1/x', 'file:///etc/hostname', 'about:blank', 'mailto:someone@example.invalid']) {
    test(`scheme of ${url}: no exception, then asynchronously error and CLOSED, no open`, async () => {
      const source = t.open(url);
      assert.equal(source.readyState, CONNECTING);
      assert.equal(source.url, new URL(url).href);
      const log = record(source);
      await waitFor(() => log.length > 0);
      await sleep(50);
      assert.deepEqual(log.types(), ['error']);
      assert.equal(log[0].readyState, CLOSED);
      assert.equal(log[0].reason, 'scheme');
      assert.equal(source.readyState, CLOSED);
    });
  }

  test('a data: URL is fetched as Chromium does: open, the message with origin "null", then end of body', async () => {
    const source = t.open('data:text/event-stream,id: d1%0Adata: x%0A%0A');
    const log = record(source);
    await waitFor(() => log.ofType('error').length === 1);
    assert.deepEqual(log.types(), ['open', 'message', 'error']);
    const message = log.ofType('message')[0];
    assert.equal(message.data, 'x');
    assert.equal(message.origin, 'null');
    assert.equal(message.lastEventId, 'd1');
    assert.equal(log.ofType('error')[0].readyState, CONNECTING);
  });
});

describe('redirects', () => {
  const cases = [
    { status: 301, crossOrigin: false },
    { status: 302, crossOrigin: false },
    { status: 307, crossOrigin: false },
    { status: 308, crossOrigin: false },
    { status: 301, crossOrigin: true },
    { status: 302, crossOrigin: true },
    { status: 307, crossOrigin: true },
  ];
  for (const { status, crossOrigin } of cases) {
    test(`${status} to ${crossOrigin ? 'origin B' : 'another path'}: origin is the final URL's origin`, async () => {
      const from = uniquePath('redirect');
      const to = uniquePath('target');
      const finalOrigin = crossOrigin ? t.server.url2 : t.server.url;
      t.server.route(from, (req, res) => {
        res.writeHead(status, { location: `${finalOrigin}${to}` });
        res.end();
      });
      t.stream(to, 'data: redirected\n\n', { end: false });
      const source = t.open(t.server.url + from);
      const message = await nextEvent(source, 'message');
      assert.equal(message.data, 'redirected');
      assert.equal(message.origin, finalOrigin);
      assert.equal(source.url, t.server.url + from, 'url stays the URL given to the constructor');
      const [target] = t.server.requestsTo(to);
      assert.equal(target.port, Number(new URL(finalOrigin).port));
      assert.equal(target.headers.accept, 'text/event-stream');
    });
  }

  // Chromium reconnects with the same, already redirected request (§9.2.3 fetches it again).
  test('a redirect chain across origins, and reconnection requests the final URL', async () => {
    const from = uniquePath('redirect');
    const hop = uniquePath('hop');
    const to = uniquePath('target');
    t.server.route(from, (req, res) => {
      res.writeHead(302, { location: `${t.server.url2}${hop}` });
      res.end();
    });
    t.server.route(hop, (req, res) => {
      res.writeHead(307, { location: to });
      res.end();
    });
    t.server.route(to, (req, res, { requestIndex }) => {
      res.writeHead(200, sseHeaders());
      if (requestIndex === 0) res.end('retry: 50\nid: r1\ndata: first\n\n');
      else res.write('data: second\n\n');
    });
    const source = t.open(t.server.url + from);
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.deepEqual(log.ofType('message').map((m) => m.origin), [t.server.url2, t.server.url2]);
    assert.equal(t.server.requestsTo(from).length, 1, 'the original URL is requested once');
    const targets = t.server.requestsTo(to);
    assert.equal(targets.length, 2, 'the reconnection goes straight to the final URL');
    assert.equal(targets[1].headers['last-event-id'], 'r1');
    assert.ok(targets.every((r) => r.port === Number(new URL(t.server.url2).port)));
  });
});

describe('close()', () => {
  test('close() sets CLOSED at once, ends the request and nothing is dispatched afterwards', async () => {
    const held = heldStream(t.server, uniquePath());
    const source = t.open(held.url);
    const log = record(source);
    const res = await held.response(0);
    await waitFor(() => log.length === 1);
    let serverSawClose = false;
    res.on('close', () => (serverSawClose = true));
    source.close();
    assert.equal(source.readyState, CLOSED);
    await waitFor(() => serverSawClose, { message: 'the server sees the connection closed' });
    await sleep(100);
    assert.deepEqual(log.types(), ['open']);
    source.close(); // idempotent
    assert.equal(source.readyState, CLOSED);
  });

  test('close() inside onmessage: the remaining events of the same chunk are not dispatched', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'retry: 20\ndata: 1\n\ndata: 2\n\nevent: other\ndata: 3\n\ndata: 4\n\n'));
    const log = record(source, ['open', 'message', 'other', 'error']);
    source.onmessage = () => source.close();
    await waitFor(() => log.data().length === 1);
    await sleep(150);
    assert.deepEqual(log.types(), ['open', 'message']);
    assert.equal(source.readyState, CLOSED);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('close() inside onopen: no message is dispatched', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'retry: 20\ndata: 1\n\n'));
    const log = record(source);
    source.onopen = () => source.close();
    await waitFor(() => log.length === 1);
    await sleep(150);
    assert.deepEqual(log.types(), ['open']);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('close() while connecting (before the response): no open, no error, no further request', async () => {
    const path = uniquePath();
    t.server.route(path, async (req, res) => {
      await sleep(150);
      if (res.destroyed) return;
      res.writeHead(200, sseHeaders());
      res.end('retry: 20\ndata: too late\n\n');
    });
    const source = t.open(t.server.url + path);
    const log = record(source);
    await waitFor(() => t.server.requestsTo(path).length === 1);
    source.close();
    assert.equal(source.readyState, CLOSED);
    await sleep(350);
    assert.deepEqual(log.types(), []);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('close() right after construction: nothing is dispatched, at most one request', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'retry: 20\ndata: x\n\n'));
    const log = record(source);
    source.close();
    assert.equal(source.readyState, CLOSED);
    await sleep(200);
    assert.deepEqual(log.types(), []);
    assert.ok(t.server.requestsTo(path).length <= 1);
  });

  test('close() during the reconnect wait: no new request, ever', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'retry: 100\ndata: x\n\n'));
    const log = record(source);
    await nextEvent(source, 'error');
    assert.equal(source.readyState, CONNECTING);
    await sleep(20);
    source.close();
    assert.equal(source.readyState, CLOSED);
    await sleep(350);
    assert.deepEqual(log.types(), ['open', 'message', 'error']);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('close() inside onerror before the reconnection: no new request, ever', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'retry: 50\ndata: x\n\n'));
    const log = record(source);
    source.onerror = () => source.close();
    await waitFor(() => log.ofType('error').length === 1);
    await sleep(300);
    assert.deepEqual(log.types(), ['open', 'message', 'error']);
    assert.equal(source.readyState, CLOSED);
    assert.equal(t.server.requestsTo(path).length, 1);
  });
});
