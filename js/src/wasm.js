// Loads the parser's module. Instantiation is synchronous, so a parser or EventSource can be
// created before anything has loaded, in windows, workers, Node and bundlers alike. Where the
// module comes from depends on the build (`#parser-module`): embedded in the bundle (./module/
// embedded.js), a .wasm file the platform compiled (./module/file.js, workerd), or wasm2js's
// JavaScript translation (./module/wasm2js.js, engines without WebAssembly).
import { instantiateParserModule } from '#parser-module';

let exports_ = null;
let heap = null; // null until first use and after each growth of the memory
let heapWords = null;
let heapNodeBuffer = null;
// Node's Buffer, whose Latin-1 and UTF-16 slicing make strings ~10x and ~3x faster than
// TextDecoder (of ASCII, and of the UTF-8 of the same non-ASCII text).
const bufferPrototype = globalThis.Buffer?.prototype;
const NodeBuffer =
  typeof bufferPrototype?.latin1Slice === 'function' && typeof bufferPrototype?.ucs2Slice === 'function'
    ? globalThis.Buffer
    : null;

function instantiate() {
  // Growing the memory replaces its buffer: the views are rebuilt on their next use. The
  // WebAssembly module imports nothing (an import costs V8 ~1.7 ms at compile): its growth
  // detaches the old buffer, which refreshViews() sees; wasm2js's module calls this import.
  const exports = instantiateParserModule({ env: { emscripten_notify_memory_growth: forgetViews } });
  exports._initialize();
  return exports;
}

/** The module's exports, instantiated on first use. */
export function wasm() {
  return (exports_ ??= instantiate());
}

function forgetViews() {
  heap = null;
}

// (Asking the memory for its buffer at every call was a fifth of the time at 16-byte chunks; a
// view of a detached buffer has length 0.)
function refreshViews() {
  if (heap !== null && heap.length !== 0) return;
  const buffer = wasm().memory.buffer;
  heap = new Uint8Array(buffer);
  heapWords = new Uint32Array(buffer);
  heapNodeBuffer = NodeBuffer?.from(buffer) ?? null;
}

/** A byte view of the module's memory, renewed when the memory has grown. */
export function memoryBytes() {
  refreshViews();
  return heap;
}

/** A uint32 view of the module's memory, renewed when the memory has grown. */
export function memoryWords() {
  refreshViews();
  return heapWords;
}

/** Whether memoryNodeBuffer() gives Buffers (Node), fixed for the process. */
export const hasNodeBuffer = NodeBuffer !== null;

let utf16 = null;
/** Whether the non-ASCII arena is to be UTF-16 (for Node's Buffer#ucs2Slice): in Node, with a
 *  module that writes it (the drop-in's does not). Instantiates the module. */
export function wideUtf16() {
  return (utf16 ??= hasNodeBuffer && wasm().sse_writes_utf16?.() === 1);
}

/** In Node, a Buffer over the module's memory (no copy); null elsewhere. Renewed when the
 *  memory has grown. */
export function memoryNodeBuffer() {
  refreshViews();
  return heapNodeBuffer;
}

/** Bytes of the module's memory; 0 before it is instantiated (does not instantiate it). */
export function memorySize() {
  return exports_ === null ? 0 : exports_.memory.buffer.byteLength;
}
