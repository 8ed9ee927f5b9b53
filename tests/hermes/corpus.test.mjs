// The shared corpus in Hermes, React Native's engine (no WebAssembly, no TextDecoder or
// TextEncoder, no `class`): the package as the `react-native` condition resolves it (the wasm2js
// build), bundled and lowered to ES5 as Metro would (hermes.mjs). Every case whole, byte by byte,
// and as text where it is valid UTF-8, against what the corpus states.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { inputAsText, portableCase } from '../support/corpus-trace.mjs';
import { loadCases } from '../support/vectors.mjs';
import { hermesBundle, runHermes } from './hermes.mjs';

const cases = loadCases();
const results = new Map();

before(async () => {
  const data = {
    cases: cases.map(portableCase),
  };
  const code = await hermesBundle(new URL('./corpus-entry.mjs', import.meta.url).pathname, { data });
  const output = await runHermes(code, { name: 'corpus' });
  for (const line of output.trim().split('\n')) {
    const result = JSON.parse(line);
    results.set(result.id, result);
  }
});

test('Hermes ran every case of the corpus', () => {
  assert.ok(cases.length >= 150, `${cases.length} cases`);
  assert.deepEqual([...results.keys()], cases.map((c) => c.id));
});

for (const testCase of cases) {
  const want = { ...testCase.expected };
  if (want.comments === undefined) delete want.comments;
  describe(testCase.id, () => {
    test('whole', () => assert.deepEqual(results.get(testCase.id)?.whole, want));
    test('byte by byte', () => assert.deepEqual(results.get(testCase.id)?.bytes, want));
    if (inputAsText(testCase.input) !== null) {
      test('as text', () => assert.deepEqual(results.get(testCase.id)?.text, want));
    }
  });
}
