// Leaks and memory bounds in Node. First, 10 000 cycles of the package's EventSource (open,
// receive, close) against a local server, and of createParser (create, feed, dispose — and without dispose, left to the
// FinalizationRegistry). Each runs in a child process started with --expose-gc
// (fixtures/leak-cycles.mjs) that measures the JS heap after forced GC and the parser's
// WebAssembly memory at cycle 1000 (after warm-up) and cycle 10 000. Between the two:
//   - the WebAssembly memory must not grow at all (it only grows, never shrinks: any session
//     left behind, ~0.5 KB each, would show once the first megabyte is used up);
//   - the JS heap (and `external`) must grow less than 2 MiB: 1 KB kept per cycle would be 9 MB.
// Then the memory bound under a huge event (below). The numbers are printed (t.diagnostic) for
// the README.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { bigLineRoute, expectedBigLineLog } from '../support/big-line.mjs';
import { runChild } from '../support/child.mjs';
import { sseHeaders, startServer } from '../support/sse-server.mjs';
import { MiB, mib } from '../support/wasm-memory.mjs';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'leak-cycles.mjs');
const BIG_FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'big-stream-client.mjs');
const CYCLES = 10_000;
const WARM = 1_000;
const HEAP_GROWTH_BOUND = 2 * MiB;

let server;
const streams = { requests: 0, open: 0 };

before(async () => {
  server = await startServer();
  // Three events at once, then the stream stays open until the client goes away.
  server.route('/leak', (req, res) => {
    streams.requests++;
    streams.open++;
    res.on('close', () => streams.open--);
    res.writeHead(200, sseHeaders());
    res.write('data: event 0\n\ndata: event 1\n\ndata: event 2\n\n');
  });
});

after(() => server?.close());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** At each checkpoint of the child: waits up to 3 s for the server to see every stream closed. */
async function answerCheckpoint(message, child) {
  if (message?.type !== 'checkpoint') return;
  for (let waited = 0; streams.open > 0 && waited < 3000; waited += 10) await sleep(10);
  child.send({ openStreams: streams.open });
}

function sample(result, cycle) {
  const found = result.samples.find((s) => s.cycle === cycle);
  assert.ok(found, `no sample at cycle ${cycle}`);
  return found;
}

function report(t, result) {
  const label = result.mode + (result.mode === 'parser-finalize' ? (result.gcEvery ? ` (GC every ${result.gcEvery})` : ' (no forced GC)') : '');
  for (const s of result.samples) {
    t.diagnostic(
      `${label} cycle ${String(s.cycle).padStart(5)}: heapUsed ${mib(s.heapUsed)} MiB, ` +
        `external ${mib(s.external)} MiB, wasm memory ${mib(s.wasmMemoryBytes)} MiB, rss ${mib(s.rss)} MiB` +
        (s.openStreams === undefined ? '' : `, server streams open ${s.openStreams}`) +
        ` (${(s.ms / 1000).toFixed(1)} s)`,
    );
  }
  const first = sample(result, WARM);
  const last = sample(result, CYCLES);
  const growth = {
    heap: last.heapUsed - first.heapUsed,
    external: last.external - first.external,
    wasm: last.wasmMemoryBytes - first.wasmMemoryBytes,
  };
  t.diagnostic(
    `${label}: cycle ${WARM} → ${CYCLES}: heapUsed ${growth.heap >= 0 ? '+' : ''}${mib(growth.heap)} MiB, ` +
      `external ${growth.external >= 0 ? '+' : ''}${mib(growth.external)} MiB, wasm memory +${growth.wasm} bytes; ` +
      `${((last.ms - first.ms) / (CYCLES - WARM)).toFixed(3)} ms per cycle; peak RSS ${mib(result.maxRSS)} MiB ` +
      `(memory read through ${result.memorySource})`,
  );
  return { first, last, growth };
}

function assertFlat(result, { first, growth }) {
  assert.ok(first.wasmMemoryBytes > 0, 'the WebAssembly module was loaded by the first checkpoint');
  assert.ok(first.wasmMemoryBytes <= 4 * MiB, `wasm memory after warm-up is ${first.wasmMemoryBytes} bytes`);
  assert.equal(growth.wasm, 0, `the WebAssembly memory grew by ${growth.wasm} bytes in ${CYCLES - WARM} cycles`);
  assert.ok(growth.heap < HEAP_GROWTH_BOUND, `the JS heap grew by ${mib(growth.heap)} MiB in ${CYCLES - WARM} cycles`);
  assert.ok(
    growth.external < HEAP_GROWTH_BOUND,
    `external memory grew by ${mib(growth.external)} MiB in ${CYCLES - WARM} cycles`,
  );
  assert.equal(result.counts.unexpected, 0, 'every cycle saw the expected events');
  assert.equal(result.counts.cycles, CYCLES);
}

describe('Node: no leak over 10 000 cycles', { concurrency: false }, () => {
  test('EventSource: open, receive 1–3 events, close — 8 at a time', async (t) => {
    streams.requests = 0;
    const { result } = await runChild(FIXTURE, ['eventsource', '--url', `${server.url}/leak`, '--concurrency', '8'], {
      execArgv: ['--expose-gc'],
      onMessage: answerCheckpoint,
    });
    const stats = report(t, result);
    assertFlat(result, stats);
    // Each cycle closes after event (cycle % 3) + 1: 1, 2, 3, 1, 2, 3, …
    assert.equal(result.counts.messages, 19_999);
    assert.equal(result.counts.errors, 0, `error events: ${JSON.stringify(result.counts.errorReasons)}`);
    assert.equal(streams.requests, CYCLES, 'one request per cycle, no reconnection');
    for (const s of result.samples.filter((s) => s.cycle > 0)) {
      assert.equal(s.openStreams, 0, `the server still had ${s.openStreams} streams open at cycle ${s.cycle}`);
    }
  });

  test('createParser: create, feed three events, dispose()', async (t) => {
    const { result } = await runChild(FIXTURE, ['parser-dispose'], { execArgv: ['--expose-gc'] });
    assertFlat(result, report(t, result));
    assert.equal(result.counts.messages, 3 * CYCLES);
  });

  test('createParser: create, feed three events, no dispose() — the FinalizationRegistry frees the sessions (a full GC every 500 cycles)', async (t) => {
    const { result } = await runChild(FIXTURE, ['parser-finalize', '--gc-every', '500'], { execArgv: ['--expose-gc'] });
    assertFlat(result, report(t, result));
    assert.equal(result.counts.messages, 3 * CYCLES);
  });

  // Not asserted: how far the WebAssembly memory grows when nothing forces a GC. Sessions are
  // only finalized after a full (mark-compact) GC, so undisposed parsers accumulate between two
  // of them (~0.5 KB of WebAssembly memory each), and the memory keeps its high-water mark.
  test('createParser without dispose() and only V8\'s own GCs (printed, not asserted)', async (t) => {
    const { result } = await runChild(FIXTURE, ['parser-finalize'], { execArgv: ['--expose-gc'] });
    report(t, result);
    assert.equal(result.counts.unexpected, 0);
  });
});

// A parser stream that ends before its input does — a consumer that stops reading (`for await …
// break`: a client gone), a source that fails, an error — frees its parser then, not when the
// garbage collector gets to it. Each way runs in a child WITHOUT --expose-gc
// (fixtures/stream-lifetimes.mjs): the module's memory after 500 streams and after all of them
// must be the same. (Left to the collector, 8000 early breaks grew it from 1 to 6.7 MiB.) The
// EventSource over fromReadableStream(), closed or failed by the stream's end, is measured the
// same way.
const STREAM_LIFETIMES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'stream-lifetimes.mjs');
describe('Node: a stream that ends early frees its parser at once, with no forced GC', () => {
  const ways = {
    // way: [streams, what each stream must have counted (one first event, or one error), label]
    break: [8000, 'events', 'EventSourceParserStream: for await … break after the first event'],
    cancel: [3000, 'events', 'EventSourceParserStream: a reader cancels after one event'],
    'source-error': [3000, 'errors', 'EventSourceParserStream: the source errors (the pipe aborts the stream)'],
    terminate: [3000, 'errors', "EventSourceParserStream: onError 'terminate' errors the stream"],
    'bad-chunk': [3000, 'errors', 'EventSourceParserStream: a chunk that is not text or bytes errors the stream'],
    'callback-throws': [3000, 'errors', 'EventSourceParserStream: a throwing callback errors the stream'],
    'event-source': [3000, 'events', 'EventSource.fromReadableStream(): close() after one event'],
    'event-source-end': [3000, 'errors', 'EventSource.fromReadableStream(): the stream ends, the source fails'],
  };
  for (const [way, [streams, counted, label]] of Object.entries(ways)) {
    test(`${label}: ${streams} streams`, async (t) => {
      const { result } = await runChild(STREAM_LIFETIMES, [way, '--streams', String(streams), '--warm', '500']);
      const [warm, last] = result.samples;
      t.diagnostic(`wasm memory after ${warm.streams} streams ${mib(warm.wasmMemoryBytes)} MiB, after ${last.streams} ${mib(last.wasmMemoryBytes)} MiB`);
      assert.equal(result.counts.unexpected, 0, JSON.stringify(result.counts));
      assert.equal(result.counts[counted], streams, JSON.stringify(result.counts));
      assert.equal(last.wasmMemoryBytes - warm.wasmMemoryBytes, 0, `the WebAssembly memory grew over ${streams - warm.streams} streams`);
    });
  }
});

// Memory bound under a huge event (issue 6, part 2): one `data:` line of 1 GiB, then one of
// 32 MiB, generated on the fly, between two small events (fixtures/big-stream-client.mjs reads
// them). With the default maxEventBytes (16 MiB) each huge event dispatches `error` with reason
// 'buffer-limit' while the source stays OPEN; the event is dropped and the stream goes on:
// 'after' arrives on the same connection. Peak WebAssembly memory ≤ 2 × limit + 8 MiB (a buffer
// grown to the limit by doubling, plus room), not grown by the second huge event; the client's
// peak RSS < 300 MB and peak JS heap < 32 MiB.
describe('Node: a live session keeps nothing from a large event or chunk', () => {
  // Each parser gets a 4 MiB event of é (its text goes to the UTF-16 arena), a 4 MiB event of
  // ASCII (the ASCII arena), both in one 8 MiB chunk (the input buffer), then a small event, and
  // stays alive. Had the session kept those buffers for its life, each parser would add ~12 MiB.
  test('six live parsers that each parsed 8 MiB in one chunk: from the second on, the WebAssembly memory stays flat', async () => {
    const { createParser, WasmEventSource } = await import('../../dist/index.mjs');
    const big = new TextEncoder().encode(`data: ${'é'.repeat(2 * MiB)}\n\ndata: ${'x'.repeat(4 * MiB)}\n\n`);
    const small = new TextEncoder().encode('data: small\n\n');
    const parsers = [];
    const memory = [];
    try {
      for (let i = 0; i < 6; i++) {
        const lengths = [];
        const parser = createParser({ onEvent: (event) => lengths.push(event.data.length) });
        parsers.push(parser);
        parser.feed(big);
        parser.feed(small);
        assert.deepEqual(lengths, [2 * MiB, 4 * MiB, 5]);
        memory.push(WasmEventSource.wasmMemoryBytes);
      }
      // (The second parser may need fresh memory while the first one's freed blocks are split.)
      assert.ok(memory.at(-1) - memory[1] <= MiB, `WebAssembly memory after each parser: ${memory.map(mib).join(', ')} MiB`);
    } finally {
      for (const parser of parsers) parser.dispose();
    }
  });
});

// An engine may hand over one read of many MiB (WebKit's fetch body late in a stream). The
// source parses it in slices of 64 KiB: had it taken the read whole, the module would hold an
// 8 MiB input buffer and the records of the read's 932 067 events (~15 MiB) at once (in slices
// of 1 MiB, as it did before, 5.1 MiB of memory; now 1 MiB).
describe('Node: one read of 8 MiB is parsed in slices', () => {
  const CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'one-big-read-client.mjs');
  test('fromReadableStream: every event of the read arrives, and the WebAssembly memory stays under 2 MiB', async () => {
    const { result } = await runChild(CLIENT, ['--mib', '8']);
    assert.equal(result.events, result.expected);
    assert.ok(result.wasmMemoryBytes <= 2 * MiB, `WebAssembly memory ${mib(result.wasmMemoryBytes)} MiB`);
  });
});

// An event's data is a slice of its batch's text, and a slice keeps what it slices alive: were
// that the whole batch, an application keeping one short string per 64 KiB chunk would keep
// every chunk's text (94 MiB for the 2000 below, as eventsource-parser's 125 MiB). The module
// returns the text in pieces of at most 960 bytes in Node, so each kept string keeps at most
// that. (tests/support/kept-strings.mjs; bench/js/bench.mjs prints the same figures.)
describe('Node: a kept data string keeps its piece of the batch alive, not the batch', () => {
  const KEPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'kept-strings.mjs');
  const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'index.mjs');
  for (const which of ['parser', 'event-source']) {
    test(`${which === 'parser' ? 'createParser' : 'EventSource (MessageEvent data)'}: 2000 kept 24-character strings, one from each 64 KiB chunk, keep under 4 MiB alive`, async (t) => {
      const { result } = await runChild(KEPT, [which, DIST], { execArgv: ['--expose-gc'] });
      t.diagnostic(`${result.kept} strings (${result.ownKiB.toFixed(0)} KiB of characters) keep ${result.retainedMiB.toFixed(2)} MiB more alive`);
      assert.equal(result.kept, 2000);
      assert.ok(result.retainedMiB < 4, `${result.retainedMiB.toFixed(1)} MiB kept alive`);
    });
  }
});

const LIMIT = 16 * MiB;
// BIG_LINE_MIB=256 (say) for a smaller first line on a slow machine.
const BIG_SIZES = [Number(process.env.BIG_LINE_MIB ?? 1024) * MiB, 32 * MiB];
const WASM_BOUND = 2 * LIMIT + 8 * MiB;

describe('Node: memory bound under a huge event', () => {
  test(`EventSource (default limit) reads a ${BIG_SIZES.map((n) => `${n / MiB} MiB`).join(' and a ')} line`, async (t) => {
    const bigServer = await startServer();
    try {
      const { handler, stats } = bigLineRoute(BIG_SIZES);
      bigServer.route('/big', handler);
      const timeout = 85_000;
      const { result } = await runChild(BIG_FIXTURE, ['--url', `${bigServer.url}/big`, '--timeout', String(timeout - 5000)], {
        execArgv: ['--expose-gc'],
        timeout,
      });
      const seconds = result.ms / 1000;
      const errors = result.log.filter((entry) => entry.type === 'error');
      t.diagnostic(
        `${mib(stats.sent)} MiB of huge lines in ${seconds.toFixed(1)} s (${Math.round(stats.sent / MiB / seconds)} MiB/s): ` +
          `peak wasm memory ${mib(result.peak.wasmMemoryBytes)} MiB (bound ${mib(WASM_BOUND)} MiB; after each huge event: ` +
          `${errors.map((e) => mib(e.wasmMemoryBytes)).join(', ')} MiB), peak RSS ${mib(result.maxRSS)} MiB ` +
          `(sampled ${mib(result.peak.rss)}, at start ${mib(result.baseline.rss)}), peak heapUsed ${mib(result.peak.heapUsed)} MiB, ` +
          `peak arrayBuffers ${mib(result.peak.arrayBuffers)} MiB`,
      );
      t.diagnostic(`events: ${JSON.stringify(result.log)}`);

      assert.equal(result.outcome, 'after', 'the small event after the huge ones arrived');
      assert.deepEqual(
        result.log.map(({ type, readyState, data, reason }) => ({ type, readyState, data, reason })),
        expectedBigLineLog(BIG_SIZES),
      );
      assert.equal(stats.requests, 1, 'no reconnection');
      assert.ok(stats.finished, 'the server wrote the whole stream');
      assert.ok(result.peak.wasmMemoryBytes <= WASM_BOUND, `peak wasm memory ${mib(result.peak.wasmMemoryBytes)} MiB > ${mib(WASM_BOUND)} MiB`);
      assert.equal(errors.at(-1).wasmMemoryBytes, errors[0].wasmMemoryBytes, 'a second huge event did not grow the memory');
      assert.ok(result.maxRSS < 300e6, `peak RSS ${mib(result.maxRSS)} MiB`);
      assert.ok(result.peak.heapUsed < 32 * MiB, `peak heapUsed ${mib(result.peak.heapUsed)} MiB`);
    } finally {
      await bigServer.close();
    }
  });
});
