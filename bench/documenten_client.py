#!/usr/bin/python3
"""The HTTP client of bench/documenten.sh: sets up an informatieobjecttype and uploads documents.

  setup  --base URL --token JWT
      creates a catalogus and an informatieobjecttype and publishes it; prints {"informatieobjecttype": URL}
  upload --base URL --token JWT --iot URL --file DATA --mode json|parts [--b64 DATA.b64] [--nonce N] [--sha256]
      creates one document with the content of DATA and times it (wall clock, from the first byte sent to the
      last answer): `json` sends one POST with the content base64-encoded in `inhoud` (read from DATA.b64, made
      beforehand with `base64 -w0`, so that encoding is not timed); `parts` creates the document with
      `inhoud` null and `bestandsomvang`, PUTs every part (multipart/form-data: `lock`, then `inhoud`) to the
      URL the server gave it, one after the other on one connection, and unlocks the document.
      Prints {"uuid", "url", "seconds", "bytes", "parts", "part_bytes", "create_seconds", "unlock_seconds",
      "sha256" (with --sha256: of the content as sent, computed after the timed upload)}.

Bodies are streamed from the files in 1 MiB pieces with a Content-Length, never held in memory whole. The blob
store is content-addressed (equal content is stored once), so every upload replaces the content's first 15
bytes with a nonce: each upload is new content to the server.
Needs python3-requests (Debian) and nothing else.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import time

import requests

CATALOGI = "/catalogi/api/v1"
DOCUMENTEN = "/documenten/api/v1"
PIECE = 1 << 20
NONCE_BYTES = 15  # a multiple of 3: its base64 form is exactly 20 characters, no padding


class Body:
    """A request body of byte strings and file slices, sent piece by piece with a known length."""

    def __init__(self):
        self.items = []  # bytes, or (path, offset, length, patch: bytes put over the slice's first bytes)
        self.total = 0

    def add(self, data: bytes):
        self.items.append(data)
        self.total += len(data)

    def add_file(self, path: str, offset: int, length: int, patch: bytes = b""):
        self.items.append((path, offset, length, patch))
        self.total += length

    def __len__(self):
        return self.total

    def __iter__(self):
        for item in self.items:
            if isinstance(item, bytes):
                yield item
                continue
            path, offset, length, patch = item
            with open(path, "rb") as f:
                f.seek(offset)
                left, first = length, True
                while left > 0:
                    piece = f.read(min(PIECE, left))
                    if not piece:
                        raise RuntimeError(f"{path}: shorter than expected")
                    if first and patch:
                        piece = patch + piece[len(patch):]
                    first = False
                    left -= len(piece)
                    yield piece


def nonce_bytes(n: int) -> bytes:
    return f"bench-{n:09d}".encode()[:NONCE_BYTES].ljust(NONCE_BYTES, b"-")


def sha256_of(path: str, patch: bytes) -> str:
    h = hashlib.sha256()
    body = Body()
    body.add_file(path, 0, os.path.getsize(path), patch)
    for piece in body:
        h.update(piece)
    return h.hexdigest()


class Client:
    def __init__(self, base: str, token: str):
        self.base = base.rstrip("/")
        self.s = requests.Session()
        self.s.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def call(self, method: str, url: str, want: int, **kw) -> requests.Response:
        if not url.startswith("http"):
            url = self.base + url
        r = self.s.request(method, url, timeout=900, **kw)
        if r.status_code != want:
            raise RuntimeError(f"{method} {url}: HTTP {r.status_code} (expected {want}): {r.text[:600]}")
        return r

    def post_json(self, url: str, body, want: int = 201) -> dict:
        r = self.call("POST", url, want, data=json.dumps(body), headers={"Content-Type": "application/json"})
        return r.json() if r.content else {}


def setup(c: Client) -> dict:
    catalogus = c.post_json(f"{CATALOGI}/catalogussen", {
        "domein": "BENCH", "rsin": "002220647", "naam": "Benchmarkcatalogus documenten", "versie": "1",
        "begindatumVersie": "2026-01-01", "contactpersoonBeheerNaam": "Benchmark",
    })["url"]
    iot = c.post_json(f"{CATALOGI}/informatieobjecttypen", {
        "catalogus": catalogus, "omschrijving": "Benchmarkdocument", "vertrouwelijkheidaanduiding": "openbaar",
        "beginGeldigheid": "2026-01-01", "informatieobjectcategorie": "Benchmark",
    })["url"]
    c.post_json(iot.rstrip("/") + "/publish", None, want=200)
    return {"informatieobjecttype": iot}


def metadata(iot: str, size: int, name: str) -> dict:
    return {
        "bronorganisatie": "002220647", "creatiedatum": "2026-11-26", "titel": f"Benchmark {name}",
        "auteur": "Benchmark", "taal": "nld", "vertrouwelijkheidaanduiding": "openbaar",
        "formaat": "application/octet-stream", "bestandsnaam": name, "bestandsomvang": size,
        "informatieobjecttype": iot,
    }


def upload_json(c: Client, args, size: int, patch: bytes) -> dict:
    b64_size = os.path.getsize(args.b64)
    if b64_size != 4 * ((size + 2) // 3):
        raise RuntimeError(f"{args.b64} is not the base64 form of {args.file}")
    head = json.dumps(metadata(args.iot, size, os.path.basename(args.file)))[:-1] + ', "inhoud": "'
    body = Body()
    body.add(head.encode())
    body.add_file(args.b64, 0, b64_size, base64.b64encode(patch))
    body.add(b'"}')
    t0 = time.monotonic()
    doc = c.call("POST", f"{DOCUMENTEN}/enkelvoudiginformatieobjecten", 201, data=body,
                 headers={"Content-Type": "application/json"}).json()
    seconds = time.monotonic() - t0
    return {"url": doc["url"], "seconds": seconds, "parts": 0, "part_bytes": 0, "create_seconds": seconds,
            "unlock_seconds": 0.0}


def upload_parts(c: Client, args, size: int, patch: bytes) -> dict:
    fields = metadata(args.iot, size, os.path.basename(args.file))
    fields["inhoud"] = None
    t0 = time.monotonic()
    doc = c.post_json(f"{DOCUMENTEN}/enkelvoudiginformatieobjecten", fields)
    t_created = time.monotonic()
    parts = sorted(doc.get("bestandsdelen") or [], key=lambda p: p["volgnummer"])
    lock = doc.get("lock")
    if not parts or not lock:
        raise RuntimeError(f"create with bestandsomvang: no bestandsdelen or no lock in {json.dumps(doc)[:600]}")
    if sum(p["omvang"] for p in parts) != size:
        raise RuntimeError(f"the parts' omvang add up to {sum(p['omvang'] for p in parts)}, not {size}")
    boundary = "bench" + os.urandom(12).hex()
    offset = 0
    for p in parts:
        body = Body()
        body.add((f'--{boundary}\r\nContent-Disposition: form-data; name="lock"\r\n\r\n{lock}\r\n'
                  f'--{boundary}\r\nContent-Disposition: form-data; name="inhoud"; filename="deel{p["volgnummer"]}"'
                  '\r\nContent-Type: application/octet-stream\r\n\r\n').encode())
        body.add_file(args.file, offset, p["omvang"], patch if offset == 0 else b"")
        body.add(f"\r\n--{boundary}--\r\n".encode())
        c.call("PUT", p["url"], 200, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        offset += p["omvang"]
    t_parts = time.monotonic()
    c.post_json(doc["url"].rstrip("/") + "/unlock", {"lock": lock}, want=204)
    t1 = time.monotonic()
    return {"url": doc["url"], "seconds": t1 - t0, "parts": len(parts), "part_bytes": max(p["omvang"] for p in parts),
            "create_seconds": t_created - t0, "unlock_seconds": t1 - t_parts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["setup", "upload"])
    ap.add_argument("--base", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--iot")
    ap.add_argument("--file")
    ap.add_argument("--b64")
    ap.add_argument("--mode", choices=["json", "parts"], default="parts")
    ap.add_argument("--nonce", type=int, default=0)
    ap.add_argument("--sha256", action="store_true")
    args = ap.parse_args()
    c = Client(args.base, args.token)
    if args.command == "setup":
        print(json.dumps(setup(c)))
        return 0
    if not args.iot or not args.file or (args.mode == "json" and not args.b64):
        ap.error("upload needs --iot, --file and (json) --b64")
    size = os.path.getsize(args.file)
    if size < NONCE_BYTES:
        ap.error(f"--file must hold at least {NONCE_BYTES} bytes")
    patch = nonce_bytes(args.nonce)
    out = (upload_json if args.mode == "json" else upload_parts)(c, args, size, patch)
    out["uuid"] = out["url"].rstrip("/").rsplit("/", 1)[1]
    out["bytes"] = size
    if args.sha256:
        out["sha256"] = sha256_of(args.file, patch)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, requests.RequestException, OSError) as e:
        print(f"documenten_client: {e}", file=sys.stderr)
        sys.exit(1)
