// What users of the npm `eventsource` package (v5) rely on, where it agrees with the standard:
// `code` and `message` on error events (its very words, checked side by side with the package
// itself), the fetch-override mark, its maxBufferSize (the connection fails past it), and timers
// that do not keep a Node process alive. Its one departure from the standard (reconnecting to the
// original URL after a redirect) is not followed: see tests/js/event-source.test.mjs, "redirects".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { EventSource as PeerEventSource } from 'eventsource';

import { runtime } from '../support/runtime.mjs';
import { CLOSED, CONNECTING, EventSource, fixture, nextEvent, record, sleep, sseHeaders, uniquePath, waitFor } from './helpers.mjs';

const t = fixture({ before, after, afterEach });
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('eventsource contract: error events', () => {
  test('an HTTP error: code is the status, message says what happened', async () => {
    const path = uniquePath();
    t.server.route(path, (req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('missing');
    });
    const error = await nextEvent(t.open(t.server.url + path), 'error');
    assert.equal(error.code, 404);
    assert.equal(error.status, 404);
    assert.equal(error.message, 'Non-200 status code (404)');
    assert.equal(error.reason, 'http-status');
  });

  test('a wrong Content-Type: code is the status (200), message in eventsource 5\'s words; the type is in contentType', async () => {
    const path = uniquePath();
    t.server.route(path, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('data: x\n\n');
    });
    const error = await nextEvent(t.open(t.server.url + path), 'error');
    assert.equal(error.code, 200);
    assert.equal(error.message, 'Invalid content type, expected "text/event-stream"');
    assert.equal(error.contentType, 'text/plain');
  });

  test('a network error and the end of a stream: a message, and the key code, undefined', async () => {
    const path = uniquePath();
    t.stream(path, 'retry: 60000\ndata: one\n\n');
    const source = t.open(t.server.url + path);
    const ended = await nextEvent(source, 'error');
    assert.equal(ended.reason, 'end-of-stream');
    assert.ok(Object.keys(ended).includes('code'), 'a code key');
    assert.equal(ended.code, undefined);
    assert.equal(ended.message, 'The server ended the stream');
    source.close();
    const refused = await nextEvent(t.open('http://127.0.0.1:9/nothing-listens'), 'error');
    assert.equal(refused.reason, 'network');
    assert.ok(Object.keys(refused).includes('code'), 'a code key');
    assert.equal(refused.code, undefined);
    // (The text is the runtime's fetch error's own, with its causes, as eventsource 5 words it.)
    const cause = { node: /^TypeError: fetch failed/, deno: /^Fetch failed/, bun: /ECONNREFUSED|Unable to connect/ }[runtime];
    assert.match(refused.message, cause);
  });

  test('code and message are read-only and enumerable, like the other diagnostics', async () => {
    const path = uniquePath();
    t.server.route(path, (req, res) => {
      res.writeHead(500);
      res.end();
    });
    const error = await nextEvent(t.open(t.server.url + path), 'error');
    assert.ok(Object.keys(error).includes('code') && Object.keys(error).includes('message'));
    assert.throws(() => {
      'use strict';
      error.code = 1;
    }, TypeError);
  });
});

// The first error event of `Impl` (ours, or eventsource 5 itself) on `url`: what users read of it.
async function firstError(Impl, url, init) {
  const source = new Impl(url, init);
  try {
    const error = await nextEvent(source, 'error');
    return { code: error.code, message: error.message, keys: 'code' in error && 'message' in error, readyState: source.readyState };
  } finally {
    source.close();
  }
}

describe('eventsource contract: error events side by side with eventsource 5 (the same failure, the same code and message)', () => {
  const streamOf = (body, { headers, status = 200 } = {}) => {
    const path = uniquePath();
    t.server.route(path, (req, res) => {
      res.writeHead(status, headers ?? (status === 200 ? sseHeaders() : {}));
      res.end(body);
    });
    return t.server.url + path;
  };
  const bothSay = async (url, init, expected) => {
    const ours = await firstError(EventSource, url, init);
    const peer = await firstError(PeerEventSource, url, init);
    assert.deepEqual(ours, peer, 'ours (actual) vs eventsource 5 (expected)');
    if (expected) assert.deepEqual(ours, { ...ours, ...expected });
  };

  test('HTTP 204: "Server sent HTTP 204, not reconnecting", code 204, CLOSED', () =>
    bothSay(streamOf('', { status: 204 }), undefined, { code: 204, message: 'Server sent HTTP 204, not reconnecting', readyState: CLOSED }));

  test('HTTP 404 and 500: "Non-200 status code (…)", code the status, CLOSED', async () => {
    await bothSay(streamOf('missing', { status: 404 }), undefined, { code: 404, message: 'Non-200 status code (404)', readyState: CLOSED });
    await bothSay(streamOf('broken', { status: 500 }), undefined, { code: 500, message: 'Non-200 status code (500)' });
  });

  test('a wrong Content-Type: "Invalid content type, expected \"text/event-stream\"", code 200, CLOSED', () =>
    bothSay(streamOf('data: x\n\n', { headers: { 'content-type': 'application/json' } }), undefined, { code: 200, readyState: CLOSED }));

  test('a refused connection: the fetch error and its causes, code undefined, CONNECTING', () =>
    bothSay('http://127.0.0.1:9/nothing-listens', undefined, { code: undefined, keys: true, readyState: CONNECTING }));

  test('a custom fetch whose body is no web ReadableStream, or missing: "Invalid response body, expected a web ReadableStream", code 200, CLOSED', async () => {
    for (const body of [null, undefined, 'data: x\n\n', { on() {} }]) {
      const fetch = async () => ({ status: 200, url: 'http://127.0.0.1:9/x', redirected: false, headers: new Headers({ 'content-type': 'text/event-stream' }), body });
      await bothSay('http://127.0.0.1:9/x', { fetch }, { code: 200, message: 'Invalid response body, expected a web ReadableStream', readyState: CLOSED });
    }
  });

  test('maxBufferSize exceeded: a message matching /Buffered data exceeded max buffer size/, code undefined, CLOSED (the unit differs: bytes, not characters)', async () => {
    const url = streamOf(`data: ${'x'.repeat(40)}\n`); // buffered, not dispatched: past 16 in both
    const ours = await firstError(EventSource, url, { maxBufferSize: 16 });
    const peer = await firstError(PeerEventSource, url, { maxBufferSize: 16 });
    assert.equal(peer.message, 'Buffered data exceeded max buffer size of 16 characters');
    assert.equal(ours.message, 'Buffered data exceeded max buffer size of 16 bytes');
    assert.deepEqual({ ...ours, message: undefined }, { ...peer, message: undefined });
    assert.deepEqual([ours.code, ours.keys, ours.readyState], [undefined, true, CLOSED]);
  });
});

test('eventsource contract: a fetch option is called with a URL object, as eventsource 5 calls it (side by side)', async () => {
  const url = t.stream(uniquePath(), 'data: x\n\n', { end: false });
  const inputs = [];
  for (const Impl of [EventSource, PeerEventSource]) {
    const source = new Impl(url, {
      fetch: (input, init) => {
        inputs.push({ isURL: input instanceof URL, href: input.href });
        return fetch(input, init);
      },
    });
    await nextEvent(source, 'message');
    source.close();
  }
  assert.deepEqual(inputs[0], inputs[1], 'ours (actual) vs eventsource 5 (expected)');
  assert.deepEqual(inputs[0], { isURL: true, href: url });
});

test('eventsource contract: a fetch option that answers from another URL without a redirect (a proxy) moves neither the origin nor the reconnection (side by side)', async () => {
  const seen = [];
  for (const Impl of [EventSource, PeerEventSource]) {
    const proxied = t.reconnectingStream(uniquePath('proxy'), 'retry: 20\ndata: first\n\n', 'data: second\n\n');
    const inputs = [];
    const origins = [];
    const source = new Impl('http://example.invalid/stream', {
      fetch: (input, init) => {
        inputs.push(String(input));
        return fetch(proxied, init); // response.url is the proxy's, response.redirected false
      },
    });
    source.onmessage = (event) => origins.push(event.origin);
    await waitFor(() => origins.length === 2);
    source.close();
    seen.push({ inputs, origins });
  }
  assert.deepEqual(seen[0], seen[1], 'ours (actual) vs eventsource 5 (expected)');
  assert.deepEqual(seen[0], { inputs: ['http://example.invalid/stream', 'http://example.invalid/stream'], origins: ['http://example.invalid', 'http://example.invalid'] });
});

test('eventsource contract: the class carries Symbol.for("eventsource.supports-fetch-override")', () => {
  assert.equal(EventSource[Symbol.for('eventsource.supports-fetch-override')], true);
  const descriptor = Object.getOwnPropertyDescriptor(EventSource, Symbol.for('eventsource.supports-fetch-override'));
  assert.deepEqual([descriptor.writable, descriptor.enumerable, descriptor.configurable], [false, false, false]);
});

describe('eventsource contract: maxBufferSize', () => {
  test('past it the connection fails: error "buffer-limit", CLOSED, no reconnection', async () => {
    const path = uniquePath();
    t.stream(path, `retry: 20\ndata: small\n\ndata: ${'x'.repeat(5000)}\n\ndata: after\n\n`);
    const source = t.open(t.server.url + path, { maxBufferSize: 1000 });
    const log = record(source);
    await waitFor(() => log.ofType('error').length === 1);
    await sleep(100); // a reconnection would come after 20 ms
    assert.deepEqual(log.types(), ['open', 'message', 'error']);
    const [error] = log.ofType('error');
    assert.equal(error.readyState, CLOSED);
    assert.equal(error.reason, 'buffer-limit');
    assert.equal(error.event.limit, 1000);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('with a lower maxEventBytes, the oversized event is skipped instead and the source stays open', async () => {
    const path = uniquePath();
    t.stream(path, `data: small\n\ndata: ${'x'.repeat(5000)}\n\ndata: after\n\n`, { end: false });
    const source = t.open(t.server.url + path, { maxBufferSize: 10000, maxEventBytes: 1000 });
    const log = record(source);
    await waitFor(() => log.data().includes('after'));
    assert.deepEqual(log.types(), ['open', 'message', 'error', 'message']);
    assert.equal(log.ofType('error')[0].readyState, 1);
  });

  test('bad values are a TypeError or RangeError at construction', () => {
    assert.throws(() => new EventSource('http://127.0.0.1:9/', { maxBufferSize: 'big' }), TypeError);
    assert.throws(() => new EventSource('http://127.0.0.1:9/', { maxBufferSize: -1 }), RangeError);
  });
});

describe('eventsource contract: timers do not keep Node alive', () => {
  const run = (args) => promisify(execFile)(process.execPath, [join(fixtures, 'unref-client.mjs'), ...args], { timeout: 20_000 });

  test('a CLI whose stream ended exits during the reconnection wait', async () => {
    const path = uniquePath();
    t.stream(path, 'data: hello\n\n'); // then ends: the default reconnection time is 3 s
    const started = Date.now();
    const { stdout } = await run([t.server.url + path]);
    const elapsed = Date.now() - started;
    assert.deepEqual(JSON.parse(stdout).seen, ['message hello', `error end-of-stream state ${CONNECTING}`]);
    assert.ok(elapsed < 2500, `exited after ${elapsed} ms, before the 3 s reconnection`);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('a CLI waiting on a request, with a heartbeat timeout, exits at once', async () => {
    const started = Date.now();
    const { stdout } = await run([]);
    assert.deepEqual(JSON.parse(stdout).seen, []);
    assert.ok(Date.now() - started < 10_000, 'long before the 60 s heartbeat');
  });
});

test('standard: Content-Type parameters and case do not matter (text/event-stream; charset=utf-8)', async () => {
  const path = uniquePath();
  t.server.route(path, (req, res) => {
    res.writeHead(200, { ...sseHeaders(), 'content-type': 'Text/Event-Stream; charset=utf-8' });
    res.write('data: ok\n\n');
  });
  const message = await nextEvent(t.open(t.server.url + path), 'message');
  assert.equal(message.data, 'ok');
});
