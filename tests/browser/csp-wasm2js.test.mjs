// The wasm2js drop-in under a Content-Security-Policy that refuses WebAssembly (no
// 'wasm-unsafe-eval', no 'unsafe-eval'): the same parser as JavaScript needs neither, so the
// page parses and its EventSource streams without a violation. (tests/browser/csp.test.mjs
// shows that this policy does stop the WebAssembly drop-in, and that the page sees it.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { sseHeaders, writeChunks } from '../support/sse-server.mjs';
import { forEachEngine, openPage, startTestServer } from './helpers.mjs';

const NO_WASM = "default-src 'self'; script-src 'self'; connect-src 'self'";

let server;
let dropIn;

before(async () => {
  server = await startTestServer();
  server.route('/csp-wasm2js-page', (req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': NO_WASM,
    });
    res.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>CSP without WebAssembly</title></head>
<body>
<script src="/tests/browser/pages/csp-guard.js"></script>
<script src="/dist/${dropIn}"></script>
<script src="/tests/browser/pages/csp-client.js"></script>
</body></html>`);
  });
  server.route('/csp-stream', async (req, res) => {
    res.writeHead(200, sseHeaders());
    await writeChunks(res, ['retry: 60000\ndata: one\n\n', { delay: 20 }, 'event: ping\ndata: two\n\n', { delay: 20 }]);
    res.end();
  });
});

after(async () => {
  await server?.close();
});

forEachEngine((engine) => {
  for (const file of ['wasm-eventsource.wasm2js.js', 'wasm-eventsource.wasm2js.min.js']) {
    test(`dist/${file} works under "${NO_WASM}" without a violation`, async () => {
      dropIn = file;
      const watch = await openPage(engine.browser);
      let result;
      try {
        await watch.page.goto(`${server.url}/csp-wasm2js-page`);
        await watch.page.waitForFunction(() => window.__csp?.done === true, null, { timeout: 5000 });
        result = await watch.page.evaluate(() => JSON.parse(JSON.stringify({ state: window.__csp, violations: window.__violations })));
      } finally {
        await watch.close();
      }
      const { state, violations } = result;
      assert.deepEqual(violations, [], 'securitypolicyviolation events');
      assert.deepEqual(watch.problems, [], 'page errors and console errors');
      assert.equal(state.error, null);
      assert.equal(state.installed, true, 'the drop-in installed window.EventSource');
      assert.deepEqual(state.parsed, ['parsed']);
      const origin = server.url;
      assert.deepEqual(state.events, [
        { type: 'open', readyState: 1 },
        { type: 'message', data: 'one', origin, readyState: 1 },
        { type: 'ping', data: 'two', origin, readyState: 1 },
        { type: 'error', readyState: 0 },
      ]);
    });
  }
});
