// The polyfill in workers, in every engine: a dedicated, a shared and a service worker load the
// drop-in with importScripts, a module worker imports dist/index.mjs; each opens a stream with a
// URL relative to the worker's own location and posts the events back to the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { sseHeaders, writeChunks } from '../support/sse-server.mjs';
import { forEachEngine, openPage, startTestServer } from './helpers.mjs';

const STREAM_PATH = '/tests/browser/pages/worker-stream'; // 'worker-stream' relative to the workers

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
});

after(async () => {
  await server?.close();
});

async function runWorker(browser, kind, query = '') {
  server.clear();
  const watch = await openPage(browser);
  try {
    await watch.page.goto(`${server.url}/tests/browser/pages/workers.html`);
    const supported = await watch.page.evaluate(
      (kind) => (kind !== 'shared' || typeof SharedWorker === 'function') && (kind !== 'service' || 'serviceWorker' in navigator),
      kind,
    );
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

forEachEngine((engine) => {
  test('dedicated worker: importScripts the drop-in, self.WasmEventSource with a relative URL', async () => {
    const messages = await runWorker(engine.browser, 'dedicated');
    const info = checkEvents(messages, 'dedicated');
    assert.equal(info.hadNative, true, `${engine.label} has EventSource in dedicated workers`);
    assert.equal(info.installed, false, 'the native self.EventSource is left alone');
    assert.equal(info.hasCreateParser, true);
  });

  test('dedicated worker without a native EventSource: the drop-in installs self.EventSource', async () => {
    const messages = await runWorker(engine.browser, 'dedicated', '?delete');
    const info = checkEvents(messages, 'dedicated');
    assert.equal(info.installed, true, 'self.EventSource === self.WasmEventSource');
  });

  test('shared worker: importScripts the drop-in, self.WasmEventSource with a relative URL', async (t) => {
    const messages = await runWorker(engine.browser, 'shared');
    if (messages === null) {
      t.skip(`no SharedWorker in this ${engine.label}`);
      return;
    }
    const info = checkEvents(messages, 'shared');
    assert.equal(info.shared, true);
    assert.equal(info.hasCreateParser, true);
  });

  test('module worker: import { EventSource } from "/dist/index.mjs"', async () => {
    const messages = await runWorker(engine.browser, 'module');
    const info = checkEvents(messages, 'module');
    assert.equal(info.notNative, true);
    assert.equal(info.hasCreateParser, true);
  });

  // Where a service worker has no EventSource of its own, the drop-in installs it. (Chromium 156,
  // Firefox 153 and WebKitGTK 2.50 all have one there.)
  test('service worker: importScripts the drop-in, events posted to the page', async (t) => {
    const messages = await runWorker(engine.browser, 'service');
    assert.notEqual(messages, null, 'navigator.serviceWorker exists');
    const info = checkEvents(messages, 'service');
    t.diagnostic(`${engine.label}: EventSource in service workers: ${info.hadNative}`);
    assert.equal(info.installed, !info.hadNative, 'self.EventSource is the drop-in exactly where there was none');
    assert.equal(info.hasCreateParser, true);
  });

  test('service worker without a native EventSource: the drop-in installs self.EventSource', async () => {
    const messages = await runWorker(engine.browser, 'service', '?delete');
    const info = checkEvents(messages, 'service');
    assert.equal(info.installed, true, 'self.EventSource === self.WasmEventSource');
  });
});
