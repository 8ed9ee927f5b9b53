// What Hermes lacks, and that the package still loads there: the whole entry (EventSource
// included) evaluates without WebAssembly, TextDecoder, TextEncoder, EventTarget or
// TransformStream, the parser works, and what needs a missing API says so when constructed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { hermesBundle, runHermes } from './hermes.mjs';

const script = `
import * as lib from 'wasm-eventsource';
import { EventSourceParserStream as FromStream } from 'wasm-eventsource/stream';
const out = { platform: {}, exports: {}, errors: {} };
for (const name of ['WebAssembly', 'TextDecoder', 'TextEncoder', 'EventTarget', 'TransformStream']) {
  out.platform[name] = typeof globalThis[name];
}
for (const name of ['createParser', 'EventSource', 'EventSourceParserStream', 'ParseError']) out.exports[name] = typeof lib[name];
out.sameStream = FromStream === lib.EventSourceParserStream;
const attempt = (name, make) => {
  try {
    make();
    out.errors[name] = null;
  } catch (error) {
    out.errors[name] = error.name + ': ' + error.message;
  }
};
attempt('EventSource', () => new lib.EventSource('http://127.0.0.1:9/'));
attempt('EventSourceParserStream', () => new lib.EventSourceParserStream());
const seen = [];
const parser = lib.createParser({ onEvent: (event) => seen.push(event), onRetry: (ms) => seen.push(ms) });
parser.feed('retry: 250\\nid: \\u00e9\\u{1F600}\\nevent: t\\u00fcp\\ndata: caf\\u00e9\\ndata: \\u{1F600}\\n\\n');
parser.feed(new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0xe2, 0x82, 0x0a, 0x0a]));
out.seen = seen;
out.lastEventId = parser.lastEventId;
print(JSON.stringify(out));
`;

test('in Hermes the whole entry loads without the APIs it lacks, and createParser parses text and bytes', async () => {
  const output = await runHermes(await hermesBundle({ contents: script, resolveDir: import.meta.dirname }), { name: 'platform' });
  const out = JSON.parse(output);
  assert.deepEqual(out.platform, {
    WebAssembly: 'undefined', TextDecoder: 'undefined', TextEncoder: 'undefined', EventTarget: 'undefined', TransformStream: 'undefined',
  }, 'this Hermes lacks them (else this test proves nothing)');
  assert.deepEqual(out.exports, { createParser: 'function', EventSource: 'function', EventSourceParserStream: 'function', ParseError: 'function' });
  assert.equal(out.sameStream, true);
  assert.deepEqual(out.errors, {
    EventSource: 'TypeError: EventSource needs EventTarget, which this platform lacks',
    EventSourceParserStream: 'TypeError: EventSourceParserStream needs TransformStream, which this platform lacks',
  });
  assert.deepEqual(out.seen, [
    250,
    { id: '\u00e9\u{1F600}', event: 't\u00fcp', data: 'caf\u00e9\n\u{1F600}' },
    { data: '\uFFFD\uFFFD' }, // no id or event field in its block
  ].map((v) => JSON.parse(JSON.stringify(v))));
  assert.equal(out.lastEventId, '\u00e9\u{1F600}');
});
