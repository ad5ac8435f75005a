#!/usr/bin/python3
"""Writes the Markdown report of bench/national.sh from its result files.

Usage: national_report.py RESULTS.tsv META.tsv NOTES.txt  (the header facts come from NB_* environment variables)

RESULTS.tsv: the rows of bench/lib.sh's run_wrk (see wrk_rows.py), labelled scenario/<connections> and
list-<superuser|regular>/<users>. META.tsv: engine, key, value (load times, sizes, peak RSS).
"""
import os
import sys

from wrk_rows import ENGINES, notes_section, num, read_rows, thousands

# The reference implementation's published figures (../shared/specs/zgw/README.md, bottom).
PER_MILLION = 235.0            # req/s a municipality of 1 000 000 inhabitants needs
COUNTRY_RPS = 4200.0           # all 342 municipalities, about 18 000 000 inhabitants
MUNICIPALITIES = 342
REF_PER_CPU = 200.0 / 16       # the sizing table's top row: 200 req/s on 16 CPUs
REF_PER_CPU_SMALL = 25.0 / 4   # its first row: 25 req/s on 4 CPUs
REF_LIST = {("superuser", 1): 150.0, ("regular", 1): 200.0, ("superuser", 16): 430.0, ("regular", 16): 320.0}
SCENARIO_REQUESTS = 9


def main() -> int:
    results_path, meta_path, notes_path = sys.argv[1:4]
    env = os.environ.get
    p99_limit = num(env("NB_P99", "100"))
    cpus = max(1, int(num(env("NB_CPUS", "2"))))
    rows = {}
    for engine, label, figures in read_rows(results_path):
        rows[(engine, label)] = figures
    meta = {}
    with open(meta_path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 3:
                meta[(p[0], p[1])] = p[2]
    engines = [e for e in ENGINES if any(k[0] == e for k in rows) or any(k[0] == e for k in meta)]
    out = []
    w = out.append

    w("## National-scale benchmark")
    w("")
    w(f"- machine: {env('NB_MACHINE', '?')}")
    w(f"- date: {env('NB_DATE', '?')}; commit {env('NB_COMMIT', '?')}; binary {env('NB_BIN', '?')}")
    w(f"- data: 1 catalogus, {env('NB_ZAAKTYPEN')} zaaktypen, {thousands(num(env('NB_ZAKEN')))} zaken (statussen, a "
      f"rol), {thousands(num(env('NB_DOCUMENTEN')))} documents (linked to zaken), "
      f"{thousands(num(env('NB_BESLUITEN')))} besluiten, loaded with `thorbecke zaken-load` in transactions of "
      f"{env('NB_BATCH')}")
    w(f"- clients: a superuser, and a regular client with rights on {env('NB_GRANTED')} zaaktypen (and the "
      "documents' informatieobjecttype), up to vertrouwelijkheid geheim")
    w(f"- PostgreSQL: {env('NB_PG', '?')}; wrk: {env('NB_WRK', '?')}; the client (wrk) runs on the same "
      f"{cpus} cores as the server")
    w(f"- load average (1/5/15 min) at start: {env('NB_LOADAVG', '?')}; took {int(num(env('NB_ELAPSED'))) // 60} min")
    w("")

    w("### Loading")
    w("")
    w("| engine | zaken | documents | besluiten | wall time, all | database on disk | blob store | peak RSS of the server |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        def kind(k):
            n, s = num(meta.get((e, f"load_{k}"))), num(meta.get((e, f"load_{k}_seconds")))
            return f"{s:.0f} s ({thousands(n / s)}/s)" if s > 0 else "–"
        w(f"| {ENGINES[e]} | {kind('zaken')} | {kind('documenten')} | {kind('besluiten')} | "
          f"{meta.get((e, 'load_wall'), '–')} s | {thousands(num(meta.get((e, 'db_mib'))))} MiB | "
          f"{thousands(num(meta.get((e, 'blob_mib'))))} MiB | {num(meta.get((e, 'hwm_kib'))) / 1024:.0f} MiB |")
    w("")
    w("Load times are the bulk part of each kind as the loader reports it (templates through the services are "
      "seconds); wall time includes those, the catalogue and, on PostgreSQL, not the VACUUM (ANALYZE) after it. "
      "Peak RSS is the server's VmHWM over the whole run (lists and every scenario step).")
    w("")

    w(f"### Functional scenario ({SCENARIO_REQUESTS} requests: BSN search, zaak, statussen, zaakinformatieobjecten, "
      "document, add status, upload document, create zaak, add rol), regular client")
    w("")
    w("| engine | connections | req/s | scenarios/s | p50 | p99 | CPU cores: thorbecke / PostgreSQL / wrk / other | errors |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    chosen = {}
    for e in engines:
        steps = sorted((int(label.split("/")[1]), r) for (en, label), r in rows.items()
                       if en == e and label.startswith("scenario/"))
        best = None
        for c, r in steps:
            ok = r["p99"] < p99_limit and not r["non2xx"] and not r["sockerr"]
            if ok and (best is None or r["rps"] > best[1]["rps"]):
                best = (c, r)
        chosen[e] = best
        for c, r in steps:
            mark = " **✔ chosen**" if best and best[0] == c else ""
            pg = f"{r['db_cores']:.2f}" if e == "postgresql" else "–"
            w(f"| {ENGINES[e]} | {c}{mark} | {thousands(r['rps'])} | {r['rps'] / SCENARIO_REQUESTS:.0f} | "
              f"{r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['srv_cores']:.2f} / {pg} / {r['wrk_cores']:.2f} / "
              f"{r['other_cores']:.2f} | {r['non2xx'] + r['sockerr']} |")
    w("")

    w(f"### What the sustained rate means (highest req/s with p99 < {p99_limit:.0f} ms and no errors)")
    w("")
    w("| engine | req/s | inhabitants (÷ 235 req/s per million) | share of the country (÷ 4 200 req/s) | municipalities (of 342) | req/s per core | ÷ 12.5 req/s per CPU (200 on 16) | ÷ 6.25 req/s per CPU (25 on 4) | req/s per server core used | ÷ 12.5 |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        best = chosen.get(e)
        if not best:
            w(f"| {ENGINES[e]} | no step had p99 < {p99_limit:.0f} ms | | | | | | | | |")
            continue
        r = best[1]
        rps = r["rps"]
        per_core = rps / cpus
        server_cores = r["srv_cores"] + (r["db_cores"] if e == "postgresql" else 0)
        per_used = rps / server_cores if server_cores > 0 else 0
        w(f"| {ENGINES[e]} | {thousands(rps)} | {rps / PER_MILLION:.1f} M | {rps / COUNTRY_RPS:.2f} | "
          f"{min(MUNICIPALITIES, rps / COUNTRY_RPS * MUNICIPALITIES):.0f}{' (all)' if rps >= COUNTRY_RPS else ''} | "
          f"{per_core:.0f} | {per_core / REF_PER_CPU:.0f}× | {per_core / REF_PER_CPU_SMALL:.0f}× | {per_used:.0f} | "
          f"{per_used / REF_PER_CPU:.0f}× |")
    w("")
    w(f"Req/s per core divides by all {cpus} cores of the machine, which also run wrk; per server core used "
      "divides by the cores thorbecke (and PostgreSQL) kept busy during that step.")
    w("")

    w("### GET /zaken/api/v1/zaken (no filter, first page of 100)")
    w("")
    w("| engine | client | users | req/s | median | p99 | median ÷ reference median | count |")
    w("|---|---|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        for who in ("superuser", "regular"):
            for users in (1, 16):
                r = rows.get((e, f"list-{who}/{users}"))
                if not r:
                    continue
                ref = REF_LIST[(who, users)]
                w(f"| {ENGINES[e]} | {who} | {users} | {thousands(r['rps'])} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | "
                  f"{r['p50'] / ref:.3f} (of {ref:.0f} ms) | {meta.get((e, f'count_{who}'), '')} |")
    w("")
    w("Reference medians: 150 ms (1 user, superuser), 200 ms (1 user, regular), 430 ms / 320 ms with 16 users "
      "(Open Zaak 1.30.0 on 10 × 1 CPU; read here as superuser / regular).")
    w("")
    notes_section(w, notes_path)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
