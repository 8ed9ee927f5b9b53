// The shared corpus through createParser (the WebAssembly parser) in Node: every case whole,
// byte by byte, split at every offset (a spread for long inputs) and as text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createParser } from '../../dist/index.mjs';
import { byteChunks, chunksAt, inputAsText, splitOffsets, traceCase } from '../support/corpus-trace.mjs';
import { loadCases } from '../support/vectors.mjs';

const trace = (testCase, chunks) => traceCase(createParser, testCase, chunks);

const cases = loadCases();

test('the corpus holds at least 150 cases', () => assert.ok(cases.length >= 150, `${cases.length}`));

for (const testCase of cases) {
  const { expected } = testCase;
  const want = { ...expected };
  if (want.comments === undefined) delete want.comments;
  describe(testCase.id, () => {
    test('whole', () => assert.deepEqual(trace(testCase, [testCase.input]), want));
    test('byte by byte', () => assert.deepEqual(trace(testCase, byteChunks(testCase.input)), want));
    test('split at every offset', () => {
      for (const at of splitOffsets(testCase.input.length)) {
        assert.deepEqual(trace(testCase, chunksAt(testCase.input, [at])), want, `split at ${at}`);
      }
    });
    // eventsource-parser's users feed text: valid UTF-8 inputs must work as strings too.
    const text = inputAsText(testCase.input);
    if (text !== null) test('as text', () => assert.deepEqual(trace(testCase, [text]), want));
  });
}
