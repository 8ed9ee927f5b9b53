// createParser: eventsource-parser 4's API and callback shapes, backed by the WebAssembly parser.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createParser as peerCreateParser } from 'eventsource-parser';
import * as wasmEventSource from '../../dist/index.mjs';

const { createParser } = wasmEventSource;

const parsers = [];
afterEach(() => {
  for (const parser of parsers.splice(0)) parser.dispose?.();
});

/** A parser that records every callback as [name, value] in `calls`. */
function recordingParser(config = {}) {
  const calls = [];
  const parser = createParser({
    onEvent: (event) => calls.push(['event', { event: event.event, id: event.id, data: event.data }]),
    onRetry: (retry) => calls.push(['retry', retry]),
    onComment: (comment) => calls.push(['comment', comment]),
    onError: (error) => calls.push(['error', error]),
    ...config,
  });
  parsers.push(parser);
  return { parser, calls, events: () => calls.filter(([name]) => name === 'event').map(([, value]) => value) };
}

const encode = (text) => new TextEncoder().encode(text);

describe('createParser', () => {
  test('onEvent shapes: event and id are undefined unless the block has those fields', () => {
    const { parser, events } = recordingParser();
    parser.feed('data: plain\n\nevent: ping\ndata: typed\n\nid: 42\ndata: with id\n\ndata: after\n\n');
    assert.deepEqual(events(), [
      { event: undefined, id: undefined, data: 'plain' },
      { event: 'ping', id: undefined, data: 'typed' },
      { event: undefined, id: '42', data: 'with id' },
      // The last event ID is still 42, but this block has no id field.
      { event: undefined, id: undefined, data: 'after' },
    ]);
    assert.equal(parser.lastEventId, '42');
  });

  test('onEvent receives a plain object with data, event and id', () => {
    const received = [];
    const parser = createParser({ onEvent: (event) => received.push(event) });
    parsers.push(parser);
    parser.feed('event: e\nid: 1\ndata: d\n\n');
    assert.equal(received.length, 1);
    assert.equal(typeof received[0], 'object');
    assert.equal(received[0].data, 'd');
    assert.equal(received[0].event, 'e');
    assert.equal(received[0].id, '1');
  });

  test('field parsing: multi-line data, empty data, one leading space removed, CR / LF / CRLF line ends', () => {
    const { parser, events } = recordingParser();
    parser.feed('data: a\r\ndata:  b\rdata:c\n\ndata\n\nevent: only-type\n\ndata: x\rdata: y\r\r\n');
    assert.deepEqual(events(), [
      { event: undefined, id: undefined, data: 'a\n b\nc' },
      { event: undefined, id: undefined, data: '' },
      { event: undefined, id: undefined, data: 'x\ny' },
    ]);
  });

  test('an id containing NULL is ignored; an empty id field resets the last event ID', () => {
    const { parser, events } = recordingParser();
    parser.feed('id: 1\n\nid: 2\0x\ndata: nul\n\n');
    assert.equal(parser.lastEventId, '1');
    parser.feed('id\ndata: empty id\n\n');
    assert.deepEqual(events().map((e) => e.id), [undefined, '']);
    assert.equal(parser.lastEventId, '');
  });

  test('onRetry: only for values made of ASCII digits; the rest, an empty value included, is an invalid-retry (eventsource-parser contract)', () => {
    const { parser, calls } = recordingParser();
    parser.feed('retry: 1500\nretry: abc\nretry: 12a\nretry: -5\nretry: 1.5\nretry: 0\nretry\nretry:\n');
    assert.deepEqual(calls.filter(([name]) => name === 'retry'), [['retry', 1500], ['retry', 0]]);
    const errors = calls.filter(([name]) => name === 'error').map(([, e]) => [e.type, e.value, e.line]);
    assert.deepEqual(errors, [
      ['invalid-retry', 'abc', 'retry: abc'],
      ['invalid-retry', '12a', 'retry: 12a'],
      ['invalid-retry', '-5', 'retry: -5'],
      ['invalid-retry', '1.5', 'retry: 1.5'],
      ['invalid-retry', '', 'retry'],
      ['invalid-retry', '', 'retry:'],
    ]);
  });

  test('onComment: the text after the colon and one optional space', () => {
    const { parser, calls } = recordingParser();
    parser.feed(': hello\n:world\n:\n:  two spaces\ndata: x\n\n');
    assert.deepEqual(calls.filter(([name]) => name === 'comment').map(([, c]) => c), ['hello', 'world', '', ' two spaces']);
    assert.equal(calls.filter(([name]) => name === 'event').length, 1);
  });

  test('a leading BOM is dropped; a later one is not', () => {
    const { parser, events } = recordingParser();
    parser.feed('\uFEFFdata: first\n\n\uFEFFdata: second\n\ndata: third\n\n');
    assert.deepEqual(events().map((e) => e.data), ['first', 'third']);
  });

  test('feed with strings split anywhere (between code points) gives the same events', () => {
    const stream = 'event: a\nid: 1\ndata: héllo\r\ndata: wörld ✓\r\n\r\n: c\nretry: 7\ndata: 😀\n\n';
    const { parser: whole, calls: expected } = recordingParser();
    whole.feed(stream);
    assert.equal(expected.filter(([name]) => name === 'event').length, 2);
    for (let split = 1; split < stream.length; split++) {
      if (/[\uD800-\uDBFF]/.test(stream[split - 1])) continue; // see the surrogate pair test
      const { parser, calls } = recordingParser();
      parser.feed(stream.slice(0, split));
      parser.feed(stream.slice(split));
      assert.deepEqual(calls, expected, `split at ${split}`);
    }
  });

  test('feed with a string split between the two halves of a surrogate pair', () => {
    // eventsource-parser concatenates string chunks, so a pair cut by String#slice survives.
    const { parser, events } = recordingParser();
    const text = 'data: 😀 and 𝄞\n\n';
    const cuts = [text.indexOf('😀') + 1, text.indexOf('𝄞') + 1];
    parser.feed(text.slice(0, cuts[0]));
    parser.feed(text.slice(cuts[0], cuts[1]));
    parser.feed(text.slice(cuts[1]));
    assert.deepEqual(events().map((e) => e.data), ['😀 and 𝄞']);
  });

  // Non-ASCII texts travel in their own arena (UTF-16 in Node, UTF-8 elsewhere) and ASCII runs
  // of 16 bytes take a vector path: texts of every length, alignment and code point size, in
  // data, event types, ids and comments, must come back as TextDecoder makes them.
  test('random texts mixing 1- to 4-byte code points, at every alignment: data, type, id and comment as TextDecoder decodes them', () => {
    const pieces = ['a', 'x'.repeat(15), 'y'.repeat(16), 'z'.repeat(37), 'é', 'ß', '日', '本語', '😀', '𝄞', '\u0080', '\u07ff', '\uffff', '\u{10ffff}'];
    let seed = 12345;
    const random = (n) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const text = () => Array.from({ length: random(12) }, () => pieces[random(pieces.length)]).join('');
    const blocks = Array.from({ length: 400 }, () => ({ data: text(), type: `t${text()}`, id: text(), comment: text() }));
    const stream = blocks.map((b) => `: ${b.comment}\nevent: ${b.type}\nid: ${b.id}\ndata: ${b.data}\n\n`).join('');
    const bytes = encode(stream);
    for (const chunkSize of [bytes.length, 4096, 61, 7]) {
      const { parser, calls, events } = recordingParser();
      for (let at = 0; at < bytes.length; at += chunkSize) parser.feed(bytes.subarray(at, at + chunkSize));
      const expected = blocks.map((b) => ({ event: b.type, id: b.id, data: b.data }));
      assert.deepEqual(events(), expected, `chunks of ${chunkSize}`);
      const comments = calls.filter(([name]) => name === 'comment').map(([, value]) => value);
      assert.deepEqual(comments, blocks.map((b) => b.comment), `comments, chunks of ${chunkSize}`);
    }
  });

  test('feed with Uint8Array split inside multi-byte characters', () => {
    const bytes = encode('data: é✓😀\nid: ü\n\n');
    for (let split = 1; split < bytes.length; split++) {
      const { parser, events } = recordingParser();
      parser.feed(bytes.subarray(0, split));
      parser.feed(bytes.subarray(split));
      assert.deepEqual(events(), [{ event: undefined, id: 'ü', data: 'é✓😀' }], `split at byte ${split}`);
    }
    const { parser, events } = recordingParser();
    for (const byte of bytes) parser.feed(new Uint8Array([byte]));
    assert.deepEqual(events(), [{ event: undefined, id: 'ü', data: 'é✓😀' }], 'byte by byte');
  });

  test('reset() drops the partial event and the unterminated line', () => {
    const { parser, calls } = recordingParser();
    parser.feed('data: complete\n\ndata: pending\nretry: 9');
    parser.reset();
    parser.feed('\n');
    parser.feed('data: next\n\n');
    assert.deepEqual(calls, [
      ['event', { event: undefined, id: undefined, data: 'complete' }],
      ['event', { event: undefined, id: undefined, data: 'next' }],
    ]);
  });

  test('reset({ consume: true }) parses the unterminated line as if a line end followed', () => {
    const { parser, calls } = recordingParser();
    parser.feed('retry: 77');
    parser.reset({ consume: true });
    parser.feed(': note');
    parser.reset({ consume: true });
    assert.deepEqual(calls, [['retry', 77], ['comment', 'note']]);
    // Without consume the unterminated line is dropped.
    parser.feed('retry: 88');
    parser.reset();
    assert.deepEqual(calls, [['retry', 77], ['comment', 'note']]);
    // The pending event is still dropped: a consumed data line has no blank line after it.
    parser.feed('data: x');
    parser.reset({ consume: true });
    parser.feed('\n');
    assert.equal(calls.filter(([name]) => name === 'event').length, 0);
  });

  test('reset() keeps the last event ID of ended blocks and drops the id of an unfinished one', () => {
    const { parser } = recordingParser();
    parser.feed('id: kept\n\n');
    parser.reset();
    assert.equal(parser.lastEventId, 'kept');
    parser.feed('id: unfinished\n');
    assert.equal(parser.lastEventId, 'unfinished');
    parser.reset();
    assert.equal(parser.lastEventId, 'kept');
  });

  test('lastEventId changes at every id line, including id-only blocks', () => {
    const ids = [];
    const { parser, calls } = recordingParser({ onId: (id) => ids.push(id) });
    assert.equal(parser.lastEventId, '');
    parser.feed('id: 1\n');
    assert.equal(parser.lastEventId, '1');
    parser.feed('\n');
    assert.equal(calls.length, 0, 'an id-only block dispatches no event');
    parser.feed('id: 2\n\n');
    assert.equal(parser.lastEventId, '2');
    parser.feed('id: 3\ndata: x\n\n');
    assert.equal(parser.lastEventId, '3');
    assert.deepEqual(ids, ['1', '2', '3']);
  });

  test('onId is called before onEvent for a block with an id', () => {
    const order = [];
    const parser = createParser({
      onId: (id) => order.push(`id ${id}`),
      onEvent: (event) => order.push(`event ${event.data}`),
    });
    parsers.push(parser);
    parser.feed('id: 9\ndata: d\n\n');
    assert.deepEqual(order, ['id 9', 'event d']);
  });

  test('maxBufferSize: a too long line reports a ParseError of type max-buffer-size-exceeded', () => {
    const { parser, calls } = recordingParser({ maxBufferSize: 1000 });
    parser.feed('data: ok\n\n');
    parser.feed(`data: ${'x'.repeat(5000)}\n\n`);
    const errors = calls.filter(([name]) => name === 'error').map(([, error]) => error);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof Error);
    assert.ok(errors[0] instanceof wasmEventSource.ParseError, 'a ParseError, exported beside createParser');
    assert.equal(errors[0].type, 'max-buffer-size-exceeded');
    assert.deepEqual(calls.filter(([name]) => name === 'event').map(([, e]) => e.data), ['ok']);
    // reset() makes it usable again.
    parser.reset();
    parser.feed('data: again\n\n');
    assert.deepEqual(calls.filter(([name]) => name === 'event').map(([, e]) => e.data), ['ok', 'again']);
  });

  test('createParser rejects a function instead of the callbacks object', () => {
    assert.throws(() => createParser(() => {}), TypeError);
  });

  test('parsers are independent', () => {
    const a = recordingParser();
    const b = recordingParser();
    a.parser.feed('data: from a');
    b.parser.feed('data: from b\n\n');
    a.parser.feed('\n\n');
    assert.deepEqual(a.events().map((e) => e.data), ['from a']);
    assert.deepEqual(b.events().map((e) => e.data), ['from b']);
  });
});

// The same calls made on eventsource-parser 4 itself and on ours: every callback, every error's
// fields and message, and what each feed() or reset() threw.
function sideBySide(config, script) {
  const run = (create) => {
    const calls = [];
    const parser = create({
      onEvent: ({ id, event, data }) => calls.push(['event', { id, event, data }]),
      onId: (id) => calls.push(['id', id]),
      onRetry: (retry) => calls.push(['retry', retry]),
      onError: ({ type, field, value, line, message }) => calls.push(['error', { type, field, value, line, message }]),
      ...config,
    });
    if (create === createParser) parsers.push(parser);
    const call = (method, ...args) => {
      try {
        parser[method](...args);
      } catch (error) {
        calls.push(['threw', error.message]);
      }
    };
    script({ feed: (chunk) => call('feed', chunk), reset: (options) => call('reset', options) });
    return calls;
  };
  return { ours: run(createParser), peer: run(peerCreateParser) };
}

// The limit counts bytes here and characters there, and each message says its unit.
const sameUnit = (calls) => calls.map(([name, value]) => (name === 'error' ? [name, { ...value, message: value.message.replace(/ (bytes|characters)$/, ' <unit>') }] : [name, value]));

describe('createParser side by side with eventsource-parser 4', () => {
  test('eventsource-parser contract: an unterminated line of a field already past maxBufferSize reports the overflow from that very feed(), once; every later feed() throws /max buffer size/ until reset(), and then it parses again', () => {
    for (const chunks of [['data: this is too long for the buffer'], ['data: this', ' is too long', ' for the buffer'], ['id: 0123456789'], ['retry: 1234567890']]) {
      const { ours, peer } = sideBySide({ maxBufferSize: 8 }, ({ feed, reset }) => {
        for (const chunk of chunks) feed(chunk);
        feed('\n\n');
        feed('data: x\n\n');
        reset();
        feed('data: ok\n\n');
      });
      assert.deepEqual(sameUnit(ours), sameUnit(peer), JSON.stringify(chunks));
      assert.equal(ours.filter(([name]) => name === 'error').length, 1, 'one overflow report');
      assert.equal(ours[0][1].message, 'Buffered data exceeded max buffer size of 8 bytes');
      assert.ok(ours.filter(([name]) => name === 'threw').every(([, message]) => /max buffer size/.test(message)));
      assert.deepEqual(ours.at(-1), ['event', { id: undefined, event: undefined, data: 'ok' }]);
    }
  });

  test('eventsource-parser contract: reset({ consume: true }) reports an unterminated line that may still become a field, and never one that cannot (dropped as it came)', () => {
    const lines = ['{"error": "overloaded"}', 'bogus', 'garbage: x', 'retryx', 'ids', 'dat: x', 'Data: x', 'dat', 'd', 'ev', 'retry', 'retry: 12a', 'retry: 42', 'data', 'data: x', 'id: 7', 'event: e'];
    for (const line of lines) {
      const { ours, peer } = sideBySide({}, ({ feed, reset }) => {
        feed(line);
        reset({ consume: true });
        feed('data: after\n\n');
      });
      assert.deepEqual(ours, peer, JSON.stringify(line));
    }
    // The same split across feeds: a line is dropped once it can no longer become a field.
    const { ours, peer } = sideBySide({}, ({ feed, reset }) => {
      for (const chunk of ['{"er', 'ror": ', '"x"}']) feed(chunk);
      reset({ consume: true });
      for (const chunk of ['da', 't']) feed(chunk);
      reset({ consume: true });
    });
    assert.deepEqual(ours, peer);
    assert.deepEqual(ours.map(([name, value]) => [name, value.line]), [['error', 'dat']]);
  });

  test('eventsource-parser contract: reset({ consume: true }) after complete lines dispatches nothing: the pending event is dropped as at any reset', () => {
    for (const input of ['data: x\n', 'data: x\r', 'data: x\r\n', 'id: 1\ndata: x\n', 'data: x\ndata: y', 'data: x\n: c', 'event: e\ndata: x\n']) {
      const script = (chunk) => ({ feed, reset }) => {
        feed(chunk);
        reset({ consume: true });
        feed('\n');
      };
      const { ours, peer } = sideBySide({}, script(input));
      assert.deepEqual(ours, peer, JSON.stringify(input));
      assert.deepEqual(ours.filter(([name]) => name === 'event'), [], JSON.stringify(input));
      // The same as bytes (eventsource-parser takes text only).
      assert.deepEqual(sideBySide({}, script(new TextEncoder().encode(input))).ours, peer, `${JSON.stringify(input)} as bytes`);
    }
  });

  test('eventsource-parser contract: createParser(fn) throws its TypeError, word for word', () => {
    const thrown = (create) => {
      try {
        create(() => {});
      } catch (error) {
        return [error.constructor, error.message];
      }
      return null;
    };
    assert.deepEqual(thrown(createParser), thrown(peerCreateParser));
    assert.equal(thrown(createParser)[0], TypeError);
  });
});
