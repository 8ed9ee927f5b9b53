// Traces and their comparison (harness/README.md, "Traces"): the requests of a run and their
// delay buckets, the alignment of two traces' rows, and the differences between a reference
// trace and another one.
import { isDeepStrictEqual } from 'node:util';

/** The coarse delay buckets of the README. */
export function delayBucket(ms) {
  if (ms < 50) return '<50ms';
  if (ms < 250) return '50-250ms';
  if (ms < 1000) return '250ms-1s';
  if (ms < 2500) return '1-2.5s';
  if (ms < 5000) return '2.5-5s';
  return '>5s';
}

/**
 * The delay bucket of a request after the one before it (the server's request logs). A request
 * that follows a redirect shows how fast the engine's own fetch follows it, for its EventSource
 * and for a polyfill over fetch() alike, and that jitters across the finer buckets (Firefox,
 * idle: 40–400 ms): under a second it is one bucket, which still tells a redirect followed from
 * a reconnection.
 */
export function requestDelay(previous, request) {
  const ms = request.time - previous.time;
  if (previous.redirected && ms < 1000) return '<1s after a redirect';
  return delayBucket(ms);
}

/**
 * The requests of a run as traced (the server's request logs): method, origin, the path below the
 * scenario's URL, the headers of `headerNames` that were sent (an Origin header's value through
 * `originName`), and — from the second request on — the delay since the previous request in
 * coarse buckets (requestDelay). (The first request's delay since the run started says more
 * about page load than about the implementation.)
 */
export function requestTrace(requests, headerNames, originName = (value) => value) {
  let previous;
  return requests.map((request) => {
    const headers = {};
    for (const name of headerNames) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
    if (headers.origin !== undefined) headers.origin = originName(headers.origin);
    const entry = { method: request.method, origin: request.origin, path: request.subpath, headers };
    if (previous !== undefined) entry.delay = requestDelay(previous, request);
    previous = request;
    return entry;
  });
}

/**
 * Aligns two lists (longest common subsequence on `key`, index-wise if huge): rows { a?, b?, same }
 * where a and b are indexes; a row with both is a pair (same when the items are equal), a row
 * with one side is an item only that side has.
 */
export function alignLists(left, right, key = (item) => JSON.stringify(item)) {
  const full = (item) => JSON.stringify(item);
  const rows = [];
  const n = left.length;
  const m = right.length;
  if (n * m > 4_000_000) {
    for (let i = 0; i < Math.max(n, m); i++) {
      rows.push({ a: i < n ? i : undefined, b: i < m ? i : undefined, same: i < n && i < m && full(left[i]) === full(right[i]) });
    }
    return rows;
  }
  const a = left.map(key);
  const b = right.map(key);
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      rows.push({ a: i, b: j, same: full(left[i]) === full(right[j]) });
      i++;
      j++;
    } else if (i < n && j < m && table[i + 1][j + 1] === table[i][j]) {
      rows.push({ a: i++, b: j++, same: false }); // one item changed into another
    } else if (j < m && (i === n || table[i][j + 1] >= table[i + 1][j])) {
      rows.push({ b: j++, same: false });
    } else {
      rows.push({ a: i++, same: false });
    }
  }
  return rows;
}

// What aligns rows of two traces: the request without its delay, the event without readyState
// (so that a row differing only there shows as one changed row).
export const requestKey = ({ delay, ...rest }) => JSON.stringify(rest);
export const eventKey = ({ readyState, ...rest }) => JSON.stringify(rest);
const KEYS = { events: eventKey, requests: requestKey };

/** The differences between a native trace (expected) and another one (actual), per section. */
export function diffTraces(expected, actual) {
  const diff = [];
  for (const section of ['threw', 'events', 'requests']) {
    const e = expected[section];
    const a = actual[section];
    if (isDeepStrictEqual(e, a)) continue;
    if (!Array.isArray(e) || !Array.isArray(a)) {
      diff.push({ section, expected: e, actual: a });
      continue;
    }
    for (const row of alignLists(e, a, KEYS[section])) {
      if (row.same) continue;
      diff.push({ section, index: row.b ?? row.a, expected: row.a === undefined ? undefined : e[row.a], actual: row.b === undefined ? undefined : a[row.b] });
    }
  }
  return diff;
}
