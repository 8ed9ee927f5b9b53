// Scenarios for the EventSource fuzzer, drawn from a seed: the source's options, what each
// request gets (a stream cut somewhere, an HTTP error, a wrong type, a network error, a hang…),
// what listeners do at which event, and when the user closes; and the ways to shrink one.

/** A small seeded generator (mulberry32). */
export function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

const WORDS = ['a', 'hello', 'x y', 'é', '😀', 'data: inside', '42', '{"n":1}', ''];

function block(r, index) {
  const lines = [];
  if (r.chance(0.2)) lines.push([':', r.pick(['', ' keep-alive', 'x'])]);
  if (r.chance(0.3)) lines.push(['event', r.pick(['', 'ping', 'update', 'message'])]);
  if (r.chance(0.4)) lines.push(['id', r.chance(0.1) ? '' : `${index}${r.pick(['', '-x', ' é'])}`]);
  if (r.chance(0.15)) lines.push(['retry', r.pick(['0', '5', '120', '1500', '', 'x1', '99999999999999'])]);
  if (r.chance(0.1)) lines.push(['bogus', 'ignored']);
  const dataLines = r.chance(0.15) ? 0 : 1 + r.int(3);
  for (let i = 0; i < dataLines; i++) lines.push(['data', r.pick(WORDS)]);
  return { lines };
}

function streamResponse(r) {
  const blocks = Array.from({ length: r.int(6) }, (_, i) => block(r, r.int(1000) * 10 + i));
  return {
    kind: 'stream',
    blocks,
    eol: r.pick(['\n', '\n', '\r\n', '\r']),
    // Bytes per chunk and the fake ms before each.
    chunkSizes: Array.from({ length: 40 }, () => r.pick([1, 2, 3, 7, 16, 64, 1000])),
    chunkDelays: Array.from({ length: 40 }, () => (r.chance(0.7) ? 0 : r.pick([5, 50, 400, 1500]))),
    cutAt: r.chance(0.5) ? null : r.next(), // the fraction of the stream that arrives
    end: r.pick(['close', 'close', 'reset', 'stall']),
    redirectTo: r.chance(0.15) ? `/moved-${r.int(3)}` : null,
  };
}

function response(r) {
  const kind = r.pick(['stream', 'stream', 'stream', 'stream', 'status', 'mime', 'network', 'hang', 'invalid']);
  if (kind === 'stream') return streamResponse(r);
  if (kind === 'status') {
    return { kind, status: r.pick([204, 404, 500, 503, 429]), retryAfter: r.chance(0.3) ? r.pick([0, 1, 2]) : null };
  }
  return { kind };
}

/** The scenario of `seed`. */
export function scenarioOf(seed) {
  const r = random(seed);
  const options = {};
  if (r.chance(0.2)) options.lastEventId = r.pick(['7', 'start', 'é']);
  if (r.chance(0.3)) options.heartbeatTimeout = r.pick([100, 1000, 2500]);
  if (r.chance(0.3)) {
    options.reconnect = { factor: r.pick([1, 2, 3]), maxDelay: r.pick([50, 1000, 10000]), jitter: r.pick([0, 0.5, 1]) };
    if (r.chance(0.5)) options.reconnect.maxAttempts = r.int(4);
  }
  const actions = {}; // dispatch index → what a listener does then
  for (let i = 0; i < 30; i++) {
    if (r.chance(0.12)) actions[i] = r.pick(['close', 'throw', 'add-listener', 'remove-listener', 'set-onmessage', 'unset-onmessage']);
  }
  return {
    seed,
    options,
    responses: Array.from({ length: 1 + r.int(6) }, () => response(r)),
    actions,
    closeAt: r.chance(0.3) ? r.pick([0, 1, 10, 100, 1000, 5000, 20000]) : null,
    randomSeed: r.int(2 ** 31),
  };
}

/** Smaller variants of `scenario`, the most promising first. */
export function* shrinkings(scenario) {
  const copy = () => structuredClone(scenario);
  for (let i = scenario.responses.length - 1; i >= 0; i--) {
    const next = copy();
    next.responses.splice(i, 1);
    yield next;
  }
  for (const key of Object.keys(scenario.actions)) {
    const next = copy();
    delete next.actions[key];
    yield next;
  }
  if (scenario.closeAt !== null) yield { ...copy(), closeAt: null };
  for (const key of ['heartbeatTimeout', 'reconnect', 'lastEventId']) {
    if (key in scenario.options) {
      const next = copy();
      delete next.options[key];
      yield next;
    }
  }
  for (const [i, response] of scenario.responses.entries()) {
    if (response.kind !== 'stream') continue;
    for (let b = response.blocks.length - 1; b >= 0; b--) {
      const next = copy();
      next.responses[i].blocks.splice(b, 1);
      yield next;
    }
    if (response.chunkDelays.some((d) => d !== 0)) {
      const next = copy();
      next.responses[i].chunkDelays = response.chunkDelays.map(() => 0);
      yield next;
    }
    if (response.cutAt !== null) {
      const next = copy();
      next.responses[i].cutAt = null;
      yield next;
    }
  }
}
