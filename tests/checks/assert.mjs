// A few assertions for the shared checks (tests/checks), which run in Node and in browsers alike,
// where node:assert is not available. Each throws an Error whose message says what differed.

function show(value) {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return String(value);
  try {
    return JSON.stringify(value, (key, v) => (v === undefined ? '«undefined»' : v));
  } catch {
    return String(value);
  }
}

function fail(message, detail) {
  throw new Error(message ? `${message}: ${detail}` : detail);
}

export function ok(value, message) {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Equality of plain data (objects, arrays, strings, numbers, booleans, null, undefined). */
export function deepEqual(actual, expected, message) {
  if (show(actual) !== show(expected)) fail(message, `expected ${show(expected)}\n     got ${show(actual)}`);
}

/** `fn` throws an error named `expected` (a class, or a name such as a DOMException's) whose
 *  message matches `pattern`; returns the error. By name, so that it holds across realms. */
export function throws(fn, expected, pattern, message) {
  const name = typeof expected === 'string' ? expected : expected.name;
  try {
    fn();
  } catch (error) {
    if (error?.name !== name) fail(message, `expected a ${name}, got ${error?.name}: ${error?.message}`);
    if (pattern && !pattern.test(error.message)) fail(message, `the message ${show(error.message)} does not match ${pattern}`);
    return error;
  }
  fail(message, `expected a ${name}, nothing was thrown`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition()` holds, or fails after `ms`. */
export async function until(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) fail(what, `not within ${ms} ms`);
    await sleep(5);
  }
}
