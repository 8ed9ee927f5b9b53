// Serves the files of a folder for GET and HEAD, never outside it: the harness pages and dist/
// for the scenario server and the test server.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Answers with the file at `pathname` under `folder`; false when there is none to serve. */
export async function serveStaticFile(folder, req, res, pathname) {
  if (!folder || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const root = path.resolve(folder);
  let file;
  try {
    file = path.resolve(root, '.' + decodeURIComponent(pathname));
  } catch {
    return false; // a malformed %-escape
  }
  if (file !== root && !file.startsWith(root + path.sep)) return false;
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const body = await readFile(file);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  } catch {
    return false;
  }
}
