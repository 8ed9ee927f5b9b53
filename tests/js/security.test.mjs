// Security properties in Node, through the harness's scenario server: nothing from a failed
// response reaches the page (no event, no id, no retry), the Last-Event-ID header never carries
// CR, LF or NUL, user headers with CR, LF or NUL fail the connection before any request, and the
// npm package defines no globals. The browser side is in tests/browser/faults.test.mjs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { skipIn } from '../support/runtime.mjs';
import { CLOSED, CONNECTING, OPEN, record, sleep, waitFor } from './helpers.mjs';
import { headerBytes, scenarioFixture } from './scenario-fixture.mjs';

const s = scenarioFixture({ before, after, afterEach });
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// A valid event stream that would change everything it could: an event, the last event ID, the
// reconnection time.
const HOSTILE_BODY = 'retry: 1\nid: from-failed-response\ndata: from a failed response\n\nevent: message\ndata: again\n\n';

describe('no event from a failed response', () => {
  const POLICY = { factor: 2, jitter: 0 };
  const failures = [
    { name: '204', response: { status: 204, headers: { 'content-type': 'text/event-stream' } }, reason: 'http-status' },
    { name: '404 text/event-stream', response: { status: 404, headers: { 'content-type': 'text/event-stream' }, chunks: [HOSTILE_BODY] }, reason: 'http-status' },
    { name: '200 text/plain', response: { status: 200, headers: { 'content-type': 'text/plain' }, chunks: [HOSTILE_BODY] }, reason: 'mime-type' },
    { name: '200 without Content-Type', response: { status: 200, headers: { 'content-type': null }, chunks: [HOSTILE_BODY] }, reason: 'mime-type' },
    { name: '200 text/event-streams', response: { status: 200, headers: { 'content-type': 'text/event-streams' }, chunks: [HOSTILE_BODY] }, reason: 'mime-type' },
  ];
  for (const { name, response, reason } of failures) {
    test(`${name}, even with a reconnect policy: CLOSED (${reason}), no message, one request only`, async () => {
      const stream = s.scenario('failed', {
        responses: [{ chunks: ['retry: 50\nid: 1\ndata: ok\n\n'] }, response],
        afterResponses: 'repeat-last',
      });
      const source = s.open(stream.url, { reconnect: POLICY });
      const log = record(source);
      await waitFor(() => source.readyState === CLOSED);
      await sleep(250); // 5 × retry
      assert.deepEqual(log.types(), ['open', 'message', 'error', 'error']);
      assert.deepEqual(log.data(), ['ok']);
      const failed = log.ofType('error')[1];
      assert.equal(failed.reason, reason);
      assert.equal(failed.readyState, CLOSED);
      assert.equal(stream.gets().length, 2);
    });
  }

  test('a 503 with an event-stream body, reconnect policy: no message, its id and retry are not applied', async () => {
    const stream = s.scenario('failed-transient', {
      responses: [
        { chunks: ['retry: 50\nid: 1\ndata: ok\n\n'] },
        { status: 503, headers: { 'content-type': 'text/event-stream' }, chunks: [HOSTILE_BODY] },
        { chunks: ['data: back\n\n'], end: 'hang' },
      ],
    });
    const source = s.open(stream.url, { reconnect: POLICY });
    const log = record(source);
    await waitFor(() => log.data().length === 2, { timeout: 3000 });
    await sleep(50);
    assert.deepEqual(log.data(), ['ok', 'back']);
    assert.deepEqual(log.ofType('message').map((m) => m.lastEventId), ['1', '1']);
    const [ended, transient] = log.ofType('error');
    assert.equal(ended.reconnectDelay, 50);
    assert.equal(transient.status, 503);
    assert.equal(transient.readyState, CONNECTING);
    assert.equal(transient.reconnectDelay, 100, "the policy's backoff from retry 50, not the failed body's retry: 1");
    assert.deepEqual(stream.gets().map((r) => r.headers['last-event-id']), [undefined, '1', '1']);
  });

  test('a 500 whose body never ends, reconnect policy: the body is dropped at once, nothing dispatched, the reconnection happens', async () => {
    const stream = s.scenario('failed-hanging', {
      responses: [
        { chunks: ['retry: 50\nid: 1\ndata: ok\n\n'] },
        { status: 500, headers: { 'content-type': 'text/event-stream' }, chunks: [HOSTILE_BODY], end: 'hang' },
        { chunks: ['data: back\n\n'], end: 'hang' },
      ],
    });
    const source = s.open(stream.url, { reconnect: POLICY });
    const log = record(source);
    await waitFor(() => log.data().length === 2, { timeout: 3000 });
    assert.deepEqual(log.data(), ['ok', 'back']);
    const [, failed] = stream.gets();
    assert.ok(failed.closeTime !== null, 'the client closed the failed response');
    assert.ok(failed.closeTime - failed.time < 100 + 50, `closed ${(failed.closeTime - failed.time).toFixed(0)} ms after it came`);
    assert.equal(source.readyState, OPEN);
  });
});

describe('Last-Event-ID: no CR, LF or NUL whatever the stream sends', () => {
  test('an id containing NUL is ignored (the standard): the last event ID and the header stay the previous one', async () => {
    const stream = s.scenario('nul-id', {
      responses: [
        { chunks: ['retry: 50\nid: good\ndata: a\n\n', 'id: ba', { hex: '00' }, 'd\ndata: b\n\n'] },
        { chunks: ['data: c\n\n'], end: 'hang' },
      ],
    });
    const source = s.open(stream.url);
    const log = record(source);
    await waitFor(() => log.data().length === 3);
    assert.deepEqual(log.ofType('message').map((m) => [m.data, m.lastEventId]), [['a', 'good'], ['b', 'good'], ['c', 'good']]);
    assert.equal(stream.gets()[1].headers['last-event-id'], 'good');
  });

  // Each response sets an id, dispatches one event and ends; the next request's header is checked.
  const CASES = [
    { chunks: ['id: line\u2028separator\u2029para\ndata: 1\n\n'], id: 'line\u2028separator\u2029para' },
    { chunks: ['id: nel\u0085 next line\ndata: 2\n\n'], id: 'nel\u0085 next line' },
    { chunks: ['id: cr\rinjected: yes\rdata: 3\r\r'], id: 'cr' }, // CR ends the id line
    { chunks: ['id: split-cr\r', { delay: 20 }, '\nX-Injected: yes\ndata: 4\n\n'], id: 'split-cr' },
    { chunks: ['id: crlf\r\nSet-Cookie: x=1\r\ndata: 5\r\n\r\n'], id: 'crlf' },
    { chunks: ['id: nul', { hex: '00' }, '\r\n\ndata: 6\n\n'], id: 'crlf' }, // ignored: the previous id stays
    { chunks: ['id: bad ', { hex: 'ff c0 0d' }, '\ndata: 7\n\n'], id: 'bad \uFFFD\uFFFD' }, // 0d ends the line
    { chunks: ['id: ', { hex: 'e2 80' }, '\ndata: 8\n\n'], id: '\uFFFD' },
    { chunks: ['id: 😀 last\ndata: 9\n\n'], id: '😀 last' },
  ];

  test('ids with U+2028, U+2029, NEL, CR-only and CRLF line ends, NUL and invalid UTF-8: the header is the id\'s UTF-8 bytes, never CR, LF or NUL', async () => {
    const stream = s.scenario('ids', {
      responses: [...CASES.map(({ chunks }) => ({ chunks: ['retry: 20\n', ...chunks] })), { chunks: ['data: end\n\n'], end: 'hang' }],
    });
    const source = s.open(stream.url);
    const log = record(source);
    await waitFor(() => log.data().includes('end'), { timeout: 4000 });
    const sent = stream.gets().slice(1).map((r) => headerBytes(r.headers['last-event-id']));
    assert.equal(sent.length, CASES.length);
    sent.forEach((bytes, i) => {
      assert.ok(![...bytes].some((b) => b === 0x0d || b === 0x0a || b === 0x00), `header ${i + 1}: ${bytes.toString('hex')}`);
      assert.deepEqual(bytes, Buffer.from(CASES[i].id, 'utf8'), `case ${i + 1}: ${JSON.stringify(CASES[i].id)}`);
    });
    assert.deepEqual(log.ofType('message').slice(0, CASES.length).map((m) => m.lastEventId), CASES.map((c) => c.id));
  });

  test('an id with a control character Node\'s fetch refuses (VT, DEL): error "headers" with the TypeError, CLOSED, no retry loop', { skip: skipIn({ bun: "Bun's fetch sends these bytes, as browsers do: nothing is refused" }) }, async () => {
    for (const id of ['a\x0bb', 'del\x7f', 'a\x01b']) {
      const stream = s.scenario('control-id', {
        responses: [{ chunks: [`retry: 20\nid: ${id}\ndata: x\n\n`] }],
        afterResponses: 'repeat-last',
      });
      const source = s.open(stream.url);
      const log = record(source);
      await waitFor(() => log.some((e) => e.type === 'error' && e.readyState === CLOSED));
      await sleep(100); // 5 × the retry the stream set
      assert.deepEqual(log.map((e) => [e.type, e.reason ?? null, e.readyState]), [
        ['open', null, OPEN],
        ['message', null, OPEN],
        ['error', 'end-of-stream', CONNECTING],
        ['error', 'headers', CLOSED],
      ], JSON.stringify(id));
      assert.equal(log.ofType('message')[0].lastEventId, id);
      assert.ok(log.at(-1).event.error instanceof TypeError);
      assert.equal(stream.gets().length, 1, 'no second request');
    }
  });

  test('the lastEventId option with CR, LF or NUL: error "headers" with the TypeError, CLOSED, no request (no retry loop)', async () => {
    for (const lastEventId of ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b', 'trailing\r\n']) {
      const stream = s.scenario('initial-id', { responses: [{ chunks: ['retry: 20\ndata: x\n\n'] }], afterResponses: 'repeat-last' });
      const source = s.open(stream.url, { lastEventId });
      const log = record(source);
      await waitFor(() => log.length > 0);
      await sleep(100); // 5 × the retry a request would have set
      assert.deepEqual(log.map((e) => [e.type, e.reason, e.readyState]), [['error', 'headers', CLOSED]], JSON.stringify(lastEventId));
      assert.ok(log[0].event.error instanceof TypeError);
      assert.equal(stream.requests().length, 0, 'nothing reached the server');
    }
  });
});

describe('user headers with CR, LF or NUL', () => {
  const BAD_VALUES = {
    'CRLF and a second header': 'a\r\nX-Injected: yes',
    'LF': 'a\nb',
    'CR': 'a\rb',
    'NUL': 'a\0b',
    'a trailing CRLF (which fetch would strip silently)': 'value\r\n',
    'a leading LF': '\nvalue',
  };
  const KINDS = {
    object: (headers) => headers,
    'async function': (headers) => async () => headers,
  };

  for (const [kind, make] of Object.entries(KINDS)) {
    for (const [name, value] of Object.entries(BAD_VALUES)) {
      test(`${kind}, ${name}: error "headers" with the TypeError, CLOSED, no request`, async () => {
        const stream = s.scenario('bad-header', { responses: [{ chunks: ['retry: 20\ndata: x\n\n'] }], afterResponses: 'repeat-last' });
        const source = s.open(stream.url, { headers: make({ 'X-Good': 'fine', 'X-Bad': value }) });
        const log = record(source);
        await waitFor(() => log.length > 0);
        await sleep(100); // 5 × the retry a request would have set
        assert.deepEqual(log.map((e) => [e.type, e.reason, e.readyState]), [['error', 'headers', CLOSED]]);
        assert.ok(log[0].event.error instanceof TypeError, String(log[0].event.error));
        assert.equal(source.readyState, CLOSED);
        assert.equal(stream.requests().length, 0, 'nothing reached the server');
      });
    }
  }

  test('a headers function that turns bad on the reconnection: CLOSED then, one request only, no retry loop', async () => {
    const stream = s.scenario('bad-header-later', { responses: [{ chunks: ['retry: 30\ndata: x\n\n'] }], afterResponses: 'repeat-last' });
    let calls = 0;
    const source = s.open(stream.url, {
      headers: () => ({ Authorization: ++calls === 1 ? 'Bearer ok' : 'Bearer x\r\nX-Injected: yes' }),
    });
    const log = record(source);
    await waitFor(() => source.readyState === CLOSED);
    await sleep(150); // 5 × retry
    assert.deepEqual(log.map((e) => [e.type, e.reason, e.readyState]), [
      ['open', undefined, OPEN],
      ['message', undefined, OPEN],
      ['error', 'end-of-stream', CONNECTING],
      ['error', 'headers', CLOSED],
    ]);
    assert.equal(calls, 2);
    const requests = stream.requests();
    assert.equal(requests.length, 1);
    assert.equal(requests[0].headers.authorization, 'Bearer ok');
  });

  test(
    'a header value that is not a ByteString ("✓") fails like CR/LF/NUL, without a retry loop',
    async () => {
      const stream = s.scenario('bytestring-header', { responses: [{ chunks: ['retry: 20\ndata: x\n\n'] }], afterResponses: 'repeat-last' });
      const source = s.open(stream.url, { headers: { 'X-Check': '✓' } });
      const log = record(source);
      await waitFor(() => log.length > 0);
      await sleep(100);
      assert.deepEqual(log.map((e) => [e.type, e.reason, e.readyState]), [['error', 'headers', CLOSED]]);
      assert.equal(stream.requests().length, 0);
    },
  );

  test('a header name with CR or LF fails the same way', async () => {
    for (const name of ['X-Bad\r\nX-Injected', 'X-Bad\n', 'X Bad']) {
      const stream = s.scenario('bad-header-name', { responses: [{ chunks: ['data: x\n\n'] }] });
      const source = s.open(stream.url, { headers: { [name]: 'v' } });
      const log = record(source);
      await waitFor(() => log.length > 0);
      await sleep(50);
      assert.deepEqual(log.map((e) => [e.type, e.reason, e.readyState]), [['error', 'headers', CLOSED]], JSON.stringify(name));
      assert.equal(stream.requests().length, 0);
    }
  });
});

describe('globals', () => {
  // A fresh Node process: the global object's own keys before and after loading the package and
  // running an EventSource (which installs nothing either: no window.stop to wrap in Node). A
  // plain fetch() first, so that what Node's own fetch adds lazily (undici's dispatcher symbol)
  // is in the "before" set.
  const probe = (load) => `
    const keys = () => [...Object.getOwnPropertyNames(globalThis), ...Object.getOwnPropertySymbols(globalThis).map(String)];
    await (await fetch('data:text/plain,x')).text();
    const before = new Set(keys());
    ${load}
    const source = new mod.EventSource('data:text/event-stream,data%3A%20x%0A%0A');
    source.onmessage = () => {
      source.close();
      const added = keys().filter((key) => !before.has(key));
      process.stdout.write(JSON.stringify(added));
    };`;

  const nodeCli = { deno: "it runs `node -e`: Deno's process.execPath takes other arguments" };
  test('import of dist/index.mjs and an EventSource: no new global', { skip: skipIn(nodeCli) }, () => {
    const script = `(async () => { ${probe(`const mod = await import(${JSON.stringify(join(repoRoot, 'dist', 'index.mjs'))});`)} })();`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.deepEqual(JSON.parse(out), []);
  });

  test('require of dist/index.cjs and an EventSource: no new global', { skip: skipIn(nodeCli) }, () => {
    const script = `(async () => { ${probe(`const mod = require(${JSON.stringify(join(repoRoot, 'dist', 'index.cjs'))});`)} })();`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.deepEqual(JSON.parse(out), []);
  });
});
