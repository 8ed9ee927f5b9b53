// The `network` section of `npm run bench`: EventSources in Node against a local server (a child
// process, so that its CPU is not counted) that writes LLM token events one per write, a write
// every millisecond, as a model's token stream arrives: each event reaches the client in a read
// of its own, whatever the client's speed. (Written back to back, events coalesce into fewer
// reads the slower a client is, which lowers its CPU per event: the figure would reward
// slowness.) Measured: the CPU time (user + system) of this process per event, while one source
// reads the whole stream; contenders in turn, medians of the runs. Beside the EventSources, the
// bare reads of the same stream — a node:http response's 'data' events, fetch()'s body reader and
// a node:net socket's 'data' events, bytes only, no parsing — are the floor any EventSource over
// them stands on; and a prototype of a transport of our own on node:net, with the parser.
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
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

// The same GET over a socket of our own (node:net), the response closing the connection.
function rawGet(url, onData) {
  const { hostname, port, pathname, search, host } = new URL(url);
  const socket = connect(Number(port), hostname, () =>
    socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n`),
  );
  socket.on('data', onData);
  return socket;
}

const netRead = (url) =>
  new Promise((resolve, reject) => {
    let chunks = 0;
    rawGet(url, () => chunks++)
      .on('end', () => resolve(chunks))
      .on('error', reject);
  });

// A design alternative for the EventSource's transport, measured, not built into the package: a
// minimal HTTP/1.1 client on node:net (of the response head only its chunked coding read, the
// body decoded here), createParser, and one MessageEvent per event through an EventTarget. No
// redirects, TLS, content codings or errors: a floor of what a client of our own could cost.
function netEventSourceRun(createParser) {
  return (url) =>
    new Promise((resolve, reject) => {
      let events = 0;
      const target = new EventTarget();
      target.addEventListener('completion.delta', (event) => {
        if (event.data.length > 0) events++;
      });
      const parser = createParser({
        onEvent: ({ event, data, id }) => target.dispatchEvent(new MessageEvent(event ?? 'message', { data, lastEventId: id ?? '' })),
      });
      let head = true;
      let chunked = false;
      let held = null; // the bytes of an incomplete head or chunk-size line
      let left = 0; // bytes of the current chunk still to come, its CRLF included
      const socket = rawGet(url, (bytes) => {
        if (held !== null) {
          bytes = Buffer.concat([held, bytes]);
          held = null;
        }
        let at = 0;
        if (head) {
          const end = bytes.indexOf('\r\n\r\n');
          if (end === -1) return void (held = bytes);
          chunked = /\r\ntransfer-encoding: *chunked/i.test(bytes.latin1Slice(0, end));
          head = false;
          at = end + 4;
        }
        if (!chunked) return void (at < bytes.length && parser.feed(bytes.subarray(at)));
        while (at < bytes.length) {
          if (left === 0) {
            const lineEnd = bytes.indexOf(0x0a, at);
            if (lineEnd === -1) return void (held = bytes.subarray(at));
            const size = parseInt(bytes.latin1Slice(at, lineEnd), 16);
            at = lineEnd + 1;
            if (size === 0) return;
            left = size + 2;
          }
          const taken = Math.min(left, bytes.length - at);
          const data = Math.min(taken, Math.max(0, left - 2));
          if (data > 0) parser.feed(bytes.subarray(at, at + data));
          at += taken;
          left -= taken;
        }
      });
      socket.on('end', () => resolve(events)).on('error', reject);
    });
}

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
export async function measureNetwork({ EventSource, NpmEventSource, createParser, events = 2000, runs = 5 }) {
  const server = await startEventServer();
  const contenders = {
    'wasm-eventsource EventSource': eventSourceRun(EventSource),
    'wasm-eventsource EventSource, fetch option': eventSourceRun(EventSource, { fetch: globalThis.fetch }),
    'npm eventsource 5': eventSourceRun(NpmEventSource),
    'node:http read alone (bytes, no parsing)': nodeHttpRead,
    'fetch() body read alone (bytes, no parsing)': fetchRead,
    'node:net read alone (bytes, no parsing)': netRead,
    'node:net, a minimal HTTP client + createParser + MessageEvent (a prototype)': netEventSourceRun(createParser),
  };
  try {
    const url = server.url(events);
    // A warm-up, which also checks that every contender that parses saw every event.
    for (const [name, run] of Object.entries(contenders)) {
      const seen = await run(server.url(200));
      if (!name.includes('alone') && seen !== 200) throw new Error(`${name} saw ${seen} of 200 events`);
    }
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
