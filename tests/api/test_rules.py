"""Run-time rules of the Catalogi API (rules/zgw-1.5/catalogi.md): concept/publish (ztc-009, ztc-010,
ztc-011a, ztc-012), relations across catalogi (ztc-013), zaaktype versions and their validity
periods, the selectielijst rules ztc-001 .. ztc-008."""

import pytest

import zgw

from zgw import (CHILD_EDIT, CHILD_PAYLOADS, ERROR_CODES, PROCESTYPE_1, PROCESTYPE_2, PROCESTYPE_15,
                 RESULTAAT_BLANK, RESULTAAT_INGESCHAT, RESULTAAT_NIHIL, RESULTAAT_NIHIL_P5Y, RESULTAAT_PT2,
                 RESULTAATTYPEOMSCHRIJVING_AFGEWEZEN, assert_problem,
                 assert_status, besluittype_payload, describe, informatieobjecttype_payload, put_body,
                 resultaattype_payload, uniq, zaaktype_payload, ziot_payload)

CHILD_KINDS = ["statustypen", "roltypen", "resultaattypen", "eigenschappen", "zaakobjecttypen"]
CONCEPT_KINDS = ["zaaktypen", "informatieobjecttypen", "besluittypen"]


def make_concept(make, kind, catalogus):
    return {"zaaktypen": make.zaaktype, "informatieobjecttypen": make.informatieobjecttype,
            "besluittypen": make.besluittype}[kind](catalogus)


PATCH_CHANGE = {"zaaktypen": {"doel": "Ander doel"}, "informatieobjecttypen": {"omschrijving": "Anders"},
                "besluittypen": {"omschrijving": "Anders"}}


# ------------------------------------------------------------------------------------------------
# ztc-009: published objecttypes
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", CONCEPT_KINDS)
def test_ztc009_put_published_is_400(api, make, catalogus, kind):
    obj = make.publish(make_concept(make, kind, catalogus["url"])["url"])
    resp = api.put(obj["url"], put_body(kind, obj, **PATCH_CHANGE[kind]))
    assert_problem(resp, 400, code=ERROR_CODES["non_concept_object"])
    assert api.get(obj["url"]).json() == obj


@pytest.mark.parametrize("kind", CONCEPT_KINDS)
def test_ztc009_patch_published_is_400(api, make, catalogus, kind):
    obj = make.publish(make_concept(make, kind, catalogus["url"])["url"])
    resp = api.patch(obj["url"], PATCH_CHANGE[kind])
    assert_problem(resp, 400, code=ERROR_CODES["non_concept_object"])
    assert api.get(obj["url"]).json() == obj


@pytest.mark.parametrize("kind", CONCEPT_KINDS)
def test_ztc009_patch_published_with_einde_and_more_is_400(api, make, catalogus, kind):
    obj = make.publish(make_concept(make, kind, catalogus["url"])["url"])
    resp = api.patch(obj["url"], {"eindeGeldigheid": "2099-12-31", **PATCH_CHANGE[kind]})
    assert_problem(resp, 400, code=ERROR_CODES["non_concept_object"])


@pytest.mark.parametrize("kind", CONCEPT_KINDS)
def test_ztc009_patch_published_einde_geldigheid_only_is_allowed(api, make, catalogus, kind):
    obj = make.publish(make_concept(make, kind, catalogus["url"])["url"])
    resp = api.patch(obj["url"], {"eindeGeldigheid": "2099-12-31"})
    assert_status(resp, 200)
    after = api.get(obj["url"]).json()
    assert after["eindeGeldigheid"] == "2099-12-31"
    assert after["concept"] is False


@pytest.mark.parametrize("kind", CONCEPT_KINDS)
def test_ztc009_delete_published_is_400(api, make, catalogus, kind):
    obj = make.publish(make_concept(make, kind, catalogus["url"])["url"])
    resp = api.delete(obj["url"])
    assert_problem(resp, 400, field="nonFieldErrors", code=ERROR_CODES["non_concept_object"])
    assert_status(api.get(obj["url"]), 200)


# ------------------------------------------------------------------------------------------------
# ztc-010 / ztc-011a: objects under a published zaaktype
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def published_with_children(make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    children = {kind: make.child(kind, zt["url"]) for kind in CHILD_KINDS}
    zt = make.publish(zt["url"])
    return zt, children


@pytest.mark.parametrize("kind", CHILD_KINDS)
def test_ztc010_put_child_of_published_is_400(api, published_with_children, kind):
    zt, children = published_with_children
    obj = children[kind]
    field, value = CHILD_EDIT[kind]
    resp = api.put(obj["url"], put_body(kind, obj, **{field: value}))
    assert_problem(resp, 400, code=ERROR_CODES["non_concept_zaaktype"])
    assert api.get(obj["url"]).json()[field] == obj[field]


@pytest.mark.parametrize("kind", CHILD_KINDS)
def test_ztc010_patch_child_of_published_is_400(api, published_with_children, kind):
    zt, children = published_with_children
    obj = children[kind]
    field, value = CHILD_EDIT[kind]
    resp = api.patch(obj["url"], {field: value})
    assert_problem(resp, 400, code=ERROR_CODES["non_concept_zaaktype"])
    assert api.get(obj["url"]).json()[field] == obj[field]


@pytest.mark.parametrize("kind", CHILD_KINDS)
def test_ztc010_delete_child_of_published_is_400(api, published_with_children, kind):
    zt, children = published_with_children
    obj = children[kind]
    resp = api.delete(obj["url"])
    assert_problem(resp, 400, code=ERROR_CODES["non_concept_zaaktype"])
    assert_status(api.get(obj["url"]), 200)


@pytest.mark.parametrize("kind", CHILD_KINDS)
def test_ztc011a_create_child_of_published_is_400(api, make, catalogus, kind):
    zt = make.published_zaaktype(catalogus["url"])
    body = CHILD_PAYLOADS[kind](api, zt["url"])
    if kind == "statustypen":
        body["volgnummer"] = 2
    assert_problem(api.post(f"/{kind}", body), 400, code=ERROR_CODES["non_concept_zaaktype"])
    assert api.get(zt["url"]).json()[kind] == []


@pytest.mark.parametrize("kind", CHILD_KINDS)
def test_ztc011a_move_child_to_published_zaaktype_is_400(api, make, catalogus, kind):
    concept = make.zaaktype(catalogus["url"])
    published = make.published_zaaktype(catalogus["url"])
    obj = make.child(kind, concept["url"])
    resp = api.patch(obj["url"], {"zaaktype": published["url"]})
    assert_problem(resp, 400, code=ERROR_CODES["non_concept_zaaktype"])
    assert api.get(obj["url"]).json()["zaaktype"] == concept["url"]


# ------------------------------------------------------------------------------------------------
# ZIOT: the ztc-010 rule applies only when zaaktype AND informatieobjecttype are published
# ------------------------------------------------------------------------------------------------
def test_ziot_concept_zaaktype_published_iot_is_changeable(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    iot = make.publish(make.informatieobjecttype(catalogus["url"])["url"])
    z = make.ziot(zt["url"], iot["url"])
    assert_status(api.patch(z["url"], {"richting": "uitgaand"}), 200)
    assert_status(api.put(z["url"], put_body("zaaktype-informatieobjecttypen", z, volgnummer=2)), 200)
    assert_status(api.delete(z["url"]), 204)


@pytest.fixture
def published_ziot(make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    iot = make.publish(make.informatieobjecttype(catalogus["url"])["url"])
    z = make.ziot(zt["url"], iot["url"])
    zt = make.publish(zt["url"])
    return zt, iot, z


def test_ziot_both_published_patch_is_400(api, published_ziot):
    zt, iot, z = published_ziot
    assert_problem(api.patch(z["url"], {"richting": "uitgaand"}), 400)
    assert api.get(z["url"]).json()["richting"] == z["richting"]


def test_ziot_both_published_put_is_400(api, published_ziot):
    zt, iot, z = published_ziot
    assert_problem(api.put(z["url"], put_body("zaaktype-informatieobjecttypen", z, richting="intern")), 400)


def test_ziot_both_published_delete_is_400(api, published_ziot):
    zt, iot, z = published_ziot
    resp = api.delete(z["url"])
    assert resp.status_code == 400, describe(resp)
    codes = [p.get("code") for p in resp.json().get("invalidParams", [])]
    assert set(codes) & {ERROR_CODES["non_concept_relation"], ERROR_CODES["non_concept_zaaktype"]}, codes
    assert_status(api.get(z["url"]), 200)


def test_ziot_both_published_create_is_400(api, make, published_ziot, catalogus):
    zt, iot, z = published_ziot
    iot2 = make.publish(make.informatieobjecttype(catalogus["url"])["url"])
    resp = api.post("/zaaktype-informatieobjecttypen", ziot_payload(zt["url"], iot2["url"], volgnummer=2))
    assert_problem(resp, 400)


# ------------------------------------------------------------------------------------------------
# ztc-012: publish a zaaktype only when its besluittypen and informatieobjecttypen are published
# ------------------------------------------------------------------------------------------------
def test_ztc012_publish_with_concept_besluittype_is_400(api, make, catalogus):
    bt = make.besluittype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[bt["url"]])
    resp = api.publish(zt["url"])
    assert_problem(resp, 400, field="nonFieldErrors", code=ERROR_CODES["concept_relation"])
    assert api.get(zt["url"]).json()["concept"] is True
    make.publish(bt["url"])
    assert api.publish(zt["url"]).json()["concept"] is False


def test_ztc012_publish_with_concept_informatieobjecttype_is_400(api, make, catalogus):
    iot = make.informatieobjecttype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"])
    make.ziot(zt["url"], iot["url"])
    resp = api.publish(zt["url"])
    assert_problem(resp, 400, field="nonFieldErrors", code=ERROR_CODES["concept_relation"])
    assert api.get(zt["url"]).json()["concept"] is True
    make.publish(iot["url"])
    assert api.publish(zt["url"]).json()["concept"] is False


def test_ztc011a_relation_to_published_besluittype_allowed(api, make, catalogus):
    bt = make.publish(make.besluittype(catalogus["url"])["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[bt["url"]])
    assert zt["besluittypen"] == [bt["url"]]
    assert make.publish(zt["url"])["besluittypen"] == [bt["url"]]


def test_ztc011b_besluittype_relation_to_published_iot_allowed(api, make, catalogus):
    iot = make.publish(make.informatieobjecttype(catalogus["url"])["url"])
    bt = make.besluittype(catalogus["url"], informatieobjecttypen=[iot["url"]])
    assert bt["informatieobjecttypen"] == [iot["url"]]


# ------------------------------------------------------------------------------------------------
# ztc-013: no relations across catalogi
# ------------------------------------------------------------------------------------------------
def _assert_cross_catalogus(resp):
    assert resp.status_code == 400, describe(resp)
    params = resp.json().get("invalidParams", [])
    codes = [p.get("code") for p in params]
    assert ERROR_CODES["relations_incorrect_catalogus"] in codes, params


def test_ztc013_zaaktype_besluittype_other_catalogus(api, make):
    c1, c2 = make.catalogus(), make.catalogus()
    bt = make.besluittype(c2["url"])
    _assert_cross_catalogus(api.post("/zaaktypen", zaaktype_payload(api, c1["url"], besluittypen=[bt["url"]])))


def test_ztc013_zaaktype_patch_besluittype_other_catalogus(api, make):
    c1, c2 = make.catalogus(), make.catalogus()
    zt = make.zaaktype(c1["url"])
    bt = make.besluittype(c2["url"])
    _assert_cross_catalogus(api.patch(zt["url"], {"besluittypen": [bt["url"]]}))


def test_ztc013_deelzaaktype_other_catalogus(api, make):
    c1, c2 = make.catalogus(), make.catalogus()
    deel = make.zaaktype(c2["url"])
    _assert_cross_catalogus(api.post("/zaaktypen", zaaktype_payload(api, c1["url"], deelzaaktypen=[deel["url"]])))


def test_ztc013_ziot_other_catalogus(api, make):
    c1, c2 = make.catalogus(), make.catalogus()
    zt = make.zaaktype(c1["url"])
    iot = make.informatieobjecttype(c2["url"])
    _assert_cross_catalogus(api.post("/zaaktype-informatieobjecttypen", ziot_payload(zt["url"], iot["url"])))


def test_ztc013_besluittype_iot_other_catalogus(api, make):
    c1, c2 = make.catalogus(), make.catalogus()
    iot = make.informatieobjecttype(c2["url"])
    _assert_cross_catalogus(api.post("/besluittypen",
                                     besluittype_payload(c1["url"], informatieobjecttypen=[iot["url"]])))


def test_ztc013_resultaattype_besluittype_other_catalogus(api, make):
    c1, c2 = make.catalogus(), make.catalogus()
    zt = make.zaaktype(c1["url"])
    bt = make.besluittype(c2["url"])
    resp = api.post("/resultaattypen", resultaattype_payload(api, zt["url"], besluittypen=[bt["url"]]))
    assert_problem(resp, 400)


def test_ztc013_statustype_of_other_zaaktype_in_eigenschap(api, make, catalogus):
    z1 = make.zaaktype(catalogus["url"])
    other_cat = make.catalogus()
    z2 = make.zaaktype(other_cat["url"])
    st_other = make.statustype(z2["url"])
    resp = api.post("/eigenschappen", CHILD_PAYLOADS["eigenschappen"](api, z1["url"], statustype=st_other["url"]))
    assert_problem(resp, 400)


# ------------------------------------------------------------------------------------------------
# zaaktype versions (same identificatie in one catalogus): validity periods must not overlap
# ------------------------------------------------------------------------------------------------
def _create_or_publish_fails(api, make, catalogus, ident, **dates):
    """An overlapping version must be refused.  The OAS (zaaktype_create) says the create validates
    "Uniciteit `catalogus` en `identificatie` ... andere geldigheidsperiode", so the create fails."""
    resp = api.post("/zaaktypen", zaaktype_payload(api, catalogus, identificatie=ident, **dates))
    if resp.status_code == 201:
        pub = api.publish(resp.json()["url"])
        pytest.fail("overlapping zaaktype version was created (201); publish then gave "
                    f"{pub.status_code}: {pub.text[:300]}")
    body = assert_problem(resp, 400)
    names = [p["name"] for p in body["invalidParams"]]
    assert set(names) & {"beginGeldigheid", "eindeGeldigheid", "nonFieldErrors"}, names
    return body


def test_versions_without_overlap(api, make, catalogus):
    ident = uniq("VER-")
    v1 = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                       eindeGeldigheid="2020-12-31", versiedatum="2020-01-01")
    make.publish(v1["url"])
    v2 = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2021-01-01",
                       versiedatum="2021-01-01")
    make.publish(v2["url"])
    got = {z["url"] for z in api.list_all("/zaaktypen", {"identificatie": ident})}
    assert got == {v1["url"], v2["url"]}


def test_versions_overlap_is_400(api, make, catalogus):
    ident = uniq("OVL-")
    v1 = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                       eindeGeldigheid="2020-12-31", versiedatum="2020-01-01")
    make.publish(v1["url"])
    body = _create_or_publish_fails(api, make, catalogus["url"], ident, beginGeldigheid="2020-06-01",
                                    versiedatum="2020-06-01")
    codes = [p.get("code") for p in body["invalidParams"]]
    assert ERROR_CODES["overlap"] in codes, body


def test_versions_overlap_open_ended_is_400(api, make, catalogus):
    ident = uniq("OVO-")
    v1 = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                       versiedatum="2020-01-01")
    make.publish(v1["url"])
    _create_or_publish_fails(api, make, catalogus["url"], ident, beginGeldigheid="2019-01-01",
                             versiedatum="2019-01-01")


def test_versions_same_begin_day_as_end_is_overlap(api, make, catalogus):
    # eindeGeldigheid is inclusive ("tot en met")
    ident = uniq("OVD-")
    v1 = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                       eindeGeldigheid="2020-12-31", versiedatum="2020-01-01")
    make.publish(v1["url"])
    _create_or_publish_fails(api, make, catalogus["url"], ident, beginGeldigheid="2020-12-31",
                             versiedatum="2020-12-31")


def test_versions_overlap_with_concept_version_is_400(api, make, catalogus):
    ident = uniq("OVK-")
    make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01", versiedatum="2020-01-01")
    _create_or_publish_fails(api, make, catalogus["url"], ident, beginGeldigheid="2020-03-01",
                             versiedatum="2020-03-01")


def test_versions_overlap_on_update_is_400(api, make, catalogus):
    ident = uniq("OVU-")
    make.published_zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                            eindeGeldigheid="2020-12-31", versiedatum="2020-01-01")
    v2 = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2021-01-01",
                       versiedatum="2021-01-01")
    resp = api.patch(v2["url"], {"beginGeldigheid": "2020-06-01"})
    assert_problem(resp, 400)


@pytest.mark.parametrize("kind", ["informatieobjecttypen", "besluittypen"])
def test_iot_besluittype_versions_overlap(api, make, catalogus, kind):
    """Versions of informatieobjecttypen/besluittypen are identified by `omschrijving`; versions with
    overlapping validity cannot both be published (OAS, `status` filter description)."""
    create = make.informatieobjecttype if kind == "informatieobjecttypen" else make.besluittype
    oms = uniq("Versie ")
    v1 = create(catalogus["url"], omschrijving=oms, beginGeldigheid="2020-01-01")
    make.publish(v1["url"])
    payload = (informatieobjecttype_payload if kind == "informatieobjecttypen" else besluittype_payload)(
        catalogus["url"], omschrijving=oms, beginGeldigheid="2021-01-01")
    resp = api.post(f"/{kind}", payload)
    if resp.status_code != 400:
        assert_status(resp, 201)
        assert_problem(api.publish(resp.json()["url"]), 400)
        assert_status(api.delete(resp.json()["url"]), 204)
    # after ending v1 the day before, the new version can be published
    assert_status(api.patch(v1["url"], {"eindeGeldigheid": "2020-12-31"}), 200)
    v2 = create(catalogus["url"], omschrijving=oms, beginGeldigheid="2021-01-01")
    make.publish(v2["url"])


def test_versions_in_other_catalogus_do_not_overlap(api, make):
    ident = uniq("OVC-")
    c1, c2 = make.catalogus(), make.catalogus()
    make.published_zaaktype(c1["url"], identificatie=ident)
    make.published_zaaktype(c2["url"], identificatie=ident)


def test_versions_closing_previous_version(api, make, catalogus):
    """The usual flow: new concept version, end the published one the day before, publish."""
    ident = uniq("NEW-")
    v1 = make.published_zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                                 versiedatum="2020-01-01")
    # v1 is open-ended: a version from 2022 overlaps until v1 is ended
    _create_or_publish_fails(api, make, catalogus["url"], ident, beginGeldigheid="2022-01-01",
                             versiedatum="2022-01-01")
    assert_status(api.patch(v1["url"], {"eindeGeldigheid": "2021-12-31"}), 200)
    v2 = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2022-01-01",
                       versiedatum="2022-01-01")
    make.publish(v2["url"])
    q = {"identificatie": ident}
    assert {z["url"] for z in api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2021-06-01"})} == {v1["url"]}
    assert {z["url"] for z in api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2021-12-31"})} == {v1["url"]}
    assert {z["url"] for z in api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2022-01-01"})} == {v2["url"]}
    assert {z["url"] for z in api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2019-01-01"})} == set()


# ------------------------------------------------------------------------------------------------
# ztc-001: selectielijstProcestype
# ------------------------------------------------------------------------------------------------
def test_ztc001_procestype_url_valid(api, catalogus):
    resp = api.post("/zaaktypen", zaaktype_payload(api, catalogus["url"],
                                                   selectielijstProcestype=api.procestype(PROCESTYPE_2)))
    assert_status(resp, 201)


@pytest.mark.parametrize("which", ["resultaat", "unknown-procestype", "catalogus", "foreign-host"])
def test_ztc001_procestype_url_invalid(api, catalogus, which):
    url = {
        "resultaat": api.resultaat(RESULTAAT_NIHIL),
        "unknown-procestype": api.procestype("00000000-0000-4000-8000-0000000000dd"),
        "catalogus": catalogus["url"],
        "foreign-host": "http://nergens.invalid/api/v1/procestypen/" + PROCESTYPE_1,
    }[which]
    resp = api.post("/zaaktypen", zaaktype_payload(api, catalogus["url"], selectielijstProcestype=url))
    assert_problem(resp, 400, field="selectielijstProcestype")


def test_ztc001_procestype_optional(api, catalogus):
    body = zaaktype_payload(api, catalogus["url"])
    body.pop("selectielijstProcestype")
    assert_status(api.post("/zaaktypen", body), 201)


# ------------------------------------------------------------------------------------------------
# ztc-002: resultaattype
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def zt_pt1(make, catalogus):
    return make.zaaktype(catalogus["url"], selectielijstProcestype=make.api.procestype(PROCESTYPE_1))


def test_ztc002_omschrijving_generiek_derived(api, make, zt_pt1):
    rt = make.resultaattype(zt_pt1["url"])
    assert rt["omschrijvingGeneriek"] == "Toegekend"
    rt2 = make.resultaattype(zt_pt1["url"], resultaattypeomschrijving=api.resultaattypeomschrijving(
        RESULTAATTYPEOMSCHRIJVING_AFGEWEZEN))
    assert rt2["omschrijvingGeneriek"] == "Afgewezen"


def test_ztc002_resultaattypeomschrijving_must_be_resultaattypeomschrijving(api, zt_pt1):
    body = resultaattype_payload(api, zt_pt1["url"], resultaattypeomschrijving=api.procestype(PROCESTYPE_1))
    assert_problem(api.post("/resultaattypen", body), 400, field="resultaattypeomschrijving")
    body = resultaattype_payload(api, zt_pt1["url"], resultaattypeomschrijving=api.resultaattypeomschrijving(
        "00000000-0000-4000-8000-0000000000ee"))
    assert_problem(api.post("/resultaattypen", body), 400, field="resultaattypeomschrijving")


def test_ztc002_selectielijstklasse_must_be_resultaat(api, zt_pt1):
    body = resultaattype_payload(api, zt_pt1["url"], selectielijstklasse=api.procestype(PROCESTYPE_1))
    assert_problem(api.post("/resultaattypen", body), 400, field="selectielijstklasse")
    body = resultaattype_payload(api, zt_pt1["url"],
                                 selectielijstklasse=api.resultaat("00000000-0000-4000-8000-0000000000ef"))
    assert_problem(api.post("/resultaattypen", body), 400, field="selectielijstklasse")


def test_ztc002_selectielijstklasse_of_other_procestype(api, zt_pt1):
    body = resultaattype_payload(api, zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_PT2),
                                 brondatumArchiefprocedure={"afleidingswijze": "ander_datumkenmerk",
                                                            "datumkenmerk": "d", "objecttype": "pand",
                                                            "registratie": "BAG"})
    assert_problem(api.post("/resultaattypen", body), 400, code=ERROR_CODES["procestype_mismatch"])


def test_ztc002_archiefnominatie_and_termijn_derived(api, make, zt_pt1):
    rt = make.resultaattype(zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_NIHIL))
    assert rt["archiefnominatie"] == "vernietigen"
    assert rt["archiefactietermijn"] == "P10Y"
    rt = make.resultaattype(zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_NIHIL_P5Y))
    assert rt["archiefactietermijn"] == "P5Y"


def test_ztc002_archiefnominatie_derived_blijvend_bewaren(api, make, zt_pt1):
    rt = make.resultaattype(zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_BLANK),
                            brondatumArchiefprocedure={"afleidingswijze": "afgehandeld"})
    assert rt["archiefnominatie"] == "blijvend_bewaren"


def test_ztc002_explicit_values_are_kept(api, make, zt_pt1):
    rt = make.resultaattype(zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_NIHIL),
                            archiefnominatie="blijvend_bewaren", archiefactietermijn="P20Y")
    assert rt["archiefnominatie"] == "blijvend_bewaren"
    assert rt["archiefactietermijn"] == "P20Y"
    assert api.get(rt["url"]).json()["archiefactietermijn"] == "P20Y"


# ------------------------------------------------------------------------------------------------
# ztc-003 .. ztc-008: brondatumArchiefprocedure
# ------------------------------------------------------------------------------------------------
def _rt(api, zaaktype, klasse, **bap):
    return api.post("/resultaattypen", resultaattype_payload(
        api, zaaktype, selectielijstklasse=api.resultaat(klasse), brondatumArchiefprocedure=bap))


@pytest.fixture
def zt_pt15(make, catalogus):
    return make.zaaktype(catalogus["url"], selectielijstProcestype=make.api.procestype(PROCESTYPE_15))


def test_ztc003_nihil_requires_afgehandeld(api, zt_pt1):
    resp = _rt(api, zt_pt1["url"], RESULTAAT_NIHIL, afleidingswijze="termijn", procestermijn="P5Y")
    assert_problem(resp, 400, code=ERROR_CODES["invalid_afleidingswijze"])
    resp = _rt(api, zt_pt1["url"], RESULTAAT_NIHIL, afleidingswijze="eigenschap", datumkenmerk="datum")
    assert_problem(resp, 400, code=ERROR_CODES["invalid_afleidingswijze"])
    assert_status(_rt(api, zt_pt1["url"], RESULTAAT_NIHIL, afleidingswijze="afgehandeld"), 201)


def test_ztc003_ingeschatte_bestaansduur_requires_termijn(api, zt_pt15):
    resp = _rt(api, zt_pt15["url"], RESULTAAT_INGESCHAT, afleidingswijze="afgehandeld")
    assert_problem(resp, 400, code=ERROR_CODES["invalid_afleidingswijze"])
    resp = _rt(api, zt_pt15["url"], RESULTAAT_INGESCHAT, afleidingswijze="eigenschap", datumkenmerk="d")
    assert_problem(resp, 400, code=ERROR_CODES["invalid_afleidingswijze"])
    assert_status(_rt(api, zt_pt15["url"], RESULTAAT_INGESCHAT, afleidingswijze="termijn", procestermijn="P5Y"),
                  201)


@pytest.mark.parametrize("bap", [
    {"afleidingswijze": "afgehandeld"},
    {"afleidingswijze": "eigenschap", "datumkenmerk": "vervaldatum"},
    {"afleidingswijze": "hoofdzaak"},
    {"afleidingswijze": "ingangsdatum_besluit"},
    {"afleidingswijze": "vervaldatum_besluit"},
    {"afleidingswijze": "zaakobject", "datumkenmerk": "einddatum", "objecttype": "pand"},
    {"afleidingswijze": "ander_datumkenmerk", "datumkenmerk": "d", "objecttype": "pand", "registratie": "BAG"},
], ids=lambda b: b["afleidingswijze"])
def test_ztc003_empty_procestermijn_allows_every_afleidingswijze(api, zt_pt1, bap):
    resp = _rt(api, zt_pt1["url"], RESULTAAT_BLANK, **bap)
    assert_status(resp, 201)
    got = resp.json()["brondatumArchiefprocedure"]
    for k, v in bap.items():
        assert got[k] == v, (k, got)


BAP_INVALID = [
    # ztc-004 datumkenmerk
    ("ztc004-eigenschap-needs-datumkenmerk", {"afleidingswijze": "eigenschap"}, "datumkenmerk",
     "required_for_afleidingswijze"),
    ("ztc004-zaakobject-needs-datumkenmerk", {"afleidingswijze": "zaakobject", "objecttype": "pand"},
     "datumkenmerk", "required_for_afleidingswijze"),
    ("ztc004-ander-needs-datumkenmerk", {"afleidingswijze": "ander_datumkenmerk", "objecttype": "pand",
                                         "registratie": "BAG"}, "datumkenmerk", "required_for_afleidingswijze"),
    ("ztc004-hoofdzaak-no-datumkenmerk", {"afleidingswijze": "hoofdzaak", "datumkenmerk": "d"}, "datumkenmerk",
     "must_be_empty"),
    ("ztc004-afgehandeld-no-datumkenmerk", {"afleidingswijze": "afgehandeld", "datumkenmerk": "d"},
     "datumkenmerk", "must_be_empty"),
    # ztc-005 einddatumBekend
    ("ztc005-afgehandeld-no-einddatumBekend", {"afleidingswijze": "afgehandeld", "einddatumBekend": True},
     "einddatumBekend", "must_be_empty"),
    # ztc-006 objecttype
    ("ztc006-zaakobject-needs-objecttype", {"afleidingswijze": "zaakobject", "datumkenmerk": "d"}, "objecttype",
     "required_for_afleidingswijze"),
    ("ztc006-ander-needs-objecttype", {"afleidingswijze": "ander_datumkenmerk", "datumkenmerk": "d",
                                       "registratie": "BAG"}, "objecttype", "required_for_afleidingswijze"),
    ("ztc006-eigenschap-no-objecttype", {"afleidingswijze": "eigenschap", "datumkenmerk": "d",
                                         "objecttype": "pand"}, "objecttype", "must_be_empty"),
    # ztc-007 registratie
    ("ztc007-ander-needs-registratie", {"afleidingswijze": "ander_datumkenmerk", "datumkenmerk": "d",
                                        "objecttype": "pand"}, "registratie", "required_for_afleidingswijze"),
    ("ztc007-eigenschap-no-registratie", {"afleidingswijze": "eigenschap", "datumkenmerk": "d",
                                          "registratie": "BAG"}, "registratie", "must_be_empty"),
    ("ztc007-zaakobject-no-registratie", {"afleidingswijze": "zaakobject", "datumkenmerk": "d",
                                          "objecttype": "pand", "registratie": "BAG"}, "registratie",
     "must_be_empty"),
    # ztc-008 procestermijn
    ("ztc008-afgehandeld-no-procestermijn", {"afleidingswijze": "afgehandeld", "procestermijn": "P5Y"},
     "procestermijn", "must_be_empty"),
    ("ztc008-eigenschap-no-procestermijn", {"afleidingswijze": "eigenschap", "datumkenmerk": "d",
                                            "procestermijn": "P5Y"}, "procestermijn", "must_be_empty"),
]


@pytest.mark.parametrize("name,bap,field,code", BAP_INVALID, ids=[c[0] for c in BAP_INVALID])
def test_ztc004_008_brondatum_archiefprocedure(api, zt_pt1, name, bap, field, code):
    # a selectielijstklasse with an empty procestermijn, so that ztc-003 does not interfere
    resp = _rt(api, zt_pt1["url"], RESULTAAT_BLANK, **bap)
    assert_problem(resp, 400, field=f"brondatumArchiefprocedure.{field}", code=ERROR_CODES[code])


def test_ztc008_termijn_needs_procestermijn(api, zt_pt15):
    resp = _rt(api, zt_pt15["url"], RESULTAAT_INGESCHAT, afleidingswijze="termijn")
    assert_problem(resp, 400, field="brondatumArchiefprocedure.procestermijn",
                   code=ERROR_CODES["required_for_afleidingswijze"])


def test_ztc005_termijn_no_einddatum_bekend(api, zt_pt15):
    resp = _rt(api, zt_pt15["url"], RESULTAAT_INGESCHAT, afleidingswijze="termijn", procestermijn="P5Y",
               einddatumBekend=True)
    assert_problem(resp, 400, field="brondatumArchiefprocedure.einddatumBekend",
                   code=ERROR_CODES["must_be_empty"])


def test_ztc006_objecttype_enum(api, zt_pt1):
    resp = _rt(api, zt_pt1["url"], RESULTAAT_BLANK, afleidingswijze="zaakobject", datumkenmerk="d",
               objecttype="kasteel")
    assert_problem(resp, 400, field="brondatumArchiefprocedure.objecttype", code=ERROR_CODES["invalid_choice"])


def test_brondatum_rules_on_patch(api, make, zt_pt1):
    rt = make.resultaattype(zt_pt1["url"], selectielijstklasse=api.resultaat(RESULTAAT_BLANK),
                            brondatumArchiefprocedure={"afleidingswijze": "eigenschap", "datumkenmerk": "d"})
    resp = api.patch(rt["url"], {"brondatumArchiefprocedure": {"afleidingswijze": "eigenschap"}})
    assert_problem(resp, 400, field="brondatumArchiefprocedure.datumkenmerk")


def test_concurrent_overlapping_versions_only_one_wins(api, make, catalogus):
    """Eight clients create the same version at once: the overlap check holds under concurrency."""
    from concurrent.futures import ThreadPoolExecutor

    ident = zgw.uniq("ZT-RACE")
    body = zgw.zaaktype_payload(api, catalogus["url"], identificatie=ident, beginGeldigheid="2030-01-01")

    def create(_):
        own = zgw.Api(api.base_url, api.client_id, api.secret)  # a session per thread
        return own.post("/zaaktypen", body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(create, range(8)))
    assert statuses == [201] + [400] * 7, statuses
