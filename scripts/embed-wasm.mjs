// The esbuild plugin of the builds that embed the module: `#parser-module` (imported by
// js/src/wasm.js) is js/src/module/embedded.js, and its `#wasm-binary` the parser's WebAssembly
// module as a string literal, so every bundle carries it inside (and `#embind-binary`,
// js/src/embind.js's, to the Embind binding's).
//
// The encoding is one ASCII character per byte: the byte plus an offset (mod 256) as itself
// where that is a printable character, else as a \xHH escape. The offset is the one whose output
// gzips smallest (45 for the module of 2026-12: 10.1 KB gzip against 13.2 KB for base64, whose
// 6-bit groups hide the byte patterns gzip would find). ASCII only, so the page's charset
// cannot corrupt it.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

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

/** Resolves `specifier` (#wasm-binary, the parser's module; #embind-binary, Embind's) to it. */
export function embedWasm(wasmBytes, specifier = '#wasm-binary') {
  const { text, offset } = encodeWasm(wasmBytes);
  return {
    name: `embed-wasm ${specifier}`,
    setup(build) {
      if (specifier === '#wasm-binary') build.onResolve({ filter: /^#parser-module$/ }, () => ({ path: embeddedLoader }));
      build.onResolve({ filter: new RegExp(`^${specifier}$`) }, () => ({ path: specifier, namespace: 'embed-wasm' }));
      build.onLoad({ filter: /.*/, namespace: 'embed-wasm' }, () => ({
        contents: `export const wasmText = '${text}';\nexport const wasmOffset = ${offset};\n`,
        loader: 'js',
      }));
    },
  };
}
