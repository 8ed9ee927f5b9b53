// The CommonJS view of the package (require), compiled under node16 and nodenext.
import pkg = require('wasm-eventsource');
import streamPkg = require('wasm-eventsource/stream');
import wasm2jsPkg = require('wasm-eventsource/wasm2js');
import sharedPkg = require('wasm-eventsource/shared');

const source: globalThis.EventSource = new pkg.EventSource('/events');
const parser = pkg.createParser({ onEvent: (event) => event.data });
parser.feed(new Uint8Array(0));
const stream = new streamPkg.EventSourceParserStream();
const Default: typeof pkg.WasmEventSource = pkg.default;
source.close();

const wasm2jsParser = wasm2jsPkg.createParser({ onEvent: (event) => event.data });
const sharing: typeof pkg.EventSource = sharedPkg.EventSource;
new sharing('/events', { shared: true }).close();

export { parser, stream, Default, wasm2jsParser, sharing };
