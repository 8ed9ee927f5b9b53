// `npm run bench`: this package against eventsource-parser 4 and the npm `eventsource` package in
// one Node process on the same bytes, end to end: bytes in, JS event objects with string data
// out. Sections:
//   fresh       a new parser per stream (as users write it for each fetch), every workload and
//               chunk size; also wasm2js, the Embind binding, the WebAssembly core alone (no
//               strings: where the time goes) and whole EventSources;
//   long-lived  one parser for the process, reset between streams;
//   stream      EventSourceParserStream against eventsource-parser/stream;
//   stored      the heap that 2000 kept 24-character data strings hold alive (child processes);
//   idle        memory per open idle EventSource: JS heap and WebAssembly memory (child processes).
// Prints medians of round-robin runs and the ratios the targets in bench/RESULTS.md are about.
//
//   node bench/js/bench.mjs [--runs 7] [--only tiny,llm_tokens] [--sections fresh,stored,idle]
//                           [--chunks 65536,1024,16]
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { contenders as makeContenders } from './contenders.mjs';
import { distIndex, loadImplementations, root } from './implementations.mjs';
import { timeRoundRobin } from './timing.mjs';
import { chunked, workloads } from './workloads.mjs';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
    sections: { type: 'string', default: 'fresh,long-lived,stream,stored,idle' },
    chunks: { type: 'string', default: '65536,1024,16' },
  },
});
const RUNS = Number(args.runs);
const only = args.only?.split(',');
const sections = new Set(args.sections.split(','));
const chunkSizes = args.chunks.split(',').map(Number);
const selected = Object.entries(workloads).filter(([name]) => !only || only.includes(name));

const implementations = await loadImplementations();
const { fresh, longLived, streams, eventSources } = makeContenders(implementations);

const mbps = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
const ratio = (row, theirs, ours) => `×${(row[theirs] / row[ours]).toFixed(2)}`;
const describe = (row, bytes) =>
  Object.entries(row)
    .map(([name, ms]) => `    ${name}: ${ms.toFixed(1)} ms (${mbps(bytes, ms)} MB/s)`)
    .join('\n');

async function section(title, each) {
  console.log(`\n## ${title}`);
  for (const [name, bytes] of selected) await each(name, bytes);
}

console.log(`Node ${process.version}, ${RUNS} runs each, round-robin, median ms (MB/s); ratio = theirs / ours`);

if (sections.has('fresh')) {
  await section('Fresh parser per stream', async (name, bytes) => {
    for (const size of chunkSizes) {
      const chunks = chunked(bytes, size);
      const runs = {};
      for (const [contender, run] of Object.entries(fresh)) runs[contender] = () => run(chunks);
      // 500 000 stream reads of one line say nothing the parsers' rows do not.
      if (!(name === 'line_8MiB' && size < 1024)) for (const [contender, run] of Object.entries(eventSources)) runs[contender] = () => run(chunks);
      const row = await timeRoundRobin(runs, RUNS);
      console.log(`${name} @ ${size} B\n${describe(row, bytes.length)}`);
      let summary = `  createParser vs eventsource-parser: ${ratio(row, 'eventsource-parser 4', 'wasm-eventsource createParser')}`;
      summary += `; wasm2js: ${ratio(row, 'eventsource-parser 4', 'wasm2js createParser')}`;
      if (row['npm eventsource EventSource']) summary += `; EventSource vs npm eventsource: ${ratio(row, 'npm eventsource EventSource', 'wasm-eventsource EventSource')}`;
      console.log(summary);
    }
  });
}

if (sections.has('long-lived')) {
  await section('One long-lived parser', async (name, bytes) => {
    for (const size of chunkSizes) {
      const chunks = chunked(bytes, size);
      const runs = Object.fromEntries(Object.entries(longLived).map(([contender, run]) => [contender, () => run(chunks)]));
      const row = await timeRoundRobin(runs, RUNS);
      console.log(`${name} @ ${size} B\n${describe(row, bytes.length)}`);
      console.log(`  createParser vs eventsource-parser: ${ratio(row, 'eventsource-parser 4', 'wasm-eventsource createParser')}`);
    }
  });
}

if (sections.has('stream')) {
  await section('EventSourceParserStream', async (name, bytes) => {
    if (name === 'line_8MiB') return;
    for (const size of chunkSizes.filter((size) => size >= 1024)) {
      const chunks = chunked(bytes, size);
      const runs = Object.fromEntries(Object.entries(streams).map(([contender, run]) => [contender, () => run(chunks)]));
      const row = await timeRoundRobin(runs, RUNS);
      console.log(`${name} @ ${size} B\n${describe(row, bytes.length)}`);
      console.log(`  vs eventsource-parser/stream: ${ratio(row, 'eventsource-parser/stream', 'wasm-eventsource EventSourceParserStream')}`);
    }
  });
}

if (sections.has('stored')) {
  console.log('\n## Stored strings: one 24-character data string kept from each of 2000 chunks of 64 KiB');
  const script = join(root, 'tests', 'support', 'kept-strings.mjs'); // (tests/js/leaks.test.mjs bounds it)
  const labels = {
    parser: 'wasm-eventsource createParser',
    'event-source': 'wasm-eventsource EventSource (MessageEvent data)',
    'eventsource-parser': 'eventsource-parser 4',
  };
  for (const [which, label] of Object.entries(labels)) {
    const samples = [];
    for (let i = 0; i < 3; i++) samples.push(JSON.parse(execFileSync(process.execPath, ['--expose-gc', script, which, distIndex], { encoding: 'utf8' })));
    samples.sort((a, b) => a.retainedMiB - b.retainedMiB);
    const { retainedMiB, ownKiB, ms } = samples[1];
    console.log(`    ${label}: ${retainedMiB.toFixed(2)} MiB kept alive beyond the strings' own ${ownKiB.toFixed(0)} KiB; parsing ${ms.toFixed(0)} ms`);
  }
}

if (sections.has('idle')) {
  console.log('\n## Memory per open idle EventSource (one comment received, then nothing)');
  const script = join(root, 'bench', 'js', 'idle-sources.mjs');
  // (WebAssembly memory grows by 64 KiB pages: many streams make its figure exact to a few %.)
  const runs = [
    ['stream', 20000, 'wasm-eventsource, EventSource.fromReadableStream (the polyfill alone)'],
    ['url', 2000, "wasm-eventsource over Node's fetch (its socket and streams included)"],
    ['eventsource', 2000, "npm eventsource 5 over Node's fetch"],
  ];
  for (const [mode, count, label] of runs) {
    const result = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', script, mode, distIndex, String(count)], { encoding: 'utf8' }),
    );
    const kib = (bytes) => (bytes / 1024).toFixed(1);
    console.log(`    ${label}, ${count} sources: JS heap ${kib(result.heapBytesPerSource)} KiB + WebAssembly ${kib(result.wasmBytesPerSource)} KiB each`);
  }
}
