// `npm run bench`: this package's createParser against eventsource-parser 4, and the EventSource
// pipelines (this package's, the npm `eventsource` package's) in one Node process on the same
// bytes, end to end: bytes in, JS event objects with string data out. Also the Embind binding of
// the C++ API (wasm-eventsource/embind) and the WebAssembly core alone (bytes in, record offsets
// out) to show where the time goes. Prints medians of several
// runs and the ratios. Results: bench/RESULTS.md.
//
//   node bench/js/bench.mjs [--runs 7] [--only llm_tokens,tiny]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { createParser as createReferenceParser } from 'eventsource-parser';
import { EventSource as NpmEventSource } from 'eventsource';

import { embedWasm } from '../../scripts/embed-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '7' }, only: { type: 'string' } } });
const RUNS = Number(args.runs);

const { createParser, EventSource } = await import(pathToFileURL(join(root, 'dist', 'index.mjs')).href);
// The same parser without WebAssembly (wasm2js), as the react-native condition and CSPs without
// 'wasm-unsafe-eval' get it.
const { createParser: createWasm2jsParser } = await import(pathToFileURL(join(root, 'dist', 'wasm2js', 'index.mjs')).href);
const { default: initSse } = await import(pathToFileURL(join(root, 'dist', 'embind.mjs')).href);
const sse = await initSse();
// The module's exports alone, bundled from the sources the same way dist/ is.
const coreBundle = await esbuild.build({
  stdin: { contents: "export { memoryBytes, wasm } from './js/src/wasm.js';", resolveDir: root, loader: 'js' },
  bundle: true,
  format: 'esm',
  write: false,
  plugins: [embedWasm(readFileSync(join(root, 'build', 'wasm', 'sse-parser.wasm')))],
});
const core = await import(`data:text/javascript;base64,${Buffer.from(coreBundle.outputFiles[0].contents).toString('base64')}`);

// Workloads: the same shapes as bench/native (smaller: JS parsers are slower).
const TARGET = 4 << 20;
function repeatTo(unit) {
  return unit.repeat(Math.ceil(TARGET / unit.length));
}
function llmStream() {
  const tokens = ['Hello', ' wor', 'ld', ' café', ' 日本', ' naïve', ' 😀', ' the'];
  let out = '';
  for (let i = 0; out.length < TARGET; i++) {
    out +=
      `event: completion.delta\nid: ${1000000 + i}\ndata: {"id":"chatcmpl-8x1Yb2","object":"chat.completion.chunk",` +
      `"created":1700000000,"choices":[{"index":0,"delta":{"content":"${tokens[i % 8]}"},"finish_reason":null}]}\n\n`;
  }
  return out;
}
const encoder = new TextEncoder();
const workloads = {
  tiny: repeatTo('data: x\n\n'),
  llm_tokens: llmStream(),
  multi_line_100: repeatTo('data: line of a long multi-line event\n'.repeat(100) + '\n'),
  line_8MiB: `data: ${'x'.repeat(8 << 20)}\n\n`,
};
const CHUNKS = [65536, 1024, 16];

function chunked(bytes, size) {
  const chunks = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Times every contender on the same chunks, round-robin (one run of each in turn, after one
// warm-up run each), so that load changing on the machine affects them alike; medians in ms.
async function timeRoundRobin(contenders) {
  for (const run of Object.values(contenders)) await run();
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = performance.now();
      await run();
      samples[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, times]) => [name, median(times)]));
}

// Each contender: bytes in (the chunks), event objects with string data out; returns the count.
const parsers = {
  'wasm-eventsource createParser': (chunks) => {
    let events = 0;
    let bytes = 0;
    const parser = createParser({ onEvent: (event) => { events++; bytes += event.data.length; } });
    for (const chunk of chunks) parser.feed(chunk);
    parser.dispose();
    return events + bytes * 0;
  },
  'wasm2js createParser': (chunks) => {
    let events = 0;
    let bytes = 0;
    const parser = createWasm2jsParser({ onEvent: (event) => { events++; bytes += event.data.length; } });
    for (const chunk of chunks) parser.feed(chunk);
    parser.dispose();
    return events + bytes * 0;
  },
  'eventsource-parser 4': (chunks) => {
    let events = 0;
    let bytes = 0;
    const decoder = new TextDecoder();
    const parser = createReferenceParser({ onEvent: (event) => { events++; bytes += event.data.length; } });
    for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
    return events + bytes * 0;
  },
  // The C++ API through Embind (wasm-eventsource/embind): one JS call and one object per event.
  'Embind sse.Parser': (chunks) => {
    let events = 0;
    let bytes = 0;
    const sink = sse.EventSink.implement({ onEvent: (event) => { events++; bytes += event.data.length; } });
    const parser = new sse.Parser(sink);
    for (const chunk of chunks) parser.feed(chunk);
    parser.delete();
    sink.delete();
    return events + bytes * 0;
  },
  // Bytes in, records out: each chunk copied in and parsed, no text read back.
  'WASM core alone (no strings)': (chunks) => {
    const exports = core.wasm();
    const session = exports.sse_session_create(16 << 20, 2); // the default limit; flags: UTF-16 text (Node)
    const input = exports.sse_session_input(session, chunks.reduce((size, chunk) => Math.max(size, chunk.length), 0));
    let records = 0;
    for (const chunk of chunks) {
      core.memoryBytes().set(chunk, input);
      records += exports.sse_session_feed(session, chunk.length);
    }
    exports.sse_session_destroy(session);
    return records;
  },
};

// A whole EventSource fed by a fetch() whose body yields the chunks.
function fakeFetch(chunks) {
  return async () => {
    let i = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (i < chunks.length) controller.enqueue(chunks[i++]);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}
async function runEventSource(Impl, chunks) {
  let events = 0;
  await new Promise((resolve) => {
    const source = new Impl('http://127.0.0.1:1/bench', { fetch: fakeFetch(chunks) });
    source.onmessage = () => events++;
    source.onerror = () => {
      source.close(); // end of body: done
      resolve();
    };
  });
  return events;
}
const eventSources = {
  'wasm-eventsource EventSource': (chunks) => runEventSource(EventSource, chunks),
  'npm eventsource EventSource': (chunks) => runEventSource(NpmEventSource, chunks),
};

const only = args.only?.split(',');
console.log(`Node ${process.version}, ${RUNS} runs each, round-robin, median ms (MB/s); ratio = eventsource-parser time / ours\n`);
for (const [name, text] of Object.entries(workloads)) {
  if (only && !only.includes(name)) continue;
  const bytes = encoder.encode(text);
  const mb = bytes.length / 1e6;
  for (const size of CHUNKS) {
    const chunks = chunked(bytes, size);
    const contenders = {};
    for (const [contender, run] of Object.entries(parsers)) contenders[contender] = () => run(chunks);
    for (const [contender, run] of Object.entries(eventSources)) {
      if (size < 1024 && name === 'line_8MiB') continue; // 500 000 stream reads say nothing new
      contenders[contender] = () => run(chunks);
    }
    const row = await timeRoundRobin(contenders);
    const line = Object.entries(row)
      .map(([contender, ms]) => `${contender}: ${ms.toFixed(1)} ms (${(mb / (ms / 1000)).toFixed(0)} MB/s)`)
      .join('; ');
    const ratio = row['eventsource-parser 4'] / row['wasm-eventsource createParser'];
    const wasm2jsRatio = row['eventsource-parser 4'] / row['wasm2js createParser'];
    const esRatio = row['npm eventsource EventSource'] / row['wasm-eventsource EventSource'];
    console.log(
      `${name} @ ${size} B: ${line}\n  createParser vs eventsource-parser: ×${ratio.toFixed(2)}` +
        `; wasm2js createParser vs eventsource-parser: ×${wasm2jsRatio.toFixed(2)}` +
        (Number.isFinite(esRatio) ? `; EventSource vs npm eventsource: ×${esRatio.toFixed(2)}` : ''),
    );
  }
}
