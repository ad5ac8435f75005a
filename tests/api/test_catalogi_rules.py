"""Catalogi rules as the VNG reference suite checks them (ztc-001 … ztc-010): the exact status, the invalidParams
name and code, and which error comes first when several rules are broken at once (the suite reads
invalidParams[0]). See rules/zgw-1.5/catalogi.md; the order follows the reference implementation."""

import random

import pytest

from zgw import (PROCESTYPE_1, PROCESTYPE_15, RESULTAAT_BLANK, RESULTAAT_INGESCHAT, RESULTAAT_NIHIL,
                 RESULTAATTYPEOMSCHRIJVING_AFGEWEZEN, assert_problem, assert_status, put_body,
                 resultaattype_payload, uniq, zaaktype_payload)

UNKNOWN = "00000000-0000-4000-8000-0000000000aa"
UNREACHABLE = "http://127.0.0.1:1/api/v1/procestypen/" + PROCESTYPE_1


def first_param(resp):
    params = resp.json().get("invalidParams") or []
    assert params, resp.text
    return params[0]["name"], params[0]["code"]


def assert_first(resp, name, code):
    assert_problem(resp, 400, field=name, code=code)
    assert first_param(resp) == (name, code), resp.text


# ------------------------------------------------------------------------------------------------
# ztc-001: selectielijstProcestype — bad-url when it cannot be read, invalid-resource when it is not a procestype
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which,code", [
    ("resultaat", "invalid-resource"),      # answers 200, but is a resultaat
    ("unknown", "bad-url"),                 # 404
    ("unreachable", "bad-url"),             # nothing listens
])
def test_ztc001_procestype_url(api, catalogus, which, code):
    url = {"resultaat": api.resultaat(RESULTAAT_NIHIL), "unknown": api.procestype(UNKNOWN),
           "unreachable": UNREACHABLE}[which]
    resp = api.post("/zaaktypen", zaaktype_payload(api, catalogus["url"], selectielijstProcestype=url))
    assert_first(resp, "selectielijstProcestype", code)


def test_ztc001_procestype_invalid_resource_on_update(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    resp = api.patch(zt["url"], {"selectielijstProcestype": api.resultaat(RESULTAAT_NIHIL)})
    assert_first(resp, "selectielijstProcestype", "invalid-resource")


# ------------------------------------------------------------------------------------------------
# ztc-002: resultaattypeomschrijving and selectielijstklasse
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def zt_pt1(make, catalogus):
    return make.zaaktype(catalogus["url"], selectielijstProcestype=make.api.procestype(PROCESTYPE_1))


@pytest.mark.parametrize("field", ["resultaattypeomschrijving", "selectielijstklasse"])
def test_ztc002_url_of_other_resource_is_invalid_resource(api, zt_pt1, field):
    body = resultaattype_payload(api, zt_pt1["url"], **{field: api.procestype(PROCESTYPE_1)})
    assert_first(api.post("/resultaattypen", body), field, "invalid-resource")


@pytest.mark.parametrize("field", ["resultaattypeomschrijving", "selectielijstklasse"])
def test_ztc002_unreadable_url_is_bad_url(api, zt_pt1, field):
    url = api.resultaattypeomschrijving(UNKNOWN) if field == "resultaattypeomschrijving" else api.resultaat(UNKNOWN)
    body = resultaattype_payload(api, zt_pt1["url"], **{field: url})
    assert_first(api.post("/resultaattypen", body), field, "bad-url")


def test_ztc002_procestype_mismatch_is_a_non_field_error(api, zt_pt1):
    # (ztc-002e): a selectielijstklasse of procestype 15 for a zaaktype of procestype 1.
    body = resultaattype_payload(api, zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_INGESCHAT),
                                 brondatumArchiefprocedure={"afleidingswijze": "termijn", "procestermijn": "P5M"})
    assert_first(api.post("/resultaattypen", body), "nonFieldErrors", "procestype-mismatch")


def test_ztc002_matching_procestype_is_created(api, make, zt_pt1):
    rt = make.resultaattype(zt_pt1["url"], resultaattypeomschrijving=api.resultaattypeomschrijving(
        RESULTAATTYPEOMSCHRIJVING_AFGEWEZEN))
    assert rt["omschrijvingGeneriek"] == "Afgewezen"


# ------------------------------------------------------------------------------------------------
# ztc-003: afleidingswijze against the procestermijn — a rule on the whole object (nonFieldErrors)
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bap", [
    {"afleidingswijze": "termijn", "procestermijn": "P5M"},
    {"afleidingswijze": "hoofdzaak"},
    {"afleidingswijze": "eigenschap", "datumkenmerk": "d"},
], ids=lambda b: b["afleidingswijze"])
def test_ztc003_nihil_needs_afgehandeld(api, zt_pt1, bap):
    body = resultaattype_payload(api, zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_NIHIL),
                                 brondatumArchiefprocedure=bap)
    assert_first(api.post("/resultaattypen", body), "nonFieldErrors", "invalid-afleidingswijze-for-procestermijn")


def test_ztc003_ingeschatte_bestaansduur_needs_termijn(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"], selectielijstProcestype=api.procestype(PROCESTYPE_15))
    body = resultaattype_payload(api, zt["url"], selectielijstklasse=api.resultaat(RESULTAAT_INGESCHAT),
                                 brondatumArchiefprocedure={"afleidingswijze": "hoofdzaak"})
    assert_first(api.post("/resultaattypen", body), "nonFieldErrors", "invalid-afleidingswijze-for-procestermijn")


def test_ztc003_reported_with_a_procestype_mismatch(api, make, catalogus):
    # (ztc-003a): the suite's nihil klasse belongs to another procestype than its zaaktype: both are reported.
    zt = make.zaaktype(catalogus["url"], selectielijstProcestype=api.procestype(PROCESTYPE_15))
    body = resultaattype_payload(api, zt["url"], selectielijstklasse=api.resultaat(RESULTAAT_NIHIL),
                                 brondatumArchiefprocedure={"afleidingswijze": "termijn", "procestermijn": "P5M"})
    resp = api.post("/resultaattypen", body)
    assert_problem(resp, 400)
    params = [(p["name"], p["code"]) for p in resp.json()["invalidParams"]]
    assert ("nonFieldErrors", "invalid-afleidingswijze-for-procestermijn") in params, params
    assert ("nonFieldErrors", "procestype-mismatch") in params, params


# ------------------------------------------------------------------------------------------------
# ztc-004 … ztc-008: a wrong brondatumArchiefprocedure field is reported alone, before object-wide rules
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bap,field,code", [
    ({"afleidingswijze": "afgehandeld", "datumkenmerk": "identificatie"}, "datumkenmerk", "must-be-empty"),
    ({"afleidingswijze": "termijn", "procestermijn": "P5M", "datumkenmerk": "x"}, "datumkenmerk", "must-be-empty"),
    ({"afleidingswijze": "afgehandeld", "einddatumBekend": True}, "einddatumBekend", "must-be-empty"),
    ({"afleidingswijze": "termijn", "procestermijn": "P5M", "einddatumBekend": True}, "einddatumBekend",
     "must-be-empty"),
    ({"afleidingswijze": "afgehandeld", "objecttype": "pand"}, "objecttype", "must-be-empty"),
    ({"afleidingswijze": "afgehandeld", "registratie": "BAG"}, "registratie", "must-be-empty"),
    ({"afleidingswijze": "termijn"}, "procestermijn", "required"),
    ({"afleidingswijze": "afgehandeld", "procestermijn": "P5M"}, "procestermijn", "must-be-empty"),
], ids=["004-afgehandeld", "004-termijn", "005-afgehandeld", "005-termijn", "006", "007", "008-required",
        "008-empty"])
def test_ztc004_008_field_error_first(api, make, catalogus, bap, field, code):
    # As in the suite: the nihil klasse is of another procestype than the zaaktype, and still the field
    # error is what is reported.
    zt = make.zaaktype(catalogus["url"], selectielijstProcestype=api.procestype(PROCESTYPE_15))
    body = resultaattype_payload(api, zt["url"], selectielijstklasse=api.resultaat(RESULTAAT_NIHIL),
                                 brondatumArchiefprocedure=bap)
    resp = api.post("/resultaattypen", body)
    assert_first(resp, "brondatumArchiefprocedure." + field, code)
    assert [p["name"] for p in resp.json()["invalidParams"]] == ["brondatumArchiefprocedure." + field]


def test_ztc003_empty_procestermijn_allows_termijn(api, make, zt_pt1):
    rt = make.resultaattype(zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_BLANK),
                            brondatumArchiefprocedure={"afleidingswijze": "termijn", "procestermijn": "P5Y"})
    assert rt["brondatumArchiefprocedure"]["procestermijn"] == "P5Y"


# ------------------------------------------------------------------------------------------------
# ztc-010: a concept type related to a published type is not changed or removed
# ------------------------------------------------------------------------------------------------
def assert_non_concept_relation(resp):
    assert_first(resp, "nonFieldErrors", "non-concept-relation")


def check_blocked(api, kind, obj, einde):
    """PUT and PATCH are refused, PATCH of eindeGeldigheid alone is allowed, DELETE is refused."""
    assert_non_concept_relation(api.put(obj["url"], put_body(kind, obj, omschrijving=uniq("Anders "))))
    assert_non_concept_relation(api.patch(obj["url"], {"omschrijving": uniq("Anders ")}))
    resp = api.patch(obj["url"], {"eindeGeldigheid": einde})
    assert_status(resp, 200)
    assert resp.json()["eindeGeldigheid"] == einde
    assert_non_concept_relation(api.delete(obj["url"]))
    assert_status(api.get(obj["url"]), 200)


def test_ztc010a_besluittype_related_to_published_iot(api, make, catalogus):
    iot = make.publish(make.informatieobjecttype(catalogus["url"])["url"])
    bt = make.besluittype(catalogus["url"], informatieobjecttypen=[iot["url"]])
    assert bt["concept"] is True
    check_blocked(api, "besluittypen", bt, "2030-01-01")


def test_ztc010a_besluittype_related_to_concept_iot_is_changeable(api, make, catalogus):
    iot = make.informatieobjecttype(catalogus["url"])
    bt = make.besluittype(catalogus["url"], informatieobjecttypen=[iot["url"]])
    assert_status(api.patch(bt["url"], {"omschrijving": uniq("Anders ")}), 200)
    assert_status(api.delete(bt["url"]), 204)


def test_ztc010c_iot_related_to_published_besluittype(api, make, catalogus):
    iot = make.informatieobjecttype(catalogus["url"])
    bt = make.besluittype(catalogus["url"], informatieobjecttypen=[iot["url"]])
    make.publish(bt["url"])
    check_blocked(api, "informatieobjecttypen", api.get(iot["url"]).json(), "2030-01-01")


def test_ztc010c_iot_related_to_published_zaaktype(api, make, catalogus):
    # A concept iot may be linked to a published zaaktype; from then on it is tied to that zaaktype.
    zt = make.published_zaaktype(catalogus["url"])
    iot = make.informatieobjecttype(catalogus["url"])
    make.ziot(zt["url"], iot["url"])
    check_blocked(api, "informatieobjecttypen", api.get(iot["url"]).json(), "2030-01-01")
    # linked to a concept zaaktype only, an iot stays changeable
    iot2 = make.informatieobjecttype(catalogus["url"])
    make.ziot(make.zaaktype(catalogus["url"])["url"], iot2["url"])
    assert_status(api.patch(iot2["url"], {"omschrijving": uniq("Anders ")}), 200)


def test_ztc010h_zaaktype_related_to_published_besluittype(api, make, catalogus):
    bt = make.besluittype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[bt["url"]], beginGeldigheid="2024-01-10",
                       versiedatum="2024-01-10")
    make.publish(bt["url"])
    # eindeGeldigheid alone may be set, even before beginGeldigheid (as the suite does)
    check_blocked(api, "zaaktypen", zt, "2023-12-12")


def test_ztc010h_zaaktype_related_to_published_iot(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"], beginGeldigheid="2024-01-10", versiedatum="2024-01-10")
    iot = make.informatieobjecttype(catalogus["url"])
    make.ziot(zt["url"], iot["url"])
    make.publish(iot["url"])
    resp = api.put(zt["url"], put_body("zaaktypen", api.get(zt["url"]).json(), omschrijving="aangepast"))
    assert_status(resp, 200)
    assert resp.json()["omschrijving"] == "aangepast"
    assert_status(api.patch(zt["url"], {"omschrijving": "aangepast2"}), 200)
    resp = api.patch(zt["url"], {"eindeGeldigheid": "2023-12-12"})
    assert_status(resp, 200)
    assert resp.json()["eindeGeldigheid"] == "2023-12-12"
    assert_non_concept_relation(api.delete(zt["url"]))


def test_ztc010_forced_client_may_change_and_delete(api, forceer, make, catalogus):
    iot = make.publish(make.informatieobjecttype(catalogus["url"])["url"])
    bt = make.besluittype(catalogus["url"], informatieobjecttypen=[iot["url"]])
    assert_status(forceer.patch(bt["url"], {"omschrijving": uniq("Anders ")}), 200)
    assert_status(forceer.delete(bt["url"]), 204)


def test_deleting_a_listed_type_removes_the_relation(api, forceer, make, catalogus):
    # A besluittype in a zaaktype's list (a many-to-many relation): removing it takes it out of the list.
    bt = make.besluittype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[bt["url"]])
    assert_status(api.delete(bt["url"]), 204)
    got = api.get(zt["url"]).json()
    assert got["besluittypen"] == []
    # a published one, removed by a forced delete: the concept zaaktype is no longer tied to it
    bt2 = make.publish(make.besluittype(catalogus["url"])["url"])
    resp = api.patch(zt["url"], {"besluittypen": [bt2["url"]]})
    assert_status(resp, 200)
    assert_non_concept_relation(api.patch(zt["url"], {"omschrijving": uniq("Anders ")}))
    assert_status(forceer.delete(bt2["url"]), 204)
    assert api.get(zt["url"]).json()["besluittypen"] == []
    assert_status(api.patch(zt["url"], {"omschrijving": uniq("Anders ")}), 200)


def test_child_validity_still_checked(api, make, catalogus):
    # begin <= einde stays a rule for the zaaktype's parts (statustype, roltype, ...)
    zt = make.zaaktype(catalogus["url"])
    resp = api.post("/statustypen", {"omschrijving": "s", "volgnummer": 1, "zaaktype": zt["url"],
                                     "eindeGeldigheid": "2023-01-01"})
    assert_first(resp, "eindeGeldigheid", "date-mismatch")


def test_numeric_identificatie_is_taken_as_text(api, catalogus):
    # The suite's set-up sends "identificatie": 20 (a number), as the reference implementation accepts.
    body = zaaktype_payload(api, catalogus["url"], identificatie=random.randint(10**6, 10**9))
    resp = api.post("/zaaktypen", body)
    assert_status(resp, 201)
    assert resp.json()["identificatie"] == str(body["identificatie"])
    resp = api.post("/zaaktypen", zaaktype_payload(api, catalogus["url"], identificatie=1.5))
    assert_problem(resp, 400, field="identificatie")
