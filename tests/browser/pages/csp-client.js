// The CSP page's client: an EventSource (the polyfill, installed by the drop-in) and the
// drop-in's createParser, reporting on window.__csp.
const state = (window.__csp = { events: [], parsed: [], done: false, error: null });
try {
  state.installed = window.EventSource === window.WasmEventSource;

  const parser = window.WasmEventSource.createParser({ onEvent: (event) => state.parsed.push(event.data) });
  parser.feed('data: parsed\n\n');

  const source = new EventSource('/csp-stream');
  const record = (event) => {
    state.events.push({ type: event.type, data: event.data, origin: event.origin, readyState: source.readyState });
  };
  source.onopen = record;
  source.onmessage = record;
  source.addEventListener('ping', record);
  source.onerror = (event) => {
    record(event);
    source.close();
    state.done = true;
  };
} catch (error) {
  state.error = `${error.name}: ${error.message}`;
  state.done = true;
}
