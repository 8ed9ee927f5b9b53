#!/usr/bin/env node
// Endpoint checker: connects once to a server-sent events URL, like a browser's EventSource would
// (Accept: text/event-stream, Cache-Control: no-cache), reads it for a while and reports, one line
// per check with a verdict (✓ pass, ⚠ warn, ✗ fail): status, Content-Type and charset, caching,
// proxy-buffering hints, CORS, time to first byte and first event, incremental delivery vs
// buffering, the heartbeat, id and retry use, and parse errors or oddities in the stream.
//
//   wasm-eventsource check <url> [--duration ms] [--heartbeat-max ms] [--origin https://page.example]
//                                [--header 'Name: value' …] [--last-event-id X] [--json] [--verbose]
//   (in this repository: npm run check -- <url> …, or node harness/check.mjs <url> …)
//
// Exit code: 0 when nothing failed, 1 when a check failed (a stream that delivers no event
// fails), 2 for a usage error or an unreachable URL.
// The verdict rules are in harness/check-rules.mjs, the byte scan in harness/check-scan.mjs; the
// events are parsed by the WebAssembly parser of the package wasm-eventsource (harness/core.mjs).

import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { StreamScanner } from './check-scan.mjs';
import { evaluate, ms, summarize } from './check-rules.mjs';
import { loadCore } from './core.mjs';

export const USAGE = `usage: wasm-eventsource check <url> [options]

Connects once to an SSE endpoint and checks what a browser's EventSource would get.

options:
  --duration <ms>        how long to read the stream once the headers are in (default 30000; it stops
                         earlier if the server ends it; connecting may take up to max(duration, 10 s))
  --heartbeat-max <ms>   longest acceptable silence between two received bytes (default 15000: the
                         standard suggests a comment every 15 seconds or so against proxy timeouts)
  --origin <origin>      the page's origin, e.g. https://page.example: sent as Origin to check CORS
  --header 'Name: value' an extra request header (repeatable)
  --last-event-id <id>   sent as Last-Event-ID, as on a reconnection
  --json                 print the results as JSON
  --verbose              also print how each check decides (its rule)
  --help                 this text

exit code: 0 nothing failed, 1 a check failed, 2 usage error or unreachable URL`;

const MAX_REDIRECTS = 20;
const CONNECT_TIMEOUT_MS = 10000;
const SNIPPET_BYTES = 200;
const SYMBOLS = { pass: '✓', warn: '⚠', fail: '✗' };

export class UsageError extends Error {}
export class UnreachableError extends Error {}

function positiveInt(name, value) {
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  if (!/^[0-9]+$/.test(value) || Number(value) <= 0) throw new UsageError(`${name} must be a positive number of milliseconds, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** Parses the command line (without `node` and the script) into options; throws UsageError. */
export function parseArgs(argv) {
  const options = { url: undefined, duration: 30000, heartbeatMax: 15000, origin: undefined, headers: [], lastEventId: undefined, json: false, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    if (arg.startsWith('--') && arg.includes('=')) {
      inline = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--duration':
        options.duration = positiveInt(arg, value());
        break;
      case '--heartbeat-max':
        options.heartbeatMax = positiveInt(arg, value());
        break;
      case '--origin': {
        const raw = value();
        let origin;
        try {
          origin = new URL(raw).origin;
        } catch {
          throw new UsageError(`--origin must be an origin such as https://page.example, not ${JSON.stringify(raw)}`);
        }
        if (origin === 'null') throw new UsageError(`--origin must be an http(s) origin, not ${JSON.stringify(raw)}`);
        options.origin = origin;
        break;
      }
      case '--header': {
        const raw = value();
        const colon = raw.indexOf(':');
        const name = colon === -1 ? '' : raw.slice(0, colon).trim();
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`--header must look like 'Name: value', not ${JSON.stringify(raw)}`);
        options.headers.push([name, raw.slice(colon + 1).trim()]);
        break;
      }
      case '--last-event-id':
        options.lastEventId = value();
        break;
      case '--json':
      case '--verbose':
        if (inline !== undefined) throw new UsageError(`${arg} takes no value`);
        options[arg.slice(2)] = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (options.url !== undefined) throw new UsageError(`one URL only (got ${options.url} and ${arg})`);
        options.url = arg;
    }
  }
  if (options.help) return options;
  if (options.url === undefined) throw new UsageError('missing the URL to check');
  let url;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`not a URL: ${JSON.stringify(options.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`only http: and https: URLs can be checked, not ${url.protocol}`);
  options.url = url.href;
  return options;
}

function describeNetworkError(error, url) {
  const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  const reasons = {
    ECONNREFUSED: 'connection refused (nothing listens there)',
    ENOTFOUND: 'host not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed (temporary)',
    ECONNRESET: 'connection reset by the server',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  const why = reasons[error.code] ?? error.message;
  return `cannot reach ${url.href} (${target}): ${why}${error.code && !reasons[error.code] ? ` [${error.code}]` : ''}`;
}

/** One GET; resolves `{ req, res }` once the response headers are in, or `{ req, res: null }` at the deadline. */
function request(url, headers, deadline) {
  const timeout = Math.max(0, deadline - performance.now());
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, { method: 'GET', headers, agent: false });
    let connected = false;
    const timer = setTimeout(() => {
      if (!connected) {
        req.destroy();
        reject(new UnreachableError(`cannot reach ${url.href}: no connection within ${ms(timeout)}`));
        return;
      }
      resolve({ req, res: null });
    }, timeout);
    req.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve({ req, res });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(new UnreachableError(describeNetworkError(error, url)));
    });
    req.end();
  });
}

function decoderFor(encoding) {
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      return zlib.createInflate(flush);
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    default:
      return null;
  }
}

async function loadParser() {
  try {
    return loadCore().createParser;
  } catch (error) {
    throw new Error(`cannot load the parser: ${error.message}`);
  }
}

/**
 * Connects (following redirects), reads the stream until `duration` has passed or the server
 * ends it, and returns what it observed (the input of check-rules.mjs's `evaluate`).
 * Throws UnreachableError when no connection could be made.
 */
export async function observe(options) {
  const createParser = await loadParser();
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  // Connecting and waiting for the headers may take the duration, or 10 s when that is shorter;
  // the stream is then read for the duration from the headers on.
  const headersDeadline = t0 + Math.max(options.duration, CONNECT_TIMEOUT_MS);
  let deadline;
  const redirects = [];
  let url = new URL(options.url);
  let tainted = false;
  let req;
  let res;
  for (;;) {
    const headers = {
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': 'wasm-eventsource-check',
    };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    if (options.origin) headers.origin = tainted ? 'null' : options.origin;
    for (const [name, value] of options.headers) headers[name.toLowerCase()] = value;
    let answer;
    try {
      answer = await request(url, headers, headersDeadline);
    } catch (error) {
      if (redirects.length && error instanceof UnreachableError) {
        error.message += ` (after ${redirects.map((r) => `${r.status} → ${r.to}`).join(', ')})`;
      }
      throw error;
    }
    ({ req, res } = answer);
    const location = res?.headers.location;
    if (!res || ![301, 302, 303, 307, 308].includes(res.statusCode) || location === undefined || redirects.length >= MAX_REDIRECTS) break;
    let next;
    try {
      next = new URL(location, url);
    } catch {
      break;
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') break;
    const crossOrigin = next.origin !== url.origin;
    if (options.origin && crossOrigin && url.origin !== options.origin) tainted = true;
    redirects.push({ status: res.statusCode, from: url.href, to: next.href, crossOrigin });
    res.resume();
    req.destroy();
    url = next;
  }

  const obs = {
    url: options.url,
    finalUrl: url.href,
    redirects,
    options: { duration: options.duration, heartbeatMax: options.heartbeatMax, origin: options.origin, lastEventId: options.lastEventId },
    requestOrigin: options.origin ? (tainted ? 'null' : options.origin) : null,
    response: null,
    reads: [],
    events: [],
    ids: [],
    comments: [],
    retries: [],
    parserErrors: [],
    decodeError: undefined,
    scan: new StreamScanner(),
    unfinished: null,
    end: null,
    bodySnippet: undefined,
  };
  if (!res) {
    obs.response = { status: 0, statusText: '', headers: {}, tHeaders: null, httpVersion: null };
    obs.end = { how: 'timeout', t: at() };
    req.destroy();
    return obs;
  }
  obs.response = {
    status: res.statusCode,
    statusText: res.statusMessage,
    headers: res.headers,
    httpVersion: res.httpVersion,
    tHeaders: at(),
  };
  deadline = t0 + obs.response.tHeaders + options.duration;

  if (res.statusCode !== 200) {
    // Only a snippet of the body, to show in the status line.
    const chunks = [];
    let size = 0;
    await new Promise((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(stop, Math.min(1000, Math.max(0, deadline - performance.now())));
      res.on('data', (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= SNIPPET_BYTES) stop();
      });
      res.on('end', stop);
      res.on('close', stop);
      res.on('error', stop);
    });
    req.destroy();
    const text = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
    if (text) obs.bodySnippet = text + (size > SNIPPET_BYTES ? '…' : '');
    obs.end = { how: 'timeout', t: at() };
    return obs;
  }

  let currentT = 0;
  let parserDead = false;
  const parser = createParser({
    onEvent: (event) => {
      let replacements = 0;
      for (const ch of event.data) if (ch === '\ufffd') replacements++;
      obs.events.push({ t: currentT, type: event.event ?? 'message', id: event.id, dataLength: event.data.length, replacements });
    },
    onId: (id) => {
      if (obs.ids.length < 1000) obs.ids.push(id);
    },
    onRetry: (value) => obs.retries.push({ t: currentT, value }),
    onComment: () => obs.comments.push({ t: currentT }),
    // (Unknown fields and ignored retries: the scan reports them, with their lines.)
    onError: (error) => {
      if (error.type !== 'unknown-field' && error.type !== 'invalid-retry') obs.parserErrors.push({ message: error.message, type: error.type });
    },
    maxBufferSize: 64 * 1024 * 1024,
  });
  let done = false;
  const consume = (chunk, t) => {
    if (done) return; // (a read after the end: the parser is disposed)
    currentT = t;
    obs.scan.push(chunk);
    if (parserDead) return;
    try {
      parser.feed(chunk);
    } catch (error) {
      parserDead = true;
      if (obs.parserErrors.length === 0) obs.parserErrors.push({ message: error.message, type: 'exception' });
    }
  };

  await new Promise((resolve) => {
    const decoder = decoderFor(res.headers['content-encoding']);
    const finish = (how, error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      obs.end = { how, t: at(), ...(error ? { error } : {}) };
      if (how === 'end') obs.unfinished = obs.scan.finish();
      req.destroy();
      decoder?.destroy();
      resolve();
    };
    const timer = setTimeout(() => finish('timeout'), Math.max(0, deadline - performance.now()));
    res.on('data', (chunk) => {
      const t = at();
      obs.reads.push({ t, bytes: chunk.length });
      if (!decoder) consume(chunk, t);
    });
    if (decoder) {
      res.pipe(decoder);
      decoder.on('data', (chunk) => consume(chunk, at()));
      decoder.on('error', (error) => {
        obs.decodeError = error.message;
        finish('reset', `content decoding failed: ${error.message}`);
      });
      decoder.on('end', () => finish(res.complete ? 'end' : 'reset'));
    } else {
      res.on('end', () => finish('end'));
    }
    res.on('error', (error) => finish('reset', error.code === 'ECONNRESET' || error.message === 'aborted' ? 'connection reset' : error.message));
    res.on('close', () => {
      if (!res.complete) finish('reset', 'connection closed mid-response');
      else if (!decoder) finish('end');
    });
  });
  try {
    parser.dispose();
  } catch {
    // already unusable
  }
  return obs;
}

/** Runs the checker: `{ url, finalUrl, redirects, options, response, stats, checks, summary, exitCode }`. */
export async function check(options) {
  const obs = await observe(options);
  const checks =
    obs.response.status === 0
      ? [{ id: 'status', title: 'HTTP status', verdict: 'fail', message: `connected, but no response headers within ${ms(Math.max(options.duration, CONNECT_TIMEOUT_MS))}: EventSource stays CONNECTING — send the headers right away (a buffering proxy holds them too: behind nginx, send X-Accel-Buffering: no)` }]
      : evaluate(obs);
  const summary = summarize(checks);
  return {
    url: obs.url,
    finalUrl: obs.finalUrl,
    redirects: obs.redirects,
    options: { ...obs.options, headers: Object.fromEntries(options.headers) },
    response: {
      status: obs.response.status,
      statusText: obs.response.statusText,
      httpVersion: obs.response.httpVersion,
      headers: obs.response.headers,
      headersAfterMs: obs.response.tHeaders === null ? null : Math.round(obs.response.tHeaders),
    },
    stats: {
      durationMs: Math.round(obs.end.t),
      ended: obs.end.how,
      bytes: obs.scan.bytes,
      reads: obs.reads.length,
      events: obs.events.length,
      comments: obs.comments.length,
      retries: obs.retries.map((r) => r.value),
      eventTimesMs: obs.events.slice(0, 1000).map((e) => Math.round(e.t)),
    },
    checks: options.verbose ? checks : checks.map(({ rule, ...check }) => check),
    summary,
    exitCode: summary.failed > 0 ? 1 : 0,
  };
}

/** The human-readable report. */
export function formatText(result) {
  const width = Math.max(...result.checks.map((c) => c.title.length));
  const lines = [`checking ${result.url}  (for up to ${ms(result.options.duration)}, heartbeat max ${ms(result.options.heartbeatMax)})`];
  for (const c of result.checks) {
    lines.push(`${SYMBOLS[c.verdict]} ${c.title.padEnd(width)}  ${c.message}`);
    if (c.rule) lines.push(`  ${' '.repeat(width)}  rule: ${c.rule}`); // (--verbose only)
  }
  const { passed, warnings, failed } = result.summary;
  lines.push(`${passed} passed, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}, ${failed} failed`);
  return lines.join('\n');
}

function write(stream, text) {
  return new Promise((resolve) => stream.write(`${text}\n`, resolve));
}

export async function main(argv = process.argv.slice(2)) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    await write(process.stderr, `check: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    await write(process.stdout, USAGE);
    return 0;
  }
  let result;
  try {
    result = await check(options);
  } catch (error) {
    const message = error instanceof UnreachableError ? error.message : `check failed: ${error.message}`;
    if (options.json) await write(process.stdout, JSON.stringify({ url: options.url, error: message, exitCode: 2 }, null, 2));
    await write(process.stderr, `✗ ${message}`);
    return 2;
  }
  await write(process.stdout, options.json ? JSON.stringify(result, null, 2) : formatText(result));
  return result.exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main());
}
