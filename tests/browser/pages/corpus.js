// The corpus page (tests/browser/corpus.test.mjs): runs cases through createParser from the
// package's ES module build, with the same trace code as the Node runner. For each case it
// returns the trace of the whole input and, for every other way of cutting it (byte by byte,
// every split, as text), the traces that differ from that one.
import { createParser } from '/dist/index.mjs';
import { byteChunks, chunksAt, inputAsText, splitOffsets, traceCase } from '/tests/support/corpus-trace.mjs';

function bytesOf(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function runCase({ base64, maxBufferedBytes, listsComments }) {
  const input = bytesOf(base64);
  const testCase = { maxBufferedBytes, expected: { comments: listsComments ? [] : undefined } };
  const whole = traceCase(createParser, testCase, [input]);
  const expected = JSON.stringify(whole);
  const differing = [];
  const check = (variant, chunks) => {
    const trace = traceCase(createParser, testCase, chunks);
    if (JSON.stringify(trace) !== expected) differing.push({ variant, trace });
  };
  check('byte by byte', byteChunks(input));
  for (const at of splitOffsets(input.length)) check(`split at ${at}`, chunksAt(input, [at]));
  const text = inputAsText(input);
  if (text !== null) check('as text', [text]);
  return { whole, differing: differing.slice(0, 3), differingCount: differing.length };
}

window.corpus = { ready: true, run: (cases) => cases.map(runCase) };
