// The Node benchmark's streams: the shapes of bench/native (smaller: JS parsers are slower), as
// bytes, and chunkings of them.
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

/** `bytes` cut into chunks of `size`. */
export function chunked(bytes, size) {
  const chunks = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}
