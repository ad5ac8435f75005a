#!/usr/bin/env bash
# shellcheck disable=SC2317  # bench_engine and what it calls run through for_each_engine (bench/lib.sh)
# Thorbecke Documenten API benchmark: part of `make bench` (bench/run.sh runs it after the Zaken benchmark) and
# runnable on its own. For each engine (SQLite, then PostgreSQL) on a fresh release server with a published
# informatieobjecttype (made through the Catalogi API), it measures
#   1. uploads of a BENCH_DOC_MIB (100) MiB document of random bytes, BENCH_DOC_REPEAT (3) times each: as one JSON
#      body with the content base64-encoded in `inhoud`, and in parts (create with `inhoud` null and
#      `bestandsomvang`, PUT each part as multipart/form-data, unlock); MiB/s of document content and the ratio to
#      a plain copy of the same file on the same disk that is made durable as the server's is
#      (`dd bs=1M conv=fsync`, measured as often, just before);
#   2. downloads of that document (GET .../{uuid}/download, curl to /dev/null): MiB/s and the ratio to a plain
#      read of the file (`dd bs=1M of=/dev/null`; both come from the page cache, the document was just written);
#      the content of both uploads is checked once against its SHA-256;
#   3. the server's memory during a BENCH_DOC_BIG_MIB (1024) MiB upload in parts: the server is restarted first so
#      that its peak resident set (VmHWM) starts clean; VmRSS before, VmHWM after the upload and after a download
#      of it, against the part size: the target is a peak bounded by a few parts, not by the file;
#   4. GET .../enkelvoudiginformatieobjecten/{uuid} (the metadata) with wrk, as a ratio to GET /healthz.
# Times are wall-clock medians; the client (bench/documenten_client.py) streams every body from its file.
# PostgreSQL is the private one of scripts/pg-test-server.sh, restarted with durable commits.
#
# Usage: bench/documenten.sh [REPORT.md [RAW.log]]   (defaults: bench/results/documenten.md and documenten.log)
# Knobs (environment), besides those of bench/run.sh (BENCH_ENGINES, BENCH_DURATION, BENCH_WARMUP,
# BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_SERVER_THREADS, BENCH_WRK_CPUS, BENCH_SERVER_CPUS, BENCH_KEEP,
# THORBECKE_BIN, BENCH_PYTHON):
#   BENCH_DOC_MIB=100  BENCH_DOC_BIG_MIB=1024  BENCH_DOC_REPEAT=3
#   BENCH_DOC_PART_BYTES=  (empty: the server's default part size; else THORBECKE_DOCUMENT_PART_BYTES)
#   THORBECKE_DOCUMENT_INLINE_MAX_BYTES=  (default: just enough for the JSON body of the BENCH_DOC_MIB document)
#   BENCH_PG_DURABLE=1  BENCH_PG_SHARED_BUFFERS=256MB
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${THORBECKE_BIN:-$root/build/release/src/app/thorbecke}"
py="${BENCH_PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py="$(command -v python3)"
engines="${BENCH_ENGINES:-sqlite postgresql}"
doc_mib="${BENCH_DOC_MIB:-100}"
big_mib="${BENCH_DOC_BIG_MIB:-1024}"
repeat="${BENCH_DOC_REPEAT:-3}"
part_bytes="${BENCH_DOC_PART_BYTES:-}"
duration="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-3}"
connections="${BENCH_CONNECTIONS:-64}"
wrk_threads="${BENCH_WRK_THREADS:-2}"
server_threads="${BENCH_SERVER_THREADS:-}"
wrk_cpus="${BENCH_WRK_CPUS:-}"
server_cpus="${BENCH_SERVER_CPUS:-}"
pg_durable="${BENCH_PG_DURABLE:-1}"
pg_shared_buffers="${BENCH_PG_SHARED_BUFFERS:-256MB}"
report_out="${1:-$root/bench/results/documenten.md}"
raw_out="${2:-$root/bench/results/documenten.log}"
secret="bench-secret-$$"
client="$root/bench/documenten_client.py"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

bench_require wrk curl timeout dd base64 sha256sum
"$py" -c 'import requests' 2>/dev/null || die "$py cannot import requests (apt-get install python3-requests)"
[ "$repeat" -ge 1 ] || die "BENCH_DOC_REPEAT must be at least 1"
if [ "$doc_mib" -lt 1 ] || [ "$big_mib" -lt 1 ]; then die "BENCH_DOC_MIB and BENCH_DOC_BIG_MIB must be at least 1"; fi
# Exported for the servers this script starts. The JSON upload's body is the content in base64 (4/3 of it) and a
# little metadata: the server's limit of such bodies (default 128 MiB) must let it in.
[ -n "$part_bytes" ] && export THORBECKE_DOCUMENT_PART_BYTES="$part_bytes"
inline_max="${THORBECKE_DOCUMENT_INLINE_MAX_BYTES:-$((4 * (((doc_mib << 20) + 2) / 3) + (1 << 20)))}"
export THORBECKE_DOCUMENT_INLINE_MAX_BYTES="$inline_max"

bench_setup thorbecke-bench-documenten
token=""

bench_begin

note() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$meta"; }
# add_note ENGINE KEY VALUE: appends VALUE to a comma-separated list (one entry per repeat).
add_note() {
  local prev
  prev="$(awk -F'\t' -v e="$1" -v k="$2" '$1 == e && $2 == k { v = $3 } END { print v }' "$meta")"
  if [ -n "$prev" ]; then
    awk -F'\t' -v e="$1" -v k="$2" -v v="$prev,$3" 'BEGIN { OFS = "\t" } $1 == e && $2 == k { $3 = v } 1' \
      "$meta" >"$meta.new"
    mv "$meta.new" "$meta"
  else
    note "$1" "$2" "$3"
  fi
}
json_get() { "$py" -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
# seconds CMD...: runs CMD (output discarded), prints its wall-clock seconds; fails when CMD fails.
seconds() {
  local t0 t1
  t0="$(date +%s%N)"
  "$@" >/dev/null 2>&1 || return 1
  t1="$(date +%s%N)"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'
}

# The documents: random bytes (incompressible, and no two uploads alike: the client puts a nonce in front).
data="$work/data"
mkdir -p "$data"
need_mib=$((3 * doc_mib + 2 * big_mib + 2 * repeat * doc_mib + 1024))
avail_mib="$(df -Pm "$work" | awk 'NR == 2 { print $4 }')"
[ "$avail_mib" -ge "$need_mib" ] || die "$work has $avail_mib MiB free; the benchmark needs about $need_mib MiB"
say "Documenten benchmark: writing ${doc_mib} MiB and ${big_mib} MiB of random data to $data"
head -c "$((doc_mib << 20))" /dev/urandom >"$data/doc.bin"
base64 -w0 "$data/doc.bin" >"$data/doc.b64"
head -c "$((big_mib << 20))" /dev/urandom >"$data/big.bin"

# baselines ENGINE FILE SUFFIX: a durable copy (dd conv=fsync) and a read of FILE, as often as the uploads run.
baselines() {
  local engine="$1" file="$2" suffix="$3" n="$4" i t
  for ((i = 0; i < n; i++)); do
    t="$(seconds dd if="$file" of="$work/copy.bin" bs=1M conv=fsync)" || die "dd (copy) failed"
    rm -f "$work/copy.bin"
    add_note "$engine" "copy_$suffix" "$t"
    t="$(seconds dd if="$file" of=/dev/null bs=1M)" || die "dd (read) failed"
    add_note "$engine" "read_$suffix" "$t"
  done
}

# upload ENGINE KEY MODE FILE NONCE [--sha256]: one timed upload; its JSON answer in $work/upload.json.
upload() {
  local engine="$1" key="$2" mode="$3" file="$4" nonce="$5"
  shift 5
  timeout 900 "$py" "$client" upload --base "$base" --token "$token" --iot "$iot" --mode "$mode" --file "$file" \
    --b64 "$data/doc.b64" --nonce "$nonce" "$@" >"$work/upload.json" || die "$engine: upload ($mode) failed"
  local out
  out="$(cat "$work/upload.json")"
  add_note "$engine" "$key" "$(json_get "$out" seconds)"
  note "$engine" "${key}_parts" "$(json_get "$out" parts)"
  note "$engine" "${key}_part_bytes" "$(json_get "$out" part_bytes)"
}

# download ENGINE KEY UUID BYTES: one timed download to /dev/null (curl's own total time).
download() {
  local engine="$1" key="$2" uuid="$3" bytes="$4" out code size t
  out="$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' --max-time 600 \
    -H "Authorization: Bearer $token" "$base/documenten/api/v1/enkelvoudiginformatieobjecten/$uuid/download")"
  read -r code size t <<<"$out"
  if [ "$code" != 200 ] || [ "$size" != "$bytes" ]; then
    die "$engine: download of $uuid: HTTP $code, $size bytes (expected $bytes)"
  fi
  add_note "$engine" "$key" "$t"
}

# check_content ENGINE WHAT UUID SHA256: the downloaded content must be the uploaded one, byte for byte.
check_content() {
  local got
  got="$(curl -sf --max-time 600 -H "Authorization: Bearer $token" \
    "$base/documenten/api/v1/enkelvoudiginformatieobjecten/$3/download" | sha256sum | cut -d' ' -f1)"
  if [ "$got" = "$4" ]; then
    note "$1" "sha_$2" ok
  else
    note "$1" "sha_$2" "MISMATCH"
    echo "- $(engine_name "$1"): the download of the $2 upload differs from what was sent (SHA-256 $got, sent $4)" \
      >>"$notes"
  fi
}

bench_engine() {
  local engine="$1" db_url port
  local dir="$work/$engine"
  mkdir -p "$dir"
  engine_db "$engine" "$dir"
  "$bin" clients add --db "$db_url" --data-dir "$dir" --client-id bench-documenten --secret "$secret" \
    --all-rights >/dev/null
  token="$("$bin" token --client-id bench-documenten --secret "$secret")"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  start_server "$engine" "$dir" "$db_url" "$port"
  iot="$(json_get "$(timeout 120 "$py" "$client" setup --base "$base" --token "$token")" informatieobjecttype)" ||
    die "$engine: setting up the informatieobjecttype failed"

  # 1, 2: the document, as one JSON body and in parts; the baselines just before.
  local i nonce=0
  [ "$engine" = postgresql ] && nonce=1000
  baselines "$engine" "$data/doc.bin" doc "$repeat"
  local json_sha="" parts_sha="" json_uuid="" parts_uuid="" sha=()
  for ((i = 1; i <= repeat; i++)); do
    sha=()
    [ "$i" = "$repeat" ] && sha=(--sha256)
    say "$engine: upload $i/$repeat of ${doc_mib} MiB as JSON (base64)"
    upload "$engine" upload_json json "$data/doc.bin" "$((nonce + 2 * i))" "${sha[@]}"
    json_uuid="$(json_get "$(cat "$work/upload.json")" uuid)"
    [ "$i" = "$repeat" ] && json_sha="$(json_get "$(cat "$work/upload.json")" sha256)"
    say "$engine: upload $i/$repeat of ${doc_mib} MiB in parts"
    upload "$engine" upload_parts parts "$data/doc.bin" "$((nonce + 2 * i + 1))" "${sha[@]}"
    parts_uuid="$(json_get "$(cat "$work/upload.json")" uuid)"
    [ "$i" = "$repeat" ] && parts_sha="$(json_get "$(cat "$work/upload.json")" sha256)"
  done
  for ((i = 1; i <= repeat; i++)); do
    download "$engine" download "$parts_uuid" "$((doc_mib << 20))"
  done
  note "$engine" hwm_doc_kib "$(status_kib "$server_pid" VmHWM)"
  check_content "$engine" json "$json_uuid" "$json_sha"
  check_content "$engine" parts "$parts_uuid" "$parts_sha"

  # 4: the metadata of a document against the ceiling.
  local detail="$base/documenten/api/v1/enkelvoudiginformatieobjecten/$parts_uuid" code
  code="$(curl -s -o "$work/check.json" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $token" "$detail")"
  [ "$code" = 200 ] || die "$engine: GET $detail: HTTP $code"
  run_wrk "$engine" healthz "$base/healthz"
  run_wrk "$engine" detail "$detail"

  # 3: memory during a large upload in parts, on a restarted server (a clean VmHWM).
  stop_server
  start_server "$engine" "$dir" "$db_url" "$port"
  sleep 1
  note "$engine" rss_before_kib "$(status_kib "$server_pid" VmRSS)"
  note "$engine" hwm_before_kib "$(status_kib "$server_pid" VmHWM)"
  baselines "$engine" "$data/big.bin" big 1
  say "$engine: upload of ${big_mib} MiB in parts"
  upload "$engine" upload_big parts "$data/big.bin" "$((nonce + 999))"
  local big_uuid
  big_uuid="$(json_get "$(cat "$work/upload.json")" uuid)"
  note "$engine" hwm_upload_kib "$(status_kib "$server_pid" VmHWM)"
  note "$engine" rss_upload_kib "$(status_kib "$server_pid" VmRSS)"
  download "$engine" download_big "$big_uuid" "$((big_mib << 20))"
  note "$engine" hwm_download_kib "$(status_kib "$server_pid" VmHWM)"
  stop_server
  note "$engine" data_mib "$(du -sm "$dir" | cut -f1)"
  rm -rf "$dir"
  stop_pg
}

say "Documenten benchmark: $(nproc) CPUs, $started, commit $commit; engines: $engines"
for_each_engine bench_engine
rm -rf "$data"
elapsed=$(($(date +%s) - started_at))

# ---------------------------------------------------------------------------------------------------------
DB_MACHINE="$(machine_desc)"
DB_FS="$(df -PT "$work" | awk 'NR == 2 { print $2 " on " $1 }')"
export DB_DATE="$started" DB_COMMIT="$commit" DB_BIN="${bin/#$root\//}" DB_ELAPSED="$elapsed"
export DB_DOC_MIB="$doc_mib" DB_BIG_MIB="$big_mib" DB_REPEAT="$repeat" DB_PART_BYTES="$part_bytes"
export DB_INLINE_MAX="$inline_max"
export DB_WRK="wrk -t$wrk_threads -c$connections, ${warmup} s warm-up + ${duration} s measured per row"
DB_LOADAVG="$load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
DB_PG="scripts/pg-test-server.sh defaults (fsync off)"
[ "$pg_durable" = 1 ] && DB_PG="durable (fsync, full_page_writes, synchronous_commit on), shared_buffers $pg_shared_buffers"
export DB_MACHINE DB_FS DB_LOADAVG DB_PG
"$py" "$root/bench/documenten_report.py" "$results" "$meta" "$notes" >"$work/report.md"

mkdir -p "$(dirname "$report_out")" "$(dirname "$raw_out")"
cp "$work/report.md" "$report_out"
cp "$raw" "$raw_out"
cat "$work/report.md"
say "Documenten benchmark took $((elapsed / 60)) min $((elapsed % 60)) s; written to ${report_out/#$root\//}"
exit "$failed"
