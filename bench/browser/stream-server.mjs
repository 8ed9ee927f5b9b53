// The browser benchmark's loopback server: the pages, the drop-in script, the parser alone, and
// one stream per run (/stream/<run id>). A second request for the same run would be a
// reconnection: it gets 204 (which ends an EventSource for good) and fails the run.
import { createServer } from 'node:http';

import { serveStaticFile } from '../../harness/static-files.mjs';
import { drained } from '../../tests/support/sse-server.mjs';
import { PAGES, PARSER_ALONE, SCRIPT } from './page.mjs';

/**
 * Starts the server on 127.0.0.1, serving the script from `dist` and the parser alone from
 * `wasmDir` (build/wasm). `addRun(id, stream)` makes /stream/<id> send `stream` (buildStream) and
 * returns the run's record: { requests, sent, finished }; `removeRun(id)` forgets it.
 */
export async function startStreamServer(dist, wasmDir) {
  const runs = new Map(); // run id -> { stream, requests, sent, finished }

  async function handle(req, res) {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (PAGES[pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGES[pathname]);
      return;
    }
    if (pathname === `/dist/${SCRIPT}` && (await serveStaticFile(dist, req, res, `/${SCRIPT}`))) return;
    if (pathname === PARSER_ALONE && (await serveStaticFile(wasmDir, req, res, PARSER_ALONE))) return;
    const run = pathname.startsWith('/stream/') ? runs.get(pathname.slice('/stream/'.length)) : undefined;
    if (!run) {
      res.writeHead(404).end();
      return;
    }
    if (++run.requests > 1) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.flushHeaders();
    let closed = false;
    res.on('close', () => (closed = true));
    // As fast as the socket takes them: write, and wait for 'drain' when the buffer is full; a
    // paced stream also yields to the event loop between writes, so that each is a write of its own.
    for (const chunk of run.stream.chunks) {
      if (closed) return;
      run.sent += chunk.length;
      if (!res.write(chunk)) await drained(res);
      else if (run.stream.paced) await new Promise(setImmediate);
    }
    run.finished = true; // and keep the response open: the page closes the source
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(error);
      res.destroy();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    addRun(id, stream) {
      const run = { stream, requests: 0, sent: 0, finished: false };
      runs.set(id, run);
      return run;
    },
    removeRun(id) {
      runs.delete(id);
    },
    close() {
      server.close();
    },
  };
}
