#!/usr/bin/python3
"""Loads the benchmark data set into a running Thorbecke through its HTTP API.

One catalogus, N zaaktypen (every second one published), created with a thread pool of keep-alive sessions.
Prints one JSON object on stdout: the catalogus URL, one published zaaktype's uuid, the counts and the load time.

Usage: bench/load.py --base http://127.0.0.1:PORT --token JWT [--zaaktypen 10000] [--workers 16]
Needs python3-requests (Debian) and nothing else.
"""
import argparse
import concurrent.futures
import json
import sys
import threading
import time

import requests

API = "/catalogi/api/v1"
# Selectielijst 2020, procestype 5 "Producten en diensten leveren" (built into the server's Referentielijsten API).
PROCESTYPE = "07c3c06a-2049-4e9e-82c5-7c1ff703c642"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="server base URL, e.g. http://127.0.0.1:8000")
    ap.add_argument("--token", required=True, help="JWT of a client with all rights")
    ap.add_argument("--zaaktypen", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=16)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    headers = {"Authorization": f"Bearer {args.token}", "Content-Type": "application/json"}

    local = threading.local()

    def session() -> requests.Session:
        s = getattr(local, "s", None)
        if s is None:
            s = requests.Session()
            s.headers.update(headers)
            adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
            s.mount("http://", adapter)
            local.s = s
        return s

    def post(path: str, body=None) -> dict:
        r = session().post(base + path, data=None if body is None else json.dumps(body), timeout=60)
        if r.status_code not in (200, 201):
            raise RuntimeError(f"POST {path}: HTTP {r.status_code}: {r.text[:500]}")
        return r.json()

    t0 = time.monotonic()
    catalogus = post(f"{API}/catalogussen", {
        "domein": "BENCH", "rsin": "002220647", "naam": "Benchmarkcatalogus", "versie": "1",
        "begindatumVersie": "2026-01-01", "contactpersoonBeheerNaam": "Benchmark",
    })["url"]

    def zaaktype(i: int) -> dict:
        return {
            "identificatie": f"BENCH-{i:05d}", "omschrijving": f"Benchmarkzaaktype {i}",
            "vertrouwelijkheidaanduiding": "openbaar", "doel": "Meten hoe snel de Catalogi API leest.",
            "aanleiding": "Een verzoek van een inwoner of organisatie.", "indicatieInternOfExtern": "extern",
            "handelingInitiator": "Aanvragen", "onderwerp": f"Onderwerp {i}", "handelingBehandelaar": "Behandelen",
            "doorlooptijd": "P8W", "servicenorm": "P4W", "opschortingEnAanhoudingMogelijk": True,
            "verlengingMogelijk": True, "verlengingstermijn": "P4W", "trefwoorden": ["bench", f"t{i % 10}"],
            "publicatieIndicatie": False, "productenOfDiensten": [],
            "selectielijstProcestype": f"{base}/referentielijsten/api/v1/procestypen/{PROCESTYPE}",
            "referentieproces": {"naam": "Producten en diensten leveren"}, "verantwoordelijke": "Team Benchmark",
            "beginGeldigheid": "2026-01-01", "versiedatum": "2026-01-01", "catalogus": catalogus,
            "besluittypen": [], "gerelateerdeZaaktypen": [],
        }

    def create(i: int) -> str:
        uuid = post(f"{API}/zaaktypen", zaaktype(i))["url"].rsplit("/", 1)[1]
        if i % 2 == 0:  # every second zaaktype is published (status definitief)
            post(f"{API}/zaaktypen/{uuid}/publish")
        return uuid

    uuids = [""] * args.zaaktypen
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(create, i): i for i in range(args.zaaktypen)}
        for f in concurrent.futures.as_completed(futures):
            uuids[futures[f]] = f.result()  # re-raises the first failure
    elapsed = time.monotonic() - t0

    published = [u for i, u in enumerate(uuids) if i % 2 == 0]
    print(json.dumps({
        "catalogus": catalogus,
        "zaaktype": published[len(published) // 2],  # one in the middle of the data set
        "zaaktypen": len(uuids),
        "published": len(published),
        "seconds": round(elapsed, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
