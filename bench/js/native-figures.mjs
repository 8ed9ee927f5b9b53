// The native parser's time per event on the workloads the Node benchmark shares with it, read
// from the Google Benchmark program (build/release/sse_bench, built by `npm test`), for the
// target "the module alone within 2× of the native parser": null when it is not built.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { median } from './timing.mjs';

// bench/native/parser_bench.cpp's workload numbers.
const NATIVE_WORKLOADS = { tiny: 0, llm_tokens: 1, multi_line_100: 2, line_8MiB: 3 };

/** { workload: ns per event } of the native parser fed 64 KiB chunks, median of `repetitions`. */
export function nativeNsPerEvent(root, workloads, repetitions = 5) {
  const program = join(root, 'build', 'release', 'sse_bench');
  if (!existsSync(program)) return null;
  const numbers = workloads.map((name) => NATIVE_WORKLOADS[name]).filter((n) => n !== undefined);
  const out = execFileSync(
    program,
    [`--benchmark_filter=^Parse/(${numbers.join('|')})/65536/`, `--benchmark_repetitions=${repetitions}`, '--benchmark_format=json'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const result = {};
  for (const [name, number] of Object.entries(NATIVE_WORKLOADS)) {
    const rates = JSON.parse(out)
      .benchmarks.filter((b) => b.run_type === 'iteration' && b.name.startsWith(`Parse/${number}/65536/`))
      .map((b) => b['events/s']);
    if (rates.length !== 0) result[name] = 1e9 / median(rates);
  }
  return result;
}
