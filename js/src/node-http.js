// In Node, the EventSource's requests without a `fetch` option go through node:http(s) instead of
// fetch(): fetch's body is a WHATWG ReadableStream, and reading it costs a promise, a microtask
// and the stream's queue bookkeeping per chunk, more than the parser and the event together when
// a chunk is one event (as a token stream's writes are). Here the response's 'data' events feed
// the parser directly. The request is the one fetch() would send: the same headers, redirects
// followed as fetch follows them (Authorization dropped across origins), and the body decoded as
// fetch decodes it (gzip, deflate, br, flushed as each piece arrives).
// Only where this can be exactly fetch's request: Node itself (not Deno or Bun, whose node:http
// is not faster), GET without a body, http: and https:, and no undici dispatcher the application
// set for fetch (a proxy, a mock agent). Everything else keeps fetch().

/** This build has the transport (./node-http-portable.js, which builds without it use, has not). */
export const HAS_NODE_HTTP = true;

// (Reads of globals are side effects to bundlers; in a call marked pure, a bundle that never uses
// the EventSource drops them with it, as it drops each top-level value of the EventSource's
// modules. A named function: minifiers unwrap an arrow called at once, and its mark with it.)
function nodeBuiltins() {
  const getBuiltinModule = globalThis.process?.getBuiltinModule;
  const isNode =
    typeof getBuiltinModule === 'function' &&
    globalThis.process?.release?.name === 'node' &&
    globalThis.Deno === undefined &&
    globalThis.Bun === undefined;
  return isNode ? getBuiltinModule : null;
}
/** process.getBuiltinModule in Node itself; null elsewhere (Deno, Bun, browsers). */
const getBuiltinModule = /* @__PURE__ */ nodeBuiltins();

const MAX_REDIRECTS = 20; // fetch's
// The Fetch standard's bad ports: fetch() refuses a request to one ("bad port"), redirected
// there or not.
const BAD_PORTS = /* @__PURE__ */ new Set(
  /* @__PURE__ */ [1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
   111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
   540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
   6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080].map(String),
);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_CODINGS = 5; // undici's

// The headers fetch() adds to a GET of cache mode no-store (Node 20's undici), each unless the
// request has it already.
const FETCH_HEADERS = [
  ['accept-language', '*'],
  ['sec-fetch-mode', 'cors'],
  ['user-agent', 'node'],
  ['pragma', 'no-cache'],
  ['cache-control', 'no-cache'],
  ['accept-encoding', 'gzip, deflate'],
];

// An undici dispatcher the application installed for fetch() (a proxy, a mock agent): then fetch
// must carry the request. (Node's own fetch installs a plain Agent on first use.)
function applicationDispatcher() {
  const dispatcher = globalThis[Symbol.for('undici.globalDispatcher.1')];
  return dispatcher !== undefined && dispatcher?.constructor?.name !== 'Agent';
}

// Marks the bodies of nodeGet()'s responses (a custom fetch's body is never one).
const NODE_BODY = Symbol('node:http body');

/** Whether `body` is the body of a nodeGet() response: a Node stream, for readNodeStream(). */
export const isNodeBody = (body) => body?.[NODE_BODY] === true;

/** Whether this request can go through node:http(s). */
export function useNodeHttp(url, method, body) {
  if (getBuiltinModule === null || body !== undefined || (method !== undefined && method.toUpperCase() !== 'GET')) return false;
  const { protocol } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && !applicationDispatcher();
}

/** Whether fetch() would refuse these headers before sending anything (as node:http does). */
export function refusedByNodeHttp(error) {
  return error?.code === 'ERR_INVALID_CHAR' || error?.code === 'ERR_INVALID_HTTP_TOKEN';
}

function abortError(signal) {
  const reason = signal.reason;
  return reason instanceof Error && reason.name === 'AbortError'
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}

// A response's header as fetch's Headers#get gives it: every value of the name, joined by ", ".
function headerOf(rawHeaders, name) {
  let value = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === name.length && rawHeaders[i].toLowerCase() === name) {
      value = value === null ? rawHeaders[i + 1] : `${value}, ${rawHeaders[i + 1]}`;
    }
  }
  return value;
}

// fetch's decoders for the response's Content-Encoding, last coding first; none for a coding
// it does not know (the body then comes as it is, as with fetch).
function decoders(contentEncoding) {
  if (contentEncoding === null) return [];
  const zlib = getBuiltinModule('node:zlib');
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > MAX_CODINGS) throw new Error(`too many content-encodings in response: ${codings.length}`);
  const sync = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const streams = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i].trim();
    if (coding === 'gzip' || coding === 'x-gzip') {
      streams.push(zlib.createGunzip(sync));
    } else if (coding === 'deflate') {
      streams.push(inflate(zlib, sync));
    } else if (coding === 'br') {
      const flush = zlib.constants.BROTLI_OPERATION_FLUSH;
      streams.push(zlib.createBrotliDecompress({ flush, finishFlush: flush }));
    } else {
      return [];
    }
  }
  return streams;
}

// `deflate` is zlib-wrapped by the standard but raw from some servers: told apart by the first
// byte, as undici does (a zlib header's low nibble is 8, the deflate method).
function inflate(zlib, options) {
  const { Transform } = getBuiltinModule('node:stream');
  let inner = null;
  return new Transform({
    transform(chunk, encoding, done) {
      if (inner === null) {
        inner = (chunk[0] & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
        inner.on('data', (data) => this.push(data));
        inner.on('error', (error) => this.destroy(error));
      }
      inner.write(chunk, encoding, done);
    },
    flush(done) {
      if (inner === null) return done();
      inner.end();
      inner.once('end', done);
    },
  });
}

/**
 * GETs `url` as fetch(url, { headers, cache: 'no-store', redirect: 'follow', signal }) would;
 * resolves to { status, url, redirected, headers: { get(name) }, body } where `body` is
 * { stream, cancel() } (isNodeBody):
 * `stream` a Node stream of the decoded bytes. Rejects as fetch rejects: a TypeError for a
 * network error, the signal's AbortError, or node:http's own TypeError for headers it refuses
 * (refusedByNodeHttp). Aborting the signal later ends the body with that AbortError.
 */
export function nodeGet(url, headers, signal) {
  const sent = { ...headers };
  const given = new Set(Object.keys(sent).map((name) => name.toLowerCase()));
  for (const [name, value] of FETCH_HEADERS) if (!given.has(name)) sent[name] = value;
  return new Promise((resolve, reject) => {
    let current = new URL(url);
    let redirects = 0;
    let settled = false;
    let request = null;
    let stream = null; // the body, once the response came
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      fn(value);
    };
    const onAbort = () => {
      const error = abortError(signal);
      request?.destroy();
      stream?.destroy(error);
      settle(reject, error);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    const done = () => signal.removeEventListener('abort', onAbort);
    const fail = (cause) => {
      done();
      settle(reject, new TypeError('fetch failed', { cause }));
    };

    const send = () => {
      if (BAD_PORTS.has(current.port)) return fail(new Error('bad port'));
      const client = getBuiltinModule(current.protocol === 'https:' ? 'node:https' : 'node:http');
      request = client.request(current, { method: 'GET', headers: sent }); // (throws on bad headers)
      request.on('error', fail);
      request.on('response', (response) => {
        const { statusCode: status, rawHeaders } = response;
        const location = REDIRECTS.has(status) ? headerOf(rawHeaders, 'location') : null;
        if (location !== null) {
          response.resume(); // (the socket goes back to the pool)
          let next;
          try {
            next = new URL(location, current);
          } catch (error) {
            return fail(error);
          }
          if ((next.protocol !== 'http:' && next.protocol !== 'https:') || ++redirects > MAX_REDIRECTS) {
            return fail(new Error(`redirect to ${next.href} refused`));
          }
          // The Fetch standard: a redirect to another origin drops Authorization.
          if (next.origin !== current.origin) {
            for (const name of Object.keys(sent)) if (name.toLowerCase() === 'authorization') delete sent[name];
          }
          current = next;
          return send();
        }
        stream = response;
        try {
          for (const step of decoders(headerOf(rawHeaders, 'content-encoding'))) {
            stream.on('error', (error) => step.destroy(error));
            stream = stream.pipe(step);
          }
        } catch (error) {
          response.destroy();
          return fail(error);
        }
        stream.once('close', done);
        const finalUrl = new URL(current.href);
        finalUrl.hash = '';
        settle(resolve, {
          status,
          url: finalUrl.href,
          redirected: redirects > 0,
          headers: { get: (name) => headerOf(rawHeaders, String(name).toLowerCase()) },
          body: {
            [NODE_BODY]: true,
            stream,
            cancel() {
              done();
              request.destroy();
              stream.destroy();
            },
          },
        });
      });
      request.end();
    };
    try {
      send();
    } catch (error) {
      done();
      settle(reject, error);
    }
  });
}

/**
 * Reads a body of nodeGet() into `onChunk` (which returns false to stop: the body is then
 * cancelled) until it ends; resolves to {} at its end, to { error } when it failed, and to
 * { stopped: true } when onChunk stopped it.
 */
export function readNodeStream(body, onChunk) {
  const { stream } = body;
  return new Promise((resolve) => {
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      stream.off('data', onData);
      resolve(result);
    };
    const onData = (chunk) => {
      if (done || onChunk(chunk)) return;
      body.cancel();
      finish({ stopped: true });
    };
    stream.on('data', onData);
    stream.once('end', () => finish({}));
    stream.once('error', (error) => finish({ error }));
    // (A connection that drops mid-body closes the stream with an error, or without 'end'.)
    stream.once('close', () => finish({ error: new TypeError('terminated', { cause: new Error('the connection closed before the body ended') }) }));
  });
}
