"""The reference's client view: one zaak handled end to end across Catalogi, Notificaties, Autorisaties, Zaken,
Documenten and Besluiten, as a real ZGW client does it, on both engines.

The steps run in order on one server per engine and build on each other (a failed step fails the later ones
with "an earlier step failed"):

1. catalogus -> zaaktype with statustypen, resultaattypen (brondatum "afgehandeld" and "eigenschap"), roltypen,
   eigenschappen, informatieobjecttypen (zaaktype-informatieobjecttypen), besluittypen -> publish;
2. a subscriber (notify_sink.py) takes one abonnement on the kanalen zaken, documenten and besluiten;
3. zaak -> rollen, status, zaakobject, zaakeigenschappen;
4. a document uploaded whole and one in parts (bestandsdelen, lock/unlock), both linked to the zaak
   (zaakinformatieobject, mirrored as objectinformatieobject);
5. a besluit on the zaak with a document (besluitinformatieobject), listed under the zaak (zaakbesluit);
6. resultaat and eindstatus -> einddatum, archiefnominatie, archiefactiedatum derived per the resultaattype's
   brondatumArchiefprocedure (for the main zaak from its zaakeigenschap, for a second zaak from the einddatum);
7. the audit trails of the zaak, the documents and the besluit;
8. the notifications: every write announced exactly once on the right kanaal with its actie, resource and
   kenmerken, in write order per hoofdObject, and nothing else;
9. a client with limited rights (an Applicatie made through the Autorisaties API: one zaaktype, one
   informatieobjecttype and one besluittype, max vertrouwelijkheid "zaakvertrouwelijk") sees only what it may.

Every JSON response passes contract.py's OAS check (zgw.Api does it on each call).
"""

from __future__ import annotations

import base64
import os
import time

import pytest

import conftest
import contract
import zaken_support as zs
import zgw
from notify_support import FAST_DELIVERY, Sink, wait_for
from zgw import assert_problem, describe

ZRC = "/zaken/api/v1"
DRC = "/documenten/api/v1"
BRC = "/besluiten/api/v1"
NRC = "/notificaties/api/v1"
AC = "/autorisaties/api/v1"
PART = 1000  # bestandsdelen size the server runs with, so that a small file has several parts
RSIN = zs.BRONORGANISATIE
LIMITED = ("conformance-limited", "conformance-limited-secret")


def _add_clients(srv):
    conftest.add_standard_clients(srv, "admin")
    # A client known by its secret only: its rights come from an Applicatie made through the Autorisaties API.
    srv.cli("clients", "secret", "--db", srv.db_url, "--client-id", LIMITED[0], "--secret", LIMITED[1])


server = conftest.server_fixture(
    extra_args=[*FAST_DELIVERY, "--auth-cache-ms", "0", "--document-part-bytes", str(PART)],
    add_clients=_add_clients)


class Flow:
    """What the steps made (URLs, bodies) and the notifications they expect, in write order."""

    def __init__(self, admin: zgw.Api):
        self.admin = admin
        self.zrc = zs.Zrc(admin)
        self.expected: list[dict] = []  # {kanaal, hoofdObject, resource, resourceUrl, actie, kenmerken}
        self.done: set[str] = set()

    def need(self, *steps):
        missing = [s for s in steps if s not in self.done]
        if missing:
            pytest.fail(f"an earlier step failed: {', '.join(missing)}")

    def expect(self, kanaal, hoofd, resource, url, actie, kenmerken):
        self.expected.append({"kanaal": kanaal, "hoofdObject": hoofd, "resource": resource, "resourceUrl": url,
                              "actie": actie, "kenmerken": kenmerken})

    def zaak_kenmerken(self, zaak: dict) -> dict:
        return {"bronorganisatie": zaak["bronorganisatie"], "zaaktype": zaak["zaaktype"],
                "vertrouwelijkheidaanduiding": zaak["vertrouwelijkheidaanduiding"]}

    # writes that check the answer and note the notification ------------------------------------------------
    def zaak_object(self, path, body, resource, zaak: dict, api=None):
        resp = (api or self.zrc).post(path, body)
        assert resp.status_code == 201, describe(resp)
        made = resp.json()
        for key, value in body.items():
            if key != "betrokkeneIdentificatie" and key != "objectIdentificatie":
                assert made[key] == value, (key, made[key], value)
        self.expect("zaken", zaak["url"], resource, made["url"], "create", self.zaak_kenmerken(zaak))
        return made

    def create_zaak(self, zaaktype, **over):
        resp = self.zrc.post("/zaken", zs.zaak_payload(zaaktype, **over))
        assert resp.status_code == 201, describe(resp)
        zaak = resp.json()
        assert resp.headers.get("Location") == zaak["url"]
        self.expect("zaken", zaak["url"], "zaak", zaak["url"], "create", self.zaak_kenmerken(zaak))
        return zaak

    def document(self, iot, content: bytes | None, **over):
        body = {"bronorganisatie": RSIN, "creatiedatum": "2026-03-01", "titel": zgw.uniq("Document "),
                "auteur": "Behandelaar", "taal": "nld", "informatieobjecttype": iot, "formaat": "text/plain",
                "bestandsnaam": "brief.txt",
                "inhoud": None if content is None else base64.b64encode(content).decode()}
        body.update(over)
        resp = self.admin.post(DRC + "/enkelvoudiginformatieobjecten", body)
        assert resp.status_code == 201, describe(resp)
        doc = resp.json()
        self.expect("documenten", doc["url"], "enkelvoudiginformatieobject", doc["url"], "create",
                    {"bronorganisatie": RSIN, "informatieobjecttype": iot,
                     "vertrouwelijkheidaanduiding": doc["vertrouwelijkheidaanduiding"]})
        return doc

    def besluit(self, besluittype, **over):
        body = {"verantwoordelijkeOrganisatie": RSIN, "besluittype": besluittype, "datum": "2026-03-05",
                "ingangsdatum": "2026-03-06"}
        body.update(over)
        resp = self.admin.post(BRC + "/besluiten", body)
        assert resp.status_code == 201, describe(resp)
        made = resp.json()
        self.expect("besluiten", made["url"], "besluit", made["url"], "create",
                    {"verantwoordelijke_organisatie": RSIN, "besluittype": besluittype})
        return made


@pytest.fixture(scope="module")
def flow(admin) -> Flow:
    return Flow(admin)


@pytest.fixture(scope="module")
def sink(server, tmp_path_factory):
    s = Sink(tmp_path_factory.mktemp("subscriber")).start()
    yield s
    s.kill()


def download(api: zgw.Api, doc_url: str, **kw):
    return api.session.get(doc_url + "/download", headers={"Authorization": f"Bearer {api.token()}"},
                           timeout=60, **kw)


# ------------------------------------------------------------------------------------------------
# 1. catalogue
# ------------------------------------------------------------------------------------------------
def test_01_catalogue_designed_and_published(flow, admin):
    f = zgw.Factory(admin)
    cat = f.catalogus()
    flow.catalogus = cat["url"]
    iot = f.informatieobjecttype(flow.catalogus, omschrijving=zgw.uniq("Brief "),
                                 vertrouwelijkheidaanduiding="openbaar")
    flow.iot = iot["url"]
    flow.iot_other = f.informatieobjecttype(flow.catalogus, omschrijving=zgw.uniq("Memo "))["url"]
    bt = f.besluittype(flow.catalogus, informatieobjecttypen=[flow.iot], omschrijving=zgw.uniq("Vergunning "))
    flow.besluittype = bt["url"]
    flow.besluittype_other = f.besluittype(flow.catalogus, informatieobjecttypen=[flow.iot])["url"]
    zt = f.zaaktype(flow.catalogus, besluittypen=[flow.besluittype, flow.besluittype_other],
                    vertrouwelijkheidaanduiding="openbaar", omschrijving=zgw.uniq("Kapvergunning "))
    flow.zaaktype = zt["url"]
    assert zt["concept"] is True and zt["besluittypen"] == [flow.besluittype, flow.besluittype_other]
    flow.statustype_1 = f.statustype(flow.zaaktype, volgnummer=1, omschrijving="Ontvangen")["url"]
    flow.statustype_eind = f.statustype(flow.zaaktype, volgnummer=2, omschrijving="Afgehandeld")["url"]
    flow.roltype_initiator = f.roltype(flow.zaaktype, omschrijving="Aanvrager",
                                       omschrijvingGeneriek="initiator")["url"]
    flow.roltype_behandelaar = f.roltype(flow.zaaktype, omschrijving="Behandelaar",
                                         omschrijvingGeneriek="behandelaar")["url"]
    flow.eigenschap_datum = f.eigenschap(flow.zaaktype, naam="datumVervallen", specificatie={
        "formaat": "datum", "lengte": "8", "kardinaliteit": "1"})
    flow.eigenschap_tekst = f.eigenschap(flow.zaaktype, naam="boomsoort")
    # brondatum from the zaakeigenschap datumVervallen; from the einddatum (afgehandeld)
    flow.resultaattype_eigenschap = f.resultaattype(
        flow.zaaktype, omschrijving="Verleend", selectielijstklasse=admin.resultaat(zgw.RESULTAAT_BLANK),
        archiefnominatie="blijvend_bewaren", archiefactietermijn="P20Y",
        brondatumArchiefprocedure={"afleidingswijze": "eigenschap", "datumkenmerk": "datumVervallen"})["url"]
    flow.resultaattype_afgehandeld = f.resultaattype(
        flow.zaaktype, omschrijving="Geweigerd", archiefnominatie="vernietigen", archiefactietermijn="P10Y",
        brondatumArchiefprocedure={"afleidingswijze": "afgehandeld"})["url"]
    flow.zaakobjecttype = f.zaakobjecttype(flow.zaaktype)["url"]
    f.ziot(flow.zaaktype, flow.iot)
    # a second zaaktype: the limited client has no rights on it
    flow.zaaktype_other = f.zaaktype(flow.catalogus)["url"]
    f.statustype(flow.zaaktype_other, volgnummer=1)

    # publish: the types a zaaktype uses first (ztc-012: not with concept besluittypen/informatieobjecttypen)
    for url in (flow.iot, flow.iot_other, flow.besluittype, flow.besluittype_other, flow.zaaktype,
                flow.zaaktype_other):
        f.publish(url)
    got = admin.get(flow.zaaktype)
    assert got.status_code == 200, describe(got)
    zt = got.json()
    assert zt["concept"] is False
    assert sorted(zt["statustypen"]) == sorted([flow.statustype_1, flow.statustype_eind])
    assert sorted(zt["resultaattypen"]) == sorted([flow.resultaattype_eigenschap, flow.resultaattype_afgehandeld])
    assert sorted(zt["roltypen"]) == sorted([flow.roltype_initiator, flow.roltype_behandelaar])
    assert sorted(zt["eigenschappen"]) == sorted([flow.eigenschap_datum["url"], flow.eigenschap_tekst["url"]])
    assert zt["informatieobjecttypen"] == [flow.iot]
    assert zt["zaakobjecttypen"] == [flow.zaakobjecttype]
    eind = admin.get(flow.statustype_eind).json()
    assert eind["isEindstatus"] is True and admin.get(flow.statustype_1).json()["isEindstatus"] is False
    flow.done.add("catalogue")


# ------------------------------------------------------------------------------------------------
# 2. subscriber
# ------------------------------------------------------------------------------------------------
def test_02_subscriber_takes_an_abonnement(flow, admin, sink):
    flow.need("catalogue")
    resp = admin.post(NRC + "/abonnement", {
        "callbackUrl": sink.url("/zgw"), "auth": "Bearer conformance",
        "kanalen": [{"naam": "zaken", "filters": {}}, {"naam": "documenten", "filters": {}},
                    {"naam": "besluiten", "filters": {}}]})
    assert resp.status_code == 201, describe(resp)
    abonnement = resp.json()
    assert abonnement["callbackUrl"] == sink.url("/zgw")
    assert sorted(k["naam"] for k in abonnement["kanalen"]) == ["besluiten", "documenten", "zaken"]
    assert "auth" not in abonnement  # writeOnly
    flow.abonnement = abonnement["url"]
    # before answering, the callback was checked with a test notification about the abonnement itself
    lines = sink.lines()
    assert len(lines) == 1 and lines[0]["auth"] == "Bearer conformance", lines
    test = lines[0]["body"]
    assert (test["kanaal"], test["resource"], test["resourceUrl"], test["actie"]) == \
        ("test", "abonnement", abonnement["url"], "create"), test
    flow.sink_offset = 1  # the notifications of the flow come after it
    flow.done.add("subscriber")


# ------------------------------------------------------------------------------------------------
# 3. zaak with rollen, status, zaakobject, zaakeigenschappen
# ------------------------------------------------------------------------------------------------
def test_03_zaak_created(flow):
    flow.need("subscriber")
    zrc = flow.zrc
    zaak = flow.create_zaak(flow.zaaktype, omschrijving="Kap van een eik", vertrouwelijkheidaanduiding="openbaar",
                            startdatum="2026-03-01")
    assert zaak["identificatie"], zaak
    assert (zaak["zaaktype"], zaak["bronorganisatie"], zaak["startdatum"], zaak["omschrijving"]) == \
        (flow.zaaktype, RSIN, "2026-03-01", "Kap van een eik")
    assert (zaak["einddatum"], zaak["status"], zaak["resultaat"], zaak["archiefnominatie"],
            zaak["archiefactiedatum"]) == (None, None, None, None, None)
    assert zaak["archiefstatus"] == "nog_te_archiveren"
    # the einddatumGepland follows from the zaaktype's doorlooptijd (P30D) when not given
    got = zrc.get(zaak["url"])
    assert got.status_code == 200 and got.json() == zaak, describe(got)
    flow.zaak = zaak
    # zaken for the rights checks and the second archiving case
    flow.zaak_geheim = flow.create_zaak(flow.zaaktype, vertrouwelijkheidaanduiding="geheim")
    flow.zaak_other = flow.create_zaak(flow.zaaktype_other, vertrouwelijkheidaanduiding="openbaar")
    flow.zaak_2 = flow.create_zaak(flow.zaaktype, vertrouwelijkheidaanduiding="zaakvertrouwelijk")
    flow.done.add("zaak")


def test_04_rollen_status_zaakobject_eigenschappen(flow):
    flow.need("zaak")
    zrc, zaak = flow.zrc, flow.zaak
    initiator = flow.zaak_object("/rollen", {
        "zaak": zaak["url"], "roltype": flow.roltype_initiator, "betrokkeneType": "natuurlijk_persoon",
        "roltoelichting": "aanvrager", "betrokkeneIdentificatie": {"inpBsn": "111222333",
                                                                   "geslachtsnaam": "Jansen"}}, "rol", zaak)
    assert initiator["omschrijvingGeneriek"] == "initiator"
    assert initiator["betrokkeneIdentificatie"]["inpBsn"] == "111222333"
    behandelaar = flow.zaak_object("/rollen", {
        "zaak": zaak["url"], "roltype": flow.roltype_behandelaar, "betrokkeneType": "medewerker",
        "roltoelichting": "behandelaar", "betrokkeneIdentificatie": {"identificatie": "mw-042",
                                                                     "achternaam": "Pietersen"}}, "rol", zaak)
    assert behandelaar["omschrijvingGeneriek"] == "behandelaar"
    rollen = zrc.get("/rollen", params={"zaak": zaak["url"]})
    assert rollen.status_code == 200, describe(rollen)
    assert sorted(r["url"] for r in rollen.json()["results"]) == sorted([initiator["url"], behandelaar["url"]])
    # zaken are found by the BSN of a betrokkene
    found = zrc.get("/zaken", params={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": "111222333"})
    assert found.status_code == 200 and [z["url"] for z in found.json()["results"]] == [zaak["url"]], \
        describe(found)

    status = flow.zaak_object("/statussen", {"zaak": zaak["url"], "statustype": flow.statustype_1,
                                             "datumStatusGezet": "2026-03-01T09:00:00Z",
                                             "statustoelichting": "aanvraag ontvangen"}, "status", zaak)
    assert status["indicatieLaatstGezetteStatus"] is True
    flow.status_1 = status["url"]

    zo = flow.zaak_object("/zaakobjecten", {
        "zaak": zaak["url"], "objectType": "overige", "objectTypeOverige": "boom", "zaakobjecttype":
        flow.zaakobjecttype, "relatieomschrijving": "de te kappen boom",
        "objectIdentificatie": {"overigeData": {"soort": "eik", "stamomtrek": 210}}}, "zaakobject", zaak)
    assert zo["objectIdentificatie"] == {"overigeData": {"soort": "eik", "stamomtrek": 210}}
    flow.zaakobject = zo["url"]

    base = f"/zaken/{zaak['uuid']}/zaakeigenschappen"
    datum = flow.zaak_object(base, {"zaak": zaak["url"], "eigenschap": flow.eigenschap_datum["url"],
                                    "waarde": "2030-05-01"}, "zaakeigenschap", zaak)
    assert datum["naam"] == "datumVervallen"
    tekst = flow.zaak_object(base, {"zaak": zaak["url"], "eigenschap": flow.eigenschap_tekst["url"],
                                    "waarde": "eik"}, "zaakeigenschap", zaak)
    listed = zrc.get(base)
    assert listed.status_code == 200, describe(listed)
    assert sorted(e["url"] for e in listed.json()) == sorted([datum["url"], tekst["url"]])

    got = zrc.get(zaak["url"]).json()
    assert got["status"] == status["url"]
    assert sorted(got["rollen"]) == sorted([initiator["url"], behandelaar["url"]])
    assert got["zaakobjecten"] == [zo["url"]]
    assert sorted(got["eigenschappen"]) == sorted([datum["url"], tekst["url"]])
    flow.rollen = [initiator["url"], behandelaar["url"]]
    flow.done.add("zaakobjects")


# ------------------------------------------------------------------------------------------------
# 4. documents: whole and in parts, linked to the zaak
# ------------------------------------------------------------------------------------------------
def test_05_document_uploaded_whole(flow, admin):
    flow.need("zaak")
    content = "Aanvraag kapvergunning voor de eik aan de Dorpsstraat.\n".encode()
    doc = flow.document(flow.iot, content, titel="Aanvraag", indicatieGebruiksrecht=False)
    assert (doc["versie"], doc["bestandsomvang"], doc["locked"], doc["vertrouwelijkheidaanduiding"]) == \
        (1, len(content), False, "openbaar")  # the vertrouwelijkheid of the informatieobjecttype
    assert doc["inhoud"].startswith(doc["url"] + "/download")
    got = download(admin, doc["url"])
    assert got.status_code == 200 and got.content == content, describe(got)
    flow.doc_whole = doc
    flow.done.add("doc_whole")


def test_06_document_uploaded_in_parts(flow, admin):
    flow.need("zaak")
    drc = admin
    data = os.urandom(2 * PART + 321)
    doc = flow.document(flow.iot, None, titel="Foto's", bestandsnaam="fotos.bin",
                        formaat="application/octet-stream", bestandsomvang=len(data))
    assert doc["locked"] is True and doc["lock"] and doc["inhoud"] is None
    parts = doc["bestandsdelen"]
    assert [(p["volgnummer"], p["omvang"], p["voltooid"]) for p in parts] == \
        [(1, PART, False), (2, PART, False), (3, 321, False)]
    for part, start in zip(parts, (0, PART, 2 * PART)):
        resp = drc.session.put(part["url"], files={"inhoud": ("deel.bin", data[start:start + part["omvang"]],
                                                              "application/octet-stream")},
                               data={"lock": doc["lock"]},
                               headers={"Authorization": f"Bearer {drc.token()}", "Accept": "application/json"},
                               timeout=60)
        contract.check_response(resp)
        assert resp.status_code == 200, describe(resp)
        assert resp.json()["voltooid"] is True
    unlock = drc.post(doc["url"] + "/unlock", {"lock": doc["lock"]})
    assert unlock.status_code == 204, describe(unlock)
    # a zaak closes only when each of its documents says whether gebruiksrechten apply (zrc-...): set it,
    # under a lock as every change of a document
    lock = drc.post(doc["url"] + "/lock")
    assert lock.status_code == 200, describe(lock)
    patched = drc.patch(doc["url"], {"indicatieGebruiksrecht": False, "lock": lock.json()["lock"]})
    assert patched.status_code == 200, describe(patched)
    assert patched.json()["versie"] == 2 and patched.json()["indicatieGebruiksrecht"] is False
    flow.expect("documenten", doc["url"], "enkelvoudiginformatieobject", doc["url"], "partial_update",
                {"bronorganisatie": RSIN, "informatieobjecttype": flow.iot, "vertrouwelijkheidaanduiding": "openbaar"})
    unlock = drc.post(doc["url"] + "/unlock", {"lock": lock.json()["lock"]})
    assert unlock.status_code == 204, describe(unlock)
    got = drc.get(doc["url"]).json()
    assert (got["locked"], got["bestandsdelen"], got["bestandsomvang"]) == (False, [], len(data))
    assert got["inhoud"].startswith(doc["url"] + "/download")
    content = download(admin, doc["url"])
    assert content.status_code == 200 and content.content == data
    assert download(admin, doc["url"], params={"versie": 1}).content == data
    flow.doc_parts = got
    flow.done.add("doc_parts")


def test_07_documents_linked_to_the_zaak(flow, admin):
    flow.need("zaak", "doc_whole", "doc_parts")
    zaak = flow.zaak
    links = []
    for doc in (flow.doc_whole, flow.doc_parts):
        zio = flow.zaak_object("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": doc["url"],
                                                           "titel": doc["titel"]}, "zaakinformatieobject", zaak)
        assert zio["aardRelatieWeergave"] == "Hoort bij, omgekeerd: kent"
        links.append(zio["url"])
        # the Documenten API mirrors the relation (drc-... / zrc-...: objectinformatieobject)
        oio = admin.get(DRC + "/objectinformatieobjecten", params={"informatieobject": doc["url"]})
        assert oio.status_code == 200, describe(oio)
        assert [(o["object"], o["objectType"]) for o in oio.json()] == [(zaak["url"], "zaak")]
    listed = flow.zrc.get("/zaakinformatieobjecten", params={"zaak": zaak["url"]})
    assert listed.status_code == 200 and sorted(z["url"] for z in listed.json()) == sorted(links)
    # a document of a type the zaaktype does not list cannot be related (zrc-017)
    other = flow.document(flow.iot_other, b"memo")
    assert_problem(flow.zrc.post("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": other["url"]}),
                   400, code="missing-zaaktype-informatieobjecttype-relation")
    flow.doc_other = other
    flow.zios = links
    flow.done.add("linked")


# ------------------------------------------------------------------------------------------------
# 5. besluit with a document
# ------------------------------------------------------------------------------------------------
def test_08_besluit_with_a_document(flow, admin):
    flow.need("linked")
    zaak = flow.zaak
    besluit = flow.besluit(flow.besluittype, zaak=zaak["url"], toelichting="Vergunning verleend")
    assert besluit["identificatie"] and besluit["zaak"] == zaak["url"]
    bio = admin.post(BRC + "/besluitinformatieobjecten", {"besluit": besluit["url"],
                                                          "informatieobject": flow.doc_whole["url"]})
    assert bio.status_code == 201, describe(bio)
    assert bio.json()["besluit"] == besluit["url"] and bio.json()["informatieobject"] == flow.doc_whole["url"]
    flow.bio = bio.json()["url"]
    flow.expect("besluiten", besluit["url"], "besluitinformatieobject", flow.bio, "create",
                {"verantwoordelijke_organisatie": RSIN, "besluittype": flow.besluittype})
    listed = admin.get(BRC + "/besluitinformatieobjecten", params={"besluit": besluit["url"]})
    assert listed.status_code == 200 and [b["url"] for b in listed.json()] == [flow.bio], describe(listed)
    # the document now has two relations: the zaak and the besluit
    oio = admin.get(DRC + "/objectinformatieobjecten", params={"informatieobject": flow.doc_whole["url"]}).json()
    assert sorted((o["object"], o["objectType"]) for o in oio) == \
        sorted([(zaak["url"], "zaak"), (besluit["url"], "besluit")])
    # the zaak lists the besluit (brc-006: zaakbesluit), announced on the zaken kanaal
    zb = flow.zrc.get(f"/zaken/{zaak['uuid']}/besluiten")
    assert zb.status_code == 200 and [b["besluit"] for b in zb.json()] == [besluit["url"]], describe(zb)
    flow.expect("zaken", zaak["url"], "zaakbesluit", zb.json()[0]["url"], "create", flow.zaak_kenmerken(zaak))
    # a document whose type the besluittype does not list cannot be related (brc-...)
    assert_problem(admin.post(BRC + "/besluitinformatieobjecten", {"besluit": besluit["url"],
                                                                   "informatieobject": flow.doc_other["url"]}),
                   400, code="missing-besluittype-informatieobjecttype-relation")
    flow.besluit_main = besluit
    # for the rights checks: a besluit of the other besluittype, without zaak
    flow.besluit_other = flow.besluit(flow.besluittype_other)
    flow.done.add("besluit")


# ------------------------------------------------------------------------------------------------
# 6. resultaat and eindstatus: archiving fields derived
# ------------------------------------------------------------------------------------------------
def test_09_closed_with_resultaat_and_eindstatus(flow):
    flow.need("zaakobjects", "besluit")
    zrc, zaak = flow.zrc, flow.zaak
    # without a resultaat the eindstatus is refused (zrc-007)
    assert_problem(zrc.post("/statussen", {"zaak": zaak["url"], "statustype": flow.statustype_eind,
                                           "datumStatusGezet": "2026-03-10T14:00:00Z"}),
                   400, code="resultaat-does-not-exist")
    resultaat = flow.zaak_object("/resultaten", {"zaak": zaak["url"], "resultaattype": flow.resultaattype_eigenschap,
                                                 "toelichting": "verleend"}, "resultaat", zaak)
    eind = flow.zaak_object("/statussen", {"zaak": zaak["url"], "statustype": flow.statustype_eind,
                                           "datumStatusGezet": "2026-03-10T14:00:00Z"}, "status", zaak)
    assert eind["indicatieLaatstGezetteStatus"] is True
    got = zrc.get(zaak["url"]).json()
    assert got["status"] == eind["url"] and got["resultaat"] == resultaat["url"]
    assert got["einddatum"] == "2026-03-10"
    # afleidingswijze eigenschap: brondatum = zaakeigenschap datumVervallen (2030-05-01); + P20Y
    assert (got["archiefnominatie"], got["archiefactiedatum"]) == ("blijvend_bewaren", "2050-05-01")
    assert got["archiefstatus"] == "nog_te_archiveren"
    assert zrc.get(flow.status_1).json()["indicatieLaatstGezetteStatus"] is False
    flow.zaak = got
    flow.resultaat = resultaat["url"]
    flow.eindstatus = eind["url"]

    # afleidingswijze afgehandeld: brondatum = einddatum; + P10Y
    z2 = flow.zaak_2
    flow.zaak_object("/resultaten", {"zaak": z2["url"], "resultaattype": flow.resultaattype_afgehandeld},
                     "resultaat", z2)
    flow.zaak_object("/statussen", {"zaak": z2["url"], "statustype": flow.statustype_eind,
                                    "datumStatusGezet": "2026-04-02T08:30:00Z"}, "status", z2)
    got2 = zrc.get(z2["url"]).json()
    assert (got2["einddatum"], got2["archiefnominatie"], got2["archiefactiedatum"]) == \
        ("2026-04-02", "vernietigen", "2036-04-02")
    # a closed zaak is not changed without zaken.geforceerd-bijwerken; admin has every right, so it may
    flow.done.add("closed")


# ------------------------------------------------------------------------------------------------
# 7. audit trails
# ------------------------------------------------------------------------------------------------
def _trail(api, url):
    resp = api.get(url + "/audittrail")
    assert resp.status_code == 200, describe(resp)
    trail = resp.json()
    assert all(entry["hoofdObject"] == url for entry in trail), trail
    return trail


def _who(trail):
    """(resource, actie, applicatieId) of the entries that do not name the client that made the change."""
    return [(e["resource"], e["actie"], e["applicatieId"]) for e in trail if e["applicatieId"] != "admin"]


def test_10_audit_trails(flow, admin):
    flow.need("closed")
    zaak = flow.zaak["url"]
    trail = _trail(flow.zrc, zaak)
    assert [(e["bron"], e["actie"], e["resource"], e["resultaat"]) for e in trail] == [
        ("zrc", "create", "zaak", 201),
        ("zrc", "create", "rol", 201), ("zrc", "create", "rol", 201),
        ("zrc", "create", "status", 201),
        ("zrc", "create", "zaakobject", 201),
        ("zrc", "create", "zaakeigenschap", 201), ("zrc", "create", "zaakeigenschap", 201),
        ("zrc", "create", "zaakinformatieobject", 201), ("zrc", "create", "zaakinformatieobject", 201),
        ("zrc", "create", "zaakbesluit", 201),  # written by the Besluiten API for its besluit (brc-006)
        ("zrc", "create", "resultaat", 201),
        ("zrc", "create", "status", 201),
    ], [(e["actie"], e["resource"]) for e in trail]
    assert trail[0]["resourceUrl"] == zaak and trail[0]["wijzigingen"]["oud"] is None
    assert trail[0]["wijzigingen"]["nieuw"]["url"] == zaak
    assert [e["resourceUrl"] for e in trail[1:3]] == flow.rollen
    assert trail[-1]["resourceUrl"] == flow.eindstatus
    one = flow.zrc.get(zaak + "/audittrail/" + trail[3]["uuid"])
    assert one.status_code == 200 and one.json() == trail[3]

    # the documents' trails hold their own writes, locks and unlocks included (the upload in parts ends with
    # the unlock); the relations are written in the Zaken and Besluiten APIs' trails
    for doc, acties in ((flow.doc_whole, ["create"]),
                        (flow.doc_parts, ["create", "unlock", "lock", "partial_update", "unlock"])):
        dtrail = _trail(admin, doc["url"])
        assert [(e["bron"], e["actie"], e["resource"]) for e in dtrail] == \
            [("drc", actie, "enkelvoudiginformatieobject") for actie in acties]
        assert all(e["resourceUrl"] == doc["url"] for e in dtrail) and _who(dtrail) == []
    assert dtrail[3]["wijzigingen"]["oud"]["indicatieGebruiksrecht"] is None
    assert dtrail[3]["wijzigingen"]["nieuw"]["indicatieGebruiksrecht"] is False
    btrail = _trail(admin, flow.besluit_main["url"])
    assert [(e["bron"], e["actie"], e["resource"], e["resultaat"]) for e in btrail] == [
        ("brc", "create", "besluit", 201), ("brc", "create", "besluitinformatieobject", 201)]
    assert btrail[1]["resourceUrl"] == flow.bio
    # every entry names the client (applicatie) that made the change, also the zaakbesluit the Besluiten API
    # wrote on its behalf
    assert _who(trail) == [] and _who(btrail) == []
    flow.done.add("audit")


# ------------------------------------------------------------------------------------------------
# 8. notifications
# ------------------------------------------------------------------------------------------------
def test_11_every_write_announced(flow, sink):
    flow.need("closed")
    expected = flow.expected
    wanted = len(expected)

    def received():
        got = [ln for ln in sink.lines()[flow.sink_offset:]]
        return got if len(got) >= wanted else None

    wait_for(received, seconds=30, what=f"{wanted} notifications")
    time.sleep(1.0)  # a moment for any notification that should not come
    lines = sink.lines()[flow.sink_offset:]
    for ln in lines:
        assert ln["path"] == "/zgw" and ln["auth"] == "Bearer conformance", ln
        assert 200 <= ln["status"] < 300
        assert ln["contentType"].split(";")[0] == "application/json"
    bodies = [ln["body"] for ln in lines]
    for b in bodies:
        assert set(b) >= {"kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum",
                          "kenmerken"}, b

    def key(n):
        return (n["kanaal"], n["hoofdObject"], n["resource"], n["resourceUrl"], n["actie"],
                tuple(sorted(n["kenmerken"].items())))

    got_keys = [key(b) for b in bodies]
    want_keys = [key(e) for e in expected]
    missing = [k for k in want_keys if k not in got_keys]
    extra = [k for k in got_keys if k not in want_keys]
    assert not missing and not extra, f"missing: {missing}\nunexpected: {extra}"
    assert len(got_keys) == len(want_keys), "a notification arrived twice"
    # per hoofdObject in write order
    for hoofd in {e["hoofdObject"] for e in expected}:
        assert [k for k in got_keys if k[1] == hoofd] == [k for k in want_keys if k[1] == hoofd], hoofd
    flow.done.add("notifications")


# ------------------------------------------------------------------------------------------------
# 9. a client with limited rights
# ------------------------------------------------------------------------------------------------
def test_12_limited_client_sees_only_what_it_may(flow, admin, sink):
    flow.need("closed", "besluit")
    resp = admin.post(AC + "/applicaties", {
        "clientIds": [LIMITED[0]], "label": "Loket kapvergunningen", "heeftAlleAutorisaties": False,
        "autorisaties": [
            {"component": "zrc", "scopes": ["zaken.lezen"], "zaaktype": flow.zaaktype,
             "maxVertrouwelijkheidaanduiding": "zaakvertrouwelijk"},
            {"component": "drc", "scopes": ["documenten.lezen"], "informatieobjecttype": flow.iot,
             "maxVertrouwelijkheidaanduiding": "zaakvertrouwelijk"},
            {"component": "brc", "scopes": ["besluiten.lezen"], "besluittype": flow.besluittype},
        ]})
    assert resp.status_code == 201, describe(resp)
    limited = admin.as_client(*LIMITED)
    lzrc = zs.Zrc(limited)

    # zaken: the list holds the zaken of its zaaktype up to zaakvertrouwelijk; the others are 403 in detail
    listed = lzrc.get("/zaken")
    assert listed.status_code == 200, describe(listed)
    assert sorted(z["url"] for z in listed.json()["results"]) == sorted([flow.zaak["url"], flow.zaak_2["url"]])
    assert listed.json()["count"] == 2
    everything = flow.zrc.get("/zaken").json()
    assert everything["count"] == 4
    assert lzrc.get(flow.zaak["url"]).status_code == 200
    for zaak in (flow.zaak_geheim, flow.zaak_other):
        assert_problem(lzrc.get(zaak["url"]), 403)
    # objects under zaken: only those of zaken it may see
    rollen = lzrc.get("/rollen").json()
    assert sorted(r["url"] for r in rollen["results"]) == sorted(flow.rollen)
    statussen = lzrc.get("/statussen").json()
    assert {s["zaak"] for s in statussen["results"]} == {flow.zaak["url"], flow.zaak_2["url"]}
    assert lzrc.get(flow.eindstatus).status_code == 200
    assert_problem(lzrc.get(f"/zaken/{flow.zaak_geheim['uuid']}/zaakeigenschappen"), 403)
    # reading only: no writes, no audit trail
    assert_problem(lzrc.post("/zaken", zs.zaak_payload(flow.zaaktype)), 403)
    assert_problem(lzrc.patch(flow.zaak["url"], {"omschrijving": "anders"}), 403)
    assert_problem(lzrc.get(flow.zaak["url"] + "/audittrail"), 403)

    # documenten: its informatieobjecttype up to zaakvertrouwelijk
    geheim = flow.document(flow.iot, b"geheim", vertrouwelijkheidaanduiding="geheim")
    docs = limited.get(DRC + "/enkelvoudiginformatieobjecten")
    assert docs.status_code == 200, describe(docs)
    assert sorted(d["url"] for d in docs.json()["results"]) == \
        sorted([flow.doc_whole["url"], flow.doc_parts["url"]])
    assert limited.get(flow.doc_whole["url"]).status_code == 200
    assert download(limited, flow.doc_whole["url"]).status_code == 200
    for doc in (geheim, flow.doc_other):
        assert_problem(limited.get(doc["url"]), 403)
        assert download(limited, doc["url"]).status_code == 403
    oio = limited.get(DRC + "/objectinformatieobjecten", params={"object": flow.zaak["url"]})
    assert oio.status_code == 200 and len(oio.json()) == 2, describe(oio)

    # besluiten: its besluittype only
    besluiten = limited.get(BRC + "/besluiten")
    assert besluiten.status_code == 200, describe(besluiten)
    assert [b["url"] for b in besluiten.json()["results"]] == [flow.besluit_main["url"]]
    assert limited.get(flow.besluit_main["url"]).status_code == 200
    assert_problem(limited.get(flow.besluit_other["url"]), 403)
    bios = limited.get(BRC + "/besluitinformatieobjecten").json()
    assert [b["url"] for b in bios] == [flow.bio]
    # ztc-014: a reader of zaken or documenten reads the catalogue, but cannot change it
    assert limited.get(flow.zaaktype).status_code == 200
    assert_problem(limited.post("/zaaktypen", zgw.zaaktype_payload(limited, flow.catalogus)), 403)
