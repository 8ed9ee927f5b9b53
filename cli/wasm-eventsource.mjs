#!/usr/bin/env node
// The package's command line: the harness and the parser for users, without a clone.
//   wasm-eventsource check URL [options]            the endpoint checker (harness/check.mjs)
//   wasm-eventsource conformance [--engine …] [--impl npm:PKG|script:URL#Global|script:FILE#Global]
//                                                   implementations against each engine's own EventSource
//   wasm-eventsource cat [--chunk N] [FILE]          event stream in, JSON lines out (cli/cat.mjs)
import path from 'node:path';

const USAGE = `usage: wasm-eventsource <command> [options]

commands:
  check URL [options]        checks an SSE endpoint as a browser's EventSource would see it
  conformance [options]      runs the harness's scenarios in Chromium, Firefox or WebKit: each
                             implementation against that engine's own EventSource
  cat [--chunk N] [FILE]     an event stream in, JSON lines out, on the WebAssembly parser

wasm-eventsource <command> --help tells more.`;

async function run(command, argv) {
  if (command === 'check') return (await import('../harness/check.mjs')).main(argv);
  if (command === 'cat') return (await import('./cat.mjs')).main(argv);
  if (command === 'conformance') {
    const { main } = await import('../harness/run.mjs');
    // Reports go to the user's directory; without --impl the polyfill is measured.
    return main(argv, { outDir: path.join(process.cwd(), 'wasm-eventsource-conformance') });
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  console.error(`wasm-eventsource: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

const [command, ...argv] = process.argv.slice(2);
run(command, argv).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`wasm-eventsource ${command}: ${error.message}`);
    process.exit(2);
  },
);
