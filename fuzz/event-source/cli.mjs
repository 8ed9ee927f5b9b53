// `node fuzz/event-source/cli.mjs [--seconds N | --runs N] [--seed S]`: model-based fuzzing of
// the EventSource (dist/index.mjs) against a scripted network on a fake clock (run.mjs). Each
// seed is one scenario; a failing one is shrunk to a smaller scenario that still fails, and both
// are printed with the seed. Exits 1 on a failure.
import { parseArgs } from 'node:util';

import { FakeClock } from './clock.mjs';
import { ListenerError, runScenario } from './run.mjs';
import { random, scenarioOf, shrinkings } from './scenario.mjs';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' } },
});
const clock = new FakeClock();
clock.install();
const { EventSource } = await import('../../dist/index.mjs');

// Microtasks run to completion before a macrotask: one setImmediate drains them.
const flush = () => new Promise((resolve) => setImmediate(resolve));

// What must never happen anywhere in a run: a promise of the package left rejected and
// unhandled, or an error that is not a scripted listener's.
const stray = [];
process.on('unhandledRejection', (reason) => stray.push(`unhandled rejection: ${reason?.stack ?? reason}`));
process.on('uncaughtException', (error) => {
  if (!(error instanceof ListenerError)) stray.push(`uncaught exception: ${error?.stack ?? error}`);
});

async function run(scenario) {
  Math.random = random(scenario.randomSeed).next; // the policy's jitter, reproducibly
  stray.length = 0;
  const violation = await runScenario({ EventSource, clock, flush }, scenario);
  await flush();
  return violation ?? stray[0] ?? null;
}

async function shrink(scenario, violation) {
  let smallest = scenario;
  let message = violation;
  for (let progress = true; progress; ) {
    progress = false;
    for (const candidate of shrinkings(smallest)) {
      const again = await run(candidate);
      if (again !== null) {
        smallest = candidate;
        message = again;
        progress = true;
        break;
      }
    }
  }
  return { smallest, message };
}

const firstSeed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(args.seed);
const deadline = args.seconds === undefined ? Infinity : performance.now() + Number(args.seconds) * 1000;
const maxRuns = args.runs === undefined ? (args.seconds === undefined ? 1000 : Infinity) : Number(args.runs);
const started = performance.now();
let runs = 0;
for (let seed = firstSeed; runs < maxRuns && performance.now() < deadline; seed = (seed + 1) >>> 0, runs++) {
  const scenario = scenarioOf(seed);
  const violation = await run(scenario);
  if (violation !== null) {
    console.error(`event-source fuzz: seed ${seed} failed after ${runs} runs: ${violation}`);
    const { smallest, message } = await shrink(scenario, violation);
    console.error(`shrunk: ${message}\n${JSON.stringify(smallest, null, 1)}`);
    console.error(`reproduce: node fuzz/event-source/cli.mjs --seed ${seed} --runs 1`);
    process.exit(1);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`event-source fuzz: ${runs} scenarios from seed ${firstSeed}, clean (${seconds.toFixed(1)} s, ${(runs / seconds).toFixed(0)}/s)`);
