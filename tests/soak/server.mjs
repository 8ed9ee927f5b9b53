// The soak's server (tests/soak/soak.mjs): one channel per source, a numbered event on every
// channel every `interval` ms, resent from Last-Event-ID on reconnection; every response is cut
// at a random moment, after whole events or in the middle of one (a reset).
import http from 'node:http';

export async function startSoakServer({ channels, interval, random }) {
  const log = Array.from({ length: channels }, () => 0); // events made per channel
  const open = new Set(); // { channel, res, sent }
  const stats = { requests: 0, cuts: 0, midEventCuts: 0, resumed: 0 };
  const event = (n) => `id: ${n}\ndata: event ${n} ${'x'.repeat(n % 50)}\n\n`;

  const ticker = setInterval(() => {
    for (let c = 0; c < channels; c++) log[c]++;
    for (const stream of open) {
      while (stream.sent < log[stream.channel]) stream.res.write(event(++stream.sent));
    }
  }, interval);

  const server = http.createServer((req, res) => {
    const channel = Number(new URL(req.url, 'http://x').searchParams.get('channel'));
    const after = Number(req.headers['last-event-id'] ?? 0);
    stats.requests++;
    if (req.headers['last-event-id']) stats.resumed++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write('retry: 50\n\n');
    const stream = { channel, res, sent: after };
    while (stream.sent < log[channel]) res.write(event(++stream.sent));
    open.add(stream);
    // A cut within 0.2-3 s: clean (after whole events) or in the middle of the next event.
    const cut = setTimeout(() => {
      open.delete(stream);
      stats.cuts++;
      if (random() < 0.5) {
        stats.midEventCuts++;
        res.write(event(stream.sent + 1).slice(0, 9)); // "id: n\ndat": never completed
      }
      res.destroy();
    }, 200 + random() * 2800);
    req.on('close', () => {
      clearTimeout(cut);
      open.delete(stream);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/soak`,
    stats,
    made: () => log.reduce((sum, n) => sum + n, 0),
    close() {
      clearInterval(ticker);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
