// `npm start`'s demo as a user sees it: demo/server.mjs started as its own process, its page in
// every engine, both columns (the browser's own EventSource and the polyfill) receiving pings with
// increasing times and at least one plain message within 12 s; then the server-side cut and
// close().
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';

import { forEachEngine, openPage, repoRoot, sleep } from './helpers.mjs';

let demo;
let url;

before(async () => {
  demo = spawn(process.execPath, ['demo/server.mjs', '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of demo.stdout) {
    output += chunk;
    const match = output.match(/Demo: (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (match) {
      url = match[1];
      break;
    }
  }
  assert.ok(url, `the demo printed its URL: ${output}`);
});

after(async () => {
  if (demo && demo.exitCode === null) {
    demo.kill('SIGINT');
    const [code] = await once(demo, 'exit');
    assert.equal(code, 0, 'Ctrl-C stops the demo cleanly');
  }
});

const items = (page, column) =>
  page.evaluate((column) => [...document.querySelectorAll(`#${column} .list li`)].map((li) => ({ text: li.textContent, kind: li.className })), column);
const textOf = (page, selector) => page.evaluate((selector) => document.querySelector(selector).textContent, selector);
const click = (page, selector) => page.evaluate((selector) => document.querySelector(selector).click(), selector);

forEachEngine((engine) => {
  test('both columns receive pings with increasing times and a plain message within 12 s', async () => {
    const watch = await openPage(engine.browser);
    try {
      await watch.page.goto(url);
      const columns = ['native', 'polyfill'];
      const ready = async () => {
        for (const column of columns) {
          const list = await items(watch.page, column);
          if (!list.some((item) => item.kind === 'message') || list.filter((i) => i.kind === 'ping').length < 2) return false;
        }
        return true;
      };
      const deadline = Date.now() + 12_000;
      while (!(await ready())) {
        assert.ok(Date.now() < deadline, 'pings and a message in both columns within 12 s');
        await sleep(250);
      }
      for (const column of columns) {
        const list = await items(watch.page, column);
        const times = list.filter((i) => i.kind === 'ping').map((i) => Date.parse(i.text.replace('ping at ', '')));
        assert.ok(times.every((time, i) => Number.isFinite(time) && (i === 0 || time > times[i - 1])), `${column}: increasing ping times`);
        assert.match(list.find((i) => i.kind === 'message').text, /^message: This is a message at time \d{4}-\d\d-\d\dT/);
        assert.equal(await textOf(watch.page, `#${column} .state`), 'OPEN');
      }
      assert.deepEqual(watch.problems, [], 'no errors in the page (strict CSP included)');

      // The server-side cut: both columns show an error and reconnect (3 s default).
      await click(watch.page, '#cut');
      await watch.page.waitForFunction(
        () => ['native', 'polyfill'].every((c) => document.querySelector(`#${c} .reconnects`).textContent === '1'),
        null,
        { timeout: 8000 },
      );
      // close(): CLOSED and nothing more arrives.
      await click(watch.page, '#polyfill .close');
      assert.equal(await textOf(watch.page, '#polyfill .state'), 'CLOSED');
      const count = (await items(watch.page, 'polyfill')).length;
      await sleep(1500);
      assert.equal((await items(watch.page, 'polyfill')).length, count, 'nothing after close()');
    } finally {
      await watch.close();
    }
  });
});
