// The Worker of tests/workerd/workerd.test.mjs: the package by its name (so through the workerd
// condition: the module imported as a .wasm file), driven by requests from the test.
//   POST /corpus          { cases } → each case through createParser (whole, byte by byte, as
//                         text) and EventSourceParserStream (one chunk, byte by byte, as text)
//   GET /event-source?url=U&messages=N  an EventSource on U with the `fetch` option, until N
//                         messages and the error that follows them, or CLOSED
import { EventSource, EventSourceParserStream, createParser } from 'wasm-eventsource';
import { EventSourceParserStream as StreamFromSubpath } from 'wasm-eventsource/stream';

import { traceCase, traceStream } from '../support/corpus-trace.mjs';

function bytesOf(latin1) {
  const bytes = new Uint8Array(latin1.length);
  for (let i = 0; i < latin1.length; i++) bytes[i] = latin1.charCodeAt(i);
  return bytes;
}

const pieces = (input, size) =>
  Array.from({ length: Math.ceil(input.length / size) }, (_, i) => input.subarray(i * size, (i + 1) * size));

async function corpus(cases) {
  const results = [];
  for (const testCase of cases) {
    const input = bytesOf(testCase.input);
    const run = { ...testCase, input, expected: { comments: testCase.listsComments ? [] : undefined } };
    const result = {
      id: testCase.id,
      whole: traceCase(createParser, run, [input]),
      bytes: traceCase(createParser, run, pieces(input, 1)),
      streamChunk: await traceStream(EventSourceParserStream, run, [input]),
      // (As tests/js/corpus-stream.test.mjs: a megabyte byte by byte through a stream takes minutes.)
      streamBytes: await traceStream(EventSourceParserStream, run, pieces(input, input.length <= 16384 ? 1 : 1024)),
    };
    if (testCase.text !== null) {
      result.text = traceCase(createParser, run, [testCase.text]);
      result.streamText = await traceStream(EventSourceParserStream, run, [testCase.text]);
    }
    results.push(result);
  }
  return results;
}

// With `platformFetch`, the source uses workerd's own fetch (no `fetch` option): nothing is
// recorded of its requests here.
function eventSource(url, messages, { platformFetch = false } = {}) {
  const fetched = [];
  const log = [];
  return new Promise((resolve) => {
    const recording = {
      fetch(input, init) {
        fetched.push({ url: String(input), accept: init.headers.Accept, lastEventId: init.headers['Last-Event-ID'] ?? null });
        return fetch(input, init);
      },
    };
    const source = platformFetch ? new EventSource(url) : new EventSource(url, recording);
    const finish = () => {
      source.close();
      resolve({ log, fetched });
    };
    const record = (event) => {
      const entry = { type: event.type, readyState: source.readyState };
      if (event.type !== 'open' && event.type !== 'error') {
        Object.assign(entry, {
          data: event.data,
          origin: event.origin,
          lastEventId: event.lastEventId,
          isMessageEvent: event instanceof MessageEvent,
        });
      }
      if (event.type === 'error') entry.reason = event.reason;
      log.push(entry);
    };
    source.onopen = record;
    source.onmessage = record;
    source.addEventListener('ping', record);
    source.onerror = (event) => {
      record(event);
      if (source.readyState === EventSource.CLOSED || log.filter((e) => e.data !== undefined).length >= messages) finish();
    };
  });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/corpus') {
      const { cases } = await request.json();
      return Response.json({ results: await corpus(cases), sameStream: StreamFromSubpath === EventSourceParserStream });
    }
    if (url.pathname === '/event-source') {
      const options = { platformFetch: url.searchParams.has('platform-fetch') };
      return Response.json(await eventSource(url.searchParams.get('url'), Number(url.searchParams.get('messages')), options));
    }
    return new Response('not found', { status: 404 });
  },
};
