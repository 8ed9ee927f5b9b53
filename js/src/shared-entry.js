// wasm-eventsource/shared: the EventSource with `shared: true` (js/src/shared.js) installed. A
// bundle that never imports it carries none of the sharing code.
import { WasmEventSource } from './event-source.js';
import { installSharing } from './shared.js';

installSharing(WasmEventSource);

export { WasmEventSource, WasmEventSource as EventSource, WasmEventSource as default };
