// The drop-in's global, for a page that loads the script (types from wasm-eventsource/drop-in).
import 'wasm-eventsource/drop-in';

const source = new WasmEventSource('/events');
const parser = WasmEventSource.createParser({ onEvent: (event) => event.data });
const stream = new WasmEventSource.EventSourceParserStream();
source.close();

export { parser, stream };
