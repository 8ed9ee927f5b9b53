// Async iteration of an EventSource (`for await (const event of source)`, source.events()): the
// events in order from the moment the iterator is made, the end at CLOSED, the source closed when
// the loop leaves early, and the bounded queue of events the loop has not taken yet. Also the
// options `shared` and `pauseWhenHidden` where there is nothing to share and no page (Node).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, test } from 'node:test';

import { EventSource as SharingEventSource } from '../../dist/shared.mjs';
import { skipIn } from '../support/runtime.mjs';
import { CLOSED, CONNECTING, EventSource, OPEN, fixture, heldStream, sleep, uniquePath, waitFor } from './helpers.mjs';

const t = fixture({ before, after, afterEach });

const events = (count, from = 1) => Array.from({ length: count }, (_, k) => `id: ${from + k}\ndata: e${from + k}\n\n`).join('');

describe('for await … of source', () => {
  test('yields the message events in order; break closes the source and its connection', async () => {
    const stream = heldStream(t.server, uniquePath());
    const source = t.open(stream.url);
    const res = await stream.response(0);
    res.write(events(3));
    const seen = [];
    for await (const event of source) {
      assert.ok(event instanceof MessageEvent);
      seen.push([event.type, event.data, event.lastEventId]);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, [['message', 'e1', '1'], ['message', 'e2', '2'], ['message', 'e3', '3']]);
    assert.equal(source.readyState, CLOSED);
    await waitFor(() => res.destroyed || res.writableEnded || res.socket?.destroyed, { message: 'the connection closed' });
  });

  test('an exception in the loop closes the source too', async () => {
    const source = t.open(t.stream(uniquePath(), events(2), { end: false }));
    await assert.rejects(async () => {
      for await (const event of source) throw new Error(`stop at ${event.data}`);
    }, /stop at e1/);
    assert.equal(source.readyState, CLOSED);
  });

  test('the loop ends once the source is CLOSED, after the events it had not taken yet: close() elsewhere, or a failure', async () => {
    const stream = heldStream(t.server, uniquePath());
    const source = t.open(stream.url);
    const iterator = source.events();
    (await stream.response(0)).write(events(2));
    await waitFor(() => source.lastEventId === '2');
    source.close();
    const seen = [];
    for await (const event of iterator) seen.push(event.data);
    assert.deepEqual(seen, ['e1', 'e2']);

    const path = uniquePath();
    t.server.route(path, (req, res) => {
      res.writeHead(404);
      res.end();
    });
    const failing = t.open(t.server.url + path);
    const got = [];
    for await (const event of failing.events({ types: ['message', 'error'] })) got.push([event.type, event.reason, failing.readyState]);
    assert.deepEqual(got, [['error', 'http-status', CLOSED]], 'the failure\'s error event, then the end');
  });

  test('events({ types }): named events on request, the message events only when listed; events come from the moment the iterator is made', async () => {
    const stream = heldStream(t.server, uniquePath());
    const source = t.open(stream.url);
    const iterator = source.events({ types: ['ping', 'open'] });
    const res = await stream.response(0);
    res.write('event: ping\ndata: p1\n\ndata: m1\n\nevent: ping\ndata: p2\n\n');
    await waitFor(() => source.readyState === OPEN);
    await sleep(50); // (all dispatched before the first next())
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const { value, done } = await iterator.next();
      assert.equal(done, false);
      seen.push([value.type, value.data]);
    }
    assert.deepEqual(seen, [['open', undefined], ['ping', 'p1'], ['ping', 'p2']]);
    assert.deepEqual(await iterator.return(), { value: undefined, done: true });
    assert.equal(source.readyState, CLOSED, 'return() closes the source');
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
    const single = t.open(t.stream(uniquePath(), 'event: ping\ndata: only\n\n', { end: false })).events({ types: 'ping' });
    assert.equal((await single.next()).value.data, 'only', 'a single type as a string');
    await single.return();
  });

  test('a signal ends the loop: it throws the abort reason, and the source is closed', async () => {
    const source = t.open(t.stream(uniquePath(), events(1), { end: false }));
    const controller = new AbortController();
    const seen = [];
    await assert.rejects(async () => {
      for await (const event of source.events({ signal: controller.signal })) {
        seen.push(event.data);
        controller.abort(new Error('enough'));
      }
    }, /enough/);
    assert.deepEqual(seen, ['e1']);
    assert.equal(source.readyState, CLOSED);
    const aborted = t.open(t.stream(uniquePath(), events(1), { end: false }));
    await assert.rejects(aborted.events({ signal: AbortSignal.abort() }).next(), { name: 'AbortError' });
    assert.equal(aborted.readyState, CLOSED, 'an aborted signal closes it at once');
  });

  test('bounded: past bufferSize events not taken, the source is closed and the loop throws a RangeError after the queued ones', async () => {
    const stream = heldStream(t.server, uniquePath());
    const source = t.open(stream.url);
    const iterator = source.events({ bufferSize: 10 });
    (await stream.response(0)).write(events(50));
    await waitFor(() => source.readyState === CLOSED, { message: 'the overflow closes the source' });
    const seen = [];
    await assert.rejects(async () => {
      for await (const event of iterator) seen.push(event.lastEventId);
    }, (error) => error instanceof RangeError && /EventSource closed: the loop fell more than 10 events behind/.test(error.message));
    assert.deepEqual(seen, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'], 'the queued events first, in order');
    assert.equal(source.lastEventId, '11', 'the event that did not fit was the last one taken from the stream');
  });

  test("bounded, overflow 'drop-oldest': the loop gets the latest bufferSize events and the source stays open", async () => {
    const stream = heldStream(t.server, uniquePath());
    const source = t.open(stream.url);
    const iterator = source.events({ bufferSize: 10, overflow: 'drop-oldest' });
    (await stream.response(0)).write(events(50));
    await waitFor(() => source.lastEventId === '50');
    const seen = [];
    for await (const event of iterator) {
      seen.push(event.lastEventId);
      if (seen.length === 10) break;
    }
    assert.deepEqual(seen, ['41', '42', '43', '44', '45', '46', '47', '48', '49', '50']);
  });

  test('options out of range are a RangeError; the default bufferSize is 1000', async () => {
    const source = t.open(t.stream(uniquePath(), events(1), { end: false }));
    for (const options of [{ bufferSize: 0 }, { bufferSize: NaN }, { bufferSize: '10' }, { overflow: 'drop' }]) {
      assert.throws(() => source.events(options), RangeError, JSON.stringify(options));
    }
    assert.equal(source.readyState, CONNECTING, 'a wrong option changes nothing');
    const stream = heldStream(t.server, uniquePath());
    const big = t.open(stream.url);
    const iterator = big.events();
    (await stream.response(0)).write(events(1001));
    await waitFor(() => big.readyState === CLOSED);
    assert.equal(big.lastEventId, '1001');
    await iterator.return();
  });
});

describe('shared and pauseWhenHidden in Node', () => {
  const nodeCli = 'runs `node` with its own flags';
  test("shared: true without wasm-eventsource/shared is a TypeError naming the import (a process of its own: this one imported it)", { skip: skipIn({ deno: nodeCli, bun: nodeCli }) }, async () => {
    const script = `import { EventSource } from ${JSON.stringify(new URL('../../dist/index.mjs', import.meta.url).href)};
      try { new EventSource('http://127.0.0.1:1/', { shared: true }); console.log('no error'); }
      catch (error) { console.log(error.constructor.name, error.message); }`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.match(stdout, /^TypeError .*import 'wasm-eventsource\/shared'/);
  });

  // (Deno has Web Locks and a BroadcastChannel: there the two share.)
  const canShare = typeof globalThis.navigator?.locks?.request === 'function' && typeof BroadcastChannel === 'function';
  test(`with wasm-eventsource/shared, ${canShare ? 'where there are Web Locks and a BroadcastChannel (here) two sources share one connection' : 'where there are no Web Locks (here) each source connects by itself'}; options that cannot be compared across tabs are a TypeError all the same`, async () => {
    const path = uniquePath();
    const url = t.stream(path, events(2), { end: false });
    const sources = [new SharingEventSource(url, { shared: true }), new SharingEventSource(url, { shared: true })];
    try {
      await waitFor(() => sources.every((source) => source.lastEventId === '2'));
      assert.equal(t.server.requestsTo(path).length, canShare ? 1 : 2);
    } finally {
      for (const source of sources) source.close();
    }
    assert.equal(SharingEventSource, EventSource, 'one class');
    assert.throws(() => new SharingEventSource(url, { shared: true, fetch }), TypeError);
    assert.throws(() => new SharingEventSource(url, { shared: true, headers: () => ({}) }), TypeError);
  });

  test('pauseWhenHidden where there is no page: connects as without it', async () => {
    const source = t.open(t.stream(uniquePath(), events(1), { end: false }), { pauseWhenHidden: true });
    await waitFor(() => source.lastEventId === '1');
  });
});
