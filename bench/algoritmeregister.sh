#!/usr/bin/env bash
# shellcheck disable=SC2317  # bench_engine and what it calls run through for_each_engine (bench/lib.sh)
# Thorbecke algorithm register benchmark: part of `make bench` (bench/run.sh runs it with the other suites) and
# runnable on its own. For each engine (SQLite, then PostgreSQL) on a fresh release server it
#   1. makes BENCH_AR_ORGANISATIONS (5) organisations, each with a redacteur and a goedkeurder account and their
#      staff API tokens (`thorbecke accounts add/token`), and seeds BENCH_AR_COUNT (10 000) published
#      registrations through the staff API (create, vrijgeven, publiceren: the real workflow;
#      bench/algoritmeregister_seed.py, BENCH_LOAD_WORKERS threads);
#   2. measures with wrk (warm-up, then a measured run):
#        healthz     GET /healthz                                            static JSON, the ceiling
#        list        GET /algoritmeregister                                  the public list page (HTML, 20 per page)
#        list-zoek   GET /algoritmeregister?zoek=…&status=…&categorie=…      search text and two filters (HTML)
#        api-zoek    GET /algoritmeregister/api/v1/algoritmes?zoek=…         the public search API (JSON)
#        detail      GET /algoritmeregister/algoritmes/{lars}                one algorithm's public page (HTML)
#   3. weighs the list page: its HTML and the stylesheets it links, as sent and as sent with gzip allowed.
# PostgreSQL is the private one of scripts/pg-test-server.sh, restarted with durable commits.
#
# Usage: bench/algoritmeregister.sh [REPORT.md [RAW.log]]
#   (defaults: bench/results/algoritmeregister.md and algoritmeregister.log)
# Knobs (environment), besides those of bench/run.sh (BENCH_ENGINES, BENCH_DURATION, BENCH_WARMUP,
# BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_SERVER_THREADS, BENCH_WRK_CPUS, BENCH_SERVER_CPUS, BENCH_KEEP,
# THORBECKE_BIN, BENCH_PYTHON, BENCH_LOAD_WORKERS, BENCH_PG_ANALYZE):
#   BENCH_AR_COUNT=10000  BENCH_AR_ORGANISATIONS=5  BENCH_PG_DURABLE=1  BENCH_PG_SHARED_BUFFERS=256MB
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${THORBECKE_BIN:-$root/build/release/src/app/thorbecke}"
py="${BENCH_PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py="$(command -v python3)"
engines="${BENCH_ENGINES:-sqlite postgresql}"
count="${BENCH_AR_COUNT:-10000}"
organisations="${BENCH_AR_ORGANISATIONS:-5}"
load_workers="${BENCH_LOAD_WORKERS:-16}"
duration="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-3}"
connections="${BENCH_CONNECTIONS:-64}"
wrk_threads="${BENCH_WRK_THREADS:-2}"
server_threads="${BENCH_SERVER_THREADS:-}"
wrk_cpus="${BENCH_WRK_CPUS:-}"
server_cpus="${BENCH_SERVER_CPUS:-}"
pg_analyze="${BENCH_PG_ANALYZE:-1}"
pg_durable="${BENCH_PG_DURABLE:-1}"
pg_shared_buffers="${BENCH_PG_SHARED_BUFFERS:-256MB}"
report_out="${1:-$root/bench/results/algoritmeregister.md}"
raw_out="${2:-$root/bench/results/algoritmeregister.log}"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require wrk curl timeout gzip
"$py" -c 'import requests' 2>/dev/null || die "$py cannot import requests (apt-get install python3-requests)"
[ "$organisations" -ge 1 ] || die "BENCH_AR_ORGANISATIONS must be at least 1"

bench_setup thorbecke-bench-algoritmeregister
token="" # the public pages and API need none

bench_begin

note() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$meta"; }
json_field() { "$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d[sys.argv[2]])' "$1" "$2"; }
urlencode() { "$py" -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$1"; }

# check URL ACCEPT: one request before the benchmark; fails unless HTTP 200. The body is in $work/check.out.
check() {
  local code
  code="$(curl -s -o "$work/check.out" -w '%{http_code}' --max-time 30 -H "Accept: $2" "$1")"
  [ "$code" = 200 ] || {
    head -c 500 "$work/check.out" >&2
    die "GET $1: HTTP $code"
  }
}

# accounts DB_URL DIR: per organisation a redacteur and a goedkeurder with a staff token; writes $work/orgs.json.
accounts() {
  local db_url="$1" dir="$2" i org red goed
  local entries=()
  for ((i = 1; i <= organisations; i++)); do
    org="Benchmarkgemeente $i"
    printf 'bench-wachtwoord-%s\n' "$i" | "$bin" accounts add "bench-red-$i" --name "Redacteur $i" \
      --organisation "$org" --role redacteur --db "$db_url" --data-dir "$dir" >/dev/null
    printf 'bench-wachtwoord-%s\n' "$i" | "$bin" accounts add "bench-goed-$i" --name "Goedkeurder $i" \
      --organisation "$org" --role goedkeurder --db "$db_url" --data-dir "$dir" >/dev/null
    red="$("$bin" accounts token "bench-red-$i" --label bench --db "$db_url" --data-dir "$dir" | awk 'NF { t = $NF } END { print t }')"
    goed="$("$bin" accounts token "bench-goed-$i" --label bench --db "$db_url" --data-dir "$dir" | awk 'NF { t = $NF } END { print t }')"
    entries+=("{\"organisation\": \"$org\", \"redacteur\": \"$red\", \"goedkeurder\": \"$goed\"}")
  done
  (
    IFS=,
    echo "[${entries[*]}]"
  ) >"$work/orgs.json"
}

# page_weight ENGINE URL: bytes of the list page's HTML and of each stylesheet it links, plain and with gzip allowed.
page_weight() {
  local engine="$1" url="$2" html css_total=0 css_gz_total=0 html_gz href size gz
  html="$(curl -s --max-time 30 -H 'Accept: text/html' "$url" | wc -c)"
  html_gz="$(curl -s --max-time 30 -H 'Accept: text/html' -H 'Accept-Encoding: gzip' "$url" | wc -c)"
  note "$engine" html_bytes "$html"
  note "$engine" html_gzip_bytes "$html_gz"
  curl -s --max-time 30 -H 'Accept: text/html' "$url" >"$work/list.html"
  local n=0
  while read -r href; do
    [ -n "$href" ] || continue
    size="$(curl -s --max-time 30 "$base$href" | wc -c)"
    gz="$(curl -s --max-time 30 -H 'Accept-Encoding: gzip' "$base$href" | wc -c)"
    css_total=$((css_total + size))
    css_gz_total=$((css_gz_total + gz))
    n=$((n + 1))
  done < <(grep -o '<link[^>]*rel="stylesheet"[^>]*>' "$work/list.html" | sed -n 's/.*href="\([^"]*\)".*/\1/p')
  note "$engine" css_files "$n"
  note "$engine" css_bytes "$css_total"
  note "$engine" css_gzip_bytes "$css_gz_total"
  # What gzip would make of it, for comparison when the server does not compress.
  note "$engine" html_gzip9_bytes "$(gzip -9c "$work/list.html" | wc -c)"
}

bench_engine() {
  local engine="$1" db_url port
  local dir="$work/$engine"
  mkdir -p "$dir"
  engine_db "$engine" "$dir"
  accounts "$db_url" "$dir"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  start_server "$engine" "$dir" "$db_url" "$port"
  say "$engine: seeding $count published registrations ($organisations organisations, $load_workers workers)"
  timeout 1800 "$py" "$root/bench/algoritmeregister_seed.py" --base "$base" --organisations "$work/orgs.json" \
    --count "$count" --workers "$load_workers" >"$work/seed.json" || die "$engine: seeding failed"
  local seconds lars search status category
  seconds="$(json_field "$work/seed.json" seconds)"
  lars="$(json_field "$work/seed.json" lars)"
  search="$(json_field "$work/seed.json" search)"
  status="$(json_field "$work/seed.json" filter_status)"
  category="$(json_field "$work/seed.json" filter_category)"
  note "$engine" seed_seconds "$seconds"
  note "$engine" search_matches "$(json_field "$work/seed.json" search_matches)"
  note "$engine" filter_matches "$(json_field "$work/seed.json" filter_matches)"
  say "$engine: seeded in ${seconds}s"
  if [ "$engine" = postgresql ] && [ "$pg_analyze" = 1 ]; then
    local psql="${PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
    [ -x "$psql" ] || psql="psql"
    timeout 300 "$psql" "$db_url" -qAt -c 'VACUUM ANALYZE' || die "$engine: VACUUM ANALYZE failed"
  fi
  note "$engine" hwm_seed_kib "$(status_kib "$server_pid" VmHWM)"

  local list="$base/algoritmeregister" list_zoek api_zoek
  list_zoek="$list?zoek=$(urlencode "$search")&status=$(urlencode "$status")&categorie=$(urlencode "$category")"
  api_zoek="$base/algoritmeregister/api/v1/algoritmes?zoek=$(urlencode "$search")"
  local detail="$base/algoritmeregister/algoritmes/$lars"
  check "$base/healthz" application/json
  check "$list" text/html
  check "$list_zoek" text/html
  note "$engine" list_zoek_results "$(grep -c 'class="thorbecke-result"' "$work/check.out" || true)"
  check "$api_zoek" application/json
  note "$engine" api_zoek_count "$("$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d.get("count", len(d.get("results", []))))' "$work/check.out")"
  check "$detail" text/html
  page_weight "$engine" "$list"

  run_wrk "$engine" healthz "$base/healthz"
  export BENCH_HEADERS="Accept: text/html"
  run_wrk "$engine" list "$list"
  run_wrk "$engine" list-zoek "$list_zoek"
  run_wrk "$engine" detail "$detail"
  export BENCH_HEADERS=""
  run_wrk "$engine" api-zoek "$api_zoek"
  note "$engine" hwm_end_kib "$(status_kib "$server_pid" VmHWM)"
  stop_server
  note "$engine" data_mib "$(du -sm "$dir" | cut -f1)"
  stop_pg
}

say "Algorithm register benchmark: $(nproc) CPUs, $started, commit $commit; engines: $engines"
for_each_engine bench_engine
elapsed=$(($(date +%s) - started_at))

# ---------------------------------------------------------------------------------------------------------
AR_MACHINE="$(machine_desc)"
export AR_DATE="$started" AR_COMMIT="$commit" AR_BIN="${bin/#$root\//}" AR_ELAPSED="$elapsed" AR_COUNT="$count"
export AR_ORGS="$organisations" AR_WORKERS="$load_workers"
export AR_WRK="wrk -t$wrk_threads -c$connections, ${warmup} s warm-up + ${duration} s measured per row"
AR_LOADAVG="$load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
AR_PG="scripts/pg-test-server.sh defaults (fsync off)"
[ "$pg_durable" = 1 ] && AR_PG="durable (fsync, full_page_writes, synchronous_commit on), shared_buffers $pg_shared_buffers"
export AR_MACHINE AR_LOADAVG AR_PG
"$py" "$root/bench/algoritmeregister_report.py" "$results" "$meta" "$notes" >"$work/report.md"

mkdir -p "$(dirname "$report_out")" "$(dirname "$raw_out")"
cp "$work/report.md" "$report_out"
cp "$raw" "$raw_out"
cat "$work/report.md"
say "algorithm register benchmark took $((elapsed / 60)) min $((elapsed % 60)) s; written to ${report_out/#$root\//}"
exit "$failed"
