// The package as users install it: `npm pack`'s tarball, extracted into an empty project, is
// checked by publint --strict and by attw (every entry point under node10, node16 from CJS and
// from ESM, and bundler), its types are compiled under every moduleResolution with lib.dom and
// with @types/node instead, it runs from Node as ESM and CommonJS, a Worker in workerd
// (miniflare) and a script for Hermes each take it by its name alone, and a bundle of the parser
// alone or of the stream alone carries no EventSource code (esbuild; the parser's with rollup
// too); the tarball stays within its budget (files, unpacked bytes) with each build once. And
// the CLI as users get it: the tarball installed by npm into an empty project, `npx
// wasm-eventsource cat`; `check` and `conformance` saying what to install, then, with the
// harness's own tarball (wasm-eventsource-harness) installed beside it, running (a missing
// engine's one line; with playwright-core added, a user's own script and an npm package measured
// in Chromium).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';

import { hermesBundle, runHermes } from '../hermes/hermes.mjs';
import { bundleWorker, startWorker } from '../workerd/workerd.mjs';
import { sseHeaders, startServer } from '../support/sse-server.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = join(repoRoot, 'tests', 'package');
const work = join(repoRoot, 'build', 'package');
const project = join(work, 'project');
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);
let tarball;
let packed; // npm pack --json's report of the core tarball: files, unpackedSize, entryCount
let harnessTarball;
let harnessPacked;

// The core package's budget: what a user installs for the parser or the EventSource.
const MAX_FILES = 60;
const MAX_UNPACKED_BYTES = 600_000;

function run(command, args, options = {}) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed (${error.status}):\n${error.stdout}${error.stderr}`);
  }
}

before(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(project, 'node_modules', 'wasm-eventsource'), { recursive: true });
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repoRoot }));
  tarball = join(work, packed.filename);
  [harnessPacked] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: join(repoRoot, 'harness') }));
  harnessTarball = join(work, harnessPacked.filename);
  run('tar', ['-xzf', tarball, '-C', join(project, 'node_modules', 'wasm-eventsource'), '--strip-components=1']);
  // The project's only other dependencies: Node's types (for the configurations without lib.dom).
  mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'));
  symlinkSync(join(repoRoot, 'node_modules', 'undici-types'), join(project, 'node_modules', 'undici-types'));
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true }\n');
});

describe('the packed tarball', () => {
  test('publint --strict finds nothing', () => {
    const out = run(bin('publint'), ['run', tarball, '--strict']);
    assert.match(out, /All good!/, out);
  });

  test('attw: every entry point resolves to the right types under node10, node16 (CJS and ESM) and bundler', () => {
    const out = run(bin('attw'), [tarball, '--no-definitely-typed', '--format', 'ascii']);
    assert.match(out, /No problems found/, out);
  });

  test('holds the LICENSE, the bundles and the types, and no sources or tests', () => {
    const files = run('tar', ['-tzf', tarball]).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const expected of ['LICENSE', 'package.json', 'README.md', 'dist/index.mjs', 'dist/index.cjs', 'dist/index.d.mts',
      'dist/index.d.cts', 'dist/stream.mjs', 'dist/stream.cjs', 'dist/stream.d.mts', 'dist/stream.d.cts', 'dist/drop-in.d.ts',
      'dist/wasm-eventsource.min.js', 'dist/embind.mjs', 'dist/embind.cjs', 'dist/embind.d.mts',
      'dist/embind.d.cts', 'dist/shared.mjs', 'dist/shared.cjs', 'dist/shared.d.mts', 'dist/shared.d.cts',
      'dist/workerd/index.mjs', 'dist/workerd/stream.mjs',
      'dist/wasm2js/index.mjs', 'dist/wasm2js/index.cjs', 'dist/wasm2js/stream.mjs', 'dist/wasm2js/stream.cjs',
      'dist/wasm2js/index.d.mts', 'dist/wasm2js/index.d.cts', 'dist/wasm2js/sse-parser.cjs',
      'dist/wasm-eventsource.wasm2js.min.js', 'cli/wasm-eventsource.mjs', 'cli/cat.mjs']) {
      assert.ok(files.includes(expected), `${expected} is in the tarball: ${files}`);
    }
    assert.ok(!files.some((f) => /^(js|native|tests|wasm|harness|bench|scripts)\//.test(f)), `no sources, tests or harness: ${files}`);
    assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, 'one .wasm file, the workerd build\'s');
    assert.equal(JSON.parse(readFileSync(join(project, 'node_modules', 'wasm-eventsource', 'package.json'))).license, 'MIT');
  });

  test(`within its budget: at most ${MAX_FILES} files and ${MAX_UNPACKED_BYTES} bytes unpacked`, (t) => {
    t.diagnostic(`${packed.entryCount} files, ${packed.unpackedSize} bytes unpacked, ${packed.size} bytes packed`);
    assert.equal(packed.entryCount, packed.files.length);
    assert.ok(packed.entryCount <= MAX_FILES, `${packed.entryCount} files: ${packed.files.map((f) => f.path).join(' ')}`);
    const largest = [...packed.files].sort((a, b) => b.size - a.size).slice(0, 8).map((f) => `${f.path} ${f.size}`);
    assert.ok(packed.unpackedSize <= MAX_UNPACKED_BYTES, `${packed.unpackedSize} bytes unpacked; the largest: ${largest.join(', ')}`);
  });

  test('each build once: the drop-ins minified only; embind.cjs and wasm2js/index.cjs load the ESM binding and the shared translation', () => {
    const paths = packed.files.map((f) => f.path);
    for (const readable of ['dist/wasm-eventsource.js', 'dist/wasm-eventsource.wasm2js.js']) {
      assert.ok(!paths.includes(readable), `${readable} (the same build as its .min.js) is not shipped`);
    }
    const installed = (file) => readFileSync(join(project, 'node_modules', 'wasm-eventsource', file), 'utf8');
    const sizeOf = (file) => packed.files.find((f) => f.path === file).size;
    assert.match(installed('dist/embind.cjs'), /import\(['"]\.\/embind\.mjs['"]\)/);
    assert.ok(sizeOf('dist/embind.cjs') < 1000, `embind.cjs is a loader: ${sizeOf('dist/embind.cjs')} bytes`);
    assert.match(installed('dist/wasm2js/index.cjs'), /require\(["']\.\/sse-parser\.cjs["']\)/);
    assert.match(installed('dist/wasm2js/index.mjs'), /from\s*["']\.\/sse-parser\.cjs["']/);
    // Node's ESM loader costs each file of a graph ~0.4 ms of a cold start: the ESM build is one.
    assert.doesNotMatch(installed('dist/index.mjs'), /(?:^|[;}])\s*(?:import|export)\s*[^;]*?\bfrom\s*["']|\bimport\s*\(/, 'dist/index.mjs imports no other file');
    assert.match(installed('dist/stream.mjs'), /from\s*["']\.\/index\.mjs["']/);
    for (const file of ['dist/wasm2js/index.cjs', 'dist/wasm2js/index.mjs']) {
      assert.ok(sizeOf(file) < sizeOf('dist/wasm2js/sse-parser.cjs'), `${file} (${sizeOf(file)} bytes) does not carry the translation`);
    }
  });
});

describe('the harness package (wasm-eventsource-harness) packs on its own', () => {
  test('its tarball holds the harness, its scenarios and page, and no tests; its drivers and the core are optional peers', () => {
    const paths = harnessPacked.files.map((f) => f.path);
    for (const expected of ['package.json', 'README.md', 'LICENSE', 'check.mjs', 'check-rules.mjs', 'check-scan.mjs', 'run.mjs',
      'runner.mjs', 'server.mjs', 'core.mjs', 'engines/index.mjs', 'page/index.html', 'known-differences.json']) {
      assert.ok(paths.includes(expected), `${expected} is in the harness tarball: ${paths}`);
    }
    assert.ok(paths.filter((f) => f.startsWith('scenarios/') && f.endsWith('.json')).length >= 60, 'the scenarios');
    assert.ok(!paths.some((f) => /^(dist|tests|node_modules)\//.test(f)), `no builds or tests: ${paths}`);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'harness', 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'wasm-eventsource-harness');
    assert.equal(pkg.dependencies, undefined, 'nothing installed with it but what the user chooses');
    for (const peer of ['wasm-eventsource', 'playwright-core', 'puppeteer-core', 'selenium-webdriver', 'esbuild']) {
      assert.ok(pkg.peerDependencies[peer], `${peer} is a peer`);
      assert.equal(pkg.peerDependenciesMeta[peer]?.optional, true, `${peer} is optional`);
    }
  });

  test('publint --strict finds nothing', () => {
    const out = run(bin('publint'), ['run', harnessTarball, '--strict']);
    assert.match(out, /All good!/, out);
  });
});

// [moduleResolution, module, the usage files it compiles]
const RESOLUTIONS = [
  ['bundler', 'esnext', ['usage.ts', 'usage-drop-in.ts', 'usage-embind.ts']],
  ['node16', 'node16', ['usage.mts', 'usage-drop-in.mts', 'usage-embind.mts', 'usage.cts']],
  ['nodenext', 'nodenext', ['usage.mts', 'usage-drop-in.mts', 'usage-embind.mts', 'usage.cts']],
  ['node10', 'commonjs', ['usage.ts', 'usage-drop-in.ts', 'usage-embind.ts', 'usage.cts']],
  // What a Worker's and a React Native app's TypeScript resolve (their builds' types).
  ['bundler', 'esnext', ['usage.ts'], ['workerd']],
  ['bundler', 'esnext', ['usage.ts'], ['react-native']],
];
const LIBS = [
  ['with lib.dom', { lib: ['es2022', 'dom'], types: [] }],
  ['without lib.dom, with @types/node', { lib: ['es2022'], types: ['node'] }],
];

describe('the types compile in a consumer project', () => {
  before(() => {
    const src = join(project, 'src');
    mkdirSync(src, { recursive: true });
    // One source, as .ts (bundler, node10) and .mts (ESM under node16/nodenext).
    for (const [from, to] of [['usage.ts', 'usage.ts'], ['usage.ts', 'usage.mts'], ['usage-drop-in.ts', 'usage-drop-in.ts'],
      ['usage-drop-in.ts', 'usage-drop-in.mts'], ['usage-embind.ts', 'usage-embind.ts'], ['usage-embind.ts', 'usage-embind.mts'],
      ['usage.cts', 'usage.cts']]) {
      copyFileSync(join(here, from), join(src, to));
    }
  });
  for (const [moduleResolution, module, files, customConditions] of RESOLUTIONS) {
    for (const [libName, libOptions] of LIBS) {
      const conditions = customConditions ? `, customConditions ${customConditions}` : '';
      test(`moduleResolution ${moduleResolution}${conditions}, ${libName}`, () => {
        const config = join(project, `tsconfig.${moduleResolution}${customConditions ? `.${customConditions}` : ''}.${libOptions.types.length ? 'node' : 'dom'}.json`);
        const compilerOptions = { strict: true, noEmit: true, target: 'es2022', module, moduleResolution, skipLibCheck: false, ...libOptions };
        if (customConditions) compilerOptions.customConditions = customConditions;
        if (moduleResolution === 'node10') compilerOptions.esModuleInterop = true;
        writeFileSync(config, JSON.stringify({ compilerOptions, files: files.map((f) => `src/${f}`) }, null, 2));
        run(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: project });
      });
    }
  }
});

describe('the package runs from the tarball', () => {
  test('as ESM and as CommonJS, from both entry points', () => {
    const esm = run(process.execPath, ['--input-type=module', '-e', `
      import { createParser, EventSource, EventSourceParserStream } from 'wasm-eventsource';
      import { EventSourceParserStream as S } from 'wasm-eventsource/stream';
      const seen = [];
      createParser({ onEvent: (e) => seen.push(e.data) }).feed('data: esm\\n\\n');
      console.log(seen.join(), typeof EventSource, S === EventSourceParserStream);`], { cwd: project });
    assert.equal(esm.trim(), 'esm function true');
    const cjs = run(process.execPath, ['-e', `
      const { createParser, EventSource } = require('wasm-eventsource');
      const { EventSourceParserStream } = require('wasm-eventsource/stream');
      const seen = [];
      createParser({ onEvent: (e) => seen.push(e.data) }).feed('data: cjs\\n\\n');
      console.log(seen.join(), typeof EventSource, typeof EventSourceParserStream);`], { cwd: project });
    assert.equal(cjs.trim(), 'cjs function function');
    // wasm-eventsource/shared: the same class, with sharing installed (in Node, with no Web
    // Locks, each source connects by itself).
    for (const [flag, load] of [['--input-type=module', "const shared = await import('wasm-eventsource/shared'); const main = await import('wasm-eventsource');"],
      ['--input-type=commonjs', "const shared = require('wasm-eventsource/shared'); const main = require('wasm-eventsource');"]]) {
      const out = run(process.execPath, [flag, '-e', `(async () => { ${load}
        const source = new shared.EventSource('http://127.0.0.1:9/', { shared: true }); source.close();
        console.log(shared.EventSource === main.EventSource, shared.default === main.default); })();`], { cwd: project });
      assert.equal(out.trim(), 'true true', flag);
    }
    for (const [flag, load] of [['--input-type=module', "const { default: initSse } = await import('wasm-eventsource/embind');"],
      ['--input-type=commonjs', "const initSse = require('wasm-eventsource/embind').default;"]]) {
      const out = run(process.execPath, [flag, '-e', `(async () => { ${load}
        const sse = await initSse(); const seen = [];
        const sink = sse.EventSink.implement({ onEvent: (e) => seen.push(e.data) });
        const parser = new sse.Parser(sink); parser.feed('data: embind\\n\\n'); console.log(seen.join()); })();`], { cwd: project });
      assert.equal(out.trim(), 'embind', flag);
    }
  });
});

describe('the runtimes that take another build, from the tarball by the package name alone', () => {
  const STREAM = 'retry: 100\\nid: 1\\ndata: caf\\u00e9\\n\\n: c\\nevent: t\\ndata: b\\n\\n';

  test('a Worker in workerd (miniflare), bundled as wrangler does: the workerd build parses a stream with createParser', async () => {
    const worker = await bundleWorker(
      {
        contents: `import { createParser } from 'wasm-eventsource';
          export default {
            fetch() {
              const seen = [];
              createParser({ onEvent: (e) => seen.push(e), onRetry: (ms) => seen.push(ms) }).feed(new TextEncoder().encode('${STREAM}'));
              return Response.json(seen);
            },
          };`,
        resolveDir: project,
      },
      { absWorkingDir: project },
    );
    assert.deepEqual([...worker.wasmModules.keys()], ['sse-parser.wasm'], 'the module imported as a .wasm file');
    const mf = await startWorker(worker);
    try {
      const response = await mf.dispatchFetch('http://worker/');
      assert.deepEqual(await response.json(), [100, { id: '1', data: 'caf\u00e9' }, { event: 't', data: 'b' }]);
    } finally {
      await mf.dispose();
    }
  });

  test('a script for Hermes, bundled by esbuild with the react-native condition and lowered to ES5: the wasm2js build parses a stream with createParser', async () => {
    const code = await hermesBundle(
      {
        contents: `import { createParser } from 'wasm-eventsource';
          const seen = [];
          const parser = createParser({ onEvent: (e) => seen.push(e), onRetry: (ms) => seen.push(ms) });
          parser.feed('${STREAM}'.slice(0, 20));
          parser.feed('${STREAM}'.slice(20));
          print(JSON.stringify({ seen, WebAssembly: typeof WebAssembly }));`,
        resolveDir: project,
      },
      { absWorkingDir: project },
    );
    assert.deepEqual(JSON.parse(await runHermes(code, { name: 'package' })), {
      seen: [100, { id: '1', data: 'caf\u00e9' }, { event: 't', data: 'b' }],
      WebAssembly: 'undefined',
    });
  });
});

describe('the build without WebAssembly runs in Node too', () => {
  test('wasm-eventsource/wasm2js as ESM and as CommonJS, and its stream subpath', () => {
    const esm = run(process.execPath, ['--input-type=module', '-e', `
      import { createParser, EventSourceParserStream } from 'wasm-eventsource/wasm2js';
      import { EventSourceParserStream as S } from 'wasm-eventsource/wasm2js/stream';
      const seen = [];
      createParser({ onEvent: (e) => seen.push(e.data) }).feed('data: caf\u00e9\\n\\n');
      console.log(seen.join(), S === EventSourceParserStream);`], { cwd: project });
    assert.equal(esm.trim(), 'caf\u00e9 true');
    const cjs = run(process.execPath, ['-e', `
      const { createParser } = require('wasm-eventsource/wasm2js');
      const { EventSourceParserStream } = require('wasm-eventsource/wasm2js/stream');
      const seen = [];
      createParser({ onEvent: (e) => seen.push(e.data) }).feed(new TextEncoder().encode('data: cjs\\n\\n'));
      console.log(seen.join(), typeof EventSourceParserStream);`], { cwd: project });
    assert.equal(cjs.trim(), 'cjs function');
  });
});

describe('tree shaking: a bundle of one part carries no other', () => {
  // What only the EventSource's modules hold: its messages and eventsource 5's mark; and values
  // computed at load in its Node transport (the ESM build is one file: each has to be marked pure,
  // or a bundle keeps it): what reads Node's builtins, the last of the bad ports.
  const EVENT_SOURCE_MARKERS = ["Failed to construct 'EventSource'", 'eventsource.supports-fetch-override', 'getBuiltinModule', '10080'];
  // (And no Embind: its runtime is in its own entry.)
  const EMBIND_MARKER = '_embind_register';
  async function bundle(source) {
    const result = await esbuild.build({
      stdin: { contents: source, resolveDir: project, loader: 'js' },
      absWorkingDir: project,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    return measured(result.outputFiles[0].text);
  }
  const measured = (text) => ({ text, bytes: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length });
  const report = (t, what, { bytes, gzip }) => t.diagnostic(`${what}: ${bytes} bytes, ${gzip} gzip`);

  test('createParser alone', async (t) => {
    const out = await bundle("import { createParser } from 'wasm-eventsource'; createParser({ onEvent: console.log }).feed('data: x\\n\\n');");
    report(t, 'createParser only', out);
    for (const marker of [...EVENT_SOURCE_MARKERS, EMBIND_MARKER]) assert.ok(!out.text.includes(marker), `no ${marker}`);
    assert.ok(!out.text.includes('TransformStream'), 'no EventSourceParserStream either');
  });

  test('EventSourceParserStream alone, from the main entry and from /stream', async (t) => {
    for (const from of ['wasm-eventsource', 'wasm-eventsource/stream']) {
      const out = await bundle(`import { EventSourceParserStream } from '${from}'; console.log(new EventSourceParserStream());`);
      report(t, `EventSourceParserStream only, from ${from}`, out);
      for (const marker of EVENT_SOURCE_MARKERS) assert.ok(!out.text.includes(marker), `no ${marker}`);
    }
  });

  test('createParser alone from the build without WebAssembly (wasm-eventsource/wasm2js)', async (t) => {
    const out = await bundle("import { createParser } from 'wasm-eventsource/wasm2js'; createParser({ onEvent: console.log }).feed('data: x\\n\\n');");
    report(t, 'createParser only, wasm2js', out);
    for (const marker of EVENT_SOURCE_MARKERS) assert.ok(!out.text.includes(marker), `no ${marker}`);
    assert.ok(!out.text.includes('WebAssembly'), 'no WebAssembly');
  });

  // Rollup, as Vite builds for production: it drops the unused parts of the one-file ESM build
  // by its own analysis, which is not esbuild's (pure marks, globals it knows).
  async function rollupBundle(source) {
    const entry = join(project, `rollup-entry-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(entry, source);
    try {
      const build = await rollup({ input: entry, plugins: [nodeResolve({ browser: true, rootDir: project })], logLevel: 'silent' });
      const { output } = await build.generate({ format: 'esm' });
      await build.close();
      return measured(output[0].code);
    } finally {
      rmSync(entry, { force: true });
    }
  }

  test('rollup: createParser alone carries no EventSource and no stream; the EventSource alone has the markers', async (t) => {
    const parserOnly = await rollupBundle("import { createParser } from 'wasm-eventsource'; createParser({ onEvent: console.log }).feed('data: x\\n\\n');");
    report(t, 'rollup, createParser only', parserOnly);
    for (const marker of [...EVENT_SOURCE_MARKERS, EMBIND_MARKER]) assert.ok(!parserOnly.text.includes(marker), `no ${marker}`);
    assert.ok(!parserOnly.text.includes('TransformStream'), 'no EventSourceParserStream either');
    const eventSource = await rollupBundle("import { EventSource } from 'wasm-eventsource'; console.log(new EventSource('/x'));");
    report(t, 'rollup, EventSource', eventSource);
    for (const marker of EVENT_SOURCE_MARKERS) assert.ok(eventSource.text.includes(marker), `${marker} is in the bundle`);
  });

  test('the EventSource, for comparison, holds the markers', async (t) => {
    const out = await bundle("import { EventSource } from 'wasm-eventsource'; console.log(new EventSource('/x'));");
    report(t, 'EventSource', out);
    for (const marker of EVENT_SOURCE_MARKERS) assert.ok(out.text.includes(marker), `${marker} is in the bundle`);
  });

  // Strings that only the sharing code (wasm-eventsource/shared) holds.
  const SHARED_MARKERS = ['BroadcastChannel', 'cannot be compared across tabs'];
  test('the EventSource without wasm-eventsource/shared carries none of the sharing code; with it, the bundle has it', async (t) => {
    const without = await bundle("import { EventSource } from 'wasm-eventsource'; for await (const e of new EventSource('/x', { pauseWhenHidden: true })) console.log(e.data);");
    report(t, 'EventSource with iteration and pauseWhenHidden, no sharing', without);
    for (const marker of SHARED_MARKERS) assert.ok(!without.text.includes(marker), `no ${marker}`);
    for (const from of ["import { EventSource } from 'wasm-eventsource/shared';", "import { EventSource } from 'wasm-eventsource'; import 'wasm-eventsource/shared';"]) {
      const withSharing = await bundle(`${from} console.log(new EventSource('/x', { shared: true }));`);
      report(t, `EventSource with sharing (${from})`, withSharing);
      for (const marker of SHARED_MARKERS) assert.ok(withSharing.text.includes(marker), `${marker} is in the bundle`);
      assert.equal(withSharing.text.split("Failed to construct 'EventSource': the option").length, without.text.split("Failed to construct 'EventSource': the option").length, 'one EventSource in it');
    }
  });
});

describe('the CLI: the tarball installed by npm into an empty project', () => {
  // Outside the repository, so that nothing resolves from the repository's node_modules.
  let cliProject;
  // Asynchronous: the tests' own server must answer while the command runs.
  const npx = (args, options = {}) =>
    promisify(execFile)('npx', ['--no-install', 'wasm-eventsource', ...args], { cwd: cliProject, encoding: 'utf8', ...options }).then(
      (out) => ({ code: 0, ...out }),
      (error) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  const linkFromRepo = (name) => {
    rmSync(join(cliProject, 'node_modules', name), { recursive: true, force: true });
    symlinkSync(join(repoRoot, 'node_modules', name), join(cliProject, 'node_modules', name), 'dir');
  };
  let server;

  before(async () => {
    cliProject = mkdtempSync(join(tmpdir(), 'wasm-eventsource-cli-'));
    writeFileSync(join(cliProject, 'package.json'), '{ "name": "cli-consumer", "private": true }\n');
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: cliProject });
    server = await startServer({});
    server.route('/events', (req, res) => {
      res.writeHead(200, sseHeaders());
      res.end(': hi\nretry: 2000\nid: 1\nevent: ping\ndata: one\n\ndata: two\n\n');
    });
  });

  after(async () => {
    await server?.close();
    if (cliProject) rmSync(cliProject, { recursive: true, force: true });
  });

  test('npx wasm-eventsource cat --chunk 1: JSON lines on the WebAssembly parser, as sse-cat prints them', async () => {
    const child = execFile('npx', ['--no-install', 'wasm-eventsource', 'cat', '--chunk', '1'], { cwd: cliProject, encoding: 'utf8' });
    child.stdin.end('data: a\r\n\r\nevent: ping\ndata: {"time": 1}\nid: 7\n\nretry: 5\ndata: unterminated');
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const [code] = await new Promise((resolve) => child.on('exit', (...args) => resolve(args)));
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split('\n').map((line) => JSON.parse(line)), [
      { type: 'message', data: 'a', lastEventId: '' },
      { type: 'ping', data: '{"time": 1}', lastEventId: '7' },
      { retry: 5 },
    ]);
    const bad = await npx(['cat', '--chunk', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /usage: wasm-eventsource cat/);
  });

  test('npx wasm-eventsource check and conformance without the harness package: one line saying what to install, exit 2', async () => {
    for (const command of ['check', 'conformance']) {
      const { code, stderr } = await npx([command, `${server.url}/events`]);
      assert.equal(code, 2, command);
      assert.match(stderr, new RegExp(`^wasm-eventsource ${command}: this command is in the package wasm-eventsource-harness: ` +
        'npm install --save-dev wasm-eventsource-harness', 'm'));
    }
  });

  test('npm install wasm-eventsource-harness beside it: nothing else comes with it', () => {
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', harnessTarball], { cwd: cliProject });
    const installed = run('npm', ['ls', '--all', '--parseable'], { cwd: cliProject }).trim().split('\n').slice(1);
    assert.deepEqual(installed.map((dir) => dir.slice(join(cliProject, 'node_modules').length + 1)).sort(), ['wasm-eventsource', 'wasm-eventsource-harness']);
  });

  test('npx wasm-eventsource check URL: one verdict per line, exit 0', async () => {
    const { code, stdout } = await npx(['check', `${server.url}/events`, '--duration', '500']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /✓/);
    assert.match(stdout, /Content-Type/i);
  });

  test('npx wasm-eventsource conformance without a driver: one line saying what to install', async () => {
    const { code, stdout } = await npx(['conformance', '--engine', 'firefox', '--only', 'format-lf-line-endings']);
    assert.equal(code, 1);
    assert.match(stdout, /^firefox: skipped: Firefox needs the npm package puppeteer-core: npm install --save-dev puppeteer-core$/m);
  });

  test('npx wasm-eventsource conformance --engine chromium --impl script:FILE#Global and --impl npm:eventsource', async () => {
    linkFromRepo('playwright-core');
    linkFromRepo('esbuild');
    linkFromRepo('eventsource');
    // A user's own implementation: the browser's EventSource under another name.
    writeFileSync(join(cliProject, 'my-event-source.js'), 'window.MyEventSource = class extends EventSource {};\n');
    const only = 'format-lf-line-endings,format-multi-line-data';
    const mine = await npx(['conformance', '--engine', 'chromium', '--impl', 'script:my-event-source.js#MyEventSource', '--only', only]);
    assert.equal(mine.code, 0, mine.stdout + mine.stderr);
    assert.match(mine.stdout, /script:my-event-source\.js#MyEventSource: 2 ✓ agree/);
    assert.ok(readFileSync(join(cliProject, 'wasm-eventsource-conformance', 'report-chromium.html'), 'utf8').includes('<table class="summary">'));
    const pkg = await npx(['conformance', '--engine', 'chromium', '--impl', 'npm:eventsource', '--only', only]);
    assert.equal(pkg.code, 0, pkg.stdout + pkg.stderr);
    assert.match(pkg.stdout, /npm:eventsource: /);
    assert.doesNotMatch(pkg.stdout, /harness error/);
  });
});

