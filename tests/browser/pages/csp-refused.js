// The CSP page's client when the policy refuses WebAssembly: what an EventSource (its error
// event) and createParser (its exception, and that exception's cause) tell the page, on
// window.__csp.
const state = (window.__csp = { done: false });
const describe = (error) => (error ? { name: error.name, message: error.message } : null);
const source = new EventSource('/csp-stream');
source.onerror = (event) => {
  state.event = { type: event.type, reason: event.reason, message: event.message, readyState: source.readyState };
  try {
    window.WasmEventSource.createParser({ onEvent() {} }).feed('data: x\n\n');
    state.thrown = null;
  } catch (error) {
    state.thrown = { ...describe(error), isCompileError: error instanceof WebAssembly.CompileError, cause: describe(error.cause) };
  }
  state.done = true;
};
