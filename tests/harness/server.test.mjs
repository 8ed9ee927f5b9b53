// The scenario server (harness/server.mjs) on its own, over plain HTTP from Node: each end mode,
// redirects, CORS preflights, afterResponses, headers, chunk kinds, request recording, scenario
// validation, the fault actions (drop, times, headersDelay, events that resume, trickle), the
// echo of a request header's bytes, and a close() that never hangs.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { loadScenarios, startScenarioServer } from '../../harness/server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One request with node:http (no redirect following). Resolves at the response head with
 * { status, headers, chunks, done } where `done` resolves to { body, error } when the body ends
 * or fails, and `abort()` destroys the request.
 */
function request(url, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      const done = new Promise((resolveBody) => {
        res.on('data', (chunk) => chunks.push({ bytes: chunk, at: performance.now() }));
        res.on('end', () => resolveBody({ body: Buffer.concat(chunks.map((c) => c.bytes)), error: null }));
        res.on('error', (error) => resolveBody({ body: Buffer.concat(chunks.map((c) => c.bytes)), error }));
        res.on('aborted', () => resolveBody({ body: Buffer.concat(chunks.map((c) => c.bytes)), error: new Error('aborted') }));
      });
      resolve({ status: res.statusCode, headers: res.headers, chunks, done, abort: () => req.destroy() });
    });
    req.end();
  });
}

/** Resolves `promise`'s value, or 'pending' if it has not settled within `ms`. */
const within = (promise, ms) => Promise.race([promise, sleep(ms).then(() => 'pending')]);

let server;
let run = 0;
const nextRun = () => `unit-${++run}`;

before(async () => {
  server = await startScenarioServer({});
});
after(async () => {
  await server?.close();
});

describe('scenario server', () => {
  test('origins and stream URLs', () => {
    assert.match(server.originA, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.originB, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.originA, server.originB);
    assert.equal(server.streamUrl('x', 'r-1'), `${server.originA}/s/r-1/x`);
    assert.equal(server.streamUrl('x', 'r-1', 'B'), `${server.originB}/s/r-1/x`);
  });

  test('end "close": default headers, every chunk kind, delays, then the end of the body', async () => {
    server.addScenario('chunks', {
      responses: [{ chunks: ['data: a\n\n', { delay: 120 }, { hex: 'ef bb BF' }, { repeat: 'ab', times: 3 }, '\n'] }],
    });
    const r = nextRun();
    const response = await request(server.streamUrl('chunks', r));
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'text/event-stream');
    assert.equal(response.headers['cache-control'], 'no-store');
    const { body, error } = await response.done;
    assert.equal(error, null);
    assert.deepEqual(body, Buffer.concat([Buffer.from('data: a\n\n'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ababab\n')]));
    const gap = response.chunks.at(-1).at - response.chunks[0].at;
    assert.ok(gap >= 100, `the delay separates the chunks (${gap.toFixed(0)} ms)`);
  });

  test('status, explicit headers replace the defaults, null removes a header', async () => {
    server.addScenario('headers', {
      responses: [
        { status: 200, headers: { 'Content-Type': 'text/plain', 'X-Extra': 'yes', date: null }, chunks: ['hi'] },
        { status: 500, chunks: ['oops'] },
      ],
    });
    const r = nextRun();
    const first = await request(server.streamUrl('headers', r));
    assert.equal(first.status, 200);
    assert.equal(first.headers['content-type'], 'text/plain');
    assert.equal(first.headers['x-extra'], 'yes');
    assert.equal(first.headers['cache-control'], undefined);
    assert.equal(first.headers.date, undefined);
    assert.equal((await first.done).body.toString(), 'hi');
    const second = await request(server.streamUrl('headers', r));
    assert.equal(second.status, 500);
    assert.equal(second.headers['content-type'], undefined, 'no default headers unless the status is 200');
    assert.equal((await second.done).body.toString(), 'oops');
  });

  test('end "hang": open until the client goes away', async () => {
    server.addScenario('hang', { responses: [{ chunks: ['data: a\n\n'], end: 'hang' }] });
    const response = await request(server.streamUrl('hang', nextRun()));
    assert.equal(await within(response.done, 300), 'pending');
    assert.equal(Buffer.concat(response.chunks.map((c) => c.bytes)).toString(), 'data: a\n\n');
    response.abort();
  });

  test('end "reset": the data, then a network error', async () => {
    server.addScenario('reset', { responses: [{ chunks: ['data: a\n\n', { delay: 30 }, 'data: b'], end: 'reset' }] });
    const response = await request(server.streamUrl('reset', nextRun()));
    const { body, error } = await within(response.done, 2000);
    assert.ok(error, 'the body fails');
    assert.equal(body.toString(), 'data: a\n\ndata: b');
  });

  test('end "stall": no end even after the client left, until the run ends', async () => {
    server.addScenario('stall', { responses: [{ chunks: ['data: a\n\n'], end: 'stall' }] });
    const r = nextRun();
    const response = await request(server.streamUrl('stall', r));
    assert.equal(await within(response.done, 300), 'pending');
    server.endRun(r);
    const { error } = await within(response.done, 2000);
    assert.ok(error, 'ending the run destroys the stalled response');
  });

  test('redirect to origin B: the target path is served by the same scenario, recorded with origin B', async () => {
    server.addScenario('redirect', {
      responses: [
        { redirect: { status: 307, origin: 'B', path: '/elsewhere' } },
        { chunks: ['data: from B\n\n'] },
      ],
    });
    const r = nextRun();
    const first = await request(server.streamUrl('redirect', r));
    assert.equal(first.status, 307);
    assert.equal(first.headers.location, `${server.streamUrl('redirect', r, 'B')}/elsewhere`);
    await first.done;
    const second = await request(first.headers.location);
    assert.equal((await second.done).body.toString(), 'data: from B\n\n');
    assert.deepEqual(
      server.requests('redirect', r).map((q) => [q.method, q.origin, q.subpath]),
      [['GET', 'A', '/'], ['GET', 'B', '/elsewhere']],
    );
  });

  test('cors modes and preflights: answered from the next response, which they do not take', async () => {
    server.addScenario('cors', {
      responses: [
        { cors: true, chunks: ['data: 1\n\n'] },
        { cors: 'credentials', chunks: ['data: 2\n\n'] },
        { cors: '*', chunks: ['data: 3\n\n'] },
        { chunks: ['data: 4\n\n'] },
      ],
    });
    const r = nextRun();
    const url = server.streamUrl('cors', r, 'B');
    const preflight = { method: 'OPTIONS', headers: { origin: server.originA, 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' } };
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const options = await request(url, preflight);
      await options.done;
      const get = await request(url, { headers: { origin: server.originA } });
      seen.push({
        preflight: [options.status, options.headers['access-control-allow-origin'], options.headers['access-control-allow-credentials'], options.headers['access-control-allow-headers']],
        get: [get.headers['access-control-allow-origin'], get.headers['access-control-allow-credentials'], (await get.done).body.toString()],
      });
    }
    const A = server.originA;
    assert.deepEqual(seen, [
      { preflight: [204, A, undefined, 'last-event-id'], get: [A, undefined, 'data: 1\n\n'] },
      { preflight: [204, A, 'true', 'last-event-id'], get: [A, 'true', 'data: 2\n\n'] },
      { preflight: [204, '*', undefined, 'last-event-id'], get: ['*', undefined, 'data: 3\n\n'] },
      { preflight: [204, undefined, undefined, undefined], get: [undefined, undefined, 'data: 4\n\n'] },
    ]);
    assert.deepEqual(server.requests('cors', r).map((q) => q.method), ['OPTIONS', 'GET', 'OPTIONS', 'GET', 'OPTIONS', 'GET', 'OPTIONS', 'GET']);
  });

  test('HEAD takes no response: it answers like the last request to the same URL, else like the next', async () => {
    server.addScenario('head', {
      responses: [
        { redirect: { status: 302, origin: 'B', path: '/b' } },
        { status: 200, headers: { 'content-type': 'text/event-stream', 'x-which': 'second' }, chunks: ['data: x\n\n'] },
      ],
    });
    const r = nextRun();
    const head = async (url) => {
      const response = await request(url, { method: 'HEAD' });
      await response.done;
      return [response.status, response.headers.location ?? response.headers['x-which'] ?? null];
    };
    const A = server.streamUrl('head', r);
    const B = `${server.streamUrl('head', r, 'B')}/b`;
    assert.deepEqual(await head(A), [302, B], 'before any GET: the next response');
    await (await request(A)).done;
    assert.deepEqual(await head(B), [200, 'second'], 'no GET to B yet: the next response');
    await (await request(B)).done;
    assert.deepEqual(await head(A), [302, B], 'A answered the redirect last');
    assert.deepEqual(await head(B), [200, 'second']);
    assert.deepEqual(server.requests('head', r).map((q) => q.method), ['HEAD', 'GET', 'HEAD', 'GET', 'HEAD', 'HEAD']);
  });

  test('afterResponses: 204 by default, a status, or repeat-last', async () => {
    server.addScenario('after-default', { responses: [{ chunks: ['data: x\n\n'] }] });
    server.addScenario('after-status', { responses: [], afterResponses: 503 });
    server.addScenario('after-repeat', { responses: [{ status: 500 }, { chunks: ['data: last\n\n'] }], afterResponses: 'repeat-last' });
    const r = nextRun();
    const statuses = async (name, n) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const response = await request(server.streamUrl(name, r));
        out.push(`${response.status}:${(await response.done).body.toString()}`);
      }
      return out;
    };
    assert.deepEqual(await statuses('after-default', 3), ['200:data: x\n\n', '204:', '204:']);
    assert.deepEqual(await statuses('after-status', 2), ['503:', '503:']);
    assert.deepEqual(await statuses('after-repeat', 4), ['500:', '200:data: last\n\n', '200:data: last\n\n', '200:data: last\n\n']);
  });

  test('requests are recorded per scenario and run: method, origin, path, headers, cookies, time', async () => {
    server.addScenario('record', { responses: [{ chunks: ['data: x\n\n'] }], afterResponses: 'repeat-last' });
    const r1 = nextRun();
    const r2 = nextRun();
    await (await request(server.streamUrl('record', r1), { headers: { 'Last-Event-ID': '7', Cookie: 'a=1; b=two' } })).done;
    await (await request(server.streamUrl('record', r2, 'B'), { method: 'HEAD' })).done;
    await (await request(`${server.streamUrl('record', r1)}?q=1`)).done;
    const first = server.requests('record', r1);
    assert.equal(first.length, 2);
    assert.equal(first[0].method, 'GET');
    assert.equal(first[0].origin, 'A');
    assert.equal(first[0].path, '/s/' + r1 + '/record');
    assert.equal(first[0].subpath, '/');
    assert.equal(first[0].headers['last-event-id'], '7');
    assert.deepEqual(first[0].cookies, { a: '1', b: 'two' });
    assert.equal(first[1].subpath, '/?q=1');
    assert.ok(first[1].time >= first[0].time && typeof first[0].time === 'number');
    assert.deepEqual(server.requests('record', r2).map((q) => [q.method, q.origin]), [['HEAD', 'B']]);
    assert.deepEqual(server.requests('record', 'never'), []);
  });

  test('the cookie route sets the given cookie', async () => {
    const response = await request(`${server.originB}/__harness/cookie?value=${encodeURIComponent('session=abc')}`, { headers: { origin: server.originA } });
    assert.equal(response.status, 204);
    assert.match(response.headers['set-cookie'][0], /^session=abc; Path=\//);
    assert.equal(response.headers['access-control-allow-origin'], server.originA);
  });

  test('addScenario validates', () => {
    assert.throws(() => server.addScenario('bad', { responses: [{ end: 'explode' }] }), /malformed scenario "bad": responses\[0\]\.end/);
    assert.throws(() => server.addScenario('bad', { responses: [{ chunks: [{ hex: 'abc' }] }] }), /hex/);
    assert.throws(() => server.addScenario('bad', { responses: [], client: { close: { afterEvents: 1, onOpen: true } } }), /exactly one/);
    assert.throws(() => server.addScenario('bad', { responses: [], afterResponses: 'repeat-last' }), /repeat-last/);
    assert.throws(() => server.addScenario('bad', { responses: [], extra: 1 }), /unknown key "extra"/);
  });

  test('loadScenarios: a directory, a file; a malformed file is named in the error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'harness-scenarios-'));
    try {
      await writeFile(path.join(dir, 'good.json'), JSON.stringify({ responses: [{ chunks: ['data: x\n\n'] }] }));
      await writeFile(path.join(dir, 'also-good.json'), JSON.stringify({ responses: [] }));
      await writeFile(path.join(dir, 'notes.txt'), 'not a scenario');
      const scenarios = await loadScenarios(dir);
      assert.deepEqual([...scenarios.keys()], ['also-good', 'good']);
      assert.deepEqual([...(await loadScenarios(path.join(dir, 'good.json'))).keys()], ['good']);
      await writeFile(path.join(dir, 'broken.json'), JSON.stringify({ responses: [{ status: 'ok' }] }));
      await assert.rejects(loadScenarios(dir), (error) => error.message.includes('broken.json') && error.message.includes('responses[0].status'));
      await writeFile(path.join(dir, 'broken.json'), '{ "responses": [ }');
      await assert.rejects(loadScenarios(dir), /broken\.json: invalid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('drop: the socket is destroyed before any response (a network error); times: one response for N requests', async () => {
    server.addScenario('drop', {
      responses: [{ drop: true, times: 2 }, { status: 503, times: 2 }, { chunks: ['data: ok\n\n'] }],
    });
    const r = nextRun();
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await request(server.streamUrl('drop', r)).then(
        async (response) => `${response.status}:${(await response.done).body}`,
        (error) => `error:${error.code}`,
      ));
    }
    assert.deepEqual(outcomes, ['error:ECONNRESET', 'error:ECONNRESET', '503:', '503:', '200:data: ok\n\n']);
    assert.deepEqual(server.requests('drop', r).map((q) => q.response), [0, 1, 2, 3, 4]);
  });

  test('headersDelay: nothing before the delay; a client that leaves meanwhile gets nothing and shows in closeTime', async () => {
    server.addScenario('slow-headers', { responses: [{ headersDelay: 200, chunks: ['data: x\n\n'] }], afterResponses: 'repeat-last' });
    const r = nextRun();
    const started = performance.now();
    const response = await request(server.streamUrl('slow-headers', r));
    assert.ok(performance.now() - started >= 190, 'the headers came after the delay');
    assert.equal((await response.done).body.toString(), 'data: x\n\n');
    const [first] = server.requests('slow-headers', r);
    assert.ok(first.closeTime >= first.time + 190);

    const leaving = http.request(server.streamUrl('slow-headers', r), { agent: false });
    leaving.on('error', () => {});
    leaving.end();
    await sleep(50);
    leaving.destroy();
    await sleep(300);
    const [, second] = server.requests('slow-headers', r);
    assert.ok(second.closeTime !== null && second.closeTime < second.time + 150, 'the client left before the headers');
  });

  test('events chunk: resumes after the Last-Event-ID (UTF-8), all without one or for an unknown id, count and interval', async () => {
    const events = [{ id: '1', data: 'a' }, { id: 'é-2', event: 'tick', data: 'b\nc' }, { data: 'no id' }, { id: '4', data: 'd' }];
    server.addScenario('events', { responses: [{ chunks: [{ events, count: 2, interval: 60 }] }, { chunks: [{ events }] }], afterResponses: 'repeat-last' });
    const r = nextRun();
    const first = await request(server.streamUrl('events', r));
    assert.equal((await first.done).body.toString(), 'id: 1\ndata: a\n\nid: é-2\nevent: tick\ndata: b\ndata: c\n\n');
    assert.ok(first.chunks.at(-1).at - first.chunks[0].at >= 50, 'interval between the events');
    const body = async (headers) => (await (await request(server.streamUrl('events', r), { headers })).done).body.toString();
    const lastEventId = Buffer.from('é-2').toString('latin1'); // the header's bytes
    assert.equal(await body({ 'Last-Event-ID': lastEventId }), 'data: no id\n\nid: 4\ndata: d\n\n');
    assert.equal(await body({ 'Last-Event-ID': '4' }), '');
    assert.equal(await body({ 'Last-Event-ID': 'unknown' }), 'id: 1\ndata: a\n\nid: é-2\nevent: tick\ndata: b\ndata: c\n\ndata: no id\n\nid: 4\ndata: d\n\n');
  });

  test('echo chunk: an event whose data is the raw bytes of a request header, in hex, or none', async () => {
    server.addScenario('echo', { responses: [{ chunks: ['retry: 5\n', { echo: 'last-event-id' }, { echo: 'X-Other' }] }], afterResponses: 'repeat-last' });
    const r = nextRun();
    const body = async (headers) => (await (await request(server.streamUrl('echo', r), { headers })).done).body.toString();
    const bytes = Buffer.from([0xe2, 0x80, 0xa6, 0xc3, 0xa9, 0x20, 0xff]); // any bytes, not only UTF-8
    assert.equal(await body({ 'Last-Event-ID': bytes.toString('latin1') }), 'retry: 5\ndata: e280a6c3a920ff\n\ndata: none\n\n');
    assert.equal(await body({ 'X-Other': 'ab' }), 'retry: 5\ndata: none\n\ndata: 6162\n\n');
    assert.throws(() => server.addScenario('bad', { responses: [{ chunks: [{ echo: 'not a name' }] }] }), /"echo" must be a header name/);
    assert.throws(() => server.addScenario('bad', { responses: [{ chunks: [{ echo: 'x', times: 2 }] }] }), /unknown key "times"/);
  });

  test('trickle: every chunk written N bytes at a time, delay ms apart', async () => {
    server.addScenario('trickle', { responses: [{ chunks: ['data: é\n', { hex: '0a' }], trickle: { bytes: 2, delay: 15 } }] });
    const response = await request(server.streamUrl('trickle', nextRun()));
    const { body } = await response.done;
    assert.equal(body.toString(), 'data: é\n\n');
    assert.deepEqual(response.chunks.map((c) => c.bytes.length), [2, 2, 2, 2, 1, 1], 'pieces never span two chunks');
    const span = response.chunks.at(-1).at - response.chunks[0].at;
    assert.ok(span >= 5 * 15 * 0.9, `the pieces were spread over ${span.toFixed(0)} ms`);
  });

  test('the new keys are validated', () => {
    assert.throws(() => server.addScenario('bad', { responses: [{ drop: true, status: 500 }] }), /unknown key "status"/);
    assert.throws(() => server.addScenario('bad', { responses: [{ drop: 1 }] }), /drop: must be true/);
    assert.throws(() => server.addScenario('bad', { responses: [{ times: 0 }] }), /times: must be an integer ≥ 1/);
    assert.throws(() => server.addScenario('bad', { responses: [{ headersDelay: -1 }] }), /headersDelay/);
    assert.throws(() => server.addScenario('bad', { responses: [{ trickle: { bytes: 0 } }] }), /trickle\.bytes/);
    assert.throws(() => server.addScenario('bad', { responses: [{ chunks: [{ events: [{ id: 'a\nb', data: 'x' }] }] }] }), /id: must be a string without CR or LF/);
    assert.throws(() => server.addScenario('bad', { responses: [{ chunks: [{ events: [{ id: '1' }] }] }] }), /data: must be a string/);
    assert.throws(() => server.addScenario('bad', { responses: [{ chunks: [{ events: [], count: -1 }] }] }), /count/);
  });

  test('close() ends hanging, stalled and delayed responses and resolves promptly', async () => {
    const own = await startScenarioServer({});
    own.addScenario('hang', { responses: [{ chunks: ['data: a\n\n'], end: 'hang' }] });
    own.addScenario('stall', { responses: [{ chunks: ['data: a\n\n'], end: 'stall' }] });
    own.addScenario('slow', { responses: [{ chunks: ['data: a\n\n', { delay: 60_000 }, 'data: b\n\n'] }] });
    const open = await Promise.all(['hang', 'stall', 'slow'].map((name) => request(own.streamUrl(name, 'x'))));
    const started = performance.now();
    await within(own.close(), 3000);
    assert.ok(performance.now() - started < 2000, 'close() resolved quickly');
    for (const response of open) assert.notEqual(await within(response.done, 2000), 'pending');
  });
});
