// WasmEventSource: the browser's EventSource (WHATWG HTML §9.2) over fetch(), with the parser in
// WebAssembly. Default behaviour follows the standard and Chromium; the extensions in the second
// argument are opt-in.
import {
  ERROR,
  EVENT,
  ID,
  RECORD_WORDS,
  RETRY,
  Session,
  TYPE,
  eventTypeSetAt,
  retryAt,
  textAt,
} from './session.js';
import { memorySize } from './wasm.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
const DEFAULT_RECONNECTION_TIME = 3000; // Chromium's
const DEFAULT_MAX_DELAY = 30000;
const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;
const FETCHED_SCHEMES = new Set(['http:', 'https:', 'data:']);

const utf8 = new TextEncoder();

// window.stop() aborts the page's fetches, and Chromium fails an EventSource it stops. A fetch
// body read then rejects with a plain network error, indistinguishable from a dropped
// connection, so the polyfill counts the calls (window.stop itself still runs unchanged).
let windowStopCount = 0;
let windowStopWatched = false;
function windowStops() {
  if (!windowStopWatched) {
    windowStopWatched = true;
    const { window } = globalThis;
    if (window && typeof window.stop === 'function') {
      const stop = window.stop;
      window.stop = function () {
        windowStopCount++;
        return stop.apply(this, arguments);
      };
    }
  }
  return windowStopCount;
}

function baseUrl() {
  const g = globalThis;
  if (g.document && typeof g.document.baseURI === 'string') return g.document.baseURI;
  if (g.location && typeof g.location.href === 'string') return g.location.href; // workers
  return undefined;
}

// A header value is a byte string: the ID's UTF-8 bytes, one per character.
function utf8ByteString(text) {
  let out = '';
  for (const byte of utf8.encode(text)) out += String.fromCharCode(byte);
  return out;
}

function mimeEssence(contentType) {
  if (contentType == null) return '';
  return contentType.split(';', 1)[0].trim().toLowerCase();
}

// Header names are HTTP tokens; values are byte strings without CR, LF or NUL (fetch would
// reject them anyway, but as a network error that would make the source retry forever).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
const NOT_A_BYTE_STRING = /[^\x00-\xff]/;
function checkHeaders(headers) {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
    if (FORBIDDEN_IN_VALUE.test(String(value))) {
      throw new TypeError(`The value of header ${name} holds CR, LF or NUL`);
    }
    if (NOT_A_BYTE_STRING.test(String(value))) {
      throw new TypeError(`The value of header ${name} is not a byte string (a character above U+00FF)`);
    }
  }
}

// Node's fetch refuses some header bytes that browsers send (control characters such as VT or
// DEL, e.g. in an ID the stream set) before any request, as a TypeError whose cause is undici's
// InvalidArgumentError: not a network error, so reconnecting would only repeat it, forever.
function refusedArguments(error) {
  return error?.cause?.code === 'UND_ERR_INVALID_ARG';
}

// Retry-After in ms: delay-seconds or an HTTP date; 0 when absent or unreadable.
function retryAfterMs(value) {
  if (value == null) return 0;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

// The events of the stream: MessageEvents whose data, origin and lastEventId come from getters.
// Converting MessageEvent's init dictionary costs Chromium more per event than the whole parse
// (about 2.5 of 5.5 µs); this is a third of that.
class StreamMessageEvent extends MessageEvent {
  #data;
  #origin;
  #lastEventId;
  constructor(type, data, origin, lastEventId) {
    super(type);
    this.#data = data;
    this.#origin = origin;
    this.#lastEventId = lastEventId;
  }
  get data() { return this.#data; }
  get origin() { return this.#origin; }
  get lastEventId() { return this.#lastEventId; }
}

function errorEvent(details) {
  const event = new Event('error');
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined) Object.defineProperty(event, key, { value, enumerable: true });
  }
  return event;
}

export class WasmEventSource extends EventTarget {
  #url;
  #requestUrl; // where the next request goes: the final URL of the last redirected one
  #withCredentials;
  #readyState = CONNECTING;
  #options;
  #fetch;
  #session;
  #lastEventId = '';
  #reconnectionTime = DEFAULT_RECONNECTION_TIME;
  #origin = '';
  #controller = null; // the current request's; null when none is ours any more
  #reconnectTimer = null;
  #heartbeatTimer = null;
  #failures = 0; // consecutive connections that ended before delivering anything
  #handlers = { open: null, message: null, error: null };
  #handlerListeners = {};

  constructor(url, eventSourceInitDict = undefined) {
    super();
    if (arguments.length === 0) {
      throw new TypeError("Failed to construct 'EventSource': 1 argument required, but only 0 present.");
    }
    const init = eventSourceInitDict ?? {};
    let parsed;
    try {
      parsed = new URL(String(url), baseUrl());
    } catch {
      throw new DOMException(`Failed to construct 'EventSource': The URL '${url}' is invalid.`, 'SyntaxError');
    }
    this.#url = parsed.href;
    this.#requestUrl = parsed.href;
    this.#withCredentials = Boolean(init.withCredentials);
    this.#options = init;
    this.#fetch = init.fetch ?? globalThis.fetch.bind(globalThis);
    if (init.lastEventId != null) this.#lastEventId = String(init.lastEventId);
    const { signal } = init;
    if (signal) {
      if (signal.aborted) {
        this.close();
        return;
      }
      signal.addEventListener('abort', () => this.close(), { once: true });
    }
    this.#connect();
  }

  /** Bytes of the WebAssembly memory shared by every parser (0 before the first one). */
  static get wasmMemoryBytes() { return memorySize(); }

  get url() { return this.#url; }
  get withCredentials() { return this.#withCredentials; }
  get readyState() { return this.#readyState; }
  get [Symbol.toStringTag]() { return 'EventSource'; }

  get onopen() { return this.#handlers.open; }
  set onopen(handler) { this.#setHandler('open', handler); }
  get onmessage() { return this.#handlers.message; }
  set onmessage(handler) { this.#setHandler('message', handler); }
  get onerror() { return this.#handlers.error; }
  set onerror(handler) { this.#setHandler('error', handler); }

  close() {
    this.#readyState = CLOSED;
    this.#stopRequest();
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#session?.dispose();
  }

  // An event handler attribute keeps the listener position where it was first set, as in the
  // DOM; setting null removes it.
  #setHandler(type, handler) {
    const value = typeof handler === 'function' || (handler !== null && typeof handler === 'object') ? handler : null;
    this.#handlers[type] = value;
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

  async #connect() {
    const controller = new AbortController();
    this.#controller = controller;
    const current = () => this.#controller === controller && this.#readyState !== CLOSED;
    await null; // the constructor returns first, whatever happens next

    if (!current()) return;
    // Chromium fetches http(s) and data: URLs and fails any other scheme.
    if (!FETCHED_SCHEMES.has(new URL(this.#requestUrl).protocol)) {
      this.#fail({ reason: 'scheme' });
      return;
    }
    if (!this.#session) {
      try {
        const skip = this.#options.oversizedEvents !== 'reconnect';
        this.#session = new Session(this.#options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES, skip);
        if (this.#lastEventId !== '') this.#session.setLastEventId(this.#lastEventId);
      } catch (error) {
        this.#fail({ reason: 'wasm', error }); // e.g. a CSP without 'wasm-unsafe-eval'
        return;
      }
    }
    const headers = { Accept: 'text/event-stream' };
    try {
      const extra = typeof this.#options.headers === 'function' ? await this.#options.headers() : this.#options.headers;
      if (!current()) return;
      Object.assign(headers, extra);
      // (The stream can never set an ID with CR, LF or NUL; the lastEventId option could.)
      if (this.#lastEventId !== '') headers['Last-Event-ID'] = utf8ByteString(this.#lastEventId);
      checkHeaders(headers);
    } catch (error) {
      // A programming error, not a network one: retrying would only repeat it.
      if (current()) this.#fail({ reason: 'headers', error });
      return;
    }

    this.#armHeartbeat();
    const stops = windowStops();
    let response;
    try {
      response = await this.#fetch(this.#requestUrl, {
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
      if (!current()) return;
      if (error?.name === 'AbortError' || windowStops() !== stops) {
        this.#fail({ reason: 'aborted', error }); // window.stop(), the page going away
      } else if (refusedArguments(error)) {
        this.#fail({ reason: 'headers', error });
      } else if (await this.#refusedByCors()) {
        if (current()) this.#fail({ reason: 'cors', error });
      } else if (current()) {
        this.#reestablish({ reason: 'network', error });
      }
      return;
    }
    if (!current()) {
      response.body?.cancel().catch(() => {});
      return;
    }
    const contentType = response.headers.get('content-type');
    if (response.status !== 200) {
      response.body?.cancel().catch(() => {});
      const details = { reason: 'http-status', status: response.status, contentType };
      // With a reconnect policy, a server error or 429 is transient: back off (at least as long
      // as Retry-After asks) instead of failing, as the standard does without one.
      const transient = response.status >= 500 || response.status === 429;
      if (this.#options.reconnect && transient) {
        this.#reestablish(details, retryAfterMs(response.headers.get('retry-after')));
      } else {
        this.#fail(details);
      }
      return;
    }
    if (mimeEssence(contentType) !== 'text/event-stream') {
      this.#fail({ reason: 'mime-type', status: response.status, contentType });
      response.body?.cancel().catch(() => {});
      return;
    }

    if (response.url) this.#requestUrl = response.url; // reconnections reuse the redirected request
    this.#origin = new URL(this.#requestUrl).origin;
    this.#readyState = OPEN;
    this.dispatchEvent(new Event('open'));
    if (!current()) return;
    this.#armHeartbeat();

    const reader = response.body?.getReader();
    try {
      for (;;) {
        const { value, done } = reader ? await reader.read() : { done: true };
        if (!current()) {
          reader?.cancel().catch(() => {});
          return;
        }
        if (done) {
          this.#reestablish({ reason: 'end-of-stream', status: 200, contentType });
          return;
        }
        this.#armHeartbeat();
        if (!this.#deliver(this.#session.feed(value))) return;
      }
    } catch (error) {
      if (!current()) return;
      // Chromium rejects the body read after window.stop() with a plain network error.
      if (error?.name === 'AbortError' || windowStops() !== stops) this.#fail({ reason: 'aborted', error });
      else this.#reestablish({ reason: 'network', error, status: 200, contentType });
    }
  }

  // fetch() rejects a CORS refusal and an unreachable server alike; Chromium fails the
  // connection on the first and reconnects after the second. A no-cors HEAD request tells them
  // apart: it follows redirects like the request did, and an opaque answer means the final
  // server is up and cross-origin, so CORS is what refused.
  async #refusedByCors() {
    if (!globalThis.location?.origin) return false; // Node: no CORS
    if (new URL(this.#requestUrl).protocol === 'data:') return false;
    try {
      const probe = await this.#fetch(this.#requestUrl, {
        method: 'HEAD',
        mode: 'no-cors',
        cache: 'no-store',
        credentials: this.#withCredentials ? 'include' : 'same-origin',
      });
      return probe.type === 'opaque';
    } catch {
      return false;
    }
  }

  // Dispatches a batch; false when the connection ended meanwhile (closed, or a parser error).
  #deliver(batch) {
    const { records } = batch;
    let typeText = 'message';
    for (let i = 0; i < records.length; i += RECORD_WORDS) {
      if (this.#readyState === CLOSED) return false;
      const kind = records[i] & 0xff;
      if (kind === TYPE) {
        typeText = textAt(batch, i);
      } else if (kind === EVENT) {
        const type = eventTypeSetAt(batch, i) ? typeText : 'message';
        const data = textAt(batch, i);
        this.#failures = 0;
        this.dispatchEvent(new StreamMessageEvent(type, data, this.#origin, this.#lastEventId));
      } else if (kind === ID) {
        this.#lastEventId = textAt(batch, i);
      } else if (kind === RETRY) {
        this.#reconnectionTime = retryAt(batch, i);
      } else if (kind === ERROR) {
        const limit = this.#options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
        if (this.#options.oversizedEvents === 'reconnect') {
          this.#reestablish({ reason: 'buffer-limit', limit });
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
    if (!(timeout > 0)) return;
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = setTimeout(() => this.#reestablish({ reason: 'heartbeat-timeout' }), timeout);
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
    this.#session?.reset(); // the end of this response: its unterminated event is dropped
    const policy = this.#options.reconnect;
    this.#failures++;
    if (policy?.maxAttempts != null && this.#failures > policy.maxAttempts) {
      this.#fail({ ...details, reason: 'reconnect-limit', cause: details.reason });
      return;
    }
    const reconnectDelay = Math.max(minimumDelay, this.#reconnectDelay(policy));
    this.#readyState = CONNECTING;
    this.dispatchEvent(errorEvent({ ...details, reconnectDelay }));
    if (this.#readyState !== CONNECTING) return; // closed by an error handler
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#readyState === CONNECTING) this.#connect();
    }, reconnectDelay);
  }

  // The standard waits the reconnection time; a policy backs off from it exponentially with
  // jitter, but never below it.
  #reconnectDelay(policy) {
    if (!policy) return this.#reconnectionTime;
    const factor = policy.factor ?? 2;
    const maxDelay = policy.maxDelay ?? DEFAULT_MAX_DELAY;
    const jitter = Math.min(Math.max(policy.jitter ?? 0.5, 0), 1);
    const backoff = Math.min(maxDelay, this.#reconnectionTime * factor ** (this.#failures - 1));
    return Math.max(this.#reconnectionTime, backoff * (1 - jitter * Math.random()));
  }

  // §9.2.3 "fail the connection": CLOSED, error, and no reconnection.
  #fail(details) {
    if (this.#readyState === CLOSED) return;
    this.close();
    this.dispatchEvent(errorEvent(details));
  }
}

for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSED })) {
  const descriptor = { value, enumerable: true, writable: false, configurable: false };
  Object.defineProperty(WasmEventSource, name, descriptor);
  Object.defineProperty(WasmEventSource.prototype, name, descriptor);
}
