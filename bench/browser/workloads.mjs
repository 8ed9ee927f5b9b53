// The browser benchmark's streams: the same event shapes as bench/js, a fixed number of events
// each, and what the page must see of each.

const TOKENS = ['Hello', ' wor', 'ld', ' café', ' 日本', ' naïve', ' 😀', ' the'];

function llmEvent(i) {
  const id = String(1_000_000 + i);
  const data =
    '{"id":"chatcmpl-8x1Yb2","object":"chat.completion.chunk","created":1700000000,' +
    `"choices":[{"index":0,"delta":{"content":"${TOKENS[i % TOKENS.length]}"},"finish_reason":null}]}`;
  return { text: `event: completion.delta\nid: ${id}\ndata: ${data}\n\n`, data, id };
}

/** Each workload: its default event count, the event type the page listens to, its events. */
export const WORKLOADS = {
  tiny: {
    events: 200_000,
    listen: 'message',
    event: () => ({ text: 'data: x\n\n', data: 'x', id: '' }),
  },
  llm_tokens: {
    events: 100_000,
    listen: 'completion.delta',
    event: (i) => llmEvent(i),
  },
  // A model's token stream as it arrives: a few events per server write, each write on its own
  // (the server yields to its event loop between writes), 40 000 events.
  llm_writes: {
    events: 40_000,
    eventsPerWrite: 4,
    listen: 'completion.delta',
    event: (i) => llmEvent(i),
  },
  // The same with one event per write, as a server that writes each token as it comes.
  llm_event_writes: {
    events: 40_000,
    eventsPerWrite: 1,
    listen: 'completion.delta',
    event: (i) => llmEvent(i),
  },
};

const CHUNK = 64 * 1024;

// Where the value of the event's first `name` field starts in its text.
function valueAt(text, name) {
  const prefix = `${name}: `;
  if (text.startsWith(prefix)) return prefix.length;
  const newline = text.indexOf(`\n${prefix}`);
  if (newline < 0) throw new Error(`no ${name} field in ${JSON.stringify(text)}`);
  return newline + 1 + prefix.length;
}

/**
 * The whole stream as 64 KiB Buffers (cut anywhere: inside events and inside UTF-8 sequences, as
 * a network would), or as writes of `eventsPerWrite` events each; its events (type, data, IDs,
 * where each ends in the stream's bytes and where its data and ID lie in its text, for the floor
 * pages); and what the page must see:
 * the count, the total data length in UTF-16 code units, the last event's data and id.
 */
export function buildStream(name, count) {
  const { event, eventsPerWrite, listen } = WORKLOADS[name];
  const parts = [];
  const events = { type: listen, data: [], ids: [], ends: [], spans: [] };
  let byteEnd = 0;
  let charEnd = 0;
  let dataChars = 0;
  let last;
  for (let i = 0; i < count; i++) {
    last = event(i);
    parts.push(last.text);
    events.data.push(last.data);
    events.ids.push(last.id);
    // Where its data and ID lie in the decoded stream (UTF-16 code units; no ID line: -1).
    const dataFrom = charEnd + valueAt(last.text, 'data');
    const idFrom = last.id === '' ? -1 : charEnd + valueAt(last.text, 'id');
    events.spans.push([dataFrom, dataFrom + last.data.length, idFrom, idFrom < 0 ? -1 : idFrom + last.id.length]);
    charEnd += last.text.length;
    byteEnd += Buffer.byteLength(last.text);
    events.ends.push(byteEnd);
    dataChars += last.data.length;
  }
  const chunks = [];
  if (eventsPerWrite) {
    for (let i = 0; i < parts.length; i += eventsPerWrite) chunks.push(Buffer.from(parts.slice(i, i + eventsPerWrite).join(''), 'utf8'));
  } else {
    const bytes = Buffer.from(parts.join(''), 'utf8');
    for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(bytes.subarray(at, at + CHUNK));
  }
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  return { chunks, paced: Boolean(eventsPerWrite), bytes, events, expected: { count, dataChars, lastData: last.data, lastId: last.id } };
}
