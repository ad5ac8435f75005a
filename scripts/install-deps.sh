#!/usr/bin/env bash
# Installs the Debian packages Thorbecke needs to build, run and test, only those still missing, and then the
# npm tools and assets pinned in package-lock.json (newman, Spectral, the API documentation viewer, NL Design
# System CSS, Playwright's driver and axe-core) into node_modules/. The browser tests drive Debian's Chromium.
# Usage: scripts/install-deps.sh [build|test|bench]  (test and bench include build)
set -euo pipefail
what="${1:-build}"

build_pkgs=(g++ cmake ninja-build ccache make pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libssl-dev libfmt-dev libexpected-dev libgeos-dev libargon2-dev
  libkainjow-mustache-dev)
test_pkgs=(libgtest-dev postgresql-15 postgresql-15-postgis-3 postgresql-15-postgis-3-scripts clang-format
  python3 python3-pytest python3-requests python3-yaml python3-jsonschema chromium)
bench_pkgs=(wrk curl)

pkgs=("${build_pkgs[@]}")
case "$what" in
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  build) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

# Node.js and npm: the machine's own when it has them, Debian's otherwise.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "thorbecke: installing missing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm tools, reinstalled only when package-lock.json changed since the last install.
cd "$(dirname "$0")/.."
stamp=node_modules/.thorbecke-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "thorbecke: installing npm tools (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json "$stamp"
fi
