#!/usr/bin/env bash
# shellcheck disable=SC2317  # bench_engine and what it calls run through for_each_engine (bench/lib.sh)
# Thorbecke benchmarks (`make bench`): the Catalogi read benchmark below, then the Zaken API benchmark
# (bench/zaken.sh: 10 000 and 1 000 000 zaken) and the Documenten API benchmark (bench/documenten.sh: uploads,
# downloads and memory with 100 MiB and 1 GiB documents) and the Notificaties benchmark (bench/notificaties.sh:
# delivery throughput and latency, and what announcing costs a write) and, last, the national-scale benchmark
# (bench/national.sh: 1 M zaken, documents and besluiten; the reference's functional scenario at p99 < 100 ms).
# And the algorithm register (bench/algoritmeregister.sh: its public list page, search page and API, and a detail
# page with 10 000 published registrations, and the list page's weight).
# BENCH_SUITES="catalogi zaken documenten notificaties national algoritmeregister" selects them.
# The Catalogi part, for each engine (SQLite, then PostgreSQL):
#   1. starts a fresh release server (own temp data dir, free loopback port, --no-access-log) and adds a client;
#   2. loads one catalogus with BENCH_ZAAKTYPEN zaaktypen (every second one published) through the HTTP API;
#   3. drives three endpoints with wrk (warm-up run, then a measured run):
#        healthz  GET /healthz                                           static JSON, the ceiling
#        detail   GET /catalogi/api/v1/zaaktypen/{uuid}                  JWT + one published zaaktype
#        list     GET /catalogi/api/v1/zaaktypen?catalogus=..&status=definitief   first page (100) of ~N/2
#      and then detail and list again with a new Host header on every request, which defeats the server's cache
#      of renderings (resource URLs follow the Host header): the uncached path;
#   4. reads the server's peak RSS (VmHWM) from /proc/<pid>/status, and accounts the CPU time of the server, the
#      private PostgreSQL, wrk and everything else during each measured run;
#   5. prints a Markdown table and writes it to bench/results/latest.md (raw wrk output: latest.log), followed by
#      the Zaken benchmark's report.
# Everything is bounded in time and only uses 127.0.0.1; servers (and the PostgreSQL) it started are stopped on exit.
#
# Knobs (environment):
#   BENCH_ENGINES="sqlite postgresql"  BENCH_ZAAKTYPEN=10000  BENCH_DURATION=10  BENCH_WARMUP=3
#   BENCH_CONNECTIONS=64  BENCH_WRK_THREADS=2  BENCH_SERVER_THREADS=  (empty: the server's default, one per core)
#   BENCH_WRK_CPUS=  (e.g. "1": run wrk under `taskset -c 1`; empty: not pinned)  BENCH_SERVER_CPUS=  (same, server)
#   BENCH_PG_ANALYZE=1  (0: do not run ANALYZE on PostgreSQL after loading; see docs/benchmarks.md)
#   BENCH_UNCACHED=1  (0: skip the two uncached runs, detail and list with a new Host header per request)
#   BENCH_LOAD_WORKERS=16  BENCH_KEEP=1 (keep the temp dir)  THORBECKE_BIN=  BENCH_PYTHON=/usr/bin/python3
#   BENCH_SUITES="catalogi zaken documenten notificaties national algoritmeregister"; the other benchmarks' own knobs
#   are listed in bench/zaken.sh, bench/documenten.sh, bench/notificaties.sh, bench/national.sh and
#   bench/algoritmeregister.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${THORBECKE_BIN:-$root/build/release/src/app/thorbecke}"
py="${BENCH_PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py="$(command -v python3)"
engines="${BENCH_ENGINES:-sqlite postgresql}"
zaaktypen="${BENCH_ZAAKTYPEN:-10000}"
duration="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-3}"
connections="${BENCH_CONNECTIONS:-64}"
wrk_threads="${BENCH_WRK_THREADS:-2}"
server_threads="${BENCH_SERVER_THREADS:-}"
wrk_cpus="${BENCH_WRK_CPUS:-}"
server_cpus="${BENCH_SERVER_CPUS:-}"
load_workers="${BENCH_LOAD_WORKERS:-16}"
uncached="${BENCH_UNCACHED:-1}"
pg_analyze="${BENCH_PG_ANALYZE:-1}"
results_dir="$root/bench/results"
secret="bench-secret-$$"
suites="${BENCH_SUITES:-catalogi zaken documenten notificaties national algoritmeregister}"
run_catalogi=0
run_zaken=0
run_documenten=0
run_notificaties=0
run_national=0
run_algoritmeregister=0
for suite in $suites; do
  case "$suite" in
    catalogi) run_catalogi=1 ;;
    zaken) run_zaken=1 ;;
    documenten) run_documenten=1 ;;
    notificaties) run_notificaties=1 ;;
    national) run_national=1 ;;
    algoritmeregister) run_algoritmeregister=1 ;;
    *)
      echo "bench: unknown suite '$suite' (catalogi, zaken, documenten, notificaties, national, algoritmeregister)" >&2
      exit 2
      ;;
  esac
done

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require wrk curl timeout
"$py" -c 'import requests' 2>/dev/null || die "$py cannot import requests (apt-get install python3-requests)"

bench_setup thorbecke-bench

# ---------------------------------------------------------------------------------------------------------
bench_begin # results (engine endpoint rps p50 p99 bytes/response non2xx socket_errors + the CPU figures), notes, raw
wrk_desc="wrk ${wrk_threads} threads, ${connections} connections, ${warmup} s warm-up + ${duration} s measured per endpoint"
[ -n "$wrk_cpus" ] && wrk_desc="$wrk_desc, wrk pinned to CPU $wrk_cpus" || wrk_desc="$wrk_desc, wrk not pinned"
server_desc="server threads: ${server_threads:-default (one per core)}"
[ -n "$server_cpus" ] && server_desc="$server_desc, pinned to CPU $server_cpus"

rss="$work/rss.tsv" # engine load_seconds hwm_after_load_kib hwm_after_3_endpoints_kib hwm_end_kib rss_end_kib
: >"$rss"

# check URL [HOST]: one request with curl before the benchmark (with that Host header); fails unless HTTP 200.
check() {
  local url="$1" body="$work/check.json" code host=()
  [ -n "${2:-}" ] && host=(-H "Host: $2")
  code="$(curl -s -o "$body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $token" "${host[@]}" "$url")"
  [ "$code" = 200 ] || {
    head -c 500 "$body" >&2
    die "GET $url: HTTP $code"
  }
}

# check_list PUBLISHED: the list just fetched by check reports all published zaaktypen and a full first page.
check_list() {
  local count page
  count="$("$py" -c 'import json; d = json.load(open("'"$work/check.json"'")); print(d["count"], len(d["results"]))')"
  read -r count page <<<"$count"
  if [ "$count" != "$1" ] || [ "$page" != 100 ]; then
    die "list check: count=$count (expected $1), page=$page (expected 100)"
  fi
}

# bench_engine ENGINE: everything for one engine; returns non-zero on failure (the caller notes it).
bench_engine() {
  local engine="$1" db_url port base
  local dir="$work/$engine"
  mkdir -p "$dir"
  case "$engine" in
    sqlite) db_url="sqlite://$dir/thorbecke.db" ;;
    postgresql)
      [ -x "$root/scripts/pg-test-server.sh" ] || {
        say "scripts/pg-test-server.sh not found"
        return 1
      }
      pg_dir="$work/pg"
      db_url="$("$root/scripts/pg-test-server.sh" start "$pg_dir")" || {
        say "scripts/pg-test-server.sh start failed"
        return 1
      }
      ;;
    *)
      say "unknown engine '$engine' (sqlite, postgresql)"
      return 1
      ;;
  esac

  "$bin" clients add --db "$db_url" --data-dir "$dir" --client-id bench --secret "$secret" --all-rights >/dev/null
  token="$("$bin" token --client-id bench --secret "$secret")"

  port="$(free_port)"
  base="http://127.0.0.1:$port"
  local args=(serve --host 127.0.0.1 --port "$port" --data-dir "$dir" --db "$db_url" --no-access-log)
  [ -n "$server_threads" ] && args+=(--threads "$server_threads")
  "${server_cmd[@]}" "${args[@]}" >"$dir/server.log" 2>&1 &
  server_pid=$!
  echo "$server_pid" >"$work/server.pid"
  local up=""
  for _ in $(seq 300); do
    kill -0 "$server_pid" 2>/dev/null || break
    if curl -sf --max-time 1 "$base/healthz" >/dev/null 2>&1; then
      up=1
      break
    fi
    sleep 0.1
  done
  [ -n "$up" ] || {
    tail -n 20 "$dir/server.log" >&2
    say "the $engine server did not come up on $base"
    return 1
  }
  say "$engine: server pid $server_pid on $base; loading $zaaktypen zaaktypen"

  local loaded
  loaded="$(timeout 900 "$py" "$root/bench/load.py" --base "$base" --token "$token" --zaaktypen "$zaaktypen" \
    --workers "$load_workers")" || {
    say "loading failed"
    return 1
  }
  local catalogus zaaktype load_seconds published
  catalogus="$("$py" -c 'import json,sys; print(json.load(sys.stdin)["catalogus"])' <<<"$loaded")"
  zaaktype="$("$py" -c 'import json,sys; print(json.load(sys.stdin)["zaaktype"])' <<<"$loaded")"
  load_seconds="$("$py" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])' <<<"$loaded")"
  published="$("$py" -c 'import json,sys; print(json.load(sys.stdin)["published"])' <<<"$loaded")"
  say "$engine: loaded in ${load_seconds}s ($published published); detail zaaktype $zaaktype"
  if [ "$engine" = postgresql ] && [ "$pg_analyze" = 1 ]; then
    # A real database has planner statistics; right after a bulk load autovacuum has usually not analyzed yet.
    local psql="${PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
    [ -x "$psql" ] || psql="psql"
    timeout 120 "$psql" "$db_url" -qAt -c ANALYZE || {
      say "ANALYZE failed"
      return 1
    }
    say "$engine: ANALYZE done"
  fi
  local hwm_load
  hwm_load="$(status_kib "$server_pid" VmHWM)"

  local detail="$base/catalogi/api/v1/zaaktypen/$zaaktype"
  local list="$base/catalogi/api/v1/zaaktypen?catalogus=$catalogus&status=definitief"
  check "$base/healthz"
  check "$detail"
  check "$list"
  check_list "$published"
  # The uncached variants: the catalogus filter must name the host the request is sent to.
  local cat_path="${catalogus#"$base"}"
  local list_path="/catalogi/api/v1/zaaktypen?catalogus=http://{host}$cat_path&status=definitief"
  local probe="check-$$.bench:$port"
  check "$base${list_path//\{host\}/$probe}" "$probe"
  check_list "$published"

  run_wrk "$engine" healthz "$base/healthz"
  run_wrk "$engine" detail "$detail"
  run_wrk "$engine" list "$list"
  local hwm_std
  hwm_std="$(status_kib "$server_pid" VmHWM)"
  if [ "$uncached" = 1 ]; then
    run_wrk "$engine" detail-uncached "$detail" "/catalogi/api/v1/zaaktypen/$zaaktype"
    run_wrk "$engine" list-uncached "$list" "$list_path"
  fi

  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$load_seconds" "$hwm_load" "$hwm_std" \
    "$(status_kib "$server_pid" VmHWM)" "$(status_kib "$server_pid" VmRSS)" >>"$rss"
  stop_server
  stop_pg
}

say "$(machine_desc), $started, commit $commit"
[ "$run_catalogi" = 1 ] && for_each_engine bench_engine

# ---------------------------------------------------------------------------------------------------------
endpoint_name() {
  case "$1" in
    healthz) echo 'GET /healthz (ceiling)' ;;
    detail) echo 'GET /zaaktypen/{uuid}' ;;
    list) echo "GET /zaaktypen?catalogus=…&status=definitief (100 of $((zaaktypen / 2)))" ;;
    detail-uncached) echo 'GET /zaaktypen/{uuid}, uncached (new Host per request)' ;;
    list-uncached) echo 'GET /zaaktypen?catalogus=…, uncached (new Host per request)' ;;
  esac
}

report="$work/latest.md"
: >"$report"
[ "$run_catalogi" = 1 ] && {
  echo "## Thorbecke read benchmark"
  echo
  echo "- machine: $(machine_desc)"
  echo "- date: $started; source tree $root at commit $commit"
  echo "- binary: ${bin/#$root\//} (built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC'))"
  analyzed=""
  [ "$pg_analyze" = 1 ] && analyzed="; PostgreSQL: ANALYZE after loading"
  echo "- data: 1 catalogus, $zaaktypen zaaktypen ($((zaaktypen - zaaktypen / 2)) published), loaded through the API$analyzed"
  echo "- load: $wrk_desc; $server_desc; release build, --no-access-log, loopback"
  echo "- load average (1/5/15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| engine | endpoint | req/s | p50 | p99 | ratio to ceiling | ratio by CPU cost | CPU per request: thorbecke / PostgreSQL | CPU cores: thorbecke / PostgreSQL / wrk / other | response |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r engine label rps p50 p99 per non2xx sockerr srv_cores us_req wrk_cores other_cores bench_us \
    db_cores db_us; do
    ceiling="$(awk -F'\t' -v e="$engine" '$1 == e && $2 == "healthz" { print $3 }' "$results")"
    ratio="$(awk -v a="$rps" -v b="$ceiling" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }')"
    ceiling_us="$(awk -F'\t' -v e="$engine" '$1 == e && $2 == "healthz" { print $13 }' "$results")"
    cpu_ratio="$(awk -v a="$bench_us" -v b="$ceiling_us" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", b / a; else printf "n/a" }')"
    flag=""
    [ "$non2xx" != 0 ] || [ "$sockerr" != 0 ] && flag=" ⚠"
    db_us_txt="–"
    db_cores_txt="–"
    if [ "$engine" = postgresql ]; then
      db_us_txt="$(awk -v v="$db_us" 'BEGIN { printf "%.0f µs", v }')"
      db_cores_txt="$db_cores"
    fi
    printf '| %s | %s | %s%s | %s ms | %s ms | %s | %s | %s µs / %s | %s / %s / %s / %s | %s B |\n' \
      "$(engine_name "$engine")" "$(endpoint_name "$label")" "$(awk -v r="$rps" 'BEGIN { printf "%.0f", r }')" "$flag" \
      "$(awk -v v="$p50" 'BEGIN { printf "%.2f", v }')" "$(awk -v v="$p99" 'BEGIN { printf "%.1f", v }')" \
      "$ratio" "$cpu_ratio" "$(awk -v v="$us_req" 'BEGIN { printf "%.0f", v }')" "$db_us_txt" \
      "$srv_cores" "$db_cores_txt" "$wrk_cores" "$other_cores" "$per"
  done <"$results"
  echo
  echo "Ratio to ceiling: req/s divided by the same engine's GET /healthz req/s. Ratio by CPU cost: the CPU one"
  echo "/healthz request costs the machine (thorbecke + PostgreSQL + wrk + kernel softirq, i.e. loopback TCP)"
  echo "divided by what one request of this row costs; on an otherwise idle machine, where everything is CPU-bound,"
  echo "it should come close to the ratio to ceiling, and it is much less disturbed by other work on the machine."
  echo "CPU per request: CPU time of the thorbecke process (SQLite runs inside it) and of the private PostgreSQL"
  echo "server during the measured run, divided by the requests served. CPU cores: average number of cores kept busy"
  echo "during the measured run by thorbecke, PostgreSQL, wrk and everything else on the machine (noise; ideally"
  echo "0.00 — above ~0.1 the req/s and latencies of that row are disturbed)."
  echo
  if [ -s "$rss" ]; then
    echo "Peak RSS of the thorbecke process (VmHWM; the PostgreSQL server's own memory is not included):"
    echo
    while IFS=$'\t' read -r engine load_s hwm_load hwm_std hwm_end rss_end; do
      echo "- $(engine_name "$engine"): peak $(mib "$hwm_std") MiB through the three standard endpoints" \
        "($(mib "$hwm_load") MiB after loading, which took ${load_s} s); $(mib "$hwm_end") MiB peak over the whole run," \
        "$(mib "$rss_end") MiB resident at the end"
    done <"$rss"
    echo
  fi
  if [ -s "$notes" ]; then
    echo "Notes:"
    echo
    cat "$notes"
    echo
  fi
} >"$report"

# run_suite NAME: runs bench/NAME.sh, which writes its own report and raw log; appends both to this run's.
run_suite() {
  local rc
  set +e
  "$root/bench/$1.sh" "$work/$1.md" "$work/$1.log"
  rc=$?
  set -e
  [ "$rc" -ge 128 ] && exit "$rc"  # interrupted
  [ "$rc" -ne 0 ] && failed=1
  if [ -s "$work/$1.md" ]; then
    [ -s "$report" ] && echo >>"$report"
    cat "$work/$1.md" >>"$report"
  fi
  [ -s "$work/$1.log" ] && cat "$work/$1.log" >>"$raw"
  return 0
}
[ "$run_zaken" = 1 ] && run_suite zaken
[ "$run_documenten" = 1 ] && run_suite documenten
[ "$run_notificaties" = 1 ] && run_suite notificaties
[ "$run_national" = 1 ] && run_suite national
[ "$run_algoritmeregister" = 1 ] && run_suite algoritmeregister

mkdir -p "$results_dir"
cp "$report" "$results_dir/latest.md"
cp "$raw" "$results_dir/latest.log"
echo
cat "$report"
say "written to bench/results/latest.md (raw wrk output: bench/results/latest.log)"
exit "$failed"
