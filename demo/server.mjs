// `npm start`: the seed document's demo, served with both EventSources side by side.
//   GET /            the page (demo/index.html, demo/app.js, the drop-in script from dist/)
//   GET /sse         the seed's stream: a ping every second, a message every 1-10 s
//   POST /cut        drops every open /sse connection (both columns then reconnect)
// Options: --port N (default 8000; 0 picks a free one), --host H (default 127.0.0.1).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startSeedEvents } from './seed-events.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: { port: { type: 'string', default: '8000' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(options.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo: --port takes a number from 0 to 65535, not ${options.port}`);
  process.exit(2);
}

const files = {
  '/': ['demo/index.html', 'text/html; charset=utf-8'],
  '/app.js': ['demo/app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['demo/style.css', 'text/css; charset=utf-8'],
  '/wasm-eventsource.js': ['dist/wasm-eventsource.js', 'text/javascript; charset=utf-8'],
};
const streams = new Set();

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path === '/sse' && req.method === 'GET') {
    res.writeHead(200, { 'Cache-Control': 'no-store', 'Content-Type': 'text/event-stream' });
    const stop = startSeedEvents((chunk) => res.write(chunk));
    streams.add(res);
    // The seed's `if (connection_aborted()) break;`: stop when the client goes away.
    res.on('close', () => {
      stop();
      streams.delete(res);
    });
    return;
  }
  if (path === '/cut' && req.method === 'POST') {
    const count = streams.size;
    for (const stream of streams) stream.socket?.destroy();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ cut: count }));
    return;
  }
  const file = files[path];
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  try {
    const body = await readFile(join(root, file[0]));
    res.writeHead(200, {
      'Content-Type': file[1],
      'Cache-Control': 'no-store',
      // The polyfill needs no 'unsafe-eval' and no inline script: the demo proves it.
      'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:",
    });
    res.end(body);
  } catch {
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`missing ${file[0]}: run npm run build\n`);
  }
});

server.listen(port, options.host, () => {
  const { port: actual } = server.address();
  console.log(`Demo: http://${options.host}:${actual}/ (Ctrl-C stops it)`);
});

function shutdown() {
  for (const stream of streams) stream.destroy();
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
