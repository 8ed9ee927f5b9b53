// Writes the fuzz targets' seed corpora from the conformance corpus (tests/vectors/*.json):
// one file per case, named after it, in <out>/<target>/ (default out: build/fuzz/corpus).
//   parser_fuzz        the 8-byte header of fuzz/parser_fuzz.cpp, then the case's input: the
//                      case's maxBufferedBytes when it has one, chunk sizes and flags varied
//                      from case to case
//   sse_cat_json_fuzz  the case's input as it is
//
//   node fuzz/seed-corpus.mjs [out]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from '../tests/support/vectors.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'build/fuzz/corpus'));

function parserHeader(c, index) {
  const header = Buffer.alloc(8);
  let flags = 0;
  if (c.maxBufferedBytes !== undefined && c.maxBufferedBytes < 4096) {
    flags |= 1;
    header.writeUInt16LE(c.maxBufferedBytes, 1);
  }
  if (index % 2 === 1) flags |= 2; // reset() and feed again
  if (index % 5 === 0) flags |= 8; // empty chunks
  if (index % 3 === 0) flags |= 16; // LimitAction::skip_event
  header[0] = flags;
  header[3] = index % 13; // chunks of up to 2^(index mod 13) bytes
  header.writeUInt32LE((index * 2654435761) >>> 0, 4);
  return header;
}

const targets = {
  parser_fuzz: (c, index) => Buffer.concat([parserHeader(c, index), c.input]),
  sse_cat_json_fuzz: (c) => Buffer.from(c.input),
};

const cases = loadCases();
for (const [target, seed] of Object.entries(targets)) {
  const dir = join(out, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cases.forEach((c, index) => writeFileSync(join(dir, c.id.replace('/', '--')), seed(c, index)));
}
console.log(`seed corpus: ${cases.length} cases per target in ${out}`);
