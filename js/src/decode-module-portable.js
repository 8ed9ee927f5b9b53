// decodeModule for the drop-in scripts, which embed the module as shifted text (the smallest
// under gzip, their budget: scripts/embed-wasm.mjs): each character less the offset, mod 256.
export function decodeModule(text, offset) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = (text.charCodeAt(i) - offset) & 0xff;
  return bytes;
}
