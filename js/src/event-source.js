// WasmEventSource: the browser's EventSource (WHATWG HTML §9.2) over fetch(), with the parser in
// WebAssembly. Default behaviour follows the standard and Chromium; the extensions in the second
// argument are opt-in.
import { checkInit } from './event-source-options.js';
import { createMessageEvent } from './message-event.js';
import { HAS_NODE_HTTP, isNodeBody, nodeGet, readNodeStream, useNodeHttp } from './node-http.js';
import {
  ERROR,
  EVENT,
  ID,
  ID_BUFFER,
  RECORD_WORDS,
  RETRY,
  Session,
  TYPE,
  bufferSourceBytes,
  describeValue,
  eventTypeSetAt,
  kindAt,
  releaseBatch,
  retryAt,
  textAt,
} from './session.js';
import { EventTargetBase, platformCallsHandlerProperties } from './event-target.js';
import { eventIterator } from './event-iterator.js';
import { memorySize } from './wasm.js';
// (Last: bundles then keep these helpers where they were when they lived in this file, which
// gzip compresses best: moved first, the drop-in grew by 186 bytes gzip.)
import {
  FETCHED_SCHEMES,
  bodyProblem,
  cancelQuietly,
  checkHeaders,
  checkResponse,
  lastEventIdHeader,
  mimeEssence,
  parseEventSourceUrl,
  refusedArguments,
  retryAfterMs,
  windowStops,
} from './event-source-request.js';
import { INVALID_BODY, errorEvent, errorText } from './event-source-errors.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
const DEFAULT_RECONNECTION_TIME = 3000; // Chromium's
const DEFAULT_MAX_DELAY = 30000;
// (Literals, not 2 ** 31 - 1 and 1 << 20: bundlers keep an unused operation, not an unused literal.)
const MAX_TIMEOUT = 0x7fffffff; // setTimeout's largest delay
const READ_SLICE = 0x10000; // the most bytes of a read fed to the parser at once (see #feed): 64 KiB

// What fromReadableStream() passes to the constructor instead of a URL (nobody else can).
const FROM_STREAM = /* @__PURE__ */ Object.freeze({});
// Where wasm-eventsource/shared (js/src/shared.js) puts its function that attaches a source to
// the connection it shares with the other tabs: share(source, options, setState) → a handle with
// detach(), or null where the platform cannot share (then the source connects by itself).
const SHARE = Symbol.for('wasm-eventsource.share');

// Node's timers keep the process alive; the source's must not (as in eventsource 5): a CLI that
// closed everything else exits even while a source waits to reconnect.
function backgroundTimeout(callback, ms) {
  const timer = setTimeout(callback, ms);
  if (typeof timer === 'object' && typeof timer?.unref === 'function') timer.unref();
  return timer;
}

// The readyState constants as WebIDL defines them (enumerable, neither writable nor configurable,
// on the constructor and the prototype), eventsource 5's mark that a `fetch` option is supported,
// the interface's name and `using`'s disposal. Done by a call marked pure rather than in a static
// block, which bundlers count as a side effect: a bundle that never uses the EventSource (e.g.
// `createParser` alone from the one-file ESM build) drops the class and all it uses.
function withInterfaceProperties(EventSourceClass) {
  for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSED })) {
    const descriptor = { value, enumerable: true, writable: false, configurable: false };
    Object.defineProperty(EventSourceClass, name, descriptor);
    Object.defineProperty(EventSourceClass.prototype, name, descriptor);
  }
  Object.defineProperty(EventSourceClass, Symbol.for('eventsource.supports-fetch-override'), { value: true });
  // The interface's name, as the browsers' and eventsource 5's (what Node prints an instance as).
  Object.defineProperty(EventSourceClass, 'name', { value: 'EventSource' });
  // `using source = new EventSource(url)` closes it at the end of the block.
  if (typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(EventSourceClass.prototype, Symbol.dispose, {
      value: function dispose() { this.close(); },
      writable: true,
      configurable: true,
    });
  }
  return EventSourceClass;
}

export const WasmEventSource = /* @__PURE__ */ withInterfaceProperties(class WasmEventSource extends EventTargetBase {
  #url;
  #requestUrl; // where the next request goes: the final URL of the last redirected one
  #withCredentials;
  #readyState = CONNECTING;
  #options; // checkInit's
  #fetch;
  #session;
  #lastEventId = '';
  #idBuffer = ''; // the parser's last-event-ID buffer, as the records so far have set it
  #type = 'message'; // the type of typed events, as the TYPE records so far have set it
  #reconnectionTime = DEFAULT_RECONNECTION_TIME;
  #origin = '';
  #controller = null; // the current request's; null when none is ours any more
  #reconnectTimer = null;
  #heartbeatTimer = null;
  #failures = 0; // consecutive connections that ended before delivering anything
  #handlers = { open: null, message: null, error: null };
  #handlerListeners = {};
  #contentType = null; // of the open response
  #streamReader = null; // fromReadableStream: the reader of the stream it reads
  #inBackForwardCache = false; // its page is in the back/forward cache: no request until restored
  #hidden = false; // pauseWhenHidden: its page is hidden, so it makes no request until visible
  #shared = null; // shared: the handle of the connection it shares (js/src/shared.js)
  #closeWatchers = null; // its async iterators', called by close()

  /**
   * whatwg/html PR #12272: an EventSource that parses `stream` (a ReadableStream of bytes) instead
   * of fetching: URL about:event-stream, origin "null", no reconnection. It opens at once (an
   * `open` event after this returns), and the end or failure of the stream fails it (CLOSED,
   * then `error`). The stream is locked to it; close() cancels it.
   */
  static fromReadableStream(stream) {
    if (stream === null || typeof stream !== 'object' || typeof stream.getReader !== 'function') {
      throw new TypeError(`EventSource.fromReadableStream() takes a ReadableStream, got ${describeValue(stream)}`);
    }
    if (stream.locked) throw new TypeError('EventSource.fromReadableStream(): the stream is locked to a reader already');
    return new WasmEventSource(FROM_STREAM, stream);
  }

  constructor(url, eventSourceInitDict = undefined) {
    super();
    if (url === FROM_STREAM) {
      this.#readStream(eventSourceInitDict);
      return;
    }
    if (arguments.length === 0) {
      throw new TypeError("Failed to construct 'EventSource': 1 argument required, but only 0 present.");
    }
    const parsed = parseEventSourceUrl(url);
    const options = checkInit(eventSourceInitDict);
    const share = options.shared && WasmEventSource[SHARE];
    if (share === undefined) throw new TypeError("Failed to construct 'EventSource': `shared` needs `import 'wasm-eventsource/shared'`");
    this.#url = parsed.href;
    this.#requestUrl = parsed.href;
    this.#withCredentials = options.withCredentials;
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    if (options.lastEventId !== undefined) {
      this.#lastEventId = options.lastEventId;
      this.#idBuffer = options.lastEventId;
    }
    const { signal } = options;
    if (signal) {
      if (signal.aborted) {
        this.close();
        return;
      }
      signal.addEventListener('abort', () => this.close(), { once: true });
    }
    if (share) {
      this.#shared = share(this, options, (state) => {
        [this.#readyState, this.#lastEventId, this.#reconnectionTime] = state;
      });
      if (this.#shared) return;
    }
    WasmEventSource.#watchPage(this);
    if (options.pauseWhenHidden && globalThis.document?.hidden === true) this.#hidden = true;
    else this.#connect();
  }

  /** Bytes of the WebAssembly memory shared by every parser (0 before the first one). */
  static get wasmMemoryBytes() { return memorySize(); }

  get url() { return this.#url; }
  get withCredentials() { return this.#withCredentials; }
  get readyState() { return this.#readyState; }
  /** PR #12272: the last event ID string, what a reconnection sends as Last-Event-ID. */
  get lastEventId() { return this.#lastEventId; }
  /** PR #12272: the reconnection time in ms (3000 until the stream sets `retry`). */
  get reconnectionTime() { return this.#reconnectionTime; }
  get [Symbol.toStringTag]() { return 'EventSource'; }

  get onopen() { return this.#handlers.open; }
  set onopen(handler) { this.#setHandler('open', handler); }
  get onmessage() { return this.#handlers.message; }
  set onmessage(handler) { this.#setHandler('message', handler); }
  get onerror() { return this.#handlers.error; }
  set onerror(handler) { this.#setHandler('error', handler); }

  close() {
    this.#readyState = CLOSED;
    this.#shared?.detach();
    this.#shared = null;
    const watchers = this.#closeWatchers;
    this.#closeWatchers = null;
    for (const watcher of watchers ?? []) watcher();
    this.#stopRequest();
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#session?.dispose();
    cancelQuietly(this.#streamReader);
    this.#streamReader = null;
    WasmEventSource.#pageSources.delete(this);
  }

  /**
   * Iterates the `message` events (and those of `types`) until the source is CLOSED; leaving the
   * loop early closes the source. At most `bufferSize` events wait for the loop (see
   * js/src/event-iterator.js for `overflow`).
   */
  events(options = undefined) {
    return eventIterator(this, options, (watcher) => (this.#closeWatchers ??= []).push(watcher));
  }

  [Symbol.asyncIterator]() {
    return this.events();
  }

  /**
   * PR #12272: discards the buffered partial event and line, as at the end of a stream, so that
   * a fresh stream can be piped in; the last event ID and the reconnection time stay.
   */
  reset() {
    // (The PR does not say whether a fresh stream may start with a BOM again: it may, as a
    // reconnection's response may, since the parser's reset re-arms BOM removal.)
    if (this.#readyState === CLOSED || !this.#session || this.#session.disposed) return;
    this.#deliverState(this.#session.reset());
  }

  // An event handler attribute keeps the listener position where it was first set, as in the
  // DOM; setting null removes it.
  #setHandler(type, handler) {
    const value = typeof handler === 'function' || (handler !== null && typeof handler === 'object') ? handler : null;
    this.#handlers[type] = value;
    if (platformCallsHandlerProperties()) return;
    if (value !== null && !this.#handlerListeners[type]) {
      this.#handlerListeners[type] = (event) => {
        const current = this.#handlers[type];
        if (typeof current === 'function') current.call(this, event);
      };
      this.addEventListener(type, this.#handlerListeners[type]);
    } else if (value === null && this.#handlerListeners[type]) {
      this.removeEventListener(type, this.#handlerListeners[type]);
      this.#handlerListeners[type] = null;
    }
  }

  // One connection: request, response checks, then the body. Whatever a custom fetch returns or
  // throws ends as an error event; no promise of the source is ever left rejected.
  async #connect() {
    const controller = new AbortController();
    this.#controller = controller;
    const current = () => this.#controller === controller && this.#readyState !== CLOSED;
    await null; // the constructor returns first, whatever happens next
    try {
      const request = await this.#prepare(current);
      if (request === null) return;
      const response = await this.#request(request, controller, current);
      if (response === null || !this.#open(response, current)) return;
      await this.#read(response, request.stops, current);
    } catch (error) {
      // Only a bug can get here; it must not leave the source OPEN and silent.
      if (current()) this.#fail({ reason: 'invalid-response', problem: `Internal error: ${errorText(error)}`, error });
    }
  }

  // The session and headers of a request; null when the connection failed instead.
  async #prepare(current) {
    if (!current()) return null;
    // Chromium fetches http(s) and data: URLs and fails any other scheme.
    if (!FETCHED_SCHEMES.has(new URL(this.#requestUrl).protocol)) {
      this.#fail({ reason: 'scheme', url: this.#requestUrl });
      return null;
    }
    if (!this.#session) {
      try {
        const { limit, oversized } = this.#options;
        this.#session = new Session({ limit, skipOversized: oversized === 'skip' });
        if (this.#lastEventId !== '') this.#session.setLastEventId(this.#lastEventId);
      } catch (error) {
        this.#fail({ reason: 'wasm', error }); // e.g. a CSP without 'wasm-unsafe-eval'
        return null;
      }
    }
    const headers = { Accept: 'text/event-stream' };
    try {
      const { headers: extra } = this.#options;
      const given = typeof extra === 'function' ? await extra() : extra;
      if (!current()) return null;
      if (given !== undefined) checkHeaders(given);
      Object.assign(headers, given);
      // (The stream can never set an ID with CR, LF or NUL; the lastEventId option could.)
      if (this.#lastEventId !== '') headers['Last-Event-ID'] = lastEventIdHeader(this.#lastEventId);
      checkHeaders(headers);
    } catch (error) {
      // A programming error, not a network one: retrying would only repeat it.
      if (current()) this.#fail({ reason: 'headers', error });
      return null;
    }
    return { headers, stops: windowStops() };
  }

  // The fetch itself; null when it failed (and the source reconnects or fails as the standard
  // says for that case).
  async #request({ headers, stops }, controller, current) {
    this.#armHeartbeat();
    // In Node without a `fetch` option: node:http, whose body feeds the parser from its 'data'
    // events (./node-http.js).
    const viaNodeHttp = HAS_NODE_HTTP && this.#options.fetch === undefined && useNodeHttp(this.#requestUrl, this.#options.method, this.#options.body);
    let response;
    try {
      // (A URL object, as eventsource 5 gives its `fetch` option: code written for it may read
      // `.href` or `.searchParams`; a string is what it becomes anywhere else.)
      response = viaNodeHttp
        ? await nodeGet(this.#requestUrl, headers, controller.signal)
        : await this.#fetch(new URL(this.#requestUrl), {
            method: this.#options.method ?? 'GET',
            headers,
            body: this.#options.body,
            cache: 'no-store',
            credentials: this.#withCredentials ? 'include' : 'same-origin',
            mode: 'cors',
            redirect: 'follow',
            signal: controller.signal,
          });
    } catch (error) {
      if (!current()) return null;
      if (error?.name === 'AbortError' || windowStops() !== stops) {
        this.#fail({ reason: 'aborted', error }); // window.stop(), the page going away
      } else if (refusedArguments(error)) {
        this.#fail({ reason: 'headers', error });
      } else if (await this.#refusedByCors()) {
        if (current()) this.#fail({ reason: 'cors', error });
      } else if (current()) {
        this.#reestablish({ reason: 'network', error });
      }
      return null;
    }
    const problem = viaNodeHttp ? null : checkResponse(response);
    if (problem !== null) {
      if (response !== null && typeof response === 'object') cancelQuietly(response.body);
      if (current()) this.#fail({ reason: 'invalid-response', problem });
      return null;
    }
    if (!current()) {
      cancelQuietly(response.body);
      return null;
    }
    return response;
  }

  // §9.2.3: a response that is not 200 text/event-stream fails the connection; else OPEN.
  // Returns whether the body is to be read.
  #open(response, current) {
    let contentType;
    let retryAfter;
    try {
      contentType = response.headers.get('content-type');
      retryAfter = response.status === 200 ? null : response.headers.get('retry-after');
    } catch (error) {
      cancelQuietly(response.body);
      this.#fail({ reason: 'invalid-response', problem: `headers.get() threw: ${errorText(error)}`, error });
      return false;
    }
    if (response.status !== 200) {
      cancelQuietly(response.body);
      const details = { reason: 'http-status', status: response.status, contentType };
      // With a reconnect policy, a server error or 429 is transient: back off (at least as long
      // as Retry-After asks) instead of failing, as the standard does without one.
      const transient = response.status >= 500 || response.status === 429;
      if (this.#options.reconnect && transient) {
        this.#reestablish(details, retryAfterMs(retryAfter));
      } else {
        this.#fail(details);
      }
      return false;
    }
    if (mimeEssence(contentType) !== 'text/event-stream') {
      this.#fail({ reason: 'mime-type', status: response.status, contentType });
      cancelQuietly(response.body);
      return false;
    }
    // Reconnections reuse the redirected request's URL (the standard and Chromium). Only a
    // response that says it was redirected moves it, as in eventsource 5: a fetch option that
    // answers from another URL (a proxy) is still asked for this one.
    if (response.redirected === true && typeof response.url === 'string' && response.url !== '') {
      try {
        this.#requestUrl = new URL(response.url).href;
      } catch {}
    }
    this.#origin = new URL(this.#requestUrl).origin;
    this.#contentType = contentType;
    this.#readyState = OPEN;
    this.dispatchEvent(new Event('open'));
    if (!current()) {
      cancelQuietly(response.body);
      return false;
    }
    // (A custom fetch's: the platform's always has a stream. Open first, then fail, as
    // eventsource 5 does and as a body whose reader fails does.)
    const problem = HAS_NODE_HTTP && isNodeBody(response.body) ? null : bodyProblem(response.body);
    if (problem !== null) {
      cancelQuietly(response.body);
      this.#fail({ reason: 'invalid-response', problem, status: response.status, code: response.status, message: INVALID_BODY });
      return false;
    }
    this.#armHeartbeat();
    return true;
  }

  // The body, chunk by chunk, until it ends, fails or the source stops wanting it.
  async #read(response, stops, current) {
    const contentType = this.#contentType;
    const ending = {
      ended: () => this.#reestablish({ reason: 'end-of-stream', status: 200, contentType }),
      // Chromium rejects the body read after window.stop() with a plain network error.
      failed: (error) =>
        error?.name === 'AbortError' || windowStops() !== stops
          ? this.#fail({ reason: 'aborted', error })
          : this.#reestablish({ reason: 'network', error, status: 200, contentType }),
      invalid: (problem) => this.#fail({ reason: 'invalid-response', problem }),
    };
    if (HAS_NODE_HTTP && isNodeBody(response.body)) {
      // node:http's body (./node-http.js): each chunk feeds the parser and dispatches its events
      // at once, with no promise per chunk.
      const end = await readNodeStream(response.body, (chunk) => {
        if (!current()) return false;
        this.#armHeartbeat();
        return this.#feed(chunk);
      });
      if (current()) end.error === undefined ? ending.ended() : ending.failed(end.error);
      return;
    }
    let reader = null;
    try {
      reader = response.body?.getReader() ?? null;
    } catch (error) {
      this.#fail({ reason: 'invalid-response', problem: `getReader() threw: ${errorText(error)}`, error });
      return;
    }
    if (reader !== null && typeof reader?.read !== 'function') {
      this.#fail({ reason: 'invalid-response', problem: 'the body reader has no read() method' });
      return;
    }
    if (reader === null) {
      ending.ended(); // no body: an empty stream
      return;
    }
    await this.#pump(reader, current, ending);
  }

  // PR #12272's source: the stream instead of a response, read once; whatever ends it fails the
  // connection, since there is nothing to reconnect to.
  async #readStream(stream) {
    this.#url = 'about:event-stream';
    this.#requestUrl = null;
    this.#withCredentials = false;
    this.#options = checkInit(undefined);
    this.#origin = 'null'; // the opaque origin of about:event-stream
    const reader = stream.getReader();
    this.#streamReader = reader;
    const controller = new AbortController();
    this.#controller = controller;
    const current = () => this.#controller === controller && this.#readyState !== CLOSED;
    await null; // CONNECTING until after fromReadableStream() returned, as the PR's tests say
    if (!current()) return;
    try {
      this.#session = new Session({ limit: this.#options.limit, skipOversized: true });
    } catch (error) {
      this.#fail({ reason: 'wasm', error });
      return;
    }
    this.#readyState = OPEN;
    this.dispatchEvent(new Event('open'));
    if (!current()) return;
    await this.#pump(reader, current, {
      ended: () => this.#fail({ reason: 'end-of-stream', message: 'The stream ended' }),
      failed: (error) => this.#fail({ reason: 'stream-error', error }),
      // (The PR's stream is of Uint8Array: any BufferSource is taken by its bytes here, as for a
      // custom fetch's body; anything else ends it.)
      invalid: (problem) => this.#fail({ reason: 'invalid-chunk', problem }),
    });
  }

  // Reads `reader` into the parser chunk by chunk until the stream ends, fails or the source
  // stops wanting it; `ending` says what each end means for this kind of source.
  async #pump(reader, current, ending) {
    try {
      for (;;) {
        const result = await reader.read();
        if (!current()) {
          cancelQuietly(reader);
          return;
        }
        if (result === null || typeof result !== 'object') {
          cancelQuietly(reader);
          ending.invalid(`read() resolved to ${describeValue(result)}`);
          return;
        }
        if (result.done) {
          ending.ended();
          return;
        }
        // Fetch's bodies are streams of Uint8Array; any other BufferSource is taken by its bytes.
        const bytes = bufferSourceBytes(result.value);
        if (bytes === null) {
          cancelQuietly(reader);
          ending.invalid(`the stream yielded ${describeValue(result.value)}, not bytes`);
          return;
        }
        this.#armHeartbeat();
        if (!this.#feed(bytes)) return;
      }
    } catch (error) {
      if (current()) ending.failed(error);
    }
  }

  // fetch() rejects a CORS refusal and an unreachable server alike; Chromium fails the
  // connection on the first and reconnects after the second. A no-cors HEAD request tells them
  // apart: it follows redirects like the request did, and an opaque answer means the final
  // server is up and cross-origin, so CORS is what refused. (Only with the platform's fetch: a
  // custom one's failures are its own, and it is not sent requests the page did not ask for.)
  async #refusedByCors() {
    if (!globalThis.location?.origin) return false; // Node: no CORS
    if (this.#options.fetch !== undefined) return false;
    if (new URL(this.#requestUrl).protocol === 'data:') return false;
    try {
      const probe = await this.#fetch(this.#requestUrl, {
        method: 'HEAD',
        mode: 'no-cors',
        cache: 'no-store',
        credentials: this.#withCredentials ? 'include' : 'same-origin',
      });
      return probe?.type === 'opaque';
    } catch {
      return false;
    }
  }

  // One read's bytes, parsed and dispatched; false once the source stops reading. A read goes in
  // slices of READ_SLICE: Chromium's reads of a fast stream are 11 KB-2 MB (its data pipe fills
  // while the page works) and WebKit's late ones many MiB, and every piece of a batch stays a live
  // string until the batch's last event is dispatched, which the garbage collector then copies
  // again and again (Chromium, LLM events: 64 KiB slices 117 000 events/s against 104 000 with
  // 1 MiB ones). The module's input buffer, which keeps the size of the largest chunk it took,
  // stays that small too.
  #feed(bytes) {
    for (let at = 0; ; at += READ_SLICE) {
      const end = Math.min(at + READ_SLICE, bytes.length);
      const slice = at === 0 && end === bytes.length ? bytes : bytes.subarray(at, end);
      if (!this.#deliver(this.#session.feedBytes(slice))) return false;
      if (end === bytes.length) return true;
      if (this.#readyState === CLOSED) return false;
    }
  }

  // Dispatches a batch; false when the connection ended meanwhile (closed, or a parser error).
  #deliver(batch) {
    try {
      return this.#dispatchRecords(batch);
    } finally {
      releaseBatch(batch);
    }
  }

  #dispatchRecords(batch) {
    for (let r = 0; r < batch.length; r += RECORD_WORDS) {
      if (this.#readyState === CLOSED) return false;
      const kind = kindAt(batch, r) & 0xff;
      if (kind === EVENT) {
        const type = eventTypeSetAt(batch, r) ? this.#type : 'message';
        const data = textAt(batch, r);
        this.#failures = 0;
        this.dispatchEvent(createMessageEvent(type, data, this.#origin, this.#lastEventId));
      } else if (kind === TYPE) {
        this.#type = textAt(batch, r);
      } else if (kind === ID_BUFFER) {
        this.#idBuffer = textAt(batch, r);
      } else if (kind === ID) {
        this.#lastEventId = this.#idBuffer;
      } else if (kind === RETRY) {
        this.#reconnectionTime = retryAt(batch, r);
      } else if (kind === ERROR) {
        const { limit, oversized } = this.#options;
        if (oversized === 'fail') {
          this.#fail({ reason: 'buffer-limit', limit }); // eventsource 5's maxBufferSize
          return false;
        }
        if (oversized === 'reconnect') {
          this.#reestablish({ reason: 'buffer-limit', limit }); // (the parser's reset forgets the type)
          return false;
        }
        // The parser dropped the event and goes on; the connection stays open.
        this.dispatchEvent(errorEvent({ reason: 'buffer-limit', limit }));
      }
    }
    return this.#readyState !== CLOSED;
  }

  #armHeartbeat() {
    const timeout = this.#options.heartbeatTimeout;
    if (timeout === undefined) return;
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = backgroundTimeout(() => this.#reestablish({ reason: 'heartbeat-timeout', timeout }), timeout);
  }

  // Ends the current request, if any, so that nothing from it is delivered any more.
  #stopRequest() {
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
    const controller = this.#controller;
    this.#controller = null;
    controller?.abort();
  }

  // §9.2.3 "reestablish the connection": error with CONNECTING, wait, connect again.
  #reestablish(details, minimumDelay = 0) {
    if (this.#readyState === CLOSED) return;
    this.#stopRequest();
    if (this.#session && !this.#session.disposed) {
      // The end of this response: its unterminated event is dropped, and the ID buffer is the
      // last event ID again.
      this.#deliverState(this.#session.reset());
    }
    const policy = this.#options.reconnect;
    this.#failures++;
    if (policy?.maxAttempts !== undefined && this.#failures > policy.maxAttempts) {
      this.#fail({ ...details, reason: 'reconnect-limit', cause: details.reason, attempts: policy.maxAttempts });
      return;
    }
    const reconnectDelay = Math.min(Math.max(minimumDelay, this.#reconnectDelay(policy)), MAX_TIMEOUT);
    this.#readyState = CONNECTING;
    this.dispatchEvent(errorEvent({ ...details, reconnectDelay }));
    if (this.#readyState !== CONNECTING) return; // closed by an error handler
    // (The standard: "if the operating system has reported that there is no network
    // connectivity, user agents might wait for the operating system to announce that the network
    // connection has returned before retrying". `online` wakes it.)
    if (globalThis.navigator?.onLine === false) return;
    this.#reconnectTimer = backgroundTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#readyState === CONNECTING) this.#connect();
    }, reconnectDelay);
  }

  // whatwg/html PR #12381: a page entering the back/forward cache aborts the fetches of its
  // sources; restored, they reconnect at once, with no error event and no reconnection delay.
  static #pageSources = new Set(); // the URL-based sources of this window that are not CLOSED
  static #watchingPage = false;
  // Also, in windows and workers: the network going (reconnection waits stop) and coming back
  // (waiting sources reconnect at once), and with pauseWhenHidden, the page's visibility.
  static #watchPage(source) {
    const page = globalThis;
    if (typeof page.addEventListener !== 'function' || !('ononline' in page)) return; // no window or worker
    WasmEventSource.#pageSources.add(source);
    if (WasmEventSource.#watchingPage) return;
    WasmEventSource.#watchingPage = true;
    const each = (act) => {
      for (const one of [...WasmEventSource.#pageSources]) act(one);
    };
    page.addEventListener('pagehide', (event) => {
      if (event.persisted) each((one) => one.#enterBackForwardCache());
    });
    page.addEventListener('pageshow', (event) => {
      if (event.persisted) each((one) => one.#leaveBackForwardCache());
    });
    page.addEventListener('offline', () => each((one) => clearTimeout(one.#reconnectTimer)));
    page.addEventListener('online', () => each((one) => one.#wake()));
    // As @microsoft/fetch-event-source's openWhenHidden: false: the connection closes, with no
    // error event, and reopens with Last-Event-ID once the page is visible again.
    page.document?.addEventListener('visibilitychange', () =>
      each((one) => {
        if (!one.#options.pauseWhenHidden) return;
        if (page.document.hidden) one.#suspend();
        one.#hidden = page.document.hidden;
        one.#wake();
      }),
    );
  }

  // Connects now if it is waiting to reconnect (or has not connected yet) and nothing holds it.
  #wake() {
    if (this.#readyState !== CONNECTING || this.#controller || this.#inBackForwardCache || this.#hidden) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#connect();
  }

  // Ends the request or the wait, as the page leaves: CONNECTING, no error event.
  #suspend() {
    this.#stopRequest();
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    if (this.#session && !this.#session.disposed) this.#deliverState(this.#session.reset());
    this.#readyState = CONNECTING;
  }

  #enterBackForwardCache() {
    if (this.#readyState === CLOSED) return;
    // (The PR leaves readyState open while the page is cached, when no script runs: CONNECTING,
    // what it is until the reconnection opens.)
    this.#suspend();
    this.#inBackForwardCache = true;
  }

  #leaveBackForwardCache() {
    if (!this.#inBackForwardCache) return;
    this.#inBackForwardCache = false;
    this.#wake();
  }

  // The records of a reset: only the ID buffer can move.
  #deliverState(batch) {
    for (let r = 0; r < batch.length; r += RECORD_WORDS) {
      if ((kindAt(batch, r) & 0xff) === ID_BUFFER) this.#idBuffer = textAt(batch, r);
    }
    releaseBatch(batch);
  }

  // The standard waits the reconnection time; a policy backs off from it exponentially with
  // jitter, but never below it.
  // (At most 2^31 - 1 ms, 24.8 days: a server's `retry: 99999999999` must not overflow setTimeout,
  // which then fires at once, into a reconnection storm.)
  #reconnectDelay(policy) {
    if (!policy) return Math.min(this.#reconnectionTime, MAX_TIMEOUT);
    const factor = policy.factor ?? 2;
    const maxDelay = policy.maxDelay ?? DEFAULT_MAX_DELAY;
    const jitter = Math.min(Math.max(policy.jitter ?? 0.5, 0), 1);
    const backoff = Math.min(maxDelay, this.#reconnectionTime * factor ** (this.#failures - 1));
    return Math.min(Math.max(this.#reconnectionTime, backoff * (1 - jitter * Math.random())), MAX_TIMEOUT);
  }

  // §9.2.3 "fail the connection": CLOSED, error, and no reconnection.
  #fail(details) {
    if (this.#readyState === CLOSED) return;
    this.close();
    this.dispatchEvent(errorEvent(details));
  }
});
