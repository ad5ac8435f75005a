"""`thorbecke import`: migration in from another ZGW implementation, tested with a second Thorbecke as the source.

The source is filled through its HTTP API (a catalogus with a published zaaktype and all its sub-types, a concept
zaaktype, zaken with every sub-resource, documents with content — one over 1 MiB — and a besluit with a
document), the import copies it into a fresh target, and the target's HTTP API must then show the same objects:
same UUIDs and identificaties, the same field values with the source's base URL swapped for the target's,
byte-identical content, equal counts.  Also: an import killed half-way and run again ends in the same state,
bad credentials and an unreachable source fail clearly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import signal
import subprocess
import time

import pytest

import conftest
import zaken_support as zs
import zgw
from zgw import describe

ZRC = "/zaken/api/v1"
DRC = "/documenten/api/v1"
BRC = "/besluiten/api/v1"
CAT = "/catalogi/api/v1"
CRS = {"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}
SOURCE_CLIENT = ("migratie", "migratie-secret")

# Fields the target sets itself when the object is written there (the standard makes them read-only), so they
# cannot carry the source's value: the moment a zaakinformatieobject or rol was registered or a zaak last changed, and
# when a document's version was registered (the import writes the current version).
SERVER_SET = {
    "zaakinformatieobjecten": {"registratiedatum"},
    "rollen": {"registratiedatum"},
    "zaken": {"laatstGemuteerd"},
    "enkelvoudiginformatieobjecten": {"beginRegistratie", "inhoud"},
}

# Every list the comparison reads: (path, key fields of the object besides its url)
LISTS = [
    CAT + "/catalogussen", CAT + "/informatieobjecttypen?status=alles", CAT + "/besluittypen?status=alles",
    CAT + "/zaaktypen?status=alles", CAT + "/statustypen?status=alles", CAT + "/roltypen?status=alles",
    CAT + "/eigenschappen?status=alles", CAT + "/zaakobjecttypen?status=alles",
    CAT + "/resultaattypen?status=alles", CAT + "/zaaktype-informatieobjecttypen?status=alles",
    ZRC + "/zaken", ZRC + "/statussen", ZRC + "/resultaten", ZRC + "/rollen", ZRC + "/zaakobjecten",
    ZRC + "/klantcontacten", ZRC + "/zaakinformatieobjecten",
    DRC + "/enkelvoudiginformatieobjecten", DRC + "/gebruiksrechten",
    BRC + "/besluiten", BRC + "/besluitinformatieobjecten",
]


def b64pad(text: str) -> str:
    return text + "=" * (-len(text) % 4)


def binary():
    b = conftest.thorbecke_bin()
    if b is None:
        pytest.skip("thorbecke binary not built")
    return b


def add_source_clients(srv):
    conftest.add_standard_clients(srv, "admin")
    srv.add_client(*SOURCE_CLIENT)


@pytest.fixture(scope="module", params=conftest.engines())
def source(request, tmp_path_factory):
    with conftest.running_server(tmp_path_factory, request.param, add_clients=add_source_clients) as srv:
        yield srv


@pytest.fixture(scope="module")
def data(source):
    """Fills the source; returns what the tests compare (the big document's bytes among them)."""
    api = source.client("admin")
    zrc = zs.Zrc(api)
    f = zgw.Factory(api)

    def create(path, body, headers=None):
        resp = api.post(path, body, headers=headers, check=False)
        assert resp.status_code == 201, describe(resp)
        return resp.json()

    cat = f.catalogus()["url"]
    iot = f.informatieobjecttype(cat)["url"]
    f.publish(iot)
    bt = f.besluittype(cat, informatieobjecttypen=[iot])["url"]
    f.publish(bt)
    zt = f.zaaktype(cat, besluittypen=[bt], productenOfDiensten=["https://example.com/product/1"])["url"]
    st1 = f.statustype(zt, volgnummer=1)["url"]
    st2 = f.statustype(zt, volgnummer=2)["url"]
    rt = f.resultaattype(zt)["url"]
    roltype = f.roltype(zt, omschrijvingGeneriek="initiator")["url"]
    eig = f.eigenschap(zt)["url"]
    f.zaakobjecttype(zt)
    f.ziot(zt, iot)
    resp = api.patch(zt, {"deelzaaktypen": [zt]})  # refers to itself: created before it exists in the target
    assert resp.status_code == 200, describe(resp)
    f.publish(zt)
    concept = f.zaaktype(cat)["url"]  # stays a concept
    f.statustype(concept, volgnummer=1)

    small = b"Hallo migratie\n"
    big = random.Random(6).randbytes(1536 * 1024 + 17)  # over 1 MiB, not a multiple of anything
    docs = []
    for titel, content in (("klein", small), ("groot", big)):
        docs.append(create(DRC + "/enkelvoudiginformatieobjecten", {
            "bronorganisatie": zs.BRONORGANISATIE, "creatiedatum": "2026-01-10", "titel": titel,
            "auteur": "Import", "taal": "nld", "informatieobjecttype": iot, "status": "definitief",
            "bestandsnaam": titel + ".bin", "inhoud": base64.b64encode(content).decode(),
            "vertrouwelijkheidaanduiding": "openbaar"}))
    create(DRC + "/gebruiksrechten", {"informatieobject": docs[0]["url"], "startdatum": "2026-01-10T00:00:00Z",
                                      "omschrijvingVoorwaarden": "Vrij te gebruiken"})

    zaak = zrc.create("/zaken", zs.zaak_payload(zt, identificatie="ZAAK-MIGRATIE-1", omschrijving="Hoofd"))
    hoofd = zrc.create("/zaken", zs.zaak_payload(zt, identificatie="ZAAK-MIGRATIE-3", omschrijving="Open"))
    deel = zrc.create("/zaken", zs.zaak_payload(zt, identificatie="ZAAK-MIGRATIE-2", hoofdzaak=hoofd["url"],
                                                relevanteAndereZaken=[{"url": zaak["url"],
                                                                       "aardRelatie": "vervolg"}]))
    zrc.create("/rollen", zs.rol_payload(zaak["url"], roltype))
    zrc.create("/zaakobjecten", {"zaak": zaak["url"], "objectType": "overige", "objectTypeOverige": "boom",
                                 "objectIdentificatie": {"overigeData": {"soort": "eik"}}})
    zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen", {"zaak": zaak["url"], "eigenschap": eig,
                                                             "waarde": "blauw"})
    zrc.create("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2026-01-20T09:30:00Z",
                                   "identificatie": "KC-1", "kanaal": "telefoon"})
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": docs[0]["url"],
                                           "titel": "Aanvraag"})
    zrc.create("/statussen", zs.status_payload(zaak["url"], st1, datumStatusGezet="2026-02-01T10:00:00Z"))
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": rt, "toelichting": "klaar"})
    zrc.create("/statussen", zs.status_payload(zaak["url"], st2, datumStatusGezet="2026-02-02T10:00:00Z"))
    besluit = create(BRC + "/besluiten", {
        "verantwoordelijkeOrganisatie": zs.BRONORGANISATIE, "besluittype": bt, "zaak": deel["url"],
        "datum": "2026-02-03", "ingangsdatum": "2026-02-04", "identificatie": "BESLUIT-MIGRATIE-1"})
    create(BRC + "/besluitinformatieobjecten", {"besluit": besluit["url"], "informatieobject": docs[1]["url"]})
    return {"contents": {docs[0]["url"]: small, docs[1]["url"]: big}}


def fresh_target(tmp_path_factory, engine):
    """A data dir (and PostgreSQL database) with no server running yet."""
    return conftest.Server(binary(), engine, tmp_path_factory.mktemp(f"import-{engine}"))


def run_import(source, target, *, client=SOURCE_CLIENT, from_url=None):
    args = [str(target.binary), "import", "--from", from_url or source.base_url, "--client-id", client[0],
            "--secret", client[1], "--db", target.db_url, "--data-dir", str(target.data_dir)]
    # Small parts: the big document goes into the target in several of them (content is never held whole).
    env = dict(os.environ, THORBECKE_DOCUMENT_PART_BYTES=str(256 * 1024))
    return subprocess.run(args, capture_output=True, text=True, timeout=600, env=env)


def snapshot(srv, base):
    """Every object the lists show, by URL with `base` replaced by a marker, and the documents' content."""
    api = srv.client("admin")
    objects = {}
    for path in LISTS:
        collection = path.split("?")[0].rsplit("/", 1)[-1]
        resp = api.get(path, headers=CRS, check=False)
        assert resp.status_code == 200, describe(resp)
        body = resp.json()
        items = body if isinstance(body, list) else api.list_all(path, None) if body.get("next") else \
            body["results"]
        for item in items:
            for field in SERVER_SET.get(collection, ()):
                item.pop(field, None)
            text = json.dumps(item, sort_keys=True).replace(base, "BASE")
            objects[item["url"].replace(base, "BASE")] = json.loads(text)
    for zaak in [k for k in objects if "/zaken/api/v1/zaken/" in k]:
        uuid = zaak.rsplit("/", 1)[-1]
        resp = api.get(f"{ZRC}/zaken/{uuid}/zaakeigenschappen", headers=CRS, check=False)
        assert resp.status_code == 200, describe(resp)
        for item in resp.json():
            objects[item["url"].replace(base, "BASE")] = json.loads(json.dumps(item).replace(base, "BASE"))
    # Objectinformatieobjecten mirror zaak- and besluitinformatieobjecten, under UUIDs of their own.
    resp = api.get(DRC + "/objectinformatieobjecten", check=False)
    assert resp.status_code == 200, describe(resp)
    for item in resp.json():
        key = "oio " + " ".join(item[k] for k in ("informatieobject", "object", "objectType")).replace(base, "BASE")
        objects[key] = key
    contents = {}
    for key, doc in objects.items():
        if key.startswith("BASE" + DRC + "/enkelvoudiginformatieobjecten/"):
            resp = api.get(key.replace("BASE", base) + "/download", check=False)
            assert resp.status_code == 200, describe(resp)
            contents[key] = resp.content
    return objects, contents


def started(target):
    conftest.add_standard_clients(target, "admin")
    target.start()
    return target


def assert_same(source, data, target):
    want, want_content = snapshot(source, source.base_url)
    got, got_content = snapshot(target, target.base_url)
    assert sorted(got) == sorted(want)
    differ = [(key, field) for key in want if isinstance(want[key], dict)
              for field in set(want[key]) | set(got[key]) if want[key].get(field) != got[key].get(field)]
    assert differ == [], [(k, f, want[k].get(f), got[k].get(f)) for k, f in differ]
    assert got == want
    assert got_content == want_content
    assert set(want_content.values()) == set(data["contents"].values())


def test_import_copies_everything(source, data, tmp_path_factory):
    target = fresh_target(tmp_path_factory, source.engine)
    try:
        res = run_import(source, target)
        assert res.returncode == 0, res.stderr
        summary = json.loads(res.stdout)
        assert summary["ok"] is True and summary["failed"] == 0, summary
        assert summary["kinds"]["zaken"] == {"total": 3, "created": 3, "existing": 0, "failed": 0}
        assert summary["kinds"]["enkelvoudiginformatieobjecten"]["created"] == 2
        assert summary["contentBytes"] == sum(len(c) for c in data["contents"].values())
        assert "zaken" in res.stderr and "/s)" in res.stderr  # progress per kind, with a rate
        started(target)
        assert_same(source, data, target)
        # The published zaaktype stays published, the concept stays a concept.
        api = target.client("admin")
        zaaktypen = api.list_all(CAT + "/zaaktypen", {"status": "alles"})
        assert sorted(z["concept"] for z in zaaktypen) == [False, True]
        # Run again: nothing new, nothing duplicated.
        target.stop()
        again = run_import(source, target)
        assert again.returncode == 0, again.stderr
        summary = json.loads(again.stdout)
        assert summary["created"] == 0 and summary["failed"] == 0, summary
        assert summary["existing"] > 0
        target.start()
        assert_same(source, data, target)
    finally:
        target.stop()
        target.cleanup()


def test_import_killed_halfway_then_resumed(source, data, tmp_path_factory):
    target = fresh_target(tmp_path_factory, source.engine)
    try:
        args = [str(target.binary), "import", "--from", source.base_url, "--client-id", SOURCE_CLIENT[0],
                "--secret", SOURCE_CLIENT[1], "--db", target.db_url, "--data-dir", str(target.data_dir)]
        # Killed twice: once the catalogi are in (the documents under way), then once the documents are in
        # (the zaken under way).
        for n, after in enumerate((b"zaaktypen published", b"import: enkelvoudiginformatieobjecten")):
            log = target.workdir / f"import-{n}.stderr"
            with open(log, "wb") as fh:
                proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=fh)
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and proc.poll() is None and after not in log.read_bytes():
                    time.sleep(0.01)
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
            assert proc.returncode == -signal.SIGKILL, log.read_text()
        res = run_import(source, target)
        assert res.returncode == 0, res.stderr
        summary = json.loads(res.stdout)
        assert summary["failed"] == 0 and summary["existing"] > 0, summary
        started(target)
        assert_same(source, data, target)
    finally:
        target.stop()
        target.cleanup()


def test_bad_credentials_fail_clearly(source, data, tmp_path_factory):
    target = fresh_target(tmp_path_factory, source.engine)
    try:
        res = run_import(source, target, client=(SOURCE_CLIENT[0], "wrong-secret"))
        assert res.returncode != 0
        assert "weigert de toegang (403)" in res.stderr or "weigert de toegang (401)" in res.stderr, res.stderr
        assert "--client-id" in res.stderr
        assert res.stdout == ""
    finally:
        target.cleanup()


def test_unreachable_source_fails_clearly(source, tmp_path_factory):
    target = fresh_target(tmp_path_factory, source.engine)
    try:
        res = run_import(source, target, from_url=f"http://127.0.0.1:{conftest.free_port()}")
        assert res.returncode != 0
        assert "niet bereikbaar" in res.stderr, res.stderr
        res = run_import(source, target, from_url="ftp://example.com")
        assert res.returncode != 0
        assert "geen http(s)-URL" in res.stderr, res.stderr
    finally:
        target.cleanup()


class FakeSource:
    """A minimal ZGW source: two catalogussen on two pages (one with an RSIN that fails the elfproef), every
    other list empty.  Remembers the JWTs it was sent."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        fake = self
        self.tokens = []
        self.good = "5b8b2f5e-8a0e-4c39-9a47-0b4a7c1c0001"
        self.bad = "5b8b2f5e-8a0e-4c39-9a47-0b4a7c1c0002"

        def catalogus(uid, rsin):
            return {"url": f"{fake.base}{CAT}/catalogussen/{uid}", "domein": "MIGR", "rsin": rsin,
                    "contactpersoonBeheerNaam": "Beheer", "naam": "Catalogus " + uid[-1], "versie": "1",
                    "begindatumVersie": "2024-01-01", "zaaktypen": [], "besluittypen": [],
                    "informatieobjecttypen": []}

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.tokens.append(self.headers.get("Authorization", ""))
                path, _, query = self.path.partition("?")
                body = {"count": 0, "next": None, "previous": None, "results": []}
                if path == CAT + "/catalogussen" and "page=2" in query:
                    body = {"count": 2, "next": None, "previous": None,
                            "results": [catalogus(fake.bad, "123456789")]}
                elif path == CAT + "/catalogussen":
                    body = {"count": 2, "next": f"{fake.base}{CAT}/catalogussen?page=2", "previous": None,
                            "results": [catalogus(fake.good, "002220647")]}
                elif path.endswith(("zaakinformatieobjecten", "objectinformatieobjecten",
                                    "besluitinformatieobjecten")):
                    body = []
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_refused_object_is_reported_and_the_rest_imported(source, tmp_path_factory):
    fake = FakeSource()
    target = fresh_target(tmp_path_factory, source.engine)
    try:
        res = run_import(source, target, from_url=fake.base)
        assert res.returncode == 1, res.stderr
        summary = json.loads(res.stdout)
        assert summary["ok"] is False
        assert summary["kinds"]["catalogussen"] == {"total": 2, "created": 1, "existing": 0, "failed": 1}
        [failure] = summary["failures"]
        assert failure["url"] == f"{fake.base}{CAT}/catalogussen/{fake.bad}"
        assert failure["status"] == 400
        assert [p["name"] for p in failure["invalidParams"]] == ["rsin"]
        assert f"FAILED catalogussen {fake.base}{CAT}/catalogussen/{fake.bad}" in res.stderr
        assert "rsin" in res.stderr
        # JWT as the ZGW standards say: HS256 with client_id, iss and iat, signed with the secret.
        token = fake.tokens[0].removeprefix("Bearer ")
        head, payload, sig = token.split(".")
        assert json.loads(base64.urlsafe_b64decode(b64pad(head)))["alg"] == "HS256"
        claims = json.loads(base64.urlsafe_b64decode(b64pad(payload)))
        assert claims["client_id"] == SOURCE_CLIENT[0] and claims["iss"] == SOURCE_CLIENT[0]
        assert abs(claims["iat"] - time.time()) < 120
        want = hmac.new(SOURCE_CLIENT[1].encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
        assert base64.urlsafe_b64decode(b64pad(sig)) == want
        # The good one is there, under its own UUID; run again: it is skipped, the bad one fails again.
        again = run_import(source, target, from_url=fake.base)
        assert again.returncode == 1
        assert json.loads(again.stdout)["kinds"]["catalogussen"] == {"total": 2, "created": 0, "existing": 1,
                                                                      "failed": 1}
        started(target)
        api = target.client("admin")
        resp = api.get(f"{CAT}/catalogussen/{fake.good}")
        assert resp.status_code == 200, describe(resp)
        assert resp.json()["rsin"] == "002220647"
        assert api.get(f"{CAT}/catalogussen/{fake.bad}", check=False).status_code == 404
    finally:
        target.stop()
        target.cleanup()
        fake.close()
