// `npm run bench`: this package against eventsource-parser 4 and the npm `eventsource` package in
// one Node process on the same bytes, end to end: bytes in, JS event objects with string data
// out. Sections:
//   fresh       a new parser per stream (as users write it for each fetch), every workload and
//               chunk size; also wasm2js, the Embind binding, the WebAssembly core alone (no
//               strings: where the time goes) and whole EventSources;
//   long-lived  one parser for the process, reset between streams;
//   stream      EventSourceParserStream against eventsource-parser/stream;
//   stored      the heap that 2000 kept 24-character data strings hold alive (child processes).
// Prints medians of round-robin runs and the ratios the targets in bench/RESULTS.md are about.
//
//   node bench/js/bench.mjs [--runs 7] [--only tiny,llm_tokens] [--sections fresh,stored]
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
    sections: { type: 'string', default: 'fresh,long-lived,stream,stored' },
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
  const script = join(root, 'bench', 'js', 'stored-strings.mjs');
  for (const which of ['ours', 'reference']) {
    const samples = [];
    for (let i = 0; i < 3; i++) samples.push(JSON.parse(execFileSync(process.execPath, ['--expose-gc', script, which, distIndex], { encoding: 'utf8' })));
    samples.sort((a, b) => a.retainedMiB - b.retainedMiB);
    const { retainedMiB, ownKiB, ms } = samples[1];
    const label = which === 'ours' ? 'wasm-eventsource createParser' : 'eventsource-parser 4';
    console.log(`    ${label}: ${retainedMiB.toFixed(2)} MiB kept alive beyond the strings' own ${ownKiB.toFixed(0)} KiB; parsing ${ms.toFixed(0)} ms`);
  }
}
