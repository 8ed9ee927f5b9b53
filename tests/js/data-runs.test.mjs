// The module's run of data lines (native/src/parser.cpp, append_data_run: WebAssembly only)
// against its general path, on js/src/session.js directly (bundled with the module embedded, as
// dist/ is): random streams of multi-line events, whose data lines hold ASCII, valid and invalid
// UTF-8 and "data:" itself (so that a carried line's rest can look like a data line), mixed with
// other lines and every line end, some over the limit, stopping or skipped. Fed whole and in
// random chunks, they must give the records they give one byte at a time, where no run can form
// (a run needs the byte after a line end in the same chunk).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { random as generator } from '../support/random.mjs';
import { session } from '../support/session-bundle.mjs';

const { ERROR, RECORD_WORDS, RETRY, Session, kindAt, releaseBatch, retryAt, textAt } = session;

const VALUES = ['', ' ', 'x', ' line of a long multi-line event', 'data: x', ' data:', 'été', ' \xff\xc3', 'y'.repeat(70)];
const OTHERS = ['id: 7', 'event: e', ': comment', 'data', 'dat', 'retry: 9', ''];
const LINE_ENDS = ['\n', '\n', '\n', '\r\n', '\r'];

// Latin-1 for the invalid bytes (\xff, \xc3), UTF-8 for the rest.
function bytesOf(lines) {
  const parts = lines.map((line) => (/[\xc3\xff]/.test(line) ? Buffer.from(line, 'latin1') : Buffer.from(line)));
  return new Uint8Array(Buffer.concat(parts));
}

function randomStream(random) {
  const lines = [];
  const count = random(120);
  for (let k = 0; k < count; k++) {
    const line = random(8) < 6 ? (random(4) === 0 ? 'data:' : 'data: ') + VALUES[random(VALUES.length)] : OTHERS[random(OTHERS.length)];
    lines.push(line + LINE_ENDS[random(LINE_ENDS.length)]);
  }
  return bytesOf(lines);
}

// Every record the chunks give, as text, and the reset's at the end.
function recordsOf(options, chunks) {
  const parser = new Session(options);
  const out = [];
  const read = (batch) => {
    for (let r = 0; r < batch.length; r += RECORD_WORDS) {
      const kind = kindAt(batch, r) & 0xff;
      out.push(kind === RETRY ? `${kind} ${retryAt(batch, r)}` : kind === ERROR ? `${kind}` : `${kind} ${kindAt(batch, r) & 0xff00} ${textAt(batch, r)}`);
    }
    releaseBatch(batch);
  };
  try {
    for (const chunk of chunks) read(parser.feedBytes(chunk));
    read(parser.reset());
  } finally {
    parser.dispose();
  }
  return out;
}

test('random multi-line streams give the same records whole, in random chunks and one byte at a time', () => {
  const next = generator(29);
  const random = (n) => next() % n;
  for (let round = 0; round < 1500; round++) {
    const bytes = randomStream(random);
    const options = { limit: 16 << 20, comments: true, ignoredFields: true };
    if (round % 3 === 0) {
      options.limit = 100 + random(1000);
      options.skipOversized = random(2) === 0;
    }
    const oneByte = recordsOf(options, Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
    const label = `round ${round}: ${JSON.stringify(Buffer.from(bytes).toString('latin1'))}`;
    assert.deepEqual(recordsOf(options, [bytes]), oneByte, label);
    const chunks = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + random(200);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(recordsOf(options, chunks), oneByte, label);
  }
});
