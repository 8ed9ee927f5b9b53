// The bytes of a WebAssembly module embedded by scripts/embed-wasm.mjs: one character per byte,
// shifted by `offset`.
export function decodeModule(text, offset) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = (text.charCodeAt(i) - offset) & 0xff;
  return bytes;
}
