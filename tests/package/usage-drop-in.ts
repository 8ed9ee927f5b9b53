// The drop-in's global, for a page that loads the script (types from wasm-eventsource/drop-in).
import 'wasm-eventsource/drop-in';

const source = new WasmEventSource('/events');
const parser = WasmEventSource.createParser({ onEvent: (event) => event.data });
const error = new WasmEventSource.ParseError('m', { type: 'unknown-field' });
source.close();

export { parser, error };
