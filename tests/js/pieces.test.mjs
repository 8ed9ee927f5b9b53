// The batch protocol of wasm/binding.cpp at its edges, on js/src/session.js directly (bundled
// here with the module embedded, as dist/ is): the text arena's pieces (a piece size of 64
// bytes, the smallest, so that one chunk of a few MiB needs more pieces than a record can number
// (65 536): past that the last piece takes the rest, and every text must still come back whole),
// pieces that turn UTF-16 when a non-ASCII text joins them (Node), a batch of one event in one
// piece, TYPE records only when the type changes, and records read where the module wrote them
// while callbacks call into the module.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { session } from '../support/session-bundle.mjs';

const { EVENT, PIECE_SHIFT, RECORD_WORDS, TYPE, Session, kindAt, releaseBatch, textAt } = session;

/** [kind, text] of each record with a text, in order; releases the batch. */
function recordsOf(batch) {
  const out = [];
  for (let r = 0; r < batch.length; r += RECORD_WORDS) {
    const kind = kindAt(batch, r) & 0xff;
    out.push([kind, kind === EVENT || kind === TYPE ? textAt(batch, r) : null]);
  }
  releaseBatch(batch);
  return out;
}
const dataOf = (batch) => recordsOf(batch).filter(([kind]) => kind === EVENT).map(([, text]) => text);

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
      const last = batch.length - RECORD_WORDS;
      assert.ok(batch.pieceCount > 65_000 && batch.pieceCount <= 65_536, `${batch.pieceCount} pieces`);
      assert.equal((kindAt(batch, last) >>> 16) + 1, batch.pieceCount, 'the last text is in the last piece');
      assert.deepEqual(dataOf(batch), texts);
    } finally {
      parser.dispose();
    }
  });
}

/** `texts` as one chunk of events through a new session with `options`: the batch's pieces
 *  and, for each piece, the event texts in it; asserts that every text comes back whole. */
function piecesOf(texts, options) {
  const parser = new Session({ limit: 1 << 20, ...options });
  try {
    const batch = parser.feed(streamOf(texts));
    const pieces = batch.pieces.slice(0, batch.pieceCount);
    const byPiece = pieces.map(() => []);
    for (let r = 0; r < batch.length; r += RECORD_WORDS) {
      if ((kindAt(batch, r) & 0xff) === EVENT) byPiece[kindAt(batch, r) >>> PIECE_SHIFT].push(textAt(batch, r));
    }
    assert.deepEqual(dataOf(batch), texts);
    return { pieces, byPiece };
  } finally {
    parser.dispose();
  }
}

for (const shortTextsFree of [false, true]) {
  test(`texts longer than a piece are a piece each; texts around them share pieces; ASCII and non-ASCII ones mixed (shortTextsFree: ${shortTextsFree})`, () => {
    const texts = [];
    for (let i = 0; i < 300; i++) {
      texts.push(i % 7 === 0 ? 'L'.repeat(100 + i) : i % 5 === 0 ? `é${'w'.repeat(i % 90)}` : i % 3 === 0 ? `k${i}${'k'.repeat(20)}` : `s${i}`);
    }
    const { pieces, byPiece } = piecesOf(texts, { pieceSize: 64, shortTextsFree });
    for (const [i, piece] of pieces.entries()) {
      // 64 bytes: 64 ASCII characters, or 32 UTF-16 code units; or one longer text alone; or,
      // with shortTextsFree, any length if every text in it is shorter than 13 characters.
      const bound = /[^\0-\x7f]/.test(piece) ? 32 : 64;
      const onlyShort = shortTextsFree && byPiece[i].every((text) => text.length < 13);
      assert.ok(piece.length <= bound || texts.includes(piece) || onlyShort, `piece ${i} is ${piece.length} long: ${JSON.stringify(piece)}`);
    }
    assert.ok(pieces.filter((piece) => /[^\0-\x7f]/.test(piece)).length > 10, 'pieces with non-ASCII text');
    assert.ok(pieces.filter((piece) => !/[^\0-\x7f]/.test(piece)).length > 10, 'ASCII pieces');
  });
}

test('shortTextsFree (Node: V8 copies a slice under 13 characters): short texts share one piece however far they spread; a longer one keeps its piece within the size', () => {
  const shorts = (from) => Array.from({ length: 100 }, (_, i) => `t${from + i}`);
  const texts = [...shorts(0), 'a kept text of 24 chars', ...shorts(100)];
  // (With it: the shorts before, the kept text with the shorts that fit in 64 bytes after it, the
  // rest. Without it, every 64 bytes or so: more than 30 pieces.)
  for (const [shortTextsFree, expected] of [[true, (count) => count === 3], [false, (count) => count > 30]]) {
    const { pieces, byPiece } = piecesOf(texts, { pieceSize: 64, shortTextsFree });
    assert.ok(expected(pieces.length), `shortTextsFree: ${shortTextsFree}: ${pieces.length} pieces`);
    const kept = byPiece.findIndex((inPiece) => inPiece.includes(texts[100]));
    assert.ok(pieces[kept].length <= 64, `the kept text's piece: ${JSON.stringify(pieces[kept])}`);
  }
});

test('a non-ASCII text joining a piece of ASCII texts: the texts before it come back whole, whatever their length', () => {
  const parser = new Session({ limit: 1 << 20, pieceSize: 4096 });
  try {
    // ASCII texts of every length mod 16 before the first non-ASCII one (the piece is widened in
    // place, sixteen bytes at a time, from its end back), then both kinds again.
    for (let before = 0; before < 40; before++) {
      const texts = [...Array.from({ length: before }, (_, i) => 'a'.repeat(i % 19)), 'é日😀', 'b'.repeat(before), 'ü'];
      assert.deepEqual(dataOf(parser.feed(streamOf(texts))), texts);
    }
  } finally {
    parser.dispose();
  }
});

test('multi-line events copied into UTF-16 pieces: a non-ASCII character at any offset of a long joined text, after any run of ASCII, counts its units', () => {
  // (A multi-line event's text is joined in the parser's buffer and copied: its UTF-16 length
  // is counted sixty-four ASCII bytes at a time, then sixteen, then its last sixteen.)
  const parser = new Session({ limit: 1 << 20, pieceSize: 256 });
  try {
    for (let at = 0; at < 200; at += 3) {
      for (const character of ['é', '日', '😀']) {
        const text = `${'a'.repeat(at)}${character}${'z'.repeat(200 - at)}`;
        const points = [...text]; // (cut by code points: a cut surrogate pair would not come back)
        const lines = [points.slice(0, 70), points.slice(70, 140), points.slice(140)].map((part) => part.join(''));
        const chunk = encoder.encode(`${lines.map((line) => `data: ${line}\n`).join('')}\ndata: ${text}\n\n`);
        assert.deepEqual(dataOf(parser.feed(chunk)), [lines.join('\n'), text], `${JSON.stringify(character)} at ${at}`);
      }
    }
  } finally {
    parser.dispose();
  }
});

test('texts copied into UTF-16 pieces: every length, a non-ASCII character anywhere, distinct ASCII around it, come back whole', () => {
  // (A chunk with non-ASCII text is copied into UTF-16 pieces in Node, sixteen bytes at a time,
  // and the last sixteen of a long text at once: distinct characters show a unit out of place.
  // ASCII texts of every length join pieces that are UTF-16 already.)
  const ascii = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const textOf = (length, at, character) => {
    const points = Array.from({ length }, (_, i) => ascii[(i * 7 + length) % ascii.length]);
    if (character !== '') points[at] = character;
    return points.join('');
  };
  for (const pieceSize of [256, 4096]) {
    const parser = new Session({ limit: 1 << 20, pieceSize });
    try {
      for (let length = 1; length < 70; length++) {
        const texts = [];
        for (let at = 0; at < length; at += 1 + (length >> 3)) {
          for (const character of ['é', '日', '😀', '']) texts.push(textOf(length, at, character));
        }
        assert.deepEqual(dataOf(parser.feed(streamOf(texts))), texts, `texts of ${length} characters`);
      }
    } finally {
      parser.dispose();
    }
  }
});

test('a chunk whose first byte >= 0x80 lies anywhere after its ASCII texts lends none of them: every text comes back whole', () => {
  // (Node reads the texts of an ASCII chunk in place as Latin-1; whether the chunk is ASCII is
  // found a few hundred bytes at a time, stopping at the first such byte, then sixteen bytes at
  // a time, then byte by byte.)
  const parser = new Session({ limit: 1 << 20 });
  try {
    for (let before = 0; before < 1100; before++) {
      for (const after of ['', 'z'.repeat(before % 37)]) {
        const texts = ['a'.repeat(before), `é${after}`];
        assert.deepEqual(dataOf(parser.feed(streamOf(texts))), texts, `${before} ASCII bytes first`);
      }
    }
  } finally {
    parser.dispose();
  }
});

test('pieceSize 0: one piece per batch', () => {
  const texts = Array.from({ length: 500 }, (_, i) => `text ${i} ${i % 3 === 0 ? 'é' : ''}`);
  const parser = new Session({ limit: 1 << 20, pieceSize: 0 });
  try {
    const batch = parser.feed(streamOf(texts));
    assert.equal(batch.pieceCount, 1);
    assert.deepEqual(dataOf(batch), texts);
  } finally {
    parser.dispose();
  }
});

test('a chunk of one event (an id, a type, non-ASCII data) is one piece: one string call', () => {
  const parser = new Session({ limit: 1 << 20 });
  try {
    for (const data of ['{"content":"café"}', 'plain ASCII data']) {
      const batch = parser.feed(`id: 17\nevent: delta\ndata: ${data}\n\n`);
      assert.equal(batch.pieceCount, 1, data);
      assert.deepEqual(dataOf(batch), [data]);
    }
  } finally {
    parser.dispose();
  }
});

test('a TYPE record comes when the type changes, after reset(), and after forgetType(); not for every batch', () => {
  const parser = new Session({ limit: 1 << 20 });
  const typesIn = (batch) => recordsOf(batch).filter(([kind]) => kind === TYPE).map(([, text]) => text);
  try {
    assert.deepEqual(typesIn(parser.feed('event: a\ndata: 1\n\n')), ['a']);
    assert.deepEqual(typesIn(parser.feed('event: a\ndata: 2\n\nevent: a\ndata: 3\n\n')), []);
    assert.deepEqual(typesIn(parser.feed('data: untyped\n\nevent: a\ndata: 4\n\nevent: b\ndata: 5\n\n')), ['b']);
    releaseBatch(parser.reset());
    assert.deepEqual(typesIn(parser.feed('event: b\ndata: 6\n\n')), ['b']);
    parser.forgetType();
    assert.deepEqual(typesIn(parser.feed('event: b\ndata: 7\n\n')), ['b']);
  } finally {
    parser.dispose();
  }
});

test('records are read where the module wrote them, yet a callback may feed this session or grow the memory', () => {
  const parser = new Session({ limit: 64 << 20 });
  const other = new Session({ limit: 64 << 20 });
  try {
    const texts = Array.from({ length: 1000 }, (_, i) => `event ${i}`);
    const batch = parser.feed(streamOf(texts));
    const seen = [];
    for (let r = 0; r < batch.length; r += RECORD_WORDS) {
      seen.push(textAt(batch, r));
      if (seen.length === 10) {
        // This session's records are overwritten by a new batch, another session grows the
        // memory by 48 MiB (its views are replaced): the batch being read is not affected.
        const inner = parser.feed(streamOf(['inner']));
        assert.deepEqual(dataOf(inner), ['inner']);
        releaseBatch(other.feed(streamOf(['x'.repeat(48 << 20)])));
      }
    }
    releaseBatch(batch);
    assert.deepEqual(seen, texts);
  } finally {
    parser.dispose();
    other.dispose();
  }
});
