// The drop-in script (dist/wasm-eventsource.js and its minified build) in a real page: the
// seed's client code receives `ping` events and plain messages through the polyfill when the
// page has no EventSource, and the browser's own EventSource is left alone when it has one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { sseHeaders } from '../support/sse-server.mjs';
import { forEachEngine, openPage, sleep, startTestServer } from './helpers.mjs';

let server;
let sent; // what /demo-stream wrote, per request: { pings: [ISO times], messages: [text] }

before(async () => {
  server = await startTestServer();
  sent = [];
  // The seed demo server's stream, faster: a few pings a few ms apart, then a plain message,
  // then one more ping; the response stays open until the page goes away.
  server.route('/demo-stream', async (req, res) => {
    const record = { pings: [], messages: [] };
    sent.push(record);
    res.writeHead(200, sseHeaders());
    for (let i = 0; i < 4; i++) {
      const time = new Date().toISOString();
      record.pings.push(time);
      res.write(`event: ping\ndata: {"time": "${time}"}\n\n`);
      if (i === 2) {
        const message = `This is a message at time ${time}`;
        record.messages.push(message);
        res.write(`data: ${message}\n\n`);
      }
      await sleep(15);
    }
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      req.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    res.end();
  });
});

after(async () => {
  await server?.close();
});

function expectedItems({ pings, messages }) {
  const items = pings.map((time) => `ping at ${time}`);
  items.splice(3, 0, ...messages.map((message) => `message: ${message}`));
  return items;
}

async function runSeedPage(browser, pageName) {
  server.clear();
  sent.length = 0;
  const watch = await openPage(browser);
  const { page } = watch;
  try {
    await page.goto(`${server.url}/tests/browser/pages/${pageName}.html`);
    await page.waitForFunction(() => document.querySelectorAll('#list li').length >= 5, null, { timeout: 5000 });
    const items = await page.evaluate(() => [...document.querySelectorAll('#list li')].map((li) => li.textContent));
    const globals = await page.evaluate(() => ({
      hasWasm: typeof window.WasmEventSource === 'function',
      installed: window.EventSource === window.WasmEventSource,
      nativeSource: Function.prototype.toString.call(window.EventSource).includes('[native code]'),
      isPolyfill: typeof window.WasmEventSource === 'function' && window.evtSource instanceof window.WasmEventSource,
      createParser: typeof window.WasmEventSource?.createParser,
      url: window.evtSource.url,
      readyState: window.evtSource.readyState,
    }));
    await page.evaluate(() => window.evtSource.close());
    const requests = server.requestsTo('/demo-stream');
    watch.assertClean();
    return { items, globals, requests };
  } finally {
    await watch.close();
  }
}

function checkStream({ items, globals, requests }) {
  assert.equal(requests.length, 1, 'one request to /demo-stream');
  assert.equal(requests[0].headers.accept, 'text/event-stream');
  assert.equal(sent.length, 1);
  assert.deepEqual(items, expectedItems(sent[0]));
  const times = items.filter((text) => text.startsWith('ping at ')).map((text) => Date.parse(text.slice(8)));
  assert.equal(times.length, 4);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], `ping times increase: ${items}`);
  assert.match(items[3], /^message: This is a message at time \d{4}-\d\d-\d\dT/);
  assert.equal(globals.url, `${server.url}/demo-stream`);
  assert.equal(globals.readyState, 1, 'OPEN while the stream is open');
}

forEachEngine((engine) => {
  describe('drop-in script, window.EventSource deleted first', () => {
    for (const [name, page] of [
      ['dist/wasm-eventsource.js', 'drop-in'],
      ['dist/wasm-eventsource.min.js', 'drop-in-min'],
    ]) {
      test(`${name}: the seed client receives pings and messages through the polyfill`, async () => {
        const result = await runSeedPage(engine.browser, page);
        assert.equal(result.globals.hasWasm, true, 'window.WasmEventSource is defined');
        assert.equal(result.globals.installed, true, 'window.EventSource === window.WasmEventSource');
        assert.equal(result.globals.isPolyfill, true, 'the seed client used the polyfill');
        assert.equal(result.globals.createParser, 'function', 'WasmEventSource.createParser');
        checkStream(result);
      });
    }
  });

  describe('drop-in script, the browser has an EventSource', () => {
    for (const [name, page] of [
      ['dist/wasm-eventsource.js', 'drop-in-native'],
      ['dist/wasm-eventsource.min.js', 'drop-in-min-native'],
    ]) {
      test(`${name}: window.EventSource stays native, WasmEventSource is still defined`, async () => {
        const result = await runSeedPage(engine.browser, page);
        assert.equal(result.globals.hasWasm, true, 'window.WasmEventSource is defined');
        assert.equal(result.globals.installed, false, 'window.EventSource is not replaced');
        assert.equal(result.globals.nativeSource, true, 'window.EventSource is the native one');
        assert.equal(result.globals.isPolyfill, false, 'the seed client used the native EventSource');
        checkStream(result);
      });
    }
  });
});
