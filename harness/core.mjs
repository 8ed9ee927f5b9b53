// The core package, wasm-eventsource, as the harness uses it: its parser reads the streams the
// checker receives, and its drop-in script is the conformance runner's 'polyfill'. It is a peer
// dependency, found beside the harness; in the core's own repository, where harness/ sits inside
// the core package, it is the repository's own build (a package resolves its own name).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const CORE = 'wasm-eventsource';

function requireFromCore() {
  for (const from of [import.meta.url, new URL('../package.json', import.meta.url)]) {
    const require = createRequire(from);
    try {
      require.resolve(`${CORE}/package.json`);
      return require;
    } catch {
      // not there: the next place, or the error below
    }
  }
  throw new Error(`the harness needs the package ${CORE} beside it: npm install --save-dev ${CORE}`);
}

/** The file of a subpath export of the core, e.g. 'drop-in'; an error saying what to do if it is missing. */
export function coreFile(subpath) {
  const file = requireFromCore().resolve(`${CORE}/${subpath}`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` in ${CORE} first`);
  return file;
}

/** The core's main entry (createParser, EventSource, …). */
export function loadCore() {
  const require = requireFromCore();
  const file = require.resolve(CORE);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` in ${CORE} first`);
  return require(file);
}
