"""Besluiten API 1.1.0, black-box over HTTP on both engines.

Besluiten (create, read, PUT, PATCH, DELETE, every list filter of the OAS, pagination), besluitinformatieobjecten
(create, read, list, delete; no PUT/PATCH in the OAS), besluit_verwerken, the audit trail and the authorisation by
scope and besluittype, with the rules of rules/zgw-1.5/besluiten.md and the error codes the VNG Postman suite
expects (brc-001 … brc-008 there).  Until the Documenten API and the Zaken links are wired, the documents and
zaken are served by a stand-in server (the remote path of brc-003 and the zaak check).
"""

from __future__ import annotations

import datetime
import json
import re
import threading
import uuid as uuidlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import conftest
import zgw
from zgw import assert_problem, describe

BRC = "/besluiten/api/v1"
RSIN = "002220647"
OTHER_RSIN = "245122461"


class Brc(zgw.Api):
    """Calls the Besluiten API as one client: relative paths are under /besluiten/api/v1."""

    def __init__(self, api: zgw.Api):
        super().__init__(api.base_url, api.client_id, api.secret, api.session)

    def as_client(self, client_id, secret) -> "Brc":
        return Brc(super().as_client(client_id, secret))

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + BRC + path

    def create(self, path, body):
        resp = self.post(path, body)
        assert resp.status_code == 201, describe(resp)
        return resp.json()


server = conftest.server_fixture(extra_args=["--auth-cache-ms", "0"],
                                 add_clients=lambda srv: conftest.add_standard_clients(srv, "admin", "beheer"))


@pytest.fixture(scope="module")
def brc(admin) -> Brc:
    return Brc(admin)


# ------------------------------------------------------------------------------------------------
# catalogue: besluittype (with an informatieobjecttype) in the zaaktype's besluittypen, a second published
# besluittype without informatieobjecttypen, and a concept besluittype
# ------------------------------------------------------------------------------------------------
class Types:
    def __init__(self, api: zgw.Api):
        f = zgw.Factory(api)
        self.catalogus = f.catalogus()["url"]
        self.iot = f.informatieobjecttype(self.catalogus)["url"]
        self.iot_other = f.informatieobjecttype(self.catalogus)["url"]
        self.besluittype = f.besluittype(self.catalogus, informatieobjecttypen=[self.iot])["url"]
        self.besluittype_2 = f.besluittype(self.catalogus)["url"]
        self.concept = f.besluittype(self.catalogus)["url"]
        self.zaaktype = f.zaaktype(self.catalogus, besluittypen=[self.besluittype])["url"]
        for url in (self.iot, self.iot_other, self.besluittype, self.besluittype_2, self.zaaktype):
            f.publish(url)


@pytest.fixture(scope="module")
def types(api) -> Types:
    return Types(api)


# ------------------------------------------------------------------------------------------------
# stand-in for another Documenten API and another Zaken API: documents and zaken it hands out answer 200
# ------------------------------------------------------------------------------------------------
class Remote:
    DOCS = "/documenten/api/v1/enkelvoudiginformatieobjecten/"
    ZAKEN = "/zaken/api/v1/zaken/"

    def __init__(self):
        self.docs = {}   # uuid -> informatieobjecttype
        self.zaken = {}  # uuid -> zaaktype
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                path = self.path.split("?")[0]
                uid = path.rsplit("/", 1)[-1]
                body = None
                if path.startswith(remote.DOCS) and uid in remote.docs:
                    body = {"url": remote.base + path, "informatieobjecttype": remote.docs[uid],
                            "titel": "Stuk", "status": "definitief"}
                elif path.startswith(remote.ZAKEN) and uid in remote.zaken:
                    body = {"url": remote.base + path, "zaaktype": remote.zaken[uid], "identificatie": "Z-1"}
                elif path.startswith("/anders/"):
                    body = {"url": remote.base + path, "naam": "iets anders"}
                data = json.dumps(body or {"detail": "Niet gevonden."}).encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def document(self, iot):
        uid = str(uuidlib.uuid4())
        self.docs[uid] = iot
        return self.base + self.DOCS + uid

    def zaak(self, zaaktype):
        uid = str(uuidlib.uuid4())
        self.zaken[uid] = zaaktype
        return self.base + self.ZAKEN + uid

    def missing(self, path):
        return self.base + path + str(uuidlib.uuid4())

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def remote():
    r = Remote()
    yield r
    r.close()


def besluit_payload(types, **over):
    body = {"verantwoordelijkeOrganisatie": RSIN, "besluittype": types.besluittype,
            "datum": "2026-01-10", "ingangsdatum": "2026-01-11"}
    body.update(over)
    return body


def add_brc_client(server, client_id, grants):
    """A client whose grants are (scope, besluittype URL or None); scopes without ':' are brc scopes."""
    args = ["clients", "add", "--db", server.db_url, "--client-id", client_id, "--secret", "secret"]
    for scope, besluittype in grants:
        args += ["--besluittype", besluittype or "", "--scope", scope if ":" in scope else "brc:" + scope]
    server.cli(*args)


# ------------------------------------------------------------------------------------------------
# besluiten
# ------------------------------------------------------------------------------------------------
def test_create_minimal_generates_identificatie_and_defaults(brc, types):
    resp = brc.post("/besluiten", besluit_payload(types, datum="2025-03-04"))
    assert resp.status_code == 201, describe(resp)
    b = resp.json()
    assert resp.headers["Location"] == b["url"]
    assert resp.headers["API-version"] == "1.1.0"
    assert re.fullmatch(r"BESLUIT-2025-\d{10}", b["identificatie"]), b
    assert b["url"].startswith(brc.url("/besluiten/"))
    assert (b["zaak"], b["toelichting"], b["bestuursorgaan"], b["vervalreden"], b["vervalredenWeergave"]) == \
        ("", "", "", "", "")
    for f in ("vervaldatum", "publicatiedatum", "verzenddatum", "uiterlijkeReactiedatum"):
        assert b[f] is None
    assert brc.get(b["url"]).json() == b


def test_create_with_every_field(brc, types):
    body = besluit_payload(types, identificatie="B-" + uuidlib.uuid4().hex[:10], toelichting="Omdat",
                           bestuursorgaan="College", vervaldatum="2027-01-01", vervalreden="tijdelijk",
                           publicatiedatum="2026-01-12", verzenddatum="2026-01-13",
                           uiterlijkeReactiedatum="2026-02-20")
    b = brc.create("/besluiten", body)
    for k, v in body.items():
        assert b[k] == v, k
    assert b["vervalredenWeergave"] == "Besluit met tijdelijke werking"
    assert brc.patch(b["url"], {"vervalreden": "ingetrokken_belanghebbende"}).json()["vervalredenWeergave"] == \
        "Besluit ingetrokken o.v.v. belanghebbende"


def test_generated_identificaties_differ(brc, types):
    a = brc.create("/besluiten", besluit_payload(types))
    b = brc.create("/besluiten", besluit_payload(types))
    assert a["identificatie"] != b["identificatie"]


def test_identificatie_unique_per_organisatie(brc, types):
    """brc-002a"""
    ident = "UNIEK-" + uuidlib.uuid4().hex[:8]
    brc.create("/besluiten", besluit_payload(types, identificatie=ident))
    assert_problem(brc.post("/besluiten", besluit_payload(types, identificatie=ident)), 400,
                   field="identificatie", code="identificatie-niet-uniek")
    other = brc.post("/besluiten", besluit_payload(types, identificatie=ident, verantwoordelijkeOrganisatie=OTHER_RSIN))
    assert other.status_code == 201, describe(other)


def test_rsin_elfproef(brc, types):
    assert_problem(brc.post("/besluiten", besluit_payload(types, verantwoordelijkeOrganisatie="123456789")), 400,
                   field="verantwoordelijkeOrganisatie", code="invalid")


def test_datum_not_in_the_future(brc, types):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert_problem(brc.post("/besluiten", besluit_payload(types, datum=tomorrow)), 400,
                   field="datum", code="future_not_allowed")
    # ingangsdatum and the other dates may lie ahead
    ok = brc.post("/besluiten", besluit_payload(types, ingangsdatum=tomorrow, vervaldatum=tomorrow))
    assert ok.status_code == 201, describe(ok)


@pytest.mark.parametrize("field", ["verantwoordelijkeOrganisatie", "besluittype", "datum", "ingangsdatum"])
def test_required_fields(brc, types, field):
    body = besluit_payload(types)
    del body[field]
    assert_problem(brc.post("/besluiten", body), 400, field=field, code="required")


def test_vervalreden_choices(brc, types):
    assert_problem(brc.post("/besluiten", besluit_payload(types, vervalreden="vergeten")), 400, field="vervalreden")


def test_besluittype_bad_url(brc, types, remote):
    """brc-001d"""
    for url in (brc.base_url + "/catalogi/api/v1/besluittypen/" + str(uuidlib.uuid4()),
                remote.missing("/catalogi/api/v1/besluittypen/")):
        assert_problem(brc.post("/besluiten", besluit_payload(types, besluittype=url)), 400,
                       field="besluittype", code="bad-url")


def test_besluittype_invalid_resource(brc, types, remote):
    """brc-001e"""
    for url in (types.zaaktype, remote.base + "/anders/" + str(uuidlib.uuid4())):
        assert_problem(brc.post("/besluiten", besluit_payload(types, besluittype=url)), 400,
                       field="besluittype", code="invalid-resource")


def test_besluittype_not_published(brc, types):
    """brc-001f"""
    assert_problem(brc.post("/besluiten", besluit_payload(types, besluittype=types.concept)), 400,
                   field="besluittype", code="not-published")


def test_update_and_partial_update(brc, types):
    """brc-001b, brc-001c"""
    b = brc.create("/besluiten", besluit_payload(types, toelichting="eerst"))
    put = brc.put(b["url"], besluit_payload(types, identificatie=b["identificatie"], toelichting="daarna",
                                            vervaldatum="2030-01-01"))
    assert put.status_code == 200, describe(put)
    assert (put.json()["toelichting"], put.json()["vervaldatum"]) == ("daarna", "2030-01-01")
    # a PUT without identificatie keeps it
    put = brc.put(b["url"], besluit_payload(types))
    assert put.status_code == 200, describe(put)
    assert put.json()["identificatie"] == b["identificatie"]
    assert put.json()["vervaldatum"] is None
    patch = brc.patch(b["url"], {"bestuursorgaan": "Raad"})
    assert patch.status_code == 200, describe(patch)
    assert brc.get(b["url"]).json() == patch.json()
    assert patch.json()["bestuursorgaan"] == "Raad" and patch.json()["identificatie"] == b["identificatie"]


@pytest.mark.parametrize("field,value", [("besluittype", "besluittype_2"), ("identificatie", "ANDERS-1"),
                                         ("verantwoordelijkeOrganisatie", OTHER_RSIN)])
def test_immutable_fields(brc, types, field, value):
    """brc-001g/h, brc-002b-e"""
    b = brc.create("/besluiten", besluit_payload(types))
    value = getattr(types, value) if field == "besluittype" else value
    body = besluit_payload(types, identificatie=b["identificatie"])
    body[field] = value
    assert_problem(brc.put(b["url"], body), 400, field=field, code="wijzigen-niet-toegelaten")
    assert_problem(brc.patch(b["url"], {field: value}), 400, field=field, code="wijzigen-niet-toegelaten")
    assert brc.get(b["url"]).json() == b


def test_unknown_besluit_is_404(brc, types):
    url = "/besluiten/" + str(uuidlib.uuid4())
    assert_problem(brc.get(url), 404)
    assert_problem(brc.put(url, besluit_payload(types)), 404)
    assert_problem(brc.patch(url, {"toelichting": "x"}), 404)
    assert_problem(brc.delete(url), 404)


def test_etag_and_head(brc, types):
    b = brc.create("/besluiten", besluit_payload(types))
    resp = brc.get(b["url"])
    etag = resp.headers["ETag"]
    assert brc.get(b["url"], headers={"If-None-Match": etag}).status_code == 304
    head = brc.head(b["url"])
    assert head.status_code == 200 and head.headers["ETag"] == etag and not head.content


def test_openapi_is_served(anon):
    resp = anon.get(BRC + "/schema/openapi.yaml", check=False)
    assert resp.status_code == 200
    assert "Besluiten API" in resp.text


# ---- zaak -----------------------------------------------------------------------------------------------------
def test_zaak_bad_url_and_invalid_resource(brc, types, remote):
    assert_problem(brc.post("/besluiten", besluit_payload(types, zaak=remote.missing(Remote.ZAKEN))), 400,
                   field="zaak", code="bad-url")
    assert_problem(brc.post("/besluiten", besluit_payload(types, zaak=remote.base + "/anders/" + str(uuidlib.uuid4()))),
                   400, field="zaak", code="invalid-resource")


def test_zaak_of_another_api(brc, types, remote):
    zaak = remote.zaak(types.zaaktype)
    b = brc.create("/besluiten", besluit_payload(types, zaak=zaak))
    assert b["zaak"] == zaak
    other = remote.zaak(types.zaaktype)
    patched = brc.patch(b["url"], {"zaak": other})
    assert patched.status_code == 200, describe(patched)
    assert patched.json()["zaak"] == other
    cleared = brc.patch(b["url"], {"zaak": ""})
    assert cleared.status_code == 200 and cleared.json()["zaak"] == ""


def test_besluittype_must_be_in_zaaktype(brc, types, remote):
    """brc-006a (Postman): the besluittype is not one of the zaak's zaaktype.besluittypen"""
    zaak = remote.zaak(types.zaaktype)
    assert_problem(brc.post("/besluiten", besluit_payload(types, besluittype=types.besluittype_2, zaak=zaak)), 400,
                   field="nonFieldErrors", code="zaaktype-mismatch")
    b = brc.create("/besluiten", besluit_payload(types, besluittype=types.besluittype_2))
    assert_problem(brc.patch(b["url"], {"zaak": zaak}), 400, field="nonFieldErrors", code="zaaktype-mismatch")


# ---- lists ------------------------------------------------------------------------------------------------------
def test_list_filters(brc, types, remote):
    org = zgw.rsin()
    zaak = remote.zaak(types.zaaktype)
    a = brc.create("/besluiten", besluit_payload(types, verantwoordelijkeOrganisatie=org, zaak=zaak))
    b = brc.create("/besluiten", besluit_payload(types, verantwoordelijkeOrganisatie=org,
                                                 besluittype=types.besluittype_2))

    def urls(**params):
        resp = brc.get("/besluiten", params=params)
        assert resp.status_code == 200, describe(resp)
        return [r["url"] for r in resp.json()["results"]]

    assert urls(verantwoordelijkeOrganisatie=org) == [b["url"], a["url"]]  # newest first
    assert urls(verantwoordelijkeOrganisatie=org, besluittype=types.besluittype_2) == [b["url"]]
    assert urls(zaak=zaak) == [a["url"]]
    assert urls(identificatie=a["identificatie"], verantwoordelijkeOrganisatie=org) == [a["url"]]
    assert urls(identificatie="bestaat-niet") == []


def test_list_pagination(brc, types):
    org = zgw.rsin()
    made = [brc.create("/besluiten", besluit_payload(types, verantwoordelijkeOrganisatie=org))["url"]
            for _ in range(3)]
    page = brc.get("/besluiten", params={"verantwoordelijkeOrganisatie": org, "pageSize": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["previous"] is None
    second = brc.get(page["next"]).json()
    assert [r["url"] for r in page["results"] + second["results"]] == made[::-1]
    assert_problem(brc.get("/besluiten", params={"verantwoordelijkeOrganisatie": org, "page": 5}), 404)


def test_list_rejects_unknown_parameters_and_bad_urls(brc):
    assert_problem(brc.get("/besluiten", params={"besluitype": "x"}), 400, field="nonFieldErrors",
                   code="unknown-parameters")
    assert_problem(brc.get("/besluitinformatieobjecten", params={"zaak": "http://x/y"}), 400,
                   field="nonFieldErrors", code="unknown-parameters")
    assert_problem(brc.get("/besluiten", params={"besluittype": "geen-url"}), 400, field="besluittype",
                   code="invalid")


# ------------------------------------------------------------------------------------------------
# besluitinformatieobjecten
# ------------------------------------------------------------------------------------------------
def test_bio_create_read_list_delete(brc, types, remote):
    """brc-003a; the document of another Documenten API"""
    b = brc.create("/besluiten", besluit_payload(types))
    doc = remote.document(types.iot)
    resp = brc.post("/besluitinformatieobjecten", {"besluit": b["url"], "informatieobject": doc})
    assert resp.status_code == 201, describe(resp)
    bio = resp.json()
    assert resp.headers["Location"] == bio["url"]
    assert (bio["besluit"], bio["informatieobject"]) == (b["url"], doc)
    assert brc.get(bio["url"]).json() == bio
    assert brc.get("/besluitinformatieobjecten", params={"besluit": b["url"]}).json() == [bio]
    assert brc.get("/besluitinformatieobjecten", params={"informatieobject": doc}).json() == [bio]
    assert brc.get("/besluitinformatieobjecten", params={"besluit": b["url"], "informatieobject": doc + "x"}).json() \
        == []
    elsewhere = "https://elders.example" + b["url"][len(brc.base_url):]
    assert brc.get("/besluitinformatieobjecten", params={"besluit": elsewhere}).json() == []
    assert brc.delete(bio["url"]).status_code == 204
    assert_problem(brc.get(bio["url"]), 404)
    assert brc.get("/besluitinformatieobjecten", params={"besluit": b["url"]}).json() == []


def test_bio_unique(brc, types, remote):
    b = brc.create("/besluiten", besluit_payload(types))
    body = {"besluit": b["url"], "informatieobject": remote.document(types.iot)}
    brc.create("/besluitinformatieobjecten", body)
    assert_problem(brc.post("/besluitinformatieobjecten", body), 400, field="nonFieldErrors", code="unique")


def test_bio_informatieobject_must_exist(brc, types, remote):
    """brc-003b"""
    b = brc.create("/besluiten", besluit_payload(types))
    assert_problem(brc.post("/besluitinformatieobjecten",
                            {"besluit": b["url"], "informatieobject": remote.missing(Remote.DOCS)}), 400,
                   field="informatieobject", code="bad-url")
    assert_problem(brc.post("/besluitinformatieobjecten",
                            {"besluit": b["url"], "informatieobject": remote.base + "/anders/1"}), 400,
                   field="informatieobject", code="invalid-resource")


def test_bio_informatieobjecttype_of_besluittype(brc, types, remote):
    """brc-007a (Postman)"""
    b = brc.create("/besluiten", besluit_payload(types))
    assert_problem(brc.post("/besluitinformatieobjecten",
                            {"besluit": b["url"], "informatieobject": remote.document(types.iot_other)}), 400,
                   field="nonFieldErrors", code="missing-besluittype-informatieobjecttype-relation")


def test_bio_besluit_must_be_a_besluit_here(brc, types, remote):
    doc = remote.document(types.iot)
    assert_problem(brc.post("/besluitinformatieobjecten",
                            {"besluit": brc.url("/besluiten/" + str(uuidlib.uuid4())), "informatieobject": doc}),
                   400, field="besluit", code="does_not_exist")
    assert_problem(brc.post("/besluitinformatieobjecten",
                            {"besluit": "https://elders.example/besluiten/api/v1/besluiten/" + str(uuidlib.uuid4()),
                             "informatieobject": doc}), 400, field="besluit", code="no_match")


def test_bio_has_no_update(brc, types, remote):
    """brc-004: the OAS has no PUT/PATCH of a besluitinformatieobject, so besluit and informatieobject cannot
    change (the Postman suite asks for 400 wijzigen-niet-toegelaten; the OAS makes it 405)."""
    b = brc.create("/besluiten", besluit_payload(types))
    doc = remote.document(types.iot)
    bio = brc.create("/besluitinformatieobjecten", {"besluit": b["url"], "informatieobject": doc})
    other = brc.create("/besluiten", besluit_payload(types))
    assert brc.put(bio["url"], {"besluit": other["url"], "informatieobject": doc}, check=False).status_code == 405
    assert brc.patch(bio["url"], {"besluit": other["url"]}, check=False).status_code == 405
    assert brc.get(bio["url"]).json() == bio


# ------------------------------------------------------------------------------------------------
# deleting a besluit (brc-008 in Postman, brc-009 of the standard)
# ------------------------------------------------------------------------------------------------
def test_delete_cascades(brc, types, remote):
    b = brc.create("/besluiten", besluit_payload(types))
    bio = brc.create("/besluitinformatieobjecten", {"besluit": b["url"], "informatieobject": remote.document(types.iot)})
    assert brc.get(b["url"] + "/audittrail").status_code == 200
    assert brc.delete(b["url"]).status_code == 204
    assert_problem(brc.get(b["url"]), 404)
    assert_problem(brc.get(bio["url"]), 404)
    assert brc.get("/besluitinformatieobjecten", params={"besluit": b["url"]}).json() == []
    assert_problem(brc.get(b["url"] + "/audittrail"), 404)
    # the identificatie is free again
    again = brc.post("/besluiten", besluit_payload(types, identificatie=b["identificatie"]))
    assert again.status_code == 201, describe(again)


# ------------------------------------------------------------------------------------------------
# audit trail
# ------------------------------------------------------------------------------------------------
def test_audit_trail(brc, types, remote):
    b = brc.create("/besluiten", besluit_payload(types))
    brc.put(b["url"], besluit_payload(types, identificatie=b["identificatie"], toelichting="x"))
    brc.patch(b["url"], {"toelichting": "y"}, headers={"X-Audit-Toelichting": "waarom"})
    bio = brc.create("/besluitinformatieobjecten", {"besluit": b["url"], "informatieobject": remote.document(types.iot)})
    brc.delete(bio["url"])
    resp = brc.get(b["url"] + "/audittrail")
    assert resp.status_code == 200, describe(resp)
    trail = resp.json()
    assert [(e["actie"], e["resource"], e["resultaat"]) for e in trail] == [
        ("create", "besluit", 201), ("update", "besluit", 200), ("partial_update", "besluit", 200),
        ("create", "besluitinformatieobject", 201), ("destroy", "besluitinformatieobject", 204)]
    assert all(e["bron"] == "brc" and e["hoofdObject"] == b["url"] for e in trail)
    assert trail[0]["wijzigingen"]["oud"] is None and trail[0]["wijzigingen"]["nieuw"]["url"] == b["url"]
    assert trail[2]["toelichting"] == "waarom"
    assert trail[2]["wijzigingen"]["oud"]["toelichting"] == "x" and trail[2]["wijzigingen"]["nieuw"]["toelichting"] == "y"
    assert trail[3]["resourceUrl"] == bio["url"] and trail[4]["wijzigingen"]["nieuw"] is None
    assert trail[0]["applicatieId"] == "admin"
    one = brc.get(b["url"] + "/audittrail/" + trail[1]["uuid"])
    assert one.status_code == 200 and one.json() == trail[1]
    assert_problem(brc.get(b["url"] + "/audittrail/" + str(uuidlib.uuid4())), 404)


# ------------------------------------------------------------------------------------------------
# besluit_verwerken
# ------------------------------------------------------------------------------------------------
def test_verwerken(brc, types, remote):
    docs = [remote.document(types.iot), remote.document(types.iot)]
    resp = brc.post("/besluit_verwerken", {"besluit": besluit_payload(types, toelichting="samen"),
                                           "besluitinformatieobjecten": [{"informatieobject": d} for d in docs]})
    assert resp.status_code == 201, describe(resp)
    out = resp.json()
    b = out["besluit"]
    assert resp.headers["Location"] == b["url"]
    assert b["toelichting"] == "samen" and brc.get(b["url"]).json() == b
    assert [x["informatieobject"] for x in out["besluitinformatieobjecten"]] == docs
    assert all(x["besluit"] == b["url"] for x in out["besluitinformatieobjecten"])
    assert brc.get("/besluitinformatieobjecten", params={"besluit": b["url"]}).json() == out["besluitinformatieobjecten"]
    assert [e["resource"] for e in brc.get(b["url"] + "/audittrail").json()] == \
        ["besluit", "besluitinformatieobject", "besluitinformatieobject"]


def test_verwerken_is_one_transaction(brc, types, remote):
    ident = "VERW-" + uuidlib.uuid4().hex[:8]
    good = {"informatieobject": remote.document(types.iot)}
    cases = [
        ([good, {"informatieobject": remote.document(types.iot_other)}],
         "besluitinformatieobjecten.1.nonFieldErrors", "missing-besluittype-informatieobjecttype-relation"),
        ([good, {"informatieobject": remote.missing(Remote.DOCS)}], "besluitinformatieobjecten.1.informatieobject",
         "bad-url"),
        ([good, good], "besluitinformatieobjecten.1.nonFieldErrors", "unique"),
    ]
    for bios, field, code in cases:
        resp = brc.post("/besluit_verwerken", {"besluit": besluit_payload(types, identificatie=ident),
                                               "besluitinformatieobjecten": bios})
        assert_problem(resp, 400, field=field, code=code)
        assert brc.get("/besluiten", params={"identificatie": ident}).json()["count"] == 0
    resp = brc.post("/besluit_verwerken", {"besluit": besluit_payload(types, besluittype=types.concept),
                                           "besluitinformatieobjecten": []})
    assert_problem(resp, 400, field="besluit.besluittype", code="not-published")
    resp = brc.post("/besluit_verwerken", {"besluit": besluit_payload(types)})
    assert_problem(resp, 400, field="besluitinformatieobjecten", code="required")


# ------------------------------------------------------------------------------------------------
# authorisation
# ------------------------------------------------------------------------------------------------
def test_without_token_401_and_without_scope_403(brc, types, server):
    b = brc.create("/besluiten", besluit_payload(types))
    anon = brc.anonymous()
    for method, path in (("GET", "/besluiten"), ("GET", b["url"]), ("POST", "/besluiten"),
                         ("GET", "/besluitinformatieobjecten"), ("GET", b["url"] + "/audittrail")):
        assert_problem(Brc(anon).request(method, path, {} if method == "POST" else None), 401)
    add_brc_client(server, "brc-niets", [("ztc:catalogi.lezen", None)])
    none = brc.as_client("brc-niets", "secret")
    for method, path, body in (("GET", "/besluiten", None), ("GET", b["url"], None),
                               ("POST", "/besluiten", besluit_payload(types)),
                               ("PATCH", b["url"], {"toelichting": "x"}), ("DELETE", b["url"], None),
                               ("POST", "/besluit_verwerken", {}), ("GET", b["url"] + "/audittrail", None)):
        assert_problem(none.request(method, path, body), 403)


def test_scopes_per_operation(brc, types, server):
    add_brc_client(server, "brc-lees", [("besluiten.lezen", None)])
    lees = brc.as_client("brc-lees", "secret")
    b = brc.create("/besluiten", besluit_payload(types))
    assert lees.get(b["url"]).status_code == 200
    assert_problem(lees.get(b["url"] + "/audittrail"), 403)
    assert_problem(lees.post("/besluiten", besluit_payload(types)), 403)
    assert_problem(lees.patch(b["url"], {"toelichting": "x"}), 403)
    assert_problem(lees.delete(b["url"]), 403)
    add_brc_client(server, "brc-schrijf", [("besluiten.aanmaken", None), ("besluiten.bijwerken", None),
                                           ("besluiten.verwijderen", None), ("audittrails.lezen", None)])
    schrijf = brc.as_client("brc-schrijf", "secret")
    made = schrijf.create("/besluiten", besluit_payload(types))
    assert schrijf.patch(made["url"], {"toelichting": "x"}).status_code == 200
    assert schrijf.get(made["url"] + "/audittrail").status_code == 200
    assert_problem(schrijf.get(made["url"]), 403)
    assert schrijf.delete(made["url"]).status_code == 204


def test_grants_limited_to_a_besluittype(brc, types, server, remote):
    add_brc_client(server, "brc-type1", [("besluiten.lezen", types.besluittype),
                                         ("besluiten.aanmaken", types.besluittype),
                                         ("besluiten.verwijderen", types.besluittype),
                                         ("audittrails.lezen", types.besluittype)])
    limited = brc.as_client("brc-type1", "secret")
    org = zgw.rsin()
    mine = limited.create("/besluiten", besluit_payload(types, verantwoordelijkeOrganisatie=org))
    theirs = brc.create("/besluiten", besluit_payload(types, verantwoordelijkeOrganisatie=org,
                                                      besluittype=types.besluittype_2))
    assert_problem(limited.post("/besluiten", besluit_payload(types, besluittype=types.besluittype_2)), 403)
    listed = limited.get("/besluiten", params={"verantwoordelijkeOrganisatie": org}).json()
    assert [r["url"] for r in listed["results"]] == [mine["url"]] and listed["count"] == 1
    assert brc.get("/besluiten", params={"verantwoordelijkeOrganisatie": org}).json()["count"] == 2
    assert limited.get(mine["url"]).status_code == 200
    assert limited.get(mine["url"] + "/audittrail").status_code == 200
    assert_problem(limited.get(theirs["url"]), 403)
    assert_problem(limited.get(theirs["url"] + "/audittrail"), 403)
    assert_problem(limited.delete(theirs["url"]), 403)
    # besluitinformatieobjecten follow their besluit
    bio_mine = limited.create("/besluitinformatieobjecten",
                              {"besluit": mine["url"], "informatieobject": remote.document(types.iot)})
    theirs_doc = remote.document(types.iot)
    bt2 = brc.create("/besluiten", besluit_payload(types, besluittype=types.besluittype_2))
    assert_problem(limited.post("/besluitinformatieobjecten", {"besluit": bt2["url"], "informatieobject": theirs_doc}),
                   403)
    assert limited.get(bio_mine["url"]).status_code == 200
    assert limited.get("/besluitinformatieobjecten", params={"besluit": mine["url"]}).json() == [bio_mine]
    assert limited.delete(mine["url"]).status_code == 204


def test_clients_add_besluittype_option(server, types):
    add_brc_client(server, "brc-toon", [("besluiten.lezen", types.besluittype)])
    out = server.cli("clients", "list", "--db", server.db_url).stdout
    line = next(l for l in out.splitlines() if l.startswith("brc-toon\t"))
    assert f"brc:besluiten.lezen@{types.besluittype}" in line
