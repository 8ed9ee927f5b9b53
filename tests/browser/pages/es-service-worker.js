// A service worker that loads the drop-in with importScripts (allowed only while the worker's
// script first runs) and, for each message from a page, reads a stream with self.WasmEventSource
// (a URL relative to the worker's location) and posts the events back to that page, in the
// shape of es-worker.js. event.waitUntil keeps the worker alive until the stream is done. With
// ?delete, the worker's own EventSource is deleted first, so that the drop-in installs itself.
const hadNative = typeof self.EventSource === 'function';
if (new URLSearchParams(location.search).has('delete')) delete self.EventSource;
importScripts('/dist/wasm-eventsource.js');

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const client = event.source;
  const post = (message) => client.postMessage(message);
  event.waitUntil(
    new Promise((resolve) => {
      try {
        const source = new self.WasmEventSource('worker-stream?via=service');
        post({
          kind: 'info',
          hadNative,
          installed: self.EventSource === self.WasmEventSource,
          hasCreateParser: typeof self.WasmEventSource.createParser === 'function',
          location: location.href,
          url: source.url,
        });
        const record = (e) =>
          post({ kind: 'event', type: e.type, data: e.data, lastEventId: e.lastEventId, origin: e.origin, readyState: source.readyState });
        source.onopen = record;
        source.onmessage = record;
        source.addEventListener('hello', record);
        source.onerror = (e) => {
          record(e);
          source.close();
          post({ kind: 'done' });
          resolve();
        };
      } catch (error) {
        post({ kind: 'fatal', error: `${error.name}: ${error.message}` });
        resolve();
      }
    }),
  );
});
