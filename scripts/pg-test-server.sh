#!/usr/bin/env bash
# A private, throw-away PostgreSQL 15 for tests: its own data directory, port and socket directory, no
# durability (fsync off), trust authentication on 127.0.0.1 only. Nothing of the system's own clusters is used.
#
# Usage: scripts/pg-test-server.sh start DIR   initdb into DIR (if needed), start, print the URL
#        scripts/pg-test-server.sh url DIR     print the libpq URL, e.g. postgresql://thorbecke@127.0.0.1:5433/thorbecke_test
#        scripts/pg-test-server.sh stop DIR    stop the server and remove DIR
#
# Typical use:  export THORBECKE_TEST_PG_URL=$(scripts/pg-test-server.sh start /tmp/thorbecke-pg)
# Runs as an ordinary user, or as root: initdb and postgres refuse to run as root, so then the server runs as
# the `postgres` system user (created by the postgresql-15 package) and DIR is handed to that user.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|url DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd="$1"
dir="$2"
[ -n "$dir" ] || usage
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
db_name="thorbecke_test"
db_user="thorbecke"
data="$dir/data"
sock="$dir/socket"
port_file="$dir/port"
log="$dir/postgres.log"

log() { echo "pg-test-server: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# Runs a command as the user that owns the cluster.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  owner="${PG_TEST_USER:-postgres}"
  id -u "$owner" >/dev/null 2>&1 || die "user '$owner' does not exist (install postgresql-15 or set PG_TEST_USER)"
  as_owner=(runuser -u "$owner" --)
else
  owner="$(id -un)"
fi
run() { "${as_owner[@]}" "$@"; }

url() {
  [ -f "$port_file" ] || die "no server in $dir (run '$0 start $dir' first)"
  echo "postgresql://$db_user@127.0.0.1:$(cat "$port_file")/$db_name"
}

running() { [ -f "$data/postmaster.pid" ] && run "$pg_bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }

# A port nobody listens on: ask the kernel for one when python3 is there, otherwise probe random ports.
# Start-up retries with another port if it was taken in between.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

start() {
  [ -x "$pg_bin/initdb" ] || die "$pg_bin/initdb not found (apt-get install postgresql-15, or scripts/install-deps.sh test)"
  if running; then
    url
    return
  fi
  mkdir -p "$dir"
  if [ ${#as_owner[@]} -gt 0 ]; then
    chown "$owner" "$dir"
    chmod 755 "$dir"
    run test -w "$dir" ||
      die "user '$owner' cannot reach $dir (a parent directory is not searchable): use a directory under /tmp"
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    run mkdir -p "$data" "$sock"
    run "$pg_bin/initdb" -D "$data" -U "$db_user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      --no-instructions >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      die "initdb failed"
    }
  fi

  local port ok=""
  for _ in 1 2 3 4 5; do
    port="$(free_port)"
    # fsync/full_page_writes/synchronous_commit off: tests do not need durability, they need speed.
    if run "$pg_bin/pg_ctl" start -w -t 60 -D "$data" -l "$log" -o "-p $port -k $sock \
        -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off \
        -c max_connections=200 -c shared_buffers=32MB" >/dev/null; then
      ok=1
      break
    fi
    log "start on port $port failed, trying another port"
  done
  [ -n "$ok" ] || {
    tail -n 20 "$log" >&2 || true
    die "postgres did not start (log: $log)"
  }
  echo "$port" >"$port_file"

  if ! run "$pg_bin/psql" -h "$sock" -p "$port" -U "$db_user" -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1; then
    run "$pg_bin/createdb" -h "$sock" -p "$port" -U "$db_user" "$db_name"
  fi
  url
}

stop() {
  if [ -f "$data/PG_VERSION" ] && running; then
    run "$pg_bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) usage ;;
esac
