// A route handler for the memory-bound tests: one event stream whose middle is one or more huge
// `data:` lines (one event each), generated on the fly in 64 KiB writes that wait for 'drain'
// (never held in memory), between two small events:
//
//   data: before\n\n   data: xxxx…(sizes[0] bytes)…xxxx\n\n   …   data: after\n\n
//
// The stream then stays open until the client goes away. Later requests (a reconnection) get
// 204, which fails an EventSource, so a client that reconnects stops instead of looping.
import { drained, sseHeaders } from './sse-server.mjs';

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Returns { handler, stats }: stats.requests, stats.sent (bytes of the lines written), stats.ms. */
export function bigLineRoute(sizes, { headers } = {}) {
  const stats = { requests: 0, sent: 0, ms: 0, finished: false, closed: false };
  async function handler(req, res) {
    stats.requests++;
    if (stats.requests > 1) {
      res.writeHead(204);
      res.end();
      return;
    }
    res.on('close', () => { stats.closed = true; });
    const started = performance.now();
    res.writeHead(200, sseHeaders(headers));
    // What comes before a line goes out in one write with its first bytes, so that the line
    // starts inside a chunk, as it mostly does in a real stream.
    let head = 'data: before\n\ndata: ';
    for (const bytes of sizes) {
      for (let left = bytes; left > 0 && !res.destroyed; ) {
        const size = Math.min(CHUNK.length, left);
        const body = size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size);
        const ok = res.write(head ? Buffer.concat([Buffer.from(head), body]) : body);
        head = '';
        left -= size;
        stats.sent += size;
        if (!ok) await drained(res);
      }
      if (res.destroyed) return;
      head = '\n\ndata: ';
    }
    res.write('\n\ndata: after\n\n');
    stats.finished = true;
    stats.ms = performance.now() - started;
  }
  return { handler, stats };
}

/**
 * What an EventSource whose limit is below every huge line logs over bigLineRoute(sizes) (log
 * entries as { type, readyState, data, reason }): it opens, gets `before`, reports each huge line
 * as a buffer-limit error without closing, and gets `after`.
 */
export function expectedBigLineLog(sizes) {
  return [
    { type: 'open', readyState: 1, data: undefined, reason: undefined },
    { type: 'message', readyState: 1, data: 'before', reason: undefined },
    ...sizes.map(() => ({ type: 'error', readyState: 1, data: undefined, reason: 'buffer-limit' })),
    { type: 'message', readyState: 1, data: 'after', reason: undefined },
  ];
}
