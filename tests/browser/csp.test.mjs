// The drop-in under a strict Content-Security-Policy: no inline script, no 'unsafe-eval', only
// 'wasm-unsafe-eval' for the WebAssembly module and connect-src 'self' for the stream.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { sseHeaders, writeChunks } from '../support/sse-server.mjs';
import { forEachEngine, openPage, startTestServer } from './helpers.mjs';

const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
const NO_WASM = "default-src 'self'; script-src 'self'; connect-src 'self'";

let server;
let policy = STRICT;
let dropIn = 'wasm-eventsource.js';
let body = null; // the page's scripts, when not the drop-in's

before(async () => {
  server = await startTestServer();
  server.route('/csp-page', (req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': policy,
    });
    res.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>CSP</title></head>
<body>
<script src="/tests/browser/pages/csp-guard.js"></script>
${body ?? `<script src="/dist/${dropIn}"></script>
<script src="/tests/browser/pages/csp-client.js"></script>`}
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

async function loadCspPage(browser) {
  server.clear();
  const watch = await openPage(browser);
  try {
    await watch.page.goto(`${server.url}/csp-page`);
    await watch.page.waitForFunction(() => window.__csp?.done === true, null, { timeout: 5000 });
    const result = await watch.page.evaluate(() => ({ state: window.__csp, violations: window.__violations }));
    return { ...JSON.parse(JSON.stringify(result)), problems: [...watch.problems] };
  } finally {
    await watch.close();
  }
}

forEachEngine((engine) => {
  for (const file of ['wasm-eventsource.js', 'wasm-eventsource.min.js']) {
    test(`dist/${file} works under "${STRICT}" without a violation`, async () => {
      policy = STRICT;
      dropIn = file;
      const { state, violations, problems } = await loadCspPage(engine.browser);
      const header = server.requestsTo('/csp-page')[0];
      assert.ok(header, 'the page was requested');
      assert.deepEqual(violations, [], 'securitypolicyviolation events');
      assert.deepEqual(problems, [], 'page errors and console errors');
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

  test(`wasm-eventsource/embind works under "${STRICT}" without a violation (built with DYNAMIC_EXECUTION=0)`, async () => {
    policy = STRICT;
    body = '<script type="module" src="/tests/browser/pages/csp-embind.js"></script>';
    try {
      const { state, violations, problems } = await loadCspPage(engine.browser);
      assert.deepEqual(violations, [], 'securitypolicyviolation events');
      assert.deepEqual(problems, [], 'page errors and console errors');
      assert.equal(state.error, null);
      assert.deepEqual(state.parsed, ['through embind']);
    } finally {
      body = null;
    }
  });

  // The control: without 'wasm-unsafe-eval' the page cannot compile the module, and the harness
  // above does see it — so a CSP problem of the drop-in would make the tests above fail. WebKit
  // (WebKitGTK 2.50) refuses the module without firing a securitypolicyviolation event.
  const reportsViolation = !engine.is('webkit');
  test(`control: under "${NO_WASM}" the module is refused${reportsViolation ? ' and the violation event fires' : ' (WebKit fires no violation event)'}`, async () => {
    policy = NO_WASM;
    dropIn = 'wasm-eventsource.js';
    const { state, violations, problems } = await loadCspPage(engine.browser);
    if (reportsViolation) {
      assert.ok(violations.length > 0, `a securitypolicyviolation event: ${JSON.stringify({ state, violations, problems })}`);
      assert.ok(
        violations.some((v) => v.directive === 'script-src' && v.blockedURI === 'wasm-eval'),
        JSON.stringify(violations),
      );
    } else {
      assert.deepEqual(violations, []);
    }
    // The polyfill compiles its module when the first parser or EventSource is made: that throws
    // (Chromium logs no console message for a wasm-eval violation, only the event fires).
    assert.match(String(state.error), /CompileError/, JSON.stringify(state));
    assert.deepEqual(state.events, [], 'no events without the module');
  });

  // Each engine words the refusal its own way (csp-refusal.js quotes them), and none names the
  // fix: the polyfill's error does, and keeps the engine's as its cause.
  const FIX = /^wasm-eventsource: the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src, or use the build without it: wasm-eventsource\/wasm2js \(npm\) or wasm-eventsource\.wasm2js\.min\.js \(the drop-in\)$/;
  test(`under "${NO_WASM}" the error names the fix ('wasm-unsafe-eval', or the wasm2js build), the engine's refusal as its cause`, async (t) => {
    policy = NO_WASM;
    body = '<script src="/dist/wasm-eventsource.min.js"></script>\n<script src="/tests/browser/pages/csp-refused.js"></script>';
    try {
      const { state } = await loadCspPage(engine.browser);
      const { event, thrown } = state;
      t.diagnostic(`${engine.label}'s refusal: ${thrown?.cause?.name}: ${thrown?.cause?.message}`);
      assert.deepEqual({ ...event, message: undefined }, { type: 'error', reason: 'wasm', message: undefined, readyState: 2 }, JSON.stringify(state));
      assert.match(event.message, /^The WebAssembly parser could not start: wasm-eventsource: the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src, or use the build without it: .*wasm-eventsource\.wasm2js\.min\.js \(the drop-in\): /);
      assert.equal(thrown.name, 'CompileError');
      assert.equal(thrown.isCompileError, true);
      assert.match(thrown.message, FIX);
      assert.equal(thrown.cause?.name, 'CompileError', JSON.stringify(thrown));
      assert.match(thrown.cause.message, /Content Security Policy|CSP|unsafe-eval/, 'the engine\'s own refusal');
      assert.ok(event.message.endsWith(`: ${thrown.cause.message}`), 'the error event ends with the engine\'s words');
    } finally {
      body = null;
    }
  });

  test(`under "${NO_WASM}" wasm-eventsource/embind's initSse() rejects naming 'wasm-unsafe-eval', Emscripten's abort as the cause`, async () => {
    policy = NO_WASM;
    body = '<script type="module" src="/tests/browser/pages/csp-embind.js"></script>';
    try {
      const { state } = await loadCspPage(engine.browser);
      assert.equal(state.error, "CompileError: wasm-eventsource: the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src", JSON.stringify(state));
      assert.match(state.cause, /^RuntimeError: Aborted\(CompileError: .*(Content Security Policy|CSP)/);
    } finally {
      body = null;
    }
  });
});
