#!/usr/bin/python3
"""Seeds the algorithm register of a running Thorbecke with published registrations through its staff API.

Each registration is created by the organisation's redacteur (POST /registraties), released (vrijgeven) and
published by its goedkeurder (publiceren): the real workflow, three requests each, with a thread pool of
keep-alive sessions. Names, descriptions, themes, statuses and categories vary deterministically with the index,
so that a search text and the filters select a realistic part of the set. No registration is in category A or B
with status "In gebruik" (those need an assessment before publication: the gate).
Prints one JSON object on stdout: the count, the load time, one lars in the middle of the set, and the counts the
benchmark's search and filter should match.

Usage: bench/algoritmeregister_seed.py --base URL --organisations ORGS.json [--count 10000] [--workers 16]
ORGS.json: [{"organisation": "...", "redacteur": TOKEN, "goedkeurder": TOKEN}, ...]
Needs python3-requests (Debian) and nothing else.
"""
import argparse
import concurrent.futures
import json
import sys
import threading
import time

import requests

API = "/algoritmeregister/api/v1"
THEMES = ["Organisatie en bedrijfsvoering", "Cultuur en recreatie", "Economie", "Overheidsfinanciën", "Wonen",
          "Internationaal", "Migratie en integratie", "Natuur en milieu", "Onderwijs en wetenschap",
          "Openbare orde en veiligheid", "Recht", "Ruimte en infrastructuur", "Sociale zekerheid", "Verkeer", "Werk",
          "Zorg en gezondheid"]
CATEGORIES = ["Hoog-risico AI-systeem (Categorie A)", "Impactvolle algoritmes (Categorie B)",
              "Overige algoritmes (Categorie C)"]
STATUSES = ["In ontwikkeling", "In gebruik", "Buiten gebruik"]
VERBS = ["Plannen", "Controleren", "Voorspellen", "Sorteren", "Herkennen", "Toewijzen", "Beoordelen", "Signaleren",
         "Routeren", "Prioriteren", "Vertalen", "Samenvatten"]
OBJECTS = ["parkeervergunningen", "afvalinzameling", "meldingen openbare ruimte", "bijstandsaanvragen",
           "bouwaanvragen", "verkeerslichten", "onderhoud van bruggen", "schuldhulpverlening", "leerlingenvervoer",
           "subsidieaanvragen", "woningtoewijzing", "handhaving", "belastingaanslagen"]
# The benchmark's search text: a whole word (whatever the server's search matches on), one OBJECT of thirteen.
SEARCH = "afvalinzameling"


def fields(i: int, organisation: str) -> dict:
    verb, obj = VERBS[i % len(VERBS)], OBJECTS[(i // len(VERBS)) % len(OBJECTS)]
    category = CATEGORIES[i % 3]
    status = STATUSES[(i // 3) % 3]
    if category != CATEGORIES[2] and status == "In gebruik":
        status = "In ontwikkeling"  # the gate: A and B "In gebruik" need an assessment
    themes = [THEMES[i % len(THEMES)]] + ([THEMES[(i * 7 + 3) % len(THEMES)]] if i % 4 == 0 else [])
    return {
        "name": f"{verb} {obj} {i}",
        "description_short": f"Dit algoritme helpt bij het {verb.lower()} van {obj}. Registratie {i} van de benchmark.",
        "organization": organisation,
        "theme": list(dict.fromkeys(themes)),
        "status": status,
        "start_date": f"{2015 + i % 10}-{1 + i % 12:02d}",
        "contact": "algoritmes@example.org",
        "link": f"https://example.org/algoritmes/{i}",
        "publication_category": category,
        "purpose_and_impact": f"Het doel is {obj} sneller en eerlijker af te handelen. " * 4,
        "considerations": "De voordelen voor inwoners wegen op tegen de risico's. " * 4,
        "human_intervention": "Een medewerker beoordeelt elke uitkomst voordat er een besluit valt. " * 3,
        "risk_management": "Wij controleren de uitkomsten elk kwartaal op fouten en ongelijke behandeling. " * 3,
        "legal_basis": "Gemeentewet",
        "impact_assessments": "DPIA",
        "data": f"Gegevens uit de registratie van {obj}. " * 3,
        "technical_operation": "Een rekenregel weegt de kenmerken van elke zaak en geeft een volgorde. " * 6,
        "supplier": "Eigen organisatie" if i % 2 else "Leverancier B.V.",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--organisations", required=True, help="JSON file: organisations with their staff tokens")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=16)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    with open(args.organisations) as f:
        orgs = json.load(f)

    local = threading.local()

    def session() -> requests.Session:
        s = getattr(local, "s", None)
        if s is None:
            s = requests.Session()
            s.headers.update({"Content-Type": "application/json", "Accept": "application/json"})
            adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
            s.mount("http://", adapter)
            local.s = s
        return s

    def post(path: str, token: str, body: dict, expected=(200, 201)) -> dict:
        r = session().post(base + API + path, data=json.dumps(body), timeout=120,
                           headers={"Authorization": f"Bearer {token}"})
        if r.status_code not in expected:
            raise RuntimeError(f"POST {path}: HTTP {r.status_code}: {r.text[:500]}")
        return r.json() if r.content else {}

    def seed(i: int) -> str:
        org = orgs[i % len(orgs)]
        lars = post("/registraties", org["redacteur"], fields(i, org["organisation"]), (201,))["lars"]
        post(f"/registraties/{lars}/vrijgeven", org["redacteur"], {})
        post(f"/registraties/{lars}/publiceren", org["goedkeurder"], {})
        return lars

    t0 = time.monotonic()
    lars = [""] * args.count
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(seed, i): i for i in range(args.count)}
        for f in concurrent.futures.as_completed(futures):
            lars[futures[f]] = f.result()  # re-raises the first failure
    elapsed = time.monotonic() - t0

    # What the benchmark's filtered searches should find: zoek=SEARCH, and with status "In gebruik" and category C.
    matching = [i for i in range(args.count) if SEARCH in fields(i, "")["name"]]
    filtered = [i for i in matching
                if fields(i, "")["status"] == "In gebruik" and fields(i, "")["publication_category"] == CATEGORIES[2]]
    print(json.dumps({
        "count": args.count,
        "seconds": round(elapsed, 1),
        "lars": lars[len(lars) // 2],
        "search": SEARCH,
        "search_matches": len(matching),
        "filter_status": "In gebruik",
        "filter_category": CATEGORIES[2],
        "filter_matches": len(filtered),
        "organisations": len(orgs),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
