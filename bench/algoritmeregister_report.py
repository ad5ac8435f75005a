#!/usr/bin/python3
"""Writes the Markdown report of bench/algoritmeregister.sh from its result files.

Usage: algoritmeregister_report.py RESULTS.tsv META.tsv NOTES.txt  (the header facts come from AR_* environment
variables)

RESULTS.tsv: the wrk rows as bench/lib.sh's run_wrk writes them (see bench/wrk_rows.py). META.tsv: engine, key,
value (seed time in seconds, page weights in bytes, memory in KiB).
"""
import os
import sys

from wrk_rows import ENGINES, WRK_ALIGN, WRK_HEADER, note_errors, notes_section, num, read_rows, thousands, wrk_cells

LABELS = {
    "healthz": "GET /healthz (ceiling)",
    "list": "list page GET /algoritmeregister (HTML, first 20)",
    "list-zoek": "list page with search text, status and category filter (HTML)",
    "api-zoek": "search API GET /algoritmeregister/api/v1/algoritmes?zoek=… (JSON)",
    "detail": "detail page GET /algoritmeregister/algoritmes/{lars} (HTML)",
}


def kb(n):
    return f"{num(n) / 1024:.1f} KB"


def main() -> int:
    results_path, meta_path, notes_path = sys.argv[1:4]
    env = os.environ.get
    rows = read_rows(results_path)
    meta = {}
    engines = []
    with open(meta_path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 3:
                meta[(p[0], p[1])] = p[2]
                if p[0] not in engines:
                    engines.append(p[0])
    for e, _, _ in rows:
        if e not in engines:
            engines.append(e)

    out = []
    w = out.append
    w("## Algorithm register benchmark")
    w("")
    w(f"- machine: {env('AR_MACHINE', '?')}")
    w(f"- date: {env('AR_DATE', '?')}; commit {env('AR_COMMIT', '?')}; binary {env('AR_BIN', '?')} (release build)")
    w(f"- load average (1/5/15 min) at start: {env('AR_LOADAVG', '?')}")
    elapsed = int(env("AR_ELAPSED", "0"))
    w(f"- the whole benchmark took {elapsed // 60} min {elapsed % 60} s")
    seeds = [f"{ENGINES.get(e, e)} {num(meta[(e, 'seed_seconds')]):.0f} s" for e in engines if (e, "seed_seconds") in meta]
    w(f"- data: {thousands(num(env('AR_COUNT', '0')))} published registrations of {env('AR_ORGS', '?')} organisations, "
      f"seeded through the staff API (create, vrijgeven, publiceren by another account: 3 requests each, "
      f"{env('AR_WORKERS', '?')} client threads; bench/algoritmeregister_seed.py)"
      + (f"; seeding took {', '.join(seeds)}" if seeds else ""))
    w(f"- load: {env('AR_WRK', '?')}; loopback; server with its default threads and --no-access-log; PostgreSQL "
      f"{env('AR_PG', '?')}, VACUUM ANALYZE after seeding")
    w("")
    w(f"| engine | endpoint | {WRK_HEADER} |")
    w(f"|---|---|{WRK_ALIGN}|")
    ceilings = {e: r for e, label, r in rows if label == "healthz"}
    for e, label, r in rows:
        w(f"| {ENGINES.get(e, e)} | {LABELS.get(label, label)} | {wrk_cells(e, r, ceilings.get(e))} |")
        note_errors(notes_path, f"{ENGINES.get(e, e)} {LABELS.get(label, label)}", r)
    w("")
    w("Ratio to ceiling: req/s divided by the same engine's GET /healthz req/s; ratio by CPU cost: the CPU one /healthz "
      "request costs the machine divided by what one request of the row costs (see bench/run.sh's report).")
    w("")
    matches = []
    for e in engines:
        if (e, "search_matches") in meta:
            matches.append(
                f"{ENGINES.get(e, e)}: the search text is in {thousands(num(meta[(e, 'search_matches')]))} names, "
                f"{thousands(num(meta[(e, 'filter_matches')]))} of them also match both filters; the search API "
                f"answered count {meta.get((e, 'api_zoek_count'), '?')}, the filtered list page showed "
                f"{meta.get((e, 'list_zoek_results'), '?')} results on its first page")
    if matches:
        w("Searches: " + "; ".join(matches) + ".")
        w("")

    w("### Page weight of the list page")
    w("")
    w("| engine | HTML | stylesheets | HTML + CSS | HTML + CSS, gzip allowed | HTML gzip -9 (for comparison) |")
    w("|---|---:|---:|---:|---:|---:|")
    for e in engines:
        if (e, "html_bytes") not in meta:
            continue
        html, css = num(meta[(e, "html_bytes")]), num(meta[(e, "css_bytes")])
        html_gz, css_gz = num(meta[(e, "html_gzip_bytes")]), num(meta[(e, "css_gzip_bytes")])
        w(f"| {ENGINES.get(e, e)} | {kb(html)} | {kb(css)} ({meta.get((e, 'css_files'), '?')} files) | "
          f"{kb(html + css)} | {kb(html_gz + css_gz)} | {kb(meta.get((e, 'html_gzip9_bytes'), 0))} |")
    w("")
    w("Sizes are the bodies as sent (curl, no decompression); the stylesheets are cached for a year (immutable), so a "
      "visitor loads them once.")
    w("")
    mem = [f"{ENGINES.get(e, e)} {num(meta[(e, 'hwm_end_kib')]) / 1024:.0f} MiB" for e in engines
           if (e, "hwm_end_kib") in meta]
    if mem:
        w("Peak RSS of the thorbecke process (VmHWM) at the end: " + ", ".join(mem) + ".")
        w("")
    sizes = [f"{ENGINES.get(e, e)} {meta[(e, 'data_mib')]} MiB" for e in engines if (e, "data_mib") in meta]
    if sizes:
        w("Server data directory at the end: " + ", ".join(sizes) + " (PostgreSQL: its data is elsewhere).")
        w("")
    notes_section(w, notes_path)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
