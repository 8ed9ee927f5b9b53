// The soak's clients, a child process of their own (so that its memory is theirs alone): `count`
// EventSources, one per channel of the server at argv[2]; each checks that every event comes
// exactly once and in order (ids n, n + 1, …, whatever the cuts). Every `report` ms it sends the
// counts and its memory (after a full GC) to the parent.
import { EventSource } from '../../dist/index.mjs';

const [url, countText, reportText] = process.argv.slice(2);
const count = Number(countText);
const sources = [];
const state = { received: 0, errors: 0, gaps: 0, duplicates: 0, last: new Array(count).fill(0) };

for (let channel = 0; channel < count; channel++) {
  const source = new EventSource(`${url}?channel=${channel}`);
  source.onmessage = (event) => {
    const id = Number(event.lastEventId);
    const expected = state.last[channel] + 1;
    if (id > expected) state.gaps++;
    if (id < expected) state.duplicates++;
    state.last[channel] = Math.max(state.last[channel], id);
    state.received++;
  };
  source.onerror = () => state.errors++;
  sources.push(source);
}

setInterval(() => {
  globalThis.gc?.();
  const memory = process.memoryUsage();
  process.send({
    received: state.received,
    errors: state.errors,
    gaps: state.gaps,
    duplicates: state.duplicates,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    wasm: EventSource.wasmMemoryBytes,
  });
}, Number(reportText));

process.on('message', (message) => {
  if (message !== 'stop') return;
  for (const source of sources) source.close();
  process.send({ final: true, last: state.last, received: state.received, gaps: state.gaps, duplicates: state.duplicates });
  setTimeout(() => process.exit(0), 100);
});
