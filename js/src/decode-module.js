// The bytes of a WebAssembly module embedded in base64 by scripts/embed-wasm.mjs (the npm
// builds). It runs once, at the first parser, so it is part of every cold start: natively where
// the platform can (Uint8Array.fromBase64, Node's and Bun's Buffer: ~0.15 ms for the 23 KB module
// in a fresh Node process), else by atob and a loop.
export function decodeModule(base64) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(base64);
  const NodeBuffer = globalThis.Buffer;
  if (typeof NodeBuffer?.from === 'function') return NodeBuffer.from(base64, 'base64');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
