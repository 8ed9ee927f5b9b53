// `shared: true`: every EventSource of one origin and browser profile with the same URL and
// request options shares one connection, whatever the number of tabs, frames and workers.
//
// Each realm (a page, a frame, a worker) keeps one hub per sharing key for all its sources. The
// hubs of a key elect the holder of the connection with a Web Lock (navigator.locks: one holder
// at a time, granted to the next hub in line as soon as the holder releases it, closes, crashes
// or navigates away) and talk over a BroadcastChannel (same origin and storage partition only).
// The holder runs a private source and posts what it dispatches; every hub, the holder's too,
// dispatches that to its own sources.
//
// Handover: each holder has a term, higher than any before it. A new holder announces the last
// event ID it resumes from (sent as Last-Event-ID); a hub that has dispatched events after that
// ID already skips them when the server sends them again, and so does one that dispatches what
// the previous holder posted before it left but arrives after the announcement (the lock may
// reach the next holder before the last messages of the previous one): on a stream with IDs
// each source sees each event once, in order. (A holder stops holding before its page is frozen
// or cached, so that nothing comes from an older holder that still runs.)
import { createMessageEvent } from './message-event.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
const NAME_PREFIX = 'wasm-eventsource '; // of the channel and the lock, before the sharing key
const RECENT_IDS = 64; // the IDs of the last events dispatched, to skip a new holder's repeats

// What the hubs post: arrays [kind, term, ...]. After the term, a LEAD has the last event ID the
// holder resumes from; the others the holder's state (last event ID, readyState, reconnection
// time), then an ERROR its diagnostics, a MESSAGE its type, data and origin.
const HELLO = 0; // a hub joined: the holder answers with a STATE
const LEAD = 1;
const STATE = 2; // also the holder's `open`
const ERROR = 3;
const MESSAGE = 4;

const hubs = new Map(); // sharing key → this realm's hub

// The request of a source, as one string: sources share only when theirs are equal. Options
// that cannot be compared across realms (a function, a stream, a form) are refused.
function sharingKey(url, options) {
  let { headers, body } = options;
  const refuse = (name) => {
    throw new TypeError(`Failed to construct 'EventSource': with \`shared\`, the option \`${name}\` cannot be compared across tabs`);
  };
  if (options.fetch) refuse('fetch');
  if (typeof headers === 'function') refuse('headers');
  if (body instanceof URLSearchParams) body = `${body}`;
  else if (body !== undefined && typeof body !== 'string') refuse('body');
  const headerList = Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), `${value}`]);
  return JSON.stringify([url, options.withCredentials, options.method, headerList.sort(), body, options.heartbeatTimeout,
    options.reconnect, options.limit, options.oversized, options.pauseWhenHidden]);
}

// The private source's init: the checked options back in the constructor's terms.
function holderInit(options, lastEventId) {
  const fails = options.oversized === 'fail';
  return {
    ...options,
    [fails ? 'maxBufferSize' : 'maxEventBytes']: options.limit,
    oversizedEvents: fails ? undefined : options.oversized,
    signal: undefined,
    shared: false,
    pauseWhenHidden: false,
    lastEventId,
  };
}

function errorEvent(details) {
  const event = new Event('error');
  for (const [key, value] of Object.entries(details)) Object.defineProperty(event, key, { value, enumerable: true });
  return event;
}

// What a hub takes from the channel (anything else is dropped unread).
const wellFormed = (message) => {
  const [kind, term, id, readyState, reconnectionTime, ...rest] = Array.isArray(message) ? message : [];
  const typed = (type, ...values) => values.every((value) => typeof value === type && value !== null);
  return (
    kind === HELLO ||
    (typed('number', term) && typed('string', id) &&
      (kind === LEAD ||
        (typed('number', reconnectionTime) && [CONNECTING, OPEN, CLOSED].includes(readyState) &&
          (kind === STATE || (kind === ERROR ? typed('object', rest[0]) : kind === MESSAGE && typed('string', ...rest) && rest.length === 3)))))
  );
};

function createHub(key, url, options, Source) {
  const name = NAME_PREFIX + key;
  const members = new Map(); // source → its setState
  let state = [CONNECTING, options.lastEventId ?? '', 3000]; // readyState, last event ID, reconnection time
  let term = 0; // the highest term heard
  const recentIds = [];
  let skip = []; // IDs a new holder will send again that this hub has dispatched already
  let heardHolder = false; // whether this hub has dispatched an event of the current holder
  let holder = null; // the private source, while this hub holds the connection
  let release = null; // releases the lock
  let lockRequest = null; // aborts the lock request
  let channel = null;

  const post = (message) => {
    try {
      channel?.postMessage(message);
    } catch {}
  };

  // Everything the private source dispatches goes to the hubs instead of to listeners.
  class Holder extends Source {
    dispatchEvent(event) {
      if (holder !== this) return true;
      const message = [ERROR, term, this.lastEventId, this.readyState, this.reconnectionTime];
      // (A stream's event may be named `open` or `error`: it has data.)
      if (typeof event.data === 'string') message.push(event.type, event.data, event.origin);
      else if (event.type === 'open') message[0] = STATE;
      else {
        const details = {};
        for (const [key, value] of Object.entries(event)) {
          // (An Error becomes its text: what every realm can receive.)
          if (key !== 'isTrusted') details[key] = value !== null && typeof value === 'object' ? `${value}` : value;
        }
        message.push(details);
      }
      if (message.length > 6) message[0] = MESSAGE;
      post(message); // first: a listener here may close the last source of this realm
      apply(message);
      return true;
    }
  }

  // This hub holds the lock: it opens the connection, resuming from its last event ID.
  const lead = () => {
    term = Math.max(term + 1, Date.now());
    skip = [];
    heardHolder = false;
    post([LEAD, term, state[1]]);
    holder = new Holder(url, holderInit(options, state[1]));
  };

  const start = () => {
    channel = new BroadcastChannel(name);
    channel.onmessage = ({ data }) => receive(data);
    post([HELLO]);
    const request = (lockRequest = new AbortController());
    navigator.locks
      .request(name, { signal: request.signal }, () =>
        lockRequest === request ? new Promise((resolve) => ((release = resolve), lead())) : undefined,
      )
      .catch(() => {
        // Aborted while queued (by stop()), or refused (an opaque origin, storage blocked): then
        // this hub connects by itself, on no channel.
        if (lockRequest !== request || request.signal.aborted) return;
        channel.close();
        channel = { close() {} };
        lead();
      });
  };

  // Leaves the channel and the connection (to the next hub in line), keeping its sources.
  const stop = () => {
    const current = holder;
    holder = null;
    current?.close();
    release?.();
    lockRequest?.abort();
    channel?.close();
    release = lockRequest = channel = null;
  };

  const receive = (message) => {
    if (!wellFormed(message)) return;
    const [kind, messageTerm, id] = message;
    if (kind === HELLO) {
      if (holder?.readyState === OPEN) post([STATE, term, state[1], OPEN, state[2]]);
    } else if (kind === LEAD) {
      if (messageTerm <= term) return;
      term = messageTerm;
      heardHolder = false;
      const at = recentIds.lastIndexOf(id);
      skip = at < 0 ? [] : recentIds.slice(at + 1);
    } else {
      if (messageTerm > term) term = messageTerm;
      apply(message, messageTerm < term);
    }
  };

  // Dispatches what the holder posted to this realm's sources; `late`: what the previous holder
  // posted before it left, which the current one sends again.
  const apply = (message, late = false) => {
    const [kind, , id, readyState, reconnectionTime, typeOrDetails, data, origin] = message;
    if (kind === MESSAGE) {
      if (late) {
        // (Too late once the new holder's events have begun: they come first.)
        if (heardHolder || skip.push(id) > RECENT_IDS) return;
      } else {
        heardHolder = true;
        if (skip[0] === id) return void skip.shift();
        skip = [];
      }
      if (recentIds.at(-1) !== id && recentIds.push(id) > RECENT_IDS) recentIds.shift();
    }
    state = [readyState, id, reconnectionTime];
    for (const [source, setState] of [...members]) {
      if (!members.has(source)) continue; // closed by a listener meanwhile
      const wasOpen = source.readyState === OPEN;
      if (readyState === CLOSED) source.close(); // the connection failed, for every source
      setState(state);
      // A source sees `open` once per connection (a joiner too), not when the holder changes.
      if (readyState === OPEN && !wasOpen) source.dispatchEvent(new Event('open'));
      if (kind === ERROR) source.dispatchEvent(errorEvent(typeOrDetails));
      else if (kind === MESSAGE && source.readyState === OPEN) {
        source.dispatchEvent(createMessageEvent(typeOrDetails, data, origin, id));
      }
    }
  };

  // Whether this hub takes part: not while its page is away (gone, cached or frozen: another
  // hub takes over; its sources are CONNECTING, with no error event, until it is back), nor
  // while the page is hidden with pauseWhenHidden (the visible pages keep the connection).
  const update = () => {
    const wanted = !pageAway && !(options.pauseWhenHidden && globalThis.document?.hidden);
    if (wanted && !channel) start();
    else if (!wanted && channel) {
      stop();
      state = [CONNECTING, state[1], state[2]];
      for (const setState of members.values()) setState(state);
    }
  };

  return {
    update,
    attach(source, setState) {
      members.set(source, setState);
      // A late joiner is OPEN from its first task on, with the current last event ID.
      if (state[0] === OPEN) queueMicrotask(() => members.has(source) && state[0] === OPEN && apply([STATE, term, state[1], OPEN, state[2]]));
    },
    detach(source) {
      if (members.delete(source) && members.size === 0) {
        stop();
        hubs.delete(key);
      }
    },
  };
}

let pageAway = false; // the page is going away, in the back/forward cache or frozen
let watchingPage = false;
function watchPage() {
  if (watchingPage) return;
  watchingPage = true;
  const { document } = globalThis;
  for (const [target, type, away] of [[globalThis, 'pagehide', true], [globalThis, 'pageshow', false], [document, 'freeze', true],
    [document, 'resume', false], [document, 'visibilitychange']]) {
    target?.addEventListener?.(type, () => {
      pageAway = away ?? pageAway;
      for (const hub of [...hubs.values()]) hub.update();
    });
  }
}

/**
 * Lets `new Source(url, { shared: true })` share (Source: WasmEventSource). Its constructor calls
 * the function installed here, which attaches the source to the connection of its URL and
 * options in this browser profile and returns its handle ({ detach() }), or null where there are
 * no Web Locks or no BroadcastChannel (then the source connects by itself).
 * `setState([readyState, lastEventId, reconnectionTime])` sets what the source reports.
 */
export function installSharing(Source) {
  Source[Symbol.for('wasm-eventsource.share')] = (source, options, setState) => {
    const key = sharingKey(source.url, options);
    if (!globalThis.navigator?.locks || typeof BroadcastChannel !== 'function') return null;
    watchPage();
    let hub = hubs.get(key);
    if (!hub) {
      hubs.set(key, (hub = createHub(key, source.url, options, Source)));
      hub.update();
    }
    hub.attach(source, setState);
    return { detach: () => hub.detach(source) };
  };
}
