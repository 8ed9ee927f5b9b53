// Shared by the browser tests: launching Debian's Chromium through playwright-core (never a
// downloaded browser), the repository paths, and collecting what a page reports as broken.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from '../../harness/chromium.mjs';
import { startServer } from '../support/sse-server.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dist = (file) => join(repoRoot, 'dist', file);


export async function launchBrowser() {
  for (const file of ['wasm-eventsource.js', 'wasm-eventsource.min.js', 'index.mjs']) {
    assert.ok(existsSync(dist(file)), `dist/${file} is missing: run \`npm run build\` first`);
  }
  return launchChromium();
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
 * Opens a page in a fresh context and records its uncaught errors and console errors, so that a
 * test can assert there were none (`watch.assertClean()`).
 */
export async function openPage(browser, { contextOptions } = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('crash', () => problems.push('page crashed'));
  return {
    page,
    context,
    problems,
    assertClean(ignore = () => false) {
      const left = problems.filter((text) => !ignore(text));
      assert.deepEqual(left, [], 'the page reported errors');
    },
    close: () => context.close(),
  };
}

/** Headers of a request as the tests compare them: lower-case names, absent ones left out. */
export function pickHeaders(headers, names) {
  const out = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name];
  return out;
}
