// UTF-8 to and from strings in engines that may have no TextDecoder or TextEncoder (Hermes, React
// Native): the platform's where there is one, else the loops below, which follow the Encoding
// Standard's UTF-8 decoder and encoder: an invalid or truncated sequence becomes U+FFFD (the
// module's texts are valid UTF-8 anyway), a lone surrogate is encoded as U+FFFD, and a leading
// BOM is kept (as TextDecoder's ignoreBOM).

const CHUNK = 4096; // code units per String.fromCharCode call (its arguments go on the stack)

function decodeLoop(bytes) {
  let text = '';
  const units = [];
  const end = bytes.length;
  let i = 0;
  while (i < end) {
    const lead = bytes[i++];
    let codePoint = 0xfffd;
    if (lead < 0x80) {
      codePoint = lead;
    } else {
      // The sequence's length, and the range its second byte must be in (no overlongs, no
      // surrogates, nothing above U+10FFFF).
      let needed = 0;
      let low = 0x80;
      let high = 0xbf;
      if (lead >= 0xc2 && lead <= 0xdf) {
        needed = 1;
        codePoint = lead & 0x1f;
      } else if (lead >= 0xe0 && lead <= 0xef) {
        needed = 2;
        codePoint = lead & 0x0f;
        if (lead === 0xe0) low = 0xa0;
        if (lead === 0xed) high = 0x9f;
      } else if (lead >= 0xf0 && lead <= 0xf4) {
        needed = 3;
        codePoint = lead & 0x07;
        if (lead === 0xf0) low = 0x90;
        if (lead === 0xf4) high = 0x8f;
      }
      if (needed === 0) {
        codePoint = 0xfffd;
      } else {
        for (; needed > 0; needed--) {
          const next = bytes[i];
          if (i >= end || next < low || next > high) break; // that byte starts what follows
          codePoint = (codePoint << 6) | (next & 0x3f);
          low = 0x80;
          high = 0xbf;
          i++;
        }
        if (needed !== 0) codePoint = 0xfffd;
      }
    }
    if (codePoint > 0xffff) {
      codePoint -= 0x10000;
      units.push(0xd800 | (codePoint >> 10), 0xdc00 | (codePoint & 0x3ff));
    } else {
      units.push(codePoint);
    }
    if (units.length >= CHUNK) {
      text += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return units.length === 0 ? text : text + String.fromCharCode.apply(null, units);
}

function encodeLoop(text, target) {
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    let unit = text.charCodeAt(i);
    if (unit < 0x80) {
      target[at++] = unit;
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        i++;
        target[at++] = 0xf0 | (codePoint >> 18);
        target[at++] = 0x80 | ((codePoint >> 12) & 0x3f);
        target[at++] = 0x80 | ((codePoint >> 6) & 0x3f);
        target[at++] = 0x80 | (codePoint & 0x3f);
        continue;
      }
      unit = 0xfffd; // a lone surrogate
    }
    if (unit < 0x800) {
      target[at++] = 0xc0 | (unit >> 6);
    } else {
      target[at++] = 0xe0 | (unit >> 12);
      target[at++] = 0x80 | ((unit >> 6) & 0x3f);
    }
    target[at++] = 0x80 | (unit & 0x3f);
  }
  return at;
}

const decoder = typeof TextDecoder === 'function' ? new TextDecoder('utf-8', { ignoreBOM: true }) : null;
const encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;

/** The text of UTF-8 bytes. */
export const decodeUtf8 = decoder ? (bytes) => decoder.decode(bytes) : decodeLoop;

/** The UTF-8 bytes of a text (lone surrogates as U+FFFD). */
export const encodeUtf8 = encoder
  ? (text) => encoder.encode(text)
  : (text) => {
      const bytes = new Uint8Array(text.length * 3);
      return bytes.slice(0, encodeLoop(text, bytes));
    };

/** Writes the UTF-8 of `text` into `target` (room for 3 bytes per code unit); returns the count. */
export const encodeUtf8Into = encoder ? (text, target) => encoder.encodeInto(text, target).written : encodeLoop;

/** The JS loops themselves, whatever the platform has (for the tests). */
export const portableLoops = { decodeUtf8: decodeLoop, encodeUtf8Into: encodeLoop };
