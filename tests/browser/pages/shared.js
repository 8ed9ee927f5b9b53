// The shared page (tests/browser/shared.test.mjs): opens EventSources and records what they
// dispatch; the test polls the log.
//
//   ?native=<url>      opens the browser's own EventSource at load (the stall control)
//   shared.open(url, init, { throwing })  a WasmEventSource; `throwing`: its message listener
//                                         throws every time (after recording)
//   shared.report(url)  POSTs what the log gains to `url` every 50 ms (for a test that cannot
//                       read the page through its driver any more: WebKit's WebDriver ends the
//                       session when one of its pages crashes)
//   shared.log          [{ type, data, lastEventId, readyState, reason, source }] (source: the
//                       number of the source in the page, from 0)
//   shared.state()      { readyState, lastEventId } of the last source opened
//   shared.worker(url, init)  a dedicated worker with a source of its own (shared-worker.js);
//                       what it dispatches lands in the log as source 'worker'
//   shared.stopWorker() terminates it
(() => {
  const log = [];
  let source = null;
  let count = 0;
  function record(target, types) {
    const number = count++;
    for (const type of types) {
      target.addEventListener(type, (event) => {
        log.push({ type, data: event.data, lastEventId: event.lastEventId, readyState: target.readyState, reason: event.reason, source: number });
      });
    }
  }
  window.shared = {
    log,
    open(url, init, { throwing = false, types = [] } = {}) {
      source = new WasmEventSource(url, init);
      record(source, ['open', 'message', 'error', ...types]);
      if (throwing) {
        source.addEventListener('message', (event) => {
          throw new Error(`a listener that throws, at ${event.lastEventId}`);
        });
      }
    },
    state: () => ({ readyState: source?.readyState, lastEventId: source?.lastEventId }),
    report(url) {
      let sent = 0;
      setInterval(() => {
        if (log.length === sent) return;
        const entries = log.slice(sent);
        const from = sent;
        sent = log.length;
        fetch(url, { method: 'POST', body: JSON.stringify({ from, entries }) }); // (may arrive out of order)
      }, 50);
    },
    close: () => source.close(),
    worker(url, init) {
      const worker = new Worker('/tests/browser/pages/shared-worker.js');
      worker.onmessage = ({ data }) => log.push({ ...data, source: 'worker' });
      worker.postMessage({ url, init });
      window.shared.stopWorker = () => worker.terminate();
    },
  };
  const native = new URLSearchParams(location.search).get('native');
  if (native) {
    source = new EventSource(native);
    record(source, ['open', 'message', 'error']);
  }
})();
