// The `network` section of `npm run bench`: EventSources in Node against a local server (a child
// process, so that its CPU is not counted) that writes LLM token events one per write, a write
// every millisecond, as a model's token stream arrives: each event reaches the client in a read
// of its own, whatever the client's speed. (Written back to back, events coalesce into fewer
// reads the slower a client is, which lowers its CPU per event: the figure would reward
// slowness.) Measured: the CPU time (user + system) of this process per event, while one source
// reads the whole stream; contenders in turn, medians of the runs. Beside the EventSources, the
// bare reads of the same stream — a node:http response's 'data' events and fetch()'s body reader,
// bytes only, no parsing — are the floor any EventSource over them stands on.
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

import { median } from './timing.mjs';

const TOKENS = ['Hello', ' wor', 'ld', ' café', ' 日本', ' naïve', ' 😀', ' the'];
const llmEvent = (i) =>
  `event: completion.delta\nid: ${1000000 + i}\ndata: {"id":"chatcmpl-8x1Yb2","object":"chat.completion.chunk",` +
  `"created":1700000000,"choices":[{"index":0,"delta":{"content":"${TOKENS[i % 8]}"},"finish_reason":null}]}\n\n`;

// The server: GET /?events=N writes N events, one per write and per millisecond, then ends the
// response.
if (process.argv[2] === 'serve') {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const events = Number(new URL(req.url, 'http://x').searchParams.get('events') ?? 1000);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    let i = 0;
    const timer = setInterval(() => {
      if (i === events) {
        clearInterval(timer);
        res.end();
      } else {
        res.write(llmEvent(i++));
      }
    }, 1);
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
}

/** Starts the server; resolves to { url(events), stop() }. */
export async function startEventServer() {
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: 'inherit' });
  const port = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the benchmark's event server exited (${code})`)));
  });
  return { url: (events) => `http://127.0.0.1:${port}/?events=${events}`, stop: () => child.kill() };
}

// Each contender reads one whole stream of `events` events from `url`; resolves to the events
// (or chunks, for the bare reads) it saw.
function eventSourceRun(EventSource, init) {
  return (url) =>
    new Promise((resolve, reject) => {
      let events = 0;
      const source = new EventSource(url, init);
      source.addEventListener('completion.delta', (event) => {
        if (event.data.length > 0) events++;
      });
      source.onerror = () => {
        source.close(); // the end of the stream
        if (events === 0) reject(new Error('no event arrived'));
        else resolve(events);
      };
    });
}

const nodeHttpRead = (url) =>
  new Promise((resolve, reject) => {
    let chunks = 0;
    request(url, (res) => {
      res.on('data', () => chunks++);
      res.on('end', () => resolve(chunks));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });

async function fetchRead(url) {
  const reader = (await fetch(url)).body.getReader();
  let chunks = 0;
  while (!(await reader.read()).done) chunks++;
  return chunks;
}

/**
 * Runs the section: `contenders` maps a name to (url) => Promise; returns the median CPU µs per
 * event of each.
 */
export async function measureNetwork({ EventSource, NpmEventSource, events = 2000, runs = 5 }) {
  const server = await startEventServer();
  const contenders = {
    'wasm-eventsource EventSource': eventSourceRun(EventSource),
    'wasm-eventsource EventSource, fetch option': eventSourceRun(EventSource, { fetch: globalThis.fetch }),
    'npm eventsource 5': eventSourceRun(NpmEventSource),
    'node:http read alone (bytes, no parsing)': nodeHttpRead,
    'fetch() body read alone (bytes, no parsing)': fetchRead,
  };
  try {
    const url = server.url(events);
    for (const run of Object.values(contenders)) await run(server.url(200)); // warm-up
    const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
    for (let i = 0; i < runs; i++) {
      for (const [name, run] of Object.entries(contenders)) {
        const before = process.cpuUsage();
        await run(url);
        const { user, system } = process.cpuUsage(before);
        samples[name].push((user + system) / events);
      }
    }
    return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  } finally {
    server.stop();
  }
}
