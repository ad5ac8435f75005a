#!/usr/bin/env bash
# shellcheck disable=SC2317  # bench_engine and what it calls run through for_each_engine (bench/lib.sh)
# Thorbecke Notificaties benchmark: part of `make bench` (bench/run.sh runs it last) and runnable on its own. For
# each engine (SQLite, then PostgreSQL) on a fresh release server, with subscribers that are local HTTP sinks
# (bench/notificaties_client.py sink: one asyncio process, one callback path per abonnement), it measures
#   1. delivery throughput to 1, 10 and 100 abonnementen on kanaal zaken: BENCH_NRC_ZAKEN_1/_10/_100 zaken are
#      created through the Zaken API by 8 client threads, every notification must arrive at every abonnement;
#      deliveries per second from the first POST to the last arrival;
#   2. commit-to-delivery latency with one abonnement: BENCH_NRC_LATENCY_ZAKEN zaken at BENCH_NRC_RATE per
#      second; the arrival at the sink minus the moment the POST that committed the zaak had answered, p50/p99;
#   3. what announcing costs a write: POST /zaken/api/v1/zaken with wrk, without abonnementen and with 10
#      (the dispatcher delivering beside the writes), as a ratio.
# PostgreSQL is the private one of scripts/pg-test-server.sh, restarted with durable commits.
#
# Usage: bench/notificaties.sh [REPORT.md [RAW.log]]   (defaults: bench/results/notificaties.md and .log)
# Knobs (environment), besides those of bench/run.sh (BENCH_ENGINES, BENCH_DURATION, BENCH_WARMUP,
# BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_SERVER_THREADS, BENCH_KEEP, THORBECKE_BIN, BENCH_PYTHON):
#   BENCH_NRC_ZAKEN_1=2000  BENCH_NRC_ZAKEN_10=500  BENCH_NRC_ZAKEN_100=100
#   BENCH_NRC_LATENCY_ZAKEN=300  BENCH_NRC_RATE=20
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${THORBECKE_BIN:-$root/build/release/src/app/thorbecke}"
py="${BENCH_PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py="$(command -v python3)"
engines="${BENCH_ENGINES:-sqlite postgresql}"
zaken_1="${BENCH_NRC_ZAKEN_1:-2000}"
zaken_10="${BENCH_NRC_ZAKEN_10:-500}"
zaken_100="${BENCH_NRC_ZAKEN_100:-100}"
latency_zaken="${BENCH_NRC_LATENCY_ZAKEN:-300}"
rate="${BENCH_NRC_RATE:-20}"
duration="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-3}"
connections="${BENCH_CONNECTIONS:-64}"
wrk_threads="${BENCH_WRK_THREADS:-2}"
server_threads="${BENCH_SERVER_THREADS:-}"
wrk_cpus="${BENCH_WRK_CPUS:-}"
server_cpus="${BENCH_SERVER_CPUS:-}"
pg_durable="${BENCH_PG_DURABLE:-1}"
pg_shared_buffers="${BENCH_PG_SHARED_BUFFERS:-256MB}"
report_out="${1:-$root/bench/results/notificaties.md}"
raw_out="${2:-$root/bench/results/notificaties.log}"
secret="bench-secret-$$"
client="$root/bench/notificaties_client.py"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require wrk curl timeout
"$py" -c 'import requests' 2>/dev/null || die "$py cannot import requests (apt-get install python3-requests)"
# The sinks listen on the loopback address: the servers this script starts may deliver there.
export THORBECKE_NOTIFICATIES_ALLOWED_HOSTS=127.0.0.1

bench_setup thorbecke-bench-notificaties
token=""
sink_pid=""
bench_begin

note() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$meta"; }
json_field() { "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

stop_sink() {
  [ -n "$sink_pid" ] || return 0
  kill "$sink_pid" 2>/dev/null || true
  wait "$sink_pid" 2>/dev/null || true
  sink_pid=""
}

bench_engine() {
  local engine="$1" db_url port base sink_port sink
  local dir="$work/$engine"
  mkdir -p "$dir"
  trap 'stop_sink; stop_server; stop_pg' EXIT
  engine_db "$engine" "$dir"
  # One published zaaktype in a catalogue, made by the bulk loader (with one zaak).
  "$bin" zaken-load --db "$db_url" --data-dir "$dir" --zaken 1 --zaaktypen 1 --seed 1 >"$dir/load.json" \
    2>>"$dir/load.log" || die "$engine: zaken-load failed"
  local zaaktype_path
  zaaktype_path="$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["zaaktypen"][0])' "$dir/load.json")"
  "$bin" clients add --db "$db_url" --data-dir "$dir" --client-id bench-notificaties --secret "$secret" \
    --all-rights >/dev/null
  token="$("$bin" token --client-id bench-notificaties --secret "$secret")"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  start_server "$engine" "$dir" "$db_url" "$port"
  sink_port="$(free_port)"
  sink="http://127.0.0.1:$sink_port"
  "$py" "$client" sink --port "$sink_port" >>"$dir/sink.log" 2>&1 &
  sink_pid=$!
  for _ in $(seq 100); do
    curl -sf --max-time 1 "$sink/_count" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local common=(--base "$base" --token "$token" --sink "$sink" --zaaktype "$base$zaaktype_path")

  # 1: throughput to 1, 10 and 100 abonnementen.
  local k n out
  for k in 1 10 100; do
    case "$k" in 1) n="$zaken_1" ;; 10) n="$zaken_10" ;; *) n="$zaken_100" ;; esac
    say "$engine: $n zaken to $k abonnement(en)"
    out="$(timeout 900 "$py" "$client" throughput "${common[@]}" --subscribers "$k" --zaken "$n")" ||
      die "$engine: throughput with $k abonnementen failed"
    echo "$engine throughput $k: $out" >>"$raw"
    note "$engine" "throughput_$k" "$out"
  done

  # 2: commit-to-delivery latency.
  say "$engine: latency, $latency_zaken zaken at $rate/s"
  out="$(timeout 900 "$py" "$client" latency "${common[@]}" --zaken "$latency_zaken" --rate "$rate")" ||
    die "$engine: latency run failed"
  echo "$engine latency: $out" >>"$raw"
  note "$engine" latency "$out"

  # 3: POST zaak without and with 10 abonnementen.
  printf '{"zaaktype": "%s%s", "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647",
    "omschrijving": "Benchmark", "startdatum": "2026-11-26", "vertrouwelijkheidaanduiding": "openbaar"}\n' \
    "$base" "$zaaktype_path" >"$work/create.json"
  export BENCH_METHOD=POST BENCH_BODY_FILE="$work/create.json" BENCH_HEADERS="Accept-Crs: EPSG:4326|Content-Crs: EPSG:4326"
  "$py" "$client" unsubscribe "${common[@]}" >/dev/null
  run_wrk "$engine" "create-0" "$base/zaken/api/v1/zaken"
  "$py" "$client" subscribe "${common[@]}" --count 10 >/dev/null || die "$engine: subscribing failed"
  run_wrk "$engine" "create-10" "$base/zaken/api/v1/zaken"
  export BENCH_METHOD="" BENCH_BODY_FILE="" BENCH_HEADERS=""
  note "$engine" hwm_kib "$(status_kib "$server_pid" VmHWM)"
  stop_sink
  stop_server
  rm -rf "$dir"
  stop_pg
}

say "Notificaties benchmark: $(nproc) CPUs, $started, commit $commit; engines: $engines"
for_each_engine bench_engine
elapsed=$(($(date +%s) - started_at))

DB_MACHINE="$(machine_desc)"
export DB_DATE="$started" DB_COMMIT="$commit" DB_ELAPSED="$elapsed" DB_MACHINE
export DB_WRK="wrk -t$wrk_threads -c$connections, ${warmup} s warm-up + ${duration} s measured per row"
DB_PG="scripts/pg-test-server.sh defaults (fsync off)"
[ "$pg_durable" = 1 ] && DB_PG="durable (fsync, full_page_writes, synchronous_commit on), shared_buffers $pg_shared_buffers"
export DB_PG
"$py" "$root/bench/notificaties_report.py" "$results" "$meta" "$notes" >"$work/report.md"
mkdir -p "$(dirname "$report_out")" "$(dirname "$raw_out")"
cp "$work/report.md" "$report_out"
cp "$raw" "$raw_out"
cat "$work/report.md"
say "Notificaties benchmark took $((elapsed / 60)) min $((elapsed % 60)) s; written to ${report_out/#$root\//}"
exit "$failed"
