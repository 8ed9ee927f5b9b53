// The corpus through EventSource.fromReadableStream() at several chunkings must give what the
// URL-based source gives for the same bytes as a response body: the same messages, last event
// ID and reconnection time (both run the parser with the same defaults).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { EventSource } from '../../dist/index.mjs';
import { chunksAt } from '../support/corpus-trace.mjs';
import { traceFromStream, traceFromUrl } from '../support/source-trace.mjs';
import { loadCases } from '../support/vectors.mjs';

// (Each chunk goes through the stream's promises: large inputs in larger chunks.)
const chunkings = (input) => {
  const sizes = [input.length || 1, input.length <= 65536 ? 7 : 4096];
  if (input.length <= 4096) sizes.push(1);
  return sizes.map((size) => [`chunks of ${size}`, chunksAt(input, Array.from({ length: Math.ceil(input.length / size) - 1 }, (_, i) => (i + 1) * size))]);
};

for (const testCase of loadCases()) {
  describe(testCase.id, () => {
    for (const [name, chunks] of chunkings(testCase.input)) {
      test(name, async () => {
        const fromUrl = await traceFromUrl(EventSource, [testCase.input], testCase.input);
        assert.deepEqual(await traceFromStream(EventSource, chunks, testCase.input), fromUrl);
        // Where the corpus has no limit of its own, both match it too.
        if (testCase.maxBufferedBytes === undefined) {
          assert.deepEqual(fromUrl.messages, testCase.expected.events.map((e) => [e.type, e.data, e.lastEventId]));
          assert.equal(fromUrl.lastEventId, testCase.expected.lastEventId);
          assert.equal(fromUrl.reconnectionTime, testCase.expected.retries.at(-1) ?? 3000);
        }
      });
    }
  });
}
