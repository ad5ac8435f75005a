"""Documenten API 1.4.2: enkelvoudiginformatieobjecten, black-box over HTTP on both engines.

Create/read/update/delete with every field of the OAS, versions (versie, registratieOp), locking (drc-009),
the rules of rules/zgw-1.5 for documents (drc-001, drc-005, drc-006a/b, drc-007, drc-008), the generated and
reserved identificatie, list filters, ordering and _zoek, the audit trail, and the authorisations per
informatieobjecttype and vertrouwelijkheidaanduiding.  Error codes are those the VNG Postman suite expects
(taken from the reference implementation, Open Zaak).
"""

from __future__ import annotations

import time
import uuid as uuidlib

import pytest

import conftest
import documenten_support as ds
from documenten_support import drc  # noqa: F401  (fixture)
import zaken_support as zs
import zgw
from zgw import assert_problem, describe


server = conftest.server_fixture(extra_args=["--auth-cache-ms", "0"], add_clients=ds.add_clients)


@pytest.fixture(scope="module")
def catalogus(api):
    return zgw.Factory(api).catalogus()["url"]


@pytest.fixture(scope="module")
def iot(api, catalogus):
    return ds.iot(api, catalogus, vertrouwelijkheidaanduiding="zaakvertrouwelijk")["url"]


@pytest.fixture(scope="module")
def iot_open(api, catalogus):
    return ds.iot(api, catalogus, vertrouwelijkheidaanduiding="openbaar")["url"]


def new_doc(drc, iot, **over):
    return drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, **over))


# ------------------------------------------------------------------------------------------------
# create and read
# ------------------------------------------------------------------------------------------------
def test_create_shows_every_field(drc, iot):
    body = ds.eio_payload(iot, beschrijving="Een test", trefwoorden=["a", "b"], link="https://example.com/x",
                          ontvangstdatum="2026-03-02", verzenddatum=None, status="definitief",
                          ondertekening={"soort": "digitaal", "datum": "2026-03-03"},
                          integriteit={"algoritme": "sha_256", "waarde": "abc", "datum": "2026-03-04"},
                          verschijningsvorm="brief")
    resp = drc.post("/enkelvoudiginformatieobjecten", body)
    assert resp.status_code == 201, describe(resp)
    doc = resp.json()
    assert resp.headers["Location"] == doc["url"]
    schema_fields = ["url", "identificatie", "bronorganisatie", "creatiedatum", "titel",
                     "vertrouwelijkheidaanduiding", "auteur", "status", "formaat", "taal", "versie",
                     "beginRegistratie", "bestandsnaam", "inhoud", "bestandsomvang", "link", "beschrijving",
                     "ontvangstdatum", "verzenddatum", "indicatieGebruiksrecht", "verschijningsvorm",
                     "ondertekening", "integriteit", "informatieobjecttype", "locked", "bestandsdelen",
                     "trefwoorden"]
    for field in schema_fields:
        assert field in doc, field
    assert doc["identificatie"].startswith("DOCUMENT-2026-")
    assert doc["versie"] == 1
    assert doc["bestandsomvang"] == len(b"hallo wereld")
    assert doc["inhoud"] == doc["url"] + "/download?versie=1"
    assert doc["locked"] is False and doc["lock"] == ""
    assert doc["bestandsdelen"] == []
    assert doc["ondertekening"] == {"soort": "digitaal", "datum": "2026-03-03"}
    assert doc["trefwoorden"] == ["a", "b"]
    got = drc.get(doc["url"])
    assert got.status_code == 200, describe(got)
    assert "ETag" in got.headers
    again = got.json()
    assert again["titel"] == body["titel"] and again["beschrijving"] == "Een test"
    assert got.headers.get("API-version") == "1.4.2"


def test_drc007_vertrouwelijkheid_from_type(drc, iot):
    derived = new_doc(drc, iot)
    assert derived["vertrouwelijkheidaanduiding"] == "zaakvertrouwelijk"
    explicit = new_doc(drc, iot, vertrouwelijkheidaanduiding="geheim")
    assert explicit["vertrouwelijkheidaanduiding"] == "geheim"


def test_drc006_indicatie(drc, iot):
    doc = new_doc(drc, iot)
    assert doc["indicatieGebruiksrecht"] is None
    resp = drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, indicatieGebruiksrecht=True))
    assert_problem(resp, 400, "indicatieGebruiksrecht", "missing-gebruiksrechten")


def test_drc001_informatieobjecttype(drc, api, catalogus, iot):
    base = drc.base_url
    missing = f"{base}/catalogi/api/v1/informatieobjecttypen/{uuidlib.uuid4()}"
    resp = drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(missing))
    assert_problem(resp, 400, "informatieobjecttype", "bad-url")
    resp = drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(catalogus))
    assert_problem(resp, 400, "informatieobjecttype", "invalid-resource")
    concept = ds.iot(api, catalogus, publish=False)["url"]
    resp = drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(concept))
    assert_problem(resp, 400, "informatieobjecttype", "not-published")


def test_drc005_received_status(drc, iot):
    for status in ("in_bewerking", "ter_vaststelling"):
        resp = drc.post("/enkelvoudiginformatieobjecten",
                        ds.eio_payload(iot, status=status, ontvangstdatum="2026-01-01"))
        assert_problem(resp, 400, "status", "invalid_for_received")
        doc = new_doc(drc, iot, status=status)
        lock = drc.lock(doc["url"])
        resp = drc.patch(doc["url"], {"ontvangstdatum": "2026-01-01", "lock": lock})
        assert_problem(resp, 400, "status", "invalid_for_received")
        put = ds.eio_payload(iot, status=status, ontvangstdatum="2026-01-01", lock=lock)
        assert_problem(drc.put(doc["url"], put), 400, "status", "invalid_for_received")
        drc.unlock(doc["url"], lock)


def test_invalid_request(drc, iot):
    resp = drc.post("/enkelvoudiginformatieobjecten", {"titel": "x"})
    assert_problem(resp, 400, "bronorganisatie", "required")
    assert_problem(drc.get(f"/enkelvoudiginformatieobjecten/{uuidlib.uuid4()}"), 404)
    assert_problem(drc.get("/enkelvoudiginformatieobjecten/not-a-uuid"), 404)


# ------------------------------------------------------------------------------------------------
# identificatie
# ------------------------------------------------------------------------------------------------
def test_identificatie_unique_per_bronorganisatie(drc, iot):
    ident = zgw.uniq("DOC-")
    new_doc(drc, iot, identificatie=ident)
    resp = drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, identificatie=ident))
    assert_problem(resp, 400, "identificatie", "identificatie-niet-uniek")
    other = zs.rsin()
    assert new_doc(drc, iot, identificatie=ident, bronorganisatie=other)["identificatie"] == ident


def test_documentnummer_reserveren(drc, iot):
    bron = zs.rsin()
    resp = drc.post("/documentnummer_reserveren", {"bronorganisatie": bron})
    assert resp.status_code == 201, describe(resp)
    reserved = resp.json()["identificatie"]
    assert reserved.startswith("DOCUMENT-")
    many = drc.post("/documentnummer_reserveren", {"bronorganisatie": bron, "aantal": 3})
    assert many.status_code == 201, describe(many)
    numbers = [r["identificatie"] for r in many.json()]
    assert len(set(numbers + [reserved])) == 4
    generated = new_doc(drc, iot, bronorganisatie=bron)["identificatie"]
    assert generated not in numbers + [reserved]
    # the reserved number is the client's to use
    assert new_doc(drc, iot, bronorganisatie=bron, identificatie=reserved)["identificatie"] == reserved


# ------------------------------------------------------------------------------------------------
# locking (drc-009) and versions
# ------------------------------------------------------------------------------------------------
def test_drc009_locking(drc, iot, server):
    doc = new_doc(drc, iot)
    url = doc["url"]
    put = ds.eio_payload(iot, titel="aangepast", lock="some_incorrect_lock")
    assert_problem(drc.put(url, put), 400, "nonFieldErrors", "unlocked")
    assert_problem(drc.patch(url, {"auteur": "x"}), 400, "nonFieldErrors", "unlocked")
    lock = drc.lock(url)
    assert lock
    assert_problem(drc.post(url + "/lock"), 400, "nonFieldErrors", "existing-lock")
    assert drc.get(url).json()["locked"] is True
    no_lock = ds.eio_payload(iot, titel="aangepast")
    assert_problem(drc.put(url, no_lock), 400, "lock", "required")
    assert_problem(drc.patch(url, {"titel": "x"}), 400, "nonFieldErrors", "missing-lock-id")
    wrong = ds.eio_payload(iot, titel="aangepast", lock="some_incorrect_lock_id")
    assert_problem(drc.put(url, wrong), 400, "nonFieldErrors", "incorrect-lock-id")
    assert_problem(drc.patch(url, {"auteur": "y", "lock": "nope"}), 400, "nonFieldErrors", "incorrect-lock-id")
    resp = drc.put(url, ds.eio_payload(iot, titel="aangepast", lock=lock))
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["versie"] == 2 and resp.json()["titel"] == "aangepast"
    resp = drc.patch(url, {"auteur": "aangepaste auteur", "lock": lock})
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["versie"] == 3 and resp.json()["titel"] == "aangepast"
    # drc-009j: without geforceerd-unlock, an unlock needs the lock
    zs.add_client(server, "drc-lock", "drc-lock-secret",
                  [("drc:documenten.lezen", None, None), ("drc:documenten.lock", None, None)])
    locker = drc.as_client("drc-lock", "drc-lock-secret")
    assert_problem(locker.post(url + "/unlock", {}), 400, "nonFieldErrors", "incorrect-lock-id")
    zs.add_client(server, "drc-force", "drc-force-secret",
                  [("drc:documenten.lezen", None, None), ("drc:documenten.geforceerd-unlock", None, None)])
    forcer = drc.as_client("drc-force", "drc-force-secret")
    resp = forcer.post(url + "/unlock", {})
    assert resp.status_code == 204, describe(resp)
    assert drc.get(url).json()["locked"] is False
    # a normal lock/unlock with the lock id
    lock = locker.lock(url)
    assert_problem(locker.post(url + "/unlock", {"lock": "wrong"}), 400, "nonFieldErrors", "incorrect-lock-id")
    locker.unlock(url, lock)
    assert drc.get(url).json()["locked"] is False


def test_versions_are_kept(drc, iot):
    doc = new_doc(drc, iot, titel="eerste", inhoud=ds.b64(b"versie een"))
    url = doc["url"]
    time.sleep(0.01)
    lock = drc.lock(url)
    second = drc.patch(url, {"titel": "tweede", "inhoud": ds.b64(b"versie twee!"), "lock": lock}).json()
    assert second["versie"] == 2 and second["bestandsomvang"] == len(b"versie twee!")
    assert second["beginRegistratie"] > doc["beginRegistratie"]
    third = drc.patch(url, {"titel": "derde", "lock": lock}).json()
    assert third["versie"] == 3
    assert third["inhoud"].endswith("/download?versie=3")  # the content of version 2 carries over
    drc.unlock(url, lock)
    assert drc.get(url).json()["titel"] == "derde"
    v1 = drc.get(url, params={"versie": 1})
    assert v1.status_code == 200, describe(v1)
    assert v1.json()["titel"] == "eerste" and v1.json()["versie"] == 1
    assert v1.json()["inhoud"].endswith("/download?versie=1")
    at = drc.get(url, params={"registratieOp": second["beginRegistratie"]}).json()
    assert at["versie"] == 2 and at["titel"] == "tweede"
    assert_problem(drc.get(url, params={"registratieOp": "2000-01-01T00:00:00Z"}), 404)
    assert_problem(drc.get(url, params={"versie": 9}), 404)
    assert_problem(drc.get(url, params={"versie": "x"}), 400, "versie")
    assert drc.download(url, versie=1).content == b"versie een"
    assert drc.download(url, versie=2).content == b"versie twee!"
    assert drc.download(url).content == b"versie twee!"
    assert drc.download(url, registratieOp=doc["beginRegistratie"]).content == b"versie een"


def test_put_replaces_fields(drc, iot):
    doc = new_doc(drc, iot, beschrijving="weg", trefwoorden=["x"])
    lock = drc.lock(doc["url"])
    resp = drc.put(doc["url"], ds.eio_payload(iot, titel="nieuw", lock=lock))
    assert resp.status_code == 200, describe(resp)
    new = resp.json()
    assert new["beschrijving"] == "" and new["trefwoorden"] == []
    assert new["identificatie"] == doc["identificatie"]
    drc.unlock(doc["url"], lock)


# ------------------------------------------------------------------------------------------------
# delete and the audit trail (drc-008)
# ------------------------------------------------------------------------------------------------
def test_audit_trail_and_delete(drc, iot):
    doc = new_doc(drc, iot)
    url = doc["url"]
    lock = drc.lock(url)
    drc.patch(url, {"titel": "gewijzigd", "lock": lock}, headers={"X-Audit-Toelichting": "reden"})
    drc.unlock(url, lock)
    trail = drc.get(url + "/audittrail")
    assert trail.status_code == 200, describe(trail)
    entries = trail.json()
    acties = [e["actie"] for e in entries]
    assert acties[0] == "create" and "partial_update" in acties
    update = next(e for e in entries if e["actie"] == "partial_update")
    assert update["bron"] == "drc" and update["toelichting"] == "reden"
    assert update["hoofdObject"] == url and update["resourceUrl"] == url
    assert update["wijzigingen"]["oud"]["titel"] == doc["titel"]
    assert update["wijzigingen"]["nieuw"]["titel"] == "gewijzigd"
    one = drc.get(url + "/audittrail/" + update["uuid"])
    assert one.status_code == 200 and one.json()["uuid"] == update["uuid"]
    resp = drc.delete(url)
    assert resp.status_code == 204, describe(resp)
    assert_problem(drc.get(url), 404)
    assert_problem(drc.get(url + "/audittrail"), 404)
    assert_problem(drc.download(url) if False else drc.get(url + "/download", check=False), 404)


# ------------------------------------------------------------------------------------------------
# lists
# ------------------------------------------------------------------------------------------------
def test_list_filters_and_ordering(drc, api, catalogus):
    typ = ds.iot(api, catalogus)["url"]
    bron = zs.rsin()
    a = new_doc(drc, typ, bronorganisatie=bron, titel="Alfa rapport", auteur="Jansen", trefwoorden=["x", "y"],
                creatiedatum="2026-01-10", formaat="text/plain", status="definitief")
    b = new_doc(drc, typ, bronorganisatie=bron, titel="Beta brief", auteur="Pietersen", trefwoorden=["y"],
                creatiedatum="2026-02-10", vertrouwelijkheidaanduiding="geheim", status="gearchiveerd")
    c = new_doc(drc, typ, bronorganisatie=bron, titel="Gamma notitie", auteur="de Vries", beschrijving="Over ALFA",
                creatiedatum="2026-03-10")
    lock = drc.lock(c["url"])

    def urls(**params):
        resp = drc.get("/enkelvoudiginformatieobjecten", params={"bronorganisatie": bron, **params})
        assert resp.status_code == 200, describe(resp)
        return [d["url"] for d in resp.json()["results"]]

    assert urls() == [a["url"], b["url"], c["url"]]
    assert urls(titel="alfa") == [a["url"]]
    assert urls(beschrijving="alfa") == [c["url"]]
    assert urls(auteur="pieter") == [b["url"]]
    assert urls(identificatie=b["identificatie"]) == [b["url"]]
    assert urls(trefwoorden="x,y") == [a["url"]]
    assert urls(trefwoorden="y") == [a["url"], b["url"]]
    assert urls(trefwoorden__overlap="x,zz") == [a["url"]]
    assert urls(locked="true") == [c["url"]]
    assert urls(locked="false") == [a["url"], b["url"]]
    assert urls(creatiedatum__gte="2026-02-01") == [b["url"], c["url"]]
    assert urls(creatiedatum__lte="2026-02-10") == [a["url"], b["url"]]
    assert urls(vertrouwelijkheidaanduiding="geheim") == [b["url"]]
    assert urls(informatieobjecttype=typ) == [a["url"], b["url"], c["url"]]
    assert urls(ordering="-titel") == [c["url"], b["url"], a["url"]]
    assert urls(ordering="-creatiedatum") == [c["url"], b["url"], a["url"]]
    assert urls(ordering="status,titel") == [c["url"], a["url"], b["url"]]
    resp = drc.get("/enkelvoudiginformatieobjecten", params={"titel": "x", "foo": "1"})
    assert_problem(resp, 400, "nonFieldErrors", "unknown-parameters")
    assert_problem(drc.get("/enkelvoudiginformatieobjecten", params={"ordering": "uuid"}), 400, "ordering")
    assert_problem(drc.get("/enkelvoudiginformatieobjecten", params={"vertrouwelijkheidaanduiding": "x"}), 400,
                   "vertrouwelijkheidaanduiding", "invalid_choice")
    drc.unlock(c["url"], lock)


def test_expand_informatieobjecttype(drc, api, iot):
    doc = new_doc(drc, iot)
    typ = api.get(iot).json()
    # (not checked against the OAS: its _expand schema refers to the Catalogi OAS on the internet)
    resp = drc.get("/enkelvoudiginformatieobjecten",
                   params={"identificatie": doc["identificatie"], "expand": "informatieobjecttype"}, check=False)
    assert resp.status_code == 200, describe(resp)
    [listed] = resp.json()["results"]
    assert listed["_expand"]["informatieobjecttype"]["url"] == iot
    assert listed["_expand"]["informatieobjecttype"]["omschrijving"] == typ["omschrijving"]
    one = drc.get(doc["url"], params={"expand": "informatieobjecttype"}, check=False).json()
    assert one["_expand"]["informatieobjecttype"]["url"] == iot
    assert "_expand" not in drc.get(doc["url"]).json()
    zoek = drc.post("/enkelvoudiginformatieobjecten/_zoek",
                    {"uuid__in": [zgw.uuid_of(doc["url"])], "expand": ["informatieobjecttype"]}, check=False).json()
    assert zoek["results"][0]["_expand"]["informatieobjecttype"]["url"] == iot
    assert_problem(drc.get(doc["url"], params={"expand": "zaak"}), 400, "expand")
    head = drc.head(doc["url"])
    assert head.status_code == 200 and head.headers.get("ETag")


def test_zoek(drc, iot):
    a = new_doc(drc, iot)
    b = new_doc(drc, iot)
    resp = drc.post("/enkelvoudiginformatieobjecten/_zoek",
                    {"uuid__in": [zgw.uuid_of(a["url"]), zgw.uuid_of(b["url"]), str(uuidlib.uuid4())]})
    assert resp.status_code == 200, describe(resp)
    assert sorted(d["url"] for d in resp.json()["results"]) == sorted([a["url"], b["url"]])
    resp = drc.post("/enkelvoudiginformatieobjecten/_zoek",
                    {"uuid__in": [zgw.uuid_of(a["url"])], "identificatie": b["identificatie"]})
    assert resp.json()["count"] == 0
    assert_problem(drc.post("/enkelvoudiginformatieobjecten/_zoek", {}), 400, "uuid__in", "required")


# ------------------------------------------------------------------------------------------------
# authorisation per informatieobjecttype and vertrouwelijkheidaanduiding
# ------------------------------------------------------------------------------------------------
def test_authorisation(drc, server, api, catalogus, iot_open):
    other_type = ds.iot(api, catalogus)["url"]
    bron = zs.rsin()
    seen = new_doc(drc, iot_open, bronorganisatie=bron, vertrouwelijkheidaanduiding="openbaar")
    too_secret = new_doc(drc, iot_open, bronorganisatie=bron, vertrouwelijkheidaanduiding="geheim")
    other = new_doc(drc, other_type, bronorganisatie=bron, vertrouwelijkheidaanduiding="openbaar")
    zs.add_client(server, "drc-beperkt", "drc-beperkt-secret",
                  [("drc:documenten.lezen", iot_open, "intern"), ("drc:documenten.aanmaken", iot_open, "intern")])
    limited = drc.as_client("drc-beperkt", "drc-beperkt-secret")
    resp = limited.get("/enkelvoudiginformatieobjecten", params={"bronorganisatie": bron})
    assert resp.status_code == 200, describe(resp)
    assert [d["url"] for d in resp.json()["results"]] == [seen["url"]]
    assert resp.json()["count"] == 1
    assert limited.get(seen["url"]).status_code == 200
    assert_problem(limited.get(too_secret["url"]), 403)
    assert_problem(limited.get(other["url"]), 403)
    assert limited.download(other["url"]).status_code == 403
    zoek = limited.post("/enkelvoudiginformatieobjecten/_zoek",
                        {"uuid__in": [zgw.uuid_of(u["url"]) for u in (seen, too_secret, other)]})
    assert [d["url"] for d in zoek.json()["results"]] == [seen["url"]]
    assert limited.post("/enkelvoudiginformatieobjecten",
                        ds.eio_payload(iot_open, vertrouwelijkheidaanduiding="intern")).status_code == 201
    assert_problem(limited.post("/enkelvoudiginformatieobjecten",
                                ds.eio_payload(iot_open, vertrouwelijkheidaanduiding="geheim")), 403)
    assert_problem(limited.post("/enkelvoudiginformatieobjecten", ds.eio_payload(other_type)), 403)
    assert_problem(limited.delete(seen["url"]), 403)
    assert_problem(ds.Drc(drc.anonymous()).get("/enkelvoudiginformatieobjecten"), 401)
