// The shared corpus through createParser (the WebAssembly parser) in Node: every case whole,
// byte by byte, split at every offset (a spread for long inputs) and as text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createParser } from '../../dist/index.mjs';
import { loadCases, splitOffsets } from '../support/vectors.mjs';

// Feeds the chunks and ends the stream; returns what came out in the corpus's terms.
function trace(testCase, chunks) {
  const out = { events: [], retries: [], comments: [], error: false, lastEventId: '' };
  const parser = createParser({
    maxBufferSize: testCase.maxBufferedBytes,
    onEvent: ({ event, data }) => out.events.push({ type: event ?? 'message', data, lastEventId: out.lastEventId }),
    onId: (id) => (out.lastEventId = id),
    onRetry: (retry) => out.retries.push(retry),
    onComment: (comment) => out.comments.push(comment),
    onError: (error) => {
      assert.equal(error.type, 'max-buffer-size-exceeded');
      out.error = true;
    },
  });
  for (const chunk of chunks) {
    if (out.error) break; // the parser throws once terminated, as eventsource-parser does
    parser.feed(chunk);
  }
  parser.reset();
  parser.dispose();
  if (testCase.expected.comments === undefined) delete out.comments;
  return out;
}

function chunksAt(input, offsets) {
  const chunks = [];
  let from = 0;
  for (const at of offsets) {
    chunks.push(input.subarray(from, at));
    from = at;
  }
  chunks.push(input.subarray(from));
  return chunks;
}

const cases = loadCases();

test('the corpus holds at least 150 cases', () => assert.ok(cases.length >= 150, `${cases.length}`));

for (const testCase of cases) {
  const { expected } = testCase;
  const want = { ...expected };
  if (want.comments === undefined) delete want.comments;
  describe(testCase.id, () => {
    test('whole', () => assert.deepEqual(trace(testCase, [testCase.input]), want));
    test('byte by byte', () => {
      const bytes = Array.from({ length: testCase.input.length }, (_, i) => testCase.input.subarray(i, i + 1));
      assert.deepEqual(trace(testCase, bytes), want);
    });
    test('split at every offset', () => {
      for (const at of splitOffsets(testCase.input.length)) {
        assert.deepEqual(trace(testCase, chunksAt(testCase.input, [at])), want, `split at ${at}`);
      }
    });
    // eventsource-parser's users feed text: valid UTF-8 inputs must work as strings too.
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(testCase.input);
    if (Buffer.from(text, 'utf8').equals(Buffer.from(testCase.input))) {
      test('as text', () => assert.deepEqual(trace(testCase, [text]), want));
    }
  });
}
