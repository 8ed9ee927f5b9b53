// HTTP/2 in Chromium: 50 sources to one origin, served by Node's http2 over TLS (a certificate
// made for the test), all receive their events at once, multiplexed on one connection; the
// browser's own EventSource the same, for comparison. The control: over HTTP/1.1 Chromium opens
// 6 connections to an origin, so the seventh source waits, which the same measure shows.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchPlaywright } from '../../harness/engines/chromium.mjs';
import { repoRoot } from './helpers.mjs';

const SOURCES = 50;
let browser;
let certificate;

function makeCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'sse-h2-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The page and the streams; `open` counts the streams open now, `peak` the most at once.
function handler(stats) {
  const page = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="/dist/wasm-eventsource.min.js"></script><script src="/h2-page.js"></script>`;
  const script = `
window.run = (kind, count) => new Promise((resolve) => {
  const Impl = kind === 'native' ? EventSource : WasmEventSource;
  const started = performance.now();
  const sources = [];
  let received = 0;
  const done = () => {
    for (const source of sources) source.close();
    resolve({ received, ms: performance.now() - started });
  };
  const timer = setTimeout(done, 4000);
  for (let i = 0; i < count; i++) {
    const source = new Impl('/h2-stream?' + kind + '-' + i);
    source.onmessage = () => {
      source.onmessage = null;
      if (++received === count) { clearTimeout(timer); done(); }
    };
    sources.push(source);
  }
});`;
  return (req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/h2-page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
    } else if (path === '/h2-page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else if (path === '/dist/wasm-eventsource.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(join(repoRoot, 'dist', 'wasm-eventsource.min.js')));
    } else if (path === '/h2-stream') {
      stats.open++;
      stats.peak = Math.max(stats.peak, stats.open);
      stats.versions.add(req.httpVersion);
      req.on('close', () => stats.open--);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: hello\n\n'); // then stays open
    } else {
      res.writeHead(404);
      res.end();
    }
  };
}

async function withServer(kind, body) {
  const stats = { open: 0, peak: 0, versions: new Set(), sessions: 0 };
  const server = kind === 'h2'
    ? http2.createSecureServer({ ...certificate, allowHTTP1: false }, handler(stats))
    : https.createServer(certificate, handler(stats));
  server.on(kind === 'h2' ? 'session' : 'secureConnection', () => stats.sessions++);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${server.address().port}`;
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/h2-page`);
    return await body(page, stats);
  } finally {
    await context.close();
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

before(async () => {
  certificate = makeCertificate();
  browser = await launchPlaywright(); // (its contexts take ignoreHTTPSErrors for the test's certificate)
});

after(async () => {
  await browser?.close();
});

for (const kind of ['polyfill', 'native']) {
  test(`HTTP/2 in Chromium: ${SOURCES} ${kind === 'native' ? "of Chromium's own EventSources" : 'polyfill sources'} to one origin receive their events at once, on one connection`, async (t) => {
    await withServer('h2', async (page, stats) => {
      const result = await page.evaluate(([k, n]) => window.run(k, n), [kind, SOURCES]);
      t.diagnostic(`${kind}: ${result.received} of ${SOURCES} first events in ${result.ms.toFixed(0)} ms; ` +
        `${stats.peak} streams open at once over ${stats.sessions} HTTP/2 session(s)`);
      assert.equal(result.received, SOURCES);
      assert.equal(stats.peak, SOURCES, 'all the streams open at the same time');
      assert.deepEqual([...stats.versions], ['2.0']);
      assert.equal(stats.sessions, 1, 'one connection');
    });
  });
}

test(`control: over HTTP/1.1 Chromium's seventh polyfill source waits for a free connection`, async (t) => {
  await withServer('h1', async (page, stats) => {
    const result = await page.evaluate(([k, n]) => window.run(k, n), ['polyfill', 10]);
    t.diagnostic(`HTTP/1.1: ${result.received} of 10 first events in 4 s; ${stats.peak} streams open at once`);
    assert.equal(result.received, 6);
    assert.equal(stats.peak, 6);
  });
});
