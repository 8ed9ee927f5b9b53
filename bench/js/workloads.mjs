// The Node benchmark's streams: the shapes of bench/native (smaller: JS parsers are slower), as
// bytes, and chunkings of them.
import { createParser } from 'eventsource-parser';

const TARGET = 4 << 20;
const encoder = new TextEncoder();

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

/** Each workload's bytes. */
export const workloads = {
  tiny: encoder.encode(repeatTo('data: x\n\n')),
  llm_tokens: encoder.encode(llmStream()),
  multi_line_100: encoder.encode(repeatTo('data: line of a long multi-line event\n'.repeat(100) + '\n')),
  line_8MiB: encoder.encode(`data: ${'x'.repeat(8 << 20)}\n\n`),
};

/** `bytes` cut into chunks of `size`, or (size 'event') one event per chunk, as a stream whose
 *  server writes each event on its own arrives. */
export function chunked(bytes, size) {
  if (size === 'event') return eventChunks(bytes);
  const chunks = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

// Each event (up to and with the LF LF that ends it) a chunk of its own.
function eventChunks(bytes) {
  const chunks = [];
  let start = 0;
  for (let at = 1; at < bytes.length; at++) {
    if (bytes[at] === 0x0a && bytes[at - 1] === 0x0a) {
      chunks.push(bytes.subarray(start, at + 1));
      start = at + 1;
    }
  }
  if (start < bytes.length) chunks.push(bytes.subarray(start));
  return chunks;
}

/** Per chunk, the events it completes, as eventsource-parser gives them ({ id, event, data }). */
export function eventsPerChunk(chunks) {
  const perChunk = chunks.map(() => []);
  let i = 0;
  const parser = createParser({ onEvent: (event) => perChunk[i].push(event) });
  const decoder = new TextDecoder();
  for (; i < chunks.length; i++) parser.feed(decoder.decode(chunks[i], { stream: true }));
  return perChunk;
}

/** Per chunk, the data of the events it completes (as eventsource-parser reads them). */
export function eventDataPerChunk(chunks) {
  return eventsPerChunk(chunks).map((events) => events.map((event) => event.data));
}
