// The two pages of the browser benchmark: both run the same code (runBench), only the polyfill's
// loads the script, and each checks that it measures what it claims to; the checks of what a
// run reports against the stream it was sent, and the figures of a run.

/** The drop-in script the polyfill page loads, from dist/. */
export const SCRIPT = 'wasm-eventsource.min.js';

const pageScript = String.raw`
window.runBench = ({ impl, url, listen, count }) => new Promise((resolve) => {
  const nativeCode = /\[native code\]/.test(Function.prototype.toString.call(window.EventSource));
  let Impl;
  if (impl === 'polyfill') {
    if (typeof window.WasmEventSource !== 'function') throw new Error('WasmEventSource is not defined');
    if (window.WasmEventSource === window.EventSource) throw new Error('WasmEventSource replaced EventSource');
    Impl = window.WasmEventSource;
  } else {
    if ('WasmEventSource' in window) throw new Error('the native page loaded the polyfill');
    if (!nativeCode) throw new Error('EventSource is not the browser own');
    Impl = window.EventSource;
  }
  let received = 0, dataChars = 0, errors = 0, openAt = null, lastAt = null, lastData = null, lastId = null;
  let settled = false, seen = 0, idle = 0, watchdog;
  const start = performance.now();
  const source = new Impl(url);
  const isPolyfill = typeof window.WasmEventSource === 'function' && source instanceof window.WasmEventSource;
  const finish = (outcome) => {
    if (settled) return;
    settled = true;
    clearInterval(watchdog);
    source.close();
    resolve({ outcome, received, dataChars, errors, lastData, lastId, isPolyfill, nativeCode,
              ms: lastAt === null ? null : lastAt - start,
              msFromOpen: lastAt === null || openAt === null ? null : lastAt - openAt });
  };
  source.onopen = () => { openAt = performance.now(); };
  source.onerror = () => { errors++; finish('error event'); };
  source.addEventListener(listen, (event) => {
    received++;
    dataChars += event.data.length;
    if (received === count) {
      lastAt = performance.now();
      lastData = event.data;
      lastId = event.lastEventId;
      finish('done');
    }
  });
  // A stream that stops short must not hang the benchmark: give up after 10 s without events.
  watchdog = setInterval(() => {
    if (received !== seen) { seen = received; idle = 0; } else if (++idle >= 10) finish('stalled');
  }, 1000);
});
`;
const page = (impl) => `<!doctype html>
<meta charset="utf-8">
<title>bench: ${impl}</title>
${impl === 'polyfill' ? `<script src="/dist/${SCRIPT}"></script>` : '<!-- the browser own EventSource: no script -->'}
<script>${pageScript}</script>
`;
/** The pages by path. */
export const PAGES = { '/polyfill.html': page('polyfill'), '/native.html': page('native') };

/**
 * What is wrong with a run, if anything, as messages: the page's result against what the stream
 * (buildStream) must deliver, and the server's record of the run (its requests).
 */
export function runProblems(result, { expected }, impl, run) {
  const problems = [];
  if (result.outcome !== 'done') problems.push(`ended by ${result.outcome}`);
  if (result.received !== expected.count) problems.push(`received ${result.received} of ${expected.count} events`);
  if (result.dataChars !== expected.dataChars) problems.push(`data length ${result.dataChars}, expected ${expected.dataChars}`);
  if (result.lastId !== expected.lastId) problems.push(`last id ${JSON.stringify(result.lastId)}, expected ${JSON.stringify(expected.lastId)}`);
  if (result.isPolyfill !== (impl === 'polyfill')) problems.push(`the source is ${result.isPolyfill ? '' : 'not '}a WasmEventSource`);
  if (run.requests !== 1) problems.push(`${run.requests} requests for the stream (a reconnection?)`);
  return problems;
}

/**
 * A run's figures, per event where they are costs: from the page's result, the stream, and the
 * CPU time each driver measured (µs; NaN where the engine cannot tell) over `wallUs`.
 */
export function runFigures(result, { expected, bytes }, { mainCpuUs, wallUs, taskCpuUs = NaN, scriptUs = NaN, rendererCpuUs = NaN }) {
  const seconds = result.ms / 1000;
  return {
    ms: result.ms,
    msFromOpen: result.msFromOpen,
    eventsPerSecond: expected.count / seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    mainCpuPerEvent: mainCpuUs / expected.count,
    taskCpuPerEvent: taskCpuUs / expected.count,
    scriptPerEvent: scriptUs / expected.count,
    rendererCpuPerEvent: rendererCpuUs / expected.count,
    mainBusy: mainCpuUs / wallUs,
  };
}
