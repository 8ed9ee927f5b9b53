// Runs bytes through an EventSource and says what came out: the messages (type, data,
// lastEventId) and, at the end, the lastEventId and reconnectionTime getters. Used to compare
// EventSource.fromReadableStream() with the URL-based source on the same chunks
// (tests/js/corpus-from-stream.test.mjs). No Node API here.

function streamOf(chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

// The event types of a stream: what its `event` fields name, and message.
function typesIn(bytes) {
  const types = new Set(['message']);
  const text = new TextDecoder().decode(bytes);
  for (const match of text.matchAll(/(?:^|[\r\n])event:? ?([^\r\n]*)/g)) if (match[1]) types.add(match[1]);
  return types;
}

async function trace(source, types) {
  const messages = [];
  let done;
  const ended = new Promise((resolve) => (done = resolve));
  for (const type of types) {
    source.addEventListener(type, (event) => {
      // (A stream event named "open" or "error" comes beside the source's own, which carry no data.)
      if ('data' in event) messages.push([event.type, event.data, event.lastEventId]);
    });
  }
  source.addEventListener('error', (event) => 'data' in event || done());
  await ended;
  const result = { messages, lastEventId: source.lastEventId, reconnectionTime: source.reconnectionTime };
  source.close();
  return result;
}

/** The trace of `chunks` through EventSource.fromReadableStream(). */
export function traceFromStream(EventSource, chunks, whole) {
  return trace(EventSource.fromReadableStream(streamOf(chunks)), typesIn(whole));
}

/** The trace of `chunks` as the body of a response to a URL-based source (ended at the first
 *  error: the end of the body). */
export function traceFromUrl(EventSource, chunks, whole) {
  const response = () => ({
    status: 200,
    url: 'http://127.0.0.1:9/corpus',
    headers: { get: (name) => (name.toLowerCase() === 'content-type' ? 'text/event-stream' : null) },
    body: streamOf(chunks),
  });
  return trace(new EventSource('http://127.0.0.1:9/corpus', { fetch: async () => response() }), typesIn(whole));
}
