// Deno's side of tests/deno/conformance.test.mjs: runs the harness page's client
// (harness/page/client.js, unchanged) in Deno for each run of the plan read from stdin —
// Deno's own EventSource as NativeEventSource, the polyfill (dist/index.mjs) as
// WasmEventSource — some at a time, and prints one JSON line per run.
import { EventSource as Polyfill } from '../../dist/index.mjs';

globalThis.window = globalThis; // the client is a page script: it installs window.harness
globalThis.NativeEventSource = globalThis.EventSource;
globalThis.WasmEventSource = Polyfill;
await import('../../harness/page/client.js');

const plan = JSON.parse(new TextDecoder().decode(await new Response(Deno.stdin.readable).arrayBuffer()));
let next = 0;
async function worker() {
  while (next < plan.runs.length) {
    const run = plan.runs[next++];
    const outcome = await window.harness.run(run.options);
    console.log(JSON.stringify({ key: run.key, outcome }));
  }
}
await Promise.all(Array.from({ length: plan.jobs }, worker));
