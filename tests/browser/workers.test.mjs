// The polyfill in workers: a dedicated and a shared worker load the drop-in with importScripts,
// a module worker imports dist/index.mjs; each opens a stream with a URL relative to the
// worker's own location and posts the events back to the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { sseHeaders, writeChunks } from '../support/sse-server.mjs';
import { launchBrowser, openPage, startTestServer } from './helpers.mjs';

const STREAM_PATH = '/tests/browser/pages/worker-stream'; // 'worker-stream' relative to the workers

let browser;
let server;

before(async () => {
  server = await startTestServer();
  server.route(STREAM_PATH, async (req, res) => {
    res.writeHead(200, sseHeaders());
    await writeChunks(res, [
      'retry: 60000\nevent: hello\ndata: from the worker stream\n\n',
      { delay: 20 },
      'id: w1\ndata: second\n\n',
    ]);
    res.end();
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function runWorker(kind, query = '') {
  server.clear();
  const watch = await openPage(browser);
  try {
    await watch.page.goto(`${server.url}/tests/browser/pages/workers.html`);
    const supported = await watch.page.evaluate((kind) => kind !== 'shared' || typeof SharedWorker === 'function', kind);
    if (!supported) return null;
    const messages = await watch.page.evaluate(([kind, query]) => window.runWorker(kind, query), [kind, query]);
    watch.assertClean();
    return JSON.parse(JSON.stringify(messages));
  } finally {
    await watch.close();
  }
}

function checkEvents(messages, via) {
  const fatal = messages.find((m) => m.kind !== 'info' && m.kind !== 'event' && m.kind !== 'done');
  assert.equal(fatal, undefined, `the worker failed: ${JSON.stringify(fatal)}`);
  const info = messages.find((m) => m.kind === 'info');
  assert.equal(info.url, `${server.url}${STREAM_PATH}?via=${via}`, 'the URL resolved against the worker location');
  const origin = server.url;
  assert.deepEqual(
    messages.filter((m) => m.kind === 'event').map(({ kind, ...event }) => event),
    [
      { type: 'open', readyState: 1 },
      { type: 'hello', data: 'from the worker stream', lastEventId: '', origin, readyState: 1 },
      { type: 'message', data: 'second', lastEventId: 'w1', origin, readyState: 1 },
      { type: 'error', readyState: 0 },
    ],
  );
  assert.equal(messages.at(-1).kind, 'done');
  const requests = server.requestsTo(STREAM_PATH);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].headers.accept, 'text/event-stream');
  return info;
}

test('dedicated worker: importScripts the drop-in, self.WasmEventSource with a relative URL', async () => {
  const messages = await runWorker('dedicated');
  const info = checkEvents(messages, 'dedicated');
  assert.equal(info.hadNative, true, 'Chromium has EventSource in dedicated workers');
  assert.equal(info.installed, false, 'the native self.EventSource is left alone');
  assert.equal(info.hasCreateParser, true);
});

test('dedicated worker without a native EventSource: the drop-in installs self.EventSource', async () => {
  const messages = await runWorker('dedicated', '?delete');
  const info = checkEvents(messages, 'dedicated');
  assert.equal(info.installed, true, 'self.EventSource === self.WasmEventSource');
});

test('shared worker: importScripts the drop-in, self.WasmEventSource with a relative URL', async (t) => {
  const messages = await runWorker('shared');
  if (messages === null) {
    t.skip('no SharedWorker in this Chromium');
    return;
  }
  const info = checkEvents(messages, 'shared');
  assert.equal(info.shared, true);
  assert.equal(info.hasCreateParser, true);
});

test('module worker: import { EventSource } from "/dist/index.mjs"', async () => {
  const messages = await runWorker('module');
  const info = checkEvents(messages, 'module');
  assert.equal(info.notNative, true);
  assert.equal(info.hasCreateParser, true);
});
