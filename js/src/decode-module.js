// The bytes of a WebAssembly module embedded by scripts/embed-wasm.mjs: one character per byte,
// shifted by `offset`. It runs once, at the first parser, so it is part of every cold start:
// where there is a Buffer (Node, Bun) the characters become bytes natively and the shift is
// undone four bytes at a time (1.1 ms for the 26 KB module against 6 ms for the byte loop,
// a loop that runs once and so is never optimised).
export function decodeModule(text, offset) {
  const NodeBuffer = globalThis.Buffer;
  if (typeof NodeBuffer?.from === 'function') {
    const size = text.length;
    const bytes = new Uint8Array((size + 3) & ~3);
    bytes.set(NodeBuffer.from(text, 'latin1'));
    // (byte - offset) & 0xff in each byte of a word, without borrows between bytes.
    const words = new Uint32Array(bytes.buffer);
    const shift = (offset * 0x01010101) >>> 0;
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      words[i] = ((word | 0x80808080) - (shift & 0x7f7f7f7f)) ^ ((word ^ ~shift) & 0x80808080);
    }
    return bytes.subarray(0, size);
  }
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = (text.charCodeAt(i) - offset) & 0xff;
  return bytes;
}
