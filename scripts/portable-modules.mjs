// The builds for runtimes other than browsers, Node, Deno and Bun (workerd; engines without
// WebAssembly) swap these js/src modules for their -portable.js versions, which have the same
// exports and handle what those runtimes lack or do differently, so that the main bundles carry
// none of it.
import { fileURLToPath } from 'node:url';

/** In an esbuild plugin's setup: resolves ./NAME.js to js/src/NAME-portable.js for each name. */
export function usePortableModules(build, names) {
  for (const name of names) {
    const portable = fileURLToPath(new URL(`../js/src/${name}-portable.js`, import.meta.url));
    build.onResolve({ filter: new RegExp(`^\\./${name}\\.js$`) }, () => ({ path: portable }));
  }
}
