// The `cold` section of `npm run bench`: from nothing to the first parsed event, as a serverless
// or edge function pays it on every cold start. Node: a fresh process per trial (this file run
// as a child: `node cold-start.mjs <ours|eventsource-parser> <dist/index.mjs>` prints the times
// of import, the first createParser and its first feed). workerd: a fresh Miniflare per trial,
// timed from the first request sent to its response (module evaluation, the parser's
// instantiation and the first event all happen in it); the worker bundled as wrangler bundles.
// Contenders alternate trial by trial; medians.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { median } from './timing.mjs';

const EVENT = 'data: hello\n\n';

if (process.argv[2] === 'ours' || process.argv[2] === 'eventsource-parser') {
  const [which, distIndex] = process.argv.slice(2);
  const start = performance.now();
  const { createParser } = await import(which === 'ours' ? pathToFileURL(distIndex).href : 'eventsource-parser');
  const imported = performance.now();
  let data = null;
  const parser = createParser({ onEvent: (event) => (data ??= event.data) });
  const created = performance.now();
  const bytes = new TextEncoder().encode(EVENT);
  parser.feed(which === 'ours' ? bytes : new TextDecoder().decode(bytes)); // (as each is fed from fetch)
  const fed = performance.now();
  if (data !== 'hello') throw new Error(`cold-start.mjs: ${which} gave ${data}`);
  console.log(JSON.stringify({ importMs: imported - start, createMs: created - imported, feedMs: fed - created, totalMs: fed - start }));
}

/** Node: medians of `trials` fresh processes each; { ours, eventsource-parser } of { importMs, … },
 *  and `difference`, the median of the trials' differences in total. */
export function measureNodeColdStart(distIndex, trials) {
  const samples = { ours: [], 'eventsource-parser': [] };
  for (let i = 0; i < trials; i++) {
    for (const which of Object.keys(samples)) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), which, distIndex], { encoding: 'utf8' });
      samples[which].push(JSON.parse(out));
    }
  }
  const medians = (rows) => Object.fromEntries(Object.keys(rows[0]).map((key) => [key, median(rows.map((row) => row[key]))]));
  const difference = median(samples.ours.map((row, i) => row.totalMs - samples['eventsource-parser'][i].totalMs)); // (as workerd's)
  return { ...Object.fromEntries(Object.entries(samples).map(([which, rows]) => [which, medians(rows)])), difference };
}

/** workerd: medians of `trials` fresh Miniflares each; { ours, eventsource-parser, difference } in ms. */
export async function measureWorkerdColdStart(trials) {
  const { bundleWorker, startWorker, repoRoot } = await import('../../tests/workerd/workerd.mjs');
  const worker = (from) => ({
    contents:
      `import { createParser } from '${from}';\n` +
      'export default { async fetch() {\n' +
      '  let data = null;\n' +
      '  const parser = createParser({ onEvent: (event) => (data ??= event.data) });\n' +
      `  const bytes = new TextEncoder().encode(${JSON.stringify(EVENT)});\n` +
      `  parser.feed(${from === 'eventsource-parser' ? 'new TextDecoder().decode(bytes)' : 'bytes'});\n` +
      '  return new Response(data);\n' +
      '} };\n',
    resolveDir: repoRoot,
  });
  const bundles = { ours: await bundleWorker(worker('wasm-eventsource')), 'eventsource-parser': await bundleWorker(worker('eventsource-parser')) };
  const samples = { ours: [], 'eventsource-parser': [] };
  for (let i = 0; i < trials; i++) {
    for (const [which, bundle] of Object.entries(bundles)) {
      const mf = await startWorker(bundle);
      try {
        const start = performance.now();
        const text = await (await mf.dispatchFetch('http://worker/')).text();
        samples[which].push(performance.now() - start);
        if (text !== 'hello') throw new Error(`cold-start.mjs: the ${which} worker answered ${text}`);
      } finally {
        await mf.dispose();
      }
    }
  }
  // (Each trial starts both workers one after the other: the median of their differences trial by
  // trial follows the host's drift, which the difference of the two medians does not.)
  const difference = median(samples.ours.map((ms, i) => ms - samples['eventsource-parser'][i]));
  return { ...Object.fromEntries(Object.entries(samples).map(([which, values]) => [which, median(values)])), difference };
}
