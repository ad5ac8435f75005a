#!/usr/bin/env bash
# shellcheck disable=SC2317  # bench_engine and what it calls run through for_each_engine (bench/lib.sh)
# Thorbecke Zaken API benchmark: part of `make bench` (bench/run.sh runs it after the Catalogi benchmark) and
# runnable on its own. For each engine (SQLite, then PostgreSQL) it
#   1. loads BENCH_ZAKEN_SMALL (10 000) zaken with `thorbecke zaken-load` (statussen, a rol, a geometry each) into
#      a fresh database, adds a client limited to BENCH_ZAKEN_GRANTED zaaktypen up to "geheim", starts the
#      release server and measures with wrk (warm-up, then a measured run):
#        healthz  GET /healthz                                        static JSON, the ceiling
#        detail   GET /zaken/api/v1/zaken/{uuid}                      JWT + authorisation by zaaktype/vertrouwelijkheid
#        list     GET /zaken/api/v1/zaken?zaaktype=..&page=N          N: the middle page (and page 1)
#        zoek     POST /zaken/api/v1/zaken/_zoek                      zaakgeometrie within a polygon, ~1 % of the country
#        (at the large size also zoek-scaled: a polygon with small/large of that area, so it holds as many zaken as
#        the 1 % polygon at the small size: the same answer from a table 100 times as large)
#        create   POST /zaken/api/v1/zaken                            validation + audit trail + one transaction
#   2. stops the server, grows the database to BENCH_ZAKEN_LARGE (1 000 000) zaken with `zaken-load --append`,
#      starts a new server and measures the same rows again;
#   3. records the server's peak RSS (VmHWM) in each phase and writes a Markdown report with the ratios the issue
#      asks for: detail / ceiling, and the cost (CPU per request) at 1 M divided by the cost at 10 k.
# PostgreSQL is the private one of scripts/pg-test-server.sh, restarted with durable commits (fsync, full page
# writes and synchronous_commit on) so that the create row measures durably committed zaken.
#
# Usage: bench/zaken.sh [REPORT.md [RAW.log]]   (defaults: bench/results/zaken.md and zaken.log)
# Knobs (environment), besides those of bench/run.sh (BENCH_ENGINES, BENCH_DURATION, BENCH_WARMUP,
# BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_SERVER_THREADS, BENCH_WRK_CPUS, BENCH_SERVER_CPUS, BENCH_KEEP,
# THORBECKE_BIN, BENCH_PYTHON):
#   BENCH_ZAKEN_SMALL=10000  BENCH_ZAKEN_LARGE=1000000  BENCH_ZAKEN_ZAAKTYPEN=50  BENCH_ZAKEN_GRANTED=5
#   BENCH_LOAD_BATCH=20000 (zaken per transaction of the loader)  BENCH_PG_ANALYZE=1 (VACUUM ANALYZE after loads)
#   BENCH_PG_DURABLE=1  BENCH_PG_SHARED_BUFFERS=256MB  BENCH_WRK_TIMEOUT=60 (seconds)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${THORBECKE_BIN:-$root/build/release/src/app/thorbecke}"
py="${BENCH_PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py="$(command -v python3)"
engines="${BENCH_ENGINES:-sqlite postgresql}"
small="${BENCH_ZAKEN_SMALL:-10000}"
large="${BENCH_ZAKEN_LARGE:-1000000}"
zaaktypen="${BENCH_ZAKEN_ZAAKTYPEN:-50}"
granted="${BENCH_ZAKEN_GRANTED:-5}"
load_batch="${BENCH_LOAD_BATCH:-20000}"
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
# Some rows take seconds per request at a million zaken: wrk must wait for them rather than count them as errors.
wrk_timeout="${BENCH_WRK_TIMEOUT:-60}"
report_out="${1:-$root/bench/results/zaken.md}"
raw_out="${2:-$root/bench/results/zaken.log}"
secret="bench-secret-$$"
# The polygon of the _zoek row: 0.39° × 0.28° around Utrecht, 1 % of the area the zaken are spread over
# (lon 3.3–7.2, lat 50.7–53.5).
zoek_polygon='[[[5.0,51.9],[5.39,51.9],[5.39,52.18],[5.0,52.18],[5.0,51.9]]]'
# The same corner, each side sqrt(small / large) as long: small/large of the area.
zoek_scaled="$(awk -v s="$small" -v l="$large" 'BEGIN { f = sqrt(s / l); x = 5.0 + 0.39 * f; y = 51.9 + 0.28 * f
  printf "[[[5.0,51.9],[%.6f,51.9],[%.6f,%.6f],[5.0,%.6f],[5.0,51.9]]]", x, x, y, y }')"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require wrk curl timeout
[ "$small" -ge "$zaaktypen" ] || die "BENCH_ZAKEN_SMALL must be at least BENCH_ZAKEN_ZAAKTYPEN"
[ "$large" -gt "$small" ] || die "BENCH_ZAKEN_LARGE must be larger than BENCH_ZAKEN_SMALL"
if [ "$granted" -lt 1 ] || [ "$granted" -gt "$zaaktypen" ]; then die "BENCH_ZAKEN_GRANTED must be 1..BENCH_ZAKEN_ZAAKTYPEN"; fi

bench_setup thorbecke-bench-zaken
token=""

bench_begin

note() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$meta"; }
json_field() { "$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d[sys.argv[2]])' "$1" "$2"; }

# zrow ENGINE LABEL METHOD URL [BODY_FILE]: one wrk row with the Zaken API's CRS headers.
zrow() {
  local engine="$1" label="$2" method="$3" url="$4" body="${5:-}"
  export BENCH_METHOD="$method" BENCH_BODY_FILE="$body" BENCH_HEADERS="Accept-Crs: EPSG:4326|Content-Crs: EPSG:4326"
  run_wrk "$engine" "$label" "$url"
  export BENCH_METHOD="" BENCH_BODY_FILE="" BENCH_HEADERS=""
}

# api METHOD URL TOKEN [BODY_FILE]: one request with curl; prints the body to $work/api.json, the HTTP code on stdout.
api() {
  local method="$1" url="$2" tok="$3" body="${4:-}" data=()
  [ -n "$body" ] && data=(-H 'Content-Type: application/json' --data-binary "@$body")
  curl -s -o "$work/api.json" -w '%{http_code}' --max-time 60 -X "$method" -H "Authorization: Bearer $tok" \
    -H 'Accept-Crs: EPSG:4326' -H 'Content-Crs: EPSG:4326' "${data[@]}" "$url"
}
expect() {
  local want="$1" got="$2" what="$3"
  [ "$got" = "$want" ] || {
    head -c 600 "$work/api.json" >&2
    echo >&2
    die "$what: HTTP $got (expected $want)"
  }
}

pg_maintain() {
  local db_url="$1" psql="${PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
  [ "$pg_analyze" = 1 ] || return 0
  [ -x "$psql" ] || psql="psql"
  local t0=$SECONDS
  # What autovacuum does to a table some time after a bulk load: planner statistics and the visibility map.
  timeout 1800 "$psql" "$db_url" -qAt -c 'VACUUM (ANALYZE) zaken_zaak' -c 'VACUUM (ANALYZE) zaken_object' \
    -c 'VACUUM (ANALYZE) zaken_key' -c 'ANALYZE' >/dev/null || return 1
  say "PostgreSQL: VACUUM (ANALYZE) in $((SECONDS - t0)) s"
}

# load ENGINE DIR DB_URL ZAKEN PHASE [--append]: zaken-load with its progress on stderr; records its figures.
load() {
  local engine="$1" dir="$2" db_url="$3" n="$4" phase="$5"
  shift 5
  say "$engine: zaken-load --zaken $n $*"
  local t0=$SECONDS
  "$bin" zaken-load --db "$db_url" --data-dir "$dir" --zaken "$n" --zaaktypen "$zaaktypen" --seed 1 \
    --batch "$load_batch" "$@" >"$dir/load-$phase.json" 2> >(tee -a "$dir/load.log" >&2) ||
    die "zaken-load failed"
  note "$engine" "load_${phase}_added" "$(json_field "$dir/load-$phase.json" added)"
  note "$engine" "load_${phase}_bulk_seconds" "$(json_field "$dir/load-$phase.json" seconds)"
  note "$engine" "load_${phase}_rate" "$(json_field "$dir/load-$phase.json" zaken_per_second)"
  note "$engine" "load_${phase}_wall" "$((SECONDS - t0))"
  note "$engine" "load_${phase}_total" "$(json_field "$dir/load-$phase.json" total)"
}

# measure ENGINE PHASE BASE: every row of one phase against the running server.
measure() {
  local engine="$1" phase="$2" base="$3" api_root="$3/zaken/api/v1" code
  # Checks first: each request must work before wrk repeats it.
  code="$(api GET "$api_root/zaken/$detail_uuid" "$token")"
  expect 200 "$code" "detail GET"
  local list="$api_root/zaken?zaaktype=$base$zt_list"
  code="$(api GET "$list" "$token")"
  expect 200 "$code" "list GET"
  local count pages mid
  count="$(json_field "$work/api.json" count)"
  pages=$(((count + 99) / 100))
  mid=$(((pages + 1) / 2))
  note "$engine" "${phase}_list_count" "$count"
  note "$engine" "${phase}_list_mid" "$mid"
  code="$(api GET "$list&page=$mid" "$token")"
  expect 200 "$code" "list GET page $mid"
  code="$(api POST "$api_root/zaken/_zoek" "$token" "$work/zoek.json")"
  expect 200 "$code" "POST _zoek"
  note "$engine" "${phase}_zoek_count" "$(json_field "$work/api.json" count)"
  if [ "$phase" = large ]; then
    code="$(api POST "$api_root/zaken/_zoek" "$token" "$work/zoek-scaled.json")"
    expect 200 "$code" "POST _zoek (scaled polygon)"
    note "$engine" "${phase}_zoek_scaled_count" "$(json_field "$work/api.json" count)"
  fi
  printf '{"zaaktype": "%s%s", "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647",
    "omschrijving": "Benchmark", "startdatum": "2026-11-02", "vertrouwelijkheidaanduiding": "openbaar",
    "zaakgeometrie": {"type": "Point", "coordinates": [6.9, 53.3]}}\n' "$base" "$zt_create" >"$work/create.json"
  code="$(api POST "$api_root/zaken" "$token" "$work/create.json")"
  expect 201 "$code" "POST /zaken"

  run_wrk "$engine" "$phase/healthz" "$base/healthz"
  zrow "$engine" "$phase/detail" GET "$api_root/zaken/$detail_uuid"
  zrow "$engine" "$phase/list-first" GET "$list"
  if [ "$mid" -gt 1 ]; then zrow "$engine" "$phase/list-mid" GET "$list&page=$mid"; fi
  zrow "$engine" "$phase/zoek" POST "$api_root/zaken/_zoek" "$work/zoek.json"
  if [ "$phase" = large ]; then zrow "$engine" "$phase/zoek-scaled" POST "$api_root/zaken/_zoek" "$work/zoek-scaled.json"; fi
  zrow "$engine" "$phase/create" POST "$api_root/zaken" "$work/create.json"
  note "$engine" "${phase}_hwm_kib" "$(status_kib "$server_pid" VmHWM)"
}

bench_engine() {
  local engine="$1" db_url port base
  local dir="$work/$engine"
  mkdir -p "$dir"
  engine_db "$engine" "$dir"

  load "$engine" "$dir" "$db_url" "$small" small
  [ "$engine" = postgresql ] && { pg_maintain "$db_url" || die "VACUUM ANALYZE failed"; }
  local zts
  mapfile -t zts < <("$py" -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["zaaktypen"]))' \
    "$dir/load-small.json")
  zt_list="${zts[0]}"
  zt_create="${zts[$((granted - 1))]}"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  # The client: read and create zaken of the first $granted zaaktypen, up to vertrouwelijkheid "geheim".
  local grants=() i
  for ((i = 0; i < granted; i++)); do
    grants+=(--zaaktype "$base${zts[$i]}" --max-vertrouwelijkheid geheim --scope zrc:zaken.lezen --scope zrc:zaken.aanmaken)
  done
  "$bin" clients add --db "$db_url" --data-dir "$dir" --client-id bench-zaken --secret "$secret" "${grants[@]}" >/dev/null
  "$bin" clients add --db "$db_url" --data-dir "$dir" --client-id bench-all --secret "$secret" --all-rights >/dev/null
  token="$("$bin" token --client-id bench-zaken --secret "$secret")"
  local token_all
  token_all="$("$bin" token --client-id bench-all --secret "$secret")"
  printf '{"zaakgeometrie": {"within": {"type": "Polygon", "coordinates": %s}}}\n' "$zoek_polygon" >"$work/zoek.json"
  printf '{"zaakgeometrie": {"within": {"type": "Polygon", "coordinates": %s}}}\n' "$zoek_scaled" >"$work/zoek-scaled.json"

  start_server "$engine" "$dir" "$db_url" "$port"
  # The zaak of the detail row: one the client may read, from the middle of its first list page.
  local code
  code="$(api GET "$base/zaken/api/v1/zaken?zaaktype=$base$zt_list" "$token")"
  expect 200 "$code" "list GET"
  detail_uuid="$("$py" -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; print(r[len(r) // 2]["uuid"])' \
    "$work/api.json")"
  measure "$engine" small "$base"
  code="$(api GET "$base/zaken/api/v1/zaken" "$token_all")"
  expect 200 "$code" "count GET"
  local now
  now="$(json_field "$work/api.json" count)"
  note "$engine" small_after_create "$now"
  stop_server

  if [ "$now" -lt "$large" ]; then
    load "$engine" "$dir" "$db_url" "$((large - now))" large --append
  else
    say "$engine: already $now zaken (the create row added them); not loading more"
    echo "- $engine: the create row left $now zaken, not fewer than BENCH_ZAKEN_LARGE: the large step measured those" >>"$notes"
  fi
  [ "$engine" = postgresql ] && { pg_maintain "$db_url" || die "VACUUM ANALYZE failed"; }
  start_server "$engine" "$dir" "$db_url" "$port"
  measure "$engine" large "$base"
  stop_server
  if [ "$engine" = sqlite ]; then
    note "$engine" db_mib "$(du -sm "$dir" | cut -f1)"
  else
    note "$engine" db_mib "$(du -sm "$pg_dir/data" | cut -f1)"
  fi
  stop_pg
}

say "Zaken benchmark: $(nproc) CPUs, $started, commit $commit; $small and $large zaken, engines: $engines"
for_each_engine bench_engine
elapsed=$(($(date +%s) - started_at))

# ---------------------------------------------------------------------------------------------------------
ZB_MACHINE="$(machine_desc)"
export ZB_DATE="$started" ZB_COMMIT="$commit" ZB_BIN="${bin/#$root\//}" ZB_SMALL="$small" ZB_LARGE="$large"
export ZB_ZAAKTYPEN="$zaaktypen" ZB_GRANTED="$granted" ZB_ELAPSED="$elapsed" ZB_LOAD_BATCH="$load_batch"
export ZB_WRK="wrk -t$wrk_threads -c$connections --timeout ${wrk_timeout}s, ${warmup} s warm-up + ${duration} s measured per row"
ZB_LOADAVG="$load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
ZB_PG="scripts/pg-test-server.sh defaults (fsync off)"
[ "$pg_durable" = 1 ] && ZB_PG="durable (fsync, full_page_writes, synchronous_commit on), shared_buffers $pg_shared_buffers"
export ZB_MACHINE ZB_LOADAVG ZB_PG
export ZB_PG_VACUUM="$pg_analyze" ZB_ZOEK_SCALED="$zoek_scaled"
"$py" "$root/bench/zaken_report.py" "$results" "$meta" "$notes" >"$work/report.md"

mkdir -p "$(dirname "$report_out")" "$(dirname "$raw_out")"
cp "$work/report.md" "$report_out"
cp "$raw" "$raw_out"
cat "$work/report.md"
say "Zaken benchmark took $((elapsed / 60)) min $((elapsed % 60)) s; written to ${report_out/#$root\//}"
exit "$failed"
