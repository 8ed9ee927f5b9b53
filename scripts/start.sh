#!/usr/bin/env bash
# `npm start`: installs what is missing, builds dist/, and serves the seed document's demo
# (demo/server.mjs) with the browser's own EventSource and the polyfill side by side.
# Options go to the server: npm start -- --port 9000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs >/dev/null
exec node demo/server.mjs "$@"
