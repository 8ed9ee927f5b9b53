// What the EventSource sends and what it accepts back (WHATWG HTML §9.2.2-§9.2.3 and Fetch):
// its URL, its request headers (Last-Event-ID as each platform puts a byte string on the wire),
// the checks of a response, and the page's window.stop() calls, which end its fetches.
import { refusedByNodeHttp } from './node-http.js';
import { describeValue } from './session.js';
import { encodeUtf8 } from './text-codec.js';

export const FETCHED_SCHEMES = new Set(['http:', 'https:', 'data:']);
const SPECIAL_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);
// The URL Standard's forbidden domain code points. A valid URL of a special scheme never has one
// in its host, but Chromium's URL parser lets some through percent-encoded ("http://a b/" gives
// the host "a%20b"), so the constructor checks the host it got.
const FORBIDDEN_DOMAIN_CODE_POINT = /[\x00-\x20#%/:<>?@[\\\]^|\x7f]/;

// window.stop() aborts the page's fetches, and Chromium fails an EventSource it stops. A fetch
// body read then rejects with a plain network error, indistinguishable from a dropped
// connection, so the polyfill counts the calls (window.stop itself still runs unchanged).
let windowStopCount = 0;
let windowStopWatched = false;
export function windowStops() {
  if (!windowStopWatched) {
    windowStopWatched = true;
    const { window } = globalThis;
    if (window && typeof window.stop === 'function') {
      const stop = window.stop;
      window.stop = function () {
        windowStopCount++;
        return stop.apply(this, arguments);
      };
    }
  }
  return windowStopCount;
}

function baseUrl() {
  const g = globalThis;
  if (g.document && typeof g.document.baseURI === 'string') return g.document.baseURI;
  if (g.location && typeof g.location.href === 'string') return g.location.href; // workers
  return undefined;
}

// §9.2.2 the constructor: "Let urlRecord be the result of encoding-parsing a URL given url,
// relative to settings. If urlRecord is failure, then throw a SyntaxError DOMException."
export function parseEventSourceUrl(url) {
  const text = `${url}`; // a Symbol throws a TypeError here, as WebIDL's USVString does
  let parsed = null;
  try {
    parsed = new URL(text, baseUrl());
  } catch {}
  if (
    parsed === null ||
    (SPECIAL_SCHEMES.has(parsed.protocol) &&
      !parsed.hostname.startsWith('[') &&
      FORBIDDEN_DOMAIN_CODE_POINT.test(parsed.hostname))
  ) {
    throw new DOMException(`Failed to construct 'EventSource': The URL '${text}' is invalid.`, 'SyntaxError');
  }
  return parsed;
}

// A header value is a byte string: the ID's UTF-8 bytes, one per character.
function utf8ByteString(text) {
  let out = '';
  for (const byte of encodeUtf8(text)) out += String.fromCharCode(byte);
  return out;
}

// §9.2.3 sends Last-Event-ID as "the last event ID string, encoded as UTF-8": a byte string of
// those bytes, which fetch() puts on the wire one byte per character (the Fetch standard; so do
// Chromium, Firefox, Node, Deno and Bun). Two platforms send a header value's characters as
// UTF-8 instead, which would encode the ID's bytes twice; there the ID goes as its own text:
// - 'text': Headers take any text, a character above U+00FF too, and fetch() sends its UTF-8
//   (workerd). That shows without a request: the probe below.
// - 'latin1-text': WebKit. Its Headers refuse a character above U+00FF as the standard says, yet
//   below them every header value's characters go out as UTF-8 (WebKitGTK hands libsoup each
//   value as String::utf8()), so "é" goes out as C3 A9 and "\xC3\xA9" as C3 83 C2 A9. Nothing a
//   page can call shows that short of a request to a server that echoes the bytes, so WebKit is
//   known by its user agent. Whatever a WebKit port's encoding, a value given as the ID's own
//   characters goes out as WebKit's own EventSource sends the ID (both hand it the same string). An ID within U+0000-U+00FF goes as itself: exactly its UTF-8 on the wire, as
//   WebKit's own EventSource sends it. One beyond U+00FF cannot be sent so (the wire can then
//   only carry a byte of 0x80 or more as the second of a C2 or C3 pair): it goes as the standard's
//   byte string, which arrives encoded twice (decode it as UTF-8 twice to get the ID back).
let headerEncoding;
function platformHeaderEncoding() {
  if (headerEncoding !== undefined) return headerEncoding;
  headerEncoding = 'bytes';
  try {
    new Headers({ probe: '\u2713' });
    headerEncoding = 'text';
  } catch {
    const userAgent = typeof navigator === 'object' ? `${navigator?.userAgent ?? ''}` : '';
    if (/AppleWebKit\//.test(userAgent) && !/(Chrome|Chromium|Edg)\//.test(userAgent)) headerEncoding = 'latin1-text';
  }
  return headerEncoding;
}

export function lastEventIdHeader(id) {
  const encoding = platformHeaderEncoding();
  if (encoding === 'text' || (encoding === 'latin1-text' && /^[\0-\xff]*$/.test(id))) return id;
  return utf8ByteString(id);
}

export function mimeEssence(contentType) {
  if (contentType == null) return '';
  return contentType.split(';', 1)[0].trim().toLowerCase();
}

// Header names are HTTP tokens; values are byte strings without CR, LF or NUL (fetch would
// reject them anyway, but as a network error that would make the source retry forever).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
const NOT_A_BYTE_STRING = /[^\x00-\xff]/;
export function checkHeaders(headers, anyText = platformHeaderEncoding() === 'text') {
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError(`The headers option must give an object, got ${describeValue(headers)}`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
    if (FORBIDDEN_IN_VALUE.test(String(value))) {
      throw new TypeError(`The value of header ${name} holds CR, LF or NUL`);
    }
    if (!anyText && NOT_A_BYTE_STRING.test(String(value))) {
      throw new TypeError(`The value of header ${name} is not a byte string (a character above U+00FF)`);
    }
  }
}

// Node's fetch refuses some header bytes that browsers send (control characters such as VT or
// DEL, e.g. in an ID the stream set) before any request, as a TypeError whose cause is undici's
// InvalidArgumentError, and Deno's as a TypeError "failed to parse header value": not network
// errors, so reconnecting would only repeat them, forever.
export function refusedArguments(error) {
  if (error?.cause?.code === 'UND_ERR_INVALID_ARG' || refusedByNodeHttp(error)) return true;
  return globalThis.Deno !== undefined && error?.name === 'TypeError' && /^failed to parse header/.test(error.message);
}

// Retry-After in ms: delay-seconds or an HTTP date; 0 when absent or unreadable.
export function retryAfterMs(value) {
  if (value == null) return 0;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

// Cancels a body or reader whatever it does: throws, returns no promise, or never settles.
export function cancelQuietly(stream) {
  try {
    const done = stream?.cancel?.();
    if (typeof done?.then === 'function') done.then(undefined, () => {});
  } catch {}
}

// What a custom fetch() must give: something response-like. Anything else fails the connection
// (reason 'invalid-response') instead of throwing inside the source.
export function checkResponse(response) {
  if (response === null || typeof response !== 'object') return `fetch() resolved to ${describeValue(response)}, not a Response`;
  if (typeof response.status !== 'number') return 'the response has no numeric status';
  if (typeof response.headers?.get !== 'function') return 'the response has no headers with a get() method';
  return null;
}

// The body of a response that opened the source: a stream to read, or what is wrong with it.
// (As eventsource 5 does, only once status and type are right: a 404 without a body is a 404.)
export function bodyProblem(body) {
  if (body == null) return 'the response has no body';
  if (typeof body.getReader !== 'function') return `the response body is ${describeValue(body)}, not a ReadableStream`;
  return null;
}
