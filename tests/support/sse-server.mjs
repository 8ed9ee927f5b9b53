// A small scriptable HTTP server for the tests: two listeners on 127.0.0.1 (two origins) that
// share the same routes, record every request, and optionally serve static files.
//
//   const server = await startServer({ staticDir });
//   server.route('/stream', (req, res, ctx) => { res.writeHead(200, sseHeaders()); res.end('data: x\n\n'); });
//   new EventSource(server.url + '/stream');
//   ...
//   await server.close();

import http from 'node:http';
import { performance } from 'node:perf_hooks';

import { serveStaticFile } from '../../harness/static-files.mjs';


/** Headers of an event stream response, plus `extra`. */
export function sseHeaders(extra = {}) {
  return { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...extra };
}

/** Resolves when `res` drains its buffer, or closes (the client went away meanwhile). */
export function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `chunks` (string | Buffer | { delay: ms }) in order; stops early if the socket closed. */
export async function writeChunks(res, chunks) {
  for (const chunk of chunks) {
    if (res.destroyed || res.writableEnded) return;
    if (chunk && typeof chunk === 'object' && !Buffer.isBuffer(chunk) && !(chunk instanceof Uint8Array)) {
      await sleep(chunk.delay ?? 0);
    } else {
      res.write(chunk);
    }
  }
}

export async function startServer({ staticDir } = {}) {
  const routes = new Map();
  const counters = new Map();
  const requests = [];
  const sockets = new Set();

  const server = {
    url: '',
    url2: '',
    requests,
    route(routePath, handler) {
      routes.set(routePath, handler);
      return server;
    },
    requestsTo(routePath) {
      return requests.filter((r) => r.path === routePath);
    },
    clear() {
      requests.length = 0;
      counters.clear();
    },
    close,
  };

  const serveStatic = (req, res, pathname) => serveStaticFile(staticDir, req, res, pathname);


  async function onRequest(req, res, port) {
    const url = new URL(req.url, `http://${req.headers.host ?? '127.0.0.1'}`);
    const pathname = url.pathname;
    const requestIndex = counters.get(pathname) ?? 0;
    counters.set(pathname, requestIndex + 1);
    requests.push({
      method: req.method,
      path: pathname,
      url: req.url,
      headers: { ...req.headers },
      time: performance.now(),
      port,
    });
    try {
      const handler = routes.get(pathname);
      if (handler) {
        await handler(req, res, { requestIndex, server });
      } else if (!(await serveStatic(req, res, pathname))) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
      }
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error?.stack ?? error));
      } else {
        res.destroy();
      }
    }
  }

  function listen() {
    const srv = http.createServer();
    srv.keepAliveTimeout = 1000;
    srv.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.on('request', (req, res) => onRequest(req, res, port));
        resolve(srv);
      });
    });
  }

  const servers = [await listen(), await listen()];
  server.url = `http://127.0.0.1:${servers[0].address().port}`;
  server.url2 = `http://127.0.0.1:${servers[1].address().port}`;

  let closing;
  function close() {
    closing ??= Promise.all(
      servers.map((srv) => new Promise((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections?.();
      })),
    ).then(() => {
      for (const socket of sockets) socket.destroy();
    });
    for (const socket of sockets) socket.destroy();
    return closing;
  }

  return server;
}
