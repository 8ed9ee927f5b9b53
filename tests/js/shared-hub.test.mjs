// The protocol of `shared: true` (js/src/shared.js) in Node, where the order of everything can
// be set: each realm is an instance of the module of its own (a copy under another name), the
// BroadcastChannel is Node's, and navigator.locks is a stand-in that grants a lock to the next
// in line as soon as it is released. The private source of the holder is a stand-in too, which
// the test makes dispatch. (The browsers run the whole of it: tests/browser/shared.test.mjs.)
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';

import * as esbuild from 'esbuild';

// (js/src is ESM source in a CommonJS package: esbuild makes it a module Node imports.)
const { outputFiles } = await esbuild.build({
  entryPoints: [new URL('../../js/src/shared.js', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'error',
});
const builtDir = new URL('../../build/shared-hub/', import.meta.url);
mkdirSync(builtDir, { recursive: true });

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
const SHARE = Symbol.for('wasm-eventsource.share');

// navigator.locks, as far as the hubs use it: exclusive locks granted in request order; a held
// lock is released when the callback's promise settles; an aborted request rejects.
class Locks {
  lines = new Map(); // name → [{ callback, resolve, reject, signal }], the first holds it
  request(name, { signal }, callback) {
    return new Promise((resolve, reject) => {
      const line = this.lines.get(name) ?? [];
      this.lines.set(name, line);
      const entry = { callback, resolve, reject };
      line.push(entry);
      signal?.addEventListener('abort', () => {
        const at = line.indexOf(entry);
        if (at > 0) {
          line.splice(at, 1);
          reject(new DOMException('aborted', 'AbortError'));
        }
      });
      if (line.length === 1) this.#grant(name);
    });
  }
  #grant(name) {
    const [entry] = this.lines.get(name);
    queueMicrotask(() => {
      Promise.resolve(entry.callback({ name })).then(entry.resolve, entry.reject).finally(() => {
        const line = this.lines.get(name);
        line.shift();
        if (line.length > 0) this.#grant(name);
      });
    });
  }
  holders(name) {
    return this.lines.get(name)?.length ?? 0;
  }
}
const locks = new Locks();
Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true, writable: true });

let realms = 0;
/** A realm: its own instance of the module, its own Source class (the stand-in). */
async function realm() {
  const file = new URL(`realm-${++realms}.mjs`, builtDir);
  writeFileSync(file, outputFiles[0].text);
  const { installSharing } = await import(file.href);
  class Source extends EventTarget {
    static made = [];
    constructor(url, init) {
      super();
      Object.assign(this, { url, init, readyState: CONNECTING, lastEventId: init.lastEventId ?? '', reconnectionTime: 3000 });
      Source.made.push(this);
    }
    close() {
      this.readyState = CLOSED;
    }
    // What the test makes the holder's private source do.
    open() {
      this.readyState = OPEN;
      this.dispatchEvent(new Event('open'));
    }
    message(id, data = `e${id}`, type = 'message') {
      this.lastEventId = String(id);
      this.dispatchEvent(new MessageEvent(type, { data, lastEventId: this.lastEventId, origin: 'http://stream.test' }));
    }
    fail(readyState, details) {
      this.readyState = readyState;
      const event = new Event('error');
      for (const [key, value] of Object.entries(details)) Object.defineProperty(event, key, { value, enumerable: true });
      this.dispatchEvent(event);
    }
  }
  installSharing(Source);
  return { Source, holder: () => Source.made.at(-1) };
}

/** A source as WasmEventSource is to the hub: its state set by setState, close() detaches it. */
function member(where, url = 'http://stream.test/events', options = {}) {
  const source = new EventTarget();
  const log = [];
  Object.assign(source, { url, readyState: CONNECTING, lastEventId: '', reconnectionTime: 3000, log });
  const checked = { withCredentials: false, limit: 1 << 24, oversized: 'skip', shared: true, pauseWhenHidden: false, ...options };
  const handle = where.Source[SHARE](source, checked, ([readyState, lastEventId, reconnectionTime]) => {
    Object.assign(source, { readyState, lastEventId, reconnectionTime });
  });
  source.close = () => {
    source.readyState = CLOSED;
    handle?.detach();
  };
  for (const type of ['open', 'message', 'error', 'ping']) {
    source.addEventListener(type, (event) => log.push({ type, data: event.data, lastEventId: event.lastEventId, readyState: source.readyState, reason: event.reason }));
  }
  source.ids = () => log.filter((e) => e.data !== undefined).map((e) => e.lastEventId);
  source.handle = handle;
  return source;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
async function until(predicate, what) {
  for (let i = 0; i < 400; i++) {
    if (predicate()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

const closeAll = [];
after(() => {
  for (const source of closeAll) source.close();
});
const track = (...sources) => (closeAll.push(...sources), sources);

test('the first realm holds the connection; the others get its events in order, with its state; a late joiner starts OPEN at the current ID', async () => {
  const [a, b] = [await realm(), await realm()];
  const [first, second] = track(member(a, 'http://stream.test/one'), member(b, 'http://stream.test/one'));
  await tick();
  assert.equal(a.Source.made.length, 1, 'the first realm made the private source');
  assert.equal(b.Source.made.length, 0);
  const holder = a.holder();
  assert.equal(holder.init.shared, false);
  holder.open();
  holder.message(1);
  holder.message(2, 'pong', 'ping');
  await until(() => second.log.length === 3, 'the events in the other realm');
  for (const source of [first, second]) {
    assert.deepEqual(source.log.map((e) => [e.type, e.data ?? null, e.lastEventId ?? null, e.readyState]), [
      ['open', null, null, OPEN],
      ['message', 'e1', '1', OPEN],
      ['ping', 'pong', '2', OPEN],
    ]);
    assert.equal(source.lastEventId, '2');
  }
  const c = await realm();
  const [late] = track(member(c, 'http://stream.test/one'));
  const [sameRealm] = track(member(a, 'http://stream.test/one'));
  assert.equal(late.readyState, CONNECTING, 'CONNECTING when made');
  await until(() => late.log.length === 1 && sameRealm.log.length === 1, 'the late joiners\' open');
  for (const source of [late, sameRealm]) {
    assert.deepEqual(source.log, [{ type: 'open', data: undefined, lastEventId: undefined, readyState: OPEN, reason: undefined }]);
    assert.equal(source.lastEventId, '2', 'the current last event ID');
  }
  holder.message(3);
  await until(() => late.ids().length === 1, 'the next event');
  assert.deepEqual(late.ids(), ['3']);
  assert.deepEqual(first.ids(), ['1', '2', '3']);
});

test('the holder leaves before the others read its last events: the next resumes from the ID it had, and a realm that had read further skips what the server sends again', async () => {
  const [a, b, c] = [await realm(), await realm(), await realm()];
  const url = 'http://stream.test/handover';
  const [ra, rb, rc] = track(member(a, url), member(b, url), member(c, url));
  await tick();
  const first = a.holder();
  first.open();
  for (const id of [1, 2, 3]) first.message(id);
  await until(() => rb.ids().length === 3 && rc.ids().length === 3, 'the first events');
  first.message(4);
  first.message(5);
  ra.close(); // the lock goes to b at once, before b and c have read 4 and 5
  await until(() => b.Source.made.length === 1, 'the next holder');
  const second = b.holder();
  assert.equal(second.init.lastEventId, '3', 'b resumes from the last ID it had read');
  await until(() => rc.ids().length === 5, 'c reads 4 and 5');
  await tick();
  second.open();
  for (const id of [4, 5, 6, 7]) second.message(id);
  await until(() => rc.ids().length === 7 && rb.ids().length === 7, 'the events of the new holder');
  await tick();
  assert.deepEqual(rb.ids(), ['1', '2', '3', '4', '5', '6', '7'], 'b: 4 and 5 once (the old holder\'s came after b announced it resumes from 3)');
  assert.deepEqual(rc.ids(), ['1', '2', '3', '4', '5', '6', '7'], 'c: 4 and 5 once');
  for (const source of [rb, rc]) {
    assert.deepEqual(source.log.filter((e) => e.type !== 'message').map((e) => e.type), ['open'], 'one open: the handover shows no error and no second open');
  }
});

// Three realms; a holds the connection, posts 1, then 2 and 3 and leaves at once: the lock goes to
// b before b and c have read 2 and 3.
async function holderLeavesAfterPosting(name) {
  const [a, b, c] = [await realm(), await realm(), await realm()];
  const url = `http://stream.test/${name}`;
  const [ra, rb, rc] = track(member(a, url), member(b, url), member(c, url));
  await tick();
  a.holder().open();
  a.holder().message(1);
  await until(() => rb.ids().length === 1 && rc.ids().length === 1, 'the first event');
  a.holder().message(2);
  a.holder().message(3);
  ra.close();
  return { b, rb, rc };
}

test('the holder leaves and the next takes the lock before any other realm has read the last events: those come late, once, before the new holder\'s', async () => {
  const { b, rb, rc } = await holderLeavesAfterPosting('late');
  // b holds the lock now and has announced it resumes from 1; 2 and 3 reach b and c after that.
  await until(() => b.Source.made.length === 1 && rb.ids().length === 3 && rc.ids().length === 3, 'the late events');
  assert.equal(b.holder().init.lastEventId, '1');
  b.holder().open();
  for (const id of [2, 3, 4]) b.holder().message(id);
  await until(() => rb.ids().length === 4 && rc.ids().length === 4, 'the new holder\'s events');
  await tick();
  assert.deepEqual(rb.ids(), ['1', '2', '3', '4']);
  assert.deepEqual(rc.ids(), ['1', '2', '3', '4']);
});

test('what the previous holder posted arrives after the new holder\'s first events: dropped, not dispatched out of order (the new holder sends those events again)', async () => {
  const { b, rb, rc } = await holderLeavesAfterPosting('later-still');
  for (let i = 0; i < 10 && b.Source.made.length === 0; i++) await Promise.resolve();
  assert.equal(b.Source.made.length, 1, 'b holds the lock before any message task ran');
  b.holder().open();
  for (const id of [2, 3, 4]) b.holder().message(id);
  await until(() => rc.ids().length === 4, 'c\'s events');
  await tick();
  assert.deepEqual(rb.ids(), ['1', '2', '3', '4']);
  assert.deepEqual(rc.ids(), ['1', '2', '3', '4']);
});

test('the connection fails for every source (CLOSED, one error with its diagnostics), even in the realm that takes the lock before it reads the failure, and the lock is free again', async () => {
  const [a, b] = [await realm(), await realm()];
  const url = 'http://stream.test/fails';
  const [ra, rb] = track(member(a, url), member(b, url));
  await tick();
  const holder = a.holder();
  holder.open();
  holder.fail(CONNECTING, { reason: 'network', reconnectDelay: 3000, error: new TypeError('cut') });
  await until(() => rb.log.length === 2, 'the reconnection\'s error');
  assert.deepEqual(rb.log[1], { type: 'error', data: undefined, lastEventId: undefined, readyState: CONNECTING, reason: 'network' });
  holder.open();
  holder.fail(CLOSED, { reason: 'http-status', status: 404, message: 'Non-200 status code (404)' });
  await until(() => rb.log.length === 4, 'the failure');
  for (const source of [ra, rb]) {
    assert.deepEqual(source.log.map((e) => [e.type, e.readyState, e.reason ?? null]), [
      ['open', OPEN, null], ['error', CONNECTING, 'network'], ['open', OPEN, null], ['error', CLOSED, 'http-status'],
    ]);
    assert.equal(source.readyState, CLOSED);
  }
  const name = [...locks.lines.keys()].find((key) => key.includes('/fails'));
  await tick();
  assert.equal(locks.holders(name), 0, 'no realm holds or waits for the lock');
});

test('sources share only when URL, credentials, method, headers, body and the other request options are equal; options that cannot be compared across tabs are a TypeError', async () => {
  const a = await realm();
  const before = locks.lines.size;
  const url = 'http://stream.test/options';
  const variants = [
    {}, { withCredentials: true }, { method: 'POST', body: 'x=1' }, { method: 'POST', body: 'y' },
    { headers: { 'X-A': '1' } }, { headers: { 'X-A': '2' } }, { heartbeatTimeout: 5000 }, { limit: 1024 }, { oversized: 'fail' },
    { reconnect: { maxAttempts: 3 } }, { pauseWhenHidden: true },
  ];
  track(...variants.map((options) => member(a, url, options)));
  track(member(a, url, { headers: { 'x-a': '1' } }), member(a, url, { method: 'POST', body: new URLSearchParams('x=1') }));
  assert.equal(locks.lines.size - before, variants.length, 'one connection per set of options (header names in any case; a body as a string or URLSearchParams)');
  for (const [name, value] of [['fetch', async () => {}], ['headers', () => ({})], ['body', new Blob(['x'])], ['body', new FormData()]]) {
    assert.throws(() => member(a, url, { method: 'POST', [name]: value }), (error) => error instanceof TypeError && error.message.includes(`\`${name}\``), name);
  }
});

test('where the lock is refused (an opaque origin, storage blocked), the realm connects by itself and posts nothing', async () => {
  const [a, b] = [await realm(), await realm()];
  const { locks: saved } = navigator;
  navigator.locks = { request: () => Promise.reject(new DOMException('refused', 'SecurityError')) };
  try {
    const url = 'http://stream.test/refused';
    const [ra] = track(member(a, url));
    navigator.locks = saved;
    const [rb] = track(member(b, url));
    await until(() => a.Source.made.length === 1 && b.Source.made.length === 1, 'a connection in each realm');
    a.holder().open();
    a.holder().message(1);
    b.holder().open();
    b.holder().message(7);
    await tick();
    await tick();
    assert.deepEqual(ra.ids(), ['1']);
    assert.deepEqual(rb.ids(), ['7'], 'nothing from the realm without the lock');
  } finally {
    navigator.locks = saved;
  }
});

test('where there are no Web Locks or no BroadcastChannel, the source connects by itself', async () => {
  const a = await realm();
  const { locks: saved } = navigator;
  navigator.locks = undefined;
  try {
    assert.equal(member(a, 'http://stream.test/alone').handle, null);
  } finally {
    navigator.locks = saved;
  }
});
