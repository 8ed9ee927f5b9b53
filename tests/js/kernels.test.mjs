// The simd128 line-end kernel against the scalar reference inside V8 (the x86 kernels are
// compared natively in tests/native): block masks at every offset, line ends from every offset,
// and whole parses at several chunk sizes, on random bytes and on the corpus.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { random } from '../support/random.mjs';
import { loadCases } from '../support/vectors.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const module = new WebAssembly.Module(readFileSync(join(root, 'build', 'wasm', 'kernel-check.wasm')));
const instance = new WebAssembly.Instance(module, {
  env: { emscripten_notify_memory_growth() {} },
  wasi_snapshot_preview1: { proc_exit() {} },
});
const check = instance.exports;
check._initialize();

function load(bytes) {
  const at = check.kernel_check_buffer() >>> 0;
  assert.ok(bytes.length <= check.kernel_check_capacity());
  new Uint8Array(check.memory.buffer, at, bytes.length).set(bytes);
  return bytes.length;
}

test('the module has the simd128 kernel and uses it', () => {
  assert.equal(check.kernel_check_has_simd128(), 1);
});

test('simd128 classifies blocks and finds line ends as the scalar kernel on random bytes', () => {
  const next = random(7);
  for (const [name, byte] of [
    ['every byte value', () => next() & 0xff],
    ['text with CR, LF and UTF-8', () => '\n\r:ab \xc3\xa9\xf0\x9f'.charCodeAt(next() % 10) & 0xff],
  ]) {
    const bytes = Uint8Array.from({ length: 64 * 1024 }, byte);
    assert.equal(check.kernel_check_scan(load(bytes)), 0, name);
    for (const chunk of [1, 3, 16, 64, 1000, 65536]) {
      assert.equal(check.kernel_check_parse(load(bytes), chunk), 1, `${name}, chunks of ${chunk}`);
    }
  }
});

test('simd128 parses the whole corpus as the scalar kernel, whole and in small chunks', () => {
  let checked = 0;
  for (const testCase of loadCases()) {
    const bytes = testCase.input;
    if (bytes.length > check.kernel_check_capacity()) continue;
    const size = load(bytes);
    if (size >= 64) assert.equal(check.kernel_check_scan(size), 0, testCase.id);
    for (const chunk of [size || 1, 1, 5, 64]) {
      assert.equal(check.kernel_check_parse(size, chunk), 1, `${testCase.id}, chunks of ${chunk}`);
    }
    checked++;
  }
  assert.ok(checked > 300, `${checked} cases`);
});
