// The pages of the browser benchmark, one per implementation: each runs the same code (runBench),
// the polyfill's loads the script, the floor's its own minimal EventSource (below), and each checks
// that it measures what it claims to; the checks of what a run reports against the stream it was
// sent, and the figures of a run.

/** The drop-in script the polyfill page loads, from dist/. */
export const SCRIPT = 'wasm-eventsource.min.js';
/** The parser alone in WebAssembly (wasm/parser_alone.cpp) the floor that parses loads, from build/wasm/. */
export const PARSER_ALONE = '/parser-alone.wasm';

const pageScript = String.raw`
window.runBench = ({ impl, url, listen, count }) => new Promise((resolve) => {
  const nativeCode = /\[native code\]/.test(Function.prototype.toString.call(window.EventSource));
  let Impl;
  if (impl === 'polyfill') {
    if (typeof window.WasmEventSource !== 'function') throw new Error('WasmEventSource is not defined');
    if (window.WasmEventSource === window.EventSource) throw new Error('WasmEventSource replaced EventSource');
    Impl = window.WasmEventSource;
  } else if (impl.startsWith('floor')) {
    if ('WasmEventSource' in window) throw new Error('the floor page loaded the polyfill');
    Impl = window.FloorEventSource;
  } else {
    if ('WasmEventSource' in window) throw new Error('the native page loaded the polyfill');
    if (!nativeCode) throw new Error('EventSource is not the browser own');
    Impl = window.EventSource;
  }
  let received = 0, dataChars = 0, errors = 0, openAt = null, lastAt = null, lastData = null, lastId = null;
  let settled = false, seen = 0, idle = 0, watchdog;
  const start = performance.now();
  const source = new Impl(url);
  const isPolyfill = typeof window.WasmEventSource === 'function' && source instanceof window.WasmEventSource;
  const finish = (outcome) => {
    if (settled) return;
    settled = true;
    clearInterval(watchdog);
    source.close();
    resolve({ outcome, received, dataChars, errors, lastData, lastId, isPolyfill, nativeCode,
              ms: lastAt === null ? null : lastAt - start,
              msFromOpen: lastAt === null || openAt === null ? null : lastAt - openAt });
  };
  source.onopen = () => { openAt = performance.now(); };
  source.onerror = () => { errors++; finish('error event'); };
  source.addEventListener(listen, (event) => {
    received++;
    dataChars += event.data.length;
    if (received === count) {
      lastAt = performance.now();
      lastData = event.data;
      lastId = event.lastEventId;
      finish('done');
    }
  });
  // A stream that stops short must not hang the benchmark: give up after 10 s without events.
  watchdog = setInterval(() => {
    if (received !== seen) { seen = received; idle = 0; } else if (++idle >= 10) finish('stalled');
  }, 1000);
});
`;

// The floor of any EventSource built on fetch() in a page, what each engine allows such a design:
// the body read with a plain reader, its bytes decoded once by TextDecoder (the page's fastest
// way from UTF-8 to a string: 2.8 µs for 3.9 KB of the LLM stream in Chromium, where
// String.fromCharCode of its UTF-16 takes 11), and per event one MessageEvent dispatched to the
// page's listener as soon as the event's last byte has come, its type, data and ID given
// beforehand (window.floorEvents, set before the run, with where each event ends in the stream:
// no parsing, no string per event). The event is the cheapest to make in Chromium, a subclass
// whose data, origin and lastEventId are getters (the drop-in uses it only where no script can
// tell it from a MessageEvent). Every fetch()-based implementation does at least this much on the
// page.
// The second floor (floor_strings) also makes what every implementation hands its listener per
// event: its data and ID as strings, here the cheapest there are, slices of the decoded text
// (window.floorEvents.spans: where each lies in it, in UTF-16 code units; a text that spans two
// decoded slices is joined). The third (floor_parse) also parses each read as any implementation
// with a parser in WebAssembly must at least: the bytes copied into the memory of the parser
// alone (wasm/parser_alone.cpp, which counts events and keeps nothing), one call, and each event
// dispatched once the parser has counted it. Together: the bound of such a design in a page.
// A read is decoded in slices of 16 KiB, as the drop-in decodes its pieces: Chromium's reads of
// this stream are 11 KB-2 MB (its data pipe fills while the page works), and TextDecoder makes a
// string of 256 KB or more at ~10 ns a byte against ~0.5 up to 64 KB (Chromium 156).
const DECODE_SLICE_BYTES = 16384;
const floorScript = String.raw`
const DECODE_SLICE = ${DECODE_SLICE_BYTES};
class FloorMessageEvent extends MessageEvent {
  #data; #origin; #lastEventId;
  constructor(type, data, origin, lastEventId) {
    super(type);
    this.#data = data; this.#origin = origin; this.#lastEventId = lastEventId;
  }
  get data() { return this.#data; }
  get origin() { return this.#origin; }
  get lastEventId() { return this.#lastEventId; }
}
window.FloorEventSource = class FloorEventSource extends EventTarget {
  #closed = false;
  #reader = null;
  onopen = null;
  onerror = null;
  decodedLength = 0;
  constructor(url) {
    super();
    this.#read(new URL(url, location.href), window.floorEvents);
  }
  close() {
    this.#closed = true;
    this.#reader?.cancel().catch(() => {});
  }
  // The text of code units [from, to) of the decoded stream, from the decoded slices kept in
  // texts (each { at, text }, in order; those wholly before from are dropped).
  static #slice(texts, from, to) {
    while (texts.length > 1 && texts[0].at + texts[0].text.length <= from) texts.shift();
    let result = '';
    for (const { at, text } of texts) {
      if (at >= to) break;
      result += text.slice(Math.max(from - at, 0), to - at);
    }
    return result;
  }
  async #read(url, { type, data, ids, ends, spans }) {
    const parser = window.floorParser; // (floor_parse only)
    try {
      const response = await fetch(url, { headers: { accept: 'text/event-stream' }, cache: 'no-store' });
      if (this.#closed) return;
      this.onopen?.(new Event('open'));
      this.#reader = response.body.getReader();
      const decoder = new TextDecoder();
      let next = 0;
      let received = 0;
      const texts = [];
      let lastId = '';
      let parsed = 0;
      const origin = url.origin;
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done || this.#closed) return;
        for (let at = 0; at < value.length; at += DECODE_SLICE) {
          const slice = value.subarray(at, at + DECODE_SLICE);
          const text = decoder.decode(slice, { stream: true });
          if (spans) texts.push({ at: this.decodedLength, text });
          this.decodedLength += text.length;
          if (parser) {
            new Uint8Array(parser.exports.memory.buffer, parser.input, slice.length).set(slice);
            parsed += parser.exports.parser_alone_feed(parser.session, slice.length);
          }
        }
        received += value.length;
        const complete = parser ? parsed : ends.length;
        while (next < complete && ends[next] <= received && !this.#closed) {
          if (spans) {
            const [dataFrom, dataTo, idFrom, idTo] = spans[next];
            const id = idFrom < 0 ? lastId : (lastId = FloorEventSource.#slice(texts, idFrom, idTo));
            this.dispatchEvent(new FloorMessageEvent(type, FloorEventSource.#slice(texts, dataFrom, dataTo), origin, id));
          } else {
            this.dispatchEvent(new FloorMessageEvent(type, data[next], origin, ids[next]));
          }
          next++;
        }
      }
    } catch {
      if (!this.#closed) this.onerror?.(new Event('error'));
    }
  }
};
`;
const SCRIPTS = {
  polyfill: `<script src="/dist/${SCRIPT}"></script>`,
  native: '<!-- the browser own EventSource: no script -->',
  floor: `<script>${floorScript}</script>`,
  floor_strings: `<script>${floorScript}</script>`,
  floor_parse: `<script>${floorScript}</script>`,
};
const page = (impl) => `<!doctype html>
<meta charset="utf-8">
<title>bench: ${impl}</title>
${SCRIPTS[impl]}
<script>${pageScript}</script>
`;
/**
 * What a floor page is given of the stream's events before its run (window.floorEvents): the plain
 * floor their data and IDs ready-made, the floor with strings only where they lie in the text.
 */
export function floorEvents(impl, { type, data, ids, ends, spans }) {
  return impl === 'floor' ? { type, data, ids, ends } : { type, ends, spans };
}

/**
 * What a floor page runs before its run: for the floor that parses, the parser alone compiled
 * and a session of it made (window.floorParser), as the page's script would have done by then.
 */
export function floorSetup(impl) {
  if (impl !== 'floor_parse') return 'undefined';
  return `(async () => {
    const { instance } = await WebAssembly.instantiateStreaming(fetch('${PARSER_ALONE}'), {
      env: { emscripten_notify_memory_growth() {} },
      wasi_snapshot_preview1: { proc_exit() {} },
    });
    instance.exports._initialize();
    const session = instance.exports.parser_alone_create();
    const input = instance.exports.parser_alone_input(session, ${DECODE_SLICE_BYTES}) >>> 0;
    window.floorParser = { exports: instance.exports, session, input };
  })()`;
}

/** The implementations a run can measure, and their pages by path. */
export const IMPLEMENTATIONS = Object.keys(SCRIPTS);
export const PAGES = Object.fromEntries(IMPLEMENTATIONS.map((impl) => [`/${impl}.html`, page(impl)]));

/**
 * What is wrong with a run, if anything, as messages: the page's result against what the stream
 * (buildStream) must deliver, and the server's record of the run (its requests).
 */
export function runProblems(result, { expected }, impl, run) {
  const problems = [];
  if (result.outcome !== 'done') problems.push(`ended by ${result.outcome}`);
  if (result.received !== expected.count) problems.push(`received ${result.received} of ${expected.count} events`);
  if (result.dataChars !== expected.dataChars) problems.push(`data length ${result.dataChars}, expected ${expected.dataChars}`);
  if (result.lastId !== expected.lastId) problems.push(`last id ${JSON.stringify(result.lastId)}, expected ${JSON.stringify(expected.lastId)}`);
  if (result.isPolyfill !== (impl === 'polyfill')) problems.push(`the source is ${result.isPolyfill ? '' : 'not '}a WasmEventSource`);
  if (run.requests !== 1) problems.push(`${run.requests} requests for the stream (a reconnection?)`);
  return problems;
}

/**
 * A run's figures, per event where they are costs: from the page's result, the stream, and the
 * CPU time each driver measured (µs: the page's main thread and its whole content process) over
 * `wallUs`.
 */
export function runFigures(result, { expected, bytes }, { mainCpuUs, wallUs, processCpuUs, quietAfterMs }) {
  const seconds = result.ms / 1000;
  return {
    ms: result.ms,
    msFromOpen: result.msFromOpen,
    eventsPerSecond: expected.count / seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    mainCpuPerEvent: mainCpuUs / expected.count,
    processCpuPerEvent: processCpuUs / expected.count,
    mainBusy: mainCpuUs / wallUs,
    quietAfterMs, // how long the run waited for the machine to be idle
  };
}
