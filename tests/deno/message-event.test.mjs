// Run by `deno test` (scripts/test.sh): the polyfill's EventSource delivers its events in Deno,
// whose MessageEvent assigns data, origin and lastEventId on the instance in its constructor
// (no prototype getters), so js/src/message-event.js must build events from the init dictionary
// there: a subclass with getters cannot even be constructed. First the premises, then the events.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EventSource } from '../../dist/index.mjs';

test("premise: Deno's MessageEvent keeps data, origin and lastEventId on the instance, and a subclass with getters for them throws", () => {
  assert.equal(typeof Deno, 'object', 'run by deno test');
  for (const name of ['data', 'origin', 'lastEventId']) {
    assert.equal(Object.getOwnPropertyDescriptor(MessageEvent.prototype, name)?.get, undefined, `no ${name} getter`);
  }
  class WithGetters extends MessageEvent {
    get data() {
      return 'x';
    }
  }
  assert.throws(() => new WithGetters('message'), TypeError);
});

test('an EventSource dispatches MessageEvents of Deno\'s MessageEvent, with data, origin and lastEventId, as a platform MessageEvent has them', async () => {
  const encoder = new TextEncoder();
  const source = new EventSource('http://127.0.0.1:9/deno', {
    fetch: async () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(encoder.encode('id: 5\ndata: one\n\nevent: t\ndata: two\n\n')) }), {
        headers: { 'content-type': 'text/event-stream' },
      }),
  });
  const events = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`2 events expected, got ${events.length}`)), 3000);
    const seen = (event) => {
      events.push(event);
      if (events.length === 2) {
        clearTimeout(timer);
        resolve();
      }
    };
    source.onmessage = seen;
    source.addEventListener('t', seen);
    source.onerror = (event) => events.push(event);
  });
  source.close();
  assert.deepEqual(events.map((e) => [e.type, e.data, e.origin, e.lastEventId]), [
    ['message', 'one', 'http://127.0.0.1:9', '5'],
    ['t', 'two', 'http://127.0.0.1:9', '5'],
  ]);
  const platform = new MessageEvent('message', { data: 'one', origin: 'http://127.0.0.1:9', lastEventId: '5' });
  for (const event of events) {
    assert.ok(event instanceof MessageEvent);
    assert.equal(event.constructor, MessageEvent);
    assert.deepEqual(Object.keys(event).sort(), Object.keys(platform).sort());
  }
});
