#!/usr/bin/env python3
"""Client side of the Notificaties benchmark (bench/notificaties.sh).

  sink       --port P                 a subscriber: answers every POST with 204 and remembers, per callback path,
                                      the resourceUrl and the arrival time (wall clock); GET /_dump returns them
                                      as JSON and empties the list
  subscribe  --base URL --token JWT --sink URL --count K    K abonnementen on kanaal zaken (callbacks URL/s/<i>)
  unsubscribe --base URL --token JWT                        removes every abonnement
  throughput --base URL --token JWT --sink URL --zaaktype URL --subscribers K --zaken N [--producers 8]
             creates N zaken (N*K deliveries), waits until every delivery has arrived; deliveries per second
  latency    --base URL --token JWT --sink URL --zaaktype URL --zaken N --rate R
             creates N zaken at R per second with one subscriber; commit-to-delivery times: the arrival at the
             sink minus the moment the POST that committed the zaak had answered
Every command prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time

import requests

ZAKEN = "/zaken/api/v1/zaken"
ABONNEMENTEN = "/notificaties/api/v1/abonnement"


# ---- the sink -----------------------------------------------------------------------------------------------

class Sink:
    def __init__(self):
        self.records: list[tuple[str, str, float]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                arrived = time.time()
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    if line.lower().startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                if method == "GET" and path == "/_dump":
                    out = json.dumps(self.records).encode()
                    self.records = []
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                 + str(len(out)).encode() + b"\r\n\r\n" + out)
                elif method == "GET" and path == "/_count":
                    out = str(len(self.records)).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(out)).encode() + b"\r\n\r\n" + out)
                else:
                    try:
                        url = json.loads(body).get("resourceUrl", "")
                    except ValueError:
                        url = ""
                    self.records.append((path, url, arrived))
                    writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def run_sink(port: int):
    sink = Sink()
    server = await asyncio.start_server(sink.handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


# ---- the API side -------------------------------------------------------------------------------------------

class Api:
    def __init__(self, base: str, token: str):
        self.base = base.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                        "Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}

    def session(self) -> requests.Session:
        s = requests.Session()
        s.headers.update(self.headers)
        return s


def zaak_body(zaaktype: str) -> dict:
    return {"zaaktype": zaaktype, "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647",
            "omschrijving": "Benchmark", "startdatum": "2026-11-26", "vertrouwelijkheidaanduiding": "openbaar"}


def subscribe(api: Api, sink: str, count: int) -> list[str]:
    s = api.session()
    out = []
    for i in range(count):
        r = s.post(api.base + ABONNEMENTEN, json={
            "callbackUrl": f"{sink.rstrip('/')}/s/{i}", "auth": "Bearer benchmark-sink",
            "kanalen": [{"naam": "zaken", "filters": {}}]}, timeout=60)
        if r.status_code != 201:
            raise RuntimeError(f"POST abonnement: HTTP {r.status_code} {r.text[:300]}")
        out.append(r.json()["url"])
    return out


def unsubscribe(api: Api) -> int:
    s = api.session()
    removed = 0
    while True:
        r = s.get(api.base + ABONNEMENTEN, timeout=60)
        r.raise_for_status()
        data = r.json()
        items = data["results"] if isinstance(data, dict) else data
        if not items:
            return removed
        for item in items:
            d = s.delete(item["url"], timeout=60)
            if d.status_code != 204:
                raise RuntimeError(f"DELETE abonnement: HTTP {d.status_code}")
            removed += 1


def dump(sink: str) -> list:
    r = requests.get(sink.rstrip("/") + "/_dump", timeout=60)
    r.raise_for_status()
    return r.json()


def create_zaken(api: Api, zaaktype: str, n: int, producers: int, rate: float = 0.0) -> dict[str, float]:
    """POSTs n zaken from `producers` threads (or one, paced at `rate` per second); url -> time the answer came."""
    answered: dict[str, float] = {}
    lock = threading.Lock()
    errors: list[str] = []
    todo = iter(range(n))

    def work():
        s = api.session()
        body = json.dumps(zaak_body(zaaktype))
        headers = {"Content-Type": "application/json"}
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            if rate > 0:
                delay = t_start + i / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
            r = s.post(api.base + ZAKEN, data=body, headers=headers, timeout=60)
            now = time.time()
            if r.status_code != 201:
                errors.append(f"HTTP {r.status_code} {r.text[:200]}")
                return
            with lock:
                answered[r.json()["url"]] = now

    t_start = time.time()
    threads = [threading.Thread(target=work) for _ in range(1 if rate > 0 else producers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("POST zaak: " + errors[0])
    return answered


def collect(sink: str, wanted: set[tuple[str, str]], deadline_s: float) -> dict[tuple[str, str], float]:
    """Waits until every (callback path, zaak url) in `wanted` arrived; the first arrival of each."""
    got: dict[tuple[str, str], float] = {}
    end = time.time() + deadline_s
    while time.time() < end:
        for path, url, t in dump(sink):
            key = (path, url)
            if key in wanted and key not in got:
                got[key] = t
        if len(got) == len(wanted):
            break
        time.sleep(0.2)
    return got


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, round(p / 100 * (len(v) - 1))))
    return v[k]


def throughput(api: Api, args) -> dict:
    unsubscribe(api)
    subscribe(api, args.sink, args.subscribers)
    dump(args.sink)  # the callback checks of the new abonnementen
    t0 = time.time()
    answered = create_zaken(api, args.zaaktype, args.zaken, args.producers)
    t_produced = time.time()
    wanted = {(f"/s/{i}", url) for url in answered for i in range(args.subscribers)}
    got = collect(args.sink, wanted, args.deadline)
    unsubscribe(api)
    last = max(got.values()) if got else t0
    return {"subscribers": args.subscribers, "zaken": args.zaken, "deliveries": len(wanted), "arrived": len(got),
            "seconds": last - t0, "produce_seconds": t_produced - t0,
            "deliveries_per_s": len(got) / (last - t0) if got else 0.0,
            "zaken_per_s": args.zaken / (t_produced - t0)}


def latency(api: Api, args) -> dict:
    unsubscribe(api)
    subscribe(api, args.sink, 1)
    dump(args.sink)
    answered = create_zaken(api, args.zaaktype, args.zaken, 1, rate=args.rate)
    wanted = {("/s/0", url) for url in answered}
    got = collect(args.sink, wanted, args.deadline)
    unsubscribe(api)
    delays = [(got[("/s/0", url)] - t) * 1000 for url, t in answered.items() if ("/s/0", url) in got]
    return {"zaken": args.zaken, "rate": args.rate, "arrived": len(got),
            "p50_ms": percentile(delays, 50), "p99_ms": percentile(delays, 99),
            "max_ms": max(delays) if delays else float("nan")}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["sink", "subscribe", "unsubscribe", "throughput", "latency"])
    ap.add_argument("--port", type=int)
    ap.add_argument("--base")
    ap.add_argument("--token")
    ap.add_argument("--sink")
    ap.add_argument("--zaaktype")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--subscribers", type=int, default=1)
    ap.add_argument("--zaken", type=int, default=100)
    ap.add_argument("--producers", type=int, default=8)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--deadline", type=float, default=600.0)
    args = ap.parse_args()
    if args.command == "sink":
        asyncio.run(run_sink(args.port))
        return 0
    api = Api(args.base, args.token)
    if args.command == "subscribe":
        print(json.dumps({"abonnementen": subscribe(api, args.sink, args.count)}))
    elif args.command == "unsubscribe":
        print(json.dumps({"removed": unsubscribe(api)}))
    elif args.command == "throughput":
        print(json.dumps(throughput(api, args)))
    else:
        print(json.dumps(latency(api, args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
