// js/src/session.js bundled with the package's module embedded, as dist/ is, for the tests of the
// batch protocol itself (its exports: Session, the record kinds and accessors).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

export const session = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString('base64')}`);
