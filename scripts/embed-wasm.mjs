// The esbuild plugin of the builds that embed the module: `#parser-module` (imported by
// js/src/wasm.js) is js/src/module/embedded.js, and its `#wasm-binary` the parser's WebAssembly
// module as a string literal, so every bundle carries it inside (and `#embind-binary`,
// js/src/embind.js's, to the Embind binding's).
//
// Two encodings, both ASCII only, so the page's charset cannot corrupt them:
// - 'base64', the npm builds' (js/src/decode-module.js): decoded natively (Node's Buffer,
//   Uint8Array.fromBase64), ~0.15 ms of a cold start in Node against 0.6 ms for the loop that
//   undoes the shifted text, for 3.3 KB more gzip.
// - 'shifted', the drop-in scripts' (js/src/decode-module-portable.js), the smallest under gzip:
//   one character per byte, an offset plus or minus the byte (mod 256), as itself where that is
//   a printable character, else as an escape. The offset and sign are those whose output gzips
//   smallest as terser prints it (the module of 2026-12: 10.8 KB gzip against 14.1 KB for base64,
//   whose 6-bit groups hide the byte patterns gzip would find; the byte subtracted from the
//   offset gzips 0.1 KB smaller than the best offset plus the byte).
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { usePortableModules } from './portable-modules.mjs';

const embeddedLoader = fileURLToPath(new URL('../js/src/module/embedded.js', import.meta.url));

// Each code as terser prints it in an ASCII-only single-quoted string, which is what the drop-in
// ships: printable ASCII as itself, `'` and `\` escaped, seven controls as two-character escapes,
// the rest as \xHH. The text given to esbuild escapes NUL and `<` as \xHH (`\0` before a digit
// would be an octal escape; `</script` may not stand in a page's script); terser prints them back.
const hexEscape = (code) => `\\x${code.toString(16).padStart(2, '0')}`;
const SHORT_ESCAPES = { 0x00: '\\0', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r' };
const printed = Array.from({ length: 256 }, (_, code) => {
  if (code === 0x27 || code === 0x5c) return `\\${String.fromCharCode(code)}`;
  if (code >= 0x20 && code < 0x7f) return String.fromCharCode(code);
  return SHORT_ESCAPES[code] ?? hexEscape(code);
});
const inSource = printed.map((text, code) => (code === 0x00 || code === 0x3c ? hexEscape(code) : text));

function encode(bytes, offset, sign, table) {
  let text = '';
  for (const byte of bytes) text += table[(offset + sign * byte) & 0xff];
  return text;
}

/** The smallest encoding of `bytes` under gzip: { text (JS string literal body), offset, sign }:
 *  each character is (offset + sign * byte) mod 256. */
export function encodeWasm(bytes) {
  let best = null;
  for (const sign of [1, -1]) {
    for (let offset = 0; offset < 256; offset++) {
      const size = gzipSync(encode(bytes, offset, sign, printed), { level: 9 }).length;
      if (best === null || size < best.size) best = { offset, sign, size };
    }
  }
  return { text: encode(bytes, best.offset, best.sign, inSource), offset: best.offset, sign: best.sign };
}

/** Resolves `specifier` (#wasm-binary, the parser's module; #embind-binary, Embind's) to the
 *  module's text (`wasmText`) and, for the shifted encoding, its offset and sign (`wasmOffset`,
 *  `wasmSign`; null for base64); and js/src/decode-module.js to the decoder of that encoding. */
export function embedWasm(wasmBytes, { specifier = '#wasm-binary', encoding = 'base64' } = {}) {
  const { text, offset, sign } =
    encoding === 'base64' ? { text: Buffer.from(wasmBytes).toString('base64'), offset: null, sign: null } : encodeWasm(wasmBytes);
  return {
    name: `embed-wasm ${specifier}`,
    setup(build) {
      if (encoding === 'shifted') usePortableModules(build, ['decode-module']);
      if (specifier === '#wasm-binary') build.onResolve({ filter: /^#parser-module$/ }, () => ({ path: embeddedLoader }));
      build.onResolve({ filter: new RegExp(`^${specifier}$`) }, () => ({ path: specifier, namespace: 'embed-wasm' }));
      build.onLoad({ filter: /.*/, namespace: 'embed-wasm' }, () => ({
        contents: `export const wasmText = '${text}';\nexport const wasmOffset = ${offset};\nexport const wasmSign = ${sign};\n`,
        loader: 'js',
      }));
    },
  };
}
