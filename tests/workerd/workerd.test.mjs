// The package in Cloudflare's workerd (miniflare), which compiles no WebAssembly from bytes: a
// Worker importing the package by its name gets the workerd build (the module as a .wasm file).
// The corpus through createParser and EventSourceParserStream, and an EventSource with the
// `fetch` option against a local server: events, reconnection with Last-Event-ID, handlers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { inputAsText, portableCase } from '../support/corpus-trace.mjs';
import { sseHeaders, startServer } from '../support/sse-server.mjs';
import { loadCases } from '../support/vectors.mjs';
import { bundleWorker, startWorker } from './workerd.mjs';

const cases = loadCases();
let mf;
let server;
let bundle;
const results = new Map();
let sameStream;

before(async () => {
  bundle = await bundleWorker(new URL('./worker.mjs', import.meta.url).pathname);
  mf = await startWorker(bundle);
  server = await startServer();
  const body = JSON.stringify({
    cases: cases.map(portableCase),
  });
  const response = await mf.dispatchFetch('http://worker/corpus', { method: 'POST', body });
  assert.equal(response.status, 200, await response.clone().text());
  const out = await response.json();
  sameStream = out.sameStream;
  for (const result of out.results) results.set(result.id, result);
});

after(async () => {
  await mf?.dispose();
  await server?.close();
});

test('the Worker imports the package as a .wasm module, and embeds no WebAssembly bytes', () => {
  assert.deepEqual([...bundle.wasmModules.keys()], ['sse-parser.wasm']);
  assert.ok(!bundle.script.includes('new WebAssembly.Module('), 'no compilation from bytes in the bundle');
  assert.equal(sameStream, true, 'wasm-eventsource/stream gives the same EventSourceParserStream');
});

test('workerd ran every case of the corpus', () => {
  assert.ok(cases.length >= 150);
  assert.deepEqual([...results.keys()], cases.map((c) => c.id));
});

for (const testCase of cases) {
  const want = { ...testCase.expected };
  if (want.comments === undefined) delete want.comments;
  // Through a stream: no per-event lastEventId, and after a buffer-limit error nothing more
  // (as tests/js/corpus-stream.test.mjs judges it).
  const wantStream = { ...want, events: want.events.map(({ type, data }) => ({ type, data })) };
  if (want.error) delete wantStream.lastEventId;
  const checkStream = (trace) => {
    if (!want.error) return assert.deepEqual(trace, wantStream);
    const { lastEventId, events, ...rest } = trace;
    assert.deepEqual(events, wantStream.events.slice(0, events.length), 'events before the error');
    assert.deepEqual({ ...rest, events: wantStream.events }, wantStream);
  };
  describe(testCase.id, () => {
    const result = () => results.get(testCase.id);
    test('createParser: whole', () => assert.deepEqual(result()?.whole, want));
    test('createParser: byte by byte', () => assert.deepEqual(result()?.bytes, want));
    test('EventSourceParserStream: one chunk', () => checkStream(result()?.streamChunk));
    test('EventSourceParserStream: byte by byte (1 KiB chunks beyond 16 KiB)', () => checkStream(result()?.streamBytes));
    if (inputAsText(testCase.input) !== null) {
      test('createParser: as text', () => assert.deepEqual(result()?.text, want));
      test('EventSourceParserStream: as text', () => checkStream(result()?.streamText));
    }
  });
}

describe('EventSource with the fetch option', () => {
  test('open, MessageEvents with data, origin and lastEventId, reconnection after retry with Last-Event-ID, each handler once', async () => {
    server.route('/workerd-stream', (req, res, { requestIndex }) => {
      if (requestIndex === 0) {
        res.writeHead(200, sseHeaders());
        res.end('retry: 50\nid: 1\ndata: caf\u00e9\n\n: comment\ndata: two\ndata: lines\n\n');
      } else if (requestIndex === 1) {
        res.writeHead(200, sseHeaders());
        res.end('event: ping\nid: 2\ndata: \u{1F600}\n\n');
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    const url = `${server.url}/workerd-stream`;
    const response = await mf.dispatchFetch(`http://worker/event-source?url=${encodeURIComponent(url)}&messages=99`);
    assert.equal(response.status, 200, await response.clone().text());
    const { log, fetched } = await response.json();
    const origin = server.url;
    assert.deepEqual(log, [
      { type: 'open', readyState: 1 },
      { type: 'message', readyState: 1, data: 'caf\u00e9', origin, lastEventId: '1', isMessageEvent: true },
      { type: 'message', readyState: 1, data: 'two\nlines', origin, lastEventId: '1', isMessageEvent: true },
      { type: 'error', readyState: 0, reason: 'end-of-stream' },
      { type: 'open', readyState: 1 },
      { type: 'ping', readyState: 1, data: '\u{1F600}', origin, lastEventId: '2', isMessageEvent: true },
      { type: 'error', readyState: 0, reason: 'end-of-stream' },
      { type: 'error', readyState: 2, reason: 'http-status' },
    ]);
    assert.deepEqual(fetched, [
      { url, accept: 'text/event-stream', lastEventId: null },
      { url, accept: 'text/event-stream', lastEventId: '1' },
      { url, accept: 'text/event-stream', lastEventId: '2' },
    ]);
    assert.deepEqual(server.requestsTo('/workerd-stream').map((r) => r.headers['last-event-id'] ?? null), [null, '1', '2']);
  });

  // workerd's fetch sends a header value's characters as UTF-8 (its Headers take any text, which
  // the polyfill probes): the ID goes as itself, and the server gets exactly its UTF-8 bytes.
  // (eventsource 5 does so only with workerd's own fetch; a byte string would arrive encoded twice.)
  test('standard: a non-ASCII Last-Event-ID reaches the server as the ID\'s UTF-8 bytes, with workerd\'s own fetch and with a fetch option over it', async () => {
    const ids = ['caf\u00e9', '\u2026\u00e9\u{1F600}'];
    for (const mode of ['platform-fetch', 'fetch-option']) {
      const path = `/workerd-ids-${mode}`;
      server.route(path, (req, res, { requestIndex }) => {
        if (requestIndex < ids.length) {
          res.writeHead(200, sseHeaders());
          res.end(`retry: 20\nid: ${ids[requestIndex]}\ndata: ${requestIndex}\n\n`);
        } else {
          res.writeHead(204);
          res.end();
        }
      });
      const url = `${server.url}${path}`;
      const query = `url=${encodeURIComponent(url)}&messages=99${mode === 'platform-fetch' ? '&platform-fetch' : ''}`;
      const response = await mf.dispatchFetch(`http://worker/event-source?${query}`);
      assert.equal(response.status, 200, await response.clone().text());
      const { log } = await response.json();
      assert.deepEqual(log.filter((e) => e.data !== undefined).map((e) => e.lastEventId), ids, mode);
      const sent = server.requestsTo(path).map((r) => (r.headers['last-event-id'] === undefined ? null : Buffer.from(r.headers['last-event-id'], 'latin1').toString('hex')));
      assert.deepEqual(sent, [null, ...ids.map((id) => Buffer.from(id, 'utf8').toString('hex'))], `${mode}: the bytes the server got`);
    }
  });
});
