"""Zaken, Documenten and Besluiten APIs together: the relations they mirror for each other and the rules that
read across them, black-box over HTTP on both engines.

- zaakinformatieobject <-> objectinformatieobject and besluitinformatieobject <-> objectinformatieobject are
  both there or both gone: on create, on delete of either side's owner, and when a write is refused halfway
  (zrc-005, brc-005, drc-003, drc-004, drc-008, zrc-023h).
- A document's informatieobjecttype must be one the zaaktype allows before it is linked (zrc-017).
- Closing a zaak needs every document's indicatieGebruiksrecht set (zrc-007q); archiving it needs every document
  archived (zrc-022).
- A besluit on a zaak gives the zaak a zaakbesluit, and the zaak's archiving dates can derive from the
  besluiten's ingangsdatum / vervaldatum (zrc-021d/e).

Error codes are those of the VNG Postman suite (../shared/tests/zgw-postman).
"""

from __future__ import annotations

import base64
import re

import pytest

import conftest
import zaken_support as zs
import zgw
from zgw import assert_problem, describe

DRC = "/documenten/api/v1"
BRC = "/besluiten/api/v1"


def _add_clients(srv):
    conftest.add_standard_clients(srv, "admin")


server = conftest.server_fixture(add_clients=_add_clients)


class Types:
    """A published zaaktype that allows one informatieobjecttype (and not another), a besluittype of the
    zaaktype that allows that informatieobjecttype, and a resultaattype per archiving rule under test."""

    def __init__(self, api: zgw.Api):
        f = zgw.Factory(api)
        self.catalogus = f.catalogus()["url"]
        self.iot = f.informatieobjecttype(self.catalogus)["url"]
        self.iot_other = f.informatieobjecttype(self.catalogus)["url"]
        self.besluittype = f.besluittype(self.catalogus, informatieobjecttypen=[self.iot])["url"]
        zt = f.zaaktype(self.catalogus, besluittypen=[self.besluittype])
        self.zaaktype = zt["url"]
        self.statustype_1 = f.statustype(self.zaaktype, volgnummer=1)["url"]
        self.statustype_eind = f.statustype(self.zaaktype, volgnummer=2)["url"]
        self.resultaattype = f.resultaattype(self.zaaktype)["url"]
        self.resultaattype_besluit = f.resultaattype(
            self.zaaktype,
            selectielijstklasse=api.resultaat(zgw.RESULTAAT_BLANK),
            archiefactietermijn="P10Y",
            brondatumArchiefprocedure={"afleidingswijze": "ingangsdatum_besluit"},
        )["url"]
        self.resultaattype_verval = f.resultaattype(
            self.zaaktype,
            selectielijstklasse=api.resultaat(zgw.RESULTAAT_BLANK),
            archiefactietermijn="P5Y",
            brondatumArchiefprocedure={"afleidingswijze": "vervaldatum_besluit"},
        )["url"]
        f.ziot(self.zaaktype, self.iot)
        f.publish(self.iot)
        f.publish(self.iot_other)
        f.publish(self.besluittype)
        f.publish(self.zaaktype)


@pytest.fixture(scope="module")
def zrc(admin) -> zs.Zrc:
    return zs.Zrc(admin)


@pytest.fixture(scope="module")
def types(admin):
    return Types(admin)


def document(admin, iot, **over):
    body = {
        "bronorganisatie": zs.BRONORGANISATIE,
        "creatiedatum": "2026-03-01",
        "titel": "Besluitbrief",
        "auteur": "Gemeente",
        "taal": "nld",
        "informatieobjecttype": iot,
        "inhoud": base64.b64encode(b"%PDF-1.4 brief").decode(),
        "bestandsnaam": "brief.pdf",
        "formaat": "application/pdf",
    }
    body.update(over)
    resp = admin.post(DRC + "/enkelvoudiginformatieobjecten", body)
    assert resp.status_code == 201, describe(resp)
    return resp.json()


def oios(admin, obj, doc):
    resp = admin.get(DRC + "/objectinformatieobjecten", params={"object": obj, "informatieobject": doc})
    assert resp.status_code == 200, describe(resp)
    return resp.json()


def besluit(admin, types, zaak=None, **over):
    body = {
        "verantwoordelijkeOrganisatie": zs.BRONORGANISATIE,
        "besluittype": types.besluittype,
        "datum": "2026-03-01",
        "ingangsdatum": "2026-03-02",
    }
    if zaak:
        body["zaak"] = zaak
    body.update(over)
    resp = admin.post(BRC + "/besluiten", body)
    assert resp.status_code == 201, describe(resp)
    return resp.json()


def patch_document(admin, url, **changes):
    lock = admin.post(url + "/lock", {}).json()["lock"]
    resp = admin.patch(url, {**changes, "lock": lock})
    assert resp.status_code == 200, describe(resp)
    unlocked = admin.post(url + "/unlock", {"lock": lock})
    assert unlocked.status_code == 204, describe(unlocked)


# ------------------------------------------------------------------------------------------------
# zaakinformatieobject <-> objectinformatieobject
# ------------------------------------------------------------------------------------------------
def test_zio_creates_and_removes_its_oio(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    doc = document(admin, types.iot)["url"]
    zio = zrc.create("/zaakinformatieobjecten", {"zaak": zaak, "informatieobject": doc})
    found = oios(admin, zaak, doc)
    assert len(found) == 1
    assert found[0]["objectType"] == "zaak"
    assert found[0]["object"] == zaak
    assert found[0]["informatieobject"] == doc
    # drc-003a: the pair exists already
    resp = admin.post(DRC + "/objectinformatieobjecten", {"informatieobject": doc, "object": zaak, "objectType": "zaak"})
    assert_problem(resp, 400, "nonFieldErrors", "unique")
    # drc-008a: a linked document stays
    assert_problem(admin.delete(doc), 400, "nonFieldErrors", "pending-relations")
    assert zrc.delete(zio["url"]).status_code == 204
    assert oios(admin, zaak, doc) == []
    assert admin.delete(doc).status_code == 204


def test_oio_without_zio_is_inconsistent(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    doc = document(admin, types.iot)["url"]
    resp = admin.post(DRC + "/objectinformatieobjecten", {"informatieobject": doc, "object": zaak, "objectType": "zaak"})
    assert_problem(resp, 400, "nonFieldErrors", "inconsistent-relation")
    assert oios(admin, zaak, doc) == []


def test_zio_with_type_the_zaaktype_does_not_allow_writes_nothing(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    doc = document(admin, types.iot_other)["url"]
    resp = zrc.post("/zaakinformatieobjecten", {"zaak": zaak, "informatieobject": doc})
    assert_problem(resp, 400, "nonFieldErrors", "missing-zaaktype-informatieobjecttype-relation")
    assert oios(admin, zaak, doc) == []
    assert zrc.get("/zaakinformatieobjecten", params={"zaak": zaak}).json() == []


def test_unknown_local_document_is_a_bad_url(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    missing = admin.url(DRC + "/enkelvoudiginformatieobjecten/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12)
    resp = zrc.post("/zaakinformatieobjecten", {"zaak": zaak, "informatieobject": missing})
    assert_problem(resp, 400, "informatieobject", "bad-url")


def test_deleting_a_zaak_removes_the_oios(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    doc = document(admin, types.iot)["url"]
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak, "informatieobject": doc})
    oio = oios(admin, zaak, doc)[0]["url"]
    assert zrc.delete(zaak).status_code == 204
    # zrc-023h
    assert admin.get(oio).status_code == 404
    assert admin.delete(doc).status_code == 204


# ------------------------------------------------------------------------------------------------
# closing and archiving read the documents
# ------------------------------------------------------------------------------------------------
def close_zaak(zrc, types, zaak, resultaattype=None):
    zrc.create("/resultaten", {"zaak": zaak, "resultaattype": resultaattype or types.resultaattype})
    return zrc.post("/statussen", zs.status_payload(zaak, types.statustype_eind))


def test_closing_needs_indicatie_gebruiksrecht(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    doc = document(admin, types.iot)
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak, "informatieobject": doc["url"]})
    assert doc["indicatieGebruiksrecht"] is None
    resp = close_zaak(zrc, types, zaak)
    assert_problem(resp, 400, "nonFieldErrors", "indicatiegebruiksrecht-unset")
    assert zrc.get(zaak).json()["einddatum"] is None
    rechten = admin.post(DRC + "/gebruiksrechten", {
        "informatieobject": doc["url"], "startdatum": "2026-03-01T00:00:00Z", "omschrijvingVoorwaarden": "geen"})
    assert rechten.status_code == 201, describe(rechten)
    assert admin.get(doc["url"]).json()["indicatieGebruiksrecht"] is True
    resp = zrc.post("/statussen", zs.status_payload(zaak, types.statustype_eind))
    assert resp.status_code == 201, describe(resp)
    assert zrc.get(zaak).json()["einddatum"] == "2026-02-01"


def test_archiving_needs_archived_documents(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    doc = document(admin, types.iot, indicatieGebruiksrecht=False)
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak, "informatieobject": doc["url"]})
    archive = {"archiefstatus": "gearchiveerd", "archiefnominatie": "vernietigen", "archiefactiedatum": "2040-01-01"}
    resp = zrc.patch(zaak, archive)
    assert_problem(resp, 400, "archiefstatus", "documents-not-archived")
    patch_document(admin, doc["url"], status="gearchiveerd")
    resp = zrc.patch(zaak, archive)
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["archiefstatus"] == "gearchiveerd"


# ------------------------------------------------------------------------------------------------
# besluiten
# ------------------------------------------------------------------------------------------------
def test_bio_creates_and_removes_its_oio(admin, types):
    b = besluit(admin, types)["url"]
    doc = document(admin, types.iot)["url"]
    bio = admin.post(BRC + "/besluitinformatieobjecten", {"besluit": b, "informatieobject": doc})
    assert bio.status_code == 201, describe(bio)
    found = oios(admin, b, doc)
    assert [(o["objectType"], o["object"], o["informatieobject"]) for o in found] == [("besluit", b, doc)]
    # drc-003b
    resp = admin.post(DRC + "/objectinformatieobjecten", {"informatieobject": doc, "object": b, "objectType": "besluit"})
    assert_problem(resp, 400, "nonFieldErrors", "unique")
    assert admin.delete(bio.json()["url"]).status_code == 204
    assert oios(admin, b, doc) == []


def test_deleting_a_besluit_removes_bios_oios_and_zaakbesluit(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))
    b = besluit(admin, types, zaak=zaak["url"])["url"]
    zaakbesluiten = zrc.get(f"/zaken/{zaak['uuid']}/besluiten").json()
    assert [z["besluit"] for z in zaakbesluiten] == [b]
    doc = document(admin, types.iot)["url"]
    bio = admin.post(BRC + "/besluitinformatieobjecten", {"besluit": b, "informatieobject": doc})
    assert bio.status_code == 201, describe(bio)
    assert admin.delete(b).status_code == 204
    assert oios(admin, b, doc) == []
    assert admin.get(bio.json()["url"]).status_code == 404
    assert zrc.get(f"/zaken/{zaak['uuid']}/besluiten").json() == []
    assert admin.delete(doc).status_code == 204


def test_bio_with_type_the_besluittype_does_not_allow_writes_nothing(admin, types):
    b = besluit(admin, types)["url"]
    doc = document(admin, types.iot_other)["url"]
    resp = admin.post(BRC + "/besluitinformatieobjecten", {"besluit": b, "informatieobject": doc})
    assert_problem(resp, 400, "nonFieldErrors", "missing-besluittype-informatieobjecttype-relation")
    assert oios(admin, b, doc) == []


def test_archiving_dates_from_the_besluiten(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    besluit(admin, types, zaak=zaak, ingangsdatum="2026-04-01")
    besluit(admin, types, zaak=zaak, ingangsdatum="2026-05-20")
    resp = close_zaak(zrc, types, zaak, types.resultaattype_besluit)
    assert resp.status_code == 201, describe(resp)
    closed = zrc.get(zaak).json()
    # the resultaattype's archiefactietermijn (whole years here) counts from the newest ingangsdatum
    termijn = zrc.get(types.resultaattype_besluit).json()["archiefactietermijn"]
    years = re.fullmatch(r"P(\d+)Y", termijn)
    assert years, termijn
    assert closed["archiefactiedatum"] == f"{2026 + int(years.group(1))}-05-20", closed


def test_archiving_dates_from_the_besluiten_vervaldatum(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    besluit(admin, types, zaak=zaak, ingangsdatum="2026-04-01", vervaldatum="2027-04-01", vervalreden="tijdelijk")
    besluit(admin, types, zaak=zaak, ingangsdatum="2026-04-01", vervaldatum="2026-09-30", vervalreden="tijdelijk")
    resp = close_zaak(zrc, types, zaak, types.resultaattype_verval)
    assert resp.status_code == 201, describe(resp)
    assert zrc.get(zaak).json()["archiefactiedatum"] == "2032-04-01"


def test_a_write_refused_halfway_leaves_no_mirror(admin, types):
    """besluit_verwerken writes the besluit, then each besluitinformatieobject with its objectinformatieobject;
    the second is refused, so the first one's mirror must go with the rest."""
    doc = document(admin, types.iot)["url"]
    refused = document(admin, types.iot_other)["url"]  # the besluittype does not allow this type
    identificatie = zgw.uniq("BESLUIT-HALF-")
    resp = admin.post(BRC + "/besluit_verwerken", {
        "besluit": {
            "verantwoordelijkeOrganisatie": zs.BRONORGANISATIE,
            "identificatie": identificatie,
            "besluittype": types.besluittype,
            "datum": "2026-03-01",
            "ingangsdatum": "2026-03-02",
        },
        "besluitinformatieobjecten": [{"informatieobject": doc}, {"informatieobject": refused}],
    })
    assert resp.status_code == 400, describe(resp)
    found = admin.get(BRC + "/besluiten", params={"identificatie": identificatie}).json()
    assert found["count"] == 0
    links = admin.get(DRC + "/objectinformatieobjecten", params={"informatieobject": doc}).json()
    assert links == []
    assert admin.delete(doc).status_code == 204


# ------------------------------------------------------------------------------------------------
# document_registreren: a document and its zaakinformatieobject in one transaction
# ------------------------------------------------------------------------------------------------
def registreren_body(types, zaak, **eio_over):
    eio = {
        "bronorganisatie": zs.BRONORGANISATIE,
        "creatiedatum": "2026-03-01",
        "titel": "Bijlage",
        "auteur": "Balie",
        "taal": "nld",
        "informatieobjecttype": types.iot,
        "inhoud": base64.b64encode(b"bijlage").decode(),
        "bestandsnaam": "bijlage.txt",
        "formaat": "text/plain",
    }
    eio.update(eio_over)
    return {"enkelvoudiginformatieobject": eio, "zaakinformatieobject": {"zaak": zaak, "titel": "Bijlage bij aanvraag"}}


def test_document_registreren_writes_document_zio_and_oio(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    resp = admin.post(DRC + "/document_registreren", registreren_body(types, zaak))
    assert resp.status_code == 201, describe(resp)
    body = resp.json()
    doc = body["enkelvoudiginformatieobject"]["url"]
    assert resp.headers["Location"] == doc
    assert body["zaakinformatieobject"]["zaak"] == zaak
    assert body["zaakinformatieobject"]["informatieobject"] == doc
    assert body["zaakinformatieobject"]["titel"] == "Bijlage bij aanvraag"
    # the OAS's media type for a client that asks for it (the default answer is the document's formaat)
    download = admin.get(doc + "/download", headers={"Accept": "application/octet-stream"})
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.content == b"bijlage"
    assert len(oios(admin, zaak, doc)) == 1
    zios = zrc.get("/zaakinformatieobjecten", params={"zaak": zaak}).json()
    assert [z["informatieobject"] for z in zios] == [doc]


def test_document_registreren_refused_halfway_writes_nothing(admin, zrc, types):
    """The zaaktype does not allow the informatieobjecttype: the document written first goes too."""
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    titel = zgw.uniq("Halfweg ")
    resp = admin.post(DRC + "/document_registreren",
                      registreren_body(types, zaak, informatieobjecttype=types.iot_other, titel=titel))
    assert_problem(resp, 400, "zaakinformatieobject.nonFieldErrors", "missing-zaaktype-informatieobjecttype-relation")
    found = admin.get(DRC + "/enkelvoudiginformatieobjecten", params={"titel": titel})
    assert found.status_code == 200, describe(found)
    assert found.json()["count"] == 0
    assert zrc.get("/zaakinformatieobjecten", params={"zaak": zaak}).json() == []


def test_document_registreren_checks_the_document_fields(admin, zrc, types):
    zaak = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))["url"]
    resp = admin.post(DRC + "/document_registreren", registreren_body(types, zaak, inhoud="**geen base64**"))
    assert_problem(resp, 400, "enkelvoudiginformatieobject.inhoud")


def test_moving_a_besluit_to_another_zaak_moves_the_zaakbesluit(admin, zrc, types):
    first = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))
    second = zrc.create("/zaken", zs.zaak_payload(types.zaaktype))
    b = besluit(admin, types, zaak=first["url"])["url"]
    resp = admin.patch(b, {"zaak": second["url"]})
    assert resp.status_code == 200, describe(resp)
    assert zrc.get(f"/zaken/{first['uuid']}/besluiten").json() == []
    assert [z["besluit"] for z in zrc.get(f"/zaken/{second['uuid']}/besluiten").json()] == [b]
    resp = admin.patch(b, {"zaak": ""})
    assert resp.status_code == 200, describe(resp)
    assert zrc.get(f"/zaken/{second['uuid']}/besluiten").json() == []


def test_besluit_on_an_unknown_local_zaak_is_a_bad_url(admin, types):
    missing = admin.url("/zaken/api/v1/zaken/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12)
    resp = admin.post(BRC + "/besluiten", {
        "verantwoordelijkeOrganisatie": zs.BRONORGANISATIE, "besluittype": types.besluittype,
        "datum": "2026-03-01", "ingangsdatum": "2026-03-02", "zaak": missing})
    assert_problem(resp, 400, "zaak", "bad-url")


def test_download_type_is_the_formaat_and_never_a_header_injection(admin, types):
    import requests

    def raw_download(url, accept="*/*"):
        headers = {"Authorization": f"Bearer {admin.token()}", "Accept": accept}
        return requests.get(url + "/download", headers=headers, timeout=30)

    doc = document(admin, types.iot, formaat="application/pdf")["url"]
    resp = raw_download(doc)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="brief.pdf"'
    assert raw_download(doc, "application/octet-stream").headers["Content-Type"] == "application/octet-stream"
    assert raw_download(doc, "application/pdf, application/octet-stream").headers["Content-Type"] == "application/pdf"
    evil = document(admin, types.iot, formaat="text/html\r\nX-Injected: ja", bestandsnaam="a\"\r\nb.pdf")["url"]
    resp = raw_download(evil)
    assert resp.status_code == 200
    assert "X-Injected" not in resp.headers
    assert resp.headers["Content-Type"] == "application/octet-stream"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="ab.pdf"'
