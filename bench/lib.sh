# shellcheck shell=bash disable=SC2154,SC2034  # the globals below are the caller's: read, and set for it
# Shared by the benchmark scripts (bench/run.sh, zaken.sh, documenten.sh, notificaties.sh, national.sh); sourced.
# Expects these globals:
#   root bin py work  wrk_cmd (array)  server_cmd (array)  wrk_threads connections warmup duration
#   token (the JWT wrk sends)  results raw notes (files run_wrk appends to)  server_pid pg_dir (may be empty)
#   wrk_timeout (seconds after which wrk gives up on a request; default 10)  wrk_script (run_wrk's Lua script;
#   default bench/report.lua, whose RESULT line any other must print too)  server_threads (start_server; may be
#   empty)  pg_shared_buffers (pg_restart; default 256MB)  pg_durable (engine_db; default 1)

say() { echo "bench: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# bench_require TOOL...: the release binary and these commands are there, or the benchmark stops saying why.
bench_require() {
  [ -x "$bin" ] || die "no server binary at $bin (run: cmake --preset release && cmake --build --preset release)"
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh bench)"; done
}

stop_server() {
  [ -n "$server_pid" ] || server_pid="$(cat "$work/server.pid" 2>/dev/null || true)"
  [ -n "$server_pid" ] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  rm -f "$work/server.pid"
}

stop_pg() {
  [ -n "$pg_dir" ] || { [ -d "$work/pg" ] && pg_dir="$work/pg"; } || return 0
  "$root/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null 2>&1 || say "could not stop PostgreSQL in $pg_dir"
  pg_dir=""
}

# start_server ENGINE DIR DB_URL PORT: starts thorbecke serve, waits until /healthz answers.
start_server() {
  local engine="$1" dir="$2" db_url="$3" port="$4"
  local args=(serve --host 127.0.0.1 --port "$port" --data-dir "$dir" --db "$db_url" --no-access-log)
  [ -n "$server_threads" ] && args+=(--threads "$server_threads")
  "${server_cmd[@]}" "${args[@]}" >>"$dir/server.log" 2>&1 &
  server_pid=$!
  echo "$server_pid" >"$work/server.pid"
  for _ in $(seq 600); do
    kill -0 "$server_pid" 2>/dev/null || break
    if curl -sf --max-time 1 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
      say "$engine: server pid $server_pid on http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/server.log" >&2
  die "the $engine server did not come up on port $port"
}

# pg_restart DIR: the private PostgreSQL of scripts/pg-test-server.sh again, now with durable commits (it starts
# with fsync off) and a buffer pool of its own size (pg_shared_buffers, default 256MB).
pg_restart() {
  local dir="$1" port pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}" as_owner=()
  port="$(cat "$dir/port")"
  [ "$(id -u)" -eq 0 ] && as_owner=(runuser -u "${PG_TEST_USER:-postgres}" --)
  "${as_owner[@]}" "$pg_bin/pg_ctl" restart -w -t 120 -m fast -D "$dir/data" -l "$dir/postgres.log" -o "-p $port \
    -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=on -c full_page_writes=on -c synchronous_commit=on \
    -c max_connections=200 -c shared_buffers=${pg_shared_buffers:-256MB} -c max_wal_size=4GB" >/dev/null
}

# engine_db ENGINE DIR: sets db_url (the caller's) for ENGINE: a SQLite file in DIR, or the private PostgreSQL of
# scripts/pg-test-server.sh in $work/pg, restarted with durable commits unless pg_durable=0.
engine_db() {
  case "$1" in
    sqlite) db_url="sqlite://$2/thorbecke.db" ;;
    postgresql)
      pg_dir="$work/pg"
      db_url="$("$root/scripts/pg-test-server.sh" start "$pg_dir")" || die "scripts/pg-test-server.sh start failed"
      if [ "${pg_durable:-1}" = 1 ]; then pg_restart "$pg_dir" || die "PostgreSQL restart failed"; fi
      ;;
    *) die "unknown engine '$1' (sqlite, postgresql)" ;;
  esac
}

free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# status_kib PID FIELD: a field of /proc/PID/status in KiB (VmHWM: peak resident set, VmRSS: current).
status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# CPU time in clock ticks: all CPUs busy in user, nice, system and steal (not irq/softirq: loopback networking is
# accounted there, to no process), and one process (utime + stime).
cpu_busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $9; exit }' /proc/stat; }
cpu_irq_ticks() { awk '$1 == "cpu" { print $7 + $8; exit }' /proc/stat; }
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# The private PostgreSQL's CPU: its postmaster and all its children (backends, walwriter, autovacuum, ...); 0 if none.
db_ticks() {
  local pm t=0 p
  pm="$(head -n 1 "$work/pg/data/postmaster.pid" 2>/dev/null || true)"
  [ -n "$pm" ] || {
    echo 0
    return
  }
  for p in $pm $(ps -o pid= --ppid "$pm" 2>/dev/null || true); do
    t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
clk_tck="$(getconf CLK_TCK)"
# CPU seconds (user + system) of this shell's children that have been waited for: the second line of `times`.
# `times` must run in this shell itself (not in $(...)), so it writes a file that children_seconds FILE reads.
children_seconds() {
  awk 'NR == 2 {
    t = 0
    for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] }
    print t }' "$1"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# drain: waits (up to a minute) until the server and the private PostgreSQL are idle, so that requests the warm-up
# left in flight (slow rows have many) do not count in the measured run's CPU time.
drain() {
  local a b
  for _ in $(seq 120); do
    a=$(($(proc_ticks "$server_pid") + $(db_ticks)))
    sleep 0.5
    b=$(($(proc_ticks "$server_pid") + $(db_ticks)))
    [ $((b - a)) -le 5 ] && return 0
  done
  return 0 # still busy after a minute (work queued behind the warm-up): measure anyway
}

# run_wrk ENGINE LABEL URL [PATH]: warm-up, then the measured run; appends a line to $results. With PATH (in which
# {host} stands for the request's Host), every request has a new Host header: the uncached path (see report.lua).
run_wrk() {
  local engine="$1" label="$2" url="$3" out
  local fresh=0 path="${4:-}"
  [ $# -ge 4 ] && fresh=1
  export BENCH_FRESH_HOST="$fresh" BENCH_PATH="$path"
  say "$engine/$label: warm-up ${warmup}s, then ${duration}s"
  BENCH_TOKEN="$token" timeout $((warmup + 30)) "${wrk_cmd[@]}" -t"$wrk_threads" -c"$connections" \
    -d"${warmup}s" --timeout "${wrk_timeout:-10}s" -s "${wrk_script:-$root/bench/report.lua}" "$url" >/dev/null
  drain
  # CPU accounting around the measured run: all CPUs (/proc/stat), the server (/proc/PID/stat), the private
  # PostgreSQL, and wrk (the shell's reaped children, `times`); what is left is other work on the machine (noise).
  local busy0 irq0 srv0 db0 kids0 busy1 irq1 srv1 db1 kids1
  busy0="$(cpu_busy_ticks)"
  irq0="$(cpu_irq_ticks)"
  srv0="$(proc_ticks "$server_pid")"
  db0="$(db_ticks)"
  times >"$work/times0"
  BENCH_TOKEN="$token" timeout $((duration + 30)) "${wrk_cmd[@]}" -t"$wrk_threads" -c"$connections" \
    -d"${duration}s" --timeout "${wrk_timeout:-10}s" --latency -s "${wrk_script:-$root/bench/report.lua}" "$url" >"$work/wrk.out"
  busy1="$(cpu_busy_ticks)"
  irq1="$(cpu_irq_ticks)"
  srv1="$(proc_ticks "$server_pid")"
  db1="$(db_ticks)"
  times >"$work/times1"
  kids0="$(children_seconds "$work/times0")"
  kids1="$(children_seconds "$work/times1")"
  out="$(cat "$work/wrk.out")"
  printf '### %s %s\n$ wrk -t%s -c%s -d%ss --timeout %ss --latency -s bench/report.lua %s\n%s\n\n' \
    "$engine" "$label" "$wrk_threads" "$connections" "$duration" "${wrk_timeout:-10}" "$url" "$out" >>"$raw"
  local line
  line="$(grep '^RESULT ' <<<"$out" | tail -n 1)"
  [ -n "$line" ] || die "wrk printed no RESULT line for $engine/$label"
  local requests rps p50 p99 bytes non2xx sockerr
  requests="$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")"
  rps="$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")"
  p50="$(sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
  p99="$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
  bytes="$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$line")"
  non2xx="$(sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' <<<"$line")"
  sockerr="$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$line")"
  local per=0
  [ "$requests" -gt 0 ] && per=$((bytes / requests))
  local wall cpu
  wall="$(sed -n 's/.* duration_s=\([0-9.]*\).*/\1/p' <<<"$line")"
  # Columns: server cores, server CPU µs per request, wrk cores, other cores, benchmark CPU µs per request (what one
  # request costs the machine, whatever else runs beside it), database cores, database CPU µs per request.
  # The benchmark's CPU is server + database + wrk + the kernel's irq/softirq time (loopback TCP), but tick-based
  # accounting also charges softirq work done in a process's context to that process: processes beyond the busy
  # (non-irq) total must be such double counting, so it is min(processes + irq, busy + irq).
  cpu="$(awk -v b0="$busy0" -v b1="$busy1" -v i0="$irq0" -v i1="$irq1" -v s0="$srv0" -v s1="$srv1" \
    -v d0="$db0" -v d1="$db1" -v k0="$kids0" -v k1="$kids1" -v hz="$clk_tck" -v wall="$wall" -v n="$requests" 'BEGIN {
      total = (b1 - b0) / hz; srv = (s1 - s0) / hz; db = (d1 - d0) / hz; wrk = k1 - k0; irq = (i1 - i0) / hz
      other = total - srv - db - wrk; if (other < 0) other = 0
      ours = srv + db + wrk; if (ours > total) ours = total
      if (n < 1) n = 1
      printf "%.2f\t%.1f\t%.2f\t%.2f\t%.1f\t%.2f\t%.1f", srv / wall, srv * 1e6 / n, wrk / wall, other / wall,
        (ours + irq) * 1e6 / n, db / wall, db * 1e6 / n }')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$label" "$rps" "$p50" "$p99" "$per" "$non2xx" "$sockerr" \
    "$cpu" >>"$results"
  if [ "$non2xx" != 0 ] || [ "$sockerr" != 0 ]; then
    echo "- $engine/$label: $non2xx non-2xx responses, $sockerr socket errors (see latest.log)" >>"$notes"
  fi
}

# bench_begin: the files a benchmark script collects its figures in (in $work: results for run_wrk, meta, notes,
# raw) and the facts of its report's header (started_at, started, commit, load_start); failed=0.
bench_begin() {
  results="$work/results.tsv" # engine label rps p50 p99 bytes non2xx sockerr + 7 CPU figures (run_wrk)
  meta="$work/meta.tsv"       # engine key value
  notes="$work/notes.txt"
  raw="$work/raw.log"
  : >"$results"
  : >"$meta"
  : >"$notes"
  : >"$raw"
  failed=0
  started_at="$(date +%s)"
  commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit (with local changes)"
  started="$(date -u '+%Y-%m-%d %H:%M UTC')"
  load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
}

# machine_desc: CPUs, CPU model, memory and kernel, for a report's header.
machine_desc() {
  local cpu_model
  cpu_model="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  [ -n "$cpu_model" ] || cpu_model="$(lscpu 2>/dev/null | awk -F': *' '/Model name/ { print $2; exit }')"
  echo "$(nproc) CPUs, $cpu_model, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
}

# for_each_engine FUNC: runs `FUNC ENGINE` for each of $engines, each in a subshell of its own: a failure (die,
# set -e) ends that engine only, and its EXIT trap stops the server and the PostgreSQL it started. A failed engine
# is noted in $notes and sets failed=1; an interrupt ends the script.
for_each_engine() {
  local engine rc
  for engine in $engines; do
    set +e
    (
      set -e
      trap 'stop_server; stop_pg' EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM
      "$1" "$engine"
    )
    rc=$?
    set -e
    [ "$rc" -ge 128 ] && exit "$rc" # interrupted
    if [ "$rc" -ne 0 ]; then
      failed=1
      echo "- $(engine_name "$engine"): FAILED, no or partial figures (see the messages above)" >>"$notes"
    fi
  done
  return 0
}

engine_name() { case "$1" in sqlite) echo SQLite ;; postgresql) echo PostgreSQL ;; *) echo "$1" ;; esac; }

# The commands, the working folder and the clean-up every benchmark script shares. Sets wrk_cmd, server_cmd,
# work (a fresh folder under /tmp, world-searchable: as root the private PostgreSQL runs as `postgres` and must
# reach it), server_pid and pg_dir; on exit stops the server and PostgreSQL and removes the folder.
bench_setup() {
  local prefix="$1"
  wrk_cmd=(wrk)
  [ -n "$wrk_cpus" ] && wrk_cmd=(taskset -c "$wrk_cpus" "${wrk_cmd[@]}")
  server_cmd=("$bin")
  [ -n "$server_cpus" ] && server_cmd=(taskset -c "$server_cpus" "${server_cmd[@]}")
  work="$(mktemp -d "/tmp/$prefix.XXXXXX")"
  chmod 755 "$work"
  server_pid=""
  pg_dir=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

bench_cleanup() {
  stop_server
  stop_pg
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
