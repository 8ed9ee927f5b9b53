// The faults page's recorder (tests/browser/faults.test.mjs): opens EventSources — the browser's
// own ('native') or the drop-in's ('wasm') — and records everything they dispatch, with the
// readyState at dispatch time and the polyfill's error diagnostics; the test polls the logs.
//
//   const id = faults.open('wasm', url, init, ['ping']);   // init: the second constructor argument
//   faults.open('wasm', url, init, [], { countReads: true }); faults.reads(id)  // body read sizes
//   faults.log(id)          // [{ type, data, lastEventId, origin, readyState, reason, status,
//                           //    reconnectDelay, errorName, t }]
//   faults.readyState(id)
//   faults.close(id)        // close() now; faults.closeOnError(id, n): close() inside the n-th error
(() => {
  const implementations = { native: window.EventSource, wasm: window.WasmEventSource };
  const sources = [];

  // A fetch for the drop-in's `fetch` option that counts the body reads it gets.
  function countingFetch(reads) {
    return async (input, init) => {
      const response = await fetch(input, init);
      if (!response.body) return response;
      const counter = new TransformStream({
        transform(chunk, controller) {
          reads.push(chunk.length);
          controller.enqueue(chunk);
        },
      });
      return new Response(response.body.pipeThrough(counter), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  }

  function open(impl, url, init, types = [], { countReads = false } = {}) {
    const Impl = implementations[impl];
    const reads = [];
    if (countReads) init = { ...init, fetch: countingFetch(reads) };
    const source = init === undefined ? new Impl(url) : new Impl(url, init);
    const entry = { source, log: [], closeOnError: 0, reads };
    sources.push(entry);
    let errors = 0;
    const record = (event) => {
      const item = { type: event.type, readyState: source.readyState, t: performance.now() };
      if (event instanceof MessageEvent) {
        item.data = event.data;
        item.lastEventId = event.lastEventId;
        item.origin = event.origin;
      }
      for (const key of ['reason', 'status', 'reconnectDelay']) if (event[key] !== undefined) item[key] = event[key];
      if (event.error !== undefined) {
        item.errorName = event.error?.name;
        item.errorIsTypeError = event.error instanceof TypeError;
      }
      entry.log.push(item);
      if (event.type === 'error' && ++errors === entry.closeOnError) {
        source.close();
        entry.log.push({ type: 'closed-by-page', readyState: source.readyState, t: performance.now() });
      }
    };
    for (const type of new Set(['open', 'message', 'error', ...types])) source.addEventListener(type, record);
    return sources.length - 1;
  }

  window.faults = {
    open,
    log: (id) => sources[id].log,
    reads: (id) => sources[id].reads,
    readyState: (id) => sources[id].source.readyState,
    close(id) {
      sources[id].source.close();
      sources[id].log.push({ type: 'closed-by-page', readyState: sources[id].source.readyState, t: performance.now() });
    },
    closeOnError(id, n) {
      sources[id].closeOnError = n;
    },
    closeAll() {
      for (const { source } of sources) source.close();
    },
  };
})();
