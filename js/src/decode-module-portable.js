// decodeModule for the drop-in scripts, which browsers run: no Buffer there, so only the loop of
// ./decode-module.js (the same result).
export function decodeModule(text, offset) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = (text.charCodeAt(i) - offset) & 0xff;
  return bytes;
}
