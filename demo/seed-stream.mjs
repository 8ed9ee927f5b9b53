// The seed demo server's event stream on stdout, for `npm run demo:sse-cat` (piped into
// sse-cat). Stops after --seconds N (default 12) or when stdout closes.
import { startSeedEvents } from './seed-events.mjs';

const at = process.argv.indexOf('--seconds');
const seconds = at > 0 ? Number(process.argv[at + 1]) : 12;
if (!Number.isInteger(seconds) || seconds <= 0) {
  console.error('seed-stream: --seconds takes a positive whole number');
  process.exit(2);
}
process.stdout.on('error', () => process.exit(0)); // the reader went away
const stop = startSeedEvents((chunk) => process.stdout.write(chunk));
setTimeout(stop, seconds * 1000 - 500);
