// The bfcache page (tests/browser/bfcache.test.mjs): one polyfill source, and a log of what it
// dispatched and of the page's own pageshow events, kept in the page (which the back/forward
// cache keeps whole).
window.log = [];
const source = new WasmEventSource('/bfcache-stream');
for (const type of ['open', 'message', 'error']) {
  source.addEventListener(type, (event) =>
    window.log.push({ type, data: event.data, lastEventId: event.lastEventId, state: source.readyState }),
  );
}
window.addEventListener('pageshow', (event) => window.log.push({ type: 'pageshow', persisted: event.persisted }));
window.source = source;
