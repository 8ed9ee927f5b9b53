// The EventSource's node:http transport (js/src/node-http.js): in Node, without a `fetch` option,
// a GET goes through node:http(s) and must be the request fetch() would have sent, with the
// response fetch() would have given: the same headers, redirects and Authorization across
// origins, bodies decoded from gzip, deflate (zlib or raw) and br as each piece arrives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, constants, createBrotliCompress, createDeflate, createDeflateRaw, createGzip } from 'node:zlib';

import * as esbuild from 'esbuild';

import { EventSource } from '../../dist/index.mjs';
import { CLOSED, nextEvent, record, waitFor } from './helpers.mjs';
import { skipIn } from '../support/runtime.mjs';

// Deno and Bun run this file too (scripts/test.sh): there the EventSource's requests go through
// their fetch(), so what only the transport can do is Node's alone.
const nodeOnly = "the node:http transport is Node's alone: here the EventSource reads through fetch()";
const transportOnly = skipIn({ deno: nodeOnly, bun: nodeOnly });

// The transport's own module, for what only it can tell (bundled as dist/ is).
const { outputFiles } = await esbuild.build({
  entryPoints: [new URL('../../js/src/node-http.js', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'error',
});
const nodeHttp = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString('base64')}`);

let server;
let base; // http://127.0.0.1:port
let other; // the same server under another origin (localhost)
const requests = []; // { path, rawHeaders }
const routes = new Map(); // path → (req, res)

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    requests.push({ path, rawHeaders: req.rawHeaders });
    const route = routes.get(path);
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  other = `http://localhost:${server.address().port}`;
});
after(() => server.close());

const open = (url, init) => {
  const source = new EventSource(url, init);
  after(() => source.close());
  return source;
};
const namesOf = (rawHeaders) => rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
const headerIn = (rawHeaders, name) => {
  const at = namesOf(rawHeaders).indexOf(name);
  return at === -1 ? undefined : rawHeaders[2 * at + 1];
};

describe('the request is the one fetch() sends', () => {
  test('the same header names and values as through fetch() (but for Host and Connection)', { skip: transportOnly }, async () => {
    routes.set('/same', (req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: x\n\n'));
    const headersOf = async (init) => {
      const from = requests.length;
      const source = open(`${base}/same`, { headers: { 'X-Token': 'abc' }, lastEventId: 'é1', ...init });
      await nextEvent(source, 'message');
      source.close();
      const { rawHeaders } = requests[from];
      const pairs = [];
      for (let i = 0; i < rawHeaders.length; i += 2) {
        const name = rawHeaders[i].toLowerCase();
        if (name !== 'host' && name !== 'connection') pairs.push(`${name}: ${rawHeaders[i + 1]}`);
      }
      return pairs.sort();
    };
    const viaNodeHttp = await headersOf({});
    const viaFetch = await headersOf({ fetch: globalThis.fetch });
    assert.deepEqual(viaNodeHttp, viaFetch);
    assert.ok(viaNodeHttp.includes('accept: text/event-stream'), viaNodeHttp.join('\n'));
    assert.ok(viaNodeHttp.includes('cache-control: no-cache'), 'cache mode no-store');
  });

  test('node:http carries a GET without a fetch option; a body, another method, a fetch option, data: URLs or an application dispatcher keep fetch()', { skip: transportOnly }, () => {
    assert.equal(nodeHttp.useNodeHttp(`${base}/x`, undefined, undefined), true);
    assert.equal(nodeHttp.useNodeHttp(`${base}/x`, 'get', undefined), true);
    assert.equal(nodeHttp.useNodeHttp(`${base.replace('http:', 'https:')}/x`, undefined, undefined), true);
    assert.equal(nodeHttp.useNodeHttp(`${base}/x`, 'POST', 'body'), false);
    assert.equal(nodeHttp.useNodeHttp(`${base}/x`, 'PUT', undefined), false);
    assert.equal(nodeHttp.useNodeHttp('data:text/event-stream,data:%20x%0A%0A', undefined, undefined), false);
    // An undici dispatcher the application set for fetch() (undici keeps it under this symbol).
    const key = Symbol.for('undici.globalDispatcher.1');
    const saved = Object.getOwnPropertyDescriptor(globalThis, key);
    try {
      globalThis[key] = new (class ProxyAgent {})();
      assert.equal(nodeHttp.useNodeHttp(`${base}/x`, undefined, undefined), false, 'a proxy agent keeps fetch');
      globalThis[key] = new (class Agent {})();
      assert.equal(nodeHttp.useNodeHttp(`${base}/x`, undefined, undefined), true, "fetch's own default agent does not");
    } finally {
      if (saved) Object.defineProperty(globalThis, key, saved);
      else delete globalThis[key];
    }
  });

  test('redirects are followed; Authorization goes along within the origin and is dropped across origins (the Fetch standard)', async () => {
    routes.set('/hop-same', (req, res) => res.writeHead(307, { location: '/hop-other' }).end());
    routes.set('/hop-other', (req, res) => res.writeHead(302, { location: `${other}/landed` }).end());
    routes.set('/landed', (req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: landed\n\n'));
    const from = requests.length;
    const source = open(`${base}/hop-same`, { headers: { Authorization: 'Bearer secret' } });
    const log = record(source);
    await waitFor(() => log.data().length === 1);
    source.close();
    const seen = requests.slice(from, from + 3);
    assert.deepEqual(seen.map((r) => r.path), ['/hop-same', '/hop-other', '/landed']);
    assert.deepEqual(seen.map((r) => headerIn(r.rawHeaders, 'authorization')), ['Bearer secret', 'Bearer secret', undefined]);
    assert.equal(log.find((entry) => entry.type === 'message').origin, other);
  });

  test('more than 20 redirects: a network error (the source reconnects), as with fetch()', async () => {
    routes.set('/loop', (req, res) => res.writeHead(302, { location: '/loop' }).end());
    const source = open(`${base}/loop`);
    const error = await nextEvent(source, 'error');
    assert.equal(error.reason, 'network');
    assert.equal(source.readyState, 0);
  });
});

describe('compressed bodies are decoded as they arrive', () => {
  const compressors = {
    gzip: () => createGzip(),
    deflate: () => createDeflate(),
    'deflate (raw, as some servers send it)': () => createDeflateRaw(),
    br: () => createBrotliCompress(),
  };
  for (const [label, make] of Object.entries(compressors)) {
    const deflate = label.startsWith('deflate') && "Deno's fetch() passes on a deflate body's flushed pieces only as it ends (gzip and br as they arrive)";
    test(`${label}: each event arrives when its piece is flushed, before the stream ends`, { skip: skipIn({ deno: deflate }) }, async () => {
      const path = `/compressed-${label.split(' ')[0]}-${Math.random()}`;
      let release;
      const released = new Promise((resolve) => (release = resolve));
      routes.set(new URL(path, base).pathname, async (req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': label.split(' ')[0] });
        const compressor = make();
        compressor.pipe(res);
        const flush = label === 'br' ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH;
        compressor.write('id: 1\ndata: first é\n\n');
        compressor.flush(flush);
        await released; // the second event waits until the first has arrived
        compressor.write('id: 2\ndata: second 😀\n\n');
        compressor.end();
      });
      const source = open(`${base}${path}`);
      const log = record(source);
      await waitFor(() => log.data().length === 1);
      release();
      await waitFor(() => log.data().length === 2);
      assert.deepEqual(log.data(), ['first é', 'second 😀']);
      assert.equal(source.lastEventId, '2');
    });
  }

  test('a coding fetch() does not know: the body comes as it is (here: an event stream)', async () => {
    routes.set('/unknown-coding', (req, res) =>
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'x-custom' }).end('data: plain\n\n'),
    );
    const source = open(`${base}/unknown-coding`);
    assert.equal((await nextEvent(source, 'message')).data, 'plain');
  });

  test('a corrupt compressed body: a network error, and the source reconnects', async () => {
    routes.set('/corrupt', (req, res) =>
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'br' }).end(Buffer.concat([brotliCompressSync('data: ok\n\n').subarray(0, 4), Buffer.from('garbage')])),
    );
    const source = open(`${base}/corrupt`);
    const error = await nextEvent(source, 'error');
    assert.ok(error.reason === 'network' || error.reason === 'end-of-stream', error.reason);
    assert.notEqual(source.readyState, CLOSED);
  });
});

test('header values node:http refuses (a control character in the ID) fail the source with reason headers, as fetch() does', { skip: skipIn({ bun: "Bun's fetch sends these bytes, as browsers do: nothing is refused" }) }, async () => {
  routes.set('/vt', (req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: x\n\n'));
  const source = open(`${base}/vt`, { lastEventId: 'a\vb' });
  const error = await nextEvent(source, 'error');
  assert.equal(error.reason, 'headers');
  assert.equal(source.readyState, CLOSED);
});

test('the package has the transport in its Node builds only (not the drop-in scripts)', () => {
  const dropIn = readFileSync(new URL('../../dist/wasm-eventsource.min.js', import.meta.url), 'utf8');
  assert.equal(dropIn.includes('getBuiltinModule'), false);
});
