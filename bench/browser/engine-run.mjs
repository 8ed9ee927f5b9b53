// A run of the browser benchmark in Firefox or WebKit.
//
// The page is driven through harness/engines, and CPU time is read from Linux's /proc
// (proc-cpu.mjs), as in Chromium: the user + system time of the engine's web content process
// (Firefox's content process, WebKit's WebKitWebProcess) whose main thread used the most during
// the run — the page's, whose main thread parses and dispatches for every implementation —, of
// that thread and of the whole process, in clock ticks (10 ms).

import { floorEvents, floorSetup, runFigures, runProblems } from './page.mjs';
import { busiestContentProcess, contentProcessTicks, waitForQuietMachine } from './proc-cpu.mjs';

const CONTENT_PROCESS = { firefox: /-contentproc|-isForBrowser/, webkit: /WebKitWebProcess/ };

/**
 * One run: a fresh page of `impl` ('polyfill', 'native' or one of the floors) in `browser`
 * (harness/engines) receives `stream` (buildStream) as run `id` of `server` (startStreamServer),
 * listening to `listen` events; returns its figures, or throws when the run did not measure what
 * it claims to.
 */
export async function runInEngine(browser, server, { id, impl, stream, listen }) {
  const run = server.addRun(id, stream);
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/${impl}.html`);
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 30_000 });
    const root = browser.name === 'firefox' ? browser.raw.process().pid : page.child.pid;
    if (impl.startsWith('floor')) {
      await page.evaluate((events) => void (window.floorEvents = events), floorEvents(impl, stream.events));
      await page.evaluate((source) => (0, eval)(source), floorSetup(impl)); // (the engines' evaluate takes a function)
    }
    const quietAfterMs = await waitForQuietMachine();
    const before = contentProcessTicks(root, CONTENT_PROCESS[browser.name]);
    const started = performance.now();
    const params = { impl, url: `/stream/${id}`, listen, count: stream.expected.count };
    const result = await page.evaluate((p) => window.runBench(p), params);
    const wallUs = (performance.now() - started) * 1000;
    const busiest = busiestContentProcess(before, contentProcessTicks(root, CONTENT_PROCESS[browser.name]));
    const problems = runProblems(result, stream, impl, run);
    if (busiest === null) problems.push('no content process found');
    if (problems.length) throw new Error(`${impl}, run ${id}: ${problems.join('; ')}`);
    return runFigures(result, stream, { mainCpuUs: busiest.mainUs, wallUs, processCpuUs: busiest.processUs, quietAfterMs });
  } finally {
    server.removeRun(id);
    await page.close();
  }
}
