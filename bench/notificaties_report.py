#!/usr/bin/python3
"""Writes the Markdown report of bench/notificaties.sh from its result files.

Usage: notificaties_report.py RESULTS.tsv META.tsv NOTES.txt  (the header facts come from DB_* environment variables)

RESULTS.tsv: the wrk rows (POST zaak without and with abonnementen, see bench/wrk_rows.py). META.tsv: engine, key,
value, where throughput_<k> and latency hold the JSON that bench/notificaties_client.py printed.
"""
import json
import os
import sys

from wrk_rows import engine_name, notes_section, read_rows, thousands


def main() -> int:
    results_path, meta_path, notes_path = sys.argv[1:4]
    env = os.environ.get
    rows = {(e, label): r for e, label, r in read_rows(results_path)}
    meta, engines = {}, []
    with open(meta_path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 3:
                meta[(p[0], p[1])] = p[2]
                if p[0] not in engines:
                    engines.append(p[0])
    out = []
    w = out.append
    w("## Notificaties benchmark")
    w("")
    w(f"- machine: {env('DB_MACHINE', '?')}; {env('DB_DATE', '?')}, commit {env('DB_COMMIT', '?')}, "
      f"took {int(env('DB_ELAPSED', '0')) // 60} min")
    w(f"- PostgreSQL: {env('DB_PG', '?')}; POST zaak rows: {env('DB_WRK', '?')}")
    w("- subscribers: local HTTP sinks (one asyncio process, 204 to every POST); zaken created through the Zaken API "
      "by 8 client threads; every notification must arrive at every abonnement")
    w("")
    w("| engine | abonnementen | zaken | deliveries | deliveries/s | zaken/s while delivering | all arrived |")
    w("|---|---:|---:|---:|---:|---:|---|")
    for e in engines:
        for k in (1, 10, 100):
            v = meta.get((e, f"throughput_{k}"))
            if not v:
                continue
            t = json.loads(v)
            ok = "yes" if t["arrived"] == t["deliveries"] else f"no ({t['arrived']})"
            w(f"| {engine_name(e)} | {k} | {t['zaken']} | {thousands(t['deliveries'])} | "
              f"{thousands(t['deliveries_per_s'])} | {t['zaken_per_s']:.0f} | {ok} |")
    w("")
    w("| engine | commit → delivery p50 | p99 | max | zaken (rate) |")
    w("|---|---:|---:|---:|---|")
    for e in engines:
        v = meta.get((e, "latency"))
        if not v:
            continue
        t = json.loads(v)
        w(f"| {engine_name(e)} | {t['p50_ms']:.1f} ms | {t['p99_ms']:.1f} ms | {t['max_ms']:.1f} ms | "
          f"{t['zaken']} ({t['rate']:.0f}/s), {t['arrived']} arrived |")
    w("")
    w("| engine | POST zaak, no abonnementen | with 10 abonnementen | ratio | p99 without / with |")
    w("|---|---:|---:|---:|---|")
    for e in engines:
        a, b = rows.get((e, "create-0")), rows.get((e, "create-10"))
        if not a or not b:
            continue
        ratio = b["rps"] / a["rps"] if a["rps"] else 0.0
        w(f"| {engine_name(e)} | {thousands(a['rps'])} req/s | {thousands(b['rps'])} req/s | {ratio:.2f} | "
          f"{a['p99']:.1f} ms / {b['p99']:.1f} ms |")
    w("")
    notes_section(w, notes_path)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
