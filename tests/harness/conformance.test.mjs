// The conformance runner (harness/run.mjs) in every engine: on every shipped scenario
// (harness/scenarios) the polyfill must agree with that engine's own EventSource, except the
// differences listed for that engine with a reason in harness/known-differences.json — each of
// which must still differ. In Chromium, the npm `eventsource` package runs on a few scenarios to
// show the harness measures other implementations (its agreement is not asserted).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchEngine, parseEngines } from '../../harness/engines/index.mjs';

import { loadScenarios, startScenarioServer } from '../../harness/server.mjs';
import { defaultKnownDifferences, defaultScenariosDir, delayBucket, diffTraces, htmlReport, repoRoot, requestDelay, requestTrace, runConformance } from '../../harness/run.mjs';


let browser;

before(async () => {
  assert.ok(existsSync(path.join(repoRoot, 'dist', 'wasm-eventsource.js')), 'dist/ is missing: run `npm run build` first');
  browser = await launchEngine('chromium');
});

after(async () => {
  await browser?.close();
});

const known = existsSync(defaultKnownDifferences) ? JSON.parse(readFileSync(defaultKnownDifferences, 'utf8')) : {};

describe('conformance: known differences', () => {
  test('at least 60 scenarios ship, all valid', async () => {
    const scenarios = await loadScenarios(defaultScenariosDir);
    assert.ok(scenarios.size >= 60, `${scenarios.size} scenarios`);
  });

  test('known-differences.json: per engine, every entry names a shipped scenario, an implementation and a reason', async () => {
    const scenarios = await loadScenarios(defaultScenariosDir);
    for (const [engine, entries] of Object.entries(known)) {
      if (engine.startsWith('$')) continue;
      assert.deepEqual(parseEngines(engine), [engine], `${engine}: an engine`);
      for (const [name, impls] of Object.entries(entries)) {
        assert.ok(scenarios.has(name), `${engine}: known difference for "${name}": no such scenario`);
        for (const [impl, reason] of Object.entries(impls)) {
          assert.notEqual(impl, 'native', `${engine} / ${name}: native is the reference`);
          assert.equal(typeof reason, 'string', `${engine} / ${name} / ${impl}: the reason must be a string`);
          assert.ok(reason.trim().length >= 10, `${engine} / ${name} / ${impl}: give a reason`);
        }
      }
    }
  });
});

for (const engine of parseEngines(process.env.BROWSER_ENGINES || 'all')) {
  test(`${engine}: the polyfill agrees with ${engine}'s own EventSource except listed differences, and every listed difference still differs`, async (t) => {
    const engineBrowser = engine === 'chromium' ? browser : await launchEngine(engine);
    try {
      const { results, table } = await runConformance({ engine, impls: ['native', 'polyfill'], browser: engineBrowser });
      t.diagnostic(`\n${table}`);
      const problems = [];
      for (const result of results) {
        if (result.impl === 'native') {
          if (result.status === 'error') problems.push(`${result.scenario}: native run failed: ${result.error}`);
          continue;
        }
        if (result.status === 'error') problems.push(`${result.scenario}: harness error: ${result.error}`);
        if (result.status === 'stale') problems.push(`${result.scenario}: listed as a known difference ("${result.reason}") but now agrees: remove the entry`);
        if (result.status === 'differ') {
          problems.push(`${result.scenario}: the polyfill differs from native:\n${result.diff.map((d) => `    ${d.section}[${d.index ?? ''}] expected ${JSON.stringify(d.expected)} actual ${JSON.stringify(d.actual)}`).join('\n')}`);
        }
        if (result.pageErrors.length) problems.push(`${result.scenario}: errors in the page: ${result.pageErrors.join(' | ')}`);
      }
      assert.deepEqual(problems, []);
      const polyfill = results.filter((r) => r.impl === 'polyfill');
      assert.ok(polyfill.length >= 60);
      assert.ok(polyfill.every((r) => r.trace.events.length > 0 || r.trace.requests.length > 0 || r.native.events.length === 0));
    } finally {
      if (engineBrowser !== browser) await engineBrowser.close();
    }
  });
}

describe('conformance: another implementation (npm:eventsource)', () => {
  test('the harness bundles the package and records its traces', async () => {
    const scenarios = await loadScenarios(defaultScenariosDir);
    // a handful of scenarios, a few categories
    const picked = [];
    const categories = new Set();
    for (const [name, scenario] of scenarios) {
      if (picked.length >= 5) break;
      if (categories.has(scenario.category) && scenarios.size > 5) continue;
      categories.add(scenario.category);
      picked.push(name);
    }
    const { results, table } = await runConformance({ scenarios, only: picked, impls: ['native', 'npm:eventsource'], browser });
    const mine = results.filter((r) => r.impl === 'npm:eventsource');
    assert.equal(mine.length, picked.length);
    for (const result of mine) {
      assert.notEqual(result.status, 'error', `${result.scenario}: ${result.error}`);
      assert.ok(Array.isArray(result.trace.events) && Array.isArray(result.trace.requests));
      assert.ok(result.trace.requests.length > 0 || result.native.requests.length === 0, `${result.scenario}: the package made its requests`);
    }
    assert.match(table, /npm:eventsource/);
    const html = htmlReport({ results, impls: ['native', 'npm:eventsource'] });
    assert.match(html, /<table class="summary">/);
  });
});

describe('runner: traces of scenarios built in code', () => {
  test('events, close rules, requests with Last-Event-ID and delay buckets; a difference is reported', async () => {
    const scenarios = new Map([
      [
        'code-reconnect',
        {
          category: 'reconnection',
          client: { listen: ['ping'], close: { onError: 2 } },
          responses: [
            { chunks: ['retry: 100\nid: 1\ndata: a\n\n', 'event: ping\ndata: p\n\n'] },
            { chunks: ['data: b\n\n', { delay: 50 }], end: 'reset' },
          ],
        },
      ],
      ['code-close-on-open', { client: { close: { onOpen: true } }, responses: [{ chunks: ['data: never\n\n'], end: 'hang' }] }],
      [
        'code-redirect',
        {
          client: { close: { afterEvents: 1 } },
          responses: [{ redirect: { status: 307, path: '/moved' } }, { chunks: ['data: a\n\n'], end: 'hang' }],
        },
      ],
    ]);
    const { results } = await runConformance({ scenarios, impls: ['native', 'polyfill'], browser, known: {} });
    const get = (name, impl) => results.find((r) => r.scenario === name && r.impl === impl);
    const native = get('code-reconnect', 'native').trace;
    assert.deepEqual(native.events, [
      { type: 'open', readyState: 1 },
      { type: 'message', data: 'a', lastEventId: '1', origin: 'A', readyState: 1 },
      { type: 'ping', data: 'p', lastEventId: '1', origin: 'A', readyState: 1 },
      { type: 'error', readyState: 0 },
      { type: 'open', readyState: 1 },
      { type: 'message', data: 'b', lastEventId: '1', origin: 'A', readyState: 1 },
      { type: 'error', readyState: 0 },
      { action: 'close', readyState: 2 },
    ]);
    // retry: 100 puts the reconnection in the 50-250 ms bucket; a loaded machine can push
    // Chromium's timer into the next one, never below.
    const { delay, ...reconnection } = native.requests[1];
    assert.ok(['50-250ms', '250ms-1s'].includes(delay), `delay bucket ${delay}`);
    assert.deepEqual([native.requests[0], reconnection], [
      { method: 'GET', origin: 'A', path: '/', headers: { accept: 'text/event-stream' } },
      { method: 'GET', origin: 'A', path: '/', headers: { accept: 'text/event-stream', 'last-event-id': '1' } },
    ]);
    assert.equal(get('code-reconnect', 'polyfill').status, 'agree');
    assert.deepEqual(get('code-close-on-open', 'native').trace.events, [{ type: 'open', readyState: 1 }, { action: 'close', readyState: 2 }]);
    assert.equal(get('code-close-on-open', 'polyfill').status, 'agree');
    // The request that follows a redirect: one bucket under a second (the engine's fetch follows it).
    assert.deepEqual(get('code-redirect', 'native').trace.requests.map((request) => [request.path, request.delay]), [
      ['/', undefined],
      ['/moved', '<1s after a redirect'],
    ]);
    assert.equal(get('code-redirect', 'polyfill').status, 'agree');

    const changed = structuredClone(native);
    changed.events[1].data = 'changed';
    assert.deepEqual(diffTraces(native, changed), [{ section: 'events', index: 1, expected: native.events[1], actual: changed.events[1] }]);
  });

  test('delay buckets', () => {
    assert.deepEqual([0, 49, 50, 249, 250, 999, 1000, 2499, 2500, 4999, 5000].map(delayBucket), [
      '<50ms', '<50ms', '50-250ms', '50-250ms', '250ms-1s', '250ms-1s', '1-2.5s', '1-2.5s', '2.5-5s', '2.5-5s', '>5s',
    ]);
    // After a redirect, under a second is one bucket; a reconnection's delay keeps its own.
    const after = (redirected, ms) => requestDelay({ time: 1000, redirected }, { time: 1000 + ms });
    assert.deepEqual([after(true, 10), after(true, 60), after(true, 999), after(true, 3000), after(false, 60)], [
      '<1s after a redirect', '<1s after a redirect', '<1s after a redirect', '2.5-5s', '50-250ms',
    ]);
  });

  test('requests as traced: the headers asked for, those sent; the Origin header named; delays from the second request on', () => {
    const log = [
      { time: 0, method: 'GET', origin: 'A', subpath: '', headers: { accept: 'text/event-stream', origin: 'http://a', 'user-agent': 'x' } },
      { time: 300, method: 'GET', origin: 'A', subpath: '', headers: { accept: 'text/event-stream', 'last-event-id': '7' }, redirected: true },
      { time: 320, method: 'GET', origin: 'B', subpath: '/next', headers: {} },
    ];
    const name = (value) => (value === 'http://a' ? 'A' : value);
    assert.deepEqual(requestTrace(log, ['accept', 'last-event-id', 'origin'], name), [
      { method: 'GET', origin: 'A', path: '', headers: { accept: 'text/event-stream', origin: 'A' } },
      { method: 'GET', origin: 'A', path: '', headers: { accept: 'text/event-stream', 'last-event-id': '7' }, delay: '250ms-1s' },
      { method: 'GET', origin: 'B', path: '/next', headers: {}, delay: '<1s after a redirect' },
    ]);
    assert.deepEqual(requestTrace(log, ['last-event-id']).map(({ headers }) => headers), [{}, { 'last-event-id': '7' }, {}]);
  });

  test('a server for scenarios built in code can be shared with the runner-free API', async () => {
    const server = await startScenarioServer({});
    try {
      server.addScenario('tiny', { responses: [{ chunks: ['data: x\n\n'] }] });
      const response = await fetch(server.streamUrl('tiny', 't'));
      assert.equal(await response.text(), 'data: x\n\n');
    } finally {
      await server.close();
    }
  });
});
