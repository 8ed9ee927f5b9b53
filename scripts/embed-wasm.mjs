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
//   one character per byte, the byte plus an offset (mod 256) as itself where that is a
//   printable character, else as a \xHH escape. The offset is the one whose output gzips
//   smallest (46 for the module of 2026-12: 10.8 KB gzip against 14.1 KB for base64, whose 6-bit
//   groups hide the byte patterns gzip would find).
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { usePortableModules } from './portable-modules.mjs';

const embeddedLoader = fileURLToPath(new URL('../js/src/module/embedded.js', import.meta.url));

function encode(bytes, offset) {
  let text = '';
  for (const byte of bytes) {
    const code = (byte + offset) & 0xff;
    const printable = code >= 0x20 && code < 0x7f && code !== 0x5c && code !== 0x27 && code !== 0x3c; // \ ' <
    text += printable ? String.fromCharCode(code) : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return text;
}

/** The smallest encoding of `bytes` under gzip: { text (JS string literal body), offset }. */
export function encodeWasm(bytes) {
  let best = null;
  for (let offset = 0; offset < 256; offset++) {
    const text = encode(bytes, offset);
    const size = gzipSync(text, { level: 9 }).length;
    if (best === null || size < best.size) best = { text, offset, size };
  }
  return best;
}

/** Resolves `specifier` (#wasm-binary, the parser's module; #embind-binary, Embind's) to the
 *  module's text (`wasmText`) and, for the shifted encoding, its offset (`wasmOffset`; null for
 *  base64); and js/src/decode-module.js to the decoder of that encoding. */
export function embedWasm(wasmBytes, { specifier = '#wasm-binary', encoding = 'base64' } = {}) {
  const { text, offset } =
    encoding === 'base64' ? { text: Buffer.from(wasmBytes).toString('base64'), offset: null } : encodeWasm(wasmBytes);
  return {
    name: `embed-wasm ${specifier}`,
    setup(build) {
      if (encoding === 'shifted') usePortableModules(build, ['decode-module']);
      if (specifier === '#wasm-binary') build.onResolve({ filter: /^#parser-module$/ }, () => ({ path: embeddedLoader }));
      build.onResolve({ filter: new RegExp(`^${specifier}$`) }, () => ({ path: specifier, namespace: 'embed-wasm' }));
      build.onLoad({ filter: /.*/, namespace: 'embed-wasm' }, () => ({
        contents: `export const wasmText = '${text}';\nexport const wasmOffset = ${offset};\n`,
        loader: 'js',
      }));
    },
  };
}
