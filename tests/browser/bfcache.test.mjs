// whatwg/html PR #12381 in Chromium: a page with an open polyfill source enters the back/forward
// cache (the source aborts its fetch, which also keeps the page cacheable) and is restored (the
// source reconnects at once, with Last-Event-ID, and dispatches no error event). And a page that
// holds a shared connection (`shared: true`) leaves it to another page as it enters the cache. Chromium runs
// with its back/forward cache on, which playwright turns off by default. Nothing here is sent
// with Cache-Control: no-store, which keeps a page out of Chromium's cache when its scripts
// fetched such a response.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launch as launchChromium } from '../../harness/engines/chromium.mjs';
import { openPage, repoRoot, startTestServer } from './helpers.mjs';

let browser;
let server;
const requests = []; // { lastEventId, closed }
const sharedRequests = []; // { lastEventId, page, closed }

before(async () => {
  server = await startTestServer();
  server.route('/bfcache-stream', (req, res) => {
    const request = { lastEventId: req.headers['last-event-id'] ?? null, closed: false };
    requests.push(request);
    req.on('close', () => (request.closed = true));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`id: ${requests.length}\ndata: message ${requests.length}\n\n`);
  });
  for (const name of ['bfcache.html', 'bfcache.js']) {
    server.route(`/bfcache/${name}`, (req, res) => {
      res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html' });
      res.end(readFileSync(join(repoRoot, 'tests', 'browser', 'pages', name)));
    });
  }
  server.route('/bfcache-shared', (req, res) => {
    const request = { lastEventId: req.headers['last-event-id'] ?? null, page: new URL(req.headers.referer).searchParams.get('n'), closed: false };
    sharedRequests.push(request);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = Number(request.lastEventId ?? 0);
    const timer = setInterval(() => res.write(`id: ${++n}\ndata: ${n}\n\n`), 25);
    res.on('close', () => {
      clearInterval(timer);
      request.closed = true;
    });
  });
  server.route('/elsewhere.html', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>another page</p>');
  });
  browser = await launchChromium({ backForwardCache: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const waitFor = async (predicate, what, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

test('Chromium (only its driver can keep the cache on): entering the back/forward cache aborts the fetch; restoring reconnects at once with Last-Event-ID and no error event', async () => {
  const watch = await openPage(browser);
  const { page } = watch;
  try {
    await page.goto(`${server.url}/bfcache/bfcache.html`);
    await page.waitForFunction(() => window.log.some((e) => e.type === 'message'));
    await page.goto(`${server.url}/elsewhere.html`);
    await waitFor(() => requests[0]?.closed, 'the first request to be aborted');
    await page.raw.goBack({ waitUntil: 'commit' }); // (a page restored from the cache fires no load)
    await page.waitForFunction(() => window.log.some((e) => e.type === 'pageshow' && e.persisted), null, { timeout: 5000 }).catch(() => {});
    const restored = await page.evaluate(() => window.log.filter((e) => e.type === 'pageshow'));
    assert.deepEqual(restored.map((e) => e.persisted), [false, true], 'loaded, then restored from the back/forward cache');
    await page.waitForFunction(() => window.log.filter((e) => e.type === 'message').length === 2);
    const log = await page.evaluate(() => window.log);
    assert.deepEqual(
      log.filter((e) => e.type !== 'pageshow').map((e) => [e.type, e.data ?? null, e.lastEventId ?? null, e.state]),
      [
        ['open', null, null, 1],
        ['message', 'message 1', '1', 1],
        ['open', null, null, 1],
        ['message', 'message 2', '2', 1],
      ],
      'no error event, in the cache or after',
    );
    assert.equal(requests.length, 2);
    assert.equal(requests[1].lastEventId, '1', 'the reconnection sends Last-Event-ID');
    watch.assertClean();
  } finally {
    await watch.close();
  }
});

// (The page leaves the connection at pagehide; Chromium also fires freeze as the page enters the
// cache, which the shared connection heeds too.)
test('Chromium: the page that holds a shared connection enters the back/forward cache: another page takes over with Last-Event-ID; restored, the page is OPEN again with the others\' events and no error event', async () => {
  const context = await browser.newContext();
  try {
    const pages = [];
    for (let n = 0; n < 2; n++) {
      const page = await context.newPage();
      await page.goto(`${server.url}/tests/browser/pages/shared.html?n=${n}`);
      await page.evaluate(() => {
        window.restored = [];
        addEventListener('pageshow', (event) => window.restored.push(event.persisted));
        window.shared.open('/bfcache-shared', { shared: true });
      });
      pages.push(page);
    }
    const ids = (page) => page.evaluate(() => window.shared.log.filter((e) => e.type === 'message').map((e) => Number(e.lastEventId)));
    await waitFor(async () => (await ids(pages[1])).length >= 3, 'events in both pages');
    assert.deepEqual(sharedRequests.map((r) => r.page), ['0']);
    await pages[0].goto(`${server.url}/elsewhere.html`);
    await waitFor(() => sharedRequests.length === 2 && sharedRequests[0].closed, 'the other page to take over');
    assert.equal(sharedRequests[1].page, '1');
    assert.ok(Number(sharedRequests[1].lastEventId) >= 3, 'with Last-Event-ID');
    await pages[0].raw.goBack({ waitUntil: 'commit' });
    await pages[0].waitForFunction(() => window.restored?.includes(true), null, { timeout: 5000 });
    const before = (await ids(pages[0])).at(-1);
    await pages[0].waitForFunction((before) => window.shared.log.some((e) => Number(e.lastEventId) > before + 3), before);
    const log = await pages[0].evaluate(() => window.shared.log);
    assert.deepEqual(log.filter((e) => e.type !== 'message').map((e) => [e.type, e.readyState]), [['open', 1], ['open', 1]], 'open again once restored, no error');
    const after = log.filter((e) => e.type === 'message').map((e) => Number(e.lastEventId)).filter((id) => id > before);
    assert.deepEqual(after, after.map((_, i) => after[0] + i), 'then the shared events in order');
    assert.equal(sharedRequests.filter((r) => !r.closed).length, 1, 'still one connection');
    const second = await ids(pages[1]);
    assert.deepEqual(second, second.map((_, i) => second[0] + i), 'the other page saw every ID once, in order, across the handover');
  } finally {
    await context.close();
  }
});
