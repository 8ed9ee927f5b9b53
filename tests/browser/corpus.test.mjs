// The conformance corpus (tests/vectors) in every browser engine: every case through
// createParser from the ES module build, whole, byte by byte, split at every offset (a spread for
// long inputs) and as text, judged by the same trace code as in Node
// (tests/support/corpus-trace.mjs). In browsers the non-ASCII texts come out of WebAssembly as
// UTF-8 for TextDecoder (Node takes UTF-16), so this is the runner that covers that path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startScenarioServer } from '../../harness/server.mjs';
import { loadCases } from '../support/vectors.mjs';
import { forEachEngine, openPage, repoRoot } from './helpers.mjs';

const cases = loadCases();
let server;

before(async () => {
  server = await startScenarioServer({ staticDir: repoRoot });
});

after(async () => {
  await server?.close();
});

forEachEngine((engine) => {
  let results;

  before(async () => {
    const watch = await openPage(engine.browser);
    try {
      await watch.page.goto(`${server.originA}/tests/browser/pages/corpus.html`);
      await watch.page.waitForFunction(() => window.corpus?.ready);
      // In batches, so that no single evaluation runs long.
      results = [];
      for (let from = 0; from < cases.length; from += 50) {
        const batch = cases.slice(from, from + 50).map((c) => ({
          base64: Buffer.from(c.input).toString('base64'),
          maxBufferedBytes: c.maxBufferedBytes,
          listsComments: c.expected.comments !== undefined,
        }));
        results.push(...(await watch.page.evaluate((batch) => window.corpus.run(batch), batch)));
      }
      watch.assertClean();
    } finally {
      await watch.close();
    }
  });

  describe(`corpus in ${engine.label}: createParser from dist/index.mjs`, () => {
    test('every case ran', () => assert.equal(results.length, cases.length));
    cases.forEach((testCase, i) => {
      test(testCase.id, () => {
        const want = { ...testCase.expected };
        if (want.comments === undefined) delete want.comments;
        const { whole, differing, differingCount } = results[i];
        assert.deepEqual(whole, want, 'whole');
        assert.deepEqual(differing, [], `${differingCount} ways of cutting the input differ from the whole input`);
      });
    });
  });
});
