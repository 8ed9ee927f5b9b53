// The builds for runtimes other than browsers, Node, Deno and Bun (workerd; engines without
// WebAssembly), and the drop-in scripts for browsers, swap these js/src modules for their
// -portable.js versions, which have the same exports and handle what those runtimes lack or do
// differently (or, for node-http, leave out what only Node has), so that the main bundles carry
// none of it.
import { fileURLToPath } from 'node:url';

/** In an esbuild plugin's setup: resolves ./NAME.js (or ../NAME.js) to js/src/NAME-portable.js. */
export function usePortableModules(build, names) {
  for (const name of names) {
    const portable = fileURLToPath(new URL(`../js/src/${name}-portable.js`, import.meta.url));
    build.onResolve({ filter: new RegExp(`^\\.\\.?/${name}\\.js$`) }, () => ({ path: portable }));
  }
}

/** An esbuild plugin that resolves ./NAME.js to its -portable.js version for each name. */
export function portableModules(names) {
  return { name: `portable ${names.join(', ')}`, setup: (build) => usePortableModules(build, names) };
}
