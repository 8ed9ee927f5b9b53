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
    onError: (error) => (out.error = error.type === 'max-buffer-size-exceeded' ? true : String(error.type)),
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
