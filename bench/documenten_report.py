#!/usr/bin/python3
"""Writes the Markdown report of bench/documenten.sh from its result files.

Usage: documenten_report.py RESULTS.tsv META.tsv NOTES.txt  (the header facts come from DB_* environment variables)

RESULTS.tsv: the wrk rows as bench/lib.sh's run_wrk writes them (see bench/wrk_rows.py). META.tsv: engine, key,
value; times are seconds, one per repeat, comma-separated; memory figures KiB.
"""
import os
import statistics
import sys

from wrk_rows import ENGINES, WRK_ALIGN, WRK_HEADER, note_errors, notes_section, num, read_rows, wrk_cells

# A peak of at most this many parts above the resident set before the upload counts as "bounded by a few parts".
FEW_PARTS = 4


def times(meta, engine, key):
    v = meta.get((engine, key), "")
    return [num(x) for x in v.split(",") if x and num(x) > 0]


def mib(kib):
    return f"{num(kib) / 1024:.0f} MiB"


def size_text(n_bytes):
    n = n_bytes / (1 << 20)
    if n >= 1024 and n % 1024 == 0:
        return f"{n / 1024:.0f} GiB"
    return f"{n:.0f} MiB" if n == int(n) else f"{n:.1f} MiB"


def main() -> int:
    results_path, meta_path, notes_path = sys.argv[1:4]
    env = os.environ.get
    rows = {(e, label): r for e, label, r in read_rows(results_path)}
    meta = {}
    engines = []
    with open(meta_path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 3:
                meta[(p[0], p[1])] = p[2]
                if p[0] not in engines:
                    engines.append(p[0])
    for e, _ in rows:
        if e not in engines:
            engines.append(e)

    doc_bytes = int(env("DB_DOC_MIB", "100")) << 20
    big_bytes = int(env("DB_BIG_MIB", "1024")) << 20
    repeat = int(env("DB_REPEAT", "3"))
    out = []
    w = out.append
    w("## Documenten API benchmark")
    w("")
    w(f"- machine: {env('DB_MACHINE', '?')}; file system of the data and the server's blob store: "
      f"{env('DB_FS', '?')}")
    w(f"- date: {env('DB_DATE', '?')}; commit {env('DB_COMMIT', '?')}; binary {env('DB_BIN', '?')} (release build)")
    w(f"- load average (1/5/15 min) at start: {env('DB_LOADAVG', '?')}")
    elapsed = int(env("DB_ELAPSED", "0"))
    w(f"- the whole Documenten benchmark took {elapsed // 60} min {elapsed % 60} s")
    part = env("DB_PART_BYTES", "")
    w(f"- documents: random bytes, {size_text(doc_bytes)} (each upload {repeat}×, median) and {size_text(big_bytes)}"
      " (once); every upload is new content (a nonce in its first bytes: the blob store is content-addressed); "
      "client: bench/documenten_client.py (python3-requests, bodies streamed from the file in 1 MiB pieces, one "
      "connection, parts one after the other); downloads: curl to /dev/null; part size: "
      + (f"{size_text(int(part))} (THORBECKE_DOCUMENT_PART_BYTES)" if part else "the server's default")
      + f"; THORBECKE_DOCUMENT_INLINE_MAX_BYTES={env('DB_INLINE_MAX', '?')} (room for the JSON body)")
    w("- MiB/s are of document content (the JSON body is 4/3 as large: base64); an upload is timed from its first "
      "request to the last answer (parts: create, every PUT, unlock). Baselines, on the same disk, just before: "
      "upload ÷ a durable copy of the same file (`dd bs=1M conv=fsync`; the server fsyncs what it stores), "
      "download ÷ a read of the file (`dd bs=1M of=/dev/null`; both from the page cache)")
    w(f"- metadata row: {env('DB_WRK', '?')}; loopback; server with its default threads and --no-access-log; "
      f"PostgreSQL {env('DB_PG', '?')}")
    w("")

    # ---- Throughput
    w("### Upload and download")
    w("")
    w("| engine | operation | size | time (median) | MiB/s | baseline | baseline MiB/s | ratio to baseline |")
    w("|---|---|---:|---:|---:|---|---:|---:|")
    for e in engines:
        def row(label, key, nbytes, base_key, base_label):
            t = times(meta, e, key)
            b = times(meta, e, base_key)
            if not t:
                return
            tm = statistics.median(t)
            rate = nbytes / (1 << 20) / tm
            base_rate = nbytes / (1 << 20) / statistics.median(b) if b else 0
            ratio = f"{rate / base_rate:.2f}" if base_rate else "–"
            spread = f" ({min(t):.2f}–{max(t):.2f})" if len(t) > 1 else ""
            w(f"| {ENGINES.get(e, e)} | {label} | {size_text(nbytes)} | {tm:.2f} s{spread} | {rate:.0f} | "
              f"{base_label} | {base_rate:.0f} | {ratio} |")

        def parts_label(key):
            n, size = int(num(meta.get((e, f"{key}_parts")))), int(num(meta.get((e, f"{key}_part_bytes"))))
            return f"upload in parts ({n} × ≤ {size_text(size)})" if n else "upload in parts"

        row("upload, one JSON body (base64)", "upload_json", doc_bytes, "copy_doc", "dd conv=fsync")
        row(parts_label("upload_parts"), "upload_parts", doc_bytes, "copy_doc", "dd conv=fsync")
        row("download", "download", doc_bytes, "read_doc", "dd read")
        row(parts_label("upload_big"), "upload_big", big_bytes, "copy_big", "dd conv=fsync")
        row("download", "download_big", big_bytes, "read_big", "dd read")
    w("")
    checks = []
    for e in engines:
        for what in ("json", "parts"):
            v = meta.get((e, f"sha_{what}"))
            if v:
                checks.append(f"{ENGINES.get(e, e)} {what}: {'identical' if v == 'ok' else 'DIFFERENT'}")
    if checks:
        w("Content check (SHA-256 of the download against what was sent, once per upload kind): "
          + "; ".join(checks) + ".")
        w("")

    # ---- Memory
    w(f"### Memory of the server during a {size_text(big_bytes)} upload in parts")
    w("")
    w(f"Restarted server; VmRSS before the upload, the peak (VmHWM) after it and after downloading the document. "
      f"Target: the peak stays within a few parts (✔: at most {FEW_PARTS} parts) above the resident set before, "
      f"independent of the file's size.")
    w("")
    w("| engine | part size | RSS before | peak after the upload | growth | growth in parts | growth ÷ file size "
      "| RSS after the upload | peak after the download |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        before, hwm = num(meta.get((e, "rss_before_kib"))), num(meta.get((e, "hwm_upload_kib")))
        if not before or not hwm:
            continue
        part_bytes = num(meta.get((e, "upload_big_part_bytes")))
        growth = max(hwm - before, 0) * 1024
        in_parts = f"{growth / part_bytes:.1f} {'✔' if growth <= FEW_PARTS * part_bytes else '✘'}" if part_bytes else "–"
        w(f"| {ENGINES.get(e, e)} | {size_text(int(part_bytes)) if part_bytes else '–'} | {mib(before)} | "
          f"{mib(hwm)} | {growth / (1 << 20):.0f} MiB | {in_parts} | {growth / big_bytes:.3f} | "
          f"{mib(meta.get((e, 'rss_upload_kib')))} | {mib(meta.get((e, 'hwm_download_kib')))} |")
    w("")
    peaks = [f"{ENGINES.get(e, e)} {mib(meta[(e, 'hwm_doc_kib')])}" for e in engines if (e, "hwm_doc_kib") in meta]
    if peaks:
        w(f"For comparison, the peak of the first server, after the {size_text(doc_bytes)} uploads (JSON bodies "
          f"of {size_text(4 * ((doc_bytes + 2) // 3))} among them) and downloads: " + ", ".join(peaks) + ".")
        w("")

    # ---- Metadata reads
    w("### GET of a document's metadata")
    w("")
    w(f"| engine | endpoint | {WRK_HEADER} |")
    w(f"|---|---|{WRK_ALIGN}|")
    labels = {"healthz": "GET /healthz (ceiling)", "detail": "GET /enkelvoudiginformatieobjecten/{uuid}"}
    for e in engines:
        ceiling = rows.get((e, "healthz"))
        for label in ("healthz", "detail"):
            r = rows.get((e, label))
            if not r:
                continue
            w(f"| {ENGINES.get(e, e)} | {labels[label]} | {wrk_cells(e, r, ceiling)} |")
            note_errors(notes_path, f"{ENGINES.get(e, e)} {labels[label]}", r)
    w("")
    sizes = [f"{ENGINES.get(e, e)} {meta[(e, 'data_mib')]} MiB" for e in engines if (e, "data_mib") in meta]
    if sizes:
        w("Server data directory at the end (blob store and, for SQLite, the database): " + ", ".join(sizes) + ".")
        w("")
    notes_section(w, notes_path)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
