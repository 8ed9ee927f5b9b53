// Load in Node: 1 000 EventSources of the package open at once in one process (a child,
// fixtures/load-clients.mjs, with Node's default fetch: nothing configured) against one local
// server. Once all are open the server broadcasts 20 events to every stream; every source must
// receive every event exactly once and in order, with its id. Then all close, and the server must
// see every socket closed. Prints the times and the child's peak RSS.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { runChild } from '../support/child.mjs';
import { sseHeaders, startServer } from '../support/sse-server.mjs';
import { MiB, mib } from '../support/wasm-memory.mjs';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'load-clients.mjs');
const SOURCES = Number(process.env.LOAD_SOURCES ?? 1000);
const EVENTS = 20;

let server;
const responses = [];
const sockets = new Set(); // the sockets that carried a /load request, until they close
let requests = 0;

before(async () => {
  server = await startServer();
  server.route('/load', (req, res) => {
    requests++;
    if (!sockets.has(req.socket)) {
      sockets.add(req.socket);
      req.socket.once('close', () => sockets.delete(req.socket));
    }
    res.writeHead(200, sseHeaders());
    res.flushHeaders();
    responses.push(res);
  });
});

after(() => server?.close());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function broadcast() {
  for (let n = 0; n < EVENTS; n++) {
    for (const res of responses) res.write(`id: ${n}\ndata: event ${n} for everyone\n\n`);
    await tick(); // one event per chunk
  }
}

test(`Node: ${SOURCES} concurrent EventSources, ${EVENTS} events broadcast to each`, { timeout: 90_000 }, async (t) => {
  const started = performance.now();
  let serverClose;
  const { result } = await runChild(FIXTURE, ['--url', `${server.url}/load`, '--count', String(SOURCES), '--events', String(EVENTS)], {
    async onMessage(message, child) {
      if (message.type === 'opened') {
        t.diagnostic(`${message.opened}/${SOURCES} open after ${message.ms} ms; the server holds ${responses.length} streams`);
        if (message.opened === SOURCES) await broadcast();
      } else if (message.type === 'closed') {
        const closing = performance.now();
        for (let waited = 0; sockets.size > 0 && waited < 10_000; waited += 5) await sleep(5);
        serverClose = Math.round(performance.now() - closing);
        child.send({ openSockets: sockets.size });
      }
    },
  });
  const total = Math.round(performance.now() - started);
  t.diagnostic(
    `${SOURCES} sources: all open in ${result.openedMs} ms, ${EVENTS} events to each delivered in ${result.broadcastMs} ms, ` +
      `server saw every socket closed ${serverClose} ms after close(); ${total} ms in all`,
  );
  t.diagnostic(
    `client process: peak RSS ${mib(result.maxRSS)} MiB (sampled ${mib(result.peakRss)} MiB), ` +
      `peak heapUsed ${mib(result.peakHeap)} MiB, wasm memory ${mib(result.wasmMemoryBytes)} MiB; ` +
      `server: ${requests} requests on ${requests === SOURCES ? 'as many' : 'some'} sockets`,
  );
  if (result.errorCount) t.diagnostic(`error events: ${JSON.stringify(result.errors)}`);

  assert.equal(result.opened, SOURCES, 'every source opened');
  assert.equal(result.errorCount, 0, `error events: ${JSON.stringify(result.errors)}`);
  assert.equal(requests, SOURCES, 'one request per source');
  assert.deepEqual(result.readyStates, { 1: SOURCES }, 'every source was OPEN before close()');
  assert.equal(result.complete, SOURCES, 'every source received every event');
  assert.equal(result.mismatchCount, 0, `sources with a wrong sequence: ${JSON.stringify(result.mismatches)}`);
  assert.equal(result.openSockets, 0, 'the server saw every socket closed');
  // Generous bounds: ~150 MB is typical for 1000 streams.
  assert.ok(result.maxRSS < 400 * MiB, `peak RSS ${mib(result.maxRSS)} MiB`);
  assert.ok(result.wasmMemoryBytes <= 4 * MiB, `wasm memory ${mib(result.wasmMemoryBytes)} MiB`);
});
