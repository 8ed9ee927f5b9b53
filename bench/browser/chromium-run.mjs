// A run of the browser benchmark in Chromium, in a fresh page that Playwright does not drive
// (openBarePage, below).
//
// CPU time comes from Linux's /proc (proc-cpu.mjs), read just before the page opens the source and
// just after the last event, for the renderer process whose main thread used the most (the
// page's: one page runs at a time):
//   - its main thread's, where both implementations parse and dispatch: Blink's EventSource reads
//     the response body and parses it on the main thread, and the polyfill's fetch() body reads,
//     WebAssembly and listeners run there too. It is the number reported as "main CPU";
//   - the whole process's (all its threads), shown as "content process CPU": work off the main
//     thread (V8's compiling and collecting, the network's IO thread);
//   - "main busy" is the main thread's over the wall time between the two reads. Near 100%, the
//     main thread is the bottleneck and events/s is about 1 / main CPU per event; well below, it
//     waited: for bytes, or for a core on a loaded machine (then trust the CPU columns, not
//     events/s).
// The network service (a separate process) and the browser process are not counted in either.
// Not the DevTools Protocol's `Performance.getMetrics`, used before 2026-12-07: its domain, once
// enabled, times every script call on the page's main thread, which halved the events/s of both
// implementations (LLM events four per write: the drop-in 70 000 events/s without it, ~40 000
// with it; Blink's EventSource 81 000 and ~50 000). A CPU profile (Profiler domain) samples JS
// stacks, shows Blink's C++ parser as "(program)" at best, and costs main-thread time too.

import { floorEvents, floorSetup, runFigures, runProblems } from './page.mjs';
import { busiestContentProcess, contentProcessTicks, waitForQuietMachine } from './proc-cpu.mjs';

const RENDERER = /--type=renderer/;

// A page that Playwright does not drive. Playwright turns on the DevTools Network domain in every
// page it drives, and then Blink sends a `Network.eventSourceMessageReceived` message to it for
// every event of a native EventSource (not for the polyfill's fetch()): with 200 000 events that
// made the native EventSource 2-4x slower and busier than it is, and the Node process too. So the
// page is created with raw DevTools commands in a browser context of our own: Playwright (started
// with launch(), so it has no default context) detaches from targets of contexts it does not
// know. We attach with a non-flat session and speak to the page through Target.sendMessageToTarget;
// no domain is enabled on it.
async function openBarePage(browserSession, url) {
  const { browserContextId } = await browserSession.send('Target.createBrowserContext');
  const { targetId } = await browserSession.send('Target.createTarget', { url, browserContextId });
  const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId, flatten: false });
  const pending = new Map();
  let nextId = 0;
  const onMessage = ({ sessionId: from, message }) => {
    if (from !== sessionId) return;
    const { id, result, error } = JSON.parse(message);
    const call = pending.get(id);
    if (!call) return; // an event: none is enabled that we need
    pending.delete(id);
    if (error) call.reject(new Error(`${call.method}: ${error.message}`));
    else call.resolve(result);
  };
  browserSession.on('Target.receivedMessageFromTarget', onMessage);
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { method, resolve, reject });
      browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  const evaluate = async (expression) => {
    const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  };
  const close = async () => {
    browserSession.off('Target.receivedMessageFromTarget', onMessage);
    await browserSession.send('Target.disposeBrowserContext', { browserContextId }); // closes the page
  };
  try {
    // Wait for the page (and, on the polyfill page, the script) to be loaded.
    for (const deadline = Date.now() + 30_000; ; ) {
      if (await evaluate("document.readyState === 'complete' && typeof window.runBench === 'function'")) break;
      if (Date.now() > deadline) throw new Error(`${url} did not load`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { send, evaluate, close };
}

/**
 * One run: a fresh page of `impl` ('polyfill', 'native' or one of the floors) receives `stream`
 * (buildStream) as run `id` of `server` (startStreamServer), listening to `listen` events; returns
 * its figures, or throws when the run did not measure what it claims to.
 */
export async function runInChromium(browserSession, server, { id, impl, stream, listen }) {
  const run = server.addRun(id, stream);
  const tab = await openBarePage(browserSession, `${server.origin}/${impl}.html`);
  try {
    if (impl.startsWith('floor')) {
      await tab.evaluate(`window.floorEvents = ${JSON.stringify(floorEvents(impl, stream.events))}; undefined`);
      await tab.evaluate(floorSetup(impl));
    }
    const quietAfterMs = await waitForQuietMachine();
    const before = contentProcessTicks(process.pid, RENDERER);
    const started = performance.now();
    const params = { impl, url: `/stream/${id}`, listen, count: stream.expected.count };
    const result = await tab.evaluate(`window.runBench(${JSON.stringify(params)})`);
    const wallUs = (performance.now() - started) * 1000;
    const busiest = busiestContentProcess(before, contentProcessTicks(process.pid, RENDERER));

    // Fail loudly when the run did not measure what it claims to.
    const { expected } = stream;
    const problems = runProblems(result, stream, impl, run);
    if (result.lastData !== expected.lastData) problems.push(`last data ${JSON.stringify(result.lastData)}`);
    if (!result.nativeCode) problems.push('window.EventSource is not the native one');
    if (!run.finished || run.sent !== stream.bytes) problems.push(`server sent ${run.sent} of ${stream.bytes} bytes`);
    if (busiest === null) problems.push('no renderer process found');
    if (problems.length) throw new Error(`${impl}, run ${id}: ${problems.join('; ')}`);

    return runFigures(result, stream, { mainCpuUs: busiest.mainUs, wallUs, processCpuUs: busiest.processUs, quietAfterMs });
  } finally {
    server.removeRun(id);
    await tab.close();
  }
}
