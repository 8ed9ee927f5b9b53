// The seed document's demo server loop ("Using server-sent events"): an `event: ping` every
// second with the time as JSON, and a plain message at random intervals of 1-10 pings.
// Used by the web demo (demo/server.mjs) and the terminal demo (demo/seed-stream.mjs).

/**
 * Starts writing the stream through `write(text)`; returns stop(). `intervalMs` is the ping
 * period (1000 in the seed).
 */
export function startSeedEvents(write, { intervalMs = 1000 } = {}) {
  const randomCountdown = () => 1 + Math.floor(Math.random() * 10);
  let countdown = randomCountdown();
  let timer = null;
  const tick = () => {
    const time = new Date().toISOString();
    let chunk = `event: ping\ndata: {"time": "${time}"}\n\n`;
    if (--countdown === 0) {
      chunk += `data: This is a message at time ${time}\n\n`;
      countdown = randomCountdown();
    }
    write(chunk);
    timer = setTimeout(tick, intervalMs);
  };
  tick();
  return () => clearTimeout(timer);
}
