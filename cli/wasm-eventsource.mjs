#!/usr/bin/env node
// The package's command line: the parser for users, without a clone, and the harness's commands
// when the package wasm-eventsource-harness is installed beside this one.
//   wasm-eventsource check URL [options]            the endpoint checker (wasm-eventsource-harness)
//   wasm-eventsource conformance [--engine …] [--impl npm:PKG|script:URL#Global|script:FILE#Global]
//                                                   implementations against each engine's own
//                                                   EventSource (wasm-eventsource-harness)
//   wasm-eventsource cat [--chunk N] [FILE]          event stream in, JSON lines out (cli/cat.mjs)
import path from 'node:path';

const HARNESS = 'wasm-eventsource-harness';

const USAGE = `usage: wasm-eventsource <command> [options]

commands:
  check URL [options]        checks an SSE endpoint as a browser's EventSource would see it
  conformance [options]      runs the harness's scenarios in Chromium, Firefox or WebKit: each
                             implementation against that engine's own EventSource
  cat [--chunk N] [FILE]     an event stream in, JSON lines out, on the WebAssembly parser

wasm-eventsource <command> --help tells more. check and conformance are in the package
${HARNESS}: npm install --save-dev ${HARNESS}`;

class MissingHarness extends Error {}

/** The harness's module `entry`, or MissingHarness when the package is not installed. */
async function harness(entry) {
  try {
    return await import(entry === '.' ? HARNESS : `${HARNESS}/${entry}`);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes(`'${HARNESS}'`)) throw new MissingHarness();
    throw error;
  }
}

async function run(command, argv) {
  if (command === 'check') return (await harness('check')).main(argv);
  if (command === 'cat') return (await import('./cat.mjs')).main(argv);
  if (command === 'conformance') {
    const { main } = await harness('.');
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
    if (error instanceof MissingHarness) {
      console.error(`wasm-eventsource ${command}: this command is in the package ${HARNESS}: npm install --save-dev ${HARNESS}` +
        ` (or, without installing: npx -p wasm-eventsource -p ${HARNESS} wasm-eventsource ${command} …)`);
    } else {
      console.error(`wasm-eventsource ${command}: ${error.message}`);
    }
    process.exit(2);
  },
);
