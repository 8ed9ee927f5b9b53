#!/usr/bin/env bash
# `npm run fuzz [-- SECONDS]`: builds the libFuzzer targets of fuzz/ with clang 14 under
# AddressSanitizer + UndefinedBehaviorSanitizer in build/fuzz, writes their seed corpus from
# tests/vectors (fuzz/seed-corpus.mjs), and runs each target for SECONDS (default 60) on a fresh
# working copy of its seeds in build/fuzz/work/<target>. Prints the executions per target; exits
# non-zero when a target crashed (its reproducer is in build/fuzz/artifacts/<target>/).
#
# SSE_FUZZ_MAX_LEN (default 1024) bounds the input size: longer inputs find nothing the corpus
# tests miss and slow every execution down (the seeds longer than that are truncated).
# SSE_FUZZ_RUNS=N runs each target for N executions instead of a time (the README's long runs).
# Then the EventSource fuzzer (fuzz/event-source/cli.mjs) for as long, on the built package.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [seconds-per-target]" >&2
  exit 2
fi
max_len=${SSE_FUZZ_MAX_LEN:-1024}
limit=(-max_total_time="$seconds")
budget="${seconds}s"
if [[ -n ${SSE_FUZZ_RUNS:-} ]]; then
  limit=(-runs="$SSE_FUZZ_RUNS")
  budget="$SSE_FUZZ_RUNS executions"
fi
targets=(parser_fuzz sse_cat_json_fuzz)
build=build/fuzz

# clang 14 and its libFuzzer runtime are among what setup.sh installs when missing.
bash scripts/setup.sh

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug -DSSE_BUILD_FUZZERS=ON \
  -DSSE_BUILD_TESTS=OFF -DSSE_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}"
node fuzz/seed-corpus.mjs "$build/corpus"

failed=()
for target in "${targets[@]}"; do
  work=$build/work/$target
  artifacts=$build/artifacts/$target
  log=$build/$target.log
  rm -rf "$work"
  mkdir -p "$work" "$artifacts"
  cp -R "$build/corpus/$target/." "$work/"
  echo "== fuzz: $target, $budget, inputs up to $max_len bytes (log $log)"
  status=0
  "$build/$target" "${limit[@]}" -print_final_stats=1 -max_len="$max_len" -timeout=30 \
    -dict=fuzz/sse.dict -artifact_prefix="$artifacts/" "$work" >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "$target: ${executions:-?} executions, ${per_second:-?} exec/s"
  if ((status != 0)); then
    failed+=("$target")
    echo "fuzz: $target FAILED (exit $status); the end of $log:" >&2
    tail -n 60 "$log" >&2
    echo "fuzz: reproduce with $build/$target <the crash file named above>" >&2
  fi
done

# The EventSource's state machine against a scripted network on a fake clock (fuzz/event-source),
# on the built package. SSE_FUZZ_JS_SECONDS overrides its time; SSE_FUZZ_RUNS gives it runs.
# (npm test runs it later, after its own build: SSE_FUZZ_JS_SECONDS=0 here.)
if [[ ${SSE_FUZZ_JS_SECONDS:-} != 0 ]]; then
  echo "== fuzz: the EventSource (fuzz/event-source)"
  [[ -f dist/index.mjs ]] || node scripts/build.mjs >/dev/null
  js_limit=(--seconds "${SSE_FUZZ_JS_SECONDS:-$seconds}")
  [[ -n ${SSE_FUZZ_RUNS:-} ]] && js_limit=(--runs "$SSE_FUZZ_RUNS")
  node fuzz/event-source/cli.mjs "${js_limit[@]}" || failed+=(event-source)
fi

if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
