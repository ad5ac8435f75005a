"""What the benchmark reports (bench/zaken_report.py, bench/documenten_report.py) share: reading the rows that
bench/lib.sh's run_wrk writes, and showing one as the cells of a Markdown table.

A row of RESULTS.tsv: engine, label, req/s, p50 ms, p99 ms, bytes per response, non-2xx, socket errors, thorbecke
cores, thorbecke µs/request, wrk cores, other cores, machine µs/request, PostgreSQL cores, PostgreSQL µs/request.
"""

ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# The columns wrk_cells fills, and their alignment row.
WRK_HEADER = ("req/s | p50 | p99 | ratio to ceiling | ratio by CPU cost | CPU per request: machine / thorbecke / "
              "PostgreSQL | CPU cores: thorbecke / PostgreSQL / wrk / other | response")
WRK_ALIGN = "---:|---:|---:|---:|---:|---:|---:|---:"


def num(v, default=0.0):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def thousands(n):
    return f"{int(round(n)):,}".replace(",", " ")


def engine_name(engine):
    return ENGINES.get(engine, engine)


def read_rows(path):
    """The rows of RESULTS.tsv, in order: a list of (engine, label, figures)."""
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 15:
                continue
            rows.append((p[0], p[1], {
                "rps": num(p[2]), "p50": num(p[3]), "p99": num(p[4]), "bytes": int(num(p[5])),
                "non2xx": int(num(p[6])), "sockerr": int(num(p[7])), "srv_cores": num(p[8]), "srv_us": num(p[9]),
                "wrk_cores": num(p[10]), "other_cores": num(p[11]), "cost_us": num(p[12]), "db_cores": num(p[13]),
                "db_us": num(p[14]),
            }))
    return rows


def wrk_cells(engine, r, ceiling):
    """The WRK_HEADER cells of row r; ceiling: the same engine's (and phase's) /healthz row, or None."""
    ratio = f"{r['rps'] / ceiling['rps']:.2f}" if ceiling and ceiling["rps"] > 0 else "–"
    cpu_ratio = f"{ceiling['cost_us'] / r['cost_us']:.2f}" if ceiling and r["cost_us"] > 0 else "–"
    flag = " ⚠" if r["non2xx"] or r["sockerr"] else ""
    pg = engine == "postgresql"
    db_us = f"{r['db_us']:.0f} µs" if pg else "–"
    db_cores = f"{r['db_cores']:.2f}" if pg else "–"
    return (f"{thousands(r['rps'])}{flag} | {r['p50']:.2f} ms | {r['p99']:.1f} ms | {ratio} | {cpu_ratio} | "
            f"{r['cost_us']:.0f} µs / {r['srv_us']:.0f} µs / {db_us} | {r['srv_cores']:.2f} / {db_cores} / "
            f"{r['wrk_cores']:.2f} / {r['other_cores']:.2f} | {thousands(r['bytes'])} B")


def note_errors(notes_path, what, r):
    """Adds a line to NOTES when row r had non-2xx answers or socket errors."""
    if r["non2xx"] or r["sockerr"]:
        with open(notes_path, "a") as nf:
            nf.write(f"- {what}: {r['non2xx']} non-2xx responses, {r['sockerr']} socket errors (see the raw log)\n")


def notes_section(w, notes_path):
    """Writes NOTES (if any) under a "Notes:" line through w."""
    with open(notes_path) as nf:
        notes = nf.read().strip()
    if notes:
        w("Notes:")
        w("")
        w(notes)
        w("")
