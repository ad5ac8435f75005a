"""Rules of the VNG Postman suites (zrc/drc) whose failures had one root cause each, black-box over HTTP on
both engines:

- date-times without an offset (the suites send "2018-04-20T13:37:00") are read as UTC, in bodies
  (statussen, klantcontacten, laatsteBetaaldatum) and in list filters (gebruiksrechten), as the reference
  does; closing a zaak with such an eindstatus then makes the closed-zaak rules (zrc-007, zrc-014) apply;
- an update (PUT) that leaves identificatie out keeps it, so a later PATCH is not refused (zrc-001 & co);
- missing required fields of a group are named in the OAS field order (zrc-012: verlenging.reden first);
- archiving a zaak with unarchived documents names archiefstatus before a missing archiefnominatie (zrc-022);
- a query with raw `{{…}}` placeholders (unfilled Postman variables) is read, not refused (OAS suite, rollen).
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

import conftest
import documenten_support as ds
import zaken_support as zs
import zgw
# The server, clients and zaaktype of the status tests: `bijwerker` lacks zaken.geforceerd-bijwerken; `st` has an
# eindstatus, a resultaattype (vernietigen, P10Y, afgehandeld) and a published informatieobjecttype.
from test_zaken_status import _add_clients, bijwerker, st, zrc  # noqa: F401 (fixtures)
from zgw import assert_problem, describe

server = conftest.server_fixture(extra_args=["--auth-cache-ms", "0"], add_clients=_add_clients)
drc = ds.drc


def _zaak(zrc, st, **over):
    return zrc.create("/zaken", zs.zaak_payload(st.zaaktype, **over))


# ------------------------------------------------------------------------------------------------
# date-times without an offset are UTC
# ------------------------------------------------------------------------------------------------
def test_status_with_naive_datetime_is_utc(zrc, st):
    zaak = _zaak(zrc, st)
    resp = zrc.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                    datumStatusGezet="2018-04-20T13:37:00"))
    assert resp.status_code == 201, describe(resp)
    assert resp.json()["datumStatusGezet"].startswith("2018-04-20T13:37:00"), resp.json()
    # still a date-time: a date alone or garbage is refused
    for bad in ("2018-04-20", "2018-04-20T25:00:00", "gisteren"):
        resp = zrc.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1, datumStatusGezet=bad))
        assert_problem(resp, 400, "datumStatusGezet", "invalid")


def test_klantcontact_with_naive_datetime_is_utc(zrc, st):
    zaak = _zaak(zrc, st)
    resp = zrc.post("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2019-02-20T00:00:00"})
    assert resp.status_code == 201, describe(resp)


def test_eindstatus_with_naive_datetime_closes_zaak_and_closed_rules_apply(zrc, st, bijwerker):
    """zrc-007a/c: the einddatum follows from a naive datumStatusGezet; the closed zaak then changes only
    with zaken.geforceerd-bijwerken (403 for PATCH, PUT and new objects)."""
    zaak = _zaak(zrc, st)
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    zrc.create("/statussen", zs.status_payload(zaak["url"], st.statustype_eind,
                                               datumStatusGezet="2018-04-20T13:37:00"))
    closed = zrc.get(zaak["url"]).json()
    assert closed["einddatum"] == "2018-04-20", closed
    assert closed["archiefnominatie"] == "vernietigen", closed
    assert_problem(bijwerker.patch(zaak["url"], {"omschrijving": "aangepast"}), 403)
    assert_problem(bijwerker.post("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2019-02-20T00:00:00"}),
                   403)
    # reopening without zaken.heropenen (zrc-008c)
    resp = bijwerker.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                         datumStatusGezet="2018-04-21T17:37:00"))
    assert_problem(resp, 403)


def test_betaling_nvt_with_naive_laatste_betaaldatum(zrc, st):
    """zrc-014a: betalingsindicatie nvt and a laatsteBetaaldatum (without offset) is betaling-nvt."""
    resp = zrc.post("/zaken", zs.zaak_payload(st.zaaktype, betalingsindicatie="nvt",
                                              laatsteBetaaldatum="2019-03-29T12:00:00"))
    assert_problem(resp, 400, "laatsteBetaaldatum", "betaling-nvt")


def test_gebruiksrechten_filter_with_naive_datetime(drc, api):
    iot = ds.iot(api)
    doc = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot["url"]))
    drc.create("/gebruiksrechten", {"informatieobject": doc["url"], "startdatum": "2019-01-02T12:00:00Z",
                                    "omschrijvingVoorwaarden": "test"})
    params = {"informatieobject": doc["url"], "startdatum__gt": "2019-01-01T12:00:00",
              "startdatum__lt": "2019-01-03T12:00:00"}
    resp = drc.get("/gebruiksrechten", params=params)
    assert resp.status_code == 200, describe(resp)
    assert len(resp.json()) == 1, resp.json()
    resp = drc.get("/gebruiksrechten", params={**params, "startdatum__gt": "2019-01-02T12:00:01"})
    assert resp.status_code == 200, describe(resp)
    assert resp.json() == [], resp.json()
    assert_problem(drc.get("/gebruiksrechten", params={"startdatum__lt": "2019-01-03"}), 400,
                   "startdatum__lt", "invalid")


# ------------------------------------------------------------------------------------------------
# zrc-001 & co: PUT without identificatie keeps it
# ------------------------------------------------------------------------------------------------
def test_put_without_identificatie_keeps_it_and_patch_follows(zrc, st):
    zaak = _zaak(zrc, st)
    body = zs.zaak_payload(st.zaaktype, omschrijving="aanpassing")
    assert "identificatie" not in body
    resp = zrc.put(zaak["url"], body)
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["identificatie"] == zaak["identificatie"], resp.json()
    resp = zrc.patch(zaak["url"], {"toelichting": "aangepaste toelichting"})
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["toelichting"] == "aangepaste toelichting"
    assert resp.json()["identificatie"] == zaak["identificatie"]
    # a different identificatie is still refused
    resp = zrc.patch(zaak["url"], {"identificatie": "ANDERS-1"})
    assert_problem(resp, 400, "identificatie", "wijzigen-niet-toegelaten")


# ------------------------------------------------------------------------------------------------
# zrc-012: the missing fields of a group in field order
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_verlenging_without_reden_and_duur_names_reden_first(zrc, st, method):
    body = {"verlenging": {"wrong_field": "test"}}
    if method == "post":
        resp = zrc.post("/zaken", zs.zaak_payload(st.zaaktype, **body))
    else:
        zaak = _zaak(zrc, st)
        full = zs.zaak_payload(st.zaaktype, **body) if method == "put" else body
        resp = getattr(zrc, method)(zaak["url"], full)
    problem = assert_problem(resp, 400, "verlenging.reden", "required")
    names = [p["name"] for p in problem["invalidParams"]]
    assert names[:2] == ["verlenging.reden", "verlenging.duur"], names


# ------------------------------------------------------------------------------------------------
# zrc-022: unarchived documents are named before a missing archiefnominatie
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["put", "patch"])
def test_archiefstatus_with_unarchived_documents_names_archiefstatus_first(zrc, drc, st, method):
    zaak = _zaak(zrc, st)
    doc = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(st.iot))
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": doc["url"]})
    body = {"archiefstatus": "gearchiveerd"}
    if method == "put":
        body = zs.zaak_payload(st.zaaktype, **body)
    problem = assert_problem(getattr(zrc, method)(zaak["url"], body), 400, "archiefstatus",
                             "documents-not-archived")
    assert problem["invalidParams"][0]["name"] == "archiefstatus", problem
    # without documents, the missing archiefnominatie is what is said
    bare = _zaak(zrc, st)
    if method == "put":
        body = zs.zaak_payload(st.zaaktype, archiefstatus="gearchiveerd")
    assert_problem(getattr(zrc, method)(bare["url"], body), 400, "archiefnominatie", "archiefnominatie-not-set")


# ------------------------------------------------------------------------------------------------
# raw `{{…}}` in a query string
# ------------------------------------------------------------------------------------------------
def test_query_with_raw_template_braces_is_read(server, zrc, st):
    zaak = _zaak(zrc, st)
    parts = urlsplit(server.base_url)
    target = (f"/zaken/api/v1/rollen?zaak={zaak['url']}"
              "&betrokkeneIdentificatie__natuurlijkPersoon__anpIdentificatie={{anpIdentificatie}}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.putheader("Authorization", f"Bearer {zrc.token()}")
        conn.putheader("Accept-Crs", "EPSG:4326")
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    assert resp.status == 200, body
    assert b'"count":0' in body.replace(b" ", b""), body


# ------------------------------------------------------------------------------------------------
# zrc-007e: on a closed zaak an invalid request is a 400 before the missing forced scope is a 403
# ------------------------------------------------------------------------------------------------
def test_closed_zaak_second_resultaat_is_unique_before_forbidden(zrc, st, bijwerker):
    zaak = _zaak(zrc, st)
    body = {"zaak": zaak["url"], "resultaattype": st.resultaattype}
    zrc.create("/resultaten", body)
    zrc.create("/statussen", zs.status_payload(zaak["url"], st.statustype_eind))
    assert zrc.get(zaak["url"]).json()["einddatum"] is not None
    assert_problem(bijwerker.post("/resultaten", body), 400, "zaak", "unique")
    # a valid change is still refused without zaken.geforceerd-bijwerken
    assert_problem(bijwerker.post("/zaakobjecten", {"zaak": zaak["url"], "objectType": "pand",
                                                    "objectIdentificatie": {"identificatie": "x"}}), 403)


# ------------------------------------------------------------------------------------------------
# zrc-021 (afleidingswijze zaakobject): dates without leading zeros, as the VNG suite writes them
# ------------------------------------------------------------------------------------------------
WOZ = {"afleidingswijze": "zaakobject", "procestermijn": None, "datumkenmerk": "waardepeildatum",
       "einddatumBekend": True, "objecttype": "woz_waarde", "registratie": ""}


def _woz(zaak_url, peildatum):
    return {"zaak": zaak_url, "objectType": "woz_waarde",
            "objectIdentificatie": {"waardepeildatum": peildatum, "isVoor": {
                "wozObjectNummer": "testobject",
                "aanduidingWozObject": {"aoaIdentificatie": "bla", "wplWoonplaatsNaam": "bla",
                                        "gorOpenbareRuimteNaam": "bla", "aoaHuisnummer": 10}}}}


def test_archiving_from_zaakobject_dates_without_leading_zeros(zrc, api):
    woz = zs.Setup(api, resultaattype_over={"selectielijstklasse": api.resultaat(zgw.RESULTAAT_BLANK),
                                           "archiefnominatie": "vernietigen", "archiefactietermijn": "P5Y",
                                           "brondatumArchiefprocedure": WOZ})
    zaak = zrc.create("/zaken", zs.zaak_payload(woz.zaaktype))
    for peildatum in ("2008-1-1", "2013-1-1"):
        zrc.create("/zaakobjecten", _woz(zaak["url"], peildatum))
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": woz.resultaattype})
    zrc.create("/statussen", zs.status_payload(zaak["url"], woz.statustype_eind,
                                               datumStatusGezet="2018-04-26T13:37:00"))
    closed = zrc.get(zaak["url"]).json()
    assert (closed["archiefnominatie"], closed["archiefactiedatum"]) == ("vernietigen", "2018-01-01"), closed
    # not a date at all: the zaak cannot be closed
    other = zrc.create("/zaken", zs.zaak_payload(woz.zaaktype))
    zrc.create("/zaakobjecten", _woz(other["url"], "2013-13-1"))
    zrc.create("/resultaten", {"zaak": other["url"], "resultaattype": woz.resultaattype})
    resp = zrc.post("/statussen", zs.status_payload(other["url"], woz.statustype_eind))
    assert_problem(resp, 400, "nonFieldErrors", "archiefactiedatum-error")


def test_archiving_from_zaakobject_that_is_a_local_besluit(zrc, api, admin):
    """zrc-021h: a zaakobject may name a besluit of this platform (no HTTP round trip to itself); its
    datumkenmerk is read from that besluit, the latest date counts."""
    f = zgw.Factory(api)
    over = {"selectielijstklasse": api.resultaat(zgw.RESULTAAT_BLANK), "archiefnominatie": "vernietigen",
            "archiefactietermijn": "P5Y",
            "brondatumArchiefprocedure": {**WOZ, "objecttype": "besluit", "datumkenmerk": "datum"}}
    st = zs.Setup(api, resultaattype_over=over)
    besluittype = f.publish(f.besluittype(st.catalogus)["url"])["url"]
    zaak = zrc.create("/zaken", zs.zaak_payload(st.zaaktype))
    for datum in ("2010-01-01", "2013-01-01"):
        resp = admin.post("/besluiten/api/v1/besluiten", {"verantwoordelijkeOrganisatie": zs.BRONORGANISATIE,
                                                          "besluittype": besluittype, "datum": datum,
                                                          "ingangsdatum": "2016-01-01"})
        assert resp.status_code == 201, describe(resp)
        zrc.create("/zaakobjecten", {"zaak": zaak["url"], "objectType": "besluit", "object": resp.json()["url"]})
    # a besluit of this platform that does not exist is refused
    missing = admin.base_url + "/besluiten/api/v1/besluiten/00000000-0000-4000-8000-000000000000"
    assert_problem(zrc.post("/zaakobjecten", {"zaak": zaak["url"], "objectType": "besluit", "object": missing}),
                   400, "object", "bad-url")
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    zrc.create("/statussen", zs.status_payload(zaak["url"], st.statustype_eind,
                                               datumStatusGezet="2018-04-26T13:37:00"))
    closed = zrc.get(zaak["url"]).json()
    assert (closed["archiefnominatie"], closed["archiefactiedatum"]) == ("vernietigen", "2018-01-01"), closed
