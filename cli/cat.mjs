// `wasm-eventsource cat [--chunk N] [--max-buffered-bytes N] [--comments] [FILE]`: an event
// stream in (FILE or stdin), JSON lines out, on the WebAssembly parser — what the native sse-cat
// prints: {"type","data","lastEventId"} per event, {"retry":N} per accepted retry and, with
// --comments, {"comment":…}. Output is written after every read, so `curl -N URL | … cat` shows
// events as they come. The buffer limit prints the reason on stderr and exits 1; an unreadable
// input or a bad option exits 2.
import { createReadStream } from 'node:fs';

export const USAGE = 'usage: wasm-eventsource cat [--chunk N] [--max-buffered-bytes N] [--comments] [FILE]';

class UsageError extends Error {}

function parseArgs(argv) {
  const options = { chunk: 0, maxBufferedBytes: undefined, comments: false, path: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--chunk' || arg === '--max-buffered-bytes') {
      const value = Number(argv[++i]);
      if (!(Number.isInteger(value) && value > 0)) throw new UsageError(`${arg}: expected a positive number`);
      if (arg === '--chunk') options.chunk = value;
      else options.maxBufferedBytes = value;
    } else if (arg === '--comments') options.comments = true;
    else if (arg === '-h' || arg === '--help') options.help = true;
    else if (arg.length > 1 && arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (options.path !== null) throw new UsageError('more than one input');
    else options.path = arg;
  }
  return options;
}

const write = (stream, text) => new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));

export async function main(argv, { stdin = process.stdin, stdout = process.stdout, stderr = process.stderr } = {}) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    await write(stderr, `cat: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    await write(stdout, `${USAGE}\nPrints the events of a text/event-stream as JSON lines, parsed by the WebAssembly parser.\n`);
    return 0;
  }
  const { createParser } = await import('../dist/index.mjs');
  let out = '';
  let lastEventId = '';
  let limit = null;
  const parser = createParser({
    maxBufferSize: options.maxBufferedBytes,
    onEvent: ({ event, data }) => (out += `${JSON.stringify({ type: event ?? 'message', data, lastEventId })}\n`),
    onId: (id) => (lastEventId = id),
    onRetry: (retry) => (out += `${JSON.stringify({ retry })}\n`),
    onComment: options.comments ? (comment) => (out += `${JSON.stringify({ comment })}\n`) : undefined,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') limit ??= error.message;
    },
  });
  const input = options.path === null || options.path === '-' ? stdin : createReadStream(options.path);
  try {
    for await (const bytes of input) {
      const step = options.chunk || bytes.length;
      for (let at = 0; at < bytes.length && limit === null; at += step) parser.feed(bytes.subarray(at, at + step));
      if (out) await write(stdout, out);
      out = '';
      if (limit !== null) {
        await write(stderr, `cat: ${limit}\n`);
        return 1;
      }
    }
  } catch (error) {
    await write(stderr, `cat: cannot read ${options.path ?? 'stdin'}: ${error.message}\n`);
    return 2;
  } finally {
    parser.reset(); // end of stream: an unterminated event is discarded
    parser.dispose?.();
  }
  return 0;
}
