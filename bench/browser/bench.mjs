// `npm run bench:browser`: events per second and main-thread CPU per event in a browser engine
// (headless Chromium by default; --engine firefox or webkit), for this package's drop-in script
// (`new WasmEventSource(url)`) and the engine's own `new EventSource(url)`, both receiving the
// same bytes from a loopback server.
//
//   node bench/browser/bench.mjs [--engine chromium|firefox|webkit] [--runs 5] [--only tiny,llm_tokens,llm_writes]
//                                [--events N] [--verbose]
//
// Firefox and WebKit have no DevTools Protocol: there the page is driven through harness/engines
// and main-thread CPU is read from Linux's /proc: the user + system time of the main thread of
// the engine's web content process (Firefox's content process, WebKit's WebKitWebProcess) that
// used the most CPU during the run — the one of the page, whose main thread parses and dispatches
// for both implementations — in clock ticks (10 ms). Figures of the three engines compare the
// polyfill with each engine's own EventSource; across engines they also differ by method.
//
// Each run is a fresh browser context and page, one that Playwright does not drive (see
// openBarePage). The page opens the source, counts the events of the listened type and, on the
// last one, notes the time since construction and closes the source (the server keeps the
// response open after the last byte, so nothing reconnects). For the polyfill that time includes
// its lazy, one-off WebAssembly compile; --verbose also shows the time since `open`. The two
// implementations alternate run by run; the table shows medians. Results: bench/RESULTS.md.
//
// Main-thread CPU comes from the DevTools Protocol, `Performance.getMetrics`, read just before the
// page opens the source and just after the last event:
//   - `ThreadTime` is the CPU time (base::ThreadTicks) of the renderer's main thread, where both
//     implementations parse and dispatch: Blink's EventSource reads the response body and parses it
//     on the main thread, and the polyfill's fetch() body reads, WebAssembly and listeners run
//     there too. It is the number reported as "main CPU".
//   - `ScriptDuration` would be unfair: it counts JS only, i.e. all of the polyfill's work but,
//     for the native EventSource, only the listener, not Blink's C++ parser.
//   - `TaskDuration` (with timeDomain 'threadTicks': CPU, not wall time) counts main-thread tasks
//     only; it is printed with --verbose as a cross-check of ThreadTime (it should be a bit lower).
//   - `ProcessTime` is the CPU time of the whole renderer process (all its threads, in 10 ms
//     ticks); it is shown as "renderer CPU" to show work moved off the main thread, if any.
//   - "main busy" is ThreadTime over the wall time between the two reads. Near 100%, the main
//     thread is the bottleneck and events/s is about 1 / main CPU per event; well below, it waited:
//     for bytes, or for a core on a loaded machine (then trust the CPU columns, not events/s).
// The network service (a separate process) and the browser process are not counted in either.
// A CPU profile (Profiler domain) was not used: it samples JS stacks, shows Blink's C++ parser as
// "(program)" at best, and its sampling costs main-thread time of its own.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { readdirSync, readFileSync } from 'node:fs';

import { launchPlaywright as launchChromium } from '../../harness/engines/chromium.mjs';
import { launchEngine } from '../../harness/engines/index.mjs';
import { serveStaticFile } from '../../harness/static-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
const SCRIPT = 'wasm-eventsource.min.js';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'chromium' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    events: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const ENGINE = args.engine;
if (!['chromium', 'firefox', 'webkit'].includes(ENGINE)) throw new Error(`--engine must be chromium, firefox or webkit, not ${ENGINE}`);
const RUNS = Number(args.runs);
if (!(Number.isInteger(RUNS) && RUNS > 0)) throw new Error(`--runs must be a positive integer, not ${args.runs}`);
if (args.events !== undefined && !(Number.isInteger(Number(args.events)) && Number(args.events) > 0)) {
  throw new Error(`--events must be a positive integer, not ${args.events}`);
}

// ---------------------------------------------------------------------------------------------
// Workloads: the same event shapes as bench/js/bench.mjs, a fixed number of events each.

const TOKENS = ['Hello', ' wor', 'ld', ' café', ' 日本', ' naïve', ' 😀', ' the'];
const WORKLOADS = {
  tiny: {
    events: 200_000,
    listen: 'message',
    event: () => ({ text: 'data: x\n\n', data: 'x', id: '' }),
  },
  llm_tokens: {
    events: 100_000,
    listen: 'completion.delta',
    event: (i) => llmEvent(i),
  },
  // A model's token stream as it arrives: a few events per server write, each write on its own
  // (the server yields to its event loop between writes), 40 000 events.
  llm_writes: {
    events: 40_000,
    eventsPerWrite: 4,
    listen: 'completion.delta',
    event: (i) => llmEvent(i),
  },
};
function llmEvent(i) {
  const id = String(1_000_000 + i);
  const data =
    '{"id":"chatcmpl-8x1Yb2","object":"chat.completion.chunk","created":1700000000,' +
    `"choices":[{"index":0,"delta":{"content":"${TOKENS[i % TOKENS.length]}"},"finish_reason":null}]}`;
  return { text: `event: completion.delta\nid: ${id}\ndata: ${data}\n\n`, data, id };
}
const only = args.only ? args.only.split(',').map((name) => name.trim()) : Object.keys(WORKLOADS);
for (const name of only) {
  if (!WORKLOADS[name]) throw new Error(`unknown workload ${name}; there are ${Object.keys(WORKLOADS).join(', ')}`);
}

const CHUNK = 64 * 1024;

// The whole stream as 64 KiB Buffers (cut anywhere: inside events and inside UTF-8 sequences, as
// a network would), or as writes of `eventsPerWrite` events each, and what the page must see:
// the count, the total data length in UTF-16 code units, the last event's data and id.
function buildStream(name, count) {
  const { event, eventsPerWrite } = WORKLOADS[name];
  const parts = [];
  let dataChars = 0;
  let last;
  for (let i = 0; i < count; i++) {
    last = event(i);
    parts.push(last.text);
    dataChars += last.data.length;
  }
  const chunks = [];
  if (eventsPerWrite) {
    for (let i = 0; i < parts.length; i += eventsPerWrite) chunks.push(Buffer.from(parts.slice(i, i + eventsPerWrite).join(''), 'utf8'));
  } else {
    const bytes = Buffer.from(parts.join(''), 'utf8');
    for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(bytes.subarray(at, at + CHUNK));
  }
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  return { chunks, paced: Boolean(eventsPerWrite), bytes, expected: { count, dataChars, lastData: last.data, lastId: last.id } };
}

// ---------------------------------------------------------------------------------------------
// The pages. Both run the same code; only the polyfill page loads the script, and each checks
// that it measures what it claims to.

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
const PAGES = { '/polyfill.html': page('polyfill'), '/native.html': page('native') };

// ---------------------------------------------------------------------------------------------
// The loopback server: the pages, the script, and one stream per run (/stream/<run id>). A second
// request for the same run would be a reconnection: it gets 204 and fails the run.

const streams = new Map(); // run id -> { stream, requests, sent, finished }

// Resolves on 'drain', or on 'close' when the page went away meanwhile.
const drained = (res) =>
  new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

async function handle(req, res) {
  const { pathname } = new URL(req.url, 'http://127.0.0.1');
  if (PAGES[pathname]) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(PAGES[pathname]);
    return;
  }
  if (pathname === `/dist/${SCRIPT}` && (await serveStaticFile(dist, req, res, `/${SCRIPT}`))) return;
  const run = pathname.startsWith('/stream/') ? streams.get(pathname.slice('/stream/'.length)) : undefined;
  if (!run) {
    res.writeHead(404).end();
    return;
  }
  if (++run.requests > 1) {
    res.writeHead(204).end(); // 204 ends an EventSource for good
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => (closed = true));
  // As fast as the socket takes them: write, and wait for 'drain' when the buffer is full; a
  // paced stream also yields to the event loop between writes, so that each is a write of its own.
  for (const chunk of run.stream.chunks) {
    if (closed) return;
    run.sent += chunk.length;
    if (!res.write(chunk)) await drained(res);
    else if (run.stream.paced) await new Promise(setImmediate);
  }
  run.finished = true; // and keep the response open: the page closes the source
}

// ---------------------------------------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// A page that Playwright does not drive. Playwright turns on the DevTools Network domain in every
// page it drives, and then Blink sends a `Network.eventSourceMessageReceived` message to it for
// every event of a native EventSource (not for the polyfill's fetch()): with 200 000 events that
// made the native EventSource 2-4x slower and busier than it is, and the Node process too. So the
// page is created with raw DevTools commands in a browser context of our own: Playwright (started
// with launch(), so it has no default context) detaches from targets of contexts it does not
// know. We attach with a non-flat session and speak to the page through Target.sendMessageToTarget;
// only Runtime and Performance are enabled on it.
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

const metricsOf = async (tab) =>
  Object.fromEntries((await tab.send('Performance.getMetrics')).metrics.map(({ name, value }) => [name, value]));

let runCounter = 0;
async function runOnce(browserSession, origin, impl, name, stream) {
  const id = `${impl}-${name}-${++runCounter}`;
  const run = { stream, requests: 0, sent: 0, finished: false };
  streams.set(id, run);
  const tab = await openBarePage(browserSession, `${origin}/${impl}.html`);
  try {
    await tab.send('Performance.enable', { timeDomain: 'threadTicks' });
    const before = await metricsOf(tab);
    const params = { impl, url: `/stream/${id}`, listen: WORKLOADS[name].listen, count: stream.expected.count };
    const result = await tab.evaluate(`window.runBench(${JSON.stringify(params)})`);
    const after = await metricsOf(tab);
    const delta = (metric) => (after[metric] - before[metric]) * 1e6; // seconds -> µs

    // Fail loudly when the run did not measure what it claims to.
    const { expected } = stream;
    const problems = [];
    if (result.outcome !== 'done') problems.push(`ended by ${result.outcome}`);
    if (result.received !== expected.count) problems.push(`received ${result.received} of ${expected.count} events`);
    if (result.dataChars !== expected.dataChars) problems.push(`data length ${result.dataChars}, expected ${expected.dataChars}`);
    if (result.lastData !== expected.lastData) problems.push(`last data ${JSON.stringify(result.lastData)}`);
    if (result.lastId !== expected.lastId) problems.push(`last id ${JSON.stringify(result.lastId)}, expected ${JSON.stringify(expected.lastId)}`);
    if (result.isPolyfill !== (impl === 'polyfill')) problems.push(`the source is ${result.isPolyfill ? '' : 'not '}a WasmEventSource`);
    if (!result.nativeCode) problems.push('window.EventSource is not the native one');
    if (run.requests !== 1) problems.push(`${run.requests} requests for the stream (a reconnection?)`);
    if (!run.finished || run.sent !== stream.bytes) problems.push(`server sent ${run.sent} of ${stream.bytes} bytes`);
    if (!('ThreadTime' in after)) problems.push('no ThreadTime in Performance.getMetrics');
    if (problems.length) throw new Error(`${impl} × ${name}, run ${id}: ${problems.join('; ')}`);

    return {
      ms: result.ms,
      msFromOpen: result.msFromOpen,
      eventsPerSecond: expected.count / (result.ms / 1000),
      mbPerSecond: stream.bytes / 1e6 / (result.ms / 1000),
      mainCpuPerEvent: delta('ThreadTime') / expected.count,
      taskCpuPerEvent: delta('TaskDuration') / expected.count,
      scriptPerEvent: delta('ScriptDuration') / expected.count,
      rendererCpuPerEvent: delta('ProcessTime') / expected.count,
      mainBusy: delta('ThreadTime') / delta('Timestamp'),
    };
  } finally {
    streams.delete(id);
    await tab.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Firefox and WebKit: main-thread CPU from /proc

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

async function runOnceInEngine(browser, origin, impl, name, stream) {
  const id = `${impl}-${name}-${++runCounter}`;
  const run = { stream, requests: 0, sent: 0, finished: false };
  streams.set(id, run);
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/${impl}.html`);
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 30_000 });
    const root = browser.name === 'firefox' ? browser.raw.process().pid : page.child.pid;
    const before = mainThreadTicks(root, CONTENT_PROCESS[browser.name]);
    const started = performance.now();
    const params = { impl, url: `/stream/${id}`, listen: WORKLOADS[name].listen, count: stream.expected.count };
    const result = await page.evaluate((p) => window.runBench(p), params);
    const wallUs = (performance.now() - started) * 1000;
    const after = mainThreadTicks(root, CONTENT_PROCESS[browser.name]);
    let busiest = 0;
    for (const [pid, ticks] of after) busiest = Math.max(busiest, ticks - (before.get(pid) ?? 0));
    const { expected } = stream;
    const problems = [];
    if (result.outcome !== 'done') problems.push(`ended by ${result.outcome}`);
    if (result.received !== expected.count) problems.push(`received ${result.received} of ${expected.count} events`);
    if (result.dataChars !== expected.dataChars) problems.push(`data length ${result.dataChars}, expected ${expected.dataChars}`);
    if (result.lastId !== expected.lastId) problems.push(`last id ${JSON.stringify(result.lastId)}, expected ${JSON.stringify(expected.lastId)}`);
    if (result.isPolyfill !== (impl === 'polyfill')) problems.push(`the source is ${result.isPolyfill ? '' : 'not '}a WasmEventSource`);
    if (run.requests !== 1) problems.push(`${run.requests} requests for the stream (a reconnection?)`);
    if (after.size === 0) problems.push('no content process found');
    if (problems.length) throw new Error(`${impl} × ${name}, run ${id}: ${problems.join('; ')}`);
    const mainUs = busiest * TICK_US;
    return {
      ms: result.ms,
      msFromOpen: result.msFromOpen,
      eventsPerSecond: expected.count / (result.ms / 1000),
      mbPerSecond: stream.bytes / 1e6 / (result.ms / 1000),
      mainCpuPerEvent: mainUs / expected.count,
      taskCpuPerEvent: NaN,
      scriptPerEvent: NaN,
      rendererCpuPerEvent: NaN,
      mainBusy: mainUs / wallUs,
    };
  } finally {
    streams.delete(id);
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------

if (!existsSync(join(dist, SCRIPT))) {
  console.log(`dist/${SCRIPT} is missing: npm run build`);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    res.destroy();
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const chromium = ENGINE === 'chromium';
const browser = chromium ? await launchChromium() : await launchEngine(ENGINE);
const browserSession = chromium ? await browser.newBrowserCDPSession() : null;
const engineLabel = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' }[ENGINE];
const IMPLS = ['polyfill', 'native'];
const results = {}; // workload -> impl -> [run results]

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(
  `${engineLabel} ${chromium ? browser.version() : browser.version ?? ''}, Node ${process.version}, ${RUNS} runs each (fresh page each, alternating), ` +
    `load average ${load()}`,
);
const started = performance.now();
try {
  for (const name of only) {
    const count = args.events === undefined ? WORKLOADS[name].events : Number(args.events);
    const stream = buildStream(name, count);
    console.log(`${name}: ${count} events, ${(stream.bytes / 1e6).toFixed(2)} MB, listener '${WORKLOADS[name].listen}'`);
    results[name] = { polyfill: [], native: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const impl of r % 2 ? [...IMPLS].reverse() : IMPLS) {
        const sample = chromium
          ? await runOnce(browserSession, origin, impl, name, stream)
          : await runOnceInEngine(browser, origin, impl, name, stream);
        results[name][impl].push(sample);
        if (args.verbose) {
          console.log(
            `  run ${r + 1} ${impl.padEnd(8)} ${sample.ms.toFixed(1)} ms (${sample.msFromOpen.toFixed(1)} from open), ` +
              `main ${sample.mainCpuPerEvent.toFixed(3)} µs/ev (${(sample.mainBusy * 100).toFixed(0)}% busy), tasks ${sample.taskCpuPerEvent.toFixed(3)}, ` +
              `script ${sample.scriptPerEvent.toFixed(3)}, renderer ${sample.rendererCpuPerEvent.toFixed(3)}`,
          );
        }
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}

// ---------------------------------------------------------------------------------------------

const COLUMNS = [
  ['events/s', 'eventsPerSecond', (v) => Math.round(v).toLocaleString('en-US')],
  ['MB/s', 'mbPerSecond', (v) => v.toFixed(1)],
  ['main CPU µs/event', 'mainCpuPerEvent', (v) => v.toFixed(3)],
  ['renderer CPU µs/event', 'rendererCpuPerEvent', (v) => v.toFixed(3)],
  ['main busy', 'mainBusy', (v) => `${(v * 100).toFixed(0)}%`],
  ['ms', 'ms', (v) => v.toFixed(0)],
];
// Firefox and WebKit: no renderer-process total (the /proc figure is the main thread's).
if (!chromium) COLUMNS.splice(COLUMNS.findIndex(([, key]) => key === 'rendererCpuPerEvent'), 1);
const rows = [['workload', 'implementation', ...COLUMNS.map(([title]) => title)]];
for (const [name, byImpl] of Object.entries(results)) {
  const medians = {};
  for (const impl of IMPLS) {
    medians[impl] = Object.fromEntries(COLUMNS.map(([, key]) => [key, median(byImpl[impl].map((run) => run[key]))]));
    const label = impl === 'polyfill' ? `WasmEventSource (${SCRIPT})` : `${engineLabel} EventSource`;
    rows.push([name, label, ...COLUMNS.map(([, key, format]) => format(medians[impl][key]))]);
  }
  rows.push([name, 'ratio polyfill/native', ...COLUMNS.map(([, key]) => `×${(medians.polyfill[key] / medians.native[key]).toFixed(2)}`)]);
}
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
const line = (row) => `| ${row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
console.log(
  `\n${engineLabel} ${chromium ? browser.version() : browser.version ?? ''}: medians of ${RUNS} runs; load average ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
    'Ratios: above 1 on events/s and below 1 on CPU favour the polyfill.\n',
);
console.log(line(rows[0]));
console.log(`| ${widths.map((width, column) => (column < 2 ? '-'.repeat(width) : '-'.repeat(width - 1) + ':')).join(' | ')} |`);
for (const row of rows.slice(1)) console.log(line(row));
