// The EventSource's error events: a plain Event named `error`, as the standard fires, with the
// reason and eventsource 5's `code` and `message`.

// The text of an error, with its causes (fetch errors hide the reason in `cause`).
export function errorText(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${errorText(error.cause)}` : '';
  return `${error.message}${cause}`;
}

// A failed fetch as eventsource 5 words it: an error with a cause as "Name: message: <cause>", an
// AggregateError as its errors joined by ", ", else the message ("TypeError: fetch failed:
// connect ECONNREFUSED 127.0.0.1:9" in Node, "TypeError: Failed to fetch" in Chromium).
function fetchErrorText(error) {
  if (!(error instanceof Error)) return String(error);
  if (Array.isArray(error.errors)) return error.errors.map(fetchErrorText).join(', ');
  if (error.cause instanceof Error) return `${error}: ${fetchErrorText(error.cause)}`;
  return error.message;
}

// eventsource 5's message for a response body that is missing or no web stream.
export const INVALID_BODY = 'Invalid response body, expected a web ReadableStream';

// The `message` of each error event (eventsource 5's ErrorEvent has one), by reason: eventsource
// 5's own words where it has them (users log and match them), else ours.
const MESSAGES = {
  network: (d) => (d.error !== undefined ? fetchErrorText(d.error) : 'Network error'),
  'end-of-stream': () => 'The server ended the stream',
  'http-status': (d) => (d.status === 204 ? 'Server sent HTTP 204, not reconnecting' : `Non-200 status code (${d.status})`),
  'mime-type': () => 'Invalid content type, expected "text/event-stream"',
  scheme: (d) => `EventSource cannot fetch ${d.url} (only http:, https: and data: URLs)`,
  aborted: () => 'The request was aborted',
  'heartbeat-timeout': (d) => `Nothing arrived for ${d.timeout} ms`,
  'buffer-limit': (d) => `Buffered data exceeded max buffer size of ${d.limit} bytes`,
  'reconnect-limit': (d) => `Gave up after ${d.attempts} reconnection attempts (last failure: ${d.cause})`,
  headers: (d) => `Invalid request headers: ${errorText(d.error)}`,
  cors: () => 'The cross-origin request was refused (CORS)',
  wasm: (d) => `The WebAssembly parser could not start: ${errorText(d.error)}`,
  'invalid-response': (d) => d.problem,
  'invalid-chunk': (d) => d.problem,
  'stream-error': (d) => `The stream failed: ${errorText(d.error)}`,
};

// The `error` event: a plain Event, as the standard fires, with the diagnostics the polyfill
// knows as read-only properties. `code` is the HTTP status of the response that failed it
// (eventsource 5's name for it); like eventsource 5's ErrorEvent, every error event has the keys
// `code` and `message`, `code` undefined when no response is to blame.
export function errorEvent(details) {
  const event = new Event('error');
  const message = details.message ?? MESSAGES[details.reason]?.(details);
  const code = details.code ?? (details.reason === 'http-status' || details.reason === 'mime-type' ? details.status : undefined);
  for (const [key, value] of Object.entries({ ...details, code, message })) {
    if (value !== undefined || key === 'code' || key === 'message') Object.defineProperty(event, key, { value, enumerable: true });
  }
  return event;
}
