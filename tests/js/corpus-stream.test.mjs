// The shared corpus through EventSourceParserStream in Node: every case as one chunk, byte by
// byte (in 1 KiB chunks beyond 16 KiB), and as text. (createParser, under it, runs every split in tests/js/corpus.test.mjs.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { EventSourceParserStream } from '../../dist/index.mjs';
import { inputAsText, traceStream } from '../support/corpus-trace.mjs';
import { loadCases } from '../support/vectors.mjs';

for (const testCase of loadCases()) {
  const want = {
    ...testCase.expected,
    events: testCase.expected.events.map(({ type, data }) => ({ type, data })),
  };
  if (want.comments === undefined) delete want.comments;
  // After a buffer-limit error the stream is errored: what it had not handed over is gone, and
  // so is the last event ID the parser kept for later events.
  if (want.error) delete want.lastEventId;
  const check = async (chunks) => {
    const trace = await traceStream(EventSourceParserStream, testCase, chunks);
    if (want.error) {
      delete trace.lastEventId;
      assert.ok(trace.events.length <= want.events.length, 'nothing after the error');
      assert.deepEqual(trace.events, want.events.slice(0, trace.events.length), 'events before the error');
      trace.events = want.events;
    }
    assert.deepEqual(trace, want);
  };
  describe(testCase.id, () => {
    test('one chunk', () => check([testCase.input]));
    // (A stream moves each chunk through promises: a megabyte byte by byte would take minutes.)
    const size = testCase.input.length <= 16384 ? 1 : 1024;
    test(size === 1 ? 'byte by byte' : 'in 1 KiB chunks', () =>
      check(Array.from({ length: Math.ceil(testCase.input.length / size) }, (_, i) => testCase.input.subarray(i * size, (i + 1) * size))));
    const text = inputAsText(testCase.input);
    if (text !== null) test('as text', () => check([text]));
  });
}
