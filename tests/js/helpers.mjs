// Shared helpers of the Node EventSource tests: awaiting events and conditions, recording what
// an EventSource dispatches, and closing everything a test opened.
import { performance } from 'node:perf_hooks';
import { EventSource } from '../../dist/index.mjs';
import { sseHeaders, startServer } from '../support/sse-server.mjs';

export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSED = 2;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();

/** Resolves with the next `type` event of `target`; rejects after `timeout` ms. */
export function nextEvent(target, type, { timeout = 3000 } = {}) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`timed out after ${timeout} ms waiting for a '${type}' event`));
    }, timeout);
    function listener(event) {
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(event);
    }
    target.addEventListener(type, listener);
  });
}

/** Polls `predicate` until it returns a truthy value (which is returned); rejects after `timeout` ms. */
export async function waitFor(predicate, { timeout = 3000, interval = 5, message = String(predicate) } = {}) {
  const deadline = now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for: ${message}`);
    await sleep(interval);
  }
}

/**
 * Records every event of the given types dispatched on `source`, with the readyState seen at
 * dispatch time and the error diagnostics.
 */
export function record(source, types = ['open', 'message', 'error']) {
  const log = [];
  for (const type of types) {
    source.addEventListener(type, (event) => {
      log.push({
        type: event.type,
        readyState: source.readyState,
        time: now(),
        event,
        data: event.data,
        lastEventId: event.lastEventId,
        origin: event.origin,
        reason: event.reason,
        status: event.status,
        contentType: event.contentType,
        reconnectDelay: event.reconnectDelay,
      });
    });
  }
  log.ofType = (type) => log.filter((entry) => entry.type === type);
  log.types = () => log.map((entry) => entry.type);
  log.data = () => log.ofType('message').map((entry) => entry.data);
  return log;
}

/** Gaps in ms between consecutive entries with a `time` field. */
export function gaps(entries) {
  return entries.slice(1).map((entry, i) => entry.time - entries[i].time);
}

let counter = 0;
/** A route path not used by any other test of this process. */
export function uniquePath(name = 'stream') {
  return `/${name}-${++counter}`;
}

/**
 * Per-file fixture: one server for the file, and EventSources that are all closed after each
 * test. Call from the top level of a test file with node:test's hooks.
 */
export function fixture({ before, after, afterEach }) {
  const state = { server: null, sources: [] };
  before(async () => {
    state.server = await startServer();
  });
  afterEach(() => {
    for (const source of state.sources.splice(0)) source.close();
  });
  after(async () => {
    for (const source of state.sources.splice(0)) source.close();
    await state.server.close();
  });
  /** new EventSource(url, init), closed after the test. */
  state.open = (url, init) => {
    const source = init === undefined ? new EventSource(url) : new EventSource(url, init);
    state.sources.push(source);
    return source;
  };
  /** A route whose first response is `first` (then ends) and whose later ones hold `later` open. */
  state.reconnectingStream = (path, first, later = '') => {
    state.server.route(path, (req, res, { requestIndex }) => {
      res.writeHead(200, sseHeaders());
      if (requestIndex === 0) res.end(first);
      else res.write(later);
    });
    return state.server.url + path;
  };
  /** Registers a route that answers every request with an event stream of `body` (then ends). */
  state.stream = (path, body, { end = true, headers } = {}) => {
    state.server.route(path, (req, res) => {
      res.writeHead(200, sseHeaders(headers));
      if (end) res.end(body);
      else res.write(body);
    });
    return state.server.url + path;
  };
  return state;
}

/**
 * A route whose responses the test writes itself: each request gets the event-stream headers
 * flushed, and its `res` is pushed to `responses`.
 */
export function heldStream(server, path, { headers } = {}) {
  const responses = [];
  server.route(path, (req, res) => {
    res.writeHead(200, sseHeaders(headers));
    res.flushHeaders();
    responses.push(res);
  });
  return {
    url: server.url + path,
    responses,
    /** Waits for the response of request number `index` (0-based). */
    response(index = responses.length) {
      return waitFor(() => responses[index], { message: `request #${index} to ${path}` });
    },
  };
}

export { EventSource, sseHeaders };
