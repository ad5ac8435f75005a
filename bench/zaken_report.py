#!/usr/bin/python3
"""Writes the Markdown report of bench/zaken.sh from its result files.

Usage: zaken_report.py RESULTS.tsv META.tsv NOTES.txt  (the header facts come from ZB_* environment variables)

RESULTS.tsv has one line per wrk row, as bench/lib.sh's run_wrk writes it: engine, label (phase/endpoint), req/s,
p50 ms, p99 ms, bytes per response, non-2xx, socket errors, thorbecke cores, thorbecke µs/request, wrk cores,
other cores, machine µs/request, PostgreSQL cores, PostgreSQL µs/request. META.tsv: engine, key, value.
"""
import os
import sys

from wrk_rows import ENGINES, WRK_ALIGN, WRK_HEADER, note_errors, notes_section, num, read_rows, thousands, wrk_cells

ENDPOINTS = {
    "healthz": "GET /healthz (ceiling)",
    "detail": "GET /zaken/{uuid}",
    "list-first": "GET /zaken?zaaktype=…&page=1",
    "list-mid": "GET /zaken?zaaktype=…&page=middle",
    "zoek": "POST /zaken/_zoek (within polygon)",
    "zoek-scaled": "POST /zaken/_zoek (polygon scaled to the data)",
    "create": "POST /zaken",
}
COST_TARGET = 1.5
DETAIL_TARGET = 0.5


def main() -> int:
    results_path, meta_path, notes_path = sys.argv[1:4]
    rows = {}
    order = []
    for engine, label, figures in read_rows(results_path):
        phase, endpoint = label.split("/", 1)
        rows[(engine, phase, endpoint)] = figures
        order.append((engine, phase, endpoint))
    meta = {}
    with open(meta_path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 3:
                meta[(p[0], p[1])] = p[2]
    engines = []
    for e, _, _ in order:
        if e not in engines:
            engines.append(e)

    env = os.environ.get
    small, large = int(env("ZB_SMALL", "10000")), int(env("ZB_LARGE", "1000000"))
    zaaktypen, granted = int(env("ZB_ZAAKTYPEN", "50")), int(env("ZB_GRANTED", "5"))
    size = {"small": thousands(small), "large": thousands(large)}
    out = []
    w = out.append
    w("## Zaken API benchmark")
    w("")
    w(f"- machine: {env('ZB_MACHINE', '?')}")
    w(f"- date: {env('ZB_DATE', '?')}; commit {env('ZB_COMMIT', '?')}; binary {env('ZB_BIN', '?')} (release build)")
    w(f"- load: {env('ZB_WRK', '?')}; loopback; server with its default threads (one per core) and --no-access-log")
    w(f"- load average (1/5/15 min) at start: {env('ZB_LOADAVG', '?')}")
    elapsed = int(env("ZB_ELAPSED", "0"))
    w(f"- the whole Zaken benchmark took {elapsed // 60} min {elapsed % 60} s")
    w(f"- data: `thorbecke zaken-load`: {size['small']} zaken, then grown to {size['large']}, spread evenly over "
      f"{zaaktypen} published zaaktypen; each zaak has 1 or 2 statussen, a rol (natuurlijk persoon, BSN) and a "
      "geometry (85 % points, 15 % small squares, lon 3.3–7.2 / lat 50.7–53.5); vertrouwelijkheidaanduiding spread "
      f"evenly over the 8 levels; {thousands(int(env('ZB_LOAD_BATCH', '0')))} zaken per loader transaction")
    for e in engines:
        parts = []
        for phase in ("small", "large"):
            added, secs, rate, wall = (meta.get((e, f"load_{phase}_{k}")) for k in ("added", "bulk_seconds", "rate",
                                                                                    "wall"))
            if added:
                parts.append(f"{thousands(num(added))} zaken in {wall} s ({thousands(num(rate))} zaken/s in bulk)")
        db = meta.get((e, "db_mib"))
        extra = f"; database {thousands(num(db))} MiB at {size['large']} zaken" if db else ""
        w(f"- loading, {ENGINES.get(e, e)}: " + ", then ".join(parts) + extra)
    w(f"- client: every row sends the JWT of a client with `zaken.lezen` and `zaken.aanmaken` for {granted} of the "
      f"{zaaktypen} zaaktypen, up to `geheim`, so it may see {granted}/{zaaktypen} × 7/8 of the zaken "
      f"({100 * granted / zaaktypen * 7 / 8:.2f} %); lists and searches are filtered to that in SQL")
    for e in engines:
        f = lambda k: meta.get((e, k), "?")  # noqa: E731
        w(f"- {ENGINES.get(e, e)}: the list's zaaktype holds {f('small_list_count')} visible zaken at "
          f"{size['small']} (middle page {f('small_list_mid')}) and {f('large_list_count')} at {size['large']} "
          f"(middle page {f('large_list_mid')}); the 1 % polygon holds {f('small_zoek_count')} and "
          f"{f('large_zoek_count')} visible zaken, the scaled polygon {f('large_zoek_scaled_count')}")
    w("- _zoek: `zaakgeometrie.within` a 0.39° × 0.28° rectangle around Utrecht, 1 % of the area of the data, first "
      f"page; at {size['large']} also a rectangle from the same corner with {size['small']}/{size['large']} of "
      f"that area (`{env('ZB_ZOEK_SCALED', '?')}`), which holds as many zaken as the 1 % one did at {size['small']}")
    w("- create: one POST /zaken body (zaaktype, bronorganisatie, startdatum, vertrouwelijkheid, a point), a new zaak "
      "with its audit trail entry per request. Durability: SQLite as the server opens it (WAL, "
      "`synchronous=NORMAL`: survives a crash of the process, not necessarily of the machine); PostgreSQL "
      f"{env('ZB_PG', '?')}")
    if env("ZB_PG_VACUUM", "1") == "1":
        w("- PostgreSQL: `VACUUM (ANALYZE)` after each load (what autovacuum does some time after a bulk load); "
          "SQLite: no ANALYZE (the server does not run one)")
    w("")

    # ---- Targets
    w("### The issue's figures")
    w("")
    w("Cost = CPU time the whole machine spends per request (thorbecke + PostgreSQL + wrk + loopback TCP), the "
      f"noise-robust measure of bench/run.sh. The {size['large']} / {size['small']} cost ratio of the list and the "
      f"search must stay ≤ {COST_TARGET}; GET /zaken/{{uuid}} must reach ≥ {DETAIL_TARGET} of the ceiling's req/s.")
    w("")
    w(f"| engine | endpoint | p50 / p99 at {size['small']} | p50 / p99 at {size['large']} | cost per request "
      f"{size['small']} → {size['large']} | cost {size['large']} / {size['small']} |")
    w("|---|---|---:|---:|---:|---:|")
    for e in engines:
        for ep in ("detail", "list-first", "list-mid", "zoek", "zoek-scaled", "create"):
            a = rows.get((e, "small", ep))
            b = rows.get((e, "large", ep))
            note = ""
            if ep == "zoek-scaled":
                a = rows.get((e, "small", "zoek"))  # the 1 % polygon at the small size: as many zaken
                note = f" (at {size['small']}: the 1 % polygon)"
            if ep == "list-mid" and a is None:
                a = rows.get((e, "small", "list-first"))  # one page only: its middle page is page 1
                note = f" (at {size['small']}: page 1, the only page)" if a else ""
            if a is None and b is None:
                continue
            def lat(r):
                return f"{r['p50']:.2f} / {r['p99']:.1f} ms" if r else "–"
            ratio = "–"
            if a and b and a["cost_us"] > 0:
                r = b["cost_us"] / a["cost_us"]
                ratio = f"{r:.2f}"
                if ep in ("list-first", "list-mid", "zoek", "zoek-scaled"):
                    ratio += " ✔" if r <= COST_TARGET else " ✘"
            cost = f"{a['cost_us']:.0f} → {b['cost_us']:.0f} µs" if a and b else "–"
            w(f"| {ENGINES.get(e, e)} | {ENDPOINTS[ep]}{note} | {lat(a)} | {lat(b)} | {cost} | {ratio} |")
    w("")
    w(f"| engine | GET /zaken/{{uuid}} ÷ GET /healthz (req/s), {size['small']} | {size['large']} | "
      f"POST /zaken req/s, {size['small']} | {size['large']} | peak RSS of the server, {size['small']} | "
      f"{size['large']} |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        cells = []
        for phase in ("small", "large"):
            d, h = rows.get((e, phase, "detail")), rows.get((e, phase, "healthz"))
            if d and h and h["rps"] > 0:
                r = d["rps"] / h["rps"]
                cells.append(f"{r:.2f} {'✔' if r >= DETAIL_TARGET else '✘'}")
            else:
                cells.append("–")
        for phase in ("small", "large"):
            c = rows.get((e, phase, "create"))
            cells.append(thousands(c["rps"]) if c else "–")
        for phase in ("small", "large"):
            k = meta.get((e, f"{phase}_hwm_kib"))
            cells.append(f"{num(k) / 1024:.0f} MiB" if k else "–")
        w(f"| {ENGINES.get(e, e)} | " + " | ".join(cells) + " |")
    w("")

    # ---- All rows
    w("### All rows")
    w("")
    w(f"| engine | zaken | endpoint | {WRK_HEADER} |")
    w(f"|---|---:|---|{WRK_ALIGN}|")
    for key in order:
        e, phase, ep = key
        r = rows[key]
        w(f"| {ENGINES.get(e, e)} | {size[phase]} | {ENDPOINTS.get(ep, ep)} | "
          f"{wrk_cells(e, r, rows.get((e, phase, 'healthz')))} |")
        note_errors(notes_path, f"{ENGINES.get(e, e)} {size[phase]} {ENDPOINTS.get(ep, ep)}", r)
    w("")
    notes_section(w, notes_path)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
