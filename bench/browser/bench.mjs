// `npm run bench:browser`: events per second and main-thread CPU per event in a browser engine
// (headless Chromium by default; --engine firefox or webkit), for this package's drop-in script
// (`new WasmEventSource(url)`), the engine's own `new EventSource(url)` and three floors of any
// EventSource built on fetch() (page.mjs): the body read and decoded, ready-made events dispatched
// (floor); the same with each event's data and ID strings made as slices of the decoded text
// (floor_strings); and that with each read also parsed by the parser alone in WebAssembly, which
// then says when events are complete (floor_parse). All receive the same bytes from a loopback
// server. --impls runs some of them only (the engine's own always runs: the ratios are to it),
// --dist serves the drop-in of another build.
//
//   node bench/browser/bench.mjs [--engine chromium|firefox|webkit] [--runs 5]
//                                [--only tiny,llm_tokens,llm_writes,llm_event_writes] [--events N]
//                                [--impls polyfill,floor,floor_strings,floor_parse] [--dist DIR] [--verbose]
//
// CPU time is read from Linux's /proc (proc-cpu.mjs): the page's content process, its main thread
// and all its threads; Chromium's runs are in chromium-run.mjs, Firefox's and WebKit's in
// engine-run.mjs. The pages and their checks are in page.mjs,
// the streams in workloads.mjs, the loopback server in stream-server.mjs, the table in report.mjs.
//
// Each run is a fresh page (in Chromium, in a browser context of its own that Playwright does not
// drive: chromium-run.mjs). It starts once the machine has been idle for 100 ms (proc-cpu.mjs: a
// new Chromium window loads its own omnibox popup in a renderer for ~1 s, which otherwise ran
// during the first half of every run). The page opens the source, counts the events of the
// listened type and, on the last one, notes the time since construction and closes the source
// (the server keeps the response open after the last byte, so nothing reconnects). For the
// polyfill that time includes its lazy, one-off WebAssembly compile; --verbose also shows the
// time since `open`. The implementations take turns run by run; the table shows medians.
// Results: bench/RESULTS.md.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { launchPlaywright as launchChromium } from '../../harness/engines/chromium.mjs';
import { launchEngine } from '../../harness/engines/index.mjs';
import { runInChromium } from './chromium-run.mjs';
import { runInEngine } from './engine-run.mjs';
import { IMPLEMENTATIONS, SCRIPT } from './page.mjs';
import { resultTable } from './report.mjs';
import { startStreamServer } from './stream-server.mjs';
import { buildStream, WORKLOADS } from './workloads.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'chromium' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    events: { type: 'string' },
    impls: { type: 'string' },
    dist: { type: 'string' },
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
const only = args.only ? args.only.split(',').map((name) => name.trim()) : Object.keys(WORKLOADS);
for (const name of only) {
  if (!WORKLOADS[name]) throw new Error(`unknown workload ${name}; there are ${Object.keys(WORKLOADS).join(', ')}`);
}

// The drop-in from another build's dist/ (--dist), to compare two builds sitting after sitting.
const dist = args.dist ? resolve(args.dist) : join(root, 'dist');

// The engine's own EventSource always runs: the ratios are to it.
const impls = args.impls ? ['native', ...args.impls.split(',').map((impl) => impl.trim()).filter((impl) => impl !== 'native')] : IMPLEMENTATIONS;
for (const impl of impls) {
  if (!IMPLEMENTATIONS.includes(impl)) throw new Error(`unknown implementation ${impl}; there are ${IMPLEMENTATIONS.join(', ')}`);
}

if (!existsSync(join(dist, SCRIPT))) {
  if (args.dist) throw new Error(`${join(dist, SCRIPT)} is missing`);
  console.log(`dist/${SCRIPT} is missing: npm run build`);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}

const wasmDir = join(root, 'build', 'wasm');
if (impls.includes('floor_parse') && !existsSync(join(wasmDir, 'parser-alone.wasm'))) {
  throw new Error('build/wasm/parser-alone.wasm is missing (the floor that parses): npm run build');
}
const server = await startStreamServer(dist, wasmDir);
const chromium = ENGINE === 'chromium';
const browser = chromium ? await launchChromium() : await launchEngine(ENGINE);
const browserSession = chromium ? await browser.newBrowserCDPSession() : null;
const engineLabel = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' }[ENGINE];
const engineVersion = chromium ? browser.version() : browser.version ?? '';
const results = {}; // workload -> impl -> [run results]

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(
  `${engineLabel} ${engineVersion}, Node ${process.version}, ${RUNS} runs each (fresh page each, alternating), ` +
    `load average ${load()}`,
);
const started = performance.now();
let runCounter = 0;
try {
  for (const name of only) {
    const count = args.events === undefined ? WORKLOADS[name].events : Number(args.events);
    const stream = buildStream(name, count);
    const { listen } = WORKLOADS[name];
    console.log(`${name}: ${count} events, ${(stream.bytes / 1e6).toFixed(2)} MB, listener '${listen}'`);
    results[name] = Object.fromEntries(impls.map((impl) => [impl, []]));
    for (let r = 0; r < RUNS; r++) {
      for (const impl of r % 2 ? [...impls].reverse() : impls) {
        const run = { id: `${impl}-${name}-${++runCounter}`, impl, stream, listen };
        const sample = chromium ? await runInChromium(browserSession, server, run) : await runInEngine(browser, server, run);
        results[name][impl].push(sample);
        if (args.verbose) {
          console.log(
            `  run ${r + 1} ${impl.padEnd(13)} ${sample.ms.toFixed(1)} ms (${sample.msFromOpen.toFixed(1)} from open), ` +
              `main ${sample.mainCpuPerEvent.toFixed(3)} µs/ev (${(sample.mainBusy * 100).toFixed(0)}% busy), ` +
              `content process ${sample.processCpuPerEvent.toFixed(3)}; started after ${sample.quietAfterMs.toFixed(0)} ms of waiting for an idle machine`,
          );
        }
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}

console.log(
  `\n${engineLabel} ${engineVersion}: medians of ${RUNS} runs; load average ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
    'Ratios: above 1 on events/s and below 1 on CPU favour the polyfill.\n',
);
const allLabels = {
  polyfill: `WasmEventSource (${SCRIPT})`,
  native: `${engineLabel} EventSource`,
  floor: 'floor of fetch(): read, decode, dispatch',
  floor_strings: 'the floor + data and ID strings',
  floor_parse: 'the floor + strings + the parse in WebAssembly',
};
const labels = Object.fromEntries(IMPLEMENTATIONS.filter((impl) => impls.includes(impl)).map((impl) => [impl, allLabels[impl]]));
for (const line of resultTable(results, labels)) console.log(line);
