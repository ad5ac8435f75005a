"""Documenten API 1.4.2: gebruiksrechten, verzendingen and objectinformatieobjecten, black-box over HTTP on both
engines.

Gebruiksrechten set and clear the document's indicatieGebruiksrecht without a new version (drc-006c/d);
verzendingen with their address sub-objects; objectinformatieobjecten whose object must answer (drc-002), be
unique with the document (drc-003) and be known to the object's own API (drc-004), and the document's delete
that waits for them and takes its gebruiksrechten, verzendingen and audit trail along (drc-008).  Zaken and
besluiten of another API are played by a small HTTP server in the test.
"""

from __future__ import annotations

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
def iot(api):
    return ds.iot(api)["url"]


@pytest.fixture(scope="module")
def remote():
    fake = ds.FakeApi()
    yield fake
    fake.close()


def new_doc(drc, iot, **over):
    return drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, **over))


# ------------------------------------------------------------------------------------------------
# gebruiksrechten
# ------------------------------------------------------------------------------------------------
def test_gebruiksrechten_indicatie(drc, iot):
    doc = new_doc(drc, iot)
    body = {"informatieobject": doc["url"], "startdatum": "2019-01-01T12:00:00",
            "omschrijvingVoorwaarden": "test"}
    first = drc.post("/gebruiksrechten", body)
    assert first.status_code == 201, describe(first)
    recht = first.json()
    assert recht["einddatum"] is None and recht["url"] == first.headers["Location"]
    after = drc.get(doc["url"]).json()
    assert after["indicatieGebruiksrecht"] is True and after["versie"] == 1
    second = drc.create("/gebruiksrechten", {**body, "startdatum": "2020-01-01T00:00:00Z",
                                             "einddatum": "2021-01-01T00:00:00Z"})
    # the indicatie cannot be cleared while there are gebruiksrechten
    lock = drc.lock(doc["url"])
    assert_problem(drc.patch(doc["url"], {"indicatieGebruiksrecht": False, "lock": lock}), 400,
                   "indicatieGebruiksrecht", "existing-gebruiksrechten")
    drc.unlock(doc["url"], lock)
    assert drc.delete(recht["url"]).status_code == 204
    assert drc.get(doc["url"]).json()["indicatieGebruiksrecht"] is True
    assert drc.delete(second["url"]).status_code == 204
    gone = drc.get(doc["url"]).json()
    assert gone["indicatieGebruiksrecht"] is None and gone["versie"] == 1


def test_gebruiksrechten_crud_and_filters(drc, iot):
    doc = new_doc(drc, iot)
    other = new_doc(drc, iot)
    a = drc.create("/gebruiksrechten", {"informatieobject": doc["url"], "startdatum": "2020-01-01T00:00:00Z",
                                        "omschrijvingVoorwaarden": "a"})
    b = drc.create("/gebruiksrechten", {"informatieobject": doc["url"], "startdatum": "2022-01-01T00:00:00Z",
                                        "einddatum": "2023-01-01T00:00:00Z", "omschrijvingVoorwaarden": "b"})
    drc.create("/gebruiksrechten", {"informatieobject": other["url"], "startdatum": "2020-01-01T00:00:00Z",
                                    "omschrijvingVoorwaarden": "c"})

    def urls(**params):
        resp = drc.get("/gebruiksrechten", params={"informatieobject": doc["url"], **params})
        assert resp.status_code == 200, describe(resp)
        return [r["url"] for r in resp.json()]

    assert urls() == [a["url"], b["url"]]
    assert urls(startdatum__gt="2021-01-01T00:00:00Z") == [b["url"]]
    assert urls(startdatum__lte="2020-01-01T01:00:00+01:00") == [a["url"]]
    assert urls(einddatum__lt="2024-01-01T00:00:00Z") == [b["url"]]
    assert urls(einddatum__gte="2024-01-01T00:00:00Z") == []
    assert_problem(drc.get("/gebruiksrechten", params={"bogus": "1"}), 400, "nonFieldErrors", "unknown-parameters")
    assert_problem(drc.get("/gebruiksrechten", params={"startdatum__gt": "gisteren"}), 400, "startdatum__gt")
    resp = drc.patch(a["url"], {"omschrijvingVoorwaarden": "gewijzigd"})
    assert resp.status_code == 200 and resp.json()["omschrijvingVoorwaarden"] == "gewijzigd"
    resp = drc.put(a["url"], {"informatieobject": doc["url"], "startdatum": "2020-02-02T00:00:00Z",
                              "omschrijvingVoorwaarden": "x"})
    assert resp.status_code == 200 and resp.json()["startdatum"] == "2020-02-02T00:00:00Z"
    assert_problem(drc.put(a["url"], {"informatieobject": other["url"], "startdatum": "2020-02-02T00:00:00Z",
                                      "omschrijvingVoorwaarden": "x"}), 400, "informatieobject")
    missing = f"{drc.base_url}/documenten/api/v1/enkelvoudiginformatieobjecten/{uuidlib.uuid4()}"
    assert_problem(drc.post("/gebruiksrechten", {"informatieobject": missing, "startdatum": "2020-01-01T00:00:00Z",
                                                 "omschrijvingVoorwaarden": "x"}), 400, "informatieobject")
    trail = drc.get(doc["url"] + "/audittrail").json()
    assert [e["resource"] for e in trail if e["resource"] == "gebruiksrechten"]


# ------------------------------------------------------------------------------------------------
# verzendingen
# ------------------------------------------------------------------------------------------------
def verzending(doc_url, **over):
    body = {
        "betrokkene": "https://example.com/betrokkenen/1",
        "informatieobject": doc_url,
        "aardRelatie": "geadresseerde",
        "contactPersoon": "https://example.com/medewerkers/1",
        "binnenlandsCorrespondentieadres": {"huisnummer": 1, "naamOpenbareRuimte": "Straat",
                                            "woonplaatsnaam": "Utrecht", "postcode": "1234AB"},
    }
    body.update(over)
    return body


def test_verzendingen(drc, iot):
    doc = new_doc(drc, iot)
    v1 = drc.post("/verzendingen", verzending(doc["url"]))
    assert v1.status_code == 201, describe(v1)
    v1 = v1.json()
    assert v1["binnenlandsCorrespondentieadres"]["woonplaatsnaam"] == "Utrecht"
    assert v1["buitenlandsCorrespondentieadres"] is None and v1["correspondentiePostadres"] is None
    v2 = drc.create("/verzendingen", verzending(doc["url"], aardRelatie="afzender",
                                                betrokkene="https://example.com/betrokkenen/2",
                                                binnenlandsCorrespondentieadres=None, emailadres="a@example.com"))
    assert_problem(drc.post("/verzendingen", verzending(doc["url"], emailadres="a@example.com")), 400,
                   "nonFieldErrors", "invalid-address")
    assert_problem(drc.post("/verzendingen", verzending(doc["url"], binnenlandsCorrespondentieadres=None)), 400,
                   "nonFieldErrors", "invalid-address")
    bad = verzending(doc["url"], binnenlandsCorrespondentieadres={"huisnummer": 1, "naamOpenbareRuimte": "S",
                                                                  "woonplaatsnaam": "U", "postcode": "12AB"})
    assert_problem(drc.post("/verzendingen", bad), 400, "binnenlandsCorrespondentieadres.postcode", "invalid")

    def urls(**params):
        resp = drc.get("/verzendingen", params={"informatieobject": doc["url"], **params})
        assert resp.status_code == 200, describe(resp)
        return [r["url"] for r in resp.json()["results"]]

    assert urls() == [v1["url"], v2["url"]]
    assert urls(aardRelatie="afzender") == [v2["url"]]
    assert urls(betrokkene="https://example.com/betrokkenen/1") == [v1["url"]]
    assert_problem(drc.get("/verzendingen", params={"aardRelatie": "x"}), 400, "aardRelatie")
    resp = drc.patch(v1["url"], {"toelichting": "per post"})
    assert resp.status_code == 200 and resp.json()["toelichting"] == "per post"
    assert drc.get(v1["url"]).json()["toelichting"] == "per post"
    assert drc.delete(v2["url"]).status_code == 204
    assert_problem(drc.get(v2["url"]), 404)


def test_expand_informatieobject(drc, iot):
    doc = new_doc(drc, iot)
    recht = drc.create("/gebruiksrechten", {"informatieobject": doc["url"], "startdatum": "2020-01-01T00:00:00Z",
                                            "omschrijvingVoorwaarden": "x"})
    verz = drc.create("/verzendingen", verzending(doc["url"]))
    # (not checked against the OAS: its _expand schemas refer to the Catalogi OAS on the internet)
    one = drc.get(recht["url"], params={"expand": "informatieobject"}, check=False).json()
    assert one["_expand"]["informatieobject"]["url"] == doc["url"]
    assert one["_expand"]["informatieobject"]["indicatieGebruiksrecht"] is True
    listed = drc.get("/verzendingen", params={"informatieobject": doc["url"],
                                              "expand": "informatieobject.informatieobjecttype"}, check=False).json()
    [item] = listed["results"]
    assert item["url"] == verz["url"]
    assert item["_expand"]["informatieobject"]["_expand"]["informatieobjecttype"]["url"] == iot
    rights = drc.get("/gebruiksrechten", params={"informatieobject": doc["url"], "expand": "informatieobject"},
                     check=False).json()
    assert rights[0]["_expand"]["informatieobject"]["titel"] == doc["titel"]
    assert "_expand" not in drc.get(recht["url"]).json()
    assert_problem(drc.get(recht["url"], params={"expand": "zaak"}), 400, "expand", "invalid_choice")


# ------------------------------------------------------------------------------------------------
# objectinformatieobjecten and deleting a document (drc-002 … drc-004, drc-008)
# ------------------------------------------------------------------------------------------------
def test_objectinformatieobjecten(drc, iot, remote):
    doc = new_doc(drc, iot)
    zaak = remote.zaak(uuidlib.uuid4())
    besluit = remote.besluit(uuidlib.uuid4())

    def oio(obj, typ):
        return {"informatieobject": doc["url"], "object": obj, "objectType": typ}

    # drc-002: the object must answer, and be of its type
    assert_problem(drc.post("/objectinformatieobjecten", oio(remote.base + "/404", "zaak")), 400, "object", "bad-url")
    assert_problem(drc.post("/objectinformatieobjecten", oio(remote.base + "/404", "besluit")), 400, "object",
                   "bad-url")
    assert_problem(drc.post("/objectinformatieobjecten", oio(remote.base + "/other/1", "zaak")), 400, "object",
                   "invalid-resource")
    assert_problem(drc.post("/objectinformatieobjecten", oio(remote.base + "/other/1", "besluit")), 400, "object",
                   "invalid-resource")
    local_zaak = f"{drc.base_url}/zaken/api/v1/zaken/{uuidlib.uuid4()}"
    assert_problem(drc.post("/objectinformatieobjecten", oio(local_zaak, "zaak")), 400, "object", "bad-url")
    # drc-004: the zaak's API must know the relation
    resp = drc.post("/objectinformatieobjecten", oio(zaak, "zaak"))
    assert_problem(resp, 400, "nonFieldErrors", "inconsistent-relation")
    remote.relations.add((zaak, doc["url"]))
    remote.relations.add((besluit, doc["url"]))
    created = drc.post("/objectinformatieobjecten", oio(zaak, "zaak"))
    assert created.status_code == 201, describe(created)
    link = created.json()
    assert link["object"] == zaak and link["objectType"] == "zaak" and link["informatieobject"] == doc["url"]
    besluit_link = drc.create("/objectinformatieobjecten", oio(besluit, "besluit"))
    # drc-003: once per object and document
    assert_problem(drc.post("/objectinformatieobjecten", oio(zaak, "zaak")), 400, "nonFieldErrors", "unique")
    assert_problem(drc.post("/objectinformatieobjecten", oio(besluit, "besluit")), 400, "nonFieldErrors", "unique")
    assert drc.get(link["url"]).json() == link
    listed = drc.get("/objectinformatieobjecten", params={"object": zaak}).json()
    assert [x["url"] for x in listed] == [link["url"]]
    listed = drc.get("/objectinformatieobjecten", params={"informatieobject": doc["url"]}).json()
    assert [x["url"] for x in listed] == [link["url"], besluit_link["url"]]
    by_object = drc.get("/enkelvoudiginformatieobjecten", params={"objectinformatieobjecten__object": zaak}).json()
    assert [d["url"] for d in by_object["results"]] == [doc["url"]]
    by_type = drc.get("/enkelvoudiginformatieobjecten", params={"objectinformatieobjecten__objectType": "besluit",
                                                                "identificatie": doc["identificatie"]}).json()
    assert [d["url"] for d in by_type["results"]] == [doc["url"]]
    # drc-008: not while relations exist
    drc.create("/gebruiksrechten", {"informatieobject": doc["url"], "startdatum": "2020-01-01T00:00:00Z",
                                    "omschrijvingVoorwaarden": "x"})
    drc.create("/verzendingen", verzending(doc["url"]))
    assert_problem(drc.delete(doc["url"]), 400, "nonFieldErrors", "pending-relations")
    # the relation goes in its source first
    assert_problem(drc.delete(link["url"]), 400, "nonFieldErrors", "remote-relation-exists")
    remote.relations.discard((zaak, doc["url"]))
    remote.relations.discard((besluit, doc["url"]))
    assert drc.delete(link["url"]).status_code == 204
    assert drc.delete(besluit_link["url"]).status_code == 204
    assert drc.delete(doc["url"]).status_code == 204
    assert drc.get("/gebruiksrechten", params={"informatieobject": doc["url"]}).json() == []
    assert drc.get("/verzendingen", params={"informatieobject": doc["url"]}).json()["count"] == 0
    assert_problem(drc.get(doc["url"] + "/audittrail"), 404)


def test_children_follow_document_rights(drc, server, api, iot):
    secret_doc = new_doc(drc, iot, vertrouwelijkheidaanduiding="geheim")
    open_doc = new_doc(drc, iot, vertrouwelijkheidaanduiding="openbaar")
    g_secret = drc.create("/gebruiksrechten", {"informatieobject": secret_doc["url"],
                                               "startdatum": "2020-01-01T00:00:00Z", "omschrijvingVoorwaarden": "x"})
    g_open = drc.create("/gebruiksrechten", {"informatieobject": open_doc["url"],
                                             "startdatum": "2020-01-01T00:00:00Z", "omschrijvingVoorwaarden": "x"})
    zs.add_client(server, "drc-open", "drc-open-secret",
                  [("drc:documenten.lezen", iot, "openbaar"), ("drc:documenten.aanmaken", iot, "openbaar")])
    limited = drc.as_client("drc-open", "drc-open-secret")
    seen = [g["url"] for g in limited.get("/gebruiksrechten").json()]
    assert g_open["url"] in seen and g_secret["url"] not in seen
    assert_problem(limited.get(g_secret["url"]), 403)
    assert limited.get(g_open["url"]).status_code == 200
    assert_problem(limited.post("/gebruiksrechten", {"informatieobject": secret_doc["url"],
                                                     "startdatum": "2020-01-01T00:00:00Z",
                                                     "omschrijvingVoorwaarden": "x"}), 403)


# ------------------------------------------------------------------------------------------------
# this platform's own zaken: the mirror is written with the zaakinformatieobject
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_types(api):
    f = zgw.Factory(api)
    catalogus = f.catalogus()["url"]
    typ = f.informatieobjecttype(catalogus)["url"]
    zaaktype = f.zaaktype(catalogus)["url"]
    f.statustype(zaaktype, volgnummer=1)
    f.ziot(zaaktype, typ)
    f.publish(typ)
    f.publish(zaaktype)
    return zaaktype, typ


def test_local_zaak_relations(drc, admin, local_types):
    zaaktype, typ = local_types
    zrc = zs.Zrc(admin)
    doc = new_doc(drc, typ)
    zaak = zrc.create("/zaken", zs.zaak_payload(zaaktype))["url"]
    oio = {"informatieobject": doc["url"], "object": zaak, "objectType": "zaak"}
    # drc-004: without a zaakinformatieobject there is no relation to mirror
    assert_problem(drc.post("/objectinformatieobjecten", oio), 400, "nonFieldErrors", "inconsistent-relation")
    zio = zrc.create("/zaakinformatieobjecten", {"zaak": zaak, "informatieobject": doc["url"]})
    mirrored = drc.get("/objectinformatieobjecten", params={"object": zaak, "informatieobject": doc["url"]})
    assert mirrored.status_code == 200, describe(mirrored)
    [link] = mirrored.json()
    assert link["objectType"] == "zaak" and link["informatieobject"] == doc["url"]
    # drc-003: the pair exists already
    assert_problem(drc.post("/objectinformatieobjecten", oio), 400, "nonFieldErrors", "unique")
    # the mirror goes with the zaakinformatieobject, not on its own; the document waits for both (drc-008)
    assert_problem(drc.delete(link["url"]), 400, "nonFieldErrors", "remote-relation-exists")
    assert_problem(drc.delete(doc["url"]), 400, "nonFieldErrors", "pending-relations")
    assert zrc.delete(zio["url"]).status_code == 204
    assert drc.get("/objectinformatieobjecten", params={"object": zaak}).json() == []
    assert drc.delete(doc["url"]).status_code == 204


def test_local_besluit_relations(drc, admin, api, local_types):
    _, typ = local_types
    f = zgw.Factory(api)
    besluittype = f.besluittype(api.get(typ).json()["catalogus"], informatieobjecttypen=[typ])["url"]
    f.publish(besluittype)
    base = admin.base_url + "/besluiten/api/v1"
    doc = new_doc(drc, typ)
    resp = admin.post(base + "/besluiten", {"verantwoordelijkeOrganisatie": ds.BRONORGANISATIE,
                                            "besluittype": besluittype, "datum": "2026-01-10",
                                            "ingangsdatum": "2026-01-11"})
    assert resp.status_code == 201, describe(resp)
    besluit = resp.json()["url"]
    oio = {"informatieobject": doc["url"], "object": besluit, "objectType": "besluit"}
    assert_problem(drc.post("/objectinformatieobjecten", oio), 400, "nonFieldErrors", "inconsistent-relation")
    resp = admin.post(base + "/besluitinformatieobjecten", {"besluit": besluit, "informatieobject": doc["url"]})
    assert resp.status_code == 201, describe(resp)
    bio = resp.json()["url"]
    [link] = drc.get("/objectinformatieobjecten", params={"object": besluit}).json()
    assert link["objectType"] == "besluit" and link["informatieobject"] == doc["url"]
    assert_problem(drc.post("/objectinformatieobjecten", oio), 400, "nonFieldErrors", "unique")
    assert_problem(drc.delete(doc["url"]), 400, "nonFieldErrors", "pending-relations")
    assert admin.delete(bio).status_code == 204
    assert drc.get("/objectinformatieobjecten", params={"object": besluit}).json() == []
    assert drc.delete(doc["url"]).status_code == 204
