#!/usr/bin/env node
// The scenario server (harness/README.md, "Scenario format"): two HTTP listeners on 127.0.0.1 —
// origins A and B — that answer the 1st, 2nd, … request of each scenario with the scripted
// responses, separately for each run token, and record every request.
//
//   import { loadScenarios, startScenarioServer } from './server.mjs';
//   const scenarios = await loadScenarios('harness/scenarios');      // Map name → scenario
//   const server = await startScenarioServer({ scenarios, staticDir }); // staticDir optional
//   server.streamUrl('basic', 'native-1', 'A')  // → http://127.0.0.1:<portA>/s/native-1/basic
//   server.requests('basic', 'native-1')        // [{ method, origin, path, subpath, headers, cookies, time, closeTime, redirected }]
//   server.addScenario(name, scenario)          // validated like a file
//   server.endRun(run)                          // ends the run's stalled/hanging responses
//   await server.close()
//
// A request record's closeTime is when its response ended or its connection closed (either side),
// null while it is still going: a client that gave up on a delayed or stalled response shows here.
//
// URLs: /s/<run>/<name>[<redirect path>] is the scenario `name` for run `run`; a redirect's path
// is appended to the scenario's URL so that it reaches the same scenario and run.
// /__harness/cookie?value=<cookie> answers with Set-Cookie: <cookie>; Path=/ (used to set the
// client's cookie for origin B). Anything else: a route added with server.route(), else a file
// of staticDir (GET/HEAD), else 404.
//
// Counting: GET (and any other method but OPTIONS and HEAD) requests take the next response.
// OPTIONS (CORS preflight) is answered from the response that comes next, without taking it:
// 204 with its CORS headers plus Access-Control-Allow-Headers: last-event-id. HEAD (e.g. a
// polyfill's no-cors reachability probe) takes no response either: it gets the status and
// headers (a redirect included) of the response the last request to the same origin and path
// got, or of the next response if there was none; no body.
//
// CLI: node harness/server.mjs <scenario dir|file> [--port N] [--port2 N] [--run TOKEN]

import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { checkName, isObject, loadScenarios, validateScenario } from './scenario-format.mjs';
import { serveStaticFile } from './static-files.mjs';

export { loadScenarios, validateScenario };

const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// The server

/** The text of a replayed event: id, event and one data line per line of `data`, then a blank line. */
export function replayEventText({ id, event, data }) {
  let text = id === undefined ? '' : `id: ${id}\n`;
  if (event !== undefined) text += `event: ${event}\n`;
  for (const line of data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

/**
 * The events of an {events} chunk that come after the request's Last-Event-ID (the header's
 * bytes read as UTF-8): those after the last event with that id, or all of them when there is
 * no header or no event has that id; at most `count`.
 */
export function eventsAfter(chunk, lastEventIdHeader) {
  let start = 0;
  if (lastEventIdHeader !== undefined) {
    const id = Buffer.from(lastEventIdHeader, 'latin1').toString('utf8');
    for (let i = chunk.events.length - 1; i >= 0; i--) {
      if (chunk.events[i].id === id) {
        start = i + 1;
        break;
      }
    }
  }
  const rest = chunk.events.slice(start);
  return chunk.count === undefined ? rest : rest.slice(0, chunk.count);
}

/**
 * The event an {echo} chunk writes: `data: ` and the bytes the request's header held, as hex
 * (Node reads header bytes one per character), or `none` without that header; a blank line.
 */
export function echoEventText(value) {
  return `data: ${value === undefined ? 'none' : Buffer.from(value, 'latin1').toString('hex')}\n\n`;
}

function chunkBytes(chunk) {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if ('hex' in chunk) return Buffer.from(chunk.hex.replace(/\s+/g, ''), 'hex');
  return Buffer.from(chunk.repeat.repeat(chunk.times), 'utf8');
}

function parseCookies(header) {
  const cookies = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (name) cookies[name] = part.slice(at + 1).trim();
  }
  return cookies;
}

const runKey = (name, run) => `${run}\u0000${name}`;

/**
 * Starts the two listeners. `scenarios`: a Map (or object) name → scenario; `staticDir`: files
 * served for other GET/HEAD paths; `port`, `port2`: 0 picks free ports.
 */
export async function startScenarioServer({ scenarios = new Map(), staticDir, port = 0, port2 = 0, onRequest } = {}) {
  const table = new Map();
  const entries = scenarios instanceof Map ? scenarios.entries() : Object.entries(scenarios);
  for (const [name, scenario] of entries) table.set(name, scenario);

  const counters = new Map(); // run key → responses taken
  const lastAnswer = new Map(); // run key + origin + path → the response the last request there got
  const logs = new Map(); // run key → requests
  const routes = new Map();
  const sockets = new Set();
  const pending = new Set(); // { run, finish } of responses still running (delays, hang, stall)
  let closed = false;

  const server = {
    originA: '',
    originB: '',
    scenarios: table,
    streamUrl(name, run, origin = 'A') {
      return `${origin === 'B' ? server.originB : server.originA}/s/${encodeURIComponent(run)}/${encodeURIComponent(name)}`;
    },
    requests(name, run) {
      return (logs.get(runKey(name, run)) ?? []).map((request) => ({ ...request, headers: { ...request.headers } }));
    },
    addScenario(name, scenario) {
      checkName(name, 'addScenario');
      try {
        validateScenario(scenario);
      } catch (error) {
        throw new Error(`malformed scenario "${name}": ${error.message}`);
      }
      table.set(name, scenario);
      return server;
    },
    /** Serves `handler(req, res)` at `routePath` (exact path) on both origins. */
    route(routePath, handler) {
      routes.set(routePath, handler);
      return server;
    },
    /** Ends the run's responses that are still delaying, hanging or stalled. */
    endRun(run) {
      for (const item of [...pending]) if (item.run === run) item.finish();
    },
    /** Forgets the counters and request logs of a run (or all runs). */
    reset(run) {
      for (const map of [counters, logs, lastAnswer]) {
        for (const key of [...map.keys()]) if (run === undefined || key.startsWith(`${run}\u0000`)) map.delete(key);
      }
    },
    close,
  };

  const cors = (mode) => {
    if (mode === true) return { 'access-control-allow-origin': server.originA };
    if (mode === 'credentials') return { 'access-control-allow-origin': server.originA, 'access-control-allow-credentials': 'true' };
    if (mode === '*') return { 'access-control-allow-origin': '*' };
    return {};
  };

  function responseAt(scenario, index) {
    let first = 0; // the index of the first request the response answers
    for (const response of scenario.responses) {
      first += response.times ?? 1;
      if (index < first) return response;
    }
    const after = scenario.afterResponses ?? 204;
    if (after === 'repeat-last') return scenario.responses[scenario.responses.length - 1];
    return { status: after, headers: after === 200 ? undefined : {} };
  }

  /** Status and headers (name → value; null: drop an automatic header) of a response. */
  function headersOf(response, { name, run }) {
    let headers;
    let status;
    if (response.redirect) {
      const { redirect } = response;
      status = redirect.status ?? 302;
      const target = `${server.streamUrl(name, run, redirect.origin ?? 'A')}${redirect.path ?? ''}`;
      headers = { ...(response.headers ?? { 'cache-control': 'no-store' }), location: target };
    } else {
      status = response.status ?? 200;
      const defaults = status === 200 ? { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } : {};
      headers = { ...(response.headers ?? defaults) };
    }
    Object.assign(headers, cors(response.cors ?? false));
    return { status, headers };
  }

  function writeHead(res, status, headers) {
    const lower = {};
    for (const [key, value] of Object.entries(headers)) lower[key.toLowerCase()] = value;
    if (lower.date === null) res.sendDate = false;
    for (const [key, value] of Object.entries(lower)) {
      if (value === null) res.removeHeader(key);
      else res.setHeader(key, String(value));
    }
    res.writeHead(status);
  }

  /** Keeps `res` going until `finish()` (the run ends, the server closes) or `until` resolves. */
  function hold(res, run, mode) {
    return new Promise((resolve) => {
      const item = {
        run,
        finish() {
          pending.delete(item);
          if (mode === 'stall') res.destroy();
          else if (!res.destroyed && !res.writableEnded) res.end();
          resolve();
        },
      };
      pending.add(item);
      if (mode === 'hang') {
        if (res.destroyed || res.socket?.destroyed) item.finish();
        else res.on('close', () => item.finish());
      }
      // a stalled response keeps its socket even after the client left: nothing to do here
    });
  }

  const sleep = (ms, run) =>
    new Promise((resolve) => {
      const item = { run, finish: () => { clearTimeout(timer); pending.delete(item); resolve(false); } };
      const timer = setTimeout(() => { pending.delete(item); resolve(true); }, ms);
      pending.add(item);
    });

  const writeOnce = (res, bytes) => new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) return resolve();
    res.write(bytes, () => resolve());
  });

  /**
   * Writes `bytes`; with `trickle`, in pieces of `trickle.bytes`, each but the response's first
   * `trickle.delay` ms after the previous one (`trickle.started` marks that one was written).
   * False when the run or the server ended meanwhile.
   */
  async function write(res, bytes, trickle, run) {
    if (!trickle) {
      await writeOnce(res, bytes);
      return true;
    }
    const size = trickle.bytes ?? 1;
    for (let at = 0; at < bytes.length; at += size) {
      if (trickle.started && trickle.delay && !(await sleep(trickle.delay, run))) return false;
      if (closed || res.destroyed) return true;
      trickle.started = true;
      await writeOnce(res, bytes.subarray(at, at + size));
    }
    return true;
  }

  async function serveScenario(req, res, context) {
    const { scenario, name, run, log } = context;
    const key = runKey(name, run);
    const taken = counters.get(key) ?? 0;
    const counts = req.method !== 'OPTIONS' && req.method !== 'HEAD';
    if (counts) counters.set(key, taken + 1);
    // A HEAD request answers like the last request to the same URL did (a server answers a
    // URL the same way to HEAD and GET), else like the next response.
    const urlKey = `${key}\u0000${log.origin}${log.subpath}`;
    const response = req.method === 'HEAD' ? lastAnswer.get(urlKey) ?? responseAt(scenario, taken) : responseAt(scenario, taken);
    if (counts) lastAnswer.set(urlKey, response);
    log.response = counts ? taken : null;
    log.redirected = counts && Boolean(response.redirect);

    if (req.method === 'OPTIONS') {
      if (response.drop) return void res.socket?.destroy();
      res.writeHead(204, {
        ...cors(response.cors ?? false),
        ...(response.cors ? { 'access-control-allow-headers': 'last-event-id', 'access-control-allow-methods': 'GET' } : {}),
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (response.headersDelay) {
      if (!(await sleep(response.headersDelay, run))) return res.destroy();
      if (closed || res.destroyed || res.socket?.destroyed) return;
    }
    // drop: no response at all, the socket is destroyed (a network error before the headers)
    if (response.drop) return void (res.socket?.destroy() ?? res.destroy());
    const { status, headers } = headersOf(response, context);
    writeHead(res, status, headers);
    if (req.method === 'HEAD' || response.redirect) {
      res.end();
      return;
    }
    res.flushHeaders();
    const trickle = response.trickle && { ...response.trickle, started: false };
    for (const chunk of response.chunks ?? []) {
      if (closed || res.destroyed) return;
      if (isObject(chunk) && 'delay' in chunk) {
        if (!(await sleep(chunk.delay, run))) return res.destroy();
      } else if (isObject(chunk) && 'echo' in chunk) {
        const value = req.headers[chunk.echo.toLowerCase()];
        if (!(await write(res, Buffer.from(echoEventText(value), 'latin1'), trickle, run))) return res.destroy();
      } else if (isObject(chunk) && 'events' in chunk) {
        const events = eventsAfter(chunk, req.headers['last-event-id']);
        for (let i = 0; i < events.length; i++) {
          if (i > 0 && chunk.interval && !(await sleep(chunk.interval, run))) return res.destroy();
          if (closed || res.destroyed) return;
          if (!(await write(res, Buffer.from(replayEventText(events[i]), 'utf8'), trickle, run))) return res.destroy();
        }
      } else if (!(await write(res, chunkBytes(chunk), trickle, run))) {
        return res.destroy();
      }
    }
    if (closed || res.destroyed) return;
    const end = response.end ?? 'close';
    if (end === 'close') res.end();
    // reset: the socket is destroyed with the body unfinished (the chunked encoding never ends),
    // which the client sees as a network error. Not a TCP RST: a RST can make the client's
    // kernel drop bytes it received but the browser had not read yet, a race between runs.
    else if (end === 'reset') res.socket?.destroy() ?? res.destroy();
    else await hold(res, run, end);
  }

  async function serveCookie(req, res, url) {
    const value = url.searchParams.get('value') ?? '';
    const headers = {
      'cache-control': 'no-store',
      'access-control-allow-origin': req.headers.origin ?? server.originA,
      'access-control-allow-credentials': 'true',
    };
    if (/^[^=;\s]+=[^;\r\n]*$/.test(value)) headers['set-cookie'] = `${value}; Path=/; SameSite=Lax`;
    res.writeHead(204, headers);
    res.end();
  }

  const serveStatic = (req, res, pathname) => serveStaticFile(staticDir, req, res, pathname);


  async function handle(req, res, origin) {
    const time = performance.now();
    let url;
    try {
      url = new URL(req.url, 'http://x');
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    const match = /^\/s\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (match) {
      let run;
      let name;
      try {
        run = decodeURIComponent(match[1]);
        name = decodeURIComponent(match[2]);
      } catch {
        res.writeHead(400);
        res.end();
        return;
      }
      const subpath = (match[3] || '/') + url.search;
      const log = {
        method: req.method,
        origin,
        path: req.url,
        subpath,
        headers: { ...req.headers },
        cookies: parseCookies(req.headers.cookie),
        time,
        closeTime: null, // when the response ended or its connection closed, whichever side did it
        redirected: false, // answered with a redirect
      };
      res.once('close', () => (log.closeTime = performance.now()));
      const key = runKey(name, run);
      if (!logs.has(key)) logs.set(key, []);
      logs.get(key).push(log);
      const scenario = table.get(name);
      onRequest?.({ name, run, ...log });
      if (!scenario) {
        res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
        res.end(`no scenario named ${name}\n`);
        return;
      }
      await serveScenario(req, res, { scenario, name, run, log });
      return;
    }
    if (url.pathname === '/__harness/cookie') return serveCookie(req, res, url);
    const route = routes.get(url.pathname);
    if (route) return route(req, res, { origin, url });
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, { 'cache-control': 'max-age=3600' });
      res.end();
      return;
    }
    if (!(await serveStatic(req, res, url.pathname))) {
      res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end('not found\n');
    }
  }

  function listen(listenPort, origin) {
    const srv = http.createServer();
    srv.keepAliveTimeout = 2000;
    srv.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    srv.on('request', (req, res) => {
      res.on('error', () => {});
      req.on('error', () => {});
      handle(req, res, origin).catch((error) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error?.stack ?? error));
        } else res.destroy();
      });
    });
    srv.on('clientError', (error, socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(listenPort, HOST, () => {
        srv.off('error', reject);
        resolve(srv);
      });
    });
  }

  const servers = [];
  try {
    servers.push(await listen(port, 'A'));
    servers.push(await listen(port2, 'B'));
  } catch (error) {
    for (const srv of servers) srv.close();
    throw error;
  }
  server.originA = `http://${HOST}:${servers[0].address().port}`;
  server.originB = `http://${HOST}:${servers[1].address().port}`;

  let closing;
  function close() {
    if (closing) return closing;
    closed = true;
    for (const item of [...pending]) item.finish();
    closing = Promise.all(
      servers.map(
        (srv) =>
          new Promise((resolve) => {
            srv.close(() => resolve());
            srv.closeAllConnections?.();
          }),
      ),
    );
    for (const socket of sockets) socket.destroy();
    return closing;
  }

  return server;
}

// ---------------------------------------------------------------------------------------------
// Command line

async function main(argv) {
  const usage = 'usage: node harness/server.mjs <scenario dir|file> [--port N] [--port2 N] [--run TOKEN] [--quiet]';
  let source;
  let port = 0;
  let port2 = 0;
  let run = 'cli';
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${usage}`);
      return next;
    };
    if (arg === '--port') port = Number(value());
    else if (arg === '--port2') port2 = Number(value());
    else if (arg === '--run') run = value();
    else if (arg === '--quiet') quiet = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(usage);
      return;
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${usage}`);
    else if (source === undefined) source = arg;
    else throw new Error(`one scenario dir or file only\n${usage}`);
  }
  if (source === undefined) throw new Error(usage);
  for (const [flag, n] of [['--port', port], ['--port2', port2]]) {
    if (!(Number.isInteger(n) && n >= 0 && n < 65536)) throw new Error(`${flag}: not a port number`);
  }
  const scenarios = await loadScenarios(source);
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
  const start = performance.now();
  const server = await startScenarioServer({
    scenarios,
    staticDir: root,
    port,
    port2,
    onRequest: quiet
      ? undefined
      : (r) => {
          const extra = ['last-event-id', 'cookie', 'origin']
            .filter((h) => r.headers[h] !== undefined)
            .map((h) => ` ${h}=${JSON.stringify(r.headers[h])}`)
            .join('');
          console.log(`${((r.time - start) / 1000).toFixed(3)}s ${r.origin} ${r.method} ${r.name} [${r.run}] ${r.subpath}${extra}`);
        },
  });
  console.log(`origin A: ${server.originA}`);
  console.log(`origin B: ${server.originB}`);
  console.log(`${scenarios.size} scenario(s), run token "${run}" (each run token has its own response counters):`);
  for (const [name, scenario] of scenarios) {
    console.log(`  ${server.streamUrl(name, run, scenario.client?.origin ?? 'A')}`);
  }
  console.log('Ctrl-C stops.');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exit(2);
  });
}
