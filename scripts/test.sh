#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, and runs every test: the native suite in a
# release build and again under AddressSanitizer + UndefinedBehaviorSanitizer, the libFuzzer
# targets for 30 s each, then the WebAssembly build with the JS suites in Node and in Chromium,
# Firefox and WebKit (one engine after another), and the harness.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc 2>/dev/null || echo 2)
build_and_test() {
  local dir=$1
  shift
  echo "== native tests: $dir"
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

build_and_test build/release -DCMAKE_BUILD_TYPE=Release -DSSE_BUILD_BENCHMARKS=ON
build_and_test build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSE_SANITIZE=ON -DSSE_BUILD_BENCHMARKS=OFF
echo "== fuzzing: the libFuzzer targets of fuzz/, 30 s each"
bash scripts/fuzz.sh 30

echo "== WebAssembly build and JS bundles"
node scripts/build.mjs
echo "== the package: npm pack's tarball through publint, attw, a TypeScript matrix and bundlers"
node --test tests/package/
echo "== JS tests in Node"
node --test --test-concurrency=2 tests/js/
if compgen -G "tests/browser/*.test.mjs" >/dev/null; then
  echo "== browser tests in Chromium, Firefox and WebKit"
  node --test --test-concurrency=1 tests/browser/
fi
echo "== harness: scenario server, conformance against each engine's own EventSource, endpoint checker"
node --test --test-concurrency=1 tests/harness/
