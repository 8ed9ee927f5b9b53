// A module worker that imports the package's ESM build and reads a stream given a URL relative
// to the worker's location; reports like es-worker.js.
import { EventSource, createParser } from '/dist/index.mjs';

const post = (message) => self.postMessage(message);
try {
  const source = new EventSource('worker-stream?via=module');
  post({
    kind: 'info',
    notNative: EventSource !== self.EventSource,
    hasCreateParser: typeof createParser === 'function',
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
