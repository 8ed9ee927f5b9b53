// `npm run bench`: this package against eventsource-parser 4 and the npm `eventsource` package in
// one Node process on the same bytes, end to end: bytes in, JS event objects with string data
// out. Sections:
//   fresh       a new parser per stream (as users write it for each fetch), every workload and
//               chunking (one event per chunk, as a stream whose server writes each event; 1400
//               bytes, a TCP segment; 64 KiB; 16 bytes); also wasm2js, the Embind binding, the
//               WebAssembly core alone (no strings: where the time goes, against the native
//               parser; its texts in UTF-16 as in Node, and in UTF-8 as elsewhere), the core
//               with the strings of its pieces (no records read: createParser less its JS per
//               event), the parser alone in WebAssembly and the lower bounds it sets (without
//               and with decoding the data), and whole EventSources fed by a fetch() without a
//               network;
//   long-lived  one parser for the process, reset between streams;
//   stream      EventSourceParserStream against eventsource-parser/stream;
//   network     EventSources in Node reading a local server's stream, one event per write: CPU
//               per event (bench/js/event-source-network.mjs);
//   cold        from nothing to the first parsed event, in Node and workerd (cold-start.mjs);
//   stored      the heap that 2000 kept 24-character data strings hold alive (child processes);
//   idle        memory per open idle EventSource: JS heap and WebAssembly memory (child processes);
//   sizes       the drop-in script's size (dist/sizes.json).
// Prints medians of round-robin runs, and at the end every target of bench/RESULTS.md met or
// missed (bench/js/targets.mjs).
//
//   node bench/js/bench.mjs [--runs 7] [--only tiny,llm_tokens] [--sections fresh,stored,idle]
//                           [--chunks event,1400,65536,16]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { EventSource as NpmEventSource } from 'eventsource';
import { createParser as createReferenceParser } from 'eventsource-parser';

import { measureNodeColdStart, measureWorkerdColdStart } from './cold-start.mjs';
import { BOUND_ROW, DECODING_BOUND_ROW, contenders as makeContenders } from './contenders.mjs';
import { measureNetwork } from './event-source-network.mjs';
import { collectGarbage } from './heap.mjs';
import { distIndex, loadImplementations, root } from './implementations.mjs';
import { nativeNsPerEvent } from './native-figures.mjs';
import { PARSER_TARGETS, STREAM_TARGET, TargetReport } from './targets.mjs';
import { timeRoundRobin } from './timing.mjs';
import { chunked, workloads } from './workloads.mjs';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
    sections: { type: 'string', default: 'fresh,long-lived,stream,network,cold,stored,idle,sizes' },
    chunks: { type: 'string', default: 'event,1400,65536,16' },
  },
});
const RUNS = Number(args.runs);
const only = args.only?.split(',');
const sections = new Set(args.sections.split(','));
const chunkSizes = args.chunks.split(',').map((size) => (size === 'event' ? size : Number(size)));
const selected = Object.entries(workloads).filter(([name]) => !only || only.includes(name));

const implementations = await loadImplementations();
// The stream's floor and bound rows; with the lower bounds of any parser in WebAssembly
// (BOUND_ROW, DECODING_BOUND_ROW: bench/js/contenders.mjs), each target's row says what ratio
// they leave.
const STREAMS_ALONE_ROW = 'TransformStream alone (ready-made events, no parsing)';
const STREAM_BOUND_ROW = 'stream bound: the bound with decoding in the same TransformStream';
const { fresh, longLived, streams, eventSources } = makeContenders(implementations);
const targets = new TargetReport();

const mbps = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
const ratioOf = (row, theirs, ours) => row[theirs] / row[ours];
const ratio = (row, theirs, ours) => `×${ratioOf(row, theirs, ours).toFixed(2)}`;
const chunkLabel = (size) => (size === 'event' ? 'one event per chunk' : `${size} B`);
const describe = (row, bytes) =>
  Object.entries(row)
    .map(([name, ms]) => `    ${name}: ${ms.toFixed(1)} ms (${mbps(bytes, ms)} MB/s)`)
    .join('\n');
const eventsIn = (bytes) => {
  let events = 0;
  createReferenceParser({ onEvent: () => events++ }).feed(new TextDecoder().decode(bytes));
  return events;
};

// One chunking's round-robin runs, from a collected heap. What earlier chunkings left in the old
// generation stays until the heap reaches the limit they grew (after the 16-byte chunkings, ~290
// MB at LLM events in 64 KiB chunks, against ~90 collected) and makes each scavenge dearer (1.2-1.6
// ms against 0.8), which whichever row's allocation triggers it pays: the two bound rows, alike
// but for decoding, then differed by up to 2x, the slower one following the place in the round.
async function timeChunking(runs) {
  collectGarbage();
  return timeRoundRobin(runs, RUNS);
}

async function section(title, each) {
  console.log(`\n## ${title}`);
  for (const [name, bytes] of selected) await each(name, bytes);
}

console.log(`Node ${process.version}, ${RUNS} runs each, round-robin, median ms (MB/s); ratio = theirs / ours`);

if (sections.has('fresh')) {
  // The rows set against the native parser per event, by what the report calls them.
  const MODULE_ROWS = {
    module: 'WASM core alone (no strings)',
    utf8: 'WASM core alone, UTF-8 texts (as in browsers)', // its texts in UTF-8, as outside Node
    alone: 'parser alone in WebAssembly (counting sink)', // the native benchmark's sink
    aloneUtf16: 'parser alone + its data in UTF-16 (the least for Node)',
  };
  const nsPerEvent = {}; // workload -> { module, utf8, alone, aloneUtf16 } at 64 KiB
  await section('Fresh parser per stream', async (name, bytes) => {
    for (const size of chunkSizes) {
      const chunks = chunked(bytes, size);
      const runs = {};
      for (const [contender, run] of Object.entries(fresh)) runs[contender] = () => run(chunks);
      // 500 000 stream reads of one line say nothing the parsers' rows do not.
      if (!(name === 'line_8MiB' && size !== 'event' && size < 1024)) {
        for (const [contender, run] of Object.entries(eventSources)) runs[contender] = () => run(chunks);
      }
      const row = await timeChunking(runs);
      console.log(`${name} @ ${chunkLabel(size)}\n${describe(row, bytes.length)}`);
      let summary = `  createParser vs eventsource-parser: ${ratio(row, 'eventsource-parser 4', 'wasm-eventsource createParser')}`;
      summary += `; wasm2js: ${ratio(row, 'eventsource-parser 4', 'wasm2js createParser')}`;
      if (row['npm eventsource EventSource']) summary += `; EventSource vs npm eventsource: ${ratio(row, 'npm eventsource EventSource', 'wasm-eventsource EventSource')}`;
      console.log(summary);
      const target = PARSER_TARGETS.find((t) => t.workload === name && t.chunk === size);
      if (target) {
        const ceilings = [
          ['the bound allows', ratioOf(row, 'eventsource-parser 4', BOUND_ROW)],
          ['with decoding', ratioOf(row, 'eventsource-parser 4', DECODING_BOUND_ROW)],
        ];
        targets.ratio(`createParser: ${target.label}`, ratioOf(row, 'eventsource-parser 4', 'wasm-eventsource createParser'), target.ratio, ceilings);
      }
      if (size === 65536) {
        const events = eventsIn(bytes);
        nsPerEvent[name] = Object.fromEntries(Object.entries(MODULE_ROWS).map(([key, label]) => [key, (row[label] * 1e6) / events]));
      }
    }
  });
  const native = nativeNsPerEvent(root, Object.keys(nsPerEvent));
  if (native === null) {
    console.log('\n(The native figures need build/release/sse_bench: `npm test` builds it.)');
  } else if (Object.keys(native).length !== 0) {
    console.log('\n## The WebAssembly core alone against the native parser, per event (64 KiB chunks)');
    for (const [name, ns] of Object.entries(nsPerEvent)) {
      if (native[name] === undefined) continue;
      const times = (key) => `×${(ns[key] / native[name]).toFixed(2)}`;
      console.log(
        `    ${name}: module ${ns.module.toFixed(1)} ns, native ${native[name].toFixed(1)} ns: ${times('module')}` +
          ` (its texts in UTF-8, as outside Node: ${ns.utf8.toFixed(1)} ns, ${times('utf8')};` +
          ` the parser alone in WebAssembly: ${ns.alone.toFixed(1)} ns, ${times('alone')};` +
          ` with its data written as UTF-16: ${ns.aloneUtf16.toFixed(1)} ns, ${times('aloneUtf16')})`,
      );
      if (name === 'tiny' || name === 'llm_tokens') {
        const note = `; UTF-8 texts ${times('utf8')}, the parse alone ${times('alone')}, with UTF-16 data ${times('aloneUtf16')}`;
        targets.bound(`module alone / native parser per event: ${name}`, ns.module / native[name], 2, '×', note);
      }
    }
  }
}

if (sections.has('long-lived')) {
  await section('One long-lived parser', async (name, bytes) => {
    for (const size of chunkSizes) {
      const chunks = chunked(bytes, size);
      const runs = Object.fromEntries(Object.entries(longLived).map(([contender, run]) => [contender, () => run(chunks)]));
      const row = await timeChunking(runs);
      console.log(`${name} @ ${chunkLabel(size)}\n${describe(row, bytes.length)}`);
      console.log(`  createParser vs eventsource-parser: ${ratio(row, 'eventsource-parser 4', 'wasm-eventsource createParser')}`);
    }
  });
}

if (sections.has('stream')) {
  await section('EventSourceParserStream', async (name, bytes) => {
    if (name === 'line_8MiB') return;
    for (const size of chunkSizes.filter((size) => size === 'event' || size >= 1024)) {
      const chunks = chunked(bytes, size);
      const runs = Object.fromEntries(Object.entries(streams).map(([contender, run]) => [contender, () => run(chunks)]));
      const row = await timeChunking(runs);
      console.log(`${name} @ ${chunkLabel(size)}\n${describe(row, bytes.length)}`);
      console.log(`  vs eventsource-parser/stream: ${ratio(row, 'eventsource-parser/stream', 'wasm-eventsource EventSourceParserStream')}`);
      if (name === STREAM_TARGET.workload) {
        const measured = ratioOf(row, 'eventsource-parser/stream', 'wasm-eventsource EventSourceParserStream');
        const ceilings = [
          ['the streams alone allow', ratioOf(row, 'eventsource-parser/stream', STREAMS_ALONE_ROW)],
          ['with the bound with decoding', ratioOf(row, 'eventsource-parser/stream', STREAM_BOUND_ROW)],
        ];
        targets.ratio(`EventSourceParserStream: LLM events, ${chunkLabel(size)}`, measured, STREAM_TARGET.ratio, ceilings);
      }
    }
  });
}

if (sections.has('network')) {
  console.log('\n## EventSource in Node: a local server writes LLM events one per write; CPU per event');
  const cpu = await measureNetwork({ EventSource: implementations.EventSource, NpmEventSource, createParser: implementations.createParser, runs: RUNS });
  for (const [name, us] of Object.entries(cpu)) console.log(`    ${name}: ${us.toFixed(2)} µs`);
  const npm = cpu['npm eventsource 5'];
  const ours = cpu['wasm-eventsource EventSource'];
  const of = (name) => `×${(cpu[name] / npm).toFixed(2)}`;
  console.log(
    `  CPU per event against npm eventsource 5: ${of('wasm-eventsource EventSource')}; node:http's read alone is ${of('node:http read alone (bytes, no parsing)')} of it,` +
      ` node:net's ${of('node:net read alone (bytes, no parsing)')}, the prototype on node:net ${of('node:net, a minimal HTTP client + createParser + MessageEvent (a prototype)')}`,
  );
  targets.bound('EventSource in Node: CPU per event / npm eventsource 5', ours / npm, 0.5, '×');
}

if (sections.has('cold')) {
  console.log('\n## Cold start: from import to the first parsed event (fresh processes, fresh workerd)');
  const node = measureNodeColdStart(distIndex, Math.max(RUNS, 9));
  for (const which of ['ours', 'eventsource-parser']) {
    const times = node[which];
    console.log(`    Node, ${which}: ${times.totalMs.toFixed(2)} ms (import ${times.importMs.toFixed(2)}, first parser ${times.createMs.toFixed(2)}, first feed ${times.feedMs.toFixed(2)})`);
  }
  console.log(`    Node, ours − eventsource-parser, the median of the trials' differences: ${node.difference.toFixed(2)} ms`);
  targets.bound('cold start in Node: ours − eventsource-parser', node.difference, 3, 'ms');
  const workerd = await measureWorkerdColdStart(Math.max(RUNS, 15));
  for (const which of ['ours', 'eventsource-parser']) console.log(`    workerd, first request, ${which}: ${workerd[which].toFixed(2)} ms`);
  console.log(`    workerd, ours − eventsource-parser, the median of the trials' differences: ${workerd.difference.toFixed(2)} ms`);
  targets.bound('cold start in workerd: ours − eventsource-parser', workerd.difference, 3, 'ms');
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
    const { retainedMiB, grownMiB, ownKiB, ms } = samples[1];
    console.log(
      `    ${label}: ${retainedMiB.toFixed(2)} MiB kept alive beyond the strings' own ${ownKiB.toFixed(0)} KiB` +
        ` (the heap grew ${grownMiB.toFixed(2)} MiB, with the code V8 made as it ran); parsing ${ms.toFixed(0)} ms`,
    );
    if (which !== 'eventsource-parser') targets.bound(`stored strings: ${label}`, retainedMiB, 2, 'MiB');
  }
}

if (sections.has('idle')) {
  console.log('\n## Memory per open idle EventSource (one comment received, then nothing)');
  const script = join(root, 'bench', 'js', 'idle-sources.mjs');
  // (WebAssembly memory grows by 64 KiB pages: many streams make its figure exact to a few %.)
  const runs = [
    ['stream', 20000, 'wasm-eventsource, EventSource.fromReadableStream (the polyfill alone)'],
    ['url', 2000, 'wasm-eventsource over node:http (its socket and stream included)'],
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

if (sections.has('sizes')) {
  const sizes = JSON.parse(readFileSync(join(root, 'dist', 'sizes.json'), 'utf8'));
  const dropIn = sizes.find((entry) => entry.file === 'dist/wasm-eventsource.min.js');
  console.log(`\n## Sizes (dist/sizes.json)\n    the drop-in script: ${dropIn.bytes} bytes, ${dropIn.gzip} gzip`);
  targets.bound('the drop-in script, gzip', dropIn.gzip, 20000, 'bytes');
}

targets.print();
