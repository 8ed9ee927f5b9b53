// The native parser's time per event on the workloads the Node benchmark shares with it, read
// from the Google Benchmark program (build/release/sse_bench, built by `npm test`), for the
// target "the module alone within 2× of the native parser": null when it is not built.
//
// On the 2-vCPU virtual machines of bench/RESULTS.md one vCPU at a time often runs at half speed
// for minutes (sse_bench pinned to each in turn: 12.2 against 5.5 ns per tiny event), so a
// figure from one process can be twice the parser's time. The program runs once pinned to each
// CPU (`taskset`, where there is one), and each workload keeps its fastest median: the native
// side of the target is what the parser does, not what a slow moment made of it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { median } from './timing.mjs';

// bench/native/parser_bench.cpp's workload numbers.
const NATIVE_WORKLOADS = { tiny: 0, llm_tokens: 1, multi_line_100: 2, line_8MiB: 3 };

/** { workload: ns per event } of the native parser fed 64 KiB chunks: the median of
 *  `repetitions`, the fastest over the CPUs. */
export function nativeNsPerEvent(root, workloads, repetitions = 5) {
  const program = join(root, 'build', 'release', 'sse_bench');
  if (!existsSync(program)) return null;
  const numbers = workloads.map((name) => NATIVE_WORKLOADS[name]).filter((n) => n !== undefined);
  if (numbers.length === 0) return {}; // (no 64 KiB chunking ran: a filter of nothing fails)
  const args = [`--benchmark_filter=^Parse/(${numbers.join('|')})/65536/`, `--benchmark_repetitions=${repetitions}`, '--benchmark_format=json'];
  const run = (file, rest) => execFileSync(file, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // Pinned where it can be (a run that fails, on a CPU numbered otherwise say, is skipped), else
  // once unpinned.
  const pinned = pinnedLaunches(program, args).flatMap(([file, ...rest]) => {
    try {
      return [run(file, rest)];
    } catch {
      return [];
    }
  });
  const outputs = pinned.length !== 0 ? pinned : [run(program, args)];
  const result = {};
  for (const out of outputs) {
    const { benchmarks } = JSON.parse(out);
    for (const [name, number] of Object.entries(NATIVE_WORKLOADS)) {
      const rates = benchmarks
        .filter((b) => b.run_type === 'iteration' && b.name.startsWith(`Parse/${number}/65536/`))
        .map((b) => b['events/s']);
      if (rates.length !== 0) result[name] = Math.min(result[name] ?? Infinity, 1e9 / median(rates));
    }
  }
  return result;
}

// The program pinned to each CPU in turn (none without taskset).
function pinnedLaunches(program, args) {
  const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));
  if (taskset === undefined) return [];
  return Array.from({ length: availableParallelism() }, (_, cpu) => [taskset, '-c', String(cpu), program, ...args]);
}
