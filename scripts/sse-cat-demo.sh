#!/usr/bin/env bash
# `npm run demo:sse-cat`: the seed demo server's stream parsed live by the native sse-cat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target sse-cat >/dev/null
node demo/seed-stream.mjs "$@" | build/release/sse-cat
