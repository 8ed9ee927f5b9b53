// The verdicts of the endpoint checker (harness/check.mjs): pure functions from what one
// connection observed (headers, the arrival time of every read, event and comment, the byte scan)
// to a list of checks `{ id, title, verdict: 'pass' | 'warn' | 'fail', message, rule? }`.
// All times are milliseconds since the first request was sent.
//
// Each finding is reported once, by one check, at one severity; a ✓ states what was seen and
// carries no advice (advice makes it a ⚠). Where a stream was held back, the check that sees the
// symptom names the likely cause (a compressor, a proxy). `rule`: how the check decides, for
// --verbose.

import { LONG_LINE_BYTES } from './check-scan.mjs';

/** Items (events and comments) arriving within this many ms of a burst's first item join that burst. */
export const BURST_WINDOW_MS = 50;
/** Silence before a burst that makes it "held back". */
export const HELD_SILENCE_MS = 1000;
/** A burst that ends this close to the end of the stream "came at close". */
export const AT_CLOSE_MS = 500;
/** Batching: this many items per burst (median) … */
export const BATCH_ITEMS = 4;
/** … with at least this many ms between bursts (median). */
export const BATCH_GAP_MS = 1000;
/** Headers later than this keep a browser's EventSource CONNECTING: warned. */
export const SLOW_HEADERS_MS = 1000;

export const DELIVERY_RULE =
  `events and comments are grouped into bursts (arrivals within ${BURST_WINDOW_MS} ms of the burst's first); ` +
  `✗ when ≥ 2 of them, all but at most 20 %, came in one burst after ≥ ${HELD_SILENCE_MS / 1000} s without a body byte ` +
  `and the stream ended right after it (held back until close); ⚠ when such a burst leaves the stream open (a buffer flushed ` +
  `when full?), when everything came at once just before the stream closed (a fast server and a buffer look the same), ` +
  `when bursts hold a median of ≥ ${BATCH_ITEMS} items ≥ ${BATCH_GAP_MS / 1000} s apart (batched), or when fewer than 2 items came; ✓ otherwise`;

export const PROXY_RULE =
  'nginx buffers a proxied response unless the response says X-Accel-Buffering: no (or the proxy has proxy_buffering off); ' +
  'a Content-Length means the stream was produced whole before it was sent; a compressor (Content-Encoding) holds its output until it is flushed. ' +
  '⚠ for a Content-Length or an X-Accel-Buffering other than no; ✓ otherwise. When delivery was held back, the delivery or first-event check names the likely cause';

const pass = (id, title, message, extra) => ({ id, title, verdict: 'pass', message, ...extra });
const warn = (id, title, message, extra) => ({ id, title, verdict: 'warn', message, ...extra });
const fail = (id, title, message, extra) => ({ id, title, verdict: 'fail', message, ...extra });

export function ms(value) {
  if (value == null || !Number.isFinite(value)) return '–';
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(value < 10000 ? 2 : 1)} s`;
}

function bytesText(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const quote = (s) => JSON.stringify(s);

/** Parses a Content-Type value into `{ essence, params }` (lower-case essence and parameter names). */
export function parseContentType(value) {
  if (value == null) return null;
  const [type, ...rest] = String(value).split(';');
  const params = new Map();
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let paramValue = part.slice(eq + 1).trim();
    if (paramValue.startsWith('"') && paramValue.endsWith('"') && paramValue.length >= 2) paramValue = paramValue.slice(1, -1);
    if (name && !params.has(name)) params.set(name, paramValue);
  }
  return { essence: type.trim().toLowerCase(), params };
}

function encodingOf(label) {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

export function statusCheck(obs) {
  const { response, redirects } = obs;
  const via = redirects.length
    ? `; followed ${redirects.map((r) => `${r.status} → ${r.to}`).join(', ')}` +
      (redirects.some((r) => r.crossOrigin)
        ? ' (crosses origins: CORS applies to the final URL, and EventSource.url stays the first one)'
        : '')
    : '';
  const line = `${response.status} ${response.statusText ?? ''}`.trim();
  if (response.status === 200) return pass('status', 'HTTP status', `${line}${via}`);
  const snippet = obs.bodySnippet ? ` — body: ${quote(obs.bodySnippet)}` : '';
  if (response.status === 204) {
    return fail('status', 'HTTP status', `${line}${via}: 204 tells EventSource to stop and never reconnect (fine only to end a stream on purpose)`);
  }
  if (response.status >= 300 && response.status < 400) {
    return fail('status', 'HTTP status', `${line}${via}: a redirect without a usable Location, or too many redirects`);
  }
  return fail('status', 'HTTP status', `${line}${via}: EventSource needs 200; anything else fails the connection without reconnecting (the stream checks need a 200)${snippet}`);
}

export function contentTypeChecks(obs) {
  const raw = obs.response.headers['content-type'];
  const parsed = parseContentType(raw);
  const checks = [];
  if (!parsed || !parsed.essence) {
    checks.push(fail('content-type', 'Content-Type', 'missing: EventSource fails the connection unless it is text/event-stream'));
  } else if (parsed.essence !== 'text/event-stream') {
    checks.push(fail('content-type', 'Content-Type', `${quote(raw)}: the MIME type must be text/event-stream, or EventSource fails the connection (and does not reconnect)`));
  } else {
    checks.push(pass('content-type', 'Content-Type', quote(raw)));
  }
  const charset = parsed?.params.get('charset');
  if (charset === undefined) {
    checks.push(pass('charset', 'charset', 'none (event streams are always UTF-8)'));
  } else {
    const encoding = encodingOf(charset);
    const invalid = obs.scan?.utf8.errors ?? 0;
    if (encoding === 'utf-8') {
      const spelled = charset.toLowerCase() === 'utf-8' ? '' : ` (${quote(charset)} is a label of UTF-8)`;
      checks.push(pass('charset', 'charset', `${charset}${spelled}`));
    } else if (invalid > 0) {
      checks.push(fail('charset', 'charset', `${quote(charset)}${encoding ? ` (${encoding})` : ''}, and the body is not valid UTF-8 (${plural(invalid, 'invalid sequence')}): browsers ignore the charset and decode UTF-8 anyway, so the text arrives garbled — send UTF-8`));
    } else if (encoding === null) {
      checks.push(warn('charset', 'charset', `${quote(charset)} is not a known encoding; browsers ignore it and decode UTF-8 — drop it or say utf-8`));
    } else {
      checks.push(warn('charset', 'charset', `${quote(charset)} (${encoding}): browsers ignore it and decode UTF-8 (the body here is valid UTF-8), but other clients may honour it — drop it or say utf-8`));
    }
  }
  return checks;
}

export function cachingCheck(obs) {
  const value = obs.response.headers['cache-control'];
  const directives = (value ?? '').toLowerCase().split(',').map((d) => d.trim().split('=')[0]);
  if (directives.includes('no-store') || directives.includes('no-cache')) return pass('caching', 'caching', `Cache-Control: ${value}`);
  const pragma = obs.response.headers.pragma;
  const extra = pragma ? ` (Pragma: ${pragma} is for HTTP/1.0 caches only)` : '';
  if (value == null) return warn('caching', 'caching', `no Cache-Control${extra}: send Cache-Control: no-store (or no-cache) so no cache or proxy stores or holds the stream`);
  return warn('caching', 'caching', `Cache-Control: ${value} has neither no-store nor no-cache${extra}: a cache or proxy may store or hold the stream`);
}

/** The Content-Encoding of the body when it is compressed, else null. */
function compression(obs) {
  const encoding = obs.response.headers?.['content-encoding']?.trim();
  return encoding && encoding.toLowerCase() !== 'identity' ? encoding : null;
}

/** Why events came held back or in batches, as far as the headers tell: appended to the symptom. */
function bufferingCause(obs) {
  const encoding = compression(obs);
  if (encoding) {
    return ` — the body is ${encoding}-compressed, and a compressor holds its output until flushed: flush it after each event, or don't compress the stream`;
  }
  if (obs.response.headers?.['x-accel-buffering'] === undefined) {
    return ' — behind nginx, send X-Accel-Buffering: no (nginx buffers proxied responses without it)';
  }
  return '';
}

/** X-Accel-Buffering, Content-Encoding, Content-Length: the headers that let something buffer. */
export function proxyCheck(obs, deliveryVerdict = deliveryCheck(obs).verdict) {
  const h = obs.response.headers;
  const notes = [];
  const problems = [];
  const accel = h['x-accel-buffering'];
  if (accel === undefined) notes.push('no X-Accel-Buffering');
  else if (accel.trim().toLowerCase() === 'no') notes.push('X-Accel-Buffering: no');
  else problems.push(`X-Accel-Buffering: ${accel} lets nginx buffer the stream — send "no"`);
  const encoding = compression(obs);
  if (encoding) notes.push(`Content-Encoding: ${encoding}${deliveryVerdict === 'pass' ? ', flushed per event' : ''}`);
  const length = h['content-length'];
  if (length !== undefined) {
    problems.push(`Content-Length: ${length} — a stream with a known length was produced whole before it was sent (buffered)`);
  }
  const title = 'proxy buffering';
  const extra = { rule: PROXY_RULE };
  return problems.length
    ? warn('proxy', title, [...problems, ...notes].join('; '), extra)
    : pass('proxy', title, notes.join('; '), extra);
}

export function corsCheck(obs) {
  const h = obs.response.headers;
  const acao = h['access-control-allow-origin'];
  const acac = h['access-control-allow-credentials'];
  const title = 'CORS';
  const present = Object.keys(h)
    .filter((name) => name.startsWith('access-control-') || name === 'vary')
    .map((name) => `${name}: ${h[name]}`);
  const origin = obs.options.origin;
  if (!origin) {
    return pass('cors', title, `not checked (no --origin); ${present.length ? `present: ${present.join('; ')}` : 'no CORS headers (fine for pages on the same origin)'}`);
  }
  const finalOrigin = new URL(obs.finalUrl).origin;
  const sent = obs.requestOrigin;
  if (sent === origin && finalOrigin === origin) {
    return pass('cors', title, `${origin} is the stream's own origin: no CORS needed`);
  }
  const sentNote = sent === 'null' ? ' (sent Origin: null — a redirect crossed origins, so browsers send null)' : '';
  const credentials = acac === 'true';
  const vary = /(^|,)\s*origin\s*(,|$)/i.test(h.vary ?? '');
  if (acao === undefined) {
    return fail('cors', title, `no Access-Control-Allow-Origin for Origin: ${sent}${sentNote}: a page on ${origin} can't use this stream (EventSource fails)`);
  }
  if (acao.includes(',')) {
    return fail('cors', title, `Access-Control-Allow-Origin: ${acao} — must be one origin or *, not a list`);
  }
  if (acao.trim() === '*') {
    if (credentials) {
      return warn('cors', title, `Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true: browsers reject * for withCredentials: true — echo the origin instead${sentNote}`);
    }
    return pass('cors', title, `Access-Control-Allow-Origin: * — works for new EventSource(url); withCredentials: true would fail${sentNote}`);
  }
  if (acao.trim() === sent) {
    const cred = credentials
      ? 'Access-Control-Allow-Credentials: true (withCredentials works)'
      : 'no Access-Control-Allow-Credentials: true (withCredentials: true would fail)';
    const message = `Access-Control-Allow-Origin: ${acao} matches; ${cred}${sentNote}`;
    // (Without no-store a shared cache may keep the response, and serve it to another origin.)
    const storable = !/(^|,)\s*no-store\s*(,|$)/i.test(h['cache-control'] ?? '');
    if (!vary && storable) return warn('cors', title, `${message}; no Vary: Origin, and the response may be cached: send Vary: Origin`);
    return pass('cors', title, message);
  }
  return fail('cors', title, `Access-Control-Allow-Origin: ${acao} does not match Origin: ${sent}${sentNote}: a page on ${origin} can't use this stream`);
}

export function ttfbCheck(obs) {
  const { tHeaders } = obs.response;
  const firstRead = obs.reads[0]?.t;
  const redirectNote = obs.redirects.length ? ` (including ${plural(obs.redirects.length, 'redirect')})` : '';
  const body = firstRead === undefined ? 'no body byte' : `first body byte after ${ms(firstRead)}`;
  const message = `headers after ${ms(tHeaders)}${redirectNote}, ${body}`;
  if (tHeaders > SLOW_HEADERS_MS) {
    return warn('ttfb', 'time to first byte', `${message}: EventSource stays CONNECTING (no open event) until the headers come — send them right away`);
  }
  return pass('ttfb', 'time to first byte', message);
}

/** A run without an event fails: a page's EventSource would see no message. */
export function firstEventCheck(obs) {
  const first = obs.events[0];
  if (!first) return fail('first-event', 'time to first event', `no event in ${ms(obs.end.t)}${noEventCause(obs)}`);
  return pass('first-event', 'time to first event', `${ms(first.t)} (${ms(first.t - obs.response.tHeaders)} after the headers)`);
}

// What the bytes of a run without an event tell about why.
function noEventCause(obs) {
  const received = obs.reads.reduce((sum, read) => sum + read.bytes, 0);
  const encoding = compression(obs);
  if (encoding && !obs.decodeError) {
    const arrived = received === 0
      ? `no body byte arrived, and the body is ${encoding}-compressed`
      : `the body is ${encoding}-compressed, and its ${bytesText(received)} decode to ${obs.scan.bytes === 0 ? 'nothing' : `${bytesText(obs.scan.bytes)} and no complete event`}`;
    return `: ${arrived} — the compressor is not flushed per event: flush it after each event, or don't compress the stream`;
  }
  if (obs.comments.length) return ` (${plural(obs.comments.length, 'comment')} only)`;
  if (received === 0) return `: no body byte arrived${bufferingCause(obs)}`;
  return ` (${bytesText(received)} without a complete event: each event ends with a blank line)`;
}

/** Groups items `{ t }` into bursts: items within BURST_WINDOW_MS of a burst's first item. */
export function bursts(items) {
  const result = [];
  for (const item of items) {
    const last = result[result.length - 1];
    if (last && item.t - last.start <= BURST_WINDOW_MS) {
      last.items.push(item);
      last.end = item.t;
    } else {
      result.push({ start: item.t, end: item.t, items: [item] });
    }
  }
  return result;
}

/** Incremental delivery vs buffering; see DELIVERY_RULE. */
export function deliveryCheck(obs) {
  const title = 'incremental delivery';
  const extra = { rule: DELIVERY_RULE };
  const items = [...obs.events.map((e) => ({ t: e.t, kind: 'event' })), ...obs.comments.map((c) => ({ t: c.t, kind: 'comment' }))].sort(
    (a, b) => a.t - b.t,
  );
  const ended = obs.end.how === 'end' || obs.end.how === 'reset';
  if (items.length < 2) {
    return warn('delivery', title, `only ${plural(items.length, 'event or comment', 'events or comments')} in ${ms(obs.end.t)}: too few to tell incremental delivery from buffering`, extra);
  }
  const groups = bursts(items);
  const readsIn = (group) => new Set(group.items.map((i) => i.t)).size;
  const largest = groups.reduce((a, b) => (b.items.length > a.items.length ? b : a));
  const describe = (group) =>
    `${plural(group.items.length, 'item')} (${plural(group.items.filter((i) => i.kind === 'event').length, 'event')}) in ${plural(readsIn(group), 'read')} at ${ms(group.start)}`;
  const silenceBefore = (group) => {
    const before = obs.reads.filter((r) => r.t < group.start);
    return group.start - (before.length ? before[before.length - 1].t : 0);
  };
  const mostly = largest.items.length >= 2 && largest.items.length >= 0.8 * items.length;
  if (mostly) {
    const silence = silenceBefore(largest);
    const atClose = ended && obs.end.t - largest.end <= AT_CLOSE_MS && largest === groups[groups.length - 1];
    const share = largest.items.length === items.length ? 'all' : `${largest.items.length} of ${items.length}`;
    if (atClose && silence >= HELD_SILENCE_MS) {
      return fail('delivery', title, `held back: nothing for ${ms(silence)}, then ${share} items arrived at once — ${describe(largest)} — and the stream ended ${ms(obs.end.t - largest.end)} later: something buffered the response until it closed${bufferingCause(obs)}`, extra);
    }
    if (atClose && groups.length === 1) {
      return warn('delivery', title, `all ${items.length} items arrived at once (in ${plural(readsIn(largest), 'read')} at ${ms(largest.start)}) just before the stream ended: a server that writes everything and closes looks the same as a proxy that buffers until close — try a longer-lived stream`, extra);
    }
    if (silence >= HELD_SILENCE_MS && !atClose) {
      return warn('delivery', title, `nothing for ${ms(silence)}, then ${share} items at once (${describe(largest)}) while the stream stayed open: a buffer flushed when full, or a server that sends in one go${bufferingCause(obs)}`, extra);
    }
  }
  const spread = `${plural(items.length, 'item')} (${plural(obs.events.length, 'event')}, ${plural(obs.comments.length, 'comment')}) in ${plural(groups.length, 'burst')} from ${ms(items[0].t)} to ${ms(items[items.length - 1].t)}`;
  if (groups.length >= 2) {
    const sizes = median(groups.map((g) => g.items.length));
    const gaps = median(groups.slice(1).map((g, i) => g.start - groups[i].end));
    if (sizes >= BATCH_ITEMS && gaps >= BATCH_GAP_MS) {
      return warn('delivery', title, `batched: ${spread}, a median of ${sizes} items per burst ${ms(gaps)} apart — a buffer flushing by size or time, unless the server sends in batches${bufferingCause(obs)}`, extra);
    }
  }
  return pass('delivery', title, `${spread} (largest burst ${largest.items.length}): delivered as produced`, extra);
}

export function heartbeatCheck(obs) {
  const title = 'heartbeat';
  const max = obs.options.heartbeatMax;
  const ended = obs.end.how === 'end' || obs.end.how === 'reset';
  const points = [obs.response.tHeaders, ...obs.reads.map((r) => r.t)];
  if (ended) points.push(obs.end.t);
  let longest = { gap: 0, from: points[0], to: points[0] };
  for (let i = 1; i < points.length; i++) {
    const gap = points[i] - points[i - 1];
    if (gap > longest.gap) longest = { gap, from: points[i - 1], to: points[i] };
  }
  const last = points[points.length - 1];
  const trailing = ended ? 0 : obs.end.t - last;
  const comments = obs.comments.map((c) => c.t);
  const items = [...obs.events.map((e) => e.t), ...comments].sort((a, b) => a - b);
  // The period: the median interval between bursts (arrivals in one burst are one beat).
  const beats = (times) => bursts(times.map((t) => ({ t }))).map((b) => b.start);
  const intervals = (times) => times.slice(1).map((t, i) => t - times[i]);
  const commentBeats = beats(comments);
  const itemBeats = beats(items);
  let period = '';
  if (commentBeats.length >= 3) period = `; comments every ~${ms(median(intervals(commentBeats)))}`;
  else if (itemBeats.length >= 3) period = `; events/comments every ~${ms(median(intervals(itemBeats)))}${comments.length ? '' : ' (no comment heartbeats)'}`;
  else if (items.length === 0) period = '; no events or comments';
  else if (comments.length === 0) period = '; no comment heartbeats';
  const problems = [];
  if (longest.gap > max) problems.push(`longest gap ${ms(longest.gap)} (from ${ms(longest.from)} to ${ms(longest.to)}) exceeds --heartbeat-max ${ms(max)}`);
  if (trailing > max) problems.push(`silent for the last ${ms(trailing)} of the run (since ${ms(last)}), longer than --heartbeat-max ${ms(max)}`);
  if (problems.length) {
    return fail('heartbeat', title, `${problems.join('; ')}: proxies and clients time out idle streams — send a comment (": ping") at least every ${ms(max)}${period}`);
  }
  const worst = Math.max(longest.gap, trailing);
  const observed = obs.end.t - obs.response.tHeaders;
  if (observed < max && itemBeats.length < 3) {
    return warn('heartbeat', title, `observed only ${ms(observed)}, less than --heartbeat-max ${ms(max)}, with nothing recurring: can't judge the heartbeat${period}`);
  }
  if (worst > 0.75 * max) {
    const what = trailing >= longest.gap ? `silent for the last ${ms(trailing)}` : `longest gap ${ms(longest.gap)}`;
    return warn('heartbeat', title, `${what}, close to --heartbeat-max ${ms(max)} (run longer than the heartbeat period to be sure)${period}`);
  }
  return pass('heartbeat', title, `longest gap ${ms(worst)} ≤ ${ms(max)}${period}`);
}

export function connectionCheck(obs) {
  const title = 'stream lifetime';
  const stats = `${plural(obs.events.length, 'event')}${typesText(obs.events)}, ${plural(obs.comments.length, 'comment')}, ${bytesText(obs.scan.bytes)}`;
  if (obs.end.how === 'end') {
    return warn('connection', title, `the server ended the stream after ${ms(obs.end.t)} (${stats}): clients reconnect after the retry delay — fine if intended`);
  }
  if (obs.end.how === 'reset') {
    return warn('connection', title, `the connection broke after ${ms(obs.end.t)} (${obs.end.error ?? 'network error'}; ${stats}): clients reconnect`);
  }
  return pass('connection', title, `open for the whole ${ms(obs.end.t)} run (${stats})`);
}

function typesText(events) {
  if (events.length === 0) return '';
  const counts = new Map();
  for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const list = [...counts].slice(0, 6).map(([type, n]) => `${type} ×${n}`);
  return ` (${list.join(', ')}${counts.size > 6 ? ', …' : ''})`;
}

export function idCheck(obs) {
  const title = 'id';
  const withId = obs.events.filter((e) => e.id !== undefined);
  const sent = obs.options.lastEventId !== undefined ? `; sent Last-Event-ID: ${quote(obs.options.lastEventId)}` : '';
  if (obs.events.length === 0) {
    return warn('id', title, `no events to look at${obs.ids.length ? ` (${plural(obs.ids.length, 'id')} set)` : ''}${sent}`);
  }
  if (withId.length === 0) {
    return warn('id', title, `none of ${plural(obs.events.length, 'event')} carries an id: after a reconnect the client can't resume (no Last-Event-ID)${sent}`);
  }
  const distinct = [...new Set(withId.map((e) => e.id))];
  const examples = distinct.slice(0, 3).map(quote).join(', ') + (distinct.length > 3 ? ', …' : '');
  const carry = obs.events.length === 1 ? 'the one event carries' : withId.length === obs.events.length ? `all ${plural(obs.events.length, 'event')} carry` : `${withId.length} of ${plural(obs.events.length, 'event')} carry`;
  return pass('id', title, `${carry} an id (${examples}): clients resume with Last-Event-ID${sent}`);
}

export function retryCheck(obs) {
  const title = 'retry';
  const values = [...new Set(obs.retries.map((r) => r.value))];
  if (values.length === 0) return pass('retry', title, "none: clients reconnect after their default delay (a few seconds)");
  const shown = values.slice(0, 5).map((v) => `${v} ms`).join(', ');
  const low = values.filter((v) => v < 500);
  if (low.length) {
    return warn('retry', title, `${shown}: ${low.map((v) => `${v} ms`).join(', ')} is very short — every client reconnects almost at once when the stream ends (reconnection storms)`);
  }
  return pass('retry', title, `${plural(obs.retries.length, 'retry field')}: ${shown}`);
}

/** Parse errors and oddities; a single ✓ when there are none. */
export function oddityChecks(obs) {
  const { scan } = obs;
  const checks = [];
  const title = 'stream format';
  if (scan.utf8.errors > 0) {
    const where = scan.utf8.first.map((e) => `byte ${e.offset} (line ${e.line})`).join(', ');
    checks.push(fail('utf-8', 'invalid UTF-8', `${plural(scan.utf8.errors, 'invalid UTF-8 sequence')} (first at ${where}): each became U+FFFD in the data clients see`));
  }
  if (scan.unknownFields.size > 0) {
    const list = [...scan.unknownFields].slice(0, 5).map(([name, e]) => `${quote(name)} ×${e.count} (line ${e.firstLine})`);
    checks.push(warn('unknown-fields', 'unknown fields', `${list.join(', ')}${scan.unknownFields.size > 5 ? ', …' : ''}: not event/data/id/retry, so clients ignore these lines (a missing colon or a typo?)`));
  }
  if (scan.badRetry.count > 0) {
    const list = scan.badRetry.first.map((r) => `${quote(r.value)} (line ${r.line})`).join(', ');
    checks.push(warn('retry-syntax', 'retry syntax', `${plural(scan.badRetry.count, 'retry line')} not only ASCII digits: ${list} — clients ignore them`));
  }
  if (scan.bom.elsewhere > 0) {
    const list = scan.bom.first
      .map((b) => `byte ${b.offset} (line ${b.line}${b.atLineStart ? ', start of the line: its field name becomes "\\ufeff…" and the line is ignored' : ', inside a value'})`)
      .join(', ');
    checks.push(warn('bom', 'stray BOM', `${plural(scan.bom.elsewhere, 'U+FEFF (BOM)', 'U+FEFF (BOMs)')} after the start of the stream, at ${list}: only a BOM at the very start is stripped — was a BOM written per event or per response chunk?`));
  }
  if (scan.idWithNul.count > 0) {
    checks.push(warn('id-nul', 'id with U+0000', `${plural(scan.idWithNul.count, 'id line')} containing U+0000 (line ${scan.idWithNul.first[0].line}): clients ignore such ids`));
  }
  if (scan.longDataLines.count > 0) {
    checks.push(warn('long-lines', 'long data lines', `${plural(scan.longDataLines.count, 'data line')} longer than ${bytesText(LONG_LINE_BYTES)} (longest ${bytesText(scan.longDataLines.longest)}, first on line ${scan.longDataLines.firstLine}): some clients and proxies cap line or event sizes — split large payloads over several data lines or events`));
  }
  const rest = obs.unfinished;
  if (obs.end.how === 'end' && rest && (rest.pendingData || rest.incompleteLineBytes > 0)) {
    const parts = [];
    if (rest.incompleteLineBytes > 0) parts.push(`an unterminated last line (${bytesText(rest.incompleteLineBytes)} without a line break)`);
    if (rest.pendingData) parts.push('data lines without the blank line that dispatches the event');
    checks.push(warn('unterminated', 'unterminated event', `the stream ended with ${parts.join(' and ')}: clients drop that event — end every event with a blank line`));
  }
  for (const error of obs.parserErrors) {
    checks.push(fail('parser', 'parser error', `${error.message} (${error.type ?? 'error'})`));
  }
  if (obs.decodeError) {
    checks.push(fail('content-decoding', 'content decoding', `the ${obs.response.headers['content-encoding']} body failed to decode: ${obs.decodeError}`));
  }
  if (checks.length === 0) {
    const lines = `${plural(scan.lines, 'line')}: ${scan.fieldCounts.data} data, ${scan.fieldCounts.event} event, ${scan.fieldCounts.id} id, ${scan.fieldCounts.retry} retry, ${scan.fieldCounts.comment} comment`;
    checks.push(pass('format', title, `no parse errors or oddities (${lines}${scan.bom.atStart ? '; a leading BOM, stripped' : ''})`));
  }
  return checks;
}

/** Every check for one observed connection, in output order. */
export function evaluate(obs) {
  if (obs.response.status !== 200) return [statusCheck(obs), corsCheck(obs), ttfbCheck(obs)];
  const checks = [statusCheck(obs), ...contentTypeChecks(obs), cachingCheck(obs)];
  const delivery = deliveryCheck(obs);
  // Without a single event or comment the first-event check has said it all: delivery and ids
  // have nothing to be judged on, nor has the heartbeat when a compressor held everything back.
  const nothing = obs.events.length === 0 && obs.comments.length === 0;
  checks.push(
    proxyCheck(obs, delivery.verdict),
    corsCheck(obs),
    ttfbCheck(obs),
    firstEventCheck(obs),
    ...(nothing ? [] : [delivery]),
    ...(nothing && compression(obs) ? [] : [heartbeatCheck(obs)]),
    connectionCheck(obs),
    ...(obs.events.length === 0 ? [] : [idCheck(obs)]),
    retryCheck(obs),
    ...oddityChecks(obs),
  );
  return checks;
}

export function summarize(checks) {
  const count = (verdict) => checks.filter((c) => c.verdict === verdict).length;
  return { passed: count('pass'), warnings: count('warn'), failed: count('fail') };
}
