// Runs a Worker in Cloudflare's workerd through miniflare, as a Worker is deployed: bundled by
// esbuild the way wrangler bundles one (the conditions workerd, worker, browser; a .wasm import
// kept as a module of its own, which workerd compiles — Workers compile no WebAssembly from
// bytes), then handed to miniflare as an ES module plus its CompiledWasm modules.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';
import { Log, LogLevel, Miniflare } from 'miniflare';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The newest date miniflare's bundled workerd accepts.
export const COMPATIBILITY_DATE = '2026-05-03';

/** Bundles `entry` (a file, or { contents, resolveDir }); resolves { script, wasmModules }. */
export async function bundleWorker(entry, { absWorkingDir = repoRoot } = {}) {
  const wasmModules = new Map(); // module name → bytes
  const input = typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { ...entry, loader: 'js' } };
  const result = await esbuild.build({
    ...input,
    absWorkingDir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'error',
    plugins: [
      {
        name: 'compiled-wasm',
        setup(build) {
          build.onResolve({ filter: /\.wasm$/ }, (args) => {
            const file = resolve(args.resolveDir, args.path);
            const name = basename(file);
            wasmModules.set(name, readFileSync(file));
            return { path: `./${name}`, external: true };
          });
        },
      },
    ],
  });
  return { script: result.outputFiles[0].text, wasmModules };
}

/** A Miniflare running the bundle as worker.mjs. Close it with dispose(). */
export async function startWorker({ script, wasmModules }) {
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: 'worker.mjs', contents: script },
      ...[...wasmModules].map(([path, contents]) => ({ type: 'CompiledWasm', path, contents })),
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    cf: false, // (else miniflare fetches Request.cf data from the network)
    log: new Log(LogLevel.WARN),
  });
  await mf.ready;
  return mf;
}
