// The corpus in Hermes (tests/hermes/corpus.test.mjs bundles this with the cases as `#data`):
// every case through createParser whole, byte by byte, and as text where it is valid UTF-8 (a
// string, so through the UTF-8 encoder that replaces TextEncoder here). One JSON line per case.
import { createParser } from 'wasm-eventsource';
import { data } from '#data';

import { traceCase } from '../support/corpus-trace.mjs';

function bytesOf(latin1) {
  const bytes = new Uint8Array(latin1.length);
  for (let i = 0; i < latin1.length; i++) bytes[i] = latin1.charCodeAt(i);
  return bytes;
}

for (const testCase of data.cases) {
  const input = bytesOf(testCase.input);
  const run = { ...testCase, input, expected: { comments: testCase.listsComments ? [] : undefined } };
  const byteChunks = [];
  for (let i = 0; i < input.length; i++) byteChunks.push(input.subarray(i, i + 1));
  const result = {
    id: testCase.id,
    whole: traceCase(createParser, run, [input]),
    bytes: traceCase(createParser, run, byteChunks),
  };
  if (testCase.text !== null) result.text = traceCase(createParser, run, [testCase.text]);
  print(JSON.stringify(result));
}
