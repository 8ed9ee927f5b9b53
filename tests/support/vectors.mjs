// Reads the conformance corpus (tests/vectors/*.json) for the JS runners: inputs as bytes,
// expected strings expanded (see tests/vectors/README.md).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const vectorsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors');

function expandBytes(value) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.concat(
    value.map((part) => {
      if (typeof part === 'string') return Buffer.from(part, 'utf8');
      if ('hex' in part) return Buffer.from(part.hex.replace(/\s+/g, ''), 'hex');
      return Buffer.from(part.repeat.repeat(part.times), 'utf8');
    }),
  );
}

const expandText = (value) => (typeof value === 'string' ? value : expandBytes(value).toString('utf8'));

export function loadCases() {
  const cases = [];
  for (const file of readdirSync(vectorsDir).filter((name) => name.endsWith('.json')).sort()) {
    const { cases: fileCases } = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'));
    for (const c of fileCases) {
      cases.push({
        id: `${file.replace(/\.json$/, '')}/${c.name}`,
        input: new Uint8Array(expandBytes(c.input)),
        maxBufferedBytes: c.options?.maxBufferedBytes,
        expected: {
          events: c.events.map((e) => ({
            type: expandText(e.type),
            data: expandText(e.data),
            lastEventId: expandText(e.lastEventId),
          })),
          retries: (c.retries ?? []).map(Number),
          comments: c.comments?.map(expandText),
          error: c.error === 'buffer_limit',
          lastEventId: expandText(c.lastEventId),
        },
      });
    }
  }
  return cases;
}
