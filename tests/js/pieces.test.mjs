// The arena pieces of wasm/binding.cpp at their edges, on js/src/session.js directly (bundled
// here with the module embedded, as dist/ is): a piece size of 64 bytes, the smallest, so that
// one chunk of a few MiB needs more pieces than a record can number (65 536): past that the last
// piece takes the rest, and every text must still come back whole. ASCII texts (the ASCII arena)
// and texts with other characters (the UTF-16 arena in Node), and texts longer than a piece.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

import { embedWasm } from '../../scripts/embed-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { outputFiles } = await esbuild.build({
  stdin: { contents: "export * from './js/src/session.js';", resolveDir: root, loader: 'js' },
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'error',
  plugins: [embedWasm(readFileSync(join(root, 'build', 'wasm', 'sse-parser.wasm')))],
});
const session = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString('base64')}`);
const { EVENT, RECORD_WORDS, Session, releaseBatch, textAt } = session;

function dataOf(batch) {
  const out = [];
  for (let i = 0; i < batch.records.length; i += RECORD_WORDS) {
    if ((batch.records[i] & 0xff) === EVENT) out.push(textAt(batch, i));
  }
  releaseBatch(batch);
  return out;
}

const encoder = new TextEncoder();
const streamOf = (texts) => encoder.encode(texts.map((text) => `data: ${text}\n\n`).join(''));

for (const [label, unit] of [
  ['ASCII', 'abcdefghijklmnopqrstuvwxyz0123456789'],
  ['non-ASCII', 'aé€😀日本xyz'],
]) {
  test(`${label}: 100 000 texts in 64-byte pieces, more than a record can number, come back whole`, () => {
    // (Code points, not UTF-16 units: a cut surrogate pair would come back as U+FFFD.)
    const texts = Array.from({ length: 100_000 }, (_, i) => [...`${i}:${unit.repeat(4)}`].slice(0, 20 + (i % 40)).join(''));
    const parser = new Session({ limit: 64 << 20, pieceSize: 64 });
    try {
      const batch = parser.feed(streamOf(texts));
      const pieces = (batch.records[RECORD_WORDS * (texts.length - 1)] >>> 16) + 1;
      assert.equal(pieces, 65_536, 'the last text is in the last piece a record can number');
      assert.deepEqual(dataOf(batch), texts);
    } finally {
      parser.dispose();
    }
  });
}

test('texts longer than a piece are a piece each; texts around them share pieces; both arenas at once', () => {
  const texts = [];
  for (let i = 0; i < 300; i++) {
    texts.push(i % 7 === 0 ? 'L'.repeat(100 + i) : i % 5 === 0 ? `é${'w'.repeat(i % 90)}` : `s${i}`);
  }
  const parser = new Session({ limit: 1 << 20, pieceSize: 64 });
  try {
    const batch = parser.feed(streamOf(texts));
    assert.deepEqual(dataOf(batch), texts);
    for (let i = 0; i < batch.text.length; i++) {
      const piece = batch.text[i];
      assert.ok(piece.length <= 64 || piece === piece[0].repeat(piece.length), `ASCII piece ${i} is ${piece.length} long`);
    }
    assert.ok(batch.text.length > 10 && batch.wide.length > 10, `${batch.text.length} ASCII and ${batch.wide.length} wide pieces`);
  } finally {
    parser.dispose();
  }
});

test('pieceSize 0: one piece per arena (what the module did before pieces)', () => {
  const texts = Array.from({ length: 500 }, (_, i) => `text ${i} ${i % 3 === 0 ? 'é' : ''}`);
  const parser = new Session({ limit: 1 << 20, pieceSize: 0 });
  try {
    const batch = parser.feed(streamOf(texts));
    assert.equal(batch.text.length, 1);
    assert.equal(batch.wide.length, 1);
    assert.deepEqual(dataOf(batch), texts);
  } finally {
    parser.dispose();
  }
});
