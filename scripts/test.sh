#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, and runs every test: the native suite in a
# release build and again under AddressSanitizer + UndefinedBehaviorSanitizer, the C++ library
# built into consumer projects (tests/cmake/), the libFuzzer targets for 30 s each, then the
# WebAssembly build with the JS suites in Node and in Chromium, Firefox and WebKit (one engine
# after another), the other runtimes (workerd, Hermes, Deno, Bun), and the harness.
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
echo "== the C++ library in a consumer project: the README's snippet through find_package, add_subdirectory and FetchContent"
node --test tests/cmake/
echo "== fuzzing: the libFuzzer targets of fuzz/, 30 s each"
SSE_FUZZ_JS_SECONDS=0 bash scripts/fuzz.sh 30

echo "== WebAssembly build and JS bundles"
node scripts/build.mjs
echo "== the package: npm pack's tarball through publint, attw, a TypeScript matrix and bundlers"
node --test tests/package/
echo "== fuzzing: the EventSource against a scripted network, 10 s"
node fuzz/event-source/cli.mjs --seconds 10
echo "== JS tests in Node"
node --test --test-concurrency=2 tests/js/
if compgen -G "tests/browser/*.test.mjs" >/dev/null; then
  echo "== browser tests in Chromium, Firefox and WebKit"
  node --test --test-concurrency=1 tests/browser/
fi
echo "== workerd (miniflare): the corpus and an EventSource in a Worker, the module imported as a .wasm file"
node --test --test-concurrency=1 tests/workerd/
echo "== Hermes: the corpus through the build without WebAssembly, bundled and lowered to ES5"
node --test --test-concurrency=1 tests/hermes/
# The Node test files under Deno and Bun, less the two that measure Node's own process (heap and
# RSS of node --expose-gc children): tests/js/leaks.test.mjs and tests/js/load.test.mjs.
runtime_tests=()
for file in tests/js/*.test.mjs; do
  case $file in tests/js/leaks.test.mjs | tests/js/load.test.mjs) ;; *) runtime_tests+=("./$file") ;; esac
done
echo "== Deno: the Node JS tests, its MessageEvent, and the harness's scenarios against Deno's own EventSource"
DENO_NO_UPDATE_CHECK=1 NO_COLOR=1 node_modules/.bin/deno test --allow-all --no-check "${runtime_tests[@]}" tests/deno/message-event.test.mjs
node --test tests/deno/conformance.test.mjs
echo "== Bun: the Node JS tests"
NO_COLOR=1 node_modules/.bin/bun test --timeout 120000 "${runtime_tests[@]}"
echo "== harness: scenario server, conformance against each engine's own EventSource, endpoint checker"
node --test --test-concurrency=1 tests/harness/
