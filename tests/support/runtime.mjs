// Which runtime runs the Node test files: they also run under Deno and Bun (scripts/test.sh).
// A test that holds only where the runtime itself behaves as Node does (its fetch, its node:http
// server, its CLI) takes `skip: skipIn({ deno: 'why', bun: 'why' })`, which node:test, Deno and
// Bun all honour; every reason is listed in docs/compatibility.md, "Runtimes".
export const runtime = typeof globalThis.Deno === 'object' ? 'deno' : typeof globalThis.Bun === 'object' ? 'bun' : 'node';

/** node:test's `skip` option: this runtime's reason, or false. */
export const skipIn = (reasons) => reasons[runtime] ?? false;
