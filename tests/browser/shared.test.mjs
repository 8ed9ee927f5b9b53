// `shared: true` in every engine: the pages of one browser profile (harness/engines'
// browser.newContext()) share one connection per URL and options over HTTP/1.1, while the
// browser's own EventSource in 10 pages runs out of connections (the control); the holder of
// the connection may close or crash and the others take over with Last-Event-ID, each page
// seeing each event once and in order; sources whose options differ never share.
//
// The stream: `id: n` / `data: <variant>:<n>` every 25 ms, from the Last-Event-ID's next on; the
// server records each request (its Referer names the page that made it) and whether it is open.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { sseHeaders } from '../support/sse-server.mjs';
import { forEachEngine, repoRoot, sleep, startTestServer, waitUntil } from './helpers.mjs';
import { SHARED_PAGE, idsOf, logOf } from './shared-page.mjs';

const PAGE = SHARED_PAGE;
// The shared page under the policy the drop-in supports, with its violations recorded.
const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
const CSP_PAGE = '/shared-csp.html';
const PAGES = 10;
const INTERVAL = 25;

let server;
const streams = []; // { variant, lastEventId, page, method, body, headers, open }
const nativeStreams = [];
const reports = {}; // page n → the log entries it reported

before(async () => {
  server = await startTestServer();
  server.route('/shared-stream', async (req, res) => {
    const url = new URL(req.url, server.url);
    let body = '';
    for await (const chunk of req) body += chunk;
    // What tells the requests of sources with different options apart, in every event's data.
    const options = [url.searchParams.get('v'), req.headers['x-variant'] ?? '', body].join('|');
    const record = {
      options,
      variant: url.searchParams.get('v'),
      lastEventId: req.headers['last-event-id'] ?? null,
      page: new URL(req.headers.referer ?? 'http://x/').searchParams.get('n'),
      method: req.method,
      body,
      headers: req.headers,
      open: true,
      at: Date.now(),
      closedAt: null,
    };
    streams.push(record);
    res.writeHead(200, sseHeaders({ 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-credentials': 'true' }));
    let n = Number(record.lastEventId ?? 0);
    const write = () => res.write(`id: ${++n}\ndata: ${options}:${n}\n\n`);
    write();
    const timer = setInterval(write, INTERVAL);
    res.on('close', () => {
      clearInterval(timer);
      record.open = false;
      record.closedAt = Date.now();
    });
  });
  server.route('/shared-report', async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const n = new URL(req.url, server.url).searchParams.get('n');
    const { from, entries } = JSON.parse(body);
    const report = (reports[n] ??= []);
    entries.forEach((entry, i) => (report[from + i] = entry));
    res.writeHead(204);
    res.end();
  });
  server.route(CSP_PAGE, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': STRICT });
    const page = readFileSync(join(repoRoot, 'tests', 'browser', 'pages', 'shared.html'), 'utf8');
    res.end(
      page
        .replace('<link rel="icon" href="data:,">', '') // (a data: image the policy refuses)
        .replace('<script src="/dist/', '<script src="/tests/browser/pages/csp-guard.js"></script>\n  <script src="/dist/'),
    );
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



/**
 * Opens `count` pages of one profile, each with a shared source of `stream` and `init`;
 * `throwing(n)`: page n's message listener throws.
 */
async function openSharedPages(context, count, { stream = '/shared-stream?v=a', init = { shared: true }, first = 0, origin = server.url, throwing = () => false, path = PAGE } = {}) {
  const pages = [];
  for (let n = first; n < first + count; n++) {
    const page = await context.newPage();
    await page.goto(`${origin}${path}?n=${n}`);
    await page.evaluate(([url, options, extra]) => window.shared.open(url, options, extra), [stream, init, { throwing: throwing(n) }]);
    pages.push({ n, page });
  }
  return pages;
}

/** The pages whose script still runs (a killed process may have taken others with it). */
async function alivePages(pages) {
  const alive = [];
  for (const entry of pages) {
    const answer = await Promise.race([entry.page.evaluate(() => 'alive').catch(() => 'dead'), sleep(3000).then(() => 'no answer')]);
    if (answer === 'alive') alive.push(entry);
  }
  return alive;
}

/** Every page's message IDs run on without a gap or a repeat; returns them. */
async function checkEveryIdOnceInOrder(pages, logs = (n, page) => logOf(page)) {
  const all = {};
  for (const { n, page } of pages) {
    const log = await logs(n, page);
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

    test('with shared: true the 10 pages all get the events and the server sees one open stream; a page joining late starts OPEN at the current ID; listeners that throw in two pages (the holder\'s one of them) affect no other', async (t) => {
      streams.length = 0;
      context = await engine.browser.newContext();
      pages = await openSharedPages(context, PAGES - 1, { throwing: (n) => n === 0 || n === 4 });
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
      assert.equal(all[0].length >= all[1].length - 1 && all[4].length >= all[5].length - 1, true, 'the throwing pages go on too');
      for (const { n, page } of pages) {
        const problems = page.problems.filter((text) => !/a listener that throws/.test(text));
        assert.deepEqual(problems, [], `page ${n}`);
        assert.equal(page.problems.length > 0, n === 0 || n === 4, `page ${n}: its listener's errors are reported in its own page only`);
      }
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
        await page.close();
        const next = await waitUntil(
          () => streams.length > before && openStreams('a').length === 1 && openStreams('a')[0],
          () => `a new holder after page ${holder.page} closed: ${JSON.stringify(streams.slice(before - 1).map(({ page, lastEventId, open }) => ({ page, lastEventId, open })))}`,
        );
        // (From the old stream's end at the server to the next request: what the page closing
        // costs the driver is not in it.)
        handovers.push(next.at - (holder.closedAt ?? Date.now()));
        assert.notEqual(next.page, holder.page);
        assert.ok(next.lastEventId !== null, 'the new holder resumes with Last-Event-ID');
        const survivor = pages[0].page;
        const seen = (await idsOf(survivor)).at(-1);
        await waitUntil(async () => (await idsOf(survivor)).at(-1) >= seen + 3, 'events after the handover');
      }
      await checkEveryIdOnceInOrder(pages);
      assert.equal(openStreams().length, 1);
      t.diagnostic(`${engine.label}: handovers took ${handovers.join(', ')} ms (the holder's stream ended → the next request)`);
    });
  });

  // The pages report their logs to the server: WebKit's WebDriver ends the session of a page
  // that crashed, with all its windows, which still run.
  test('the holder crashes (its page\'s process killed, not closed): a survivor takes over with Last-Event-ID and every survivor sees every ID once, in order', async (t) => {
    const context = await engine.browser.newContext();
    try {
      const pages = await openSharedPages(context, 4, { stream: '/shared-stream?v=crash', first: 100 });
      for (const { n, page } of pages) {
        delete reports[n];
        await page.evaluate((n) => window.shared.report(`/shared-report?n=${n}`), n);
      }
      // (Only the reports that arrived without a gap.)
      const reported = (n) => {
        const report = reports[n] ?? [];
        const gap = report.findIndex((entry) => entry === undefined);
        return gap < 0 ? report : report.slice(0, gap);
      };
      const reportedIds = (n) => reported(n).filter((e) => e.type === 'message').map((e) => Number(e.lastEventId));
      for (const { n } of pages) await waitUntil(() => reportedIds(n).length >= 3, `events reported by page ${n}`);
      const [holder] = openStreams('crash');
      const index = pages.findIndex(({ n }) => String(n) === holder.page);
      const [{ page: killed }] = pages.splice(index, 1);
      const before = streams.length;
      await killed.kill();
      const next = await waitUntil(
        () => streams.length > before && openStreams('crash').length === 1 && openStreams('crash')[0],
        () => `a new holder after page ${holder.page} was killed: ${JSON.stringify(streams.slice(before - 1).map(({ page, lastEventId, open }) => ({ page, lastEventId, open })))}`,
      );
      assert.notEqual(next.page, holder.page);
      assert.ok(next.lastEventId !== null, 'the new holder resumes with Last-Event-ID');
      // The survivors: the pages that report events after the new holder's first. (Firefox may
      // keep several pages of one site in one content process: those die with it.)
      const resumed = Number(next.lastEventId);
      await waitUntil(() => reportedIds(next.page).at(-1) >= resumed + 5, 'events after the handover');
      await sleep(300);
      const survivors = pages.filter(({ n }) => reportedIds(n).at(-1) >= resumed + 5);
      assert.ok(survivors.length > 0, 'pages survived');
      await checkEveryIdOnceInOrder(survivors, reported);
      t.diagnostic(`${engine.label}: ${survivors.length} of ${pages.length} other pages survived the kill; page ${next.page} took over from ID ${next.lastEventId}`);
    } finally {
      await context.close();
    }
  });

  test('a page, its frame and its dedicated worker share one connection; the worker holds it, is terminated, and the page takes over', async (t) => {
    const context = await engine.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}${PAGE}?n=200`);
      const init = { shared: true };
      const url = `/shared-stream?v=worker-${engine.name}`;
      await page.evaluate(([url, init]) => window.shared.worker(url, init), [url, init]);
      await waitUntil(() => openStreams(`worker-${engine.name}`).length === 1, 'the worker\'s connection');
      await page.evaluate(([url, init]) => {
        window.shared.open(url, init);
        const frame = document.createElement('iframe');
        frame.src = '/tests/browser/pages/shared.html?n=frame';
        frame.onload = () => frame.contentWindow.shared.open(url, init);
        document.body.append(frame);
        window.frameLog = () => frame.contentWindow.shared?.log ?? [];
      }, [url, init]);
      const logs = async () => {
        const [all, frame] = await Promise.all([logOf(page), page.evaluate(() => window.frameLog())]);
        return { worker: all.filter((e) => e.source === 'worker'), page: all.filter((e) => e.source === 0), frame };
      };
      const ids = (log) => log.filter((e) => e.type === 'message').map((e) => Number(e.lastEventId));
      await waitUntil(async () => Object.values(await logs()).every((log) => ids(log).length >= 3), 'events in the worker, the page and the frame');
      assert.equal(streams.filter((s) => s.variant === `worker-${engine.name}`).length, 1, 'one request');
      await page.evaluate(() => window.shared.stopWorker());
      await waitUntil(() => streams.filter((s) => s.variant === `worker-${engine.name}`).length === 2 && openStreams(`worker-${engine.name}`).length === 1, 'the page or the frame to take over');
      const resumed = streams.filter((s) => s.variant === `worker-${engine.name}`)[1];
      assert.ok(resumed.lastEventId !== null, 'with Last-Event-ID');
      await waitUntil(async () => ids((await logs()).page).at(-1) >= Number(resumed.lastEventId) + 3, 'events after the handover');
      const final = await logs();
      for (const name of ['page', 'frame']) {
        const list = ids(final[name]);
        assert.deepEqual(list, list.map((_, i) => list[0] + i), `${name}: every ID once, in order`);
        assert.deepEqual(final[name].filter((e) => e.type !== 'message').map((e) => e.type), ['open'], name);
      }
      assert.ok(ids(final.worker).length >= 3);
      assert.deepEqual(page.problems, []);
      t.diagnostic(`${engine.label}: the worker held the connection, then ${resumed.page === '200' ? 'the page' : `page ${resumed.page}`} from ID ${resumed.lastEventId}`);
    } finally {
      await context.close();
    }
  });

  test(`under "${STRICT}" two pages share one connection, with no violation`, async () => {
    const context = await engine.browser.newContext();
    try {
      const variant = `csp-${engine.name}`;
      const pages = await openSharedPages(context, 2, { stream: `/shared-stream?v=${variant}`, path: CSP_PAGE, first: 300 });
      for (const { n, page } of pages) await waitUntil(async () => (await idsOf(page)).length >= 3, `events in page ${n}`);
      assert.equal(streams.filter((s) => s.variant === variant).length, 1, 'one request');
      await checkEveryIdOnceInOrder(pages);
      for (const { page } of pages) {
        assert.deepEqual(await page.evaluate(() => [window.__violations, typeof EventSource === 'function' && EventSource === WasmEventSource]), [[], true]);
        assert.deepEqual(page.problems, []);
      }
    } finally {
      await context.close();
    }
  });

  test('sources share only with the same URL, credentials mode, headers, method and body; each gets only its own stream', async () => {
    const context = await engine.browser.newContext();
    const opened = [];
    const open = async (name, stream, init, count = 1) => {
      const first = opened.length;
      const pages = await openSharedPages(context, count, { stream, init: { shared: true, ...init }, first });
      opened.push(...pages.map((entry) => ({ ...entry, name })));
      return pages;
    };
    const optionsOf = (list) => list.map((s) => s.options).sort();
    try {
      streams.length = 0;
      // (Six streams at most at once: the engines' connections per host.)
      await open('url1', '/shared-stream?v=url1', {}, 2);
      await open('url2', '/shared-stream?v=url2', {});
      await open('cred', '/shared-stream?v=url1', { withCredentials: true });
      for (const { n, page } of opened) await waitUntil(async () => (await idsOf(page)).length >= 3, `events in page ${n}`);
      assert.deepEqual(optionsOf(openStreams()), ['url1||', 'url1||', 'url2||'], 'the credentialed source has a stream of its own, with the same URL');
      assert.equal(streams.length, 3, 'one request per group');
      for (const { n, page, name } of opened) {
        const expected = name === 'url2' ? 'url2||' : 'url1||';
        const data = (await logOf(page)).filter((e) => e.type === 'message').map((e) => e.data);
        assert.ok(data.every((d) => d.startsWith(expected)), `page ${n} (${name}) got only its stream: ${data.slice(0, 3)}`);
      }
      for (const entry of opened.filter((e) => e.name !== 'url1')) await entry.page.close();
      opened.splice(2);

      const before = streams.length;
      await open('hdrD', '/shared-stream?v=url1', { headers: { 'X-Variant': 'd' } }, 2);
      await open('hdrE', '/shared-stream?v=url1', { headers: { 'X-Variant': 'e' } });
      await open('postA', '/shared-stream?v=url1', { method: 'POST', body: 'one' }, 2);
      await open('postB', '/shared-stream?v=url1', { method: 'POST', body: 'two' });
      for (const { n, page } of opened) await waitUntil(async () => (await idsOf(page)).length >= 3, `events in page ${n}`);
      assert.deepEqual(optionsOf(streams.slice(before)), ['url1|d|', 'url1|e|', 'url1||one', 'url1||two'].sort(), 'one request per group');
      assert.deepEqual(optionsOf(openStreams()), ['url1||', 'url1|d|', 'url1|e|', 'url1||one', 'url1||two'].sort());
      const expected = { url1: 'url1||', hdrD: 'url1|d|', hdrE: 'url1|e|', postA: 'url1||one', postB: 'url1||two' };
      for (const { n, page, name } of opened) {
        const data = (await logOf(page)).filter((e) => e.type === 'message').map((e) => e.data);
        assert.ok(data.every((d) => d.startsWith(`${expected[name]}:`)), `page ${n} (${name}) got only its stream: ${data.slice(0, 3)}`);
      }
      for (const { page } of opened) assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  });

  test('nothing crosses origins: a page of another origin with the same stream URL has a connection of its own, and what it posts on the channel of this origin\'s sources never reaches them; malformed messages on the channel are dropped', async () => {
    const context = await engine.browser.newContext();
    try {
      streams.length = 0;
      const stream = `${server.url}/shared-stream?v=origin`;
      const [here] = await openSharedPages(context, 1, { stream });
      const [there] = await openSharedPages(context, 1, { stream, origin: server.url2, first: 1 });
      for (const { page } of [here, there]) await waitUntil(async () => (await idsOf(page)).length >= 3, 'events');
      assert.equal(openStreams('origin').length, 2, 'one connection per origin');
      await checkEveryIdOnceInOrder([here, there]);
      await there.page.close();
      // A page of the other origin with no source posts on the channel that this origin's
      // sources listen to (its name is the lock's).
      const [lock] = (await here.page.evaluate(() => navigator.locks.query())).held;
      const elsewhere = await context.newPage();
      await elsewhere.goto(`${server.url2}${PAGE}?n=2`);
      const forged = ['message', 'forged', 'from elsewhere'];
      const post = (page) =>
        page.evaluate(([name, forged]) => {
          const channel = new BroadcastChannel(name);
          // a holder's message of a far later term, a hello, and garbage
          channel.postMessage([4, Number.MAX_SAFE_INTEGER, '999999', 1, 3000, ...forged]);
          for (const junk of [null, 'x', {}, [], [4], [4, 'a', 'b'], [3, 1, '1', 1, 3000, null], [2, 1e15, 5, 1, 3000], [1]]) channel.postMessage(junk);
          channel.close();
        }, [lock.name, forged]);
      await post(elsewhere);
      const seen = (await idsOf(here.page)).at(-1);
      await waitUntil(async () => (await idsOf(here.page)).at(-1) >= seen + 5, 'more events');
      assert.ok(!(await logOf(here.page)).some((e) => e.data === 'from elsewhere'), 'nothing from the other origin');
      // The same garbage from this origin, without the forged event: dropped, and the stream goes on.
      await here.page.evaluate(([name]) => {
        const channel = new BroadcastChannel(name);
        for (const junk of [null, 'x', {}, [], [4], [4, 'a', 'b'], [3, 1, '1', 1, 3000, null], [2, 1e15, 5, 1, 3000], [1]]) channel.postMessage(junk);
      }, [lock.name]);
      const later = (await idsOf(here.page)).at(-1);
      await waitUntil(async () => (await idsOf(here.page)).at(-1) >= later + 5, 'more events after the garbage');
      await checkEveryIdOnceInOrder([here]);
      assert.deepEqual(here.page.problems, []);
      assert.deepEqual(elsewhere.problems, []);
    } finally {
      await context.close();
    }
  });
});
