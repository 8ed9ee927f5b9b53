// Runs one fuzzer scenario (scenario.mjs) against the EventSource, through a scripted fetch on
// the fake clock (clock.mjs), and checks after every step what the standard (and the reconnect
// policy) allow:
//   - readyState moves only CONNECTING → OPEN (open), OPEN → CONNECTING (error), any → CLOSED;
//   - nothing is dispatched and no request made after CLOSED;
//   - each response's messages are those of its complete blocks, once and in order (a prefix when
//     the source stopped reading it), with the right lastEventId;
//   - each request after the first carries the Last-Event-ID and comes exactly the chosen delay
//     after the error, and that delay is the reconnection time (or within the policy's bounds);
//   - each end of a response gives the error the standard's nearest case says;
//   - after close(), no timer of the source and no read of a body is left.
// Unhandled rejections and unexpected listener errors are the runner's (cli.mjs) to catch.
import { expectedOutcome, writeStream } from './stream-model.mjs';

const BASE = 'http://127.0.0.1:9/stream';
const MAX_TIMEOUT = 2 ** 31 - 1;
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

export class ListenerError extends Error {} // what 'throw' actions throw

function byteString(text) {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

function chunksOf(bytes, sizes) {
  const chunks = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** Runs `scenario`; returns the first violation found, or null. */
export async function runScenario({ EventSource, clock, flush }, scenario) {
  clock.reset();
  const { options } = scenario;
  const policy = options.reconnect;
  const violations = [];
  const fail = (message) => violations.push(message);
  const model = { lastEventId: options.lastEventId ?? '', reconnectionTime: 3000, failures: 0, url: BASE };
  const requests = [];
  const log = []; // every dispatched event: { type, data, lastEventId, state, at, reason, delay, response }
  const bodies = []; // the scripted readers, for "no read left"
  let expectedEnd = null; // what the current response's end should dispatch: { reasons, state }
  let lastState = CONNECTING;
  let current = null; // the body being read
  let source;

  // The scripted network: request k gets scenario.responses[k], then nothing (a hang).
  function scriptedFetch(input, init) {
    const url = String(input); // (a URL object, as eventsource 5 gives one)
    const k = requests.length;
    requests.push({ at: clock.now, url, lastEventId: init.headers['Last-Event-ID'] ?? null });
    if (source.readyState === CLOSED) fail(`request ${k} made while CLOSED`);
    checkRequest(k, url, init);
    const script = scenario.responses[k] ?? { kind: 'hang' };
    const signal = init.signal;
    const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
    return clock.asFuzzer(() => {
      switch (script.kind) {
        case 'network':
          expectedEnd = reestablishing(['network']);
          return Promise.reject(new TypeError('fetch failed (scripted)'));
        case 'invalid':
          expectedEnd = { reasons: ['invalid-response'], state: CLOSED };
          return Promise.resolve(null);
        case 'hang':
          expectedEnd = null;
          return new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(abortError())));
        case 'mime':
          expectedEnd = { reasons: ['mime-type'], state: CLOSED };
          return Promise.resolve(responseOf(200, 'text/plain', null, url));
        case 'status': {
          const transient = script.status >= 500 || script.status === 429;
          expectedEnd = policy && transient ? reestablishing(['http-status'], (script.retryAfter ?? 0) * 1000) : { reasons: ['http-status'], state: CLOSED };
          return Promise.resolve(responseOf(script.status, 'text/event-stream', script.retryAfter, url));
        }
        default:
          return Promise.resolve(streamOf(script, k, url, signal, abortError));
      }
    });
  }

  function responseOf(status, type, retryAfter, url) {
    const headers = { 'content-type': type, 'retry-after': retryAfter === null || retryAfter === undefined ? null : String(retryAfter) };
    return { status, url, headers: { get: (name) => headers[name.toLowerCase()] ?? null }, body: null };
  }

  // A 200 event stream whose body arrives in chunks on the fake clock, up to its cut, then ends
  // as the script says; the abort signal errors a pending read, as fetch's does.
  function streamOf(script, k, url, signal, abortError) {
    const { bytes, lines } = writeStream(script.blocks, script.eol);
    const length = script.cutAt === null ? bytes.length : Math.floor(bytes.length * script.cutAt);
    const chunks = chunksOf(bytes.subarray(0, length), script.chunkSizes);
    const body = { k, lines, delivered: 0, pending: null, aborted: false, cancelled: false, stateBefore: { ...model } };
    bodies.push(body);
    current = body;
    const finalUrl = script.redirectTo ? new URL(script.redirectTo, BASE).href : url;
    model.url = finalUrl;
    let next = 0;
    const settle = (how, value) => {
      const pending = body.pending;
      body.pending = null;
      if (pending) pending[how](value);
    };
    signal.addEventListener('abort', () => {
      body.aborted = true;
      settle('reject', abortError());
    });
    const reader = {
      read() {
        if (body.aborted) return Promise.reject(abortError());
        if (body.cancelled) return Promise.resolve({ done: true });
        return new Promise((resolve, reject) => {
          body.pending = { resolve, reject };
          if (next < chunks.length) {
            const chunk = chunks[next];
            const delay = script.chunkDelays[next % script.chunkDelays.length];
            next++;
            clock.asFuzzer(() =>
              setTimeout(() => {
                if (body.pending === null) return;
                body.delivered += chunk.length;
                settle('resolve', { done: false, value: chunk });
              }, delay),
            );
          } else if (script.end === 'close') {
            settle('resolve', { done: true });
          } else if (script.end === 'reset') {
            settle('reject', new TypeError('terminated (scripted reset)'));
          } // 'stall': pending until aborted or cancelled
        });
      },
      cancel() {
        body.cancelled = true;
        settle('resolve', { done: true });
        return Promise.resolve();
      },
      releaseLock() {},
    };
    expectedEnd = script.end === 'close' ? reestablishing(['end-of-stream']) : script.end === 'reset' ? reestablishing(['network']) : null;
    return {
      status: 200,
      url: finalUrl,
      redirected: finalUrl !== url,
      headers: { get: (name) => (name.toLowerCase() === 'content-type' ? 'text/event-stream' : null) },
      body: { getReader: () => reader, cancel: () => reader.cancel() },
    };
  }
  // The error of a connection the standard re-establishes, or reconnect-limit past maxAttempts.
  function reestablishing(reasons, minimumDelay = 0) {
    return { reasons, state: CONNECTING, minimumDelay };
  }

  function checkRequest(k, url, init) {
    if (url !== model.url) fail(`request ${k} to ${url}, expected ${model.url} (the final URL of the last redirect)`);
    const expectedId = model.lastEventId === '' ? null : byteString(model.lastEventId);
    if ((init.headers['Last-Event-ID'] ?? null) !== expectedId) {
      fail(`request ${k} Last-Event-ID ${JSON.stringify(init.headers['Last-Event-ID'])}, expected ${JSON.stringify(expectedId)}`);
    }
    if (k === 0) return;
    const error = [...log].reverse().find((e) => e.type === 'error' && e.delay !== undefined);
    if (!error) {
      fail(`request ${k} with no error event before it`);
      return;
    }
    if (clock.now !== error.at + error.delay) fail(`request ${k} at ${clock.now} ms, expected ${error.at} + ${error.delay}`);
  }

  // Settles what the response that just ended must have dispatched, and moves the model on.
  function closeBody(body, { exact }) {
    if (!body || body.checked) return;
    body.checked = true;
    const outcome = expectedOutcome(body.lines, body.delivered, body.stateBefore);
    const got = log.filter((e) => e.response === body.k && e.type !== 'open' && e.type !== 'error').map((e) => [e.type, e.data, e.lastEventId]);
    const want = outcome.messages;
    const prefix = want.slice(0, got.length);
    if (JSON.stringify(got) !== JSON.stringify(prefix) || (exact && got.length !== want.length)) {
      fail(`response ${body.k}: messages ${JSON.stringify(got)}, expected ${exact ? '' : 'a prefix of '}${JSON.stringify(want)}`);
    }
    model.lastEventId = outcome.lastEventId;
    model.reconnectionTime = outcome.reconnectionTime;
    if (got.length > 0) model.failures = 0;
  }

  function onEvent(event, index) {
    const state = source.readyState;
    const entry = { type: event.type, data: event.data, lastEventId: event.lastEventId, state, at: clock.now, response: requests.length - 1 };
    if (event.type === 'error' && !('data' in event)) {
      entry.reason = event.reason;
      entry.cause = event.cause; // reconnect-limit: the failure that was one too many
      entry.delay = event.reconnectDelay;
    }
    log.push(entry);
    if (lastState === CLOSED) fail(`${event.type} dispatched after CLOSED`);
    const isOpen = event.type === 'open' && !('data' in event);
    const isError = entry.reason !== undefined;
    if (isOpen && (state !== OPEN || lastState !== CONNECTING)) fail(`open with readyState ${lastState} → ${state}`);
    if (!isOpen && !isError && state !== OPEN) fail(`message with readyState ${state}`);
    if (isError) checkError(entry);
    lastState = state;
    performAction(scenario.actions[index]);
  }

  function checkError(entry) {
    const underlying = entry.reason === 'reconnect-limit' ? entry.cause : entry.reason;
    closeBody(current, { exact: underlying !== 'heartbeat-timeout' });
    current = null;
    const end = expectedEnd;
    expectedEnd = null;
    let expected = end;
    if (underlying === 'heartbeat-timeout') expected = { reasons: ['heartbeat-timeout'], state: CONNECTING, minimumDelay: 0 };
    if (expected === null) {
      fail(`unexpected error ${entry.reason}`);
      return;
    }
    if (expected.state === CONNECTING) {
      model.failures++;
      if (policy?.maxAttempts !== undefined && model.failures > policy.maxAttempts) expected = { reasons: ['reconnect-limit'], state: CLOSED };
    }
    if (!expected.reasons.includes(entry.reason)) fail(`error reason ${entry.reason}, expected ${expected.reasons.join(' or ')}`);
    if (entry.state !== expected.state) fail(`error ${entry.reason} with readyState ${entry.state}, expected ${expected.state}`);
    if (entry.state !== CONNECTING) return;
    const rt = Math.min(model.reconnectionTime, MAX_TIMEOUT);
    if (!policy) {
      if (entry.delay !== Math.max(rt, expected.minimumDelay)) fail(`reconnectDelay ${entry.delay}, expected ${rt}`);
    } else {
      const factor = policy.factor ?? 2;
      const cap = Math.min(MAX_TIMEOUT, Math.max(rt, Math.min(policy.maxDelay ?? 30000, model.reconnectionTime * factor ** (model.failures - 1)), expected.minimumDelay));
      const floor = Math.min(MAX_TIMEOUT, Math.max(rt, expected.minimumDelay));
      if (!(entry.delay >= floor - 1e-6 && entry.delay <= cap + 1e-6)) fail(`reconnectDelay ${entry.delay}, expected within [${floor}, ${cap}]`);
    }
  }

  const extra = () => {}; // a listener actions add and remove
  function performAction(action) {
    switch (action) {
      case 'close':
        source.close();
        closeBody(current, { exact: false });
        current = null;
        lastState = CLOSED;
        break;
      case 'throw':
        throw new ListenerError('a listener failed (scripted)');
      case 'add-listener':
        source.addEventListener('message', extra);
        break;
      case 'remove-listener':
        source.removeEventListener('message', extra);
        break;
      case 'set-onmessage':
        source.onmessage = () => {};
        break;
      case 'unset-onmessage':
        source.onmessage = null;
        break;
    }
  }

  // The run: construct, then let the fake clock go until the source is closed or idle.
  let dispatched = 0;
  source = new EventSource(BASE, { ...options, fetch: scriptedFetch });
  const types = ['open', 'message', 'error', 'ping', 'update'];
  for (const type of types) source.addEventListener(type, (event) => onEvent(event, dispatched++));
  if (scenario.closeAt !== null) {
    clock.asFuzzer(() =>
      setTimeout(() => {
        source.close();
        closeBody(current, { exact: false });
        current = null;
        lastState = CLOSED;
      }, scenario.closeAt),
    );
  }
  await flush();
  for (let steps = 0; steps < 400 && violations.length === 0; steps++) {
    if (source.readyState === CLOSED && clock.nextAt() === null) break;
    if (clock.now > 600_000) break; // ten fake minutes: a hang or a long wait, enough
    if (!(await clock.advance(flush))) break;
    await flush();
  }
  // The end: close, and nothing of the source may be left.
  source.close();
  lastState = CLOSED;
  await flush();
  const timers = clock.sourceTimers();
  if (timers.length > 0) fail(`${timers.length} timer(s) of the source left after close()`);
  for (const body of bodies) {
    if (body.pending !== null && !body.aborted && !body.cancelled) fail(`response ${body.k}: a read left pending after close()`);
  }
  return violations[0] ?? null;
}
