#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2034  # bench_engine runs through for_each_engine; lib.sh reads the globals below
# Thorbecke national-scale benchmark: part of `make bench` (bench/run.sh runs it last; BENCH_SUITES=national runs
# it alone) and runnable on its own. For each engine (SQLite, then PostgreSQL) it
#   1. loads the reference implementation's own data set with `thorbecke zaken-load`: 1 catalogus with 100
#      zaaktypen, 1 000 000 zaken (statussen, a rol), 1 000 000 documents (small content, linked to a zaak both
#      ways) and 1 000 000 besluiten (about a zaak); records the load time per kind and the size on disk;
#   2. adds two clients: a superuser and a regular client whose rights cover 10 of the 100 zaaktypen (read,
#      create, update and add statussen of zaken; read and create documents of the loader's informatieobjecttype;
#      up to vertrouwelijkheid "geheim");
#   3. replays the reference's functional scenario (bench/national.lua: BSN search, zaak, statussen, documents,
#      one document, add a status, upload a document, create a zaak with a rol) as the regular client with wrk at
#      rising concurrency, and picks the highest req/s whose p99 stays under 100 ms;
#   4. measures GET /zaken/api/v1/zaken (no filter, page of 100 of 1 M) with 1 and 16 users, as the superuser
#      and as the regular client;
#   5. records the server's peak RSS (VmHWM) and writes a Markdown report (bench/national_report.py).
# PostgreSQL is the private one of scripts/pg-test-server.sh, restarted with durable commits.
#
# Usage: bench/national.sh [REPORT.md [RAW.log]]   (defaults: bench/results/national.md and national.log)
# Knobs (environment), besides those of bench/run.sh (BENCH_ENGINES, BENCH_DURATION, BENCH_WARMUP,
# BENCH_WRK_THREADS, BENCH_SERVER_THREADS, BENCH_KEEP, THORBECKE_BIN, BENCH_PYTHON):
#   BENCH_NATIONAL_ZAKEN=1000000  BENCH_NATIONAL_DOCUMENTEN=<zaken>  BENCH_NATIONAL_BESLUITEN=<zaken>
#   BENCH_NATIONAL_ZAAKTYPEN=100  BENCH_NATIONAL_GRANTED=10  BENCH_NATIONAL_CONTENTS=1000 (distinct contents)
#   BENCH_NATIONAL_STEPS="4 8 16 32 64 128" (connections per scenario step)  BENCH_NATIONAL_P99_MS=100
#   BENCH_LOAD_BATCH=20000  BENCH_PG_ANALYZE=1  BENCH_PG_DURABLE=1  BENCH_PG_SHARED_BUFFERS=256MB
#   BENCH_WRK_TIMEOUT=10 (seconds)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${THORBECKE_BIN:-$root/build/release/src/app/thorbecke}"
py="${BENCH_PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py="$(command -v python3)"
engines="${BENCH_ENGINES:-sqlite postgresql}"
zaken="${BENCH_NATIONAL_ZAKEN:-1000000}"
documenten="${BENCH_NATIONAL_DOCUMENTEN:-$zaken}"
besluiten="${BENCH_NATIONAL_BESLUITEN:-$zaken}"
zaaktypen="${BENCH_NATIONAL_ZAAKTYPEN:-100}"
granted="${BENCH_NATIONAL_GRANTED:-10}"
contents="${BENCH_NATIONAL_CONTENTS:-1000}"
steps="${BENCH_NATIONAL_STEPS:-4 8 16 32 64 128}"
p99_limit="${BENCH_NATIONAL_P99_MS:-100}"
load_batch="${BENCH_LOAD_BATCH:-20000}"
duration="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-3}"
connections=1
wrk_threads="${BENCH_WRK_THREADS:-2}"
server_threads="${BENCH_SERVER_THREADS:-}"
wrk_cpus=""
server_cpus=""
pg_analyze="${BENCH_PG_ANALYZE:-1}"
pg_durable="${BENCH_PG_DURABLE:-1}"
pg_shared_buffers="${BENCH_PG_SHARED_BUFFERS:-256MB}"
wrk_timeout="${BENCH_WRK_TIMEOUT:-10}"
report_out="${1:-$root/bench/results/national.md}"
raw_out="${2:-$root/bench/results/national.log}"
secret="bench-secret-$$"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require wrk curl timeout
[ "$zaken" -ge "$zaaktypen" ] || die "BENCH_NATIONAL_ZAKEN must be at least BENCH_NATIONAL_ZAAKTYPEN"
if [ "$granted" -lt 1 ] || [ "$granted" -gt "$zaaktypen" ]; then die "BENCH_NATIONAL_GRANTED must be 1..BENCH_NATIONAL_ZAAKTYPEN"; fi

bench_setup thorbecke-bench-national
token=""
bench_begin

note() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$meta"; }
json_path() { "$py" -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d = d[k]
print(d)' "$1" "$2"; }

pg_maintain() {
  local db_url="$1" psql="${PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
  [ "$pg_analyze" = 1 ] || return 0
  [ -x "$psql" ] || psql="psql"
  local t0=$SECONDS
  # What autovacuum does some time after a bulk load: planner statistics and the visibility map.
  timeout 3600 "$psql" "$db_url" -qAt -c 'VACUUM (ANALYZE)' >/dev/null || return 1
  note postgresql vacuum_seconds "$((SECONDS - t0))"
  say "PostgreSQL: VACUUM (ANALYZE) in $((SECONDS - t0)) s"
}

# seconds_of LOG KIND: the seconds the loader reported for its last progress line of KIND (zaken, documents, ...).
seconds_of() { sed -n "s/^zaken-load: [0-9]*\/[0-9]* $2 in \([0-9.]*\) s.*/\1/p" "$1" | tail -n 1; }

# scenario ENGINE BASE: the functional scenario at each concurrency step.
scenario() {
  local engine="$1" base="$2" c
  export BENCH_SEED_FILE="$work/seed.txt" BENCH_BASE="$base"
  wrk_script="$root/bench/national.lua"
  for c in $steps; do
    connections="$c"
    wrk_threads="${BENCH_WRK_THREADS:-2}"
    [ "$c" -lt "$wrk_threads" ] && wrk_threads="$c"
    run_wrk "$engine" "scenario/$c" "$base/zaken/api/v1/zaken"
  done
  wrk_script=""
}

# lists ENGINE BASE TOKEN_ALL TOKEN_REGULAR: GET /zaken (no filter) with 1 and 16 users, superuser and regular.
lists() {
  local engine="$1" base="$2" all="$3" regular="$4" who users
  export BENCH_HEADERS="Accept-Crs: EPSG:4326"
  for who in superuser regular; do
    if [ "$who" = superuser ]; then token="$all"; else token="$regular"; fi
    local code
    code="$(curl -s -o "$work/list.json" -w '%{http_code}' --max-time 120 -H "Authorization: Bearer $token" \
      -H 'Accept-Crs: EPSG:4326' "$base/zaken/api/v1/zaken")"
    [ "$code" = 200 ] || die "GET /zaken as $who: HTTP $code"
    note "$engine" "count_$who" "$(json_path "$work/list.json" count)"
    for users in 1 16; do
      connections="$users"
      wrk_threads=1
      [ "$users" -gt 1 ] && wrk_threads="${BENCH_WRK_THREADS:-2}"
      run_wrk "$engine" "list-$who/$users" "$base/zaken/api/v1/zaken"
    done
  done
  export BENCH_HEADERS=""
}

bench_engine() {
  local engine="$1" db_url port base
  local dir="$work/$engine"
  mkdir -p "$dir"
  engine_db "$engine" "$dir"
  port="$(free_port)"
  base="http://127.0.0.1:$port"

  say "$engine: zaken-load --zaken $zaken --zaaktypen $zaaktypen --documenten $documenten --besluiten $besluiten"
  local t0=$SECONDS
  "$bin" zaken-load --db "$db_url" --data-dir "$dir" --zaken "$zaken" --zaaktypen "$zaaktypen" --seed 1 \
    --batch "$load_batch" --documenten "$documenten" --besluiten "$besluiten" --contents "$contents" \
    >"$dir/load.json" 2> >(tee -a "$dir/load.log" >&2) || die "zaken-load failed"
  note "$engine" load_wall "$((SECONDS - t0))"
  sleep 1 # the tee above may still be writing
  note "$engine" load_zaken_seconds "$(json_path "$dir/load.json" seconds)"
  note "$engine" load_documenten_seconds "$(json_path "$dir/load.json" documenten.seconds)"
  note "$engine" load_besluiten_seconds "$(json_path "$dir/load.json" besluiten.seconds)"
  note "$engine" load_zaken "$(json_path "$dir/load.json" total)"
  note "$engine" load_documenten "$(json_path "$dir/load.json" documenten.added)"
  note "$engine" load_besluiten "$(json_path "$dir/load.json" besluiten.added)"
  note "$engine" load_rows "$(($(json_path "$dir/load.json" rows) + $(json_path "$dir/load.json" documenten.rows) + \
    $(json_path "$dir/load.json" besluiten.rows)))"
  [ "$engine" = postgresql ] && { pg_maintain "$db_url" || die "VACUUM ANALYZE failed"; }
  if [ "$engine" = sqlite ]; then
    note "$engine" db_mib "$(du -smc "$dir"/thorbecke.db* | tail -n 1 | cut -f1)"
  else
    note "$engine" db_mib "$(du -sm "$pg_dir/data" | cut -f1)"
  fi
  note "$engine" blob_mib "$(du -sm "$dir/documenten" | cut -f1)"

  local zts iot
  mapfile -t zts < <("$py" -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["zaaktypen"]))' \
    "$dir/load.json")
  iot="$base$(json_path "$dir/load.json" informatieobjecttype)"
  # The regular client: 10 of the 100 zaaktypen and the documents of the loader's informatieobjecttype.
  local grants=() i granted_urls=()
  for ((i = 0; i < granted; i++)); do
    granted_urls+=("$base${zts[$i]}")
    grants+=(--zaaktype "$base${zts[$i]}" --max-vertrouwelijkheid geheim --scope zrc:zaken.lezen
      --scope zrc:zaken.aanmaken --scope zrc:zaken.bijwerken --scope zrc:zaken.statussen.toevoegen)
  done
  grants+=(--informatieobjecttype "$iot" --max-vertrouwelijkheid geheim --scope drc:documenten.lezen
    --scope drc:documenten.aanmaken)
  "$bin" clients add --db "$db_url" --data-dir "$dir" --client-id bench-regular --secret "$secret" "${grants[@]}" >/dev/null
  "$bin" clients add --db "$db_url" --data-dir "$dir" --client-id bench-all --secret "$secret" --all-rights >/dev/null
  local token_all token_regular
  token_all="$("$bin" token --client-id bench-all --secret "$secret")"
  token_regular="$("$bin" token --client-id bench-regular --secret "$secret")"

  start_server "$engine" "$dir" "$db_url" "$port"
  note "$engine" hwm_start_kib "$(status_kib "$server_pid" VmHWM)"
  "$py" "$root/bench/national_seed.py" "$base" "$token_all" "$token_regular" "$iot" "${granted_urls[@]}" \
    >"$work/seed.txt" || die "could not read the scenario's starting points"
  note "$engine" seed_bsns "$(grep -c '^bsn ' "$work/seed.txt")"
  # The list rows first, on the loaded data set; then the scenario, which adds zaken, statussen and documents.
  lists "$engine" "$base" "$token_all" "$token_regular"
  token="$token_regular"
  scenario "$engine" "$base"
  note "$engine" hwm_kib "$(status_kib "$server_pid" VmHWM)"
  stop_server
  stop_pg
  # Gigabytes per engine: make room for the next one.
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir" "$work/pg"
}

say "National benchmark: $(nproc) CPUs, $started, commit $commit; $zaken zaken, $documenten documents," \
  "$besluiten besluiten, $zaaktypen zaaktypen; engines: $engines"
for_each_engine bench_engine
elapsed=$(($(date +%s) - started_at))

# ---------------------------------------------------------------------------------------------------------
NB_MACHINE="$(machine_desc)"
NB_LOADAVG="$load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
NB_PG="scripts/pg-test-server.sh defaults (fsync off)"
[ "$pg_durable" = 1 ] && NB_PG="durable (fsync, full_page_writes, synchronous_commit on), shared_buffers $pg_shared_buffers"
export NB_MACHINE NB_LOADAVG NB_PG NB_DATE="$started" NB_COMMIT="$commit" NB_BIN="${bin/#$root\//}"
export NB_ZAKEN="$zaken" NB_DOCUMENTEN="$documenten" NB_BESLUITEN="$besluiten" NB_ZAAKTYPEN="$zaaktypen"
NB_CPUS="$(nproc)"
export NB_GRANTED="$granted" NB_ELAPSED="$elapsed" NB_P99="$p99_limit" NB_CPUS NB_BATCH="$load_batch"
export NB_WRK="${warmup} s warm-up + ${duration} s measured per row, wrk --timeout ${wrk_timeout}s"
"$py" "$root/bench/national_report.py" "$results" "$meta" "$notes" >"$work/report.md"

mkdir -p "$(dirname "$report_out")" "$(dirname "$raw_out")"
cp "$work/report.md" "$report_out"
cp "$raw" "$raw_out"
cat "$work/report.md"
say "National benchmark took $((elapsed / 60)) min $((elapsed % 60)) s; written to ${report_out/#$root\//}"
exit "$failed"
