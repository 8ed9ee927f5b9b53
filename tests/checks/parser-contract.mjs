// createParser against eventsource-parser 4.1's documented API and behaviour (its README, types
// and source, read for the rules; this is our own code), each whole, byte by byte and split at
// every offset: the callbacks' shapes, ParseError's types and fields, maxBufferSize, BOMs in
// text, reset({ consume }), and lastEventId inside every callback (ours: eventsource-parser has
// no getter).
import { deepEqual, equal, ok, throws } from './assert.mjs';

const encoder = new TextEncoder();

// Every callback as [name, value]; errors as their type and fields.
function tracer(createParser, options = {}, { withComments = true } = {}) {
  const calls = [];
  const config = {
    onEvent: ({ event, id, data }) => calls.push(['event', { event, id, data }]),
    onId: (id) => calls.push(['id', id]),
    onRetry: (retry) => calls.push(['retry', retry]),
    onError: (error) =>
      calls.push(['error', { type: error.type, field: error.field, value: error.value, line: error.line, message: error.message }]),
    ...options,
  };
  if (withComments) config.onComment = (comment) => calls.push(['comment', comment]);
  return { parser: createParser(config), calls };
}

// The calls for `input` fed whole, and the same for byte by byte and every split (text: every
// split between UTF-16 units; bytes: between bytes).
function callsForEveryChunking(createParser, input, options, flags) {
  const run = (chunks) => {
    const { parser, calls } = tracer(createParser, options, flags);
    for (const chunk of chunks) parser.feed(chunk);
    parser.reset();
    parser.dispose();
    return calls;
  };
  const whole = run([input]);
  const pieces = typeof input === 'string' ? [...input] : Array.from(input, (_, i) => input.subarray(i, i + 1));
  deepEqual(run(pieces), whole, 'piece by piece');
  for (let at = 1; at < input.length; at++) deepEqual(run([input.slice(0, at), input.slice(at)]), whole, `split at ${at}`);
  if (typeof input === 'string') deepEqual(callsForEveryChunking(createParser, encoder.encode(input), options, flags), whole, 'as bytes');
  return whole;
}

const unknown = (field, value, line) => ['error', { type: 'unknown-field', field, value, line, message: `Unknown field "${field.length > 20 ? `${field.slice(0, 20)}…` : field}"` }];
const invalidRetry = (value, line) => ['error', { type: 'invalid-retry', field: undefined, value, line, message: `Invalid \`retry\` value: "${value}"` }];

export const parserContractChecks = [
  {
    name: 'eventsource-parser contract: onEvent gets { id, event, data }, undefined where the block had no such field; onId before it',
    run({ createParser }) {
      deepEqual(callsForEveryChunking(createParser, 'data: plain\n\nevent: ping\ndata: typed\n\nid: 42\ndata: with id\n\ndata: after\n\nid\n\n'), [
        ['event', { event: undefined, id: undefined, data: 'plain' }],
        ['event', { event: 'ping', id: undefined, data: 'typed' }],
        ['id', '42'],
        ['event', { event: undefined, id: '42', data: 'with id' }],
        ['event', { event: undefined, id: undefined, data: 'after' }],
        ['id', ''],
      ]);
    },
  },
  {
    name: 'eventsource-parser contract: a field of another name is an unknown-field ParseError with field, value and line',
    run({ createParser, ParseError }) {
      const input = 'garbage\nx: y\n{"json": 1}\nData: case\nanextremelylongfieldnamehere: v\ndata: ok\n\n';
      deepEqual(callsForEveryChunking(createParser, input), [
        unknown('garbage', '', 'garbage'),
        unknown('x', 'y', 'x: y'),
        unknown('{"json"', '1}', '{"json": 1}'),
        unknown('Data', 'case', 'Data: case'),
        unknown('anextremelylongfieldnamehere', 'v', 'anextremelylongfieldnamehere: v'),
        ['event', { event: undefined, id: undefined, data: 'ok' }],
      ]);
      let error;
      createParser({ onError: (e) => (error = e) }).feed('nope\n');
      ok(error instanceof ParseError && error instanceof Error, 'a ParseError, an Error');
      equal(error.name, 'ParseError');
      // (Minified builds rename the class: its name is kept by the class itself, not enumerable.)
      equal(ParseError.name, 'ParseError');
      deepEqual(Object.keys(ParseError), []);
    },
  },
  {
    name: 'eventsource-parser contract: an unknown field completed by a CR at a chunk boundary is reported once',
    run({ createParser }) {
      for (const [first, second] of [['garbage\r', '\ndata: x\n\n'], ['garbage\r', 'data: x\n\n'], ['garbage', '\r\ndata: x\n\n']]) {
        const { parser, calls } = tracer(createParser);
        parser.feed(first);
        parser.feed(second);
        deepEqual(calls, [unknown('garbage', '', 'garbage'), ['event', { event: undefined, id: undefined, data: 'x' }]], JSON.stringify(first));
      }
    },
  },
  {
    name: 'eventsource-parser contract: a retry that is not all digits, or empty, is an invalid-retry ParseError with value and line',
    run({ createParser }) {
      deepEqual(callsForEveryChunking(createParser, 'retry: 50x\nretry:\nretry\nretry: -1\nretry:  5\nretry: 250\n'), [
        invalidRetry('50x', 'retry: 50x'),
        invalidRetry('', 'retry:'),
        invalidRetry('', 'retry'),
        invalidRetry('-1', 'retry: -1'),
        invalidRetry(' 5', 'retry:  5'),
        ['retry', 250],
      ]);
    },
  },
  {
    name: 'eventsource-parser contract: an id holding NUL is ignored silently; comments without onComment are not reported',
    run({ createParser }) {
      deepEqual(callsForEveryChunking(createParser, 'id: a\0b\n: hidden\ndata: x\n\n', {}, { withComments: false }), [
        ['event', { event: undefined, id: undefined, data: 'x' }],
      ]);
    },
  },
  {
    name: 'eventsource-parser contract: maxBufferSize drops an unterminated line that cannot become a field, and an unheard comment, without failing',
    run({ createParser }) {
      const options = { maxBufferSize: 16 };
      const junk = `garbage${'x'.repeat(100)}`;
      // Split across chunks as a stream would bring it; no error at all.
      for (const withComments of [false, true]) {
        const { parser, calls } = tracer(createParser, options, { withComments });
        for (let at = 0; at < junk.length; at += 10) parser.feed(junk.slice(at, at + 10));
        parser.feed('\n');
        if (!withComments) for (const piece of [': ', 'c'.repeat(50), 'c'.repeat(50), '\n']) parser.feed(piece);
        parser.feed('data: ok\n\n');
        deepEqual(calls, [['event', { event: undefined, id: undefined, data: 'ok' }]], `withComments ${withComments}`);
      }
    },
  },
  {
    name: 'eventsource-parser contract: past maxBufferSize a max-buffer-size-exceeded ParseError from that very feed(), then feed() throws until reset(), in its words',
    run({ createParser }) {
      const { parser, calls } = tracer(createParser, { maxBufferSize: 16 });
      parser.feed('data: ok\n\n');
      parser.feed(`data: ${'x'.repeat(40)}`); // an unterminated line already past the limit
      deepEqual(calls.map(([name, value]) => (name === 'error' ? value.type : value.data)), ['ok', 'max-buffer-size-exceeded']);
      // (eventsource-parser counts characters and says so; the limit here is in bytes.)
      equal(calls[1][1].message, 'Buffered data exceeded max buffer size of 16 bytes');
      throws(
        () => parser.feed('data: more\n\n'),
        Error,
        /^Cannot feed parser: it was terminated after exceeding the configured max buffer size\. Call `reset\(\)` to resume parsing\.$/,
      );
      equal(calls.length, 2, 'the feed that threw reported nothing');
      parser.reset();
      parser.feed('data: again\n\n');
      deepEqual(calls.at(-1), ['event', { event: undefined, id: undefined, data: 'again' }]);
      // A heard comment counts like any line.
      const heard = tracer(createParser, { maxBufferSize: 16 });
      heard.parser.feed(`: ${'c'.repeat(40)}\n`);
      equal(heard.calls[0]?.[1]?.type, 'max-buffer-size-exceeded');
    },
  },
  {
    name: 'eventsource-parser contract: one leading BOM is stripped from text, as U+FEFF or as its UTF-8 bytes read as Latin-1',
    run({ createParser }) {
      const data = (calls) => calls.filter(([name]) => name === 'event').map(([, e]) => e.data);
      for (const bom of ['\uFEFF', '\xEF\xBB\xBF']) {
        const input = `${bom}data: a\n\n`;
        const { parser, calls } = tracer(createParser);
        parser.feed(input);
        deepEqual(data(calls), ['a'], JSON.stringify(bom));
        for (let at = 1; at < input.length; at++) {
          const split = tracer(createParser);
          split.parser.feed(input.slice(0, at));
          split.parser.feed(input.slice(at));
          deepEqual(data(split.calls), ['a'], `${JSON.stringify(bom)} split at ${at}`);
        }
        // Only one: a second BOM is part of the first field name.
        const twice = tracer(createParser);
        twice.parser.feed(`${bom}\uFEFFdata: b\n\n`);
        deepEqual(data(twice.calls), [], `${JSON.stringify(bom)} twice`);
        // reset() re-arms it.
        twice.parser.reset();
        twice.parser.feed(`${bom}data: c\n\n`);
        deepEqual(data(twice.calls), ['c'], `${JSON.stringify(bom)} after reset()`);
      }
      // A prefix that turns out not to be a BOM is text.
      const near = tracer(createParser);
      near.parser.feed('\xEF');
      near.parser.feed('x: 1\n');
      deepEqual(near.calls, [unknown('\xEFx', '1', '\xEFx: 1')]);
    },
  },
  {
    name: 'eventsource-parser contract: createParser(fn) is a TypeError that says to use createParser({onEvent: fn}), in its words',
    run({ createParser }) {
      throws(
        () => createParser(() => {}),
        TypeError,
        /^`config` must be an object, got a function instead\. Did you mean `createParser\(\{onEvent: fn\}\)`\?$/,
      );
    },
  },
  {
    name: 'eventsource-parser contract: reset({ consume: true }) parses the unterminated line if it may still become a field; without consume, or for any other line, it is dropped unreported; the pending event is dropped in every case',
    run({ createParser }) {
      const { parser, calls } = tracer(createParser);
      parser.feed('retry: 77');
      parser.reset({ consume: true });
      parser.feed('retry: 88');
      parser.reset();
      // Lines that can no longer become a field: dropped as they come, never reported.
      for (const line of ['bogus', '{"error": "overloaded"}', 'retryx', 'data2: x', 'Data: x', 'dat: x', 'ids']) {
        parser.feed(line);
        parser.reset({ consume: true });
      }
      // Prefixes of a field name are buffered and parsed at the end: unknown, or a retry.
      parser.feed('dat');
      parser.reset({ consume: true });
      parser.feed('retry: x');
      parser.reset({ consume: true });
      // After complete lines there is nothing to consume: the pending event is dropped.
      parser.feed('data: pending\n');
      parser.reset({ consume: true });
      deepEqual(calls, [['retry', 77], unknown('dat', '', 'dat'), invalidRetry('x', 'retry: x')]);
    },
  },
  {
    name: 'lastEventId is the ID buffer inside every callback, at that point of the stream',
    run({ createParser }) {
      const seen = [];
      let parser;
      const at = (what) => seen.push(`${what}@${parser.lastEventId}`);
      parser = createParser({
        onEvent: (e) => at(`event ${e.data}`),
        onId: (id) => at(`id ${id}`),
        onRetry: (r) => at(`retry ${r}`),
        onComment: (c) => at(`comment ${c}`),
        onError: (e) => at(`error ${e.type}`),
      });
      const input = 'id: 1\ndata: a\n\n: c\nid: 2\nretry: 5\nbad\ndata: b\n\nid\n\n';
      parser.feed(input);
      deepEqual(seen, ['id 1@1', 'event a@1', 'comment c@1', 'retry 5@2', 'error unknown-field@2', 'id 2@2', 'event b@2', 'id @']);
      equal(parser.lastEventId, '');
    },
  },
  {
    name: 'a callback that throws: feed() throws it, the rest of that chunk still moves lastEventId, and parsing goes on',
    run({ createParser }) {
      const events = [];
      const parser = createParser({
        onEvent(e) {
          if (e.data === 'boom') throw new Error('listener failed');
          events.push(e.data);
        },
      });
      throws(() => parser.feed('id: 1\ndata: boom\n\nid: 2\ndata: lost\n\n'), Error, /listener failed/);
      equal(parser.lastEventId, '2');
      parser.feed('data: next\n\n');
      deepEqual(events, ['next']);
    },
  },
  {
    name: 'feed() from inside a callback: its events come after the rest of the current chunk, in stream order',
    run({ createParser }) {
      const events = [];
      let parser;
      parser = createParser({
        onEvent(e) {
          events.push(e.data);
          if (e.data === 'a') parser.feed('data: c\n\n');
        },
      });
      parser.feed('data: a\n\ndata: b\n\n');
      deepEqual(events, ['a', 'b', 'c']);
    },
  },
  {
    name: 'createParser checks its config: callbacks must be functions, maxBufferSize a non-negative number',
    run({ createParser }) {
      throws(() => createParser(), TypeError, /takes an object of callbacks, got undefined/);
      throws(() => createParser(null), TypeError, /got null/);
      throws(() => createParser({ onEvent: 'log' }), TypeError, /`onEvent` must be a function, got a string/);
      throws(() => createParser({ onError: {} }), TypeError, /`onError` must be a function/);
      throws(() => createParser({ maxBufferSize: '1024' }), TypeError, /`maxBufferSize` must be a number/);
      throws(() => createParser({ maxBufferSize: Number.NaN }), TypeError, /`maxBufferSize` must be a number/);
      throws(() => createParser({ maxBufferSize: -1 }), RangeError, /must not be negative/);
      // Infinity: as much as the module can hold; 0: nothing may be buffered.
      const events = [];
      createParser({ maxBufferSize: Infinity, onEvent: (e) => events.push(e.data) }).feed('data: x\n\n');
      deepEqual(events, ['x']);
      const none = tracer(createParser, { maxBufferSize: 0 });
      none.parser.feed('data: x');
      equal(none.calls[0]?.[1]?.type, 'max-buffer-size-exceeded');
    },
  },
];
