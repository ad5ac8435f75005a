"""Helpers of the Documenten API tests: a client for /documenten/api/v1, informatieobjecttypen and document
payloads, and the contract check of documenten responses.  Builds on zgw.py (Catalogi helpers)."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import conftest
import contract
import zgw

DRC = "/documenten/api/v1"
BRONORGANISATIE = "002220647"  # valid RSIN (elfproef)

# responses of the Documenten API are checked against its OAS as well


def add_clients(srv):
    """The clients of the Documenten API tests' servers (others are added while they run)."""
    conftest.add_standard_clients(srv, "admin", "beheer")


class Drc(zgw.Api):
    """Calls the Documenten API as one client: relative paths are under /documenten/api/v1."""

    def __init__(self, api: zgw.Api):
        super().__init__(api.base_url, api.client_id, api.secret, api.session)

    def as_client(self, client_id, secret) -> "Drc":
        return Drc(super().as_client(client_id, secret))

    def url(self, path: str) -> str:
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.base_url + DRC + path

    def create(self, path, body, **kw):
        resp = self.post(path, body, **kw)
        assert resp.status_code == 201, zgw.describe(resp)
        return resp.json()

    def lock(self, url) -> str:
        resp = self.post(url + "/lock")
        assert resp.status_code == 200, zgw.describe(resp)
        return resp.json()["lock"]

    def unlock(self, url, lock):
        resp = self.post(url + "/unlock", {"lock": lock})
        assert resp.status_code == 204, zgw.describe(resp)

    def put_part(self, part_url, data: bytes, lock: str):
        """PUT /bestandsdelen/{uuid} as multipart/form-data."""
        headers = {"Authorization": f"Bearer {self.token()}", "Accept": "application/json"}
        resp = self.session.put(part_url, files={"inhoud": ("part.bin", data, "application/octet-stream")},
                                data={"lock": lock}, headers=headers, timeout=120)
        contract.check_response(resp)
        return resp

    def download(self, url, **params):
        headers = {"Authorization": f"Bearer {self.token()}"}
        return self.session.get(url + "/download", params=params, headers=headers, timeout=120)


@pytest.fixture(scope="module")
def drc(admin) -> Drc:
    """The Documenten API as `admin` (all rights); test modules import this fixture."""
    return Drc(admin)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def iot(api: zgw.Api, catalogus=None, publish=True, **over):
    f = zgw.Factory(api)
    body = f.informatieobjecttype(catalogus, **over)
    if publish:
        body = f.publish(body["url"])
    return body


def eio_payload(iot_url: str, **over):
    body = {
        "bronorganisatie": BRONORGANISATIE,
        "creatiedatum": "2026-03-01",
        "titel": zgw.uniq("Document "),
        "auteur": "Tester",
        "taal": "nld",
        "informatieobjecttype": iot_url,
        "formaat": "text/plain",
        "bestandsnaam": "test.txt",
        "inhoud": b64(b"hallo wereld"),
    }
    body.update(over)
    return body


class FakeApi:
    """A stand-in for another Zaken or Besluiten API: GET of a zaak/besluit (404 for unknown ones, a non-zaak
    JSON under /other/), and the zaakinformatieobjecten/besluitinformatieobjecten lists, which name the
    relations in `relations` ((object, document) pairs)."""

    def __init__(self):
        self.relations = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                from urllib.parse import parse_qs, urlsplit
                parts = urlsplit(self.path)
                path = parts.path
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                url = fake.base + path
                if path.startswith("/zaken/api/v1/zaken/"):
                    return self._send(200, {"url": url, "zaaktype": fake.base + "/zt/1"})
                if path.startswith("/besluiten/api/v1/besluiten/"):
                    return self._send(200, {"url": url, "besluittype": fake.base + "/bt/1"})
                if path.startswith("/other/"):
                    return self._send(200, {"url": url, "naam": "geen zaak"})
                for kind in ("zaak", "besluit"):
                    if path.endswith(f"/{kind}informatieobjecten"):
                        pair = (query.get(kind), query.get("informatieobject"))
                        found = [{"url": fake.base + "/rel/1"}] if pair in fake.relations else []
                        return self._send(200, found)
                return self._send(404, {"detail": "Niet gevonden."})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def zaak(self, uid):
        return f"{self.base}/zaken/api/v1/zaken/{uid}"

    def besluit(self, uid):
        return f"{self.base}/besluiten/api/v1/besluiten/{uid}"

    def close(self):
        self.httpd.shutdown()
