// A run of the browser benchmark in Firefox or WebKit.
//
// Firefox and WebKit have no DevTools Protocol: there the page is driven through harness/engines
// and main-thread CPU is read from Linux's /proc: the user + system time of the main thread of
// the engine's web content process (Firefox's content process, WebKit's WebKitWebProcess) that
// used the most CPU during the run — the one of the page, whose main thread parses and dispatches
// for both implementations — in clock ticks (10 ms). Figures of the three engines compare the
// polyfill with each engine's own EventSource; across engines they also differ by method.

import { readdirSync, readFileSync } from 'node:fs';

import { runFigures, runProblems } from './page.mjs';

const TICK_US = 1e6 / 100; // Linux's USER_HZ: /proc's times are in 1/100 s

/** pid → parent pid, for every process. */
function parents() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      map.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

/** CPU ticks (user + system) of the main thread of every descendant of `root` whose command matches. */
function mainThreadTicks(root, command) {
  const parentOf = parents();
  const isBelow = (pid) => {
    for (let p = parentOf.get(pid); p; p = parentOf.get(p)) if (p === root) return true;
    return false;
  };
  const ticks = new Map();
  for (const pid of parentOf.keys()) {
    if (!isBelow(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!command.test(cmdline)) continue;
      const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

const CONTENT_PROCESS = { firefox: /-contentproc|-isForBrowser/, webkit: /WebKitWebProcess/ };

/**
 * One run: a fresh page of `impl` ('polyfill' or 'native') in `browser` (harness/engines)
 * receives `stream` (buildStream) as run `id` of `server` (startStreamServer), listening to
 * `listen` events; returns its figures, or throws when the run did not measure what it claims to.
 */
export async function runInEngine(browser, server, { id, impl, stream, listen }) {
  const run = server.addRun(id, stream);
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/${impl}.html`);
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 30_000 });
    const root = browser.name === 'firefox' ? browser.raw.process().pid : page.child.pid;
    const before = mainThreadTicks(root, CONTENT_PROCESS[browser.name]);
    const started = performance.now();
    const params = { impl, url: `/stream/${id}`, listen, count: stream.expected.count };
    const result = await page.evaluate((p) => window.runBench(p), params);
    const wallUs = (performance.now() - started) * 1000;
    const after = mainThreadTicks(root, CONTENT_PROCESS[browser.name]);
    let busiest = 0;
    for (const [pid, ticks] of after) busiest = Math.max(busiest, ticks - (before.get(pid) ?? 0));
    const problems = runProblems(result, stream, impl, run);
    if (after.size === 0) problems.push('no content process found');
    if (problems.length) throw new Error(`${impl}, run ${id}: ${problems.join('; ')}`);
    return runFigures(result, stream, { mainCpuUs: busiest * TICK_US, wallUs });
  } finally {
    server.removeRun(id);
    await page.close();
  }
}
