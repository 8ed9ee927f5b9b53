// The fuzzer's event streams: blocks written as text/event-stream bytes, and what the standard
// says a source makes of the bytes that arrived before a response ended (its messages, the last
// event ID and the reconnection time), computed from the blocks themselves, not by a parser.

const encoder = new TextEncoder();

/**
 * Writes `blocks` ({ lines: [[field, value] | [':', comment] | ['bogus', value]] }, each ended by
 * a blank line) with line ends `eol`. Returns the bytes and every line with the offset just
 * past its line end's first byte (where the parser knows the line is whole).
 */
export function writeStream(blocks, eol) {
  const parts = [];
  const lines = [];
  let offset = 0;
  const add = (kind, value, text) => {
    const bytes = encoder.encode(text);
    parts.push(bytes, encoder.encode(eol));
    offset += bytes.length;
    lines.push({ kind, value, complete: offset + 1 });
    offset += eol.length;
  };
  for (const block of blocks) {
    for (const [field, value] of block.lines) add(field, value, field === ':' ? `:${value}` : `${field}: ${value}`);
    add('blank', '', '');
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, lines };
}

/**
 * What a source makes of the first `delivered` bytes, starting from `state` ({ lastEventId,
 * reconnectionTime }): the messages in order and the state after them.
 */
export function expectedOutcome(lines, delivered, state) {
  const messages = [];
  let { lastEventId, reconnectionTime } = state;
  let buffer = lastEventId; // the ID buffer starts as the last event ID string
  let data = null;
  let type = '';
  let idInBlock = false;
  for (const line of lines) {
    if (line.complete > delivered) break;
    switch (line.kind) {
      case 'data':
        data = data === null ? line.value : `${data}\n${line.value}`;
        break;
      case 'event':
        type = line.value;
        break;
      case 'id':
        buffer = line.value;
        idInBlock = true;
        break;
      case 'retry': // (an empty value resets to the default, as Chromium does)
        if (line.value === '') reconnectionTime = 3000;
        else if (/^\d+$/.test(line.value)) reconnectionTime = Number(line.value);
        break;
      case 'blank':
        if (idInBlock) lastEventId = buffer;
        if (data !== null) messages.push([type || 'message', data, lastEventId]);
        data = null;
        type = '';
        idInBlock = false;
        break;
      default: // comments and fields of other names change nothing
    }
  }
  return { messages, lastEventId, reconnectionTime };
}
