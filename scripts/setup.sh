#!/usr/bin/env bash
# Installs what the build and tests need and the machine lacks: Debian packages through apt-get
# (when root), npm packages through `npm ci`. Safe to run again: it only acts on what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v emcc >/dev/null || missing+=(emscripten)   # the WebAssembly build
command -v chromium >/dev/null || missing+=(chromium) # the browser tests, in Chromium,
command -v firefox-esr >/dev/null || missing+=(firefox-esr) # in Firefox
command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver) # and in WebKit (MiniBrowser),
command -v Xvfb >/dev/null || missing+=(xvfb) # which needs an X display
command -v xauth >/dev/null || missing+=(xauth)
command -v clang++-14 >/dev/null || missing+=(clang-14) # the fuzz targets (scripts/fuzz.sh)
command -v openssl >/dev/null || missing+=(openssl)   # the HTTP/2 test's certificate
[[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || missing+=(nginx-light) # the checker's proxy tests
for package in libgtest-dev libbenchmark-dev libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm dependencies (esbuild; the browser drivers playwright-core, puppeteer-core and
# selenium-webdriver; the runtimes the tests use: deno, bun, miniflare with its workerd,
# hermes-engine-cli, Babel): installed when missing or older than the lockfile. No driver may
# download a browser of its own: the tests use Debian's.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
