// Fault injection in Node, driven through the harness's scenario server (harness/server.mjs):
// connections cut in the middle of an event, stalled streams, storms of network errors and of
// 5xx answers (counted at the server, in requests per minute, against the bound the reconnect
// policy implies), byte-by-byte delivery, and close() while connecting or waiting to reconnect.
// What event-source.test.mjs and extensions.test.mjs already cover is not repeated here.
//
// Timing: the delays the client chooses are exact (error events carry `reconnectDelay`); the
// gaps measured at the server only get lower bounds, since a loaded machine runs timers late but
// never early.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import { MIXED_CHUNKS, MIXED_EXPECTED } from '../support/mixed-stream.mjs';
import { skipIn } from '../support/runtime.mjs';
import { CLOSED, CONNECTING, OPEN, nextEvent, record, sleep, waitFor } from './helpers.mjs';
import {
  delayRange, headerBytes, maxRequestsIn, numberedEvents, perMinute, scenarioFixture, steadyRequestsPerMinute,
} from './scenario-fixture.mjs';

// (The scenario server runs in the same process: see tests/support/runtime.mjs.)
const cutBodyLost = { bun: "in one Bun process, a body the node:http server writes right before socket.destroy() does not reach the client's fetch" };

const s = scenarioFixture({ before, after, afterEach });

/** [type, data, lastEventId] of every MessageEvent recorded. */
const messages = (log) => log.filter((e) => e.event instanceof MessageEvent).map((e) => [e.type, e.data, e.lastEventId]);

/** Request times of a scenario's GETs that fall in [from, from + windowMs]. */
const timesIn = (requests, from, windowMs) => requests.map((r) => r.time).filter((t) => t >= from && t <= from + windowMs);

describe('connection cut in the middle of an event', () => {
  const EVENTS = [
    { id: '1', data: 'one' },
    { id: '2', event: 'tick', data: 'two\nlines' },
    { id: 'évt-3 ✓', data: 'three é' },
    { id: '4', data: 'four' },
    { id: '5', data: 'five' },
    { id: '6', data: 'six' },
    { id: '7', data: 'seven' },
  ];

  test('the partial event is dropped, Last-Event-ID names the last complete one, and the server resumes: every event once, in order', { skip: skipIn(cutBodyLost) }, async () => {
    const stream = s.scenario('cut-resume', {
      responses: [
        // cut inside event 4, after its id line: that id must not count
        { chunks: ['retry: 50\n\n', { events: EVENTS, count: 3 }, 'id: 4\ndata: fo'], end: 'reset' },
        // cut after event 6's last data line, before its blank line
        { chunks: [{ events: EVENTS, count: 2 }, 'id: 6\ndata: six\n'], end: 'reset' },
        { chunks: [{ events: EVENTS }], end: 'hang' },
      ],
    });
    const source = s.open(stream.url);
    const log = record(source, ['open', 'message', 'tick', 'error']);
    await waitFor(() => messages(log).length >= EVENTS.length);
    await sleep(100); // a duplicate would show by now

    assert.deepEqual(messages(log), EVENTS.map(({ id, event, data }) => [event ?? 'message', data, id]));
    assert.deepEqual(log.types().filter((type) => type === 'open' || type === 'error'), ['open', 'error', 'open', 'error', 'open']);
    for (const error of log.ofType('error')) {
      assert.equal(error.reason, 'network');
      assert.equal(error.readyState, CONNECTING);
      assert.equal(error.reconnectDelay, 50);
    }
    const ids = stream.gets().map((r) => headerBytes(r.headers['last-event-id']));
    assert.deepEqual(ids, [undefined, Buffer.from('évt-3 ✓'), Buffer.from('5')], 'Last-Event-ID of each request, as UTF-8 bytes');
    assert.equal(source.readyState, OPEN);
  });
});

describe('stalled stream: headers sent, then nothing', () => {
  const EVENTS = numberedEvents(5);
  const stalling = () =>
    s.scenario('stall', {
      responses: [
        { chunks: ['retry: 50\n\n', { events: EVENTS, count: 2 }] }, // then the body ends
        { chunks: [], end: 'stall' }, // the reconnection: headers, then silence
        { chunks: [{ events: EVENTS }], end: 'hang' },
      ],
    });

  test('with heartbeatTimeout: error "heartbeat-timeout" (CONNECTING), the stalled request is dropped, the next one resumes after Last-Event-ID', async () => {
    const stream = stalling();
    const source = s.open(stream.url, { heartbeatTimeout: 500 });
    const log = record(source);
    await waitFor(() => log.data().length >= 5, { timeout: 4000 });
    await sleep(50);

    assert.deepEqual(log.data(), EVENTS.map((e) => e.data), 'every event once, in order');
    assert.deepEqual(log.types(), ['open', 'message', 'message', 'error', 'open', 'error', 'open', 'message', 'message', 'message']);
    const [ended, timedOut] = log.ofType('error');
    assert.equal(ended.reason, 'end-of-stream');
    assert.equal(timedOut.reason, 'heartbeat-timeout');
    assert.equal(timedOut.readyState, CONNECTING);
    assert.equal(timedOut.reconnectDelay, 50);
    const stalledOpen = log.ofType('open')[1];
    const silence = timedOut.time - stalledOpen.time;
    assert.ok(silence >= 499, `timed out after ${silence.toFixed(1)} ms of silence, heartbeatTimeout 500`);

    const requests = stream.gets();
    assert.equal(requests.length, 3);
    assert.deepEqual(requests.map((r) => r.headers['last-event-id']), [undefined, '2', '2']);
    assert.ok(requests[1].closeTime !== null, 'the client hung up the stalled connection');
    const gap = requests[2].time - timedOut.time;
    assert.ok(gap >= 49, `reconnected ${gap.toFixed(1)} ms after the timeout, retry 50`);
  });

  test('without heartbeatTimeout nothing happens (the standard has no timeout): OPEN, no error, no request for 1.5 s', async () => {
    const stream = stalling();
    const source = s.open(stream.url);
    const log = record(source);
    await waitFor(() => log.ofType('open').length === 2);
    const stalledAt = log.ofType('open')[1].time;
    await sleep(1500);

    assert.deepEqual(log.types(), ['open', 'message', 'message', 'error', 'open']);
    assert.ok(log.at(-1).time === stalledAt);
    assert.equal(source.readyState, OPEN);
    const requests = stream.gets();
    assert.equal(requests.length, 2);
    assert.equal(requests[1].closeTime, null, 'the stalled connection is still up');
  });
});

describe('failure storms, counted at the server', () => {
  const POLICY = { factor: 2, maxDelay: 800, jitter: 0.5 };
  const RETRY = 50;

  // The first response sets `retry: 50` and breaks; every later connection is dropped before any
  // response: a network error each time.
  // A source on a storm of network errors for `window` ms, then closed: its log, the requests
  // it made, and their times within the window.
  async function storm(window, init) {
    const stream = s.scenario('reset-storm', {
      responses: [{ chunks: [`retry: ${RETRY}\n\n`], end: 'reset' }, { drop: true }],
      afterResponses: 'repeat-last',
    });
    const source = s.open(stream.url, init);
    const log = record(source);
    await waitFor(() => stream.gets().length > 0);
    const start = stream.gets()[0].time;
    await sleep(window);
    source.close();
    const requests = stream.gets();
    return { source, log, requests, times: timesIn(requests, start, window) };
  }

  test('network errors, default: a reconnection every retry (50 ms), no backoff — at most 1200 requests/min', { skip: skipIn(cutBodyLost) }, async (t) => {
    const WINDOW = 2500;
    const { source, log, times } = await storm(WINDOW);

    const errors = log.ofType('error');
    assert.ok(errors.length >= 10, `a storm: ${errors.length} errors in ${WINDOW} ms`);
    for (const error of errors) {
      assert.equal(error.reason, 'network');
      assert.equal(error.readyState, CONNECTING);
      assert.equal(error.reconnectDelay, RETRY, 'the reconnection time, every time: no backoff by default');
    }
    times.slice(1).forEach((t, i) => {
      assert.ok(t - times[i] >= RETRY - 1, `request ${i + 1} came ${(t - times[i]).toFixed(1)} ms after the previous one`);
    });
    const rate = perMinute(times);
    t.diagnostic(`${times.length} requests in ${WINDOW} ms: ${rate.toFixed(0)} requests/min`);
    assert.ok(rate <= 60_000 / RETRY, `${rate.toFixed(0)} requests/min`);
    assert.equal(source.readyState, CLOSED);
  });

  test(`network errors, reconnect ${JSON.stringify(POLICY)}: jittered waits grow to maxDelay, requests/min under the policy's bound`, { skip: skipIn(cutBodyLost) }, async (t) => {
    const WINDOW = 4000;
    const { log, requests, times } = await storm(WINDOW, { reconnect: POLICY });

    const errors = log.ofType('error');
    const delays = errors.map((e) => e.reconnectDelay);
    delays.forEach((delay, i) => {
      const [min, max] = delayRange(POLICY, RETRY, i + 1);
      assert.ok(delay >= min && delay <= max, `delay ${i + 1} is ${delay}, the policy allows [${min}, ${max}]: ${delays}`);
    });
    assert.ok(errors.every((e) => e.reason === 'network' && e.readyState === CONNECTING));

    requests.slice(1).forEach((request, i) => {
      const gap = request.time - requests[i].time;
      assert.ok(gap >= delays[i] - 1, `gap ${i + 1} is ${gap.toFixed(1)} ms, the delay chosen ${delays[i].toFixed(1)}`);
    });
    const bound = maxRequestsIn(POLICY, RETRY, WINDOW);
    assert.ok(times.length <= bound, `${times.length} requests in ${WINDOW} ms, the policy allows ${bound}`);
    assert.ok(times.length >= 5, `still reconnecting: ${times.length} requests`);

    // Once the backoff reached maxDelay (from the 5th failure on): at most 60000 / (800 × 0.5)
    // = 150 requests/min, against 1200 without a policy; and the waits are jittered.
    const capped = delays.slice(4);
    assert.ok(capped.length >= 3, `delays ${delays}`);
    assert.ok(new Set(capped).size > 1, `jittered, not all equal: ${capped}`);
    const steady = perMinute(requests.slice(4).map((r) => r.time));
    t.diagnostic(`${times.length} requests in ${WINDOW} ms (bound ${bound}); delays ${delays.map((d) => d.toFixed(0))}; ${steady.toFixed(0)} requests/min at maxDelay (bound ${steadyRequestsPerMinute(POLICY)})`);
    assert.ok(steady <= steadyRequestsPerMinute(POLICY), `${steady.toFixed(0)} requests/min at maxDelay`);
  });

  for (const [status, headers] of [[503, { 'retry-after': '0' }], [429, { 'retry-after': '0' }]]) {
    test(`HTTP ${status}, default: fails the connection (the standard): error "http-status" ${status}, CLOSED, no further request`, async () => {
      const stream = s.scenario(`status-${status}`, {
        responses: [
          { chunks: ['retry: 50\ndata: ok\n\n'] },
          { status, headers: { 'content-type': 'text/event-stream', ...headers }, chunks: ['data: from the error\n\n'] },
        ],
        afterResponses: 'repeat-last',
      });
      const source = s.open(stream.url);
      const log = record(source);
      await waitFor(() => source.readyState === CLOSED);
      await sleep(300); // 6 × the reconnection time
      assert.deepEqual(log.types(), ['open', 'message', 'error', 'error']);
      assert.deepEqual(log.data(), ['ok']);
      const failed = log.ofType('error')[1];
      assert.equal(failed.reason, 'http-status');
      assert.equal(failed.status, status);
      assert.equal(failed.readyState, CLOSED);
      assert.equal(failed.reconnectDelay, undefined);
      assert.equal(stream.gets().length, 2);
    });
  }

  test(`5xx and 429 storm, reconnect ${JSON.stringify(POLICY)}: transient, backs off (≥ Retry-After), bounded, and events flow once the server recovers`, async () => {
    const EVENTS = numberedEvents(3, (i) => `recovered ${i}`);
    const failing = (status, extra = {}) => ({
      status,
      headers: { 'content-type': 'text/event-stream', ...extra },
      // the body of a failed response is never parsed: neither this event, its id nor its retry
      chunks: ['retry: 1\nid: from-error\ndata: from the error\n\n'],
    });
    const stream = s.scenario('status-storm', {
      responses: [
        { chunks: [`retry: ${RETRY}\nid: 0\ndata: before\n\n`] },
        { ...failing(503), times: 5 },
        failing(429, { 'retry-after': '1' }),
        failing(502),
        { chunks: [{ events: EVENTS }], end: 'hang' },
      ],
    });
    const source = s.open(stream.url, { reconnect: POLICY });
    const log = record(source);
    await waitFor(() => log.data().length === 4, { timeout: 7000 });
    await sleep(50);

    assert.deepEqual(log.data(), ['before', ...EVENTS.map((e) => e.data)]);
    assert.equal(source.readyState, OPEN);
    const errors = log.ofType('error');
    assert.deepEqual(errors.map((e) => [e.reason, e.status]), [
      ['end-of-stream', 200],
      ...Array(5).fill(['http-status', 503]),
      ['http-status', 429],
      ['http-status', 502],
    ]);
    assert.ok(errors.every((e) => e.readyState === CONNECTING), 'never CLOSED');
    // The first error follows a delivered event: the failures count from 1 there.
    errors.forEach((error, i) => {
      const [min, max] = delayRange(POLICY, RETRY, i + 1);
      const retryAfter = error.status === 429 ? 1000 : 0;
      assert.ok(
        error.reconnectDelay >= Math.max(min, retryAfter) && error.reconnectDelay <= Math.max(max, retryAfter),
        `delay ${i + 1} (${error.status}) is ${error.reconnectDelay}: the policy allows [${min}, ${max}], Retry-After ${retryAfter}`,
      );
    });
    assert.equal(errors[6].reconnectDelay, 1000, 'Retry-After: 1 beats maxDelay 800');

    const requests = stream.gets();
    assert.equal(requests.length, 9);
    requests.slice(1).forEach((request, i) => {
      const gap = request.time - requests[i].time;
      assert.ok(gap >= errors[i].reconnectDelay - 1, `gap ${i + 1} is ${gap.toFixed(1)} ms, the delay chosen ${errors[i].reconnectDelay}`);
    });
    assert.ok(requests.slice(1).every((r) => r.headers['last-event-id'] === '0'), 'the failed responses did not move the last event ID');
    const span = requests.at(-1).time - requests[0].time;
    assert.ok(requests.length <= maxRequestsIn(POLICY, RETRY, span), `${requests.length} requests in ${span.toFixed(0)} ms`);
  });

  test('a 503 with Retry-After as an HTTP date: the wait lasts until that date', async () => {
    const date = new Date(Date.now() + 2000).toUTCString(); // whole seconds: 1-2 s from now
    const stream = s.scenario('retry-after-date', {
      responses: [
        { chunks: [`retry: ${RETRY}\ndata: ok\n\n`] },
        { status: 503, headers: { 'retry-after': date } },
        { chunks: ['data: back\n\n'], end: 'hang' },
      ],
    });
    const source = s.open(stream.url, { reconnect: POLICY });
    const log = record(source);
    await waitFor(() => log.data().length === 2, { timeout: 4000 });
    const error = log.ofType('error')[1];
    assert.equal(error.status, 503);
    assert.ok(error.reconnectDelay > 900 && error.reconnectDelay <= 2000, `delay ${error.reconnectDelay} for Retry-After: ${date}`);
    const [, failed, retried] = stream.gets();
    assert.ok(retried.time - failed.time >= error.reconnectDelay - 1);
  });

  test('a 5xx storm with maxAttempts: 2 stops after 2 attempts: CLOSED, "reconnect-limit" caused by "http-status"', async () => {
    const stream = s.scenario('status-limit', {
      responses: [{ chunks: [`retry: ${RETRY}\n\n`] }, { status: 503 }],
      afterResponses: 'repeat-last',
    });
    const source = s.open(stream.url, { reconnect: { ...POLICY, maxAttempts: 2 } });
    const log = record(source);
    await waitFor(() => source.readyState === CLOSED, { timeout: 3000 });
    await sleep(300);
    const errors = log.ofType('error');
    assert.deepEqual(errors.map((e) => [e.reason, e.readyState]), [
      ['end-of-stream', CONNECTING],
      ['http-status', CONNECTING],
      ['reconnect-limit', CLOSED],
    ]);
    assert.equal(errors[2].event.cause, 'http-status');
    assert.equal(errors[2].status, 503);
    assert.equal(stream.gets().length, 3, 'the first request and 2 attempts');
  });
});

describe('byte-by-byte delivery', () => {
  const CHUNKS = MIXED_CHUNKS; // (tests/support/mixed-stream.mjs says what it holds)
  const EXPECTED = MIXED_EXPECTED;
  const BYTES = CHUNKS.reduce((n, c) => n + (typeof c === 'string' ? Buffer.byteLength(c) : c.hex.length / 2), 0);

  /** A fetch that counts the body reads the EventSource gets. */
  function countingFetch(counter) {
    return async (input, init) => {
      const response = await fetch(input, init);
      if (!response.body) return response;
      const body = response.body.pipeThrough(new TransformStream({
        transform(chunk, controller) {
          counter.reads.push(chunk.length);
          controller.enqueue(chunk);
        },
      }));
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  }

  async function deliver(trickle) {
    const stream = s.scenario('bytes', {
      responses: [
        { chunks: CHUNKS, ...(trickle ? { trickle } : {}) },
        { chunks: ['data: again\n\n'], end: 'hang' },
      ],
    });
    const counter = { reads: [] };
    const source = s.open(stream.url, { fetch: countingFetch(counter) });
    const log = record(source, ['open', 'message', 'ünï', 'x', 'error']);
    await waitFor(() => messages(log).length >= EXPECTED.length, { timeout: 5000 });
    await sleep(30);
    return {
      events: messages(log),
      origins: [...new Set(log.filter((e) => e.event instanceof MessageEvent).map((e) => e.origin))],
      lastEventIds: stream.gets().map((r) => headerBytes(r.headers['last-event-id'])),
      firstReads: counter.reads.length - 1, // the last read is the second response's
    };
  }

  test('one byte per write: the same events as whole delivery, in Node', async (t) => {
    const whole = await deliver(null);
    const bytes = await deliver({ bytes: 1, delay: 1 });
    const threes = await deliver({ bytes: 3, delay: 1 });
    assert.deepEqual(whole.events, EXPECTED);
    assert.deepEqual(bytes.events, whole.events);
    assert.deepEqual(threes.events, whole.events);
    for (const run of [whole, bytes, threes]) {
      assert.deepEqual(run.lastEventIds, [undefined, Buffer.from('3')]);
      assert.equal(run.origins.length, 1);
    }
    // The pieces did reach the parser in many reads (not coalesced into a few).
    t.diagnostic(`${BYTES} bytes: ${whole.firstReads} read(s) whole, ${bytes.firstReads} byte by byte, ${threes.firstReads} 3 at a time`);
    assert.ok(bytes.firstReads >= BYTES / 8, `${bytes.firstReads} reads for ${BYTES} bytes written one by one`);
    assert.ok(threes.firstReads >= BYTES / 24, `${threes.firstReads} reads for ${BYTES} bytes written 3 at a time`);
  });
});

describe('close(): no resurrection', () => {
  test('close() while a reconnection waits for its response headers: no open, no error, the request is aborted, nothing for 3 × retry', async () => {
    const stream = s.scenario('close-connecting', {
      responses: [
        { chunks: ['retry: 50\nid: 1\ndata: a\n\n'] },
        { headersDelay: 400, chunks: ['data: too late\n\n'], end: 'hang' },
      ],
      afterResponses: 'repeat-last',
    });
    const source = s.open(stream.url);
    const log = record(source);
    await waitFor(() => stream.gets().length === 2);
    await sleep(20);
    source.close();
    assert.equal(source.readyState, CLOSED);
    await sleep(550); // past the headers' delay and 3 × retry
    assert.deepEqual(log.types(), ['open', 'message', 'error']);
    assert.equal(source.readyState, CLOSED);
    const requests = stream.gets();
    assert.equal(requests.length, 2);
    assert.ok(requests[1].closeTime !== null && requests[1].closeTime < requests[1].time + 400, 'the request was aborted before the headers');
  });

  test('close() during the backoff after a 503 (reconnect policy): no further request', async () => {
    const stream = s.scenario('close-backoff', {
      responses: [{ chunks: ['retry: 50\ndata: a\n\n'] }, { status: 503 }],
      afterResponses: 'repeat-last',
    });
    const source = s.open(stream.url, { reconnect: { factor: 2, jitter: 0 } });
    const log = record(source);
    await waitFor(() => log.ofType('error').length === 2);
    const backoff = log.ofType('error')[1];
    assert.equal(backoff.status, 503);
    assert.equal(backoff.reconnectDelay, 100);
    source.close();
    await sleep(3 * backoff.reconnectDelay);
    assert.deepEqual(log.types(), ['open', 'message', 'error', 'error']);
    assert.equal(source.readyState, CLOSED);
    assert.equal(stream.gets().length, 2);
  });

  test('close() during a Retry-After wait: no request when the wait would have ended', async () => {
    const stream = s.scenario('close-retry-after', {
      responses: [{ chunks: ['retry: 50\ndata: a\n\n'] }, { status: 429, headers: { 'retry-after': '1' } }],
      afterResponses: 'repeat-last',
    });
    const source = s.open(stream.url, { reconnect: { factor: 2, jitter: 0 } });
    const log = record(source);
    await waitFor(() => log.ofType('error').length === 2);
    assert.equal(log.ofType('error')[1].reconnectDelay, 1000);
    await sleep(100);
    source.close();
    await sleep(1200);
    assert.deepEqual(log.types(), ['open', 'message', 'error', 'error']);
    assert.equal(stream.gets().length, 2);
  });

  test('close() in the wait after a heartbeat timeout: no further request', async () => {
    const stream = s.scenario('close-heartbeat', {
      responses: [{ chunks: ['retry: 100\ndata: a\n\n'], end: 'stall' }],
      afterResponses: 'repeat-last',
    });
    const source = s.open(stream.url, { heartbeatTimeout: 200 });
    const log = record(source);
    const error = await nextEvent(source, 'error', { timeout: 2000 });
    assert.equal(error.reason, 'heartbeat-timeout');
    source.close();
    await sleep(300);
    assert.deepEqual(log.types(), ['open', 'message', 'error']);
    assert.equal(stream.gets().length, 1);
    assert.ok(stream.gets()[0].closeTime !== null, 'the stalled connection was dropped');
  });
});
