// The event stream of the seed document's demo server ("Using server-sent events"), written to
// stdout: an `event: ping` every second with the time as JSON, and a plain message at random
// intervals of 1–10 pings. Stops after --seconds N (default 12) or when stdout closes.
const secondsArgument = process.argv.indexOf('--seconds');
const seconds = secondsArgument > 0 ? Number(process.argv[secondsArgument + 1]) : 12;
if (!Number.isInteger(seconds) || seconds <= 0) {
  console.error('seed-stream: --seconds takes a positive whole number');
  process.exit(2);
}

const randomCountdown = () => 1 + Math.floor(Math.random() * 10);
let countdown = randomCountdown();
let sent = 0;

process.stdout.on('error', () => process.exit(0)); // the reader went away

function tick() {
  const time = new Date().toISOString();
  let chunk = `event: ping\ndata: {"time": "${time}"}\n\n`;
  if (--countdown === 0) {
    chunk += `data: This is a message at time ${time}\n\n`;
    countdown = randomCountdown();
  }
  process.stdout.write(chunk);
  if (++sent < seconds) setTimeout(tick, 1000);
}
tick();
