// The conformance runner: every scenario, in one browser engine (harness/engines), against that
// engine's own EventSource and the implementations under test; an implementation agrees on a
// scenario when its trace deep-equals the native one (harness/README.md, "Traces").
//
//   import { runConformance } from './runner.mjs';
//   const { results, table } = await runConformance({ engine: 'firefox', scenarios, impls, only });
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { coreFile } from './core.mjs';
import { launchEngine } from './engines/index.mjs';
import { formatTable } from './report.mjs';
import { loadScenarios, startScenarioServer } from './server.mjs';
import { diffTraces, requestTrace } from './trace-diff.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.join(here, '..');
export const defaultScenariosDir = path.join(here, 'scenarios');
export const defaultKnownDifferences = path.join(here, 'known-differences.json');

const REQUEST_HEADERS = ['accept', 'last-event-id', 'cookie', 'origin'];
const SETTLE_REQUESTS_MS = 60; // requests still on their way reach the server log
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Parses an implementation spec: 'native', 'polyfill', 'npm:<package>', 'script:<url>#<Global>'
 * (a URL, or a path on the harness server) or 'script:<file>#<Global>' (a local file, served to
 * the page). Returns { id, kind, label, ... }.
 */
export function parseImpl(spec) {
  if (spec === 'native') return { id: 'native', kind: 'native', global: 'NativeEventSource' };
  if (spec === 'polyfill') return { id: 'polyfill', kind: 'file', file: coreFile('drop-in'), global: 'WasmEventSource', url: '/__harness/impl/polyfill.js' };
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
    const where = body.slice(0, hash);
    if (/^[a-z][a-z0-9+.-]*:/i.test(where) || where.startsWith('/')) return { id: spec, kind: 'script', url: where, global };
    const file = path.resolve(where);
    if (!existsSync(file)) throw new Error(`--impl ${spec}: no such file ${file} (script:<url or file>#<Global>)`);
    const safe = where.replace(/[^A-Za-z0-9]/g, '_');
    return { id: spec, kind: 'file', file, global, url: `/__harness/impl/file_${safe}.js` };
  }
  throw new Error(`unknown implementation "${spec}" (native, polyfill, npm:<package>, script:<url>#<Global>)`);
}

/** Bundles an npm package into an IIFE that puts its EventSource export on window[global]. */
async function bundleNpm(impl) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error(`--impl ${impl.id} bundles the package with esbuild: npm install --save-dev esbuild`);
  }
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
      stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: `harness-${impl.global}.js`, loader: 'js' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020', // every engine's
      write: false,
      logLevel: 'silent',
    });
  } catch (error) {
    throw new Error(`cannot bundle npm package ${impl.pkg}: ${error.message.split('\n').slice(0, 4).join(' ')}`);
  }
  return result.outputFiles[0].text;
}

/** Origins in traces: the server's two origins become "A" and "B" (stable from run to run). */
function originName(server, value) {
  if (value === server.originA) return 'A';
  if (value === server.originB) return 'B';
  return value;
}

/**
 * Browser pages to run scenarios in, each in a context of its own (its own cookies), reused from
 * run to run: a run navigates its page to the harness page anew (a fresh document) after clearing
 * the cookies, which costs much less than a new page (a new MiniBrowser, in WebKit) per run.
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
      await reused.clearCookies();
      return reused;
    }
    const page = await this.browser.newPage();
    this.all.add(page);
    return page;
  }

  release(page, healthy) {
    if (healthy) this.free.push(page);
    else this.discard(page);
  }

  discard(page) {
    this.all.delete(page);
    return page.close();
  }

  close() {
    this.free = [];
    return Promise.all([...this.all].map((page) => this.discard(page)));
  }
}

async function runOne({ pages, server, name, scenario, impl, run }) {
  const client = scenario.client ?? {};
  const page = await pages.acquire();
  const seen = page.problems.length;
  let healthy = false;
  try {
    await page.goto(`${server.originA}/page/index.html`);
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
    const trace = { events: outcome.events, requests: requestTrace(server.requests(name, run), REQUEST_HEADERS, (value) => originName(server, value)) };
    if (outcome.threw !== undefined) trace.threw = outcome.threw;
    healthy = true;
    const pageErrors = page.problems.slice(seen).filter((text) => text.startsWith('pageerror: ')).map((text) => text.slice(11));
    return { trace, ended: outcome.ended, elapsed: outcome.elapsed, pageErrors };
  } finally {
    server.endRun(run);
    pages.release(page, healthy);
  }
}

/**
 * known-differences.json: engine → scenario → implementation → reason (what the polyfill cannot
 * match in that engine, and why). Returns the entries of `engine`.
 */
function knownFor(data, engine) {
  return data?.[engine] ?? {};
}

async function readKnown(file) {
  if (!file || !existsSync(file)) return {};
  let data;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${error.message}`);
  }
  for (const [engine, scenarios] of Object.entries(data)) {
    if (engine.startsWith('$')) continue; // "$comment" and the like
    for (const [scenario, entries] of Object.entries(scenarios)) {
      if (scenario.startsWith('$')) continue;
      if (!entries || typeof entries !== 'object') throw new Error(`${file}: ${engine} / "${scenario}" must map implementations to reasons`);
    }
  }
  return data;
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
 * engine:    'chromium' (default), 'firefox' or 'webkit': whose own EventSource is the reference
 * browser:   that engine's browser (harness/engines launch()) to use, else one is launched
 * known:     { engine: { scenario: { impl: reason } } } or a path (default harness/known-differences.json)
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
  engine = 'chromium',
  browser,
  known = defaultKnownDifferences,
  jobs = engine === 'webkit' ? 2 : 4, // every WebKit page is a MiniBrowser of its own
  retries = 2,
  retryJobs = 2,
  onResult,
} = {}) {
  const began = performance.now();
  const table = scenarios instanceof Map ? scenarios : await loadScenarios(scenarios);
  const knownDifferences = knownFor(typeof known === 'string' ? await readKnown(known) : known, engine);
  let names = [...table.keys()];
  if (only && only.length) {
    const missing = only.filter((name) => !table.has(name));
    if (missing.length) throw new Error(`no such scenario: ${missing.join(', ')}`);
    names = names.filter((name) => only.includes(name));
  }
  const specs = [...new Set(['native', ...impls])];
  const implementations = specs.map(parseImpl);

  const server = await startScenarioServer({ scenarios: table, staticDir: here });
  let ownBrowser = null;
  let pages = null;
  try {
    for (const impl of implementations) {
      if (impl.kind !== 'npm' && impl.kind !== 'file') continue;
      const code = impl.kind === 'npm' ? await bundleNpm(impl) : null;
      server.route(impl.url, async (req, res) => {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(code ?? (await readFile(impl.file)));
      });
    }
    if (!browser) browser = ownBrowser = await launchEngine(engine);
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
          engine,
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
    return { engine, results, table: formatTable(results, specs), impls: specs, elapsed: performance.now() - began };
  } finally {
    await pages?.close();
    await ownBrowser?.close().catch(() => {});
    await server.close();
  }
}
