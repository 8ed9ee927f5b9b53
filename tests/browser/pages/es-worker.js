// A dedicated or shared worker that loads the drop-in with importScripts and reads a stream with
// self.WasmEventSource, given a URL relative to the worker's own location. It reports to the
// page: { kind: 'info' | 'event' | 'done' | 'fatal', ... }. With ?delete, the worker's native
// EventSource is deleted first, so that the drop-in installs itself as self.EventSource.
const params = new URLSearchParams(location.search);
const isShared = typeof SharedWorkerGlobalScope === 'function' && self instanceof SharedWorkerGlobalScope;

function start(post) {
  try {
    const hadNative = typeof self.EventSource === 'function';
    if (params.has('delete')) delete self.EventSource;
    importScripts('/dist/wasm-eventsource.js');
    const source = new self.WasmEventSource(`worker-stream?via=${isShared ? 'shared' : 'dedicated'}`);
    post({
      kind: 'info',
      shared: isShared,
      hadNative,
      installed: self.EventSource === self.WasmEventSource,
      hasCreateParser: typeof self.WasmEventSource.createParser === 'function',
      location: location.href,
      url: source.url,
    });
    const record = (event) =>
      post({
        kind: 'event',
        type: event.type,
        data: event.data,
        lastEventId: event.lastEventId,
        origin: event.origin,
        readyState: source.readyState,
      });
    source.onopen = record;
    source.onmessage = record;
    source.addEventListener('hello', record);
    source.onerror = (event) => {
      record(event);
      source.close();
      post({ kind: 'done' });
    };
  } catch (error) {
    post({ kind: 'fatal', error: `${error.name}: ${error.message}` });
  }
}

if (isShared) {
  self.onconnect = (event) => {
    const [port] = event.ports;
    start((message) => port.postMessage(message));
  };
} else {
  start((message) => self.postMessage(message));
}
