#!/usr/bin/env node
// The conformance command line: every scenario in one engine or all of them, each against that
// engine's own EventSource; prints the agreement table and writes the JSON and HTML reports (and,
// with several engines, the cross-engine report).
//
//   node harness/run.mjs [--engine chromium|firefox|webkit|all] [--scenarios DIR] [--impl native]
//                        [--impl polyfill] [--impl npm:<package>] [--impl script:<url>#<Global>]
//                        [--only a,b] [--jobs N] [--retries N] [--json FILE] [--html FILE]
//                        [--known FILE] [--require-agreement polyfill]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { missingEngine, parseEngines } from './engines/index.mjs';
import { crossEngineHtml, crossEngineSummary, htmlReport, MARK } from './report.mjs';
import { defaultKnownDifferences, defaultScenariosDir, parseImpl, repoRoot, runConformance } from './runner.mjs';

// What the tests and other tools import from here.
export { defaultKnownDifferences, defaultScenariosDir, parseImpl, repoRoot, runConformance } from './runner.mjs';
export { alignLists, delayBucket, diffTraces, requestDelay, requestTrace } from './trace-diff.mjs';
export { formatTable, htmlReport } from './report.mjs';


function parseArgs(argv) {
  const options = { impls: [], only: undefined, require: [], engine: 'chromium' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--engine') options.engine = value();
    else if (arg === '--scenarios') options.scenarios = value();
    else if (arg === '--impl') options.impls.push(value());
    else if (arg === '--only') options.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--json') options.json = value();
    else if (arg === '--html') options.html = value();
    else if (arg === '--out') options.out = value();
    else if (arg === '--known') options.known = value();
    else if (arg === '--jobs') options.jobs = Number(value());
    else if (arg === '--retries') options.retries = Number(value());
    else if (arg === '--require-agreement') options.require.push(value());
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.jobs !== undefined && !(Number.isInteger(options.jobs) && options.jobs > 0)) throw new Error('--jobs: a positive integer');
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) throw new Error('--retries: an integer ≥ 0');
  options.engines = parseEngines(options.engine);
  return options;
}

export const USAGE = `usage: conformance [--engine chromium|firefox|webkit|all] [--impl native|polyfill|npm:<package>|script:<url>#<Global>]...
                   [--scenarios DIR] [--only name,name] [--jobs N] [--retries N] [--known FILE] [--out DIR]
                   [--json FILE] [--html FILE] [--require-agreement <impl>]
Each implementation runs in each engine against that engine's own EventSource.
defaults: --engine chromium --impl native --impl polyfill; reports in --out (build/conformance):
report-<engine>.json and .html per engine, and with several engines cross-engine.json and .html`;

const writeJson = async (file, data) => {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, JSON.stringify(data, null, 1));
};
const writeText = async (file, text) => {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
};
const shown = (file) => path.relative(process.cwd(), file) || file;

/** The CLI; `defaults` lets the installed package's CLI put its reports elsewhere. */
export async function main(argv, { outDir = path.join(repoRoot, 'build', 'conformance'), known = defaultKnownDifferences, defaultImpls = ['native', 'polyfill'] } = {}) {
  const options = parseArgs(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const impls = options.impls.length ? options.impls : defaultImpls;
  for (const spec of impls) parseImpl(spec);
  for (const id of options.require) if (!impls.includes(id)) throw new Error(`--require-agreement ${id}: not among the implementations run`);
  const out = options.out ?? outDir;
  const reports = [];
  let failed = false;
  for (const engine of options.engines) {
    const problem = await missingEngine(engine);
    if (problem) {
      console.log(`${engine}: skipped: ${problem}`);
      failed = true;
      continue;
    }
    let done = 0;
    const report = await runConformance({
      engine,
      scenarios: options.scenarios ?? defaultScenariosDir,
      impls,
      only: options.only,
      known: options.known ?? known,
      jobs: options.jobs,
      retries: options.retries,
      onResult: (results) => {
        done++;
        const marks = results.filter((r) => r.impl !== 'native').map((r) => `${r.impl} ${MARK[r.status]}`).join('  ');
        process.stderr.write(`[${engine} ${done}] ${results[0].scenario}: ${marks}\n`);
      },
    });
    reports.push(report);
    console.log(`\n== ${engine}: each implementation against ${engine}'s own EventSource`);
    console.log(report.table);
    console.log(`${new Set(report.results.map((r) => r.scenario)).size} scenarios × ${report.impls.length} implementations in ${(report.elapsed / 1000).toFixed(1)} s`);
    for (const r of report.results) {
      if (r.status === 'error') console.log(`harness error: ${r.scenario} / ${r.impl}: ${r.error}`);
      if (r.status === 'stale') console.log(`stale known difference: ${engine} / ${r.scenario} / ${r.impl} now agrees with native`);
    }
    const single = options.engines.length === 1;
    const jsonFile = (single && options.json) || path.join(out, `report-${engine}.json`);
    const htmlFile = (single && options.html) || path.join(out, `report-${engine}.html`);
    await writeJson(jsonFile, {
      generated: new Date().toISOString(),
      engine,
      impls: report.impls,
      elapsedMs: Math.round(report.elapsed),
      results: report.results.map(({ native, ...r }) => (r.impl === 'native' ? r : { ...r, native })),
    });
    await writeText(htmlFile, htmlReport(report));
    console.log(`reports: ${shown(jsonFile)}, ${shown(htmlFile)}`);
    for (const id of options.require) {
      const bad = report.results.filter((r) => r.impl === id && (r.status === 'differ' || r.status === 'error'));
      if (bad.length) {
        failed = true;
        console.log(`${engine}: ${id} differs from native on: ${bad.map((r) => r.scenario).join(', ')}`);
      }
    }
  }
  if (reports.length > 1) {
    const cross = crossEngineSummary(reports);
    await writeJson(path.join(out, 'cross-engine.json'), cross);
    await writeText(path.join(out, 'cross-engine.html'), crossEngineHtml(cross));
    const split = cross.scenarios.filter((row) => row.groups.length > 1);
    console.log(`\n== across engines: the native EventSources disagree on ${split.length} of ${cross.scenarios.length} scenarios`);
    for (const row of split) console.log(`  ${row.scenario}: ${row.groups.map((g) => g.join('=')).join(' ≠ ')}`);
    console.log(`reports: ${shown(path.join(out, 'cross-engine.json'))}, ${shown(path.join(out, 'cross-engine.html'))}`);
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(2);
    },
  );
}
