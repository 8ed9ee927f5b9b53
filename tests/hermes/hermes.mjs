// Runs a script in Hermes, React Native's engine, as a React Native app would get it: bundled by
// esbuild (with the `react-native` export condition, as Metro resolves packages), then lowered to
// ES5 by Babel (Metro lowers every module with Babel; this Hermes has no `class` syntax), then
// run by the Hermes CLI of npm's hermes-engine-cli. Hermes has no console: scripts `print()`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { transformAsync } from '@babel/core';
import * as esbuild from 'esbuild';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const hermesBinary = join(repoRoot, 'node_modules', 'hermes-engine-cli', 'linux64-bin', 'hermes');

/** An esbuild plugin giving `#data` as a module that exports `data`, JSON-serialisable. */
function dataModule(data) {
  return {
    name: 'hermes-data',
    setup(build) {
      build.onResolve({ filter: /^#data$/ }, () => ({ path: 'data', namespace: 'hermes-data' }));
      build.onLoad({ filter: /.*/, namespace: 'hermes-data' }, () => ({ contents: `export const data = ${JSON.stringify(data)};`, loader: 'js' }));
    },
  };
}

/**
 * The ES5 script Hermes runs: `entry` (a file, or { contents, resolveDir }) bundled with the
 * react-native condition, `#data` resolving to `data`.
 */
export async function hermesBundle(entry, { data = null, absWorkingDir = repoRoot } = {}) {
  const input = typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { ...entry, loader: 'js' } };
  const result = await esbuild.build({
    ...input,
    absWorkingDir,
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['react-native', 'module', 'main'],
    conditions: ['react-native'],
    plugins: [dataModule(data)],
    write: false,
    logLevel: 'error',
  });
  const { code } = await transformAsync(result.outputFiles[0].text, {
    babelrc: false,
    configFile: false,
    compact: true,
    sourceType: 'script',
    presets: [['@babel/preset-env', { targets: { ie: '11' }, modules: false }]],
  });
  return code;
}

/** Runs an ES5 script in Hermes; resolves with what it printed. */
export async function runHermes(code, { name = 'script' } = {}) {
  if (!existsSync(hermesBinary)) throw new Error(`no Hermes at ${hermesBinary}: run npm ci`);
  const dir = join(repoRoot, 'build', 'hermes');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}-${process.pid}.js`);
  await writeFile(file, code);
  const { stdout } = await promisify(execFile)(hermesBinary, [file], { maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  return stdout;
}
