// Shared by the browser tests: every suite runs in each engine (harness/engines: Chromium,
// Firefox, WebKit) through one driver interface; BROWSER_ENGINES=chromium,firefox (default all)
// picks some. Also: the repository paths, the test server, and collecting what a page reports
// as broken.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { engine as engineModule, launchEngine, parseEngines } from '../../harness/engines/index.mjs';
import { startServer } from '../support/sse-server.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dist = (file) => join(repoRoot, 'dist', file);

/** The engines these tests run in: BROWSER_ENGINES (a list or "all", the default). */
export const browserEngines = () => parseEngines(process.env.BROWSER_ENGINES || 'all');

function checkDist() {
  for (const file of ['wasm-eventsource.js', 'wasm-eventsource.min.js', 'index.mjs']) {
    assert.ok(existsSync(dist(file)), `dist/${file} is missing: run \`npm run build\` first`);
  }
}

/**
 * Defines the suite `body(engine)` once per engine, in a describe block named after it, with
 * the engine's browser launched before its tests (engine.browser) and closed after them.
 * engine = { name, label, browser, is(name...) }.
 */
export function forEachEngine(body) {
  for (const name of browserEngines()) {
    const { label } = engineModule(name);
    const engine = { name, label, browser: null, is: (...names) => names.includes(name) };
    describe(label, () => {
      before(async () => {
        checkDist();
        engine.browser = await launchEngine(name);
      });
      after(async () => {
        await engine.browser?.close();
      });
      body(engine);
    });
  }
}

/**
 * A test that an engine cannot do at all: in the engines of `lacking` (name → reason) it is
 * skipped with the reason in its name, never silently; elsewhere it is `test(name, options, fn)`.
 */
export function testUnless(engine, lacking, name, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const reason = lacking[engine.name];
  if (reason) test(`${name} — skipped in ${engine.label}: ${reason}`, { skip: reason }, () => {});
  else test(name, options, fn);
}

/** The shared test server, serving the repository root, with an empty favicon. */
export async function startTestServer() {
  const server = await startServer({ staticDir: repoRoot });
  server.route('/favicon.ico', (req, res) => {
    res.writeHead(204);
    res.end();
  });
  return server;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `predicate` (maybe async) until it returns a truthy value, which it returns; throws after
 * `timeout` ms, naming `what` (a string, or a function giving one then).
 */
export async function waitUntil(predicate, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await sleep(20);
  }
}

/**
 * Opens a page of its own (its own cookies) and records its uncaught errors and console errors,
 * so that a test can assert there were none (`watch.assertClean()`).
 */
export async function openPage(browser) {
  const page = await browser.newPage();
  return {
    page,
    get problems() {
      return page.problems;
    },
    assertClean(ignore = () => false) {
      const left = page.problems.filter((text) => !ignore(text));
      assert.deepEqual(left, [], 'the page reported errors');
    },
    close: () => page.close(),
  };
}

/** Headers of a request as the tests compare them: lower-case names, absent ones left out. */
export function pickHeaders(headers, names) {
  const out = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name];
  return out;
}
