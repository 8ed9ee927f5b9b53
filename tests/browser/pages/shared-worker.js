// A dedicated worker of the shared page (tests/browser/shared.test.mjs): the drop-in, one shared
// source of the URL it is sent, and every event posted back to the page.
importScripts('/dist/wasm-eventsource.min.js');
self.onmessage = ({ data: { url, init } }) => {
  const source = new WasmEventSource(url, init);
  for (const type of ['open', 'message', 'error']) {
    source.addEventListener(type, (event) => {
      postMessage({ type, data: event.data, lastEventId: event.lastEventId, readyState: source.readyState });
    });
  }
};
