#!/usr/bin/env node
// The conformance runner: every scenario, in headless Chromium, against the browser's own
// EventSource and the implementations under test; each implementation agrees on a scenario when
// its trace deep-equals the native one (harness/README.md, "Traces").
//
//   node harness/run.mjs [--scenarios DIR] [--impl native] [--impl polyfill] [--impl npm:<package>]
//                        [--impl script:<url>#<Global>] [--only a,b] [--jobs N] [--retries N] [--json FILE]
//                        [--html FILE] [--known FILE] [--require-agreement polyfill]
//
//   import { runConformance } from './run.mjs';
//   const { results, table } = await runConformance({ scenarios, impls, only, browser });

import { isDeepStrictEqual } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { launchPlaywright as launchChromium } from './engines/chromium.mjs';
import { loadScenarios, startScenarioServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.join(here, '..');
export const defaultScenariosDir = path.join(here, 'scenarios');
export const defaultKnownDifferences = path.join(here, 'known-differences.json');

const REQUEST_HEADERS = ['accept', 'last-event-id', 'cookie', 'origin'];
const SETTLE_REQUESTS_MS = 60; // requests still on their way reach the server log
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The coarse delay buckets of the README. */
export function delayBucket(ms) {
  if (ms < 50) return '<50ms';
  if (ms < 250) return '50-250ms';
  if (ms < 1000) return '250ms-1s';
  if (ms < 2500) return '1-2.5s';
  if (ms < 5000) return '2.5-5s';
  return '>5s';
}

// ---------------------------------------------------------------------------------------------
// Implementations

/**
 * Parses an implementation spec: 'native', 'polyfill', 'npm:<package>', 'script:<url>#<Global>'.
 * Returns { id, kind, label, ... }.
 */
export function parseImpl(spec) {
  if (spec === 'native') return { id: 'native', kind: 'native', global: 'NativeEventSource' };
  if (spec === 'polyfill') return { id: 'polyfill', kind: 'script', url: '/dist/wasm-eventsource.js', global: 'WasmEventSource' };
  if (spec.startsWith('npm:')) {
    const pkg = spec.slice(4);
    if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(pkg)) throw new Error(`--impl ${spec}: not a package name`);
    const safe = pkg.replace(/[^A-Za-z0-9]/g, '_');
    return { id: spec, kind: 'npm', pkg, global: `HarnessImpl_${safe}`, url: `/__harness/impl/${safe}.js` };
  }
  if (spec.startsWith('script:')) {
    const body = spec.slice(7);
    const hash = body.lastIndexOf('#');
    if (hash <= 0 || hash === body.length - 1) throw new Error(`--impl ${spec}: expected script:<url>#<GlobalName>`);
    const global = body.slice(hash + 1);
    if (!/^[A-Za-z_$][\w$]*$/.test(global)) throw new Error(`--impl ${spec}: "${global}" is not a global name`);
    return { id: spec, kind: 'script', url: body.slice(0, hash), global };
  }
  throw new Error(`unknown implementation "${spec}" (native, polyfill, npm:<package>, script:<url>#<Global>)`);
}

/** Bundles an npm package into an IIFE that puts its EventSource export on window[global]. */
async function bundleNpm(impl) {
  const esbuild = await import('esbuild');
  const entry = [
    `import * as m from ${JSON.stringify(impl.pkg)};`,
    'const d = m.default;',
    'const ES = m.EventSource ?? (d && typeof d === "object" ? d.EventSource : undefined) ?? d;',
    `if (typeof ES !== "function") throw new Error(${JSON.stringify(`${impl.pkg} exports no EventSource`)});`,
    `globalThis[${JSON.stringify(impl.global)}] = ES;`,
  ].join('\n');
  let result;
  try {
    result = await esbuild.build({
      stdin: { contents: entry, resolveDir: repoRoot, sourcefile: `harness-${impl.global}.js`, loader: 'js' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      write: false,
      logLevel: 'silent',
    });
  } catch (error) {
    throw new Error(`cannot bundle npm package ${impl.pkg}: ${error.message.split('\n').slice(0, 4).join(' ')}`);
  }
  return result.outputFiles[0].text;
}

// ---------------------------------------------------------------------------------------------
// Traces and their comparison

/** Origins in traces: the server's two origins become "A" and "B" (stable from run to run). */
function originName(server, value) {
  if (value === server.originA) return 'A';
  if (value === server.originB) return 'B';
  return value;
}

/**
 * The requests of a run as traced: method, origin A/B, the path below the scenario's URL, the
 * Accept, Last-Event-ID, Cookie and Origin headers (those sent), and — from the second request
 * on — the delay since the previous request in coarse buckets. (The first request's delay since
 * the page started the run says more about page load than about the implementation.)
 */
function requestTrace(server, requests) {
  let previous;
  return requests.map((request) => {
    const headers = {};
    for (const name of REQUEST_HEADERS) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
    if (headers.origin !== undefined) headers.origin = originName(server, headers.origin);
    const entry = { method: request.method, origin: request.origin, path: request.subpath, headers };
    if (previous !== undefined) entry.delay = delayBucket(request.time - previous);
    previous = request.time;
    return entry;
  });
}

/**
 * Aligns two lists (longest common subsequence on `key`, index-wise if huge): rows { a?, b?, same }
 * where a and b are indexes; a row with both is a pair (same when the items are equal), a row
 * with one side is an item only that side has.
 */
export function alignLists(left, right, key = (item) => JSON.stringify(item)) {
  const full = (item) => JSON.stringify(item);
  const rows = [];
  const n = left.length;
  const m = right.length;
  if (n * m > 4_000_000) {
    for (let i = 0; i < Math.max(n, m); i++) {
      rows.push({ a: i < n ? i : undefined, b: i < m ? i : undefined, same: i < n && i < m && full(left[i]) === full(right[i]) });
    }
    return rows;
  }
  const a = left.map(key);
  const b = right.map(key);
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      rows.push({ a: i, b: j, same: full(left[i]) === full(right[j]) });
      i++;
      j++;
    } else if (i < n && j < m && table[i + 1][j + 1] === table[i][j]) {
      rows.push({ a: i++, b: j++, same: false }); // one item changed into another
    } else if (j < m && (i === n || table[i][j + 1] >= table[i + 1][j])) {
      rows.push({ b: j++, same: false });
    } else {
      rows.push({ a: i++, same: false });
    }
  }
  return rows;
}

// What aligns rows of two traces: the request without its delay, the event without readyState
// (so that a row differing only there shows as one changed row).
const requestKey = ({ delay, ...rest }) => JSON.stringify(rest);
const eventKey = ({ readyState, ...rest }) => JSON.stringify(rest);
const KEYS = { events: eventKey, requests: requestKey };

/** The differences between a native trace (expected) and another one (actual), per section. */
export function diffTraces(expected, actual) {
  const diff = [];
  for (const section of ['threw', 'events', 'requests']) {
    const e = expected[section];
    const a = actual[section];
    if (isDeepStrictEqual(e, a)) continue;
    if (!Array.isArray(e) || !Array.isArray(a)) {
      diff.push({ section, expected: e, actual: a });
      continue;
    }
    for (const row of alignLists(e, a, KEYS[section])) {
      if (row.same) continue;
      diff.push({ section, index: row.b ?? row.a, expected: row.a === undefined ? undefined : e[row.a], actual: row.b === undefined ? undefined : a[row.b] });
    }
  }
  return diff;
}

// ---------------------------------------------------------------------------------------------
// Running

const launch = launchChromium;

/**
 * Browser pages to run scenarios in, each in its own context (its own cookies), reused from run
 * to run: a run navigates its page to the harness page anew (a fresh document) after clearing
 * the context's cookies, which costs much less than a new renderer process per run.
 */
class PagePool {
  constructor(browser) {
    this.browser = browser;
    this.free = [];
    this.all = new Set();
  }

  async acquire() {
    const reused = this.free.pop();
    if (reused) {
      await reused.context.clearCookies();
      return reused;
    }
    const context = await this.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const entry = { context, page, errors: null };
    page.on('pageerror', (error) => entry.errors?.push(error.message));
    this.all.add(entry);
    return entry;
  }

  release(entry, healthy) {
    entry.errors = null;
    if (healthy) this.free.push(entry);
    else this.discard(entry);
  }

  discard(entry) {
    this.all.delete(entry);
    return entry.context.close().catch(() => {});
  }

  close() {
    this.free = [];
    return Promise.all([...this.all].map((entry) => this.discard(entry)));
  }
}

async function runOne({ pages, server, name, scenario, impl, run }) {
  const client = scenario.client ?? {};
  const entry = await pages.acquire();
  const pageErrors = (entry.errors = []);
  const { page } = entry;
  let healthy = false;
  try {
    await page.goto(`${server.originA}/harness/page/index.html`);
    if (impl.kind !== 'native') {
      await page.evaluate((url) => window.harness.loadScript(url), impl.url);
    }
    if (client.cookie !== undefined) {
      await page.evaluate(([cookie, originB]) => window.harness.setCookie(cookie, originB), [
        client.cookie,
        client.origin === 'B' ? server.originB : null,
      ]);
    }
    const url = server.streamUrl(name, run, client.origin ?? 'A');
    const outcome = await page.evaluate((options) => window.harness.run(options), {
      global: impl.global,
      url,
      withCredentials: client.withCredentials,
      listen: client.listen ?? [],
      close: client.close,
      duration: client.duration ?? 2000,
    });
    await sleep(SETTLE_REQUESTS_MS);
    for (const event of outcome.events) if (typeof event.origin === 'string') event.origin = originName(server, event.origin);
    const trace = { events: outcome.events, requests: requestTrace(server, server.requests(name, run)) };
    if (outcome.threw !== undefined) trace.threw = outcome.threw;
    healthy = true;
    return { trace, ended: outcome.ended, elapsed: outcome.elapsed, pageErrors: [...pageErrors] };
  } finally {
    server.endRun(run);
    pages.release(entry, healthy);
  }
}

function loadKnown(known) {
  if (!known) return {};
  return known;
}

async function readKnown(file) {
  if (!file || !existsSync(file)) return {};
  let data;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${error.message}`);
  }
  for (const [scenario, entries] of Object.entries(data)) {
    if (scenario.startsWith('$')) continue; // "$comment" and the like
    if (!entries || typeof entries !== 'object') throw new Error(`${file}: "${scenario}" must map implementations to reasons`);
  }
  return data;
}

const MARK = { agree: '✓', differ: '✗', listed: '~', stale: '!', error: 'E' };

/** A text table: scenario × implementation (other than native). */
export function formatTable(results, implIds) {
  const others = implIds.filter((id) => id !== 'native');
  const byScenario = new Map();
  for (const result of results) {
    if (!byScenario.has(result.scenario)) byScenario.set(result.scenario, {});
    byScenario.get(result.scenario)[result.impl] = result;
  }
  const nameWidth = Math.max(8, ...[...byScenario.keys()].map((n) => n.length));
  const widths = others.map((id) => Math.max(id.length, 1));
  const lines = [];
  lines.push(['scenario'.padEnd(nameWidth), ...others.map((id, i) => id.padEnd(widths[i]))].join('  '));
  lines.push(['-'.repeat(nameWidth), ...widths.map((w) => '-'.repeat(w))].join('  '));
  for (const [name, row] of byScenario) {
    lines.push([name.padEnd(nameWidth), ...others.map((id, i) => (MARK[row[id]?.status] ?? ' ').padEnd(widths[i]))].join('  '));
  }
  lines.push('');
  for (const id of others) {
    const counts = { agree: 0, differ: 0, listed: 0, stale: 0, error: 0 };
    for (const result of results) if (result.impl === id) counts[result.status]++;
    const parts = [`${counts.agree} ✓ agree`, `${counts.differ} ✗ differ`, `${counts.listed} ~ listed difference`];
    if (counts.stale) parts.push(`${counts.stale} ! listed but agrees (stale entry)`);
    if (counts.error) parts.push(`${counts.error} E harness error`);
    const retried = results.filter((r) => r.impl === id && r.status === 'agree' && r.attempts > 1).length;
    if (retried) parts.push(`(${retried} of the agreements only on a retry)`);
    lines.push(`${id}: ${parts.join(', ')}`);
  }
  return lines.join('\n');
}

/** Runs `task(item)` over `items`, at most `limit` at once, in order of start. */
async function pool(items, limit, task) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Runs the scenarios against the implementations and compares each with native.
 *
 * scenarios: a Map name → scenario, or a file/directory path (default harness/scenarios)
 * impls:     implementation specs (default ['native', 'polyfill']; native is always added)
 * only:      scenario names to run (default all)
 * browser:   a playwright Browser to use (else one is launched and closed)
 * known:     { scenario: { impl: reason } } or a path (default harness/known-differences.json)
 * jobs:      scenarios run at once (default 4)
 * retries:   how many times a scenario on which an implementation differs is run again, on its
 *            own (retryJobs at once, default 2), before the difference counts (default 2)
 * onResult:  called with each scenario's results as they complete
 *
 * Returns { results, table, impls, elapsed } where each result is
 *   { scenario, category, description, impl, status: agree|differ|listed|stale|error, attempts,
 *     reason?, trace, native (the reference trace of the same attempt), diff, ended, pageErrors,
 *     error?, earlier? (status and diff of the attempts before, when retried) }
 */
export async function runConformance({
  scenarios = defaultScenariosDir,
  impls = ['native', 'polyfill'],
  only,
  browser,
  known = defaultKnownDifferences,
  jobs = 4,
  retries = 2,
  retryJobs = 2,
  onResult,
} = {}) {
  const began = performance.now();
  const table = scenarios instanceof Map ? scenarios : await loadScenarios(scenarios);
  const knownDifferences = typeof known === 'string' ? await readKnown(known) : loadKnown(known);
  let names = [...table.keys()];
  if (only && only.length) {
    const missing = only.filter((name) => !table.has(name));
    if (missing.length) throw new Error(`no such scenario: ${missing.join(', ')}`);
    names = names.filter((name) => only.includes(name));
  }
  const specs = [...new Set(['native', ...impls])];
  const implementations = specs.map(parseImpl);

  const server = await startScenarioServer({ scenarios: table, staticDir: repoRoot });
  let ownBrowser = null;
  let pages = null;
  try {
    for (const impl of implementations) {
      if (impl.kind !== 'npm') continue;
      const code = await bundleNpm(impl);
      server.route(impl.url, (req, res) => {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(code);
      });
    }
    if (implementations.some((impl) => impl.id === 'polyfill') && !existsSync(path.join(repoRoot, 'dist', 'wasm-eventsource.js'))) {
      throw new Error('dist/wasm-eventsource.js is missing: run `npm run build` first');
    }
    if (!browser) browser = ownBrowser = await launch();
    pages = new PagePool(browser);

    // One attempt at a scenario: native and `impls` at once, each in its own browser context.
    const attempt = async (name, impls, round) => {
      const scenario = table.get(name);
      const runs = await Promise.all(
        impls.map(async (impl) => {
          const run = `${impl.id.replace(/[^A-Za-z0-9._-]/g, '_')}-${names.indexOf(name) + 1}${round ? `-retry${round}` : ''}`;
          const began = performance.now();
          try {
            return { impl, ...(await runOne({ pages, server, name, scenario, impl, run })), wallMs: Math.round(performance.now() - began) };
          } catch (error) {
            return { impl, error: String(error?.message ?? error).split('\n')[0] };
          }
        }),
      );
      const reference = runs[0];
      return runs.map((outcome) => {
        const reason = knownDifferences[name]?.[outcome.impl.id];
        const result = {
          scenario: name,
          category: scenario.category,
          description: scenario.description,
          impl: outcome.impl.id,
          attempts: round + 1,
          trace: outcome.trace ?? null,
          native: reference.trace ?? null,
          ended: outcome.ended,
          wallMs: outcome.wallMs,
          pageErrors: outcome.pageErrors ?? [],
        };
        if (outcome.error || reference.error) {
          result.status = 'error';
          result.error = outcome.error ?? `native run failed: ${reference.error}`;
          result.diff = [];
        } else {
          result.diff = diffTraces(reference.trace, outcome.trace);
          const same = result.diff.length === 0;
          result.status = same ? (reason ? 'stale' : 'agree') : reason ? 'listed' : 'differ';
        }
        if (reason) result.reason = reason;
        return result;
      });
    };

    const perScenario = await pool(names, jobs, async (name) => {
      const results = await attempt(name, implementations, 0);
      onResult?.(results);
      return results;
    });
    // Timing in a browser is noisy (a loaded machine stretches a 100 ms reconnection past 250 ms):
    // an unlisted difference counts only if it shows again when the scenario runs on its own
    // (native and the differing implementations, anew); `attempts` says how many runs it took.
    const failing = (results) => results.filter((r) => r.impl !== 'native' && (r.status === 'differ' || r.status === 'error'));
    for (let round = 1; round <= retries; round++) {
      const again = perScenario.filter((results) => failing(results).length > 0);
      if (!again.length) break;
      await pool(again, retryJobs, async (results) => {
        const ids = new Set(failing(results).map((r) => r.impl));
        const fresh = await attempt(results[0].scenario, implementations.filter((impl) => impl.id === 'native' || ids.has(impl.id)), round);
        for (const result of fresh) {
          if (result.impl === 'native') continue;
          const at = results.findIndex((r) => r.impl === result.impl);
          const { status, diff, earlier = [] } = results[at];
          result.earlier = [...earlier, { status, diff }];
          results[at] = result;
        }
      });
    }
    const results = perScenario.flat();
    return { results, table: formatTable(results, specs), impls: specs, elapsed: performance.now() - began };
  } finally {
    await pages?.close();
    await ownBrowser?.close().catch(() => {});
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Reports

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const READY = ['CONNECTING', 'OPEN', 'CLOSED'];

function describeEvent(entry) {
  if (entry === undefined) return '';
  if (entry.action) return `page: ${entry.action}() → ${READY[entry.readyState] ?? entry.readyState}`;
  let text = entry.type;
  if ('data' in entry) text += ` data=${JSON.stringify(entry.data)} id=${JSON.stringify(entry.lastEventId)} origin=${entry.origin}`;
  return `${text} → ${READY[entry.readyState] ?? entry.readyState}`;
}

function describeRequest(entry) {
  if (entry === undefined) return '';
  const headers = Object.entries(entry.headers).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  return `${entry.delay ?? 'first'} ${entry.method} ${entry.origin}${entry.path}${headers ? ` {${headers}}` : ''}`;
}

function sideBySide(title, expected = [], actual = [], describe, key, implName) {
  const rows = alignLists(expected, actual, key);
  const body = rows
    .map((row) => {
      const cls = row.same ? '' : ' class="diff"';
      const left = row.a === undefined ? '<td class="gap"></td>' : `<td>${escapeHtml(describe(expected[row.a]))}</td>`;
      const right = row.b === undefined ? '<td class="gap"></td>' : `<td>${escapeHtml(describe(actual[row.b]))}</td>`;
      return `<tr${cls}>${left}${right}</tr>`;
    })
    .join('\n');
  return `<h4>${title}</h4><table class="trace"><thead><tr><th>native</th><th>${escapeHtml(implName)}</th></tr></thead><tbody>${body || '<tr><td colspan="2">(none)</td></tr>'}</tbody></table>`;
}

export function htmlReport({ results, impls, elapsed }) {
  const others = impls.filter((id) => id !== 'native');
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const get = (scenario, impl) => results.find((r) => r.scenario === scenario && r.impl === impl);
  const totals = others
    .map((id) => {
      const mine = results.filter((r) => r.impl === id);
      const count = (status) => mine.filter((r) => r.status === status).length;
      return `<li><b>${escapeHtml(id)}</b>: ${count('agree')} agree, ${count('differ')} differ, ${count('listed')} listed differences${count('stale') ? `, ${count('stale')} stale listed entries` : ''}${count('error') ? `, ${count('error')} harness errors` : ''}</li>`;
    })
    .join('');
  const summary = scenarios
    .map((name) => {
      const first = get(name, 'native') ?? get(name, others[0]);
      const cells = others
        .map((id) => {
          const r = get(name, id);
          const status = r?.status ?? 'none';
          const link = status === 'agree' ? MARK.agree : `<a href="#${escapeHtml(`${name}--${id}`)}">${MARK[status] ?? '?'}</a>`;
          const title = r?.reason ?? (r?.attempts > 1 ? `${status} on attempt ${r.attempts} (before: ${r.earlier.map((e) => e.status).join(', ')})` : status);
          return `<td class="${status}" title="${escapeHtml(title)}">${link}${status === 'agree' && r.attempts > 1 ? '<sup>r</sup>' : ''}</td>`;
        })
        .join('');
      return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(first?.category ?? '')}</td>${cells}</tr>`;
    })
    .join('\n');
  const details = results
    .filter((r) => r.impl !== 'native' && r.status !== 'agree')
    .map((r) => {
      const parts = [
        `<section id="${escapeHtml(`${r.scenario}--${r.impl}`)}"><h3>${escapeHtml(r.scenario)} — ${escapeHtml(r.impl)}: <span class="${r.status}">${r.status}</span></h3>`,
        r.description ? `<p>${escapeHtml(r.description)}</p>` : '',
        r.reason ? `<p class="reason">Listed difference: ${escapeHtml(r.reason)}</p>` : '',
        r.error ? `<p class="error">Harness error: ${escapeHtml(r.error)}</p>` : '',
        r.pageErrors?.length ? `<p class="error">Page errors: ${escapeHtml(r.pageErrors.join(' | '))}</p>` : '',
      ];
      if (r.trace && r.native) {
        if (r.native.threw !== undefined || r.trace.threw !== undefined) {
          parts.push(`<p>constructor threw: native ${escapeHtml(r.native.threw ?? '—')}, implementation ${escapeHtml(r.trace.threw ?? '—')}</p>`);
        }
        parts.push(sideBySide('Events', r.native.events, r.trace.events, describeEvent, eventKey, r.impl));
        parts.push(sideBySide('Requests', r.native.requests, r.trace.requests, describeRequest, requestKey, r.impl));
      }
      parts.push('</section>');
      return parts.join('\n');
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EventSource conformance report</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
.summary td:nth-child(n+3) { text-align: center; }
.agree { color: #1a7f37; } .differ { color: #cf222e; font-weight: bold; } .listed { color: #9a6700; }
.stale { color: #8250df; font-weight: bold; } .error { color: #cf222e; }
td.differ, td.error { background: #ffebe9; } td.listed { background: #fff8c5; } td.stale { background: #fbefff; }
table.trace { width: 100%; table-layout: fixed; margin-bottom: 1em; }
table.trace td { font: 12px/1.3 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
tr.diff td { background: #ffebe9; } td.gap { background: #f6f8fa !important; }
.reason { background: #fff8c5; padding: 4px 8px; }
section { border-top: 2px solid #ddd; margin-top: 2em; }
</style></head><body>
<h1>EventSource conformance report</h1>
<p>Every scenario of the harness run in headless Chromium; an implementation agrees on a scenario when its trace
(events with type, data, lastEventId, origin and readyState; the requests the server saw) equals the trace of the
browser's own EventSource. ${escapeHtml(new Date().toISOString())}${elapsed ? `, ${(elapsed / 1000).toFixed(1)} s` : ''}.</p>
<ul>${totals}</ul>
<p>✓ agree (<sup>r</sup>: on a retry; timing in a loaded browser is noisy) · ✗ differ · ~ listed difference (known-differences.json) · ! listed but agrees · E harness error</p>
<table class="summary"><thead><tr><th>scenario</th><th>category</th>${others.map((id) => `<th>${escapeHtml(id)}</th>`).join('')}</tr></thead>
<tbody>
${summary}
</tbody></table>
<h2>Differences</h2>
${details || '<p>None.</p>'}
</body></html>
`;
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const options = { impls: [], only: undefined, require: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--scenarios') options.scenarios = value();
    else if (arg === '--impl') options.impls.push(value());
    else if (arg === '--only') options.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--json') options.json = value();
    else if (arg === '--html') options.html = value();
    else if (arg === '--known') options.known = value();
    else if (arg === '--jobs') options.jobs = Number(value());
    else if (arg === '--retries') options.retries = Number(value());
    else if (arg === '--require-agreement') options.require.push(value());
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.jobs !== undefined && !(Number.isInteger(options.jobs) && options.jobs > 0)) throw new Error('--jobs: a positive integer');
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) throw new Error('--retries: an integer ≥ 0');
  return options;
}

const USAGE = `usage: node harness/run.mjs [--scenarios DIR] [--impl native|polyfill|npm:<package>|script:<url>#<Global>]...
                         [--only name,name] [--jobs N] [--retries N] [--json FILE] [--html FILE] [--known FILE]
                         [--require-agreement <impl>]
defaults: --impl native --impl polyfill, --json build/conformance/report.json, --html build/conformance/report.html`;

async function main(argv) {
  const options = parseArgs(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const impls = options.impls.length ? options.impls : ['native', 'polyfill'];
  for (const spec of impls) parseImpl(spec);
  for (const id of options.require) if (!impls.includes(id)) throw new Error(`--require-agreement ${id}: not among the implementations run`);
  const jsonFile = options.json ?? path.join(repoRoot, 'build', 'conformance', 'report.json');
  const htmlFile = options.html ?? path.join(repoRoot, 'build', 'conformance', 'report.html');
  let done = 0;
  const report = await runConformance({
    scenarios: options.scenarios ?? defaultScenariosDir,
    impls,
    only: options.only,
    known: options.known ?? defaultKnownDifferences,
    jobs: options.jobs,
    retries: options.retries,
    onResult: (results) => {
      done++;
      const marks = results.filter((r) => r.impl !== 'native').map((r) => `${r.impl} ${MARK[r.status]}`).join('  ');
      process.stderr.write(`[${done}] ${results[0].scenario}: ${marks}\n`);
    },
  });
  console.log(report.table);
  console.log(`\n${new Set(report.results.map((r) => r.scenario)).size} scenarios × ${report.impls.length} implementations in ${(report.elapsed / 1000).toFixed(1)} s`);
  for (const r of report.results) {
    if (r.status === 'error') console.log(`harness error: ${r.scenario} / ${r.impl}: ${r.error}`);
    if (r.status === 'stale') console.log(`stale known difference: ${r.scenario} / ${r.impl} now agrees with native`);
  }
  await mkdir(path.dirname(path.resolve(jsonFile)), { recursive: true });
  await writeFile(jsonFile, JSON.stringify({ generated: new Date().toISOString(), impls: report.impls, elapsedMs: Math.round(report.elapsed), results: report.results.map(({ native, ...r }) => (r.impl === 'native' ? r : { ...r, native })) }, null, 1));
  await mkdir(path.dirname(path.resolve(htmlFile)), { recursive: true });
  await writeFile(htmlFile, htmlReport(report));
  console.log(`reports: ${path.relative(process.cwd(), jsonFile) || jsonFile}, ${path.relative(process.cwd(), htmlFile) || htmlFile}`);
  let failed = false;
  for (const id of options.require) {
    const bad = report.results.filter((r) => r.impl === id && (r.status === 'differ' || r.status === 'error'));
    if (bad.length) {
      failed = true;
      console.log(`${id} differs from native on: ${bad.map((r) => r.scenario).join(', ')}`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(2);
    },
  );
}
