// The first script of the harness page: keeps the browser's own EventSource before any
// implementation under test (a drop-in polyfill, say) can replace window.EventSource.
window.NativeEventSource = window.EventSource;
