// UTF-8 to and from strings, with the platform's TextDecoder and TextEncoder, made at first use
// (not at import: a cold start that never needs them does not pay for them). (The builds for
// engines that may lack them use ./text-codec-portable.js instead, with the same exports.)

// ignoreBOM: a U+FEFF at the start of a text is data, not a byte order mark.
let decoder = null;
let encoder = null;

/** The text of UTF-8 bytes. */
export const decodeUtf8 = (bytes) => (decoder ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(bytes);

/** The UTF-8 bytes of a text (lone surrogates as U+FFFD). */
export const encodeUtf8 = (text) => (encoder ??= new TextEncoder()).encode(text);

/** Writes the UTF-8 of `text` into `target` (room for 3 bytes per code unit); returns the count. */
export const encodeUtf8Into = (text, target) => (encoder ??= new TextEncoder()).encodeInto(text, target).written;
