// The second argument of new EventSource(url, init): the standard's EventSourceInit
// (withCredentials) and the opt-in extensions, checked once at construction. A value of the
// wrong type is a TypeError and a number out of range a RangeError, both naming the option, so
// that a mistake shows where it was made instead of as a failing connection later.
import { MAX_LIMIT, describeValue } from './session.js';

const DEFAULT_MAX_EVENT_BYTES = 0x1000000; // 16 MiB (a literal, as bundlers drop it when unused)
const MAX_TIMEOUT = 0x7fffffff; // setTimeout fires at once beyond it

function fail(ErrorClass, name, problem) {
  throw new ErrorClass(`Failed to construct 'EventSource': the option \`${name}\` ${problem}`);
}

function optionalNumber(name, value, { min = 0, integer = false } = {}) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(TypeError, name, `must be a number, got ${describeValue(value)}`);
  if (value < min) fail(RangeError, name, `must be at least ${min}, got ${value}`);
  if (integer && Number.isFinite(value) && !Number.isInteger(value)) fail(RangeError, name, `must be an integer, got ${value}`);
  return value;
}

function optionalFunction(name, value) {
  if (value !== undefined && typeof value !== 'function') fail(TypeError, name, `must be a function, got ${describeValue(value)}`);
  return value;
}

function checkSignal(signal) {
  if (signal === undefined || signal === null) return undefined;
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    fail(TypeError, 'signal', `must be an AbortSignal, got ${describeValue(signal)}`);
  }
  return signal;
}

function checkHeadersOption(headers) {
  if (headers === undefined || typeof headers === 'function') return headers;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    fail(TypeError, 'headers', `must be an object of header values or a function returning one, got ${describeValue(headers)}`);
  }
  return headers;
}

// What fetch() would refuse only once a request is made (a network error to the source, which
// would retry forever): refused here instead.
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
function checkMethod(method) {
  if (method === undefined) return undefined;
  if (typeof method !== 'string') fail(TypeError, 'method', `must be a string, got ${describeValue(method)}`);
  if (!HTTP_TOKEN.test(method)) fail(TypeError, 'method', `must be an HTTP method name, got ${JSON.stringify(method)}`);
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) fail(TypeError, 'method', `${method} is a forbidden method`);
  return method;
}

function checkBody(body, method) {
  if (body === undefined || body === null) return undefined;
  const upper = (method ?? 'GET').toUpperCase();
  if (upper === 'GET' || upper === 'HEAD') fail(TypeError, 'body', `cannot be sent with ${upper}: give a method such as POST`);
  // Every reconnection sends the body again, and a stream can be read only once.
  if (typeof body.getReader === 'function') fail(TypeError, 'body', 'cannot be a ReadableStream: it would be spent after the first request');
  return body;
}

function checkReconnect(reconnect) {
  if (reconnect === undefined || reconnect === null || reconnect === false) return undefined;
  if (reconnect === true) return {};
  if (typeof reconnect !== 'object') fail(TypeError, 'reconnect', `must be an object, got ${describeValue(reconnect)}`);
  const jitter = optionalNumber('reconnect.jitter', reconnect.jitter);
  if (jitter > 1) fail(RangeError, 'reconnect.jitter', `must be between 0 and 1, got ${jitter}`);
  return {
    maxAttempts: optionalNumber('reconnect.maxAttempts', reconnect.maxAttempts, { integer: true }),
    factor: optionalNumber('reconnect.factor', reconnect.factor, { min: 1 }),
    maxDelay: optionalNumber('reconnect.maxDelay', reconnect.maxDelay),
    jitter,
  };
}

// maxEventBytes (ours) drops an oversized event and stays open, or reconnects; maxBufferSize
// (eventsource 5's) fails the connection. Whichever limit is lower acts first; with neither, the
// default maxEventBytes applies.
function limits(init) {
  const eventBytes = optionalNumber('maxEventBytes', init.maxEventBytes);
  const bufferSize = optionalNumber('maxBufferSize', init.maxBufferSize);
  const oversizedEvents = init.oversizedEvents;
  if (oversizedEvents !== undefined && oversizedEvents !== 'skip' && oversizedEvents !== 'reconnect') {
    fail(TypeError, 'oversizedEvents', `must be 'skip' or 'reconnect', got ${describeValue(oversizedEvents)}`);
  }
  const clamp = (bytes) => Math.min(Math.floor(bytes), MAX_LIMIT);
  if (bufferSize !== undefined && (eventBytes === undefined || bufferSize <= eventBytes)) {
    return { limit: clamp(bufferSize), oversized: 'fail' };
  }
  return { limit: clamp(eventBytes ?? DEFAULT_MAX_EVENT_BYTES), oversized: oversizedEvents ?? 'skip' };
}

/** The checked options of `init` (undefined, null or an object, as WebIDL's dictionary). */
export function checkInit(init) {
  if (init === undefined || init === null) init = {};
  else if (typeof init !== 'object' && typeof init !== 'function') {
    throw new TypeError(`Failed to construct 'EventSource': the second argument must be an object, got ${describeValue(init)}`);
  }
  const method = checkMethod(init.method);
  const body = checkBody(init.body, method);
  let heartbeatTimeout = optionalNumber('heartbeatTimeout', init.heartbeatTimeout);
  if (heartbeatTimeout === 0 || heartbeatTimeout === Infinity) heartbeatTimeout = undefined; // none
  else if (heartbeatTimeout !== undefined) heartbeatTimeout = Math.min(heartbeatTimeout, MAX_TIMEOUT);
  return {
    withCredentials: Boolean(init.withCredentials),
    fetch: optionalFunction('fetch', init.fetch),
    headers: checkHeadersOption(init.headers),
    method,
    body,
    signal: checkSignal(init.signal),
    lastEventId: init.lastEventId == null ? undefined : String(init.lastEventId),
    heartbeatTimeout,
    reconnect: checkReconnect(init.reconnect),
    ...limits(init),
    shared: Boolean(init.shared),
    pauseWhenHidden: Boolean(init.pauseWhenHidden),
  };
}
