// What the parsers take as bytes: every BufferSource, read where it lies, and the names of the
// values they refuse. No WebAssembly here: the Embind entry shares it.

const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const sharedArrayBufferByteLength =
  typeof SharedArrayBuffer === 'function'
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get
    : null;

// Brand checks, which hold across realms (an iframe's or a vm context's buffers) unlike
// instanceof.
function isBrand(getter, value) {
  try {
    getter.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bytes of a BufferSource (an ArrayBuffer, a SharedArrayBuffer, or any ArrayBufferView:
 * typed arrays of every element size, DataView, Node's Buffer) as a Uint8Array over the same
 * memory, without a copy; null when `value` is none of them.
 */
export function bufferSourceBytes(value) {
  if (value === null || typeof value !== 'object') return null;
  // (A view of a detached buffer, and a detached buffer, have no bytes.)
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array) return value;
    const { buffer } = value; // (a DataView's byteLength throws once its buffer is detached)
    if (isBrand(arrayBufferByteLength, buffer) && arrayBufferByteLength.call(buffer) === 0) return new Uint8Array(0);
    return new Uint8Array(buffer, value.byteOffset, value.byteLength);
  }
  if (isBrand(arrayBufferByteLength, value)) {
    return arrayBufferByteLength.call(value) === 0 ? new Uint8Array(0) : new Uint8Array(value);
  }
  if (sharedArrayBufferByteLength && isBrand(sharedArrayBufferByteLength, value)) return new Uint8Array(value);
  return null;
}

/** bufferSourceBytes(value), or a TypeError that names what `value` is. */
export function requireBytes(value) {
  const bytes = bufferSourceBytes(value);
  if (bytes === null) {
    throw new TypeError(
      `feed() takes a string or a BufferSource (ArrayBuffer, TypedArray, DataView), got ${describeValue(value)}`,
    );
  }
  return bytes;
}

/** How a value of the wrong type is named in error messages. */
export function describeValue(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'string': return 'a string';
    case 'number': return `a number (${value})`;
    case 'bigint': return `a bigint (${value}n)`;
    case 'boolean': return `a boolean (${value})`;
    case 'symbol': return 'a symbol';
    case 'function': return 'a function';
  }
  let name;
  try {
    name = Object.getPrototypeOf(value)?.constructor?.name;
  } catch {}
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `an object (${name})` : 'an object';
}
