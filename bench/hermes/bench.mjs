// `node bench/hermes/bench.mjs`: in Hermes (React Native's engine, no WebAssembly, no JIT in the
// CLI), the build without WebAssembly (wasm2js, the react-native condition) against
// eventsource-parser 4, both bundled and lowered to ES5 as for Metro (tests/hermes/hermes.mjs),
// on the same text in the same process: medians of several runs. Results: bench/RESULTS.md.
//
//   node bench/hermes/bench.mjs [--runs 5]
import { parseArgs } from 'node:util';

import { hermesBundle, runHermes } from '../../tests/hermes/hermes.mjs';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });

const script = `
import { createParser } from 'wasm-eventsource';
import { createParser as createReferenceParser } from 'eventsource-parser';
import { data } from '#data';

const TARGET = 1 << 20;
function repeatTo(unit) { let out = ''; while (out.length < TARGET) out += unit; return out; }
function llmStream() {
  const tokens = ['Hello', ' wor', 'ld', ' caf\\u00e9', ' \\u65e5\\u672c', ' na\\u00efve', ' \\u{1F600}', ' the'];
  let out = '';
  for (let i = 0; out.length < TARGET; i++) {
    out += 'event: completion.delta\\nid: ' + (1000000 + i) + '\\ndata: {"id":"chatcmpl-8x1Yb2","object":"chat.completion.chunk",' +
      '"created":1700000000,"choices":[{"index":0,"delta":{"content":"' + tokens[i % 8] + '"},"finish_reason":null}]}\\n\\n';
  }
  return out;
}
const workloads = {
  tiny: repeatTo('data: x\\n\\n'),
  llm_tokens: llmStream(),
  multi_line_100: repeatTo(Array(101).join('data: line of a long multi-line event\\n') + '\\n'),
};
const pieces = (text, size) => { const out = []; for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size)); return out; };
function run(create, chunks) {
  let events = 0;
  const parser = create({ onEvent: () => events++ });
  for (let i = 0; i < chunks.length; i++) parser.feed(chunks[i]);
  if (parser.dispose) parser.dispose();
  return events;
}
const median = (v) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const name of Object.keys(workloads)) {
  const text = workloads[name];
  for (const size of [65536, 1024, 16]) {
    const chunks = pieces(text, size);
    const times = { ours: [], reference: [] };
    const counts = [run(createParser, chunks), run(createReferenceParser, chunks)];
    for (let r = 0; r < data.runs; r++) {
      let start = Date.now(); run(createParser, chunks); times.ours.push(Date.now() - start);
      start = Date.now(); run(createReferenceParser, chunks); times.reference.push(Date.now() - start);
    }
    print(JSON.stringify({ name, size, mb: text.length / 1e6, ours: median(times.ours), reference: median(times.reference), counts }));
  }
}
`;

const code = await hermesBundle({ contents: script, resolveDir: process.cwd() }, { data: { runs: Number(args.runs) } });
const output = await runHermes(code, { name: 'bench' });
console.log(`Hermes (hermes-engine-cli), ${args.runs} runs each, median ms (MB of text/s); ratio = eventsource-parser time / ours\n`);
for (const line of output.trim().split('\n')) {
  const { name, size, mb, ours, reference, counts } = JSON.parse(line);
  if (counts[0] !== counts[1]) throw new Error(`${name}: ${counts[0]} events against eventsource-parser's ${counts[1]}`);
  const rate = (ms) => (mb / (ms / 1000)).toFixed(1);
  console.log(`${name} @ ${size} chars: wasm2js createParser ${ours} ms (${rate(ours)} MB/s); eventsource-parser 4 ${reference} ms (${rate(reference)} MB/s); ×${(reference / ours).toFixed(2)}`);
}
