// What every engine driver shares: the in-page side of evaluate() and waitForFunction() for
// drivers that can only send script text (WebDriver classic), and the JSON round trip that
// makes every engine return the same values (undefined properties dropped, as JSON does).

/** A value as it crosses from the page: JSON, so that all engines agree on undefined and the like. */
export const normalize = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * The body of a WebDriver "execute async script" that calls `fn(arg)` and reports
 * { value } (JSON text) or { error }; the driver's callback is the last argument.
 */
export function asyncScriptBody(fn) {
  return `const done = arguments[arguments.length - 1];
Promise.resolve()
  .then(() => (${fn})(JSON.parse(arguments[0])))
  .then((value) => done({ json: value === undefined ? null : JSON.stringify(value) }),
        (error) => done({ error: String(error && error.stack ? error.message : error) }));`;
}

/** The same for waiting: polls `fn(arg)` every `polling` ms until truthy or `timeout` ms passed. */
export function waitScriptBody(fn, { timeout, polling }) {
  return `const done = arguments[arguments.length - 1];
const arg = JSON.parse(arguments[0]);
const deadline = performance.now() + ${Number(timeout)};
const tick = () => {
  let value;
  try { value = (${fn})(arg); } catch (error) { done({ error: String(error && error.message || error) }); return; }
  if (value) done({ json: JSON.stringify(value) });
  else if (performance.now() > deadline) done({ error: 'waitForFunction: timed out after ${Number(timeout)} ms' });
  else setTimeout(tick, ${Number(polling)});
};
tick();`;
}

/**
 * Installed in a page by drivers whose protocol reports no page errors or console messages:
 * records uncaught errors, unhandled rejections and console.error calls from then on.
 */
export function recordProblemsInPage() {
  if (window.__engineProblems) return;
  const problems = (window.__engineProblems = []);
  window.addEventListener('error', (event) => problems.push(`pageerror: ${event.message}`));
  window.addEventListener('unhandledrejection', (event) => problems.push(`pageerror: ${event.reason?.message ?? event.reason}`));
  const original = console.error;
  console.error = (...args) => {
    problems.push(`console.error: ${args.map(String).join(' ')}`);
    return original.apply(console, args);
  };
}
