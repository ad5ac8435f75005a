"""Zaken API 1.5.1: the zaak resource itself (/zaken/api/v1/zaken), black-box over HTTP.

Covers CRUD (POST/GET/HEAD/PUT/PATCH/DELETE, defaults, generated identificatie, zrc-023 cascade), the
CRS headers, the run-time rules of rules/zgw-1.5/zaken.md with the error codes the VNG compliance suite
(Postman, zrc-001 … zrc-022) expects, request validation, the audit trail and concurrent updates.
Lists, filters, pagination and POST /zaken/_zoek (geo search) are in test_zaken_search.py.

Every zaak this module creates carries an opdrachtgevendeOrganisatie: without one the server answers
"" which the OAS does not allow (minLength 9); `test_create_without_opdrachtgevende_organisatie_matches_oas`
documents that on its own so that it does not fail every other test through the contract check.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import uuid as uuidlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import contract
import zgw
from zgw import assert_problem, assert_status, describe, uniq
from zaken_support import BRONORGANISATIE, ZRC, Setup, Zrc, rol_payload, rsin, status_payload, zaak_payload

UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"
# the zaaktype of the module's Setup has this vertrouwelijkheidaanduiding (not the OAS default "openbaar",
# so that taking it over from the zaaktype is visible)
ZAAKTYPE_VERTROUWELIJKHEID = "zaakvertrouwelijk"
IDENTIFICATIE_RE = re.compile(r"^ZAAK-(\d{4})-(\d{10})$")


# ------------------------------------------------------------------------------------------------
# helpers and fixtures
# ------------------------------------------------------------------------------------------------
def payload(zaaktype: str, **over) -> dict:
    """A valid zaak request body (with an opdrachtgevendeOrganisatie, see the module docstring)."""
    body = zaak_payload(zaaktype)
    body["opdrachtgevendeOrganisatie"] = BRONORGANISATIE
    body.update(over)
    return body


_ZAAK_REQUEST_FIELDS: set | None = None


def zaak_request_fields() -> set:
    """Property names of ZaakRequest in the OAS Thorbecke embeds (to build PUT bodies from a GET)."""
    global _ZAAK_REQUEST_FIELDS
    if _ZAAK_REQUEST_FIELDS is None:
        oas = Path(__file__).resolve().parents[2] / "src" / "zaken" / "openapi.json"
        with open(oas, encoding="utf-8") as fh:
            schemas = json.load(fh)["components"]["schemas"]
        _ZAAK_REQUEST_FIELDS = set(schemas["ZaakRequest"]["properties"])
    return _ZAAK_REQUEST_FIELDS


def put_body(current: dict, **changes) -> dict:
    """A PUT body: the writable fields of a zaak as GET returns it, plus `changes`."""
    body = {k: v for k, v in current.items() if k in zaak_request_fields()}
    body.update(changes)
    return body


def today_candidates() -> set[str]:
    """Today as the server may see it (UTC or local time; they differ around midnight)."""
    return {dt.datetime.now(dt.timezone.utc).date().isoformat(), dt.date.today().isoformat()}


def trail(zrc: Zrc, zaak_url: str) -> list:
    """The audit trail of a zaak (checked against the OAS like every response)."""
    resp = zrc.get(zaak_url + "/audittrail")
    assert_status(resp, 200)
    return resp.json()


def create_unchecked(zrc: Zrc, path: str, body: dict, **kw) -> dict:
    """POST of a rol or zaakobject without the client's contract check: their OAS schemas (`Rol`,
    `ZaakObject`) are a oneOf with a discriminator (betrokkeneType / objectType) that contract.py does not
    evaluate, so every valid object matches several variants and fails `oneOf`.  Those resources are not
    this module's subject."""
    resp = zrc.post(path, body, check=False, **kw)
    assert_status(resp, 201)
    return resp.json()


def create_rol(zrc: Zrc, zaak_url: str, roltype: str, **kw) -> dict:
    return create_unchecked(zrc, "/rollen", rol_payload(zaak_url, roltype), **kw)


@pytest.fixture(scope="module")
def zrc(admin) -> Zrc:
    return Zrc(admin)


@pytest.fixture(scope="module")
def setup(admin) -> Setup:
    return Setup(admin, vertrouwelijkheid=ZAAKTYPE_VERTROUWELIJKHEID)


@pytest.fixture(scope="module")
def other_zaaktype(admin, setup) -> str:
    """A second published zaaktype in the same catalogus (for 'zaaktype may not change')."""
    return Setup(admin, catalogus=setup.catalogus).zaaktype


@pytest.fixture(scope="module")
def nest_zaaktype(admin, setup) -> str:
    """A published zaaktype that lists itself as deelzaaktype: hoofdzaak and deelzaken of this type only
    break the hoofdzaak rule a test is about, never the deelzaaktypen check."""
    make = zgw.Factory(admin)
    zt = make.zaaktype(setup.catalogus)
    assert_status(admin.patch(zt["url"], {"deelzaaktypen": [zt["url"]]}), 200)
    make.statustype(zt["url"])
    make.publish(zt["url"])
    return zt["url"]


@pytest.fixture
def zaak(zrc, setup) -> dict:
    return zrc.create("/zaken", payload(setup.zaaktype))


# ------------------------------------------------------------------------------------------------
# create
# ------------------------------------------------------------------------------------------------
def test_create_returns_201_with_url_uuid_and_defaults(server, zrc, setup):
    body = payload(setup.zaaktype)
    resp = zrc.post("/zaken", body)
    assert_status(resp, 201)
    z = resp.json()
    assert uuidlib.UUID(z["uuid"]).version == 4, z["uuid"]
    assert z["url"] == f"{server.base_url}{ZRC}/zaken/{z['uuid']}"
    for key, value in body.items():
        assert z[key] == value, (key, z[key], value)
    # defaults
    assert z["archiefstatus"] == "nog_te_archiveren"
    assert z["vertrouwelijkheidaanduiding"] == ZAAKTYPE_VERTROUWELIJKHEID  # from the zaaktype
    assert z["registratiedatum"] in today_candidates()
    m = IDENTIFICATIE_RE.match(z["identificatie"])
    assert m, z["identificatie"]
    assert m.group(1) == z["registratiedatum"][:4]
    # read-only and not-yet-set parts
    assert z["einddatum"] is None and z["status"] is None and z["resultaat"] is None
    assert z["hoofdzaak"] is None and z["deelzaken"] == []
    assert z["rollen"] == [] and z["eigenschappen"] == [] and z["zaakobjecten"] == []
    assert z["archiefnominatie"] is None and z["archiefactiedatum"] is None
    # the stored zaak is what POST answered
    assert zrc.get(z["url"]).json() == z


def test_create_answers_location_header(zrc, setup):
    """The OAS declares a `Location` header (the URL of the new resource) on the 201 of zaak_create."""
    resp = zrc.post("/zaken", payload(setup.zaaktype))
    assert_status(resp, 201)
    assert resp.headers.get("Location") == resp.json()["url"], dict(resp.headers)


def test_create_without_opdrachtgevende_organisatie_matches_oas(zrc, setup):
    """opdrachtgevendeOrganisatie is optional in the request; the response must still match the OAS,
    which gives the property minLength 9 (the contract check of the client runs on this response)."""
    body = zaak_payload(setup.zaaktype, bronorganisatie=rsin())
    resp = zrc.post("/zaken", body, check=False)
    assert_status(resp, 201)
    try:
        contract.check_response(resp)
    finally:
        zrc.delete(resp.json()["url"], check=False)


def test_create_stores_optional_fields(zrc, setup):
    body = payload(
        setup.zaaktype,
        toelichting="Een toelichting",
        registratiedatum="2025-12-01",
        einddatumGepland="2026-03-01",
        uiterlijkeEinddatumAfdoening="2026-04-01",
        publicatiedatum="2026-01-20",
        communicatiekanaalNaam="Balie",
        productenOfDiensten=["https://example.com/product/2"],
        vertrouwelijkheidaanduiding="geheim",
        betalingsindicatie="gedeeltelijk",
        laatsteBetaaldatum="2026-01-16T10:00:00Z",
        zaakgeometrie={"type": "Point", "coordinates": [4.89, 52.37]},
        verlenging={"reden": "Drukte", "duur": "P5D"},
        kenmerken=[{"kenmerk": "K-1", "bron": "Systeem A"}, {"kenmerk": "K-2", "bron": "Systeem B"}],
        processobjectaard="Vergunning",
        startdatumBewaartermijn="2027-01-01",
    )
    z = zrc.create("/zaken", body)
    got = zrc.get(z["url"]).json()
    for key in ("toelichting", "registratiedatum", "einddatumGepland", "uiterlijkeEinddatumAfdoening",
                "publicatiedatum", "communicatiekanaalNaam", "productenOfDiensten", "vertrouwelijkheidaanduiding",
                "betalingsindicatie", "laatsteBetaaldatum", "zaakgeometrie", "kenmerken", "processobjectaard",
                "startdatumBewaartermijn"):
        assert got[key] == body[key], (key, got[key])
    assert got["verlenging"] == {"reden": "Drukte", "duur": "P5D"}
    # the identificatie year follows the registratiedatum
    assert got["identificatie"].startswith("ZAAK-2025-"), got["identificatie"]


@pytest.mark.parametrize("field", ["zaaktype", "bronorganisatie", "verantwoordelijkeOrganisatie", "startdatum"])
def test_create_without_required_field_is_400(zrc, setup, field):
    body = payload(setup.zaaktype)
    body.pop(field)
    assert_problem(zrc.post("/zaken", body), 400, field=field, code="required")


def test_generated_identificatie_is_unique_per_bronorganisatie(zrc, setup):
    """zrc-002: a generated identificatie never collides with one a client chose for the same
    bronorganisatie, and successive ones differ."""
    org = rsin()
    year = dt.date.today().year
    taken = {f"ZAAK-{year}-{n:010d}" for n in (1, 2, 3)}
    for ident in sorted(taken):
        zrc.create("/zaken", payload(setup.zaaktype, bronorganisatie=org, identificatie=ident))
    generated = [zrc.create("/zaken", payload(setup.zaaktype, bronorganisatie=org))["identificatie"]
                 for _ in range(3)]
    for ident in generated:
        assert IDENTIFICATIE_RE.match(ident), ident
        assert ident not in taken, (ident, taken)
    assert len(set(generated)) == 3, generated


def test_same_identificatie_for_other_bronorganisatie_is_allowed(zrc, setup):
    ident = uniq("ID-")
    a = zrc.create("/zaken", payload(setup.zaaktype, identificatie=ident))
    b = zrc.create("/zaken", payload(setup.zaaktype, identificatie=ident, bronorganisatie=rsin()))
    assert a["identificatie"] == b["identificatie"] == ident


# ------------------------------------------------------------------------------------------------
# read, HEAD, list
# ------------------------------------------------------------------------------------------------
def test_get_detail(zrc, zaak):
    resp = zrc.get(zaak["url"])
    assert_status(resp, 200)
    assert resp.json() == zaak


def test_get_unknown_is_404(zrc):
    assert_problem(zrc.get(f"/zaken/{UNKNOWN_UUID}"), 404)


def test_get_malformed_uuid_is_404(zrc):
    assert_problem(zrc.get("/zaken/geen-uuid"), 404)


def test_head_has_get_headers_and_no_body(zrc, zaak):
    get = zrc.get(zaak["url"])
    head = zrc.request("HEAD", zaak["url"])
    assert_status(head, 200)
    assert head.content == b""
    assert head.headers.get("Content-Crs") == "EPSG:4326"
    assert head.headers.get("Content-Type", "").startswith("application/json")
    assert head.headers.get("ETag") == get.headers.get("ETag")


def test_head_unknown_is_404(zrc):
    assert zrc.request("HEAD", f"/zaken/{UNKNOWN_UUID}").status_code == 404


def test_etag_and_if_none_match(zrc, zaak):
    """HTTP caching (zaken.md, 'HTTP-Caching'; ETag in the OAS of zaak_read/zaak_head): GET and HEAD carry an
    ETag; If-None-Match with it gives 304 without body; a change gives a new ETag and 200."""
    resp = zrc.get(zaak["url"])
    etag = resp.headers.get("ETag")
    assert etag, f"no ETag on GET {zaak['url']}: {dict(resp.headers)}"
    assert zrc.request("HEAD", zaak["url"]).headers.get("ETag") == etag
    cached = zrc.get(zaak["url"], headers={"If-None-Match": etag})
    assert cached.status_code == 304, describe(cached)
    assert cached.content == b""
    other = zrc.get(zaak["url"], headers={"If-None-Match": '"0123456789abcdef", ' + etag})
    assert other.status_code == 304, describe(other)
    zrc.patch(zaak["url"], {"omschrijving": "Anders"})
    changed = zrc.get(zaak["url"], headers={"If-None-Match": etag})
    assert_status(changed, 200)
    assert changed.headers.get("ETag") not in (None, etag)


def test_list_contains_created(zrc, setup):
    org = rsin()
    made = [zrc.create("/zaken", payload(setup.zaaktype, bronorganisatie=org)) for _ in range(2)]
    resp = zrc.get("/zaken", params={"bronorganisatie": org})
    assert_status(resp, 200)
    body = resp.json()
    assert body["count"] == 2
    assert sorted(r["url"] for r in body["results"]) == sorted(z["url"] for z in made)
    # list items are the same representation as the detail
    by_url = {r["url"]: r for r in body["results"]}
    for z in made:
        assert by_url[z["url"]] == zrc.get(z["url"]).json()


# ------------------------------------------------------------------------------------------------
# update
# ------------------------------------------------------------------------------------------------
def test_put_round_trips_and_changes(zrc, zaak):
    resp = zrc.put(zaak["url"], put_body(zaak, omschrijving="Via PUT", toelichting="Nieuw",
                                         einddatumGepland="2026-06-30"))
    assert_status(resp, 200)
    got = zrc.get(zaak["url"]).json()
    assert got == resp.json()
    assert (got["omschrijving"], got["toelichting"], got["einddatumGepland"]) == ("Via PUT", "Nieuw", "2026-06-30")
    for key in ("identificatie", "zaaktype", "bronorganisatie", "startdatum", "registratiedatum", "uuid"):
        assert got[key] == zaak[key], key


def test_put_without_required_field_is_400(zrc, zaak):
    body = put_body(zaak)
    body.pop("startdatum")
    assert_problem(zrc.put(zaak["url"], body), 400, field="startdatum", code="required")
    assert zrc.get(zaak["url"]).json() == zaak


def test_patch_changes_only_given_fields(zrc, setup):
    z = zrc.create("/zaken", payload(setup.zaaktype, toelichting="Blijft", einddatumGepland="2026-05-01"))
    resp = zrc.patch(z["url"], {"omschrijving": "Gepatcht"})
    assert_status(resp, 200)
    got = zrc.get(z["url"]).json()
    assert got == resp.json()
    assert got["omschrijving"] == "Gepatcht"
    assert got["toelichting"] == "Blijft" and got["einddatumGepland"] == "2026-05-01"
    assert got["identificatie"] == z["identificatie"]


def test_patch_can_clear_nullable_fields(zrc, setup):
    z = zrc.create("/zaken", payload(setup.zaaktype, einddatumGepland="2026-05-01",
                                     zaakgeometrie={"type": "Point", "coordinates": [5.0, 52.0]}))
    got = zrc.patch(z["url"], {"einddatumGepland": None, "zaakgeometrie": None}).json()
    assert got["einddatumGepland"] is None and got["zaakgeometrie"] is None


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_unknown_is_404(zrc, setup, method):
    resp = zrc.request(method, f"/zaken/{UNKNOWN_UUID}", payload(setup.zaaktype))
    assert_problem(resp, 404)


# ------------------------------------------------------------------------------------------------
# delete (zrc-023)
# ------------------------------------------------------------------------------------------------
def test_delete_removes_zaak_and_related_objects(zrc, setup):
    z = zrc.create("/zaken", payload(setup.zaaktype))
    related = [
        zrc.create("/statussen", status_payload(z["url"], setup.statustype_1))["url"],
        create_rol(zrc, z["url"], setup.roltype)["url"],
        zrc.create("/resultaten", {"zaak": z["url"], "resultaattype": setup.resultaattype})["url"],
        zrc.create(z["url"] + "/zaakeigenschappen",
                   {"zaak": z["url"], "eigenschap": setup.eigenschap, "waarde": "abc"})["url"],
        # identified inline: an `object` URL would be fetched (zrc-003) and example.com is not reachable
        create_unchecked(zrc, "/zaakobjecten", {"zaak": z["url"], "objectType": "overige", "objectTypeOverige": "test",
                                     "objectIdentificatie": {"overigeData": {"kenmerk": "1"}},
                                     "relatieomschrijving": "test"})["url"],
    ]
    resp = zrc.delete(z["url"])
    assert_status(resp, 204)
    assert resp.content == b""
    assert_problem(zrc.get(z["url"]), 404)
    for url in related:
        assert_problem(zrc.get(url), 404)
    for path in ("/statussen", "/rollen", "/resultaten", "/zaakobjecten"):
        assert zrc.get(path, params={"zaak": z["url"]}).json()["count"] == 0, path
    assert_problem(zrc.delete(z["url"]), 404)


def test_delete_unknown_is_404(zrc):
    assert_problem(zrc.delete(f"/zaken/{UNKNOWN_UUID}"), 404)


def test_delete_removes_audittrail(zrc, zaak):
    """zrc-023: the audit trail ('de geschiedenis van het object') is destroyed with the zaak; no soft
    deletes.  Afterwards the trail is gone: 404 for the zaak, or at least no entries."""
    zrc.patch(zaak["url"], {"omschrijving": "Voor verwijderen"})
    entry = trail(zrc, zaak["url"])[0]
    assert_status(zrc.delete(zaak["url"]), 204)
    resp = zrc.get(zaak["url"] + "/audittrail", check=False)
    assert resp.status_code == 404 or (resp.status_code == 200 and resp.json() == []), describe(resp)
    one = zrc.get(f"{zaak['url']}/audittrail/{entry['uuid']}", check=False)
    assert one.status_code == 404, describe(one)


def test_delete_hoofdzaak_deletes_deelzaken(zrc, nest_zaaktype):
    """zrc-023: deleting a hoofdzaak deletes its deelzaken ('zaak - de deelzaken van de verwijderde
    hoofdzaak')."""
    hoofd = zrc.create("/zaken", payload(nest_zaaktype))
    deel = zrc.create("/zaken", payload(nest_zaaktype, hoofdzaak=hoofd["url"]))
    resp = zrc.delete(hoofd["url"])
    assert_status(resp, 204)
    assert_problem(zrc.get(hoofd["url"]), 404)
    assert_problem(zrc.get(deel["url"]), 404)


def test_delete_deelzaak_keeps_hoofdzaak(zrc, nest_zaaktype):
    """zrc-023: 'Een deelzaak KAN vernietigd worden zonder dat de hoofdzaak vernietigd wordt.'"""
    hoofd = zrc.create("/zaken", payload(nest_zaaktype))
    deel = zrc.create("/zaken", payload(nest_zaaktype, hoofdzaak=hoofd["url"]))
    assert zrc.get(hoofd["url"]).json()["deelzaken"] == [deel["url"]]
    assert_status(zrc.delete(deel["url"]), 204)
    got = zrc.get(hoofd["url"])
    assert_status(got, 200)
    assert got.json()["deelzaken"] == []


# ------------------------------------------------------------------------------------------------
# CRS headers
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_missing_content_crs_is_412(zrc, zaak, method):
    url = "/zaken" if method == "POST" else zaak["url"]
    body = put_body(zaak) if method == "PUT" else payload(zaak["zaaktype"])
    if method == "PATCH":
        body = {"omschrijving": "zonder crs"}
    resp = zrc.request(method, url, body, headers={"Content-Crs": None})
    assert_problem(resp, 412)
    assert zrc.get(zaak["url"]).json() == zaak


def test_other_content_crs_is_406(zrc, setup):
    resp = zrc.post("/zaken", payload(setup.zaaktype), headers={"Content-Crs": "EPSG:28992"})
    assert_problem(resp, 406)


@pytest.mark.parametrize("what", ["detail", "list", "create", "patch"])
def test_other_accept_crs_is_406(zrc, zaak, what):
    other = {"Accept-Crs": "EPSG:28992"}
    resp = {
        "detail": lambda: zrc.get(zaak["url"], headers=other),
        "list": lambda: zrc.get("/zaken", params={"bronorganisatie": BRONORGANISATIE}, headers=other),
        "create": lambda: zrc.post("/zaken", payload(zaak["zaaktype"]), headers=other),
        "patch": lambda: zrc.patch(zaak["url"], {"omschrijving": "x"}, headers=other),
    }[what]()
    assert_problem(resp, 406)
    assert zrc.get(zaak["url"]).json()["omschrijving"] == zaak["omschrijving"]


def test_responses_carry_content_crs(zrc, setup):
    created = zrc.post("/zaken", payload(setup.zaaktype))
    url = created.json()["url"]
    responses = [
        created,
        zrc.get(url),
        zrc.get("/zaken", params={"bronorganisatie": BRONORGANISATIE, "pageSize": 1}),
        zrc.patch(url, {"omschrijving": "crs"}),
        zrc.put(url, put_body(created.json())),
    ]
    for resp in responses:
        assert resp.status_code in (200, 201), describe(resp)
        assert resp.headers.get("Content-Crs") == "EPSG:4326", (resp.request.method, dict(resp.headers))


# ------------------------------------------------------------------------------------------------
# zrc-001: zaaktype
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["unreachable-host", "unknown-uuid", "not-a-url-path"])
def test_zrc001d_zaaktype_bad_url(server, zrc, target):
    url = {
        "unreachable-host": "http://127.0.0.1:9/catalogi/api/v1/zaaktypen/" + UNKNOWN_UUID,
        "unknown-uuid": f"{server.base_url}/catalogi/api/v1/zaaktypen/{UNKNOWN_UUID}",
        "not-a-url-path": f"{server.base_url}/bestaat-niet",
    }[target]
    assert_problem(zrc.post("/zaken", payload(url)), 400, field="zaaktype", code="bad-url")


@pytest.mark.parametrize("kind", ["statustype", "catalogus", "resultaattype"])
def test_zrc001e_zaaktype_other_resource_is_invalid_resource(zrc, setup, kind):
    url = {"statustype": setup.statustype_1, "catalogus": setup.catalogus,
           "resultaattype": setup.resultaattype}[kind]
    assert_problem(zrc.post("/zaken", payload(url)), 400, field="zaaktype", code="invalid-resource")


def test_zrc001f_concept_zaaktype_is_not_published(admin, zrc, setup):
    concept = zgw.Factory(admin).zaaktype(setup.catalogus)
    assert_problem(zrc.post("/zaken", payload(concept["url"])), 400, field="zaaktype", code="not-published")


def test_zrc001g_put_other_zaaktype_is_wijzigen_niet_toegelaten(zrc, zaak, other_zaaktype):
    resp = zrc.put(zaak["url"], put_body(zaak, zaaktype=other_zaaktype))
    assert_problem(resp, 400, field="zaaktype", code="wijzigen-niet-toegelaten")
    assert zrc.get(zaak["url"]).json()["zaaktype"] == zaak["zaaktype"]


def test_zrc001h_patch_other_zaaktype_is_wijzigen_niet_toegelaten(zrc, zaak, other_zaaktype):
    resp = zrc.patch(zaak["url"], {"zaaktype": other_zaaktype})
    assert_problem(resp, 400, field="zaaktype", code="wijzigen-niet-toegelaten")
    assert zrc.get(zaak["url"]).json()["zaaktype"] == zaak["zaaktype"]


def test_patch_same_zaaktype_and_identificatie_is_allowed(zrc, zaak):
    resp = zrc.patch(zaak["url"], {"zaaktype": zaak["zaaktype"], "identificatie": zaak["identificatie"],
                                   "omschrijving": "Zelfde"})
    assert_status(resp, 200)
    assert resp.json()["omschrijving"] == "Zelfde"


# ------------------------------------------------------------------------------------------------
# zrc-002: identificatie
# ------------------------------------------------------------------------------------------------
def test_zrc002a_duplicate_identificatie_is_niet_uniek(zrc, setup, zaak):
    resp = zrc.post("/zaken", payload(setup.zaaktype, identificatie=zaak["identificatie"]))
    assert_problem(resp, 400, field="identificatie", code="identificatie-niet-uniek")


def test_zrc002b_put_identificatie_is_wijzigen_niet_toegelaten(zrc, zaak):
    resp = zrc.put(zaak["url"], put_body(zaak, identificatie=uniq("ANDERS-")))
    assert_problem(resp, 400, field="identificatie", code="wijzigen-niet-toegelaten")
    assert zrc.get(zaak["url"]).json()["identificatie"] == zaak["identificatie"]


def test_zrc002c_patch_identificatie_is_wijzigen_niet_toegelaten(zrc, zaak):
    resp = zrc.patch(zaak["url"], {"identificatie": uniq("ANDERS-")})
    assert_problem(resp, 400, field="identificatie", code="wijzigen-niet-toegelaten")
    assert zrc.get(zaak["url"]).json()["identificatie"] == zaak["identificatie"]


# ------------------------------------------------------------------------------------------------
# RSIN
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["bronorganisatie", "verantwoordelijkeOrganisatie"])
def test_invalid_rsin_is_400(zrc, setup, field):
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, **{field: "123456789"})), 400,
                   field=field, code="invalid")


@pytest.mark.parametrize("field", ["bronorganisatie", "verantwoordelijkeOrganisatie"])
def test_rsin_of_wrong_length_is_400(zrc, setup, field):
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, **{field: "12345678"})), 400, field=field)


# ------------------------------------------------------------------------------------------------
# zrc-011: relevanteAndereZaken
# ------------------------------------------------------------------------------------------------
def test_zrc011_relevante_andere_zaak_not_a_zaak_is_bad_url(zrc, setup):
    rel = [{"url": setup.statustype_1, "aardRelatie": "vervolg"}]
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, relevanteAndereZaken=rel)), 400,
                   field="relevanteAndereZaken.0.url", code="bad-url")


def test_zrc011_error_names_the_index(server, zrc, setup, zaak):
    rel = [{"url": zaak["url"], "aardRelatie": "vervolg"},
           {"url": f"{server.base_url}{ZRC}/zaken/{UNKNOWN_UUID}", "aardRelatie": "onderwerp"}]
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, relevanteAndereZaken=rel)), 400,
                   field="relevanteAndereZaken.1.url", code="bad-url")


def test_zrc011_relevante_andere_zaak_stored(zrc, setup, zaak):
    rel = [{"url": zaak["url"], "aardRelatie": "bijdrage", "toelichting": "hoort erbij"}]
    z = zrc.create("/zaken", payload(setup.zaaktype, relevanteAndereZaken=rel))
    got = zrc.get(z["url"]).json()["relevanteAndereZaken"]
    assert len(got) == 1
    assert got[0]["url"] == zaak["url"] and got[0]["aardRelatie"] == "bijdrage"
    assert_problem(zrc.patch(z["url"], {"relevanteAndereZaken": [{"url": "https://example.com/x",
                                                                   "aardRelatie": "vervolg"}]}),
                   400, field="relevanteAndereZaken.0.url", code="bad-url")


# ------------------------------------------------------------------------------------------------
# zrc-012: gegevensgroepen opschorting / verlenging
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("group,value,field", [
    ("opschorting", {"reden": "Wachten"}, "opschorting.indicatie"),
    ("opschorting", {"indicatie": True}, "opschorting.reden"),
    ("verlenging", {"duur": "P5D"}, "verlenging.reden"),
    ("verlenging", {"reden": "Drukte"}, "verlenging.duur"),
], ids=["opschorting-indicatie", "opschorting-reden", "verlenging-reden", "verlenging-duur"])
def test_zrc012_incomplete_group_is_required(zrc, setup, zaak, group, value, field):
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, **{group: value})), 400, field=field, code="required")
    assert_problem(zrc.patch(zaak["url"], {group: value}), 400, field=field, code="required")


def test_zrc012_null_group_equals_absent(zrc, setup):
    z = zrc.create("/zaken", payload(setup.zaaktype, opschorting=None, verlenging=None))
    got = zrc.get(z["url"]).json()
    for group in ("opschorting", "verlenging"):
        assert group in got
        assert not (got[group] or {}).get("reden"), got[group]


def test_zrc012_opschorting_stored_as_the_oas_describes_it(zrc, setup):
    """A zaak with an opschorting answers the group as the OAS `Opschorting` schema has it: indicatie, reden
    and the read-only (required) eerdereOpschorting.  The client's contract check runs on these responses."""
    z = zrc.create("/zaken", payload(setup.zaaktype, opschorting={"indicatie": True, "reden": "Wacht op stukken"}))
    got = zrc.get(z["url"]).json()["opschorting"]
    assert got["indicatie"] is True and got["reden"] == "Wacht op stukken", got
    assert isinstance(got.get("eerdereOpschorting"), bool), got
    got = zrc.patch(z["url"], {"opschorting": {"indicatie": False, "reden": ""}}).json()["opschorting"]
    assert got["indicatie"] is False, got


def test_zrc012_bad_duration_names_nested_field(zrc, setup):
    resp = zrc.post("/zaken", payload(setup.zaaktype, verlenging={"reden": "x", "duur": "vijf dagen"}))
    assert_problem(resp, 400, field="verlenging.duur")


# ------------------------------------------------------------------------------------------------
# zrc-013: hoofdzaak
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["external", "zaaktype", "zaken-collection"])
def test_zrc013a_hoofdzaak_not_a_zaak_is_no_match(server, zrc, nest_zaaktype, target):
    url = {"external": "https://example.com/zaken/api/v1/zaken/" + UNKNOWN_UUID,
           "zaaktype": nest_zaaktype,
           "zaken-collection": f"{server.base_url}{ZRC}/zaken"}[target]
    assert_problem(zrc.post("/zaken", payload(nest_zaaktype, hoofdzaak=url)), 400, field="hoofdzaak", code="no_match")


def test_zrc013_hoofdzaak_unknown_zaak_is_400(server, zrc, nest_zaaktype):
    url = f"{server.base_url}{ZRC}/zaken/{UNKNOWN_UUID}"
    assert_problem(zrc.post("/zaken", payload(nest_zaaktype, hoofdzaak=url)), 400, field="hoofdzaak")


def test_zrc013b_deelzaak_as_hoofdzaak(zrc, nest_zaaktype):
    hoofd = zrc.create("/zaken", payload(nest_zaaktype))
    deel = zrc.create("/zaken", payload(nest_zaaktype, hoofdzaak=hoofd["url"]))
    assert_problem(zrc.post("/zaken", payload(nest_zaaktype, hoofdzaak=deel["url"])), 400,
                   field="hoofdzaak", code="deelzaak-als-hoofdzaak")
    other = zrc.create("/zaken", payload(nest_zaaktype))
    assert_problem(zrc.patch(other["url"], {"hoofdzaak": deel["url"]}), 400,
                   field="hoofdzaak", code="deelzaak-als-hoofdzaak")
    assert zrc.get(other["url"]).json()["hoofdzaak"] is None


def test_zrc013c_patch_self_as_hoofdzaak_is_self_forbidden(zrc, nest_zaaktype):
    z = zrc.create("/zaken", payload(nest_zaaktype))
    assert_problem(zrc.patch(z["url"], {"hoofdzaak": z["url"]}), 400, field="hoofdzaak", code="self-forbidden")
    assert zrc.get(z["url"]).json()["hoofdzaak"] is None


def test_zrc013d_put_self_as_hoofdzaak_is_self_forbidden(zrc, nest_zaaktype):
    z = zrc.create("/zaken", payload(nest_zaaktype))
    assert_problem(zrc.put(z["url"], put_body(z, hoofdzaak=z["url"])), 400, field="hoofdzaak",
                   code="self-forbidden")


def test_zrc013_deelzaken_listed_on_hoofdzaak(zrc, nest_zaaktype):
    hoofd = zrc.create("/zaken", payload(nest_zaaktype))
    deel1 = zrc.create("/zaken", payload(nest_zaaktype, hoofdzaak=hoofd["url"]))
    deel2 = zrc.create("/zaken", payload(nest_zaaktype))
    assert zrc.patch(deel2["url"], {"hoofdzaak": hoofd["url"]}).json()["hoofdzaak"] == hoofd["url"]
    got = zrc.get(hoofd["url"]).json()
    assert sorted(got["deelzaken"]) == sorted([deel1["url"], deel2["url"]])
    assert zrc.get(deel1["url"]).json()["hoofdzaak"] == hoofd["url"]
    # detaching a deelzaak removes it from the list
    assert_status(zrc.patch(deel1["url"], {"hoofdzaak": None}), 200)
    assert zrc.get(hoofd["url"]).json()["deelzaken"] == [deel2["url"]]


# ------------------------------------------------------------------------------------------------
# zrc-014: betalingsindicatie / laatsteBetaaldatum
# ------------------------------------------------------------------------------------------------
def test_zrc014_nvt_with_laatste_betaaldatum_is_400(zrc, setup, zaak):
    body = {"betalingsindicatie": "nvt", "laatsteBetaaldatum": "2026-01-20T12:00:00Z"}
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, **body)), 400,
                   field="laatsteBetaaldatum", code="betaling-nvt")
    assert_problem(zrc.patch(zaak["url"], body), 400, field="laatsteBetaaldatum", code="betaling-nvt")


def test_zrc014_other_indicatie_with_laatste_betaaldatum_is_allowed(zrc, setup):
    for indicatie in ("geheel", "gedeeltelijk", "nog_niet"):
        z = zrc.create("/zaken", payload(setup.zaaktype, betalingsindicatie=indicatie,
                                         laatsteBetaaldatum="2026-01-20T12:00:00Z"))
        assert z["betalingsindicatie"] == indicatie
        assert z["laatsteBetaaldatum"] == "2026-01-20T12:00:00Z"


def test_zrc014_change_to_nvt_clears_laatste_betaaldatum(zrc, setup):
    """zrc-014: 'Indien een waarde ingevuld is voor laatsteBetaaldatum en de betalingsindicatie wordt
    gewijzigd naar "nvt", dan MOET de laatsteBetaaldatum op null gezet worden.'"""
    z = zrc.create("/zaken", payload(setup.zaaktype, betalingsindicatie="geheel",
                                     laatsteBetaaldatum="2026-01-20T12:00:00Z"))
    resp = zrc.patch(z["url"], {"betalingsindicatie": "nvt"})
    assert_status(resp, 200)
    got = zrc.get(z["url"]).json()
    assert got["betalingsindicatie"] == "nvt"
    assert got["laatsteBetaaldatum"] is None


# ------------------------------------------------------------------------------------------------
# zrc-015: productenOfDiensten
# ------------------------------------------------------------------------------------------------
def test_zrc015_product_not_of_zaaktype_is_400(zrc, setup, zaak):
    products = ["https://example.com/product/1", "https://example.com/product/999"]
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, productenOfDiensten=products)), 400,
                   field="productenOfDiensten", code="invalid-products-services")
    assert_problem(zrc.patch(zaak["url"], {"productenOfDiensten": products}), 400,
                   field="productenOfDiensten", code="invalid-products-services")


def test_zrc015_subset_of_zaaktype_products_is_allowed(zrc, setup):
    products = ["https://example.com/product/1", "https://example.com/product/2"]
    z = zrc.create("/zaken", payload(setup.zaaktype, productenOfDiensten=products))
    assert sorted(z["productenOfDiensten"]) == products
    assert zrc.patch(z["url"], {"productenOfDiensten": products[1:]}).json()["productenOfDiensten"] == products[1:]


# ------------------------------------------------------------------------------------------------
# zrc-022: archiefstatus
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["gearchiveerd", "gearchiveerd_procestermijn_onbekend", "overgedragen"])
def test_zrc022_archiefstatus_without_archiefnominatie(zrc, setup, zaak, status):
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, archiefstatus=status,
                                              archiefactiedatum="2040-01-01")),
                   400, field="archiefnominatie", code="archiefnominatie-not-set")
    assert_problem(zrc.patch(zaak["url"], {"archiefstatus": status, "archiefactiedatum": "2040-01-01"}),
                   400, field="archiefnominatie", code="archiefnominatie-not-set")


def test_zrc022_archiefstatus_without_archiefactiedatum(zrc, setup, zaak):
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, archiefstatus="gearchiveerd",
                                              archiefnominatie="vernietigen")),
                   400, field="archiefactiedatum", code="archiefactiedatum-not-set")
    assert_problem(zrc.patch(zaak["url"], {"archiefstatus": "gearchiveerd", "archiefnominatie": "vernietigen"}),
                   400, field="archiefactiedatum", code="archiefactiedatum-not-set")
    assert zrc.get(zaak["url"]).json()["archiefstatus"] == "nog_te_archiveren"


def test_zrc022_archiefstatus_with_both_is_allowed(zrc, setup, zaak):
    resp = zrc.patch(zaak["url"], {"archiefstatus": "gearchiveerd", "archiefnominatie": "blijvend_bewaren",
                                   "archiefactiedatum": "2040-01-01"})
    assert_status(resp, 200)
    got = zrc.get(zaak["url"]).json()
    assert (got["archiefstatus"], got["archiefnominatie"], got["archiefactiedatum"]) == \
        ("gearchiveerd", "blijvend_bewaren", "2040-01-01")
    created = zrc.create("/zaken", payload(setup.zaaktype, archiefstatus="overgedragen",
                                           archiefnominatie="vernietigen", archiefactiedatum="2041-02-03"))
    assert created["archiefstatus"] == "overgedragen"


# ------------------------------------------------------------------------------------------------
# kenmerken
# ------------------------------------------------------------------------------------------------
def test_kenmerken_stored_replaced_and_filterable(zrc, setup):
    bron = uniq("bron-")
    z = zrc.create("/zaken", payload(setup.zaaktype, kenmerken=[{"kenmerk": "A1", "bron": bron}]))
    assert z["kenmerken"] == [{"kenmerk": "A1", "bron": bron}]
    found = zrc.get("/zaken", params={"kenmerk": f"{bron}:A1"}).json()
    assert [r["url"] for r in found["results"]] == [z["url"]]
    # PATCH replaces the list; the old kenmerk no longer finds the zaak
    zrc.patch(z["url"], {"kenmerken": [{"kenmerk": "B2", "bron": bron}]})
    assert zrc.get(z["url"]).json()["kenmerken"] == [{"kenmerk": "B2", "bron": bron}]
    assert zrc.get("/zaken", params={"kenmerk": f"{bron}:A1"}).json()["count"] == 0
    assert [r["url"] for r in zrc.get("/zaken", params={"kenmerk": f"{bron}:B2"}).json()["results"]] == [z["url"]]


@pytest.mark.parametrize("kenmerk,field", [
    ({"bron": "x"}, "kenmerken.0.kenmerk"),
    ({"kenmerk": "x"}, "kenmerken.0.bron"),
    ({"kenmerk": "x" * 41, "bron": "x"}, "kenmerken.0.kenmerk"),
    ({"kenmerk": "", "bron": "x"}, "kenmerken.0.kenmerk"),
], ids=["no-kenmerk", "no-bron", "kenmerk-too-long", "kenmerk-empty"])
def test_invalid_kenmerk_is_400(zrc, setup, kenmerk, field):
    assert_problem(zrc.post("/zaken", payload(setup.zaaktype, kenmerken=[kenmerk])), 400, field=field)


# ------------------------------------------------------------------------------------------------
# request validation
# ------------------------------------------------------------------------------------------------
def test_invalid_json_is_400(zrc):
    resp = zrc.post("/zaken", data='{"zaaktype": ')
    assert_problem(resp, 400)


def test_json_array_body_is_400(zrc, setup):
    assert_problem(zrc.post("/zaken", [payload(setup.zaaktype)]), 400)


INVALID_FIELDS = [
    ("startdatum-number", {"startdatum": 5}, "startdatum", None),
    ("startdatum-bad-date", {"startdatum": "2026-13-01"}, "startdatum", None),
    ("registratiedatum-bad-date", {"registratiedatum": "15-01-2026"}, "registratiedatum", None),
    ("omschrijving-object", {"omschrijving": {"a": 1}}, "omschrijving", None),
    ("omschrijving-too-long", {"omschrijving": "x" * 81}, "omschrijving", "max_length"),
    ("toelichting-too-long", {"toelichting": "x" * 1001}, "toelichting", "max_length"),
    ("identificatie-too-long", {"identificatie": "x" * 41}, "identificatie", "max_length"),
    ("communicatiekanaalNaam-too-long", {"communicatiekanaalNaam": "x" * 251}, "communicatiekanaalNaam",
     "max_length"),
    ("processobjectaard-too-long", {"processobjectaard": "x" * 201}, "processobjectaard", "max_length"),
    ("productenOfDiensten-string", {"productenOfDiensten": "https://example.com/product/1"},
     "productenOfDiensten", None),
    ("vertrouwelijkheid-enum", {"vertrouwelijkheidaanduiding": "supergeheim"}, "vertrouwelijkheidaanduiding",
     "invalid_choice"),
    ("archiefstatus-enum", {"archiefstatus": "weg"}, "archiefstatus", "invalid_choice"),
    ("betalingsindicatie-enum", {"betalingsindicatie": "soms"}, "betalingsindicatie", None),
    ("laatsteBetaaldatum-bad", {"laatsteBetaaldatum": "gisteren"}, "laatsteBetaaldatum", None),
    ("opschorting-indicatie-type", {"opschorting": {"indicatie": "ja", "reden": "x"}}, "opschorting.indicatie",
     None),
    ("opschorting-reden-too-long", {"opschorting": {"indicatie": True, "reden": "x" * 201}}, "opschorting.reden",
     "max_length"),
    ("opschorting-not-object", {"opschorting": "ja"}, "opschorting", None),
    ("relevanteAndereZaken-aard-enum", {"relevanteAndereZaken": [{"url": "https://example.com/z",
                                                                  "aardRelatie": "familie"}]},
     "relevanteAndereZaken.0.aardRelatie", None),
    ("zaakgeometrie-bad", {"zaakgeometrie": {"type": "Point", "coordinates": [5.0]}}, "zaakgeometrie", None),
    ("zaakgeometrie-unknown-type", {"zaakgeometrie": {"type": "Cirkel", "coordinates": [5.0, 52.0]}},
     "zaakgeometrie", None),
]


@pytest.mark.parametrize("name,over,field,code", INVALID_FIELDS, ids=[c[0] for c in INVALID_FIELDS])
def test_invalid_field_is_400(zrc, setup, name, over, field, code):
    resp = zrc.post("/zaken", payload(setup.zaaktype, **over))
    body = assert_problem(resp, 400)
    names = [p.get("name") for p in body["invalidParams"]]
    # a nested error may be reported on the field or below it (zaakgeometrie.coordinates ...)
    assert any(n == field or n.startswith(field + ".") for n in names), (field, body)
    if code is not None:
        assert_problem(resp, 400, field=field, code=code)


def test_invalid_patch_field_is_400_and_changes_nothing(zrc, zaak):
    assert_problem(zrc.patch(zaak["url"], {"omschrijving": "x" * 81}), 400, field="omschrijving",
                   code="max_length")
    assert_problem(zrc.patch(zaak["url"], {"startdatum": None}), 400, field="startdatum")
    assert zrc.get(zaak["url"]).json() == zaak


# ------------------------------------------------------------------------------------------------
# audit trail
# ------------------------------------------------------------------------------------------------
def test_audittrail_records_create_update_partial_update(server, zrc, setup):
    hdr = lambda text: {"X-Audit-Toelichting": text}  # noqa: E731
    z = zrc.create("/zaken", payload(setup.zaaktype, omschrijving="Eerst"), headers=hdr("aangemaakt"))
    zrc.put(z["url"], put_body(z, omschrijving="Tweede"), headers=hdr("bijgewerkt"))
    zrc.patch(z["url"], {"omschrijving": "Derde"}, headers=hdr("deels"))
    zrc.get(z["url"])  # reading adds nothing
    entries = trail(zrc, z["url"])
    assert [e["actie"] for e in sorted(entries, key=lambda e: e["aanmaakdatum"])] == \
        ["create", "update", "partial_update"], entries
    by_actie = {e["actie"]: e for e in entries}
    expect = {"create": (201, "aangemaakt", None, "Eerst"), "update": (200, "bijgewerkt", "Eerst", "Tweede"),
              "partial_update": (200, "deels", "Tweede", "Derde")}
    for actie, (resultaat, toelichting, oud, nieuw) in expect.items():
        e = by_actie[actie]
        assert e["bron"] == "zrc", e  # the OAS BronEnum value
        assert e["resultaat"] == resultaat, e
        assert e["toelichting"] == toelichting, e
        assert e["applicatieId"] == "admin", e
        assert e["hoofdObject"] == z["url"] and e["resourceUrl"] == z["url"], e
        assert e["resource"] == "zaak", e
        assert uuidlib.UUID(e["uuid"])
        if oud is None:
            assert e["wijzigingen"]["oud"] is None, e
        else:
            assert e["wijzigingen"]["oud"]["omschrijving"] == oud, e
        assert e["wijzigingen"]["nieuw"]["omschrijving"] == nieuw, e
        assert e["wijzigingen"]["nieuw"]["url"] == z["url"], e


def test_audittrail_matches_oas(zrc, zaak):
    """The audit trail answers match the OAS `AuditTrail` schema (required fields, types, wijzigingen).

    `bron` is the OAS BronEnum value "zrc" (the OAS is normative; the reference implementation answers
    "ZRC")."""
    zrc.patch(zaak["url"], {"omschrijving": "voor de trail"})
    resp = zrc.get(zaak["url"] + "/audittrail", check=False)
    assert_status(resp, 200)
    contract.check_response(resp)
    one = zrc.get(f"{zaak['url']}/audittrail/{resp.json()[0]['uuid']}", check=False)
    assert_status(one, 200)
    contract.check_response(one)


def test_audittrail_detail(zrc, zaak, setup):
    zrc.patch(zaak["url"], {"toelichting": "detail"}, headers={"X-Audit-Toelichting": "waarom"})
    entries = trail(zrc, zaak["url"])
    for e in entries:
        resp = zrc.get(f"{zaak['url']}/audittrail/{e['uuid']}", check=False)
        assert_status(resp, 200)
        assert resp.json() == e
    # an entry of another zaak is not found under this zaak; unknown uuids are 404
    other = zrc.create("/zaken", payload(setup.zaaktype))
    other_entry = trail(zrc, other["url"])[0]
    assert zrc.get(f"{zaak['url']}/audittrail/{other_entry['uuid']}", check=False).status_code == 404
    assert zrc.get(f"{zaak['url']}/audittrail/{UNKNOWN_UUID}", check=False).status_code == 404
    assert zrc.get(f"/zaken/{UNKNOWN_UUID}/audittrail", check=False).status_code in (200, 404)


def test_audittrail_includes_child_entries(zrc, zaak, setup):
    rol = create_rol(zrc, zaak["url"], setup.roltype, headers={"X-Audit-Toelichting": "rol erbij"})
    assert_status(zrc.delete(rol["url"], headers={"X-Audit-Toelichting": "rol eraf"}), 204)
    entries = [e for e in trail(zrc, zaak["url"]) if e["resource"] == "rol"]
    by_actie = {e["actie"]: e for e in entries}
    assert set(by_actie) == {"create", "destroy"}, entries
    made, gone = by_actie["create"], by_actie["destroy"]
    for e in entries:
        assert e["hoofdObject"] == zaak["url"] and e["resourceUrl"] == rol["url"], e
        assert e["applicatieId"] == "admin", e
    assert (made["resultaat"], made["toelichting"]) == (201, "rol erbij")
    assert made["wijzigingen"]["oud"] is None and made["wijzigingen"]["nieuw"]["url"] == rol["url"]
    assert (gone["resultaat"], gone["toelichting"]) == (204, "rol eraf")
    assert gone["wijzigingen"]["oud"]["url"] == rol["url"] and gone["wijzigingen"]["nieuw"] is None


def test_failed_write_adds_no_audit_entry(zrc, zaak):
    before = len(trail(zrc, zaak["url"]))
    assert_problem(zrc.patch(zaak["url"], {"identificatie": "anders"}), 400)
    assert len(trail(zrc, zaak["url"])) == before


# ------------------------------------------------------------------------------------------------
# concurrency
# ------------------------------------------------------------------------------------------------
# one field per thread, each with the value that thread writes
CONCURRENT_FIELDS = {
    "omschrijving": "Gelijktijdig",
    "toelichting": "Gelijktijdige toelichting",
    "communicatiekanaalNaam": "Telefoon",
    "processobjectaard": "Procesobject",
    "einddatumGepland": "2026-09-01",
    "uiterlijkeEinddatumAfdoening": "2026-10-01",
    "publicatiedatum": "2026-02-02",
    "startdatumBewaartermijn": "2030-01-01",
    "laatstGeopend": "2026-02-03T04:05:06Z",
    "registratiedatum": "2026-01-16",
    "startdatum": "2026-01-14",
    "kenmerken": [{"kenmerk": "gelijktijdig", "bron": "test"}],
}


# a request that takes longer than this under the concurrency tests is a stall, not contention
STALL_SECONDS = 10.0


def _run_concurrently(server, jobs):
    """Runs `jobs` (callables taking a Zrc) at the same moment, each on its own connection.  Returns
    (response, seconds) per job."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        api = server.client("admin")  # own requests.Session per thread
        barrier.wait(timeout=30)
        started = time.monotonic()
        try:
            return job(Zrc(api)), time.monotonic() - started
        finally:
            api.session.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _assert_no_errors_but_conflicts(outcomes, allowed):
    """Contention may be answered with 409 (declared in the OAS); not with 5xx, and not after a stall."""
    bad = [f"{name}: {resp.status_code} after {secs:.1f}s {resp.text[:200]}" for name, (resp, secs) in outcomes
           if resp.status_code not in allowed or secs > STALL_SECONDS]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_patches_lose_no_update(server, zrc, setup, round_):
    """Concurrent PATCHes of one zaak, each of a different field: every request that answered 200 has its
    change in the final state (no lost update) and every other one changed nothing; the audit trail has
    one partial_update entry per successful PATCH.  Then: failures are 409 conflicts, promptly."""
    z = zrc.create("/zaken", payload(setup.zaaktype))
    fields = list(CONCURRENT_FIELDS.items())

    def job(field, value):
        # a timeout beyond the server's own 30 s limits, to see what it answers after a stall
        return lambda c: c.patch(z["url"], {field: value}, check=False, timeout=90)

    outcomes = list(zip([f for f, _ in fields], _run_concurrently(server, [job(f, v) for f, v in fields])))
    ok = [f for f, (resp, _) in outcomes if resp.status_code == 200]
    assert ok, "no PATCH succeeded: " + "; ".join(f"{f}: {r.status_code}" for f, (r, _) in outcomes)
    final = zrc.get(z["url"]).json()
    lost = [f for f in ok if final[f] != CONCURRENT_FIELDS[f]]
    assert not lost, f"lost updates of {lost}; succeeded: {ok}; final: {final}"
    phantom = [f"{f} ({resp.status_code} after {secs:.1f}s)" for f, (resp, secs) in outcomes
               if f not in ok and final[f] == CONCURRENT_FIELDS[f]]
    assert not phantom, f"changes applied although their PATCH answered an error: {phantom}"
    partials = [e for e in trail(zrc, z["url"]) if e["actie"] == "partial_update"]
    assert len(partials) == len(ok), (len(partials), ok)
    _assert_no_errors_but_conflicts(outcomes, (200, 409))


def test_concurrent_creates_get_unique_identificaties(server, zrc, setup):
    """zrc-002 under load: concurrent creates for one bronorganisatie all succeed, promptly, with distinct
    identificaties."""
    org = rsin()
    outcomes = list(enumerate(_run_concurrently(
        server,
        [lambda c: c.post("/zaken", payload(setup.zaaktype, bronorganisatie=org), check=False, timeout=90)] * 12)))
    created = [resp.json()["identificatie"] for _, (resp, _) in outcomes if resp.status_code == 201]
    assert len(set(created)) == len(created), created
    listed = zrc.get("/zaken", params={"bronorganisatie": org}).json()
    assert listed["count"] == len(created)
    _assert_no_errors_but_conflicts(outcomes, (201,))
