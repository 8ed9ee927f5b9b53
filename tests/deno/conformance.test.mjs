// The harness's scenarios in Deno, which has an EventSource of its own: the polyfill against
// Deno's EventSource on the same streams, as harness/run.mjs compares it with Chromium's. The
// scenario server runs here in Node; the harness page's client runs in Deno
// (scenario-client.mjs). Traces are the harness's (events with readyState, requests with their
// headers and delay buckets); a scenario whose traces differ fails unless
// known-differences.json names it with the reason, and a listed one that agrees fails too.
// Scenarios about cookies, credentials and CORS are left out: Deno has neither cookies nor CORS.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { diffTraces, requestTrace } from '../../harness/run.mjs';
import { loadScenarios, startScenarioServer } from '../../harness/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const deno = join(repoRoot, 'node_modules', '.bin', 'deno');
const known = JSON.parse(readFileSync(join(here, 'known-differences.json'), 'utf8'));
const IMPLS = { native: 'NativeEventSource', polyfill: 'WasmEventSource' };
const REQUEST_HEADERS = ['accept', 'last-event-id'];
const JOBS = 6;
const SETTLE_REQUESTS_MS = 60;

const applies = ({ category, client = {} }) =>
  category !== 'cors' && client.cookie === undefined && client.withCredentials === undefined;

let server;
let scenarios;
const traces = new Map(); // scenario → { native, polyfill }
const urlAsOrigin = new Set(); // scenarios where Deno's events had the URL as their origin

function runInDeno(runs) {
  return new Promise((resolve, reject) => {
    const child = spawn(deno, ['run', '--allow-net=127.0.0.1', '--allow-read', '--no-check', join(here, 'scenario-client.mjs')], {
      cwd: repoRoot,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`deno exited with ${code}: ${stderr}`));
      resolve(stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)));
    });
    child.stdin.end(JSON.stringify({ runs, jobs: JOBS }));
  });
}

// Runs every (scenario, implementation) of `names` once in Deno; returns their traces.
async function runScenarios(names, round) {
  const runs = [];
  for (const name of names) {
    const { client = {} } = scenarios.get(name);
    for (const [impl, global] of Object.entries(IMPLS)) {
      const run = `deno-${impl}-${round}-${[...scenarios.keys()].indexOf(name)}`;
      runs.push({
        key: JSON.stringify([name, impl, run]),
        options: {
          global,
          url: server.streamUrl(name, run, client.origin ?? 'A'),
          listen: client.listen ?? [],
          close: client.close,
          duration: client.duration ?? 2000,
        },
      });
    }
  }
  const results = await runInDeno(runs);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_REQUESTS_MS));
  const out = new Map();
  for (const { key, outcome } of results) {
    const [name, impl, run] = JSON.parse(key);
    server.endRun(run);
    for (const event of outcome.events) {
      if (typeof event.origin !== 'string') continue;
      // Deno's own EventSource gives events the stream's whole URL as their origin, not the
      // URL's origin: traced apart, compared as the origin (see the test below).
      if (impl === 'native' && [server.originA, server.originB].some((o) => event.origin.startsWith(`${o}/`))) urlAsOrigin.add(name);
      const origin = URL.canParse(event.origin) ? new URL(event.origin).origin : event.origin;
      event.origin = origin === server.originA ? 'A' : origin === server.originB ? 'B' : event.origin;
    }
    const trace = { events: outcome.events, requests: requestTrace(server.requests(name, run), REQUEST_HEADERS) };
    if (outcome.threw !== undefined) trace.threw = outcome.threw;
    if (!out.has(name)) out.set(name, {});
    out.get(name)[impl] = trace;
  }
  return out;
}

before(async () => {
  scenarios = new Map([...(await loadScenarios(join(repoRoot, 'harness', 'scenarios')))].filter(([, s]) => applies(s)));
  server = await startScenarioServer({ scenarios });
  const names = [...scenarios.keys()];
  for (const [name, pair] of await runScenarios(names, 0)) traces.set(name, pair);
  // Timing is coarse but the machine is shared: a scenario that differs is run once more, and
  // its second pair of traces counts.
  const differing = names.filter((name) => diffTraces(traces.get(name).native, traces.get(name).polyfill).length > 0);
  if (differing.length > 0) for (const [name, pair] of await runScenarios(differing, 1)) traces.set(name, pair);
});

after(() => server?.close());

test('the known differences name only scenarios that run here, each with a reason', () => {
  for (const [name, reason] of Object.entries(known)) {
    if (name.startsWith('$')) continue;
    assert.ok(scenarios.has(name), `${name} is a scenario that runs in Deno`);
    assert.equal(typeof reason, 'string');
  }
  assert.ok(scenarios.size >= 100, `${scenarios.size} scenarios`);
});

test("Deno's own EventSource gives its events the stream's URL as origin (the polyfill: the URL's origin, as the standard says)", () => {
  const withMessages = [...traces].filter(([, pair]) => pair.native.events.some((e) => e.origin !== undefined)).map(([name]) => name);
  assert.ok(withMessages.length > 50);
  assert.deepEqual(withMessages.filter((name) => !urlAsOrigin.has(name)), [], 'if Deno now gives the origin, drop the mapping above');
});

describe('the polyfill against Deno\'s EventSource', () => {
  for (const name of readdirScenarioNames()) {
    test(name, () => {
      const pair = traces.get(name);
      assert.ok(pair?.native && pair?.polyfill, 'both ran');
      const diff = diffTraces(pair.native, pair.polyfill);
      if (known[name] !== undefined) {
        assert.notDeepEqual(diff, [], `listed as a known difference (${known[name]}) but the traces agree: remove the entry`);
      } else {
        assert.deepEqual(diff, [], 'the traces differ');
      }
    });
  }
});

// (node:test needs the test names before `before` runs: the scenario files, read synchronously.)
function readdirScenarioNames() {
  const dir = join(repoRoot, 'harness', 'scenarios');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .filter((file) => applies(JSON.parse(readFileSync(join(dir, file), 'utf8'))))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
