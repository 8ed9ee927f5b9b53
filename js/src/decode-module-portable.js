// decodeModule for the drop-in scripts, which embed the module as shifted text (the smallest
// under gzip, their budget: scripts/embed-wasm.mjs): each character is the offset plus or minus
// (`sign`) the byte, mod 256.
export function decodeModule(text, offset, sign) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = (sign * (text.charCodeAt(i) - offset)) & 0xff;
  return bytes;
}
