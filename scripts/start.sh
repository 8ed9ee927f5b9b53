#!/usr/bin/env bash
# `npm start`: until the browser demo exists, this parses the seed demo server's event stream
# live with the native parser: demo/seed-stream.mjs writes it, sse-cat prints each event as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target sse-cat >/dev/null
echo "Demo: the seed server's stream (a ping every second, a message every 1-10 s) parsed live by build/release/sse-cat. Ctrl-C stops it." >&2
node demo/seed-stream.mjs "$@" | build/release/sse-cat
