// Runs one corpus case (tests/vectors, read by vectors.mjs) through createParser and says what
// came out in the corpus's terms: the same code in Node (tests/js/corpus.test.mjs) and in
// Chromium (tests/browser/corpus.test.mjs, where the harness server serves this file to the
// page), so both runners judge the parser alike. No Node API here.

/** Offsets to split an input of `size` bytes at: all of them for short inputs, a spread beyond. */
export function splitOffsets(size, everyUpTo = 4096) {
  if (size <= everyUpTo) return Array.from({ length: Math.max(size - 1, 0) }, (_, i) => i + 1);
  const chosen = new Set();
  for (let k = 1; k < 32; k++) chosen.add(k).add(size - k);
  for (let k = 1; k < 64; k++) chosen.add(Math.floor((size * k) / 64));
  return [...chosen].sort((a, b) => a - b);
}

/** The input one byte per chunk. */
export function byteChunks(input) {
  return Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1));
}

/** The input cut at `offsets`. */
export function chunksAt(input, offsets) {
  const chunks = [];
  let from = 0;
  for (const at of offsets) {
    chunks.push(input.subarray(from, at));
    from = at;
  }
  chunks.push(input.subarray(from));
  return chunks;
}

/**
 * Feeds the chunks (bytes or strings) and ends the stream; returns { events, retries, comments,
 * error, lastEventId } as the corpus states them (`comments` only when the case lists them;
 * `error` is true for the buffer limit, else the unexpected error type).
 */
export function traceCase(createParser, testCase, chunks) {
  const out = { events: [], retries: [], comments: [], error: false, lastEventId: '' };
  const parser = createParser({
    maxBufferSize: testCase.maxBufferedBytes,
    onEvent: ({ event, data }) => out.events.push({ type: event ?? 'message', data, lastEventId: out.lastEventId }),
    onId: (id) => (out.lastEventId = id),
    onRetry: (retry) => out.retries.push(retry),
    onComment: (comment) => out.comments.push(comment),
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') out.error = true;
      // createParser reports an empty retry value as invalid-retry, as eventsource-parser does;
      // the corpus states what the standard's choice there means for a stream (Chromium: the
      // default reconnection time), which the EventSource applies.
      else if (error.type === 'invalid-retry' && error.value === '') out.retries.push(3000);
      // unknown-field and the other invalid-retry reports are warnings the corpus does not list.
      else if (error.type !== 'unknown-field' && error.type !== 'invalid-retry') out.error = String(error.type);
    },
  });
  for (const chunk of chunks) {
    if (out.error) break; // the parser throws once terminated, as eventsource-parser does
    parser.feed(chunk);
  }
  parser.reset();
  parser.dispose();
  if (testCase.expected.comments === undefined) delete out.comments;
  return out;
}

/** The case's input as text, when it is valid UTF-8 (eventsource-parser's users feed text). */
export function inputAsText(input) {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
  const again = new TextEncoder().encode(text);
  return again.length === input.length && again.every((byte, i) => byte === input[i]) ? text : null;
}

/**
 * A case as JSON for a runtime that cannot read tests/vectors itself (workerd, Hermes): its input
 * as one Latin-1 character per byte, and as text where it is valid UTF-8.
 */
export function portableCase(testCase) {
  return {
    id: testCase.id,
    input: Array.from(testCase.input, (byte) => String.fromCharCode(byte)).join(''), // (no Buffer: pages load this file)
    maxBufferedBytes: testCase.maxBufferedBytes,
    listsComments: testCase.expected.comments !== undefined,
    text: inputAsText(testCase.input),
  };
}

/**
 * The same through EventSourceParserStream: the chunks are piped through one stream and the
 * trace is what came out, in the corpus's terms. Events carry no lastEventId here (a stream's
 * reader cannot tell when each id arrived); the last one is checked at the end.
 */
export async function traceStream(EventSourceParserStream, testCase, chunks) {
  const out = { events: [], retries: [], comments: [], error: false, lastEventId: '' };
  const stream = new EventSourceParserStream({
    maxBufferSize: testCase.maxBufferedBytes,
    onId: (id) => (out.lastEventId = id),
    onRetry: (retry) => out.retries.push(retry),
    onComment: (comment) => out.comments.push(comment),
    // (As traceCase: an empty retry value stands for the default reconnection time.)
    onError: (error) => error.type === 'invalid-retry' && error.value === '' && out.retries.push(3000),
  });
  const input = new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const reader = input.pipeThrough(stream).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out.events.push({ type: value.event ?? 'message', data: value.data });
    }
  } catch (error) {
    if (error?.type !== 'max-buffer-size-exceeded') throw error;
    out.error = true;
  }
  if (testCase.expected.comments === undefined) delete out.comments;
  return out;
}
