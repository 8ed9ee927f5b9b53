// `shared: true` in every engine: the pages of one browser profile (harness/engines'
// browser.newContext()) share one connection per URL and options over HTTP/1.1, while the
// browser's own EventSource in 10 pages runs out of connections (the control); the holder of
// the connection may close or crash and the others take over with Last-Event-ID, each page
// seeing each event once and in order; sources whose options differ never share.
//
// The stream: `id: n` / `data: <variant>:<n>` every 25 ms, from the Last-Event-ID's next on; the
// server records each request (its Referer names the page that made it) and whether it is open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { sseHeaders } from '../support/sse-server.mjs';
import { forEachEngine, sleep, startTestServer } from './helpers.mjs';

const PAGE = '/tests/browser/pages/shared.html';
const PAGES = 10;
const INTERVAL = 25;

let server;
const streams = []; // { variant, lastEventId, page, method, body, headers, open }
const nativeStreams = [];

before(async () => {
  server = await startTestServer();
  server.route('/shared-stream', async (req, res) => {
    const url = new URL(req.url, server.url);
    let body = '';
    for await (const chunk of req) body += chunk;
    const record = {
      variant: url.searchParams.get('v'),
      lastEventId: req.headers['last-event-id'] ?? null,
      page: new URL(req.headers.referer ?? 'http://x/').searchParams.get('n'),
      method: req.method,
      body,
      headers: req.headers,
      open: true,
    };
    streams.push(record);
    res.writeHead(200, sseHeaders({ 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-credentials': 'true' }));
    let n = Number(record.lastEventId ?? 0);
    const write = () => res.write(`id: ${++n}\ndata: ${record.variant}:${n}\n\n`);
    write();
    const timer = setInterval(write, INTERVAL);
    res.on('close', () => {
      clearInterval(timer);
      record.open = false;
    });
  });
  server.route('/native-stream', (req, res) => {
    const record = { open: true };
    nativeStreams.push(record);
    res.writeHead(200, sseHeaders({ 'access-control-allow-origin': '*' }));
    res.write('data: native\n\n');
    req.on('close', () => (record.open = false));
  });
});

after(async () => {
  await server?.close();
});

const openStreams = (variant) => streams.filter((s) => s.open && (variant === undefined || s.variant === variant));

async function waitUntil(predicate, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await sleep(25);
  }
}

const logOf = (page) => page.evaluate(() => window.shared.log);
const idsOf = async (page) => (await logOf(page)).filter((e) => e.type === 'message').map((e) => Number(e.lastEventId));

/** Opens `count` pages of one profile, each with a shared source of `stream` and `init`. */
async function openSharedPages(context, count, { stream = '/shared-stream?v=a', init = { shared: true }, first = 0, origin = server.url } = {}) {
  const pages = [];
  for (let n = first; n < first + count; n++) {
    const page = await context.newPage();
    await page.goto(`${origin}${PAGE}?n=${n}`);
    await page.evaluate(([url, options]) => window.shared.open(url, options), [stream, init]);
    pages.push({ n, page });
  }
  return pages;
}

/** Every page's message IDs run on without a gap or a repeat; returns them. */
async function checkEveryIdOnceInOrder(pages) {
  const all = {};
  for (const { n, page } of pages) {
    const log = await logOf(page);
    const ids = log.filter((e) => e.type === 'message').map((e) => Number(e.lastEventId));
    assert.ok(ids.length > 0, `page ${n} got events`);
    for (let i = 1; i < ids.length; i++) {
      assert.equal(ids[i], ids[i - 1] + 1, `page ${n}: after ${ids[i - 1]} came ${ids[i]} (${ids.slice(Math.max(0, i - 3), i + 3)})`);
    }
    assert.deepEqual(log.filter((e) => e.type !== 'message').map((e) => e.type), ['open'], `page ${n}: one open, no error`);
    all[n] = ids;
  }
  return all;
}

forEachEngine((engine) => {
  describe('10 pages of one profile, one stream', () => {
    let context;
    let pages;

    after(async () => {
      await context?.close();
    });

    test('with shared: true the 10 pages all get the events and the server sees one open stream; a page joining late starts OPEN at the current ID', async (t) => {
      streams.length = 0;
      context = await engine.browser.newContext();
      pages = await openSharedPages(context, PAGES - 1);
      await waitUntil(async () => (await idsOf(pages[0].page)).length >= 5, 'events in the first page');
      pages.push(...(await openSharedPages(context, 1, { first: PAGES - 1 })));
      for (const { n, page } of pages) await waitUntil(async () => (await idsOf(page)).length >= 5, `5 events in page ${n}`);
      assert.equal(streams.length, 1, 'one request');
      assert.equal(openStreams().length, 1, 'one open stream');
      assert.equal(streams[0].page, '0', 'made by the first page');
      const all = await checkEveryIdOnceInOrder(pages);
      const late = all[PAGES - 1];
      assert.ok(late[0] > all[0][0] + 3, `the late page started later on (${late[0]})`);
      const lastLog = await logOf(pages.at(-1).page);

      assert.equal(lastLog[0].type, 'open');
      assert.equal(lastLog[0].readyState, 1);
      t.diagnostic(`${engine.label}: ${PAGES} pages, ${streams.length} stream; the late page's first ID ${late[0]}`);
    });

    test('control: the browser\'s own EventSource in 10 pages of one profile stalls: the server never sees more than the engine\'s connections per host, and some pages never open', async (t) => {
      nativeStreams.length = 0;
      const control = await engine.browser.newContext();
      try {
        // The pages load from the other origin (another host:port), so that their own loads do
        // not wait for a connection; their streams all go to this one.
        const natives = [];
        for (let n = 0; n < PAGES; n++) {
          const page = await control.newPage();
          await page.goto(`${server.url2}${PAGE}?n=${n}&native=${encodeURIComponent(`${server.url}/native-stream`)}`);
          natives.push(page);
        }
        let opened = 0;
        await waitUntil(async () => {
          const counts = await Promise.all(natives.map(async (page) => (await logOf(page)).some((e) => e.type === 'open')));
          const now = counts.filter(Boolean).length;
          const settled = now === opened && now > 0;
          opened = now;
          return settled && nativeStreams.filter((s) => s.open).length === now;
        }, 'the native sources that can open to have opened');
        await sleep(1000); // (whatever could still open has had a second more)
        const finally_ = (await Promise.all(natives.map(async (page) => (await logOf(page)).some((e) => e.type === 'open')))).filter(Boolean).length;
        t.diagnostic(`${engine.label}: ${finally_} of ${PAGES} native sources opened, ${nativeStreams.filter((s) => s.open).length} streams open at the server`);
        assert.ok(finally_ < PAGES, `only some of the ${PAGES} native sources open (${finally_})`);
        assert.equal(nativeStreams.filter((s) => s.open).length, finally_);
        assert.ok(openStreams('a').length === 1 && (await idsOf(pages[0].page)).length > 0, 'meanwhile the shared stream goes on');
      } finally {
        await control.close();
      }
    });

    test('the pages close one by one, the connection holder first each time: a survivor takes over with Last-Event-ID and every survivor sees every ID once, in order', async (t) => {
      const handovers = [];
      while (pages.length > 1) {
        const [holder] = openStreams('a');
        assert.ok(holder, 'an open stream');
        const index = pages.findIndex(({ n }) => String(n) === holder.page);
        assert.ok(index >= 0, `the holder (page ${holder.page}) is open`);
        const [{ page }] = pages.splice(index, 1);
        const before = streams.length;
        const closedAt = Date.now();
        await page.close();
        const next = await waitUntil(
          () => streams.length > before && openStreams('a').length === 1 && openStreams('a')[0],
          () => `a new holder after page ${holder.page} closed: ${JSON.stringify(streams.slice(before - 1).map(({ page, lastEventId, open }) => ({ page, lastEventId, open })))}`,
        );
        handovers.push(Date.now() - closedAt);
        assert.notEqual(next.page, holder.page);
        assert.ok(next.lastEventId !== null, 'the new holder resumes with Last-Event-ID');
        const survivor = pages[0].page;
        const seen = (await idsOf(survivor)).at(-1);
        await waitUntil(async () => (await idsOf(survivor)).at(-1) >= seen + 3, 'events after the handover');
      }
      await checkEveryIdOnceInOrder(pages);
      assert.equal(openStreams().length, 1);
      t.diagnostic(`${engine.label}: handovers took ${handovers.join(', ')} ms (close → the next request)`);
    });
  });
});
