// `npm run soak -- --minutes N [--sources 100] [--interval 100]`: N minutes of `sources`
// EventSources in Node (a child process) against a server that cuts every connection at random,
// cleanly or in the middle of an event. Passes when every event arrived exactly once and in
// order, and the clients' memory stayed flat (heap and WebAssembly memory at the end against the
// end of the first minute, after a full GC). Prints a line a minute and the figures at the end.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startSoakServer } from './server.mjs';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '1' }, sources: { type: 'string', default: '100' }, interval: { type: 'string', default: '100' } },
});
const minutes = Number(values.minutes);
const sources = Number(values.sources);
const MiB = 1024 * 1024;
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

const server = await startSoakServer({ channels: sources, interval: Number(values.interval), random });
const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'clients.mjs'), [server.url, String(sources), '10000'], {
  execArgv: ['--expose-gc'],
});
const reports = [];
let final = null;
child.on('message', (message) => {
  if (message.final) {
    final = message;
    return;
  }
  reports.push({ ...message, at: reports.length * 10 });
  if (reports.length % 6 === 0) {
    const m = message;
    console.log(
      `${(reports.length / 6).toFixed(0)} min: ${m.received} events, ${m.errors} reconnections, gaps ${m.gaps}, duplicates ${m.duplicates}; ` +
        `heap ${(m.heapUsed / MiB).toFixed(1)} MiB, rss ${(m.rss / MiB).toFixed(0)} MiB, wasm ${(m.wasm / MiB).toFixed(1)} MiB`,
    );
  }
});

await new Promise((resolve) => setTimeout(resolve, minutes * 60_000 + 1000));
child.send('stop');
await new Promise((resolve) => child.on('exit', resolve));
await server.close();

const last = reports.at(-1);
const baseline = reports[Math.min(5, reports.length - 1)]; // the end of the first minute
const lost = final ? final.last.reduce((sum, n) => sum + n, 0) : 0;
const summary = {
  minutes,
  sources,
  eventsMade: server.made(),
  eventsReceived: final.received,
  lastIdsSum: lost,
  requests: server.stats.requests,
  cuts: server.stats.cuts,
  midEventCuts: server.stats.midEventCuts,
  resumedWithLastEventId: server.stats.resumed,
  gaps: final.gaps,
  duplicates: final.duplicates,
  heapGrowthMiB: (last.heapUsed - baseline.heapUsed) / MiB,
  wasmGrowthMiB: (last.wasm - baseline.wasm) / MiB,
  rssMiB: last.rss / MiB,
};
console.log(JSON.stringify(summary, null, 2));
// Every event a source reported is one it got exactly once (no gap, no duplicate), and the
// received count matches the ids' sum: nothing arrived twice unseen.
const ok = summary.gaps === 0 && summary.duplicates === 0 && summary.eventsReceived === lost &&
  summary.heapGrowthMiB < 5 && summary.wasmGrowthMiB <= 0;
console.log(ok ? 'soak: passed' : 'soak: FAILED');
process.exit(ok ? 0 : 1);
