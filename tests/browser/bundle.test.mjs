// The npm package's ESM build (dist/index.mjs) through a real bundler: esbuild bundles a tiny
// app that imports it, and the bundle runs in a page of every engine, receiving events from a
// local stream.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';

import { sseHeaders, writeChunks } from '../support/sse-server.mjs';
import { dist, forEachEngine, openPage, repoRoot, startTestServer } from './helpers.mjs';

let server;
let workDir;

// The app: imports the package, opens a stream, and reports what it saw on window.__app.
const appSource = (specifier) => `
import DefaultExport, { EventSource, WasmEventSource, createParser } from ${JSON.stringify(specifier)};

const app = (window.__app = { events: [], parsed: [], done: false });
app.exports = {
  defaultIsClass: DefaultExport === WasmEventSource,
  aliased: EventSource === WasmEventSource,
  notNative: EventSource !== window.EventSource,
  windowEventSourceNative: Function.prototype.toString.call(window.EventSource).includes('[native code]'),
};

const parser = createParser({ onEvent: (event) => app.parsed.push(event) });
parser.feed('event: a\\ndata: 1\\nid: x\\n\\ndata: ');
parser.feed(new TextEncoder().encode('2\\n\\n'));
app.parserLastEventId = parser.lastEventId;

const source = new EventSource('/bundle-stream');
app.url = source.url;
const record = (event) =>
  app.events.push(JSON.parse(JSON.stringify({ // leaves out what an Event does not have
    type: event.type,
    data: event.data,
    lastEventId: event.lastEventId,
    origin: event.origin,
    readyState: source.readyState,
  })));
source.addEventListener('open', record);
source.addEventListener('message', record);
source.addEventListener('tick', record);
source.addEventListener('error', (event) => {
  record(event);
  source.close();
  app.done = true;
});
`;

const pageHtml = (script) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>bundle</title></head>
<body><script type="module" src="${script}"></script></body></html>`;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'wasm-eventsource-bundle-'));
  server = await startTestServer();
  server.route('/bundle-stream', async (req, res) => {
    res.writeHead(200, sseHeaders());
    await writeChunks(res, [
      'retry: 60000\n',
      'data: first\n\n',
      { delay: 20 },
      'event: tick\nid: 7\ndata: {"n": 1}\n\n',
      { delay: 20 },
      'data: multi\ndata: line\n\n',
    ]);
    res.end(); // end of body: error with CONNECTING, and the app closes the source
  });
});

after(async () => {
  await server?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function bundleAndServe(name, entrySource, options = {}) {
  const entry = join(workDir, `${name}-entry.mjs`);
  const outfile = join(workDir, `${name}.js`);
  await writeFile(entry, entrySource);
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
    metafile: true,
    ...options,
  });
  assert.deepEqual(result.errors, []);
  const code = await readFile(outfile);
  server.route(`/${name}.js`, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
    res.end(code);
  });
  server.route(`/${name}.html`, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(pageHtml(`/${name}.js`));
  });
  // What the output still imports, as esbuild records it (a regular expression over the code
  // would also match the words of an error message that tells users what to import).
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
  return { code, inputs: Object.keys(result.metafile.inputs), imports };
}

async function runApp(browser, name) {
  server.clear();
  const watch = await openPage(browser);
  try {
    await watch.page.goto(`${server.url}/${name}.html`);
    await watch.page.waitForFunction(() => window.__app?.done === true, null, { timeout: 5000 });
    const app = await watch.page.evaluate(() => window.__app);
    watch.assertClean();
    return app;
  } finally {
    await watch.close();
  }
}

function checkApp(app) {
  assert.deepEqual(app.exports, {
    defaultIsClass: true,
    aliased: true,
    notNative: true,
    windowEventSourceNative: true,
  });
  assert.deepEqual(app.parsed, [
    { id: 'x', event: 'a', data: '1' },
    { data: '2' }, // id and event undefined (JSON from the page leaves them out)
  ]);
  assert.equal(app.parserLastEventId, 'x');
  assert.equal(app.url, `${server.url}/bundle-stream`);
  const origin = server.url;
  assert.deepEqual(app.events, [
    { type: 'open', readyState: 1 },
    { type: 'message', data: 'first', lastEventId: '', origin, readyState: 1 },
    { type: 'tick', data: '{"n": 1}', lastEventId: '7', origin, readyState: 1 },
    { type: 'message', data: 'multi\nline', lastEventId: '7', origin, readyState: 1 },
    { type: 'error', readyState: 0 },
  ]);
  const requests = server.requestsTo('/bundle-stream');
  assert.equal(requests.length, 1);
  assert.equal(requests[0].headers.accept, 'text/event-stream');
}

forEachEngine((engine) => {
  test('esbuild bundle of `import { EventSource } from "<repo>/dist/index.mjs"` receives events', async () => {
    const { inputs, imports } = await bundleAndServe('app', appSource(dist('index.mjs')));
    assert.ok(inputs.some((input) => input.endsWith('dist/index.mjs')), `bundled dist/index.mjs: ${inputs}`);
    assert.deepEqual(imports, [], 'the bundle has no imports left');
    checkApp(await runApp(engine.browser, 'app'));
  });

  // The same app importing the package by name, resolved through package.json "exports" the way
  // an application's bundler would (node_modules/wasm-eventsource linked to the repository).
  test('esbuild bundle of `import ... from "wasm-eventsource"` (package.json exports)', async (t) => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
    if (!pkg.exports) {
      t.skip('package.json has no "exports" yet');
      return;
    }
    const modules = join(workDir, 'node_modules');
    await mkdir(modules, { recursive: true });
    await rm(join(modules, 'wasm-eventsource'), { force: true }); // the engine before made it
    await symlink(repoRoot, join(modules, 'wasm-eventsource'), 'dir');
    const { inputs } = await bundleAndServe('app-by-name', appSource('wasm-eventsource'));
    assert.ok(inputs.some((input) => input.endsWith('dist/index.mjs')), `resolved to dist/index.mjs: ${inputs}`);
    checkApp(await runApp(engine.browser, 'app-by-name'));
  });
});
