// The UTF-8 loops of js/src/text-codec-portable.js (what the wasm2js builds use where there is
// no TextDecoder or TextEncoder, as in Hermes) against Node's TextDecoder and TextEncoder, which
// follow the Encoding Standard: valid and invalid bytes, lone surrogates, every code point size.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';

import * as esbuild from 'esbuild';

// (esbuild bundles it into a module Node imports.)
const { outputFiles } = await esbuild.build({
  entryPoints: [new URL('../../js/src/text-codec-portable.js', import.meta.url).pathname],
  format: 'esm',
  write: false,
  logLevel: 'error',
});
const built = new URL(`../../build/text-codec-portable.mjs`, import.meta.url);
mkdirSync(new URL('.', built), { recursive: true });
writeFileSync(built, outputFiles[0].text);
const { portableLoops } = await import(built.href);

const { decodeUtf8, encodeUtf8Into } = portableLoops;
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

// A deterministic generator, so a failure can be replayed.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const INVALID_BYTES = [
  [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xc2], [0xe0, 0x80, 0x80], [0xe0, 0xa0], [0xed, 0xa0, 0x80],
  [0xef, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x90, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80], [0xff],
  [0xe2, 0x82, 0x41], [0xf0, 0x9f, 0x98], [0xef, 0xbb, 0xbf], [0xc3, 0xa9], [0xf4, 0x8f, 0xbf, 0xbf],
];

test('decoding: every invalid or truncated sequence becomes U+FFFD as TextDecoder decodes it, a BOM is kept', () => {
  for (const bytes of INVALID_BYTES) {
    for (const around of [[], [0x61], [0x61, 0xe2, 0x82, 0xac]]) {
      const input = new Uint8Array([...around, ...bytes, ...around]);
      assert.equal(decodeUtf8(input), decoder.decode(input), `bytes ${[...input].map((b) => b.toString(16))}`);
    }
  }
});

test('decoding: random byte strings, half of them valid UTF-8, long ones across the chunking', () => {
  const next = random(12);
  for (let round = 0; round < 400; round++) {
    const length = round % 50 === 0 ? 20000 : Math.floor(next() * 64);
    let input;
    if (round % 2 === 0) {
      let text = '';
      for (let i = 0; i < length; i++) {
        const size = Math.floor(next() * 4);
        const max = [0x80, 0x800, 0x10000, 0x110000][size];
        let codePoint = Math.floor(next() * max);
        if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint = 0xfffd;
        text += String.fromCodePoint(codePoint);
      }
      input = encoder.encode(text);
    } else {
      input = Uint8Array.from({ length }, () => Math.floor(next() * 256));
    }
    assert.equal(decodeUtf8(input), decoder.decode(input), `round ${round}`);
  }
});

test('encoding: every code point size, pairs, lone surrogates (as U+FFFD) and long texts, as TextEncoder does', () => {
  const next = random(34);
  const samples = ['', 'a', '\u00e9', '\u20ac', '\u{1F600}', '\ud800', '\udc00', 'a\ud800b', '\udc00\ud800', '\ud83d\ude00\ud83d'];
  for (let round = 0; round < 300; round++) {
    let text = '';
    const length = round % 60 === 0 ? 10000 : Math.floor(next() * 40);
    for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(next() * 0x10000));
    samples.push(text);
  }
  for (const text of samples) {
    const target = new Uint8Array(text.length * 3);
    const written = encodeUtf8Into(text, target);
    assert.deepEqual(target.subarray(0, written), encoder.encode(text), JSON.stringify(text.slice(0, 20)));
  }
});
