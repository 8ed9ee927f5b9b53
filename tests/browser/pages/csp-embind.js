// The CSP page's module for wasm-eventsource/embind: the Embind binding (built without dynamic
// code) parses a stream, reporting on window.__csp.
import initSse from '/dist/embind.mjs';

const state = (window.__csp = { parsed: [], done: false, error: null });
try {
  const sse = await initSse();
  const sink = sse.EventSink.implement({ onEvent: (event) => state.parsed.push(event.data) });
  const parser = new sse.Parser(sink);
  parser.feed('data: through embind\n\n');
  parser.delete();
  sink.delete();
} catch (error) {
  state.error = `${error.name}: ${error.message}`;
  if (error.cause) state.cause = `${error.cause.name}: ${error.cause.message}`;
}
state.done = true;
