// The shared checks (tests/checks) in every browser engine, on dist/index.mjs, with buffers of an
// iframe's realm; Node runs the same ones (tests/js/checks.test.mjs). Also: the web-platform-tests
// rule that a message event is created in the Realm of the EventSource, with the drop-in loaded
// in an iframe and used from its parent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startScenarioServer } from '../../harness/server.mjs';
import { checkGroups } from '../checks/index.mjs';
import { sseHeaders } from '../support/sse-server.mjs';
import { forEachEngine, openPage, repoRoot } from './helpers.mjs';

let server;

before(async () => {
  server = await startScenarioServer({ staticDir: repoRoot });
});

after(async () => {
  await server?.close();
});

forEachEngine((engine) => {
  const results = new Map(); // group → [{ name, error, unhandled }]
  let watch;

  before(async () => {
    watch = await openPage(engine.browser);
    await watch.page.goto(`${server.originA}/tests/browser/pages/checks.html`);
    await watch.page.waitForFunction(() => window.checks?.ready);
    for (const group of await watch.page.evaluate(() => window.checks.groups)) {
      results.set(group, await watch.page.evaluate((g) => window.checks.runGroup(g), group));
    }
  });

  after(async () => {
    await watch?.close();
  });

  test('the checks page loaded and ran every group, without page errors', () => {
    assert.deepEqual([...results.keys()], Object.keys(checkGroups));
    watch.assertClean();
  });

  // The names are known only once the page has run, so each group is one test listing its checks.
  for (const group of Object.keys(checkGroups)) {
    test(`in ${engine.label}: ${group}`, () => {
      const outcomes = results.get(group);
      assert.ok(outcomes?.length > 0, 'the group ran');
      const failed = outcomes.filter((r) => r.error !== null || r.unhandled.length > 0);
      assert.deepEqual(failed, [], `${failed.length} of ${outcomes.length} checks failed`);
    });
  }

  describe('standard: the MessageEvent is created in the Realm of the EventSource', () => {
    test('the drop-in of an iframe, used from the parent: e.constructor is the iframe\'s MessageEvent', async () => {
      const path = '/realm-stream';
      const streamServer = server;
      streamServer.route?.(path, (req, res) => {
        res.writeHead(200, sseHeaders());
        res.write('data: realm\n\n');
      });
      const page = await openPage(engine.browser);
      try {
        await page.page.goto(`${server.originA}/tests/browser/pages/realm.html`);
        await page.page.waitForFunction(() => document.getElementById('child').contentWindow?.WasmEventSource);
        const outcome = await page.page.evaluate(
          () =>
            new Promise((resolve) => {
              const child = document.getElementById('child').contentWindow;
              // A data: URL, so that no server route is needed.
              const source = new child.WasmEventSource('data:text/event-stream,data:%20realm%0A%0A');
              source.onmessage = (e) => {
                source.close();
                resolve({
                  childRealm: e.constructor === child.MessageEvent,
                  parentRealm: e.constructor === MessageEvent,
                  instanceOfChild: e instanceof child.MessageEvent,
                  data: e.data,
                });
              };
            }),
        );
        assert.deepEqual(outcome, { childRealm: true, parentRealm: false, instanceOfChild: true, data: 'realm' });
        page.assertClean();
      } finally {
        await page.close();
      }
    });
  });
});
