#!/usr/bin/env bash
# Installs what the build and tests need and the machine lacks: Debian packages through apt-get
# (when root), npm packages through `npm ci`. Safe to run again: it only acts on what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
for package in libgtest-dev libbenchmark-dev; do
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

# npm dependencies, once package-lock.json lists any.
if grep -q '"node_modules/' package-lock.json 2>/dev/null && [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi
