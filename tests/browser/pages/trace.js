// runTrace(impl, url, options): opens an EventSource — the browser's own ('native') or the
// polyfill ('wasm') — and records everything it dispatches, until a stop condition; then closes
// it, keeps recording for `settle` ms (nothing may arrive after close()) and resolves the trace.
//
// options: {
//   init,        second constructor argument
//   types,       extra event types to listen to (besides open, message, error)
//   errors,      close at this many `error` events that leave the source CONNECTING (default 1);
//                an error that leaves it CLOSED always ends the run
//   events,      close after this many MessageEvents (any type)
//   attributes,  also record through onopen / onmessage / onerror
//   timeout,     close anyway after this many ms (default 4000); recorded as such
//   settle,      ms to keep recording after close() (default 150)
// }
(() => {
  const implementations = { native: window.EventSource, wasm: window.WasmEventSource };

  // MessageEvents seen so far, per implementation (a test can wait for the first ones).
  window.traceMessages = { native: 0, wasm: 0 };

  window.runTrace = function runTrace(impl, url, options = {}) {
    const Impl = implementations[impl];
    const trace = [];
    let source;
    try {
      source = options.init === undefined ? new Impl(url) : new Impl(url, options.init);
    } catch (error) {
      return Promise.resolve([{ type: 'constructor-threw', name: error.name, isDOMException: error instanceof DOMException }]);
    }
    trace.push({
      type: 'constructed',
      url: source.url,
      withCredentials: source.withCredentials,
      readyState: source.readyState,
    });

    return new Promise((resolve) => {
      const maxErrors = options.errors ?? 1;
      let errors = 0;
      let events = 0;
      let finished = false;

      const finish = (why) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        source.close();
        trace.push({ type: 'closed-by-test', why, readyState: source.readyState });
        setTimeout(() => resolve(trace), options.settle ?? 150);
      };
      const timer = setTimeout(() => finish('timeout'), options.timeout ?? 4000);

      const record = (event, via) => {
        const entry = {
          type: event.type,
          kind: Object.prototype.toString.call(event),
          readyState: source.readyState,
          bubbles: event.bubbles,
          cancelable: event.cancelable,
        };
        if (via) entry.via = via;
        if (event instanceof MessageEvent) {
          if (!via) window.traceMessages[impl]++;
          entry.data = event.data;
          entry.lastEventId = event.lastEventId;
          entry.origin = event.origin;
        }
        trace.push(entry);
        return entry;
      };

      const listener = (event) => {
        record(event);
        if (finished) return;
        if (event instanceof MessageEvent) {
          events++;
          if (options.events && events >= options.events) finish('events');
        } else if (event.type === 'error') {
          if (source.readyState === 2) finish('failed');
          else if (++errors >= maxErrors) finish('errors');
        }
      };
      const types = new Set(['open', 'message', 'error', ...(options.types ?? [])]);
      for (const type of types) source.addEventListener(type, listener);
      if (options.attributes) {
        source.onopen = (event) => record(event, 'onopen');
        source.onmessage = (event) => record(event, 'onmessage');
        source.onerror = (event) => record(event, 'onerror');
      }
    });
  };

  // Both implementations at once, each on its own paths: `{impl}` in the URL becomes native or
  // wasm.
  window.runBoth = async function runBoth(url, options) {
    const [native, wasm] = await Promise.all([
      runTrace('native', url.replaceAll('{impl}', 'native'), options),
      runTrace('wasm', url.replaceAll('{impl}', 'wasm'), options),
    ]);
    return { native, wasm };
  };
})();
