// The opt-in extensions of the second constructor argument: headers, method and body, fetch,
// signal, lastEventId, heartbeatTimeout, reconnect, maxEventBytes.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { writeChunks } from '../support/sse-server.mjs';
import {
  CLOSED, CONNECTING, OPEN, fixture, gaps, heldStream, nextEvent, record, sleep, sseHeaders, uniquePath,
  waitFor,
} from './helpers.mjs';

const t = fixture({ before, after, afterEach });

const reconnectingStream = (...args) => t.reconnectingStream(...args);

/** Reads a request body as text. */
async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('headers', () => {
  test('an object: sent on every request, Accept still text/event-stream', async () => {
    const path = uniquePath();
    const url = reconnectingStream(path, 'retry: 50\ndata: 1\n\n', 'data: 2\n\n');
    const source = t.open(url, { headers: { 'X-Token': 'abc', 'X-Other': 'value' } });
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    const requests = t.server.requestsTo(path);
    assert.equal(requests.length, 2);
    for (const request of requests) {
      assert.equal(request.headers['x-token'], 'abc');
      assert.equal(request.headers['x-other'], 'value');
      assert.equal(request.headers.accept, 'text/event-stream');
    }
  });

  test('a sync function: called before every connection', async () => {
    const path = uniquePath();
    const url = reconnectingStream(path, 'retry: 50\ndata: 1\n\n', 'data: 2\n\n');
    let calls = 0;
    const source = t.open(url, { headers: () => ({ 'X-Attempt': String(++calls) }) });
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.equal(calls, 2);
    assert.deepEqual(t.server.requestsTo(path).map((r) => r.headers['x-attempt']), ['1', '2']);
  });

  test('an async function: awaited before every connection', async () => {
    const path = uniquePath();
    const url = reconnectingStream(path, 'retry: 50\ndata: 1\n\n', 'data: 2\n\n');
    let calls = 0;
    const source = t.open(url, {
      headers: async () => {
        const n = ++calls;
        await sleep(30);
        return { Authorization: `Bearer token-${n}` };
      },
    });
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.equal(calls, 2);
    assert.deepEqual(t.server.requestsTo(path).map((r) => r.headers.authorization), ['Bearer token-1', 'Bearer token-2']);
  });

  test('close() while the async headers function is pending: no request is made', async () => {
    const path = uniquePath();
    const url = t.stream(path, 'data: x\n\n');
    let called = false;
    const source = t.open(url, {
      headers: async () => {
        called = true;
        await sleep(100);
        return { 'X-Late': '1' };
      },
    });
    const log = record(source);
    await waitFor(() => called);
    source.close();
    await sleep(250);
    assert.deepEqual(log.types(), []);
    assert.equal(t.server.requestsTo(path).length, 0);
  });

  for (const [name, headers] of [
    ['a value with CR LF', { 'X-Injected': 'a\r\nSet-Cookie: x=1' }],
    ['a value with NUL', { 'X-Nul': 'a\0b' }],
    ['an invalid name', { 'X Bad': '1' }],
  ]) {
    test(`${name}: error "headers" with the TypeError, CLOSED, no request and no retry`, async () => {
      const path = uniquePath();
      const url = t.stream(path, 'data: x\n\n');
      const source = t.open(url, { headers: () => headers });
      const log = record(source);
      await waitFor(() => log.ofType('error').length === 1);
      const [error] = log.ofType('error');
      assert.equal(error.reason, 'headers');
      assert.equal(error.readyState, CLOSED);
      assert.ok(error.event.error instanceof TypeError);
      await sleep(100);
      assert.equal(t.server.requestsTo(path).length, 0);
      assert.deepEqual(log.types(), ['error']);
    });
  }
});

describe('method and body', () => {
  test('POST with a body, on the first request and on the reconnection', async () => {
    const path = uniquePath();
    const bodies = [];
    t.server.route(path, async (req, res, { requestIndex }) => {
      bodies.push(await readBody(req));
      res.writeHead(200, sseHeaders());
      if (requestIndex === 0) res.end('retry: 50\ndata: 1\n\n');
      else res.write('data: 2\n\n');
    });
    const source = t.open(t.server.url + path, { method: 'POST', body: 'query=é' });
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.deepEqual(t.server.requestsTo(path).map((r) => r.method), ['POST', 'POST']);
    assert.deepEqual(bodies, ['query=é', 'query=é']);
    assert.equal(t.server.requestsTo(path)[0].headers.accept, 'text/event-stream');
  });
});

describe('fetch', () => {
  test('a custom fetch is used instead of the global one', async () => {
    const calls = [];
    const source = t.open('http://example.invalid/stream', {
      fetch: async (input, init) => {
        calls.push({ input: String(input), init });
        return new Response('id: s1\ndata: synthetic\n\n', {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
        });
      },
    });
    const message = await nextEvent(source, 'message');
    assert.equal(message.data, 'synthetic');
    assert.equal(message.lastEventId, 's1');
    assert.equal(message.origin, 'http://example.invalid');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].input, 'http://example.invalid/stream');
    assert.equal(new Headers(calls[0].init.headers).get('accept'), 'text/event-stream');
  });

  test('a custom fetch whose response is not 200 fails the connection with its status', async () => {
    const source = t.open('http://example.invalid/stream', {
      fetch: async () => new Response('nope', { status: 503, headers: { 'content-type': 'text/plain' } }),
    });
    const error = await nextEvent(source, 'error');
    assert.equal(source.readyState, CLOSED);
    assert.equal(error.reason, 'http-status');
    assert.equal(error.status, 503);
    assert.equal(error.contentType, 'text/plain');
  });
});

describe('signal', () => {
  test('aborting the signal closes the EventSource: CLOSED, the request ends, no reconnection', async () => {
    const held = heldStream(t.server, uniquePath());
    const controller = new AbortController();
    const source = t.open(held.url, { signal: controller.signal });
    const log = record(source);
    const res = await held.response(0);
    res.write('retry: 20\ndata: before\n\n');
    await waitFor(() => log.data().length === 1);
    let serverSawClose = false;
    res.on('close', () => (serverSawClose = true));
    controller.abort();
    assert.equal(source.readyState, CLOSED);
    await waitFor(() => serverSawClose, { message: 'the server sees the connection closed' });
    await sleep(150);
    assert.deepEqual(log.types().filter((type) => type !== 'error'), ['open', 'message']);
    assert.equal(held.responses.length, 1, 'no reconnection');
  });

  test('aborting the signal during the reconnect wait: no new request', async () => {
    const path = uniquePath();
    const controller = new AbortController();
    const source = t.open(t.stream(path, 'retry: 100\ndata: x\n\n'), { signal: controller.signal });
    await nextEvent(source, 'error');
    assert.equal(source.readyState, CONNECTING);
    controller.abort();
    assert.equal(source.readyState, CLOSED);
    await sleep(300);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('an already aborted signal: CLOSED, no request, no open', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'data: x\n\n'), { signal: AbortSignal.abort() });
    const log = record(source);
    await sleep(150);
    assert.equal(source.readyState, CLOSED);
    assert.deepEqual(log.types().filter((type) => type !== 'error'), []);
    assert.equal(t.server.requestsTo(path).length, 0);
  });
});

describe('lastEventId', () => {
  test('the initial ID is sent as Last-Event-ID (UTF-8 bytes) on the first request', async () => {
    const path = uniquePath();
    const initial = 'départ-✓';
    const url = reconnectingStream(path, 'retry: 50\ndata: a\n\nid: next\ndata: b\n\n', 'data: c\n\n');
    const source = t.open(url, { lastEventId: initial });
    const log = record(source);
    await waitFor(() => log.data().length === 3);
    const [first, second] = t.server.requestsTo(path);
    assert.deepEqual(Buffer.from(first.headers['last-event-id'], 'latin1'), Buffer.from(initial, 'utf8'));
    assert.equal(second.headers['last-event-id'], 'next');
    assert.deepEqual(log.ofType('message').map((m) => m.lastEventId), [initial, 'next', 'next']);
  });

  test('without the option no Last-Event-ID is sent', async () => {
    const path = uniquePath();
    const source = t.open(t.stream(path, 'data: a\n\n', { end: false }), { lastEventId: '' });
    await nextEvent(source, 'message');
    assert.equal(t.server.requestsTo(path)[0].headers['last-event-id'], undefined);
  });
});

describe('heartbeatTimeout', () => {
  test('no bytes for the timeout: error "heartbeat-timeout" with CONNECTING, then a reconnection', async () => {
    const path = uniquePath();
    const closed = [];
    t.server.route(path, (req, res, { requestIndex }) => {
      res.writeHead(200, sseHeaders());
      res.on('close', () => closed.push(requestIndex));
      // The first response stalls after one event.
      res.write(requestIndex === 0 ? 'retry: 50\ndata: beat\n\n' : 'data: again\n\n');
    });
    // Comments every 60 ms against a 1 s timeout: a margin a loaded machine keeps.
    const source = t.open(t.server.url + path, { heartbeatTimeout: 1000 });
    const log = record(source);
    await waitFor(() => log.data().length === 2);
    assert.deepEqual(log.types(), ['open', 'message', 'error', 'open', 'message']);
    const error = log.ofType('error')[0];
    assert.equal(error.reason, 'heartbeat-timeout');
    assert.equal(error.readyState, CONNECTING);
    const silence = error.time - log.ofType('message')[0].time;
    assert.ok(silence >= 0.8 * 200 && silence < 200 + 1000, `timed out after ${silence.toFixed(1)} ms of silence`);
    assert.equal(t.server.requestsTo(path).length, 2);
    await waitFor(() => closed.includes(0), { message: 'the stalled response is closed by the client' });
  });

  test('bytes arriving in time (comments) keep the connection', async () => {
    const path = uniquePath();
    t.server.route(path, async (req, res) => {
      res.writeHead(200, sseHeaders());
      await writeChunks(res, ['retry: 50\n\n', ...Array.from({ length: 8 }, () => [{ delay: 60 }, ':\n']).flat(), 'data: end\n\n']);
    });
    // Comments every 60 ms against a 1 s timeout: a margin a loaded machine keeps.
    const source = t.open(t.server.url + path, { heartbeatTimeout: 1000 });
    const log = record(source);
    await waitFor(() => log.data().length === 1);
    assert.deepEqual(log.types(), ['open', 'message']);
    assert.equal(t.server.requestsTo(path).length, 1);
  });
});

describe('reconnect policy', () => {
  /** A route that always sends `retry` and then cuts the connection. */
  function cuttingStream(path, retry) {
    t.server.route(path, async (req, res) => {
      res.writeHead(200, sseHeaders());
      await writeChunks(res, [`retry: ${retry}\n\n`, { delay: 5 }]);
      res.socket?.destroy();
    });
    return t.server.url + path;
  }

  /** A route that always sends `retry` and then ends the body. */
  function endingStream(path, retry) {
    return t.stream(path, `retry: ${retry}\n\n`);
  }

  test('maxAttempts: 2 → gives up after 2 reconnection attempts with CLOSED and "reconnect-limit"', async () => {
    const path = uniquePath();
    const source = t.open(cuttingStream(path, 30), { reconnect: { maxAttempts: 2 } });
    const log = record(source);
    await waitFor(() => log.some((entry) => entry.readyState === CLOSED), { timeout: 4000 });
    await sleep(300);
    const errors = log.ofType('error');
    assert.equal(t.server.requestsTo(path).length, 3, 'the first request and 2 reconnection attempts');
    assert.deepEqual(errors.map((e) => e.readyState), [CONNECTING, CONNECTING, CLOSED]);
    assert.equal(errors.at(-1).reason, 'reconnect-limit');
    assert.equal(source.readyState, CLOSED);
  });

  // The delays chosen are exact (error events carry them); the measured gaps between requests
  // only get lower bounds, since a loaded machine may run a timer late but never early.
  async function delaysAndGaps(url, init, requests) {
    const source = t.open(url, init);
    const log = record(source);
    const path = new URL(url).pathname;
    await waitFor(() => t.server.requestsTo(path).length >= requests, { timeout: 8000 });
    source.close();
    const delays = log.ofType('error').slice(0, requests - 1).map((entry) => entry.reconnectDelay);
    return { delays, measured: gaps(t.server.requestsTo(path).slice(0, requests)) };
  }
  const atLeast = (measured, delays) =>
    measured.forEach((gap, i) =>
      assert.ok(gap >= 0.8 * delays[i], `gap ${i} is ${gap.toFixed(1)} ms, below the ${delays[i]} ms chosen`));

  test('factor 2 without jitter: the waits grow 50, 100, 200 ms', async () => {
    const { delays, measured } = await delaysAndGaps(endingStream(uniquePath(), 50), { reconnect: { factor: 2, jitter: 0 } }, 4);
    assert.deepEqual(delays, [50, 100, 200]);
    atLeast(measured, delays);
  });

  test('full jitter never goes below the server\'s retry', async () => {
    const { delays, measured } = await delaysAndGaps(endingStream(uniquePath(), 80), { reconnect: { factor: 1, jitter: 1 } }, 5);
    assert.equal(delays.length, 4);
    for (const delay of delays) assert.ok(delay >= 80 && delay <= 80, `delays ${delays} with retry 80`);
    atLeast(measured, delays);
  });

  test('jitter spreads a backoff between the retry and the full delay', async () => {
    const { delays } = await delaysAndGaps(endingStream(uniquePath(), 20), { reconnect: { factor: 8, jitter: 0.9 } }, 4);
    // full delays 20, 160, 1280: jittered within [max(20, 0.1 × full), full]
    [20, 160, 1280].forEach((full, i) => {
      assert.ok(delays[i] >= Math.max(20, 0.1 * full) && delays[i] <= full, `delays ${delays}`);
    });
  });

  test('maxDelay caps the growth', async () => {
    const { delays, measured } = await delaysAndGaps(
      endingStream(uniquePath(), 50), { reconnect: { factor: 4, jitter: 0, maxDelay: 120 } }, 4);
    assert.deepEqual(delays, [50, 120, 120]);
    atLeast(measured, delays);
  });

  for (const [status, retryAfter, minimum] of [[503, '1', 1000], [500, null, 0], [429, '0', 0]]) {
    test(`HTTP ${status}${retryAfter ? ` with Retry-After ${retryAfter}` : ''} is transient with a policy: error while CONNECTING, then a reconnection`, async () => {
      const path = uniquePath();
      t.server.route(path, (req, res, { requestIndex }) => {
        if (requestIndex === 0) {
          res.writeHead(status, { 'content-type': 'text/event-stream', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
          return void res.end('data: not from a failed response\n\n');
        }
        res.writeHead(200, sseHeaders());
        res.write('data: back\n\n');
      });
      const source = t.open(t.server.url + path, { reconnect: { factor: 2, maxDelay: 5000, jitter: 0 } });
      const log = record(source);
      await waitFor(() => log.data().includes("back"), { timeout: 5000 });
      const [error] = log.ofType('error');
      assert.equal(error.reason, 'http-status');
      assert.equal(error.status, status);
      assert.equal(error.readyState, CONNECTING);
      assert.ok(error.reconnectDelay >= Math.max(minimum, 3000), `delay ${error.reconnectDelay}`);
      assert.deepEqual(log.data(), ['back']);
      assert.equal(t.server.requestsTo(path).length, 2);
    });
  }

  test('HTTP 500 without a policy still fails the connection, as the standard says', async () => {
    const path = uniquePath();
    t.server.route(path, (req, res) => {
      res.writeHead(500, { 'content-type': 'text/event-stream' });
      res.end('data: x\n\n');
    });
    const source = t.open(t.server.url + path);
    const log = record(source);
    await waitFor(() => log.ofType('error').length === 1);
    assert.equal(log.ofType('error')[0].readyState, CLOSED);
    await sleep(100);
    assert.equal(t.server.requestsTo(path).length, 1);
  });

  test('without a policy the wait stays the reconnection time (no backoff by default)', async () => {
    const { delays, measured } = await delaysAndGaps(endingStream(uniquePath(), 50), undefined, 5);
    assert.deepEqual(delays, [50, 50, 50, 50]);
    atLeast(measured, delays);
  });
});

describe('maxEventBytes', () => {
  test('an event over the limit is dropped: error "buffer-limit" while OPEN, the stream goes on', async () => {
    const path = uniquePath();
    const huge = 'x'.repeat(5000);
    t.server.route(path, async (req, res) => {
      res.writeHead(200, sseHeaders());
      const line = `id: 2\ndata: ${huge}\n\n`;
      const pieces = [];
      for (let i = 0; i < line.length; i += 700) pieces.push(line.slice(i, i + 700), { delay: 2 });
      await writeChunks(res, ['id: 1\ndata: small 1\n\n', { delay: 10 }, ...pieces, 'data: small 2\n\n']);
    });
    const source = t.open(t.server.url + path, { maxEventBytes: 1000 });
    const log = record(source);
    await waitFor(() => log.data().includes('small 2'));
    assert.deepEqual(log.data(), ['small 1', 'small 2']);
    const errors = log.ofType('error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].reason, 'buffer-limit');
    assert.equal(errors[0].event.limit, 1000);
    assert.equal(errors[0].readyState, OPEN);
    assert.equal(log.ofType('message')[1].lastEventId, '2', "the dropped event's id still counts");
    assert.equal(t.server.requestsTo(path).length, 1);
    assert.equal(source.readyState, OPEN);
  });

  test('oversizedEvents "reconnect": error "buffer-limit", the connection is re-established, small events still delivered', async () => {
    const path = uniquePath();
    const medium = 'm'.repeat(300);
    const huge = 'x'.repeat(5000);
    t.server.route(path, async (req, res, { requestIndex }) => {
      res.writeHead(200, sseHeaders());
      if (requestIndex > 0) return void res.write('data: small 3\n\n');
      const line = `data: ${huge}\n\n`;
      const pieces = [];
      for (let i = 0; i < line.length; i += 500) pieces.push(line.slice(i, i + 500), { delay: 2 });
      await writeChunks(res, ['retry: 50\ndata: small 1\n\n', `data: ${medium}\n\n`, { delay: 10 }, ...pieces, 'data: small 2\n\n']);
    });
    const source = t.open(t.server.url + path, { maxEventBytes: 1000, oversizedEvents: 'reconnect' });
    const log = record(source);
    await waitFor(() => log.data().includes('small 3'));
    const messages = log.data();
    assert.deepEqual(messages.slice(0, 2), ['small 1', medium]);
    assert.ok(!messages.some((data) => data.length > 1000), 'the oversized event is not dispatched');
    const errors = log.ofType('error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].reason, 'buffer-limit');
    assert.equal(errors[0].readyState, CONNECTING);
    assert.equal(t.server.requestsTo(path).length, 2);
    assert.equal(source.readyState, OPEN);
  });
});
