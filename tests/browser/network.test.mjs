// Reconnection that follows the network and the page, and async iteration, in a real page:
// offline, the drop-in makes no request (a reconnect policy's attempts are not spent) and back
// online it reconnects at once with Last-Event-ID, whatever wait it was in; with pauseWhenHidden
// a hidden page closes its connection (no error event) and reopens it when visible, alone or
// sharing it with other pages; `for await` in the page. (Offline: the drivers of Chromium and
// Firefox set it — navigator.onLine and the events; WebDriver classic cannot. Visibility: the
// test sets document.hidden and fires visibilitychange in the page, as a tab switch does: no
// driver here hides a headless page.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { sseHeaders } from '../support/sse-server.mjs';
import { forEachEngine, sleep, startTestServer, testUnless, waitUntil } from './helpers.mjs';
import { SHARED_PAGE, idsOf, logOf } from './shared-page.mjs';

const PAGE = SHARED_PAGE;
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

let server;
const requests = {}; // path → [{ lastEventId, open, res }]

before(async () => {
  server = await startTestServer();
  // /net-<name>?retry=<ms>&end: `retry`, then ids from Last-Event-ID's next on, one every 25 ms;
  // with `end`, the first response ends after three events.
  server.route('/net', (req, res) => {
    const url = new URL(req.url, server.url);
    const name = url.searchParams.get('name');
    const list = (requests[name] ??= []);
    const record = { lastEventId: req.headers['last-event-id'] ?? null, open: true, res };
    list.push(record);
    res.writeHead(200, sseHeaders());
    res.write(`retry: ${url.searchParams.get('retry') ?? 3000}\n\n`);
    let n = Number(record.lastEventId ?? 0);
    let sent = 0;
    const timer = setInterval(() => {
      res.write(`id: ${++n}\ndata: ${name}:${n}\n\n`);
      if (++sent === 3 && url.searchParams.has('end') && list.length === 1) res.end();
    }, 25);
    res.on('close', () => {
      clearInterval(timer);
      record.open = false;
    });
  });
});

after(async () => {
  await server?.close();
});


const stateOf = (page) => page.evaluate(() => window.shared.state());

function setHidden(page, hidden) {
  return page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

async function withPage(browser, act) {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}${PAGE}`);
    await act(page);
  } finally {
    await page.close();
  }
}

forEachEngine((engine) => {
  // Each engine's streams by names of their own (one server for all the engines of a run).
  const net = (name, query = '') => `/net?name=${engine.name}-${name}${query}`;
  const noOffline = { webkit: 'WebDriver classic cannot take the browser offline' };

  testUnless(engine, noOffline, 'offline, a source waiting to reconnect makes no request; back online it reconnects at once with Last-Event-ID, whatever its wait (retry: 60000)', async () => {
    await withPage(engine.browser, async (page) => {
      await page.evaluate((url) => window.shared.open(url), net('long', '&retry=60000&end'));
      await waitUntil(async () => (await logOf(page)).some((e) => e.type === 'error'), 'the end of the first response');
      await page.setOffline(true);
      await sleep(200);
      assert.equal(requests[`${engine.name}-long`].length, 1);
      await page.setOffline(false);
      await waitUntil(() => requests[`${engine.name}-long`].length === 2, 'the reconnection');
      assert.equal(requests[`${engine.name}-long`][1].lastEventId, '3');
      await waitUntil(async () => (await idsOf(page)).length >= 5, 'events again');
      assert.deepEqual((await idsOf(page)).slice(0, 5), [1, 2, 3, 4, 5]);
      assert.deepEqual(page.problems, []);
    });
  });

  testUnless(engine, noOffline, 'offline, a reconnect policy\'s attempts are not spent: a cut while offline, then a long offline wait, and the source is still CONNECTING; online it resumes', async () => {
    await withPage(engine.browser, async (page) => {
      await page.evaluate((url) => window.shared.open(url, { reconnect: { maxAttempts: 2, factor: 1, jitter: 0 } }), net('policy', '&retry=20'));
      await waitUntil(async () => (await idsOf(page)).length >= 2, 'events');
      await page.setOffline(true);
      requests[`${engine.name}-policy`][0].res.destroy(); // the connection drops while offline
      await waitUntil(async () => (await logOf(page)).some((e) => e.type === 'error'), 'the error of the cut');
      await sleep(500); // 25 × the reconnection time
      assert.equal((await stateOf(page)).readyState, CONNECTING, 'not CLOSED by reconnect-limit');
      assert.deepEqual((await logOf(page)).filter((e) => e.type === 'error').map((e) => e.reason), ['network'], 'one error, no attempt while offline');
      assert.equal(requests[`${engine.name}-policy`].length, 1);
      await page.setOffline(false);
      await waitUntil(() => requests[`${engine.name}-policy`].length === 2 && requests[`${engine.name}-policy`][1].open, 'the reconnection');
      const resumed = requests[`${engine.name}-policy`][1].lastEventId;
      await waitUntil(async () => (await idsOf(page)).at(-1) >= Number(resumed) + 2, 'events again');
      const ids = await idsOf(page);
      assert.deepEqual(ids, ids.map((_, i) => i + 1), 'every ID once');
    });
  });

  test('pauseWhenHidden: hidden, the connection closes (CONNECTING, no error event); visible, it reopens at once with Last-Event-ID; a source without it keeps its connection', async () => {
    await withPage(engine.browser, async (page) => {
      await page.evaluate(([plain, pausing]) => {
        window.shared.open(plain);
        window.shared.open(pausing, { pauseWhenHidden: true });
      }, [net('plain'), net('pausing')]);
      await waitUntil(() => requests[`${engine.name}-pausing`]?.length === 1 && requests[`${engine.name}-plain`]?.length === 1, 'both connections');
      await waitUntil(async () => (await idsOf(page)).length >= 4, 'events');
      await setHidden(page, true);
      await waitUntil(() => !requests[`${engine.name}-pausing`][0].open, 'the paused connection closed');
      assert.equal((await stateOf(page)).readyState, CONNECTING);
      await sleep(200);
      assert.equal(requests[`${engine.name}-pausing`].length, 1, 'no request while hidden');
      assert.ok(requests[`${engine.name}-plain`][0].open, 'the other source keeps its connection');
      await setHidden(page, false);
      await waitUntil(() => requests[`${engine.name}-pausing`].length === 2, 'the reconnection');
      assert.ok(requests[`${engine.name}-pausing`][1].lastEventId !== null, 'with Last-Event-ID');
      await waitUntil(async () => (await stateOf(page)).readyState === OPEN, 'OPEN again');
      const log = (await logOf(page)).filter((e) => e.source === 1);
      assert.deepEqual(log.filter((e) => e.type !== 'message').map((e) => e.type), ['open', 'open'], 'no error event');
      const ids = log.filter((e) => e.type === 'message').map((e) => Number(e.lastEventId));
      assert.deepEqual(ids, ids.map((_, i) => i + 1), 'every ID once, in order');
    });
  });

  test('pauseWhenHidden: a source made in a hidden page connects only once the page is visible', async () => {
    await withPage(engine.browser, async (page) => {
      await setHidden(page, true);
      await page.evaluate((url) => window.shared.open(url, { pauseWhenHidden: true }), net('born-hidden'));
      await sleep(200);
      assert.equal(requests[`${engine.name}-born-hidden`], undefined, 'no request while hidden');
      await setHidden(page, false);
      await waitUntil(() => requests[`${engine.name}-born-hidden`]?.length === 1, 'the connection');
      assert.equal(requests[`${engine.name}-born-hidden`][0].lastEventId, null);
    });
  });

  test('shared with pauseWhenHidden: a hidden page leaves the connection to the visible ones; with every page hidden there is none; the first visible one reopens it with Last-Event-ID', async () => {
    const context = await engine.browser.newContext();
    try {
      const pages = [];
      for (let n = 0; n < 2; n++) {
        const page = await context.newPage();
        await page.goto(`${server.url}${PAGE}?n=${n}`);
        // (Visible whatever the engine makes of its tabs: Firefox hides all pages but the last.)
        await setHidden(page, false);
        await page.evaluate((url) => window.shared.open(url, { shared: true, pauseWhenHidden: true }), net('shared-hidden'));
        pages.push(page);
      }
      const open = () => requests[`${engine.name}-shared-hidden`].filter((r) => r.open);
      for (const page of pages) await waitUntil(async () => (await idsOf(page)).length >= 3, 'events in both pages');
      assert.equal(requests[`${engine.name}-shared-hidden`].length, 1);
      await setHidden(pages[0], true); // the holder
      await waitUntil(() => requests[`${engine.name}-shared-hidden`].length === 2 && open().length === 1, 'the visible page takes over');
      await setHidden(pages[1], true);
      await waitUntil(() => open().length === 0, 'no connection');
      await sleep(200);
      assert.equal(requests[`${engine.name}-shared-hidden`].length, 2, 'none while every page is hidden');
      await setHidden(pages[0], false);
      await waitUntil(() => requests[`${engine.name}-shared-hidden`].length === 3 && open().length === 1, 'the visible page reopens it');
      assert.ok(requests[`${engine.name}-shared-hidden`][2].lastEventId !== null, 'with Last-Event-ID');
      const seen = (await idsOf(pages[0])).at(-1);
      await waitUntil(async () => (await idsOf(pages[0])).at(-1) >= seen + 3, 'events again');
      const ids = await idsOf(pages[0]);
      assert.deepEqual(ids, ids.map((_, i) => ids[0] + i), 'every ID once, in order, in the page that was visible throughout its connection');
      assert.equal((await idsOf(pages[1])).length > 0, true);
    } finally {
      await context.close();
    }
  });

  test('for await … of source in the page: the events in order; break closes the source and its connection', async () => {
    await withPage(engine.browser, async (page) => {
      const seen = await page.evaluate(async (url) => {
        const source = new WasmEventSource(url);
        const seen = [];
        for await (const event of source) {
          seen.push(event.lastEventId);
          if (seen.length === 3) break;
        }
        return { seen, readyState: source.readyState };
      }, net('loop'));
      assert.deepEqual(seen, { seen: ['1', '2', '3'], readyState: CLOSED });
      await waitUntil(() => !requests[`${engine.name}-loop`][0].open, 'the connection closed');
    });
  });
});
