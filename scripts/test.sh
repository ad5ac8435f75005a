#!/usr/bin/env bash
# Builds the sanitizer tree and runs every suite: unit tests, then the API tests over HTTP against the
# real binary on SQLite and on a private PostgreSQL that this script starts and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format check (clang-format)"
make --no-print-directory format-check

echo "== build (ASan + UBSan)"
cmake --preset asan >/dev/null
cmake --build --preset asan

pgdir=$(mktemp -d /tmp/thorbecke-pg.XXXXXX)
cleanup() { scripts/pg-test-server.sh stop "$pgdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
echo "== private PostgreSQL for the tests"
scripts/pg-test-server.sh start "$pgdir"
export THORBECKE_TEST_PG_URL="$(scripts/pg-test-server.sh url "$pgdir")"

echo "== tests"
ctest --preset asan
