// Shared by the Node fault-injection and security tests: the harness's scenario server
// (harness/server.mjs) for the file, one scenario and run token per use, EventSources closed
// and the run's stalled responses ended after each test, and the arithmetic of reconnect
// policies that the storm tests assert against.
import { startScenarioServer } from '../../harness/server.mjs';
import { EventSource } from './helpers.mjs';

/**
 * Per-file fixture, from the top level of a test file with node:test's hooks:
 *   const s = scenarioFixture({ before, after, afterEach });
 *   const stream = s.scenario('name', { responses: [...] });   // { url, urlB, requests(), gets(), run, name }
 *   const source = s.open(stream.url, init);                  // closed after the test
 */
export function scenarioFixture({ before, after, afterEach }) {
  const state = { server: null, sources: [], runs: [] };
  let counter = 0;
  before(async () => {
    state.server = await startScenarioServer({});
  });
  afterEach(() => {
    for (const source of state.sources.splice(0)) source.close();
    for (const run of state.runs.splice(0)) state.server.endRun(run);
  });
  after(async () => {
    for (const source of state.sources.splice(0)) source.close();
    await state.server.close();
  });
  /** Adds the scenario under a name of its own; its URLs and request log for a fresh run. */
  state.scenario = (name, scenario) => {
    const unique = `${name}-${++counter}`;
    const run = `node-${counter}`;
    state.server.addScenario(unique, scenario);
    state.runs.push(run);
    return {
      name: unique,
      run,
      url: state.server.streamUrl(unique, run, 'A'),
      urlB: state.server.streamUrl(unique, run, 'B'),
      requests: () => state.server.requests(unique, run),
      /** The requests that take a response (not OPTIONS or HEAD). */
      gets: () => state.server.requests(unique, run).filter((r) => r.method !== 'OPTIONS' && r.method !== 'HEAD'),
    };
  };
  state.open = (url, init) => {
    const source = init === undefined ? new EventSource(url) : new EventSource(url, init);
    state.sources.push(source);
    return source;
  };
  return state;
}

/** A list of events `{ id, data }` with ids "1", "2", … for the server's {events} chunks. */
export function numberedEvents(n, data = (i) => `event ${i}`) {
  return Array.from({ length: n }, (_, k) => ({ id: String(k + 1), data: data(k + 1) }));
}

// ---------------------------------------------------------------------------------------------
// Reconnect policies (README: "reconnect: { maxAttempts, factor, maxDelay, jitter }"): after the
// n-th consecutive failure the full delay is min(maxDelay, retry × factor^(n-1)); jitter takes up
// to that fraction off it; the wait is never below the reconnection time `retry`.

/** The range [min, max] the n-th (1-based) reconnect delay may take under `policy`. */
export function delayRange(policy, retry, n) {
  const factor = policy.factor ?? 2;
  const maxDelay = policy.maxDelay ?? 30000;
  const jitter = policy.jitter ?? 0.5;
  const full = Math.min(maxDelay, retry * factor ** (n - 1));
  return [Math.max(retry, full * (1 - jitter)), Math.max(retry, full)];
}

/**
 * The most requests a client under `policy` can make in `windowMs` from its first request:
 * 1 + the largest n with the sum of the n shortest possible delays ≤ windowMs.
 */
export function maxRequestsIn(policy, retry, windowMs) {
  let requests = 1;
  let elapsed = 0;
  for (let n = 1; ; n++) {
    elapsed += delayRange(policy, retry, n)[0];
    if (elapsed > windowMs) return requests;
    requests++;
  }
}

/** The steady-state bound, in requests per minute, once the backoff reached maxDelay. */
export function steadyRequestsPerMinute(policy) {
  return 60_000 / ((policy.maxDelay ?? 30000) * (1 - (policy.jitter ?? 0.5)));
}

/** Requests per minute over a list of request times (ms): (n - 1) intervals over the span. */
export function perMinute(times) {
  if (times.length < 2) return 0;
  return ((times.length - 1) / (times.at(-1) - times[0])) * 60_000;
}

/** The request header's bytes (Node gives header values as Latin-1 strings). */
export const headerBytes = (value) => (value === undefined ? undefined : Buffer.from(value, 'latin1'));
