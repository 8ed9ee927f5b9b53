// wasm-eventsource/embind: the C++ API through Embind. The whole corpus through sse.Parser (whole
// and byte by byte), its limits and options, a sink that throws or calls back into its parser,
// wrong arguments, and no leak over 10 000 parsers created and deleted.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import initSse from '../../dist/embind.mjs';
import { loadCases } from '../support/vectors.mjs';

let sse;
before(async () => {
  sse = await initSse();
});

/** A parser whose sink records every callback; `run(chunks)` feeds them, ends the stream and
 *  frees both. */
function recording(options) {
  const calls = [];
  const trace = { events: [], retries: [], comments: [], error: false, lastEventId: '' };
  const sink = sse.EventSink.implement({
    onEvent: (e) => {
      calls.push(['event', e]);
      trace.events.push({ type: e.type, data: e.data, lastEventId: e.lastEventId });
    },
    onRetry: (ms) => {
      calls.push(['retry', ms]);
      trace.retries.push(ms);
    },
    onId: (id) => calls.push(['id', id]),
    onIdBuffer: (buffer) => calls.push(['id-buffer', buffer]),
    onComment: (text) => {
      calls.push(['comment', text]);
      trace.comments.push(text);
    },
    onIgnoredField: (f) => calls.push(['ignored', f.reason.value, f.name, f.value, f.line]),
    onError: (error, message) => {
      calls.push(['error', error === sse.ParseError.buffer_limit, message]);
      trace.error = true;
    },
  });
  const parser = new sse.Parser(sink, options);
  return {
    parser,
    calls,
    run(chunks) {
      for (const chunk of chunks) if (parser.error() === sse.ParseError.none) parser.feed(chunk);
      parser.reset();
      trace.lastEventId = parser.lastEventId();
      parser.delete();
      sink.delete();
      return trace;
    },
    free() {
      parser.delete();
      sink.delete();
    },
  };
}

describe('the corpus through sse.Parser', () => {
  for (const testCase of loadCases()) {
    const want = { ...testCase.expected };
    const options = testCase.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: testCase.maxBufferedBytes };
    const check = (chunks) => {
      const trace = recording(options).run(chunks);
      if (want.comments === undefined) delete trace.comments;
      const expected = { ...want };
      if (expected.comments === undefined) delete expected.comments;
      assert.deepEqual(trace, expected);
    };
    test(`${testCase.id}: whole`, () => check([testCase.input]));
    if (testCase.input.length <= 65536) {
      test(`${testCase.id}: byte by byte`, () => check(Array.from(testCase.input, (_, i) => testCase.input.subarray(i, i + 1))));
    }
  }
});

describe('sse.Parser as the C++ header says', () => {
  test('the event object, on_id before on_event, the ID buffer, ignored fields, text or any BufferSource', () => {
    const { parser, calls, free } = recording();
    parser.feed('id: 7\nevent: ping\ndata: a\0b é\n\n');
    parser.feed(new DataView(new TextEncoder().encode('bogus: 1\nretry\n').buffer));
    assert.deepEqual(calls, [
      ['id-buffer', '7'],
      ['id', '7'],
      ['event', { type: 'ping', data: 'a\0b é', lastEventId: '7', typeSet: true, idSet: true }],
      ['ignored', sse.IgnoredFieldReason.unknown_name.value, 'bogus', '1', 'bogus: 1'],
      ['retry', 3000],
    ]);
    assert.deepEqual([parser.lastEventId(), parser.lastEventIdBuffer(), parser.reconnectionTime()], ['7', '7', 3000]);
    parser.setLastEventId('resume');
    assert.equal(parser.lastEventId(), 'resume');
    free();
  });

  test('options: maxBufferedBytes with onLimit stop or skip_event, emptyRetry, what the sink hears', () => {
    const stop = recording({ maxBufferedBytes: 16, onLimit: sse.LimitAction.stop });
    stop.parser.feed(`data: ${'x'.repeat(40)}\n\ndata: after\n\n`);
    assert.equal(stop.parser.error(), sse.ParseError.buffer_limit);
    assert.deepEqual(stop.calls.map(([name]) => name), ['error']);
    stop.free();
    const skip = recording({ maxBufferedBytes: 16, onLimit: 'skip_event' });
    skip.parser.feed(`data: ${'x'.repeat(40)}\n\ndata: after\n\n`);
    assert.deepEqual(skip.calls.map(([name, value]) => (name === 'event' ? value.data : name)), ['error', 'after']);
    skip.free();
    const quiet = recording({ emptyRetry: 'ignore', reportComments: false, reportIgnoredFields: false });
    quiet.parser.feed(': hidden\nbogus\nretry:\ndata: x\n\n');
    assert.deepEqual(quiet.calls.map(([name]) => name), ['event']);
    quiet.free();
    assert.throws(() => new sse.Parser(sse.EventSink.implement({ onEvent() {} }), { onLimit: 'never' }), TypeError);
  });

  test('a sink that throws: the error comes out of feed(), the later callbacks of that call are skipped, the parser goes on', () => {
    const seen = [];
    const sink = sse.EventSink.implement({
      onEvent(e) {
        if (e.data === 'boom') throw new Error('sink failed');
        seen.push(e.data);
      },
      onId: (id) => seen.push(`id ${id}`),
    });
    const parser = new sse.Parser(sink);
    assert.throws(() => parser.feed('data: boom\n\nid: 2\ndata: skipped\n\n'), /sink failed/);
    assert.equal(parser.lastEventId(), '2', 'the rest of the chunk was parsed');
    parser.feed('data: next\n\n');
    assert.deepEqual(seen, ['next']);
    parser.delete();
    sink.delete();
  });

  test('a callback that calls back into its parser is an Error, and the parser is sound after it', () => {
    let parser;
    const sink = sse.EventSink.implement({
      onEvent(e) {
        if (e.data === 'again') parser.feed('data: inner\n\n');
      },
    });
    parser = new sse.Parser(sink);
    assert.throws(() => parser.feed('data: again\n\n'), /not reentrant/);
    parser.feed('data: fine\n\n');
    parser.delete();
    sink.delete();
  });

  test('wrong arguments: clear errors, nothing parsed, no crash', () => {
    assert.throws(() => sse.EventSink.implement({}), /onEvent is required/);
    assert.throws(() => sse.EventSink.implement(null), TypeError);
    assert.throws(() => sse.EventSink.implement({ onEvent() {}, onRetry: 5 }), /onRetry must be a function/);
    const { parser, calls, free } = recording();
    for (const value of [42, null, undefined, {}, [1, 2]]) assert.throws(() => parser.feed(value), TypeError);
    assert.throws(() => parser.setLastEventId(7), TypeError);
    assert.throws(() => new sse.Parser({}), /must come from sse.EventSink.implement/);
    assert.throws(() => new sse.Parser(sse.EventSink.implement({ onEvent() {} }), { maxBufferedBytes: -1 }), RangeError);
    assert.deepEqual(calls, []);
    free();
    // Deleted objects: Embind's error, or ours for a parser whose sink went first.
    assert.throws(() => parser.feed('data: x\n\n'));
    const sink = sse.EventSink.implement({ onEvent() {} });
    const orphan = new sse.Parser(sink);
    sink.delete();
    assert.throws(() => orphan.feed('data: x\n\n'), /its sink was deleted/);
    orphan.delete();
  });

  test('10 000 parsers created, fed a 4 KiB event and deleted: the module\'s memory does not grow', () => {
    const cycle = () => {
      const sink = sse.EventSink.implement({ onEvent() {} });
      const parser = new sse.Parser(sink);
      parser.feed(`data: ${'x'.repeat(4096)}\n`);
      parser.feed('data: y\n\n');
      parser.delete();
      sink.delete();
    };
    for (let i = 0; i < 200; i++) cycle(); // the allocator's working set
    const before = sse.HEAP8.length;
    for (let i = 0; i < 10_000; i++) cycle();
    const after = sse.HEAP8.length;
    assert.equal(after - before, 0, `WebAssembly memory ${before} → ${after} bytes`);
  });
});
