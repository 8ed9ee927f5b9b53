// Node's ways from UTF-8 bytes to a string, on what the bound with decoding decodes (the data of
// the events each chunk completes, in the module's memory): which is fastest at which length.
// bench/js/contenders.mjs's bound row takes the fastest for each chunk's length.
//
//   node bench/js/decoders.mjs [--runs 21] [--chunks event,300,600,1400,65536]
import { parseArgs } from 'node:util';

import { loadParserAlone, placeInParserAlone } from './implementations.mjs';
import { timeRoundRobin } from './timing.mjs';
import { chunked, eventDataPerChunk, workloads } from './workloads.mjs';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '21' }, chunks: { type: 'string', default: 'event,300,600,1400,65536' } },
});
const alone = loadParserAlone();
const decoder = new TextDecoder();

console.log(`Node ${process.version}, LLM events, ${args.runs} runs each, round-robin, median ms`);
for (const size of args.chunks.split(',').map((size) => (size === 'event' ? size : Number(size)))) {
  const texts = eventDataPerChunk(chunked(workloads.llm_tokens, size))
    .map((data) => Buffer.from(data.join(''), 'utf8'))
    .filter((bytes) => bytes.length !== 0);
  const total = texts.reduce((sum, bytes) => sum + bytes.length, 0);
  const { base, at, out } = placeInParserAlone(alone, texts);
  const memory = Buffer.from(alone.memory.buffer);
  const view = new Uint8Array(alone.memory.buffer);
  const each = (decode) => () => {
    let units = 0;
    for (let i = 0; i < at.length; i++) units += decode(at[i], at[i] + texts[i].length).length;
    return units;
  };
  const ways = {
    'the package UTF-16 writer + Buffer#ucs2Slice': each((start, end) => {
      const written = alone.parser_alone_write_utf16(start, end - start, out);
      return memory.ucs2Slice(out, out + 2 * written);
    }),
    'Buffer#utf8Slice': each((start, end) => memory.utf8Slice(start, end)),
    'TextDecoder#decode': each((start, end) => decoder.decode(view.subarray(start, end))),
    'Buffer#latin1Slice (a copy, no decoding: not the text)': each((start, end) => memory.latin1Slice(start, end)),
  };
  const expected = texts.reduce((sum, bytes) => sum + bytes.toString('utf8').length, 0);
  for (const [name, run] of Object.entries(ways)) {
    if (!name.includes('latin1') && run() !== expected) throw new Error(`${name} made ${run()} code units, not ${expected}`);
  }
  const row = await timeRoundRobin(ways, Number(args.runs));
  const label = size === 'event' ? 'one event per chunk' : `${size} B chunks`;
  console.log(`${label}: ${texts.length} texts, ${(total / texts.length).toFixed(0)} bytes each on average`);
  for (const [name, ms] of Object.entries(row)) console.log(`    ${name}: ${ms.toFixed(2)} ms`);
  alone.parser_alone_free(base);
}
