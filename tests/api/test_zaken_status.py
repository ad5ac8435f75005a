"""Zaken API 1.5.1: statussen, closing and reopening a zaak, black-box over HTTP on both engines.

zrc-016 (statustype of the zaak's zaaktype), the zaak's current status (the newest datumStatusGezet) and
indicatieLaatstGezetteStatus, zrc-007 (closing needs a resultaat; a closed zaak changes only with
zaken.geforceerd-bijwerken), zrc-021 / zrc-026 (archiefnominatie, brondatum, archiefactiedatum from the
resultaattype for the afleidingswijzen afgehandeld, termijn and eigenschap), zrc-008 (reopening needs
zaken.heropenen and clears einddatum / archiefactiedatum / archiefnominatie) and the audit trail of all that.

Error codes are those of the reference implementation (Open Zaak, from which the OAS was taken).
"""

from __future__ import annotations

import uuid as uuidlib
from types import SimpleNamespace

import pytest

import conftest
import zaken_support as zs
import zgw
from test_zaken_objects import FakeRemote
from zgw import assert_problem, describe

SCOPES_BIJWERKER = ["zaken.lezen", "zaken.aanmaken", "zaken.bijwerken", "zaken.statussen.toevoegen",
                    "audittrails.lezen"]


# ------------------------------------------------------------------------------------------------
# server: one per engine, rights not cached; clients of this module
# ------------------------------------------------------------------------------------------------
def _add_clients(srv):
    conftest.add_standard_clients(srv, "admin", "beheer")
    grants = lambda scopes: [(s, None, None) for s in scopes]  # noqa: E731
    zs.add_client(srv, "bijwerker", "bijwerker-secret", grants(SCOPES_BIJWERKER))
    zs.add_client(srv, "forceerder", "forceerder-secret",
                  grants(SCOPES_BIJWERKER + ["zaken.geforceerd-bijwerken"]))
    zs.add_client(srv, "heropener", "heropener-secret",
                  grants(SCOPES_BIJWERKER + ["zaken.geforceerd-bijwerken", "zaken.heropenen"]))


server = conftest.server_fixture(extra_args=["--auth-cache-ms", "0"], add_clients=_add_clients)


@pytest.fixture(scope="module")
def zrc(admin) -> zs.Zrc:
    return zs.Zrc(admin)


@pytest.fixture(scope="module")
def bijwerker(zrc):
    """lezen, aanmaken, bijwerken, statussen.toevoegen, audittrails.lezen: no forced scopes."""
    return zrc.as_client("bijwerker", "bijwerker-secret")


@pytest.fixture(scope="module")
def forceerder(zrc):
    """bijwerker + zaken.geforceerd-bijwerken (not zaken.heropenen)."""
    return zrc.as_client("forceerder", "forceerder-secret")


@pytest.fixture(scope="module")
def heropener(zrc):
    """forceerder + zaken.heropenen."""
    return zrc.as_client("heropener", "heropener-secret")


AFGEHANDELD = {"archiefnominatie": "vernietigen", "archiefactietermijn": "P10Y",
               "brondatumArchiefprocedure": {"afleidingswijze": "afgehandeld"}}


@pytest.fixture(scope="module")
def st(api):
    """Published zaaktype: statustype_1, statustype_eind (eindstatus), resultaattype (vernietigen, P10Y,
    afleidingswijze afgehandeld), roltypen, eigenschap, zaakobjecttype; plus a published informatieobjecttype
    related to it (zrc-017: documents of that type may be related to its zaken)."""
    s = zs.Setup(api, resultaattype_over=AFGEHANDELD)
    f = zgw.Factory(api)
    s.iot = f.informatieobjecttype(s.catalogus)["url"]
    f.ziot(s.zaaktype, s.iot)
    f.publish(s.iot)
    return s


@pytest.fixture(scope="module")
def other(api):
    return zs.Setup(api)


@pytest.fixture(scope="module")
def remote(st):
    d = FakeRemote(st.iot)
    yield d
    d.close()


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def new_zaak(zrc, zaaktype, **over):
    body = zs.zaak_payload(zaaktype, opdrachtgevendeOrganisatie=zs.BRONORGANISATIE)
    body.update(over)
    return zrc.create("/zaken", body)


def zaak_get(zrc, url):
    resp = zrc.get(url)
    assert resp.status_code == 200, describe(resp)
    return resp.json()


def set_status(zrc, zaak, statustype, when):
    return zrc.create("/statussen", zs.status_payload(zaak["url"], statustype, datumStatusGezet=when))


def closed_zaak(zrc, st, when="2026-03-10T14:00:00Z", **over):
    """A zaak with a first status, a resultaat and the eindstatus (set by admin)."""
    zaak = new_zaak(zrc, st.zaaktype, **over)
    set_status(zrc, zaak, st.statustype_1, "2026-02-01T09:00:00Z")
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    eind = set_status(zrc, zaak, st.statustype_eind, when)
    got = zaak_get(zrc, zaak["url"])
    assert got["einddatum"] == when[:10], got
    assert got["status"] == eind["url"]
    return got


def rol_body(zaak, roltype):
    return {"zaak": zaak, "roltype": roltype, "betrokkeneType": "natuurlijk_persoon", "roltoelichting": "x",
            "betrokkeneIdentificatie": {"inpBsn": zs.bsn(), "geslachtsnaam": "Jansen"}}


def statussen(zrc, **params):
    resp = zrc.get("/statussen", params=params)
    assert resp.status_code == 200, describe(resp)
    return resp.json()["results"]


# ================================================================================================
# statussen
# ================================================================================================
def test_status_statustype_of_other_zaaktype(zrc, st, other):
    zaak = new_zaak(zrc, st.zaaktype)
    resp = zrc.post("/statussen", zs.status_payload(zaak["url"], other.statustype_1))
    assert_problem(resp, 400, field="nonFieldErrors", code="zaaktype-mismatch")
    assert zaak_get(zrc, zaak["url"])["status"] is None
    assert statussen(zrc, zaak=zaak["url"]) == []


def test_first_status_sets_zaak_status(zrc, st):
    zaak = new_zaak(zrc, st.zaaktype)
    status = zrc.create("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                        statustoelichting="Ontvangen"))
    assert status["zaak"] == zaak["url"] and status["statustype"] == st.statustype_1
    assert status["statustoelichting"] == "Ontvangen"
    assert status["indicatieLaatstGezetteStatus"] is True
    assert status["url"].endswith("/statussen/" + status["uuid"])
    assert zrc.get(status["url"]).json() == status
    got = zaak_get(zrc, zaak["url"])
    assert got["status"] == status["url"]
    assert got["einddatum"] is None
    assert [s["url"] for s in statussen(zrc, zaak=zaak["url"])] == [status["url"]]


def test_newest_datum_status_gezet_is_the_zaaks_status(zrc, st):
    zaak = new_zaak(zrc, st.zaaktype)
    s1 = set_status(zrc, zaak, st.statustype_1, "2026-02-01T10:00:00Z")
    s2 = set_status(zrc, zaak, st.statustype_1, "2026-02-03T10:00:00Z")
    assert zaak_get(zrc, zaak["url"])["status"] == s2["url"]
    # a status with an earlier datumStatusGezet, registered later, does not become the zaak's status
    s0 = set_status(zrc, zaak, st.statustype_1, "2026-01-20T10:00:00Z")
    assert s0["indicatieLaatstGezetteStatus"] is False
    assert zaak_get(zrc, zaak["url"])["status"] == s2["url"]
    flags = {s["url"]: s["indicatieLaatstGezetteStatus"] for s in statussen(zrc, zaak=zaak["url"])}
    assert flags == {s0["url"]: False, s1["url"]: False, s2["url"]: True}
    assert zrc.get(s1["url"]).json()["indicatieLaatstGezetteStatus"] is False
    assert zrc.get(s2["url"]).json()["indicatieLaatstGezetteStatus"] is True
    latest = statussen(zrc, zaak=zaak["url"], indicatieLaatstGezetteStatus="true")
    assert [s["url"] for s in latest] == [s2["url"]]
    older = statussen(zrc, zaak=zaak["url"], indicatieLaatstGezetteStatus="false")
    assert {s["url"] for s in older} == {s0["url"], s1["url"]}


def test_newest_status_compares_instants_not_text_offsets(zrc, st):
    """datumStatusGezet is a date-time: 12:30+02:00 (10:30 UTC) is before 11:00Z."""
    zaak = new_zaak(zrc, st.zaaktype)
    s1 = set_status(zrc, zaak, st.statustype_1, "2026-03-01T11:00:00Z")
    s2 = set_status(zrc, zaak, st.statustype_1, "2026-03-01T12:30:00+02:00")
    assert zaak_get(zrc, zaak["url"])["status"] == s1["url"]
    assert zrc.get(s2["url"]).json()["indicatieLaatstGezetteStatus"] is False
    s3 = set_status(zrc, zaak, st.statustype_1, "2026-03-01T12:30:00+01:00")  # 11:30 UTC
    assert zaak_get(zrc, zaak["url"])["status"] == s3["url"]


def test_newest_status_compares_instants_not_text_fractions(zrc, st):
    """11:00:00.5Z is after 11:00:00Z."""
    zaak = new_zaak(zrc, st.zaaktype)
    set_status(zrc, zaak, st.statustype_1, "2026-03-01T11:00:00Z")
    s2 = set_status(zrc, zaak, st.statustype_1, "2026-03-01T11:00:00.500000Z")
    assert zaak_get(zrc, zaak["url"])["status"] == s2["url"]
    assert zrc.get(s2["url"]).json()["indicatieLaatstGezetteStatus"] is True


def test_status_unique_per_zaak_and_datum_status_gezet(zrc, st):
    # reference implementation: UniqueTogetherValidator(zaak, datumStatusGezet)
    zaak = new_zaak(zrc, st.zaaktype)
    set_status(zrc, zaak, st.statustype_1, "2026-02-01T10:00:00Z")
    resp = zrc.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                    datumStatusGezet="2026-02-01T10:00:00Z"))
    assert_problem(resp, 400, field="nonFieldErrors", code="unique")


def test_status_gezetdoor_is_listed_at_the_rol(zrc, st):
    """Status.gezetdoor is a rol of the zaak; Rol.statussen lists the statussen it set."""
    zaak = new_zaak(zrc, st.zaaktype)
    rol = zrc.post("/rollen", rol_body(zaak["url"], st.roltype_behandelaar), check=False)
    assert rol.status_code == 201, describe(rol)
    rol = rol.json()
    assert rol["statussen"] == []
    status = zrc.create("/statussen", zs.status_payload(zaak["url"], st.statustype_1, gezetdoor=rol["url"]))
    assert status["gezetdoor"] == rol["url"]
    assert zrc.get(status["url"]).json()["gezetdoor"] == rol["url"]
    got = zrc.get(rol["url"], check=False).json()
    assert got["statussen"] == [status["url"]]


def test_status_gezetdoor_must_be_a_rol_of_the_zaak(zrc, st):
    # reference implementation: StatusRolValidator -> nonFieldErrors / zaak-mismatch
    zaak, zaak2 = new_zaak(zrc, st.zaaktype), new_zaak(zrc, st.zaaktype)
    rol = zrc.post("/rollen", rol_body(zaak2["url"], st.roltype_behandelaar), check=False)
    assert rol.status_code == 201, describe(rol)
    resp = zrc.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1, gezetdoor=rol.json()["url"]))
    assert_problem(resp, 400, field="nonFieldErrors", code="zaak-mismatch")
    assert zaak_get(zrc, zaak["url"])["status"] is None


def test_status_lists_its_zaakinformatieobjecten(zrc, st, remote):
    """ZaakInformatieObject.status: the status the document is relevant for; Status.zaakinformatieobjecten lists
    those."""
    zaak = new_zaak(zrc, st.zaaktype)
    status = set_status(zrc, zaak, st.statustype_1, "2026-02-01T10:00:00Z")
    assert status["zaakinformatieobjecten"] == []
    zio = zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": remote.eio(),
                                                  "status": status["url"]})
    assert zio["status"] == status["url"]
    assert zrc.get(status["url"]).json()["zaakinformatieobjecten"] == [zio["url"]]


def test_statussen_list_filters(zrc, st, other):
    z1, z2 = new_zaak(zrc, st.zaaktype), new_zaak(zrc, other.zaaktype)
    a = set_status(zrc, z1, st.statustype_1, "2026-02-01T10:00:00Z")
    c = set_status(zrc, z2, other.statustype_1, "2026-02-01T10:00:00Z")
    assert [s["url"] for s in statussen(zrc, zaak=z1["url"])] == [a["url"]]
    by_type = {s["url"] for s in statussen(zrc, statustype=other.statustype_1)}
    assert c["url"] in by_type and a["url"] not in by_type
    assert statussen(zrc, zaak=z1["url"], statustype=other.statustype_1) == []
    assert [s["url"] for s in statussen(zrc, zaak=z2["url"], statustype=other.statustype_1,
                                        indicatieLaatstGezetteStatus="true")] == [c["url"]]
    page = zrc.get("/statussen", params={"zaak": z2["url"]}).json()
    assert page["count"] == 1 and page["previous"] is None and page["next"] is None


# ================================================================================================
# closing a zaak (zrc-007, zrc-021)
# ================================================================================================
def test_eindstatus_needs_a_resultaat(zrc, st):
    zaak = new_zaak(zrc, st.zaaktype)
    first = set_status(zrc, zaak, st.statustype_1, "2026-02-01T10:00:00Z")
    resp = zrc.post("/statussen", zs.status_payload(zaak["url"], st.statustype_eind,
                                                    datumStatusGezet="2026-02-05T10:00:00Z"))
    assert_problem(resp, 400, field="nonFieldErrors", code="resultaat-does-not-exist")
    got = zaak_get(zrc, zaak["url"])
    assert got["einddatum"] is None and got["status"] == first["url"]
    assert len(statussen(zrc, zaak=zaak["url"])) == 1


def test_close_afgehandeld(zrc, st):
    zaak = new_zaak(zrc, st.zaaktype)
    set_status(zrc, zaak, st.statustype_1, "2026-02-01T09:00:00Z")
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    eind = set_status(zrc, zaak, st.statustype_eind, "2026-03-10T14:00:00Z")
    assert eind["indicatieLaatstGezetteStatus"] is True
    got = zaak_get(zrc, zaak["url"])
    assert got["status"] == eind["url"]
    assert got["einddatum"] == "2026-03-10"  # the date of datumStatusGezet
    assert got["archiefnominatie"] == "vernietigen"  # from the resultaattype
    assert got["archiefactiedatum"] == "2036-03-10"  # brondatum (einddatum) + P10Y
    assert got["startdatumBewaartermijn"] == "2026-03-10"  # zrc-026: the brondatum
    # closed zaken are found by einddatum
    listed = zrc.get("/zaken", params={"zaaktype": st.zaaktype, "einddatum": "2026-03-10",
                                       "identificatie": got["identificatie"]}).json()
    assert [z["url"] for z in listed["results"]] == [zaak["url"]]


def test_close_einddatum_is_the_local_date_of_datum_status_gezet(zrc, st):
    zaak = new_zaak(zrc, st.zaaktype)
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    set_status(zrc, zaak, st.statustype_eind, "2026-03-10T23:30:00-05:00")
    got = zaak_get(zrc, zaak["url"])
    # the reference implementation takes the date as the client wrote it
    assert got["einddatum"] == "2026-03-10"
    assert got["archiefactiedatum"] == "2036-03-10"


def test_close_keeps_given_archiefnominatie_and_archiefactiedatum(zrc, st):
    """zrc-021: only values the zaak does not have yet are derived."""
    zaak = new_zaak(zrc, st.zaaktype, archiefnominatie="blijvend_bewaren", archiefactiedatum="2099-01-01")
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    set_status(zrc, zaak, st.statustype_eind, "2026-03-10T14:00:00Z")
    got = zaak_get(zrc, zaak["url"])
    assert got["einddatum"] == "2026-03-10"
    assert (got["archiefnominatie"], got["archiefactiedatum"]) == ("blijvend_bewaren", "2099-01-01")


def test_close_termijn(zrc, api):
    """afleidingswijze termijn: brondatum = einddatum + procestermijn; archiefactiedatum = brondatum +
    archiefactietermijn (selectielijst resultaat with procestermijn ingeschatte_bestaansduur_procesobject,
    ztc-003)."""
    s = zs.Setup(api, zaaktype_over={"selectielijstProcestype": api.procestype(zgw.PROCESTYPE_15)},
                 resultaattype_over={"selectielijstklasse": api.resultaat(zgw.RESULTAAT_INGESCHAT),
                                     "archiefnominatie": "vernietigen", "archiefactietermijn": "P5Y",
                                     "brondatumArchiefprocedure": {"afleidingswijze": "termijn",
                                                                   "procestermijn": "P2Y"}})
    got = closed_zaak(zrc, s, when="2026-03-10T14:00:00Z")
    assert got["archiefnominatie"] == "vernietigen"
    assert got["startdatumBewaartermijn"] == "2028-03-10"
    assert got["archiefactiedatum"] == "2033-03-10"


def eigenschap_zaaktype(api, naam):
    """A zaaktype whose resultaattype takes the brondatum from the eigenschap `naam` (a date)."""
    f = zgw.Factory(api)
    zt = f.zaaktype(f.catalogus()["url"])["url"]
    out = SimpleNamespace(zaaktype=zt)
    out.statustype_1 = f.statustype(zt, volgnummer=1)["url"]
    out.statustype_eind = f.statustype(zt, volgnummer=2)["url"]
    out.eigenschap = f.eigenschap(zt, naam=naam, specificatie={"formaat": "datum", "lengte": "8",
                                                               "kardinaliteit": "1"})["url"]
    out.resultaattype = f.resultaattype(
        zt, selectielijstklasse=api.resultaat(zgw.RESULTAAT_BLANK), archiefnominatie="blijvend_bewaren",
        archiefactietermijn="P20Y",
        brondatumArchiefprocedure={"afleidingswijze": "eigenschap", "datumkenmerk": naam})["url"]
    f.publish(zt)
    return out


@pytest.fixture(scope="module")
def eig(api):
    return eigenschap_zaaktype(api, "datumVervallen")


@pytest.mark.parametrize("waarde", ["2030-05-01", "20300501"])
def test_close_eigenschap(zrc, eig, waarde):
    """afleidingswijze eigenschap: brondatum = the date in the zaakeigenschap named by datumkenmerk."""
    zaak = new_zaak(zrc, eig.zaaktype)
    zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
               {"zaak": zaak["url"], "eigenschap": eig.eigenschap, "waarde": waarde})
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": eig.resultaattype})
    set_status(zrc, zaak, eig.statustype_eind, "2026-03-10T14:00:00Z")
    got = zaak_get(zrc, zaak["url"])
    assert got["einddatum"] == "2026-03-10"
    assert got["archiefnominatie"] == "blijvend_bewaren"
    assert got["archiefactiedatum"] == "2050-05-01"


def test_close_eigenschap_missing(zrc, eig):
    """No zaakeigenschap with the datumkenmerk's naam: the brondatum cannot be derived -> 400."""
    zaak = new_zaak(zrc, eig.zaaktype)
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": eig.resultaattype})
    resp = zrc.post("/statussen", zs.status_payload(zaak["url"], eig.statustype_eind))
    assert_problem(resp, 400, field="nonFieldErrors", code="archiefactiedatum-error")
    assert zaak_get(zrc, zaak["url"])["einddatum"] is None


def test_close_eigenschap_not_a_date(zrc, eig):
    zaak = new_zaak(zrc, eig.zaaktype)
    zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
               {"zaak": zaak["url"], "eigenschap": eig.eigenschap, "waarde": "geen datum"})
    zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": eig.resultaattype})
    resp = zrc.post("/statussen", zs.status_payload(zaak["url"], eig.statustype_eind))
    assert_problem(resp, 400, field="nonFieldErrors", code="archiefactiedatum-error")
    assert zaak_get(zrc, zaak["url"])["einddatum"] is None


# ================================================================================================
# a closed zaak changes only with zaken.geforceerd-bijwerken (zrc-007)
# ================================================================================================
def _patch_zaak(c, ctx):
    return c.patch(ctx.zaak["url"], {"omschrijving": "Gewijzigd " + uuidlib.uuid4().hex[:6]})


def _put_zaak(c, ctx):
    body = {k: ctx.zaak[k] for k in ("zaaktype", "bronorganisatie", "verantwoordelijkeOrganisatie", "startdatum",
                                     "identificatie", "opdrachtgevendeOrganisatie")}
    return c.put(ctx.zaak["url"], {**body, "omschrijving": "Geheel gewijzigd"})


def _create_rol(c, ctx):
    return c.post("/rollen", rol_body(ctx.zaak["url"], ctx.st.roltype_behandelaar), check=False)


def _delete_rol(c, ctx):
    return c.delete(ctx.rol)


def _create_zaakobject(c, ctx):
    return c.post("/zaakobjecten", {"zaak": ctx.zaak["url"], "objectType": "pand",
                                    "objectIdentificatie": {"identificatie": uuidlib.uuid4().hex}}, check=False)


def _create_zaakeigenschap(c, ctx):
    return c.post(f"/zaken/{ctx.zaak['uuid']}/zaakeigenschappen",
                  {"zaak": ctx.zaak["url"], "eigenschap": ctx.st.eigenschap, "waarde": "x"})


def _create_zio(c, ctx):
    return c.post("/zaakinformatieobjecten", {"zaak": ctx.zaak["url"], "informatieobject": ctx.remote.eio()})


def _create_klantcontact(c, ctx):
    return c.post("/klantcontacten", {"zaak": ctx.zaak["url"], "datumtijd": "2026-03-11T10:00:00Z",
                                      "identificatie": "KC" + uuidlib.uuid4().hex[:8]})


def _patch_resultaat(c, ctx):
    return c.patch(ctx.zaak["resultaat"], {"toelichting": "gecorrigeerd"})


def _create_zaakbesluit(c, ctx):
    return c.post(f"/zaken/{ctx.zaak['uuid']}/besluiten",
                  {"besluit": ctx.remote.url("besluit")})


CLOSED_ACTIONS = {
    "patch-zaak": (_patch_zaak, 200),
    "put-zaak": (_put_zaak, 200),
    "create-rol": (_create_rol, 201),
    "delete-rol": (_delete_rol, 204),
    "create-zaakobject": (_create_zaakobject, 201),
    "create-zaakeigenschap": (_create_zaakeigenschap, 201),
    "create-zaakinformatieobject": (_create_zio, 201),
    "create-klantcontact": (_create_klantcontact, 201),
    "patch-resultaat": (_patch_resultaat, 200),
    "create-zaakbesluit": (_create_zaakbesluit, 201),
}


@pytest.mark.parametrize("action", list(CLOSED_ACTIONS))
def test_closed_zaak_changes_only_with_geforceerd_bijwerken(zrc, st, remote, bijwerker, forceerder, action):
    zaak = new_zaak(zrc, st.zaaktype)
    rol = zrc.post("/rollen", rol_body(zaak["url"], st.roltype_behandelaar), check=False)
    assert rol.status_code == 201, describe(rol)
    fn, ok = CLOSED_ACTIONS[action]
    ctx = SimpleNamespace(st=st, remote=remote, rol=rol.json()["url"])
    # while the zaak is open the scopes of the operation suffice
    ctx.zaak = zaak_get(zrc, zaak["url"])
    if action != "delete-rol":
        if action == "patch-resultaat":
            zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
            ctx.zaak = zaak_get(zrc, zaak["url"])
        resp = fn(bijwerker, ctx)
        assert resp.status_code == ok, describe(resp)
    # close it
    if ctx.zaak["resultaat"] is None:
        zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    set_status(zrc, zaak, st.statustype_eind, "2026-03-10T14:00:00Z")
    ctx.zaak = zaak_get(zrc, zaak["url"])
    assert ctx.zaak["einddatum"] == "2026-03-10"
    before = ctx.zaak
    trail = len(zrc.get(f"/zaken/{zaak['uuid']}/audittrail", check=False).json())

    denied = fn(bijwerker, ctx)
    assert_problem(denied, 403, code="permission_denied")
    assert len(zrc.get(f"/zaken/{zaak['uuid']}/audittrail", check=False).json()) == trail
    after_denied = zaak_get(zrc, zaak["url"])
    for key in ("omschrijving", "resultaat", "status"):
        assert after_denied[key] == before[key], key
    for key in ("rollen", "zaakobjecten", "eigenschappen", "zaakinformatieobjecten"):
        assert sorted(after_denied[key]) == sorted(before[key]), key

    allowed = fn(forceerder, ctx)
    assert allowed.status_code == ok, describe(allowed)
    assert zaak_get(zrc, zaak["url"])["einddatum"] == "2026-03-10"  # still closed


def test_closed_zaak_resultaat_replaced_only_with_geforceerd_bijwerken(zrc, st, bijwerker, forceerder):
    zaak = closed_zaak(zrc, st)
    assert_problem(bijwerker.delete(zaak["resultaat"]), 403, code="permission_denied")
    assert forceerder.delete(zaak["resultaat"]).status_code == 204
    body = {"zaak": zaak["url"], "resultaattype": st.resultaattype}
    assert_problem(bijwerker.post("/resultaten", body), 403, code="permission_denied")
    resp = forceerder.post("/resultaten", body)
    assert resp.status_code == 201, describe(resp)
    assert zaak_get(zrc, zaak["url"])["resultaat"] == resp.json()["url"]


def test_closed_zaak_status_needs_more_than_statussen_toevoegen(zrc, st, bijwerker):
    zaak = closed_zaak(zrc, st)
    resp = bijwerker.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                          datumStatusGezet="2026-03-20T10:00:00Z"))
    assert_problem(resp, 403, code="permission_denied")
    got = zaak_get(zrc, zaak["url"])
    assert got["einddatum"] == "2026-03-10" and got["status"] == zaak["status"]


# ================================================================================================
# reopening (zrc-008)
# ================================================================================================
def test_reopen_needs_heropenen(zrc, st, forceerder, heropener, bijwerker):
    zaak = closed_zaak(zrc, st)
    assert zaak["archiefnominatie"] == "vernietigen" and zaak["archiefactiedatum"] == "2036-03-10"
    body = zs.status_payload(zaak["url"], st.statustype_1, datumStatusGezet="2026-03-20T10:00:00Z")
    # zaken.geforceerd-bijwerken is not zaken.heropenen
    assert_problem(forceerder.post("/statussen", body), 403, code="permission_denied")
    assert zaak_get(zrc, zaak["url"])["einddatum"] == "2026-03-10"
    resp = heropener.post("/statussen", body)
    assert resp.status_code == 201, describe(resp)
    got = zaak_get(zrc, zaak["url"])
    assert got["status"] == resp.json()["url"]
    assert (got["einddatum"], got["archiefactiedatum"], got["archiefnominatie"]) == (None, None, None)
    # open again: the ordinary scopes apply
    resp = bijwerker.patch(zaak["url"], {"omschrijving": "Heropend"})
    assert resp.status_code == 200, describe(resp)
    resp = bijwerker.post("/rollen", rol_body(zaak["url"], st.roltype_behandelaar), check=False)
    assert resp.status_code == 201, describe(resp)
    # and it can be closed again
    resp = bijwerker.post("/statussen", zs.status_payload(zaak["url"], st.statustype_eind,
                                                          datumStatusGezet="2026-04-01T10:00:00Z"))
    assert resp.status_code == 201, describe(resp)
    got = zaak_get(zrc, zaak["url"])
    assert (got["einddatum"], got["archiefnominatie"], got["archiefactiedatum"]) == \
        ("2026-04-01", "vernietigen", "2036-04-01")


# ================================================================================================
# hoofdzaak and deelzaken (POST /statussen of the OAS: "indien de zaak deelzaken heeft moeten de deelzaken
# gesloten zijn voordat de hoofdzaak kan worden afgesloten"; "indien een zaak wordt heropend en een hoofdzaak
# heeft, dan mag de hoofdzaak niet gesloten zijn")
# ================================================================================================
@pytest.fixture(scope="module")
def hoofd_deel(api):
    deel = zs.Setup(api, resultaattype_over=AFGEHANDELD)
    hoofd = zs.Setup(api, catalogus=deel.catalogus, deelzaaktypen=[deel.zaaktype], resultaattype_over=AFGEHANDELD)
    return hoofd, deel


def _close(c, zaak, st, when):
    c.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    return c.post("/statussen", zs.status_payload(zaak["url"], st.statustype_eind, datumStatusGezet=when))


def test_hoofdzaak_closes_only_after_its_deelzaken(zrc, hoofd_deel):
    H, D = hoofd_deel
    hoofd = new_zaak(zrc, H.zaaktype)
    deel = new_zaak(zrc, D.zaaktype, hoofdzaak=hoofd["url"])
    resp = _close(zrc, hoofd, H, "2026-03-10T14:00:00Z")
    assert_problem(resp, 400)
    assert zaak_get(zrc, hoofd["url"])["einddatum"] is None
    assert _close(zrc, deel, D, "2026-03-09T14:00:00Z").status_code == 201
    resp = zrc.post("/statussen", zs.status_payload(hoofd["url"], H.statustype_eind,
                                                    datumStatusGezet="2026-03-10T14:00:00Z"))
    assert resp.status_code == 201, describe(resp)
    assert zaak_get(zrc, hoofd["url"])["einddatum"] == "2026-03-10"


def test_deelzaak_reopens_only_while_its_hoofdzaak_is_open(zrc, hoofd_deel, heropener):
    H, D = hoofd_deel
    hoofd = new_zaak(zrc, H.zaaktype)
    deel = new_zaak(zrc, D.zaaktype, hoofdzaak=hoofd["url"])
    assert _close(zrc, deel, D, "2026-03-09T14:00:00Z").status_code == 201
    assert _close(zrc, hoofd, H, "2026-03-10T14:00:00Z").status_code == 201
    resp = heropener.post("/statussen", zs.status_payload(deel["url"], D.statustype_1,
                                                          datumStatusGezet="2026-03-20T10:00:00Z"))
    assert_problem(resp, 400)
    assert zaak_get(zrc, deel["url"])["einddatum"] == "2026-03-09"


# ================================================================================================
# audit trail
# ================================================================================================
def trail_of(c, zaak, check=False):
    resp = c.get(f"/zaken/{zaak['uuid']}/audittrail", check=check)
    assert resp.status_code == 200, describe(resp)
    return resp.json()


def test_audit_trail_of_closing_and_reopening(zrc, st, bijwerker, forceerder, heropener):
    zaak = new_zaak(zrc, st.zaaktype)
    s1 = bijwerker.create("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                          datumStatusGezet="2026-02-01T09:00:00Z"))
    res = bijwerker.create("/resultaten", {"zaak": zaak["url"], "resultaattype": st.resultaattype})
    eind = bijwerker.create("/statussen", zs.status_payload(zaak["url"], st.statustype_eind,
                                                            datumStatusGezet="2026-03-10T14:00:00Z"))
    assert bijwerker.patch(zaak["url"], {"omschrijving": "x"}).status_code == 403
    assert forceerder.patch(zaak["url"], {"omschrijving": "Gecorrigeerd"}).status_code == 200
    heropen = heropener.create("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                               datumStatusGezet="2026-03-20T10:00:00Z"))
    entries = sorted(trail_of(zrc, zaak), key=lambda e: e["aanmaakdatum"])
    got = [(e["resource"], e["actie"], e["resourceUrl"], e["applicatieId"]) for e in entries]
    assert got == [
        ("zaak", "create", zaak["url"], "admin"),
        ("status", "create", s1["url"], "bijwerker"),
        ("resultaat", "create", res["url"], "bijwerker"),
        ("status", "create", eind["url"], "bijwerker"),
        ("zaak", "partial_update", zaak["url"], "forceerder"),
        ("status", "create", heropen["url"], "heropener"),
    ], got
    for e in entries:
        assert e["hoofdObject"] == zaak["url"]
        assert e["resultaat"] in (200, 201)
    patch = entries[4]
    assert patch["wijzigingen"]["oud"]["omschrijving"] == "Testzaak"
    assert patch["wijzigingen"]["nieuw"]["omschrijving"] == "Gecorrigeerd"
    assert entries[3]["wijzigingen"]["oud"] is None
    assert entries[3]["wijzigingen"]["nieuw"]["url"] == eind["url"]
    # one entry by its uuid
    one = zrc.get(f"/zaken/{zaak['uuid']}/audittrail/{entries[3]['uuid']}", check=False)
    assert one.status_code == 200 and one.json() == entries[3], describe(one)
    assert zrc.get(f"/zaken/{zaak['uuid']}/audittrail/{uuidlib.uuid4()}", check=False).status_code == 404


def test_audit_trail_of_deleting_objects(zrc, st, forceerder):
    zaak = closed_zaak(zrc, st)
    rol = zrc.post("/rollen", rol_body(zaak["url"], st.roltype_behandelaar), check=False)
    assert rol.status_code == 201, describe(rol)
    assert forceerder.delete(rol.json()["url"]).status_code == 204
    entries = sorted(trail_of(zrc, zaak), key=lambda e: e["aanmaakdatum"])
    last = entries[-1]
    assert (last["resource"], last["actie"], last["resourceUrl"], last["applicatieId"]) == \
        ("rol", "destroy", rol.json()["url"], "forceerder")
    assert last["resultaat"] == 204
    assert last["wijzigingen"]["nieuw"] is None
    assert last["wijzigingen"]["oud"]["url"] == rol.json()["url"]
    assert last["wijzigingen"]["oud"]["betrokkeneIdentificatie"] == rol.json()["betrokkeneIdentificatie"]


def test_audit_trail_matches_the_oas(zrc, st):
    """The audit trail responses against the OAS (AuditTrail: `bron` is one of ac, nrc, zrc, …)."""
    zaak = new_zaak(zrc, st.zaaktype)
    entries = trail_of(zrc, zaak, check=True)
    assert entries and all(e["bron"] == "zrc" for e in entries), entries
    resp = zrc.get(f"/zaken/{zaak['uuid']}/audittrail/{entries[0]['uuid']}")
    assert resp.status_code == 200, describe(resp)


def test_audit_trail_toelichting_header(zrc, st):
    zaak = new_zaak(zrc, st.zaaktype)
    resp = zrc.patch(zaak["url"], {"omschrijving": "Met reden"}, headers={"X-Audit-Toelichting": "Typfout"})
    assert resp.status_code == 200, describe(resp)
    last = sorted(trail_of(zrc, zaak), key=lambda e: e["aanmaakdatum"])[-1]
    assert last["actie"] == "partial_update" and last["toelichting"] == "Typfout"
