"""Zaaktypen: list + every filter of the OAS, retrieve, create, update, partial update, delete,
publish, validation (required, types, enums, lengths, URLs, dates, durations, wrong kind of URL)."""

import pytest

from zgw import (ERROR_CODES, PROCESTYPE_1, RESULTAAT_NIHIL, assert_problem, assert_status,
                 put_body, uniq, zaaktype_payload)


def ids(results):
    return {r["url"] for r in results}


# ------------------------------------------------------------------------------------------------
# create / retrieve
# ------------------------------------------------------------------------------------------------
def test_create(api, catalogus):
    body = zaaktype_payload(api, catalogus["url"], trefwoorden=["a", "b"], verantwoordingsrelatie=["x"],
                            toelichting="t", servicenorm="P10D", omschrijvingGeneriek="gen",
                            productenOfDiensten=["https://pdc.example.com/product/1"],
                            publicatietekst="pt")
    resp = api.post("/zaaktypen", body)
    assert_status(resp, 201)
    data = resp.json()
    assert data["url"].startswith(api.cat("/zaaktypen/"))
    assert data["concept"] is True
    for key in ("identificatie", "omschrijving", "vertrouwelijkheidaanduiding", "doel", "aanleiding",
                "indicatieInternOfExtern", "handelingInitiator", "onderwerp", "handelingBehandelaar",
                "doorlooptijd", "servicenorm", "opschortingEnAanhoudingMogelijk", "verlengingMogelijk",
                "publicatieIndicatie", "trefwoorden", "verantwoordingsrelatie", "productenOfDiensten",
                "selectielijstProcestype", "catalogus", "beginGeldigheid", "versiedatum", "toelichting",
                "omschrijvingGeneriek", "publicatietekst"):
        assert data[key] == body[key], (key, data[key], body[key])
    assert data["referentieproces"]["naam"] == body["referentieproces"]["naam"]
    for key in ("statustypen", "resultaattypen", "eigenschappen", "informatieobjecttypen", "roltypen",
                "besluittypen", "zaakobjecttypen", "gerelateerdeZaaktypen", "deelzaaktypen"):
        assert data.get(key, []) == [], key
    assert data.get("eindeGeldigheid") is None


def test_retrieve(api, zaaktype):
    resp = api.get(zaaktype["url"])
    assert_status(resp, 200)
    assert resp.json() == zaaktype


def test_retrieve_unknown_is_404(api):
    assert_problem(api.get("/zaaktypen/00000000-0000-4000-8000-000000000000"), 404)


def test_retrieve_invalid_uuid_is_404(api):
    resp = api.get("/zaaktypen/niet-een-uuid", check=False)
    assert resp.status_code == 404, resp.text


def test_identificatie_is_optional(api, catalogus):
    body = zaaktype_payload(api, catalogus["url"])
    body.pop("identificatie")
    resp = api.post("/zaaktypen", body)
    # identificatie is optional in ZaakTypeRequest
    assert_status(resp, 201)


# ------------------------------------------------------------------------------------------------
# list + filters
# ------------------------------------------------------------------------------------------------
def test_list_default_shows_only_published(api, make, catalogus):
    concept = make.zaaktype(catalogus["url"])
    published = make.published_zaaktype(catalogus["url"])
    got = ids(api.list_all("/zaaktypen", {"catalogus": catalogus["url"]}))
    assert published["url"] in got
    assert concept["url"] not in got


@pytest.mark.parametrize("status,expect_concept,expect_published", [
    ("alles", True, True), ("concept", True, False), ("definitief", False, True)])
def test_filter_status(api, make, catalogus, status, expect_concept, expect_published):
    concept = make.zaaktype(catalogus["url"])
    published = make.published_zaaktype(catalogus["url"])
    got = ids(api.list_all("/zaaktypen", {"catalogus": catalogus["url"], "status": status}))
    assert (concept["url"] in got) is expect_concept
    assert (published["url"] in got) is expect_published


def test_filter_status_invalid_value(api):
    assert_problem(api.get("/zaaktypen", params={"status": "bestaatniet"}), 400, field="status")


def test_filter_catalogus(api, make):
    c1, c2 = make.catalogus(), make.catalogus()
    z1 = make.zaaktype(c1["url"])
    z2 = make.zaaktype(c2["url"])
    got = api.list_all("/zaaktypen", {"catalogus": c1["url"], "status": "alles"})
    assert ids(got) == {z1["url"]}
    assert z2["url"] not in ids(got)


def test_filter_catalogus_invalid_url(api):
    resp = api.get("/zaaktypen", params={"catalogus": "geen-url"})
    # an invalid URL either matches nothing or is a 400 for the parameter
    if resp.status_code == 200:
        assert resp.json()["count"] == 0
    else:
        assert_problem(resp, 400, field="catalogus")


def test_filter_identificatie(api, make, catalogus):
    z1 = make.zaaktype(catalogus["url"], identificatie=uniq("IDA-"))
    z2 = make.zaaktype(catalogus["url"], identificatie=uniq("IDB-"))
    got = api.list_all("/zaaktypen", {"identificatie": z1["identificatie"], "status": "alles"})
    assert ids(got) == {z1["url"]}
    assert z2["url"] not in ids(got)


def test_filter_identificatie_icontains(api, make, catalogus):
    stem = uniq("Stam")
    z1 = make.zaaktype(catalogus["url"], identificatie=f"X-{stem}-1")
    z2 = make.zaaktype(catalogus["url"], identificatie=f"Y-{stem.upper()}-2")
    z3 = make.zaaktype(catalogus["url"], identificatie=uniq("ANDERS-"))
    got = ids(api.list_all("/zaaktypen", {"identificatie__icontains": stem.lower(), "status": "alles"}))
    assert {z1["url"], z2["url"]} <= got
    assert z3["url"] not in got


def test_filter_omschrijving_icontains(api, make, catalogus):
    stem = uniq("Vergunning")
    z1 = make.zaaktype(catalogus["url"], omschrijving=f"Aanvraag {stem}")
    z2 = make.zaaktype(catalogus["url"], omschrijving=uniq("Melding "))
    got = ids(api.list_all("/zaaktypen", {"omschrijving__icontains": stem.upper(), "status": "alles"}))
    assert z1["url"] in got
    assert z2["url"] not in got


def test_filter_trefwoorden(api, make, catalogus):
    t1, t2, t3 = uniq("tw"), uniq("tw"), uniq("tw")
    z1 = make.zaaktype(catalogus["url"], trefwoorden=[t1, t2])
    z2 = make.zaaktype(catalogus["url"], trefwoorden=[t3])
    z3 = make.zaaktype(catalogus["url"], trefwoorden=[])
    got = ids(api.list_all("/zaaktypen", {"trefwoorden": t1, "status": "alles"}))
    assert got == {z1["url"]}
    got = ids(api.list_all("/zaaktypen", {"trefwoorden": f"{t1},{t2}", "status": "alles"}))
    assert z1["url"] in got and z2["url"] not in got and z3["url"] not in got


def test_filter_datum_geldigheid(api, make, catalogus):
    z_old = make.zaaktype(catalogus["url"], beginGeldigheid="2020-01-01", eindeGeldigheid="2020-12-31",
                          versiedatum="2020-01-01")
    z_new = make.zaaktype(catalogus["url"], beginGeldigheid="2021-01-01", versiedatum="2021-01-01")
    q = {"catalogus": catalogus["url"], "status": "alles"}
    assert ids(api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2020-06-01"})) == {z_old["url"]}
    assert ids(api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2020-12-31"})) == {z_old["url"]}
    assert ids(api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2021-01-01"})) == {z_new["url"]}
    assert ids(api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2030-01-01"})) == {z_new["url"]}
    assert ids(api.list_all("/zaaktypen", {**q, "datumGeldigheid": "2019-12-31"})) == set()


def test_filter_datum_geldigheid_invalid(api):
    assert_problem(api.get("/zaaktypen", params={"datumGeldigheid": "morgen"}), 400, field="datumGeldigheid")


# ------------------------------------------------------------------------------------------------
# update / partial update / delete (concept)
# ------------------------------------------------------------------------------------------------
def test_put_concept(api, zaaktype):
    body = put_body("zaaktypen", zaaktype, omschrijving="Nieuwe omschrijving", doel="Nieuw doel")
    resp = api.put(zaaktype["url"], body)
    assert_status(resp, 200)
    assert resp.json()["omschrijving"] == "Nieuwe omschrijving"
    again = api.get(zaaktype["url"]).json()
    assert again["omschrijving"] == "Nieuwe omschrijving"
    assert again["doel"] == "Nieuw doel"
    assert again["concept"] is True


def test_put_missing_required_is_400(api, zaaktype):
    body = put_body("zaaktypen", zaaktype)
    body.pop("doel")
    assert_problem(api.put(zaaktype["url"], body), 400, field="doel", code=ERROR_CODES["required"])


def test_patch_concept(api, zaaktype):
    resp = api.patch(zaaktype["url"], {"toelichting": "Aangepast", "trefwoorden": ["x"]})
    assert_status(resp, 200)
    data = api.get(zaaktype["url"]).json()
    assert data["toelichting"] == "Aangepast"
    assert data["trefwoorden"] == ["x"]
    assert data["omschrijving"] == zaaktype["omschrijving"]


def test_patch_invalid_is_400(api, zaaktype):
    assert_problem(api.patch(zaaktype["url"], {"vertrouwelijkheidaanduiding": "supergeheim"}), 400,
                   field="vertrouwelijkheidaanduiding", code=ERROR_CODES["invalid_choice"])


def test_put_unknown_is_404(api, catalogus):
    resp = api.put("/zaaktypen/00000000-0000-4000-8000-000000000001", zaaktype_payload(api, catalogus["url"]))
    assert_problem(resp, 404)


def test_patch_unknown_is_404(api):
    assert_problem(api.patch("/zaaktypen/00000000-0000-4000-8000-000000000001", {"doel": "x"}), 404)


def test_delete_concept(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    resp = api.delete(zt["url"])
    assert_status(resp, 204)
    assert resp.content == b""
    assert_problem(api.get(zt["url"]), 404)
    assert zt["url"] not in api.get(catalogus["url"]).json()["zaaktypen"]


def test_delete_unknown_is_404(api):
    assert_problem(api.delete("/zaaktypen/00000000-0000-4000-8000-000000000002"), 404)


def test_delete_concept_removes_children(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    st = make.statustype(zt["url"])
    assert_status(api.delete(zt["url"]), 204)
    assert_problem(api.get(st["url"]), 404)


# ------------------------------------------------------------------------------------------------
# publish
# ------------------------------------------------------------------------------------------------
def test_publish(api, zaaktype):
    resp = api.publish(zaaktype["url"])
    assert_status(resp, 200)
    data = resp.json()
    assert data["concept"] is False
    assert data["url"] == zaaktype["url"]
    assert api.get(zaaktype["url"]).json()["concept"] is False


def test_publish_unknown_is_404(api):
    resp = api.publish(api.cat("/zaaktypen/00000000-0000-4000-8000-000000000003"))
    assert_problem(resp, 404)


# ------------------------------------------------------------------------------------------------
# validation on create
# ------------------------------------------------------------------------------------------------
def _invalid_cases():
    def without(key):
        def f(api, cat):
            body = zaaktype_payload(api, cat)
            body.pop(key)
            return body
        return f

    def with_(**kw):
        return lambda api, cat: zaaktype_payload(api, cat, **kw)

    cases = []
    for key in ("omschrijving", "vertrouwelijkheidaanduiding", "doel", "aanleiding", "indicatieInternOfExtern",
                "handelingInitiator", "onderwerp", "handelingBehandelaar", "doorlooptijd",
                "opschortingEnAanhoudingMogelijk", "verlengingMogelijk", "publicatieIndicatie",
                "productenOfDiensten", "referentieproces", "verantwoordelijke", "catalogus",
                "beginGeldigheid", "versiedatum", "besluittypen", "gerelateerdeZaaktypen"):
        cases.append((f"missing-{key}", without(key), key, ERROR_CODES["required"]))
    cases += [
        ("omschrijving-empty", with_(omschrijving=""), "omschrijving", None),
        ("omschrijving-too-long", with_(omschrijving="x" * 81), "omschrijving", ERROR_CODES["max_length"]),
        ("identificatie-too-long", with_(identificatie="x" * 51), "identificatie", ERROR_CODES["max_length"]),
        ("handelingInitiator-too-long", with_(handelingInitiator="x" * 21), "handelingInitiator",
         ERROR_CODES["max_length"]),
        ("verantwoordelijke-too-long", with_(verantwoordelijke="x" * 51), "verantwoordelijke",
         ERROR_CODES["max_length"]),
        ("referentieproces.naam-too-long", with_(referentieproces={"naam": "x" * 81}), "referentieproces.naam",
         ERROR_CODES["max_length"]),
        ("referentieproces.naam-missing", with_(referentieproces={"link": "http://example.com/x"}),
         "referentieproces.naam", ERROR_CODES["required"]),
        ("referentieproces.link-bad-url", with_(referentieproces={"naam": "x", "link": "geen url"}),
         "referentieproces.link", None),
        ("trefwoord-too-long", with_(trefwoorden=["ok", "x" * 31]), "trefwoorden.1", ERROR_CODES["max_length"]),
        ("verantwoordingsrelatie-too-long", with_(verantwoordingsrelatie=["x" * 41]), "verantwoordingsrelatie.0",
         ERROR_CODES["max_length"]),
        ("vertrouwelijkheid-enum", with_(vertrouwelijkheidaanduiding="supergeheim"), "vertrouwelijkheidaanduiding",
         ERROR_CODES["invalid_choice"]),
        ("indicatie-enum", with_(indicatieInternOfExtern="inkomend"), "indicatieInternOfExtern",
         ERROR_CODES["invalid_choice"]),
        ("trefwoorden-not-list", with_(trefwoorden="abc"), "trefwoorden", None),
        ("boolean-wrong-type", with_(publicatieIndicatie=[True]), "publicatieIndicatie", None),
        ("boolean-null", with_(verlengingMogelijk=None), "verlengingMogelijk", None),
        ("omschrijving-wrong-type", with_(omschrijving={"a": 1}), "omschrijving", None),
        ("referentieproces-wrong-type", with_(referentieproces="proces"), "referentieproces", None),
        ("doorlooptijd-bad-duration", with_(doorlooptijd="30 dagen"), "doorlooptijd", None),
        ("servicenorm-bad-duration", with_(servicenorm="P"), "servicenorm", None),
        ("verlengingstermijn-bad-duration", with_(verlengingMogelijk=True, verlengingstermijn="xP1D"),
         "verlengingstermijn", None),
        ("beginGeldigheid-bad-date", with_(beginGeldigheid="2024-13-01"), "beginGeldigheid", None),
        ("versiedatum-bad-date", with_(versiedatum="01-01-2024"), "versiedatum", None),
        ("eindeGeldigheid-bad-date", with_(eindeGeldigheid="2024-02-30"), "eindeGeldigheid", None),
        ("catalogus-bad-url", lambda api, cat: zaaktype_payload(api, "geen-url"), "catalogus", None),
        ("catalogus-unknown", lambda api, cat: zaaktype_payload(
            api, api.cat("/catalogussen/00000000-0000-4000-8000-0000000000aa")), "catalogus", None),
        ("catalogus-other-host", lambda api, cat: zaaktype_payload(
            api, "http://example.com/catalogi/api/v1/catalogussen/" + cat.rsplit("/", 1)[1]), "catalogus", None),
        ("selectielijstProcestype-bad-url", with_(selectielijstProcestype="geen url"), "selectielijstProcestype",
         None),
        ("productenOfDiensten-bad-url", with_(productenOfDiensten=["geen url"]), "productenOfDiensten.0", None),
        ("besluittypen-bad-url", with_(besluittypen=["geen url"]), "besluittypen", None),
        ("besluittypen-unknown", lambda api, cat: zaaktype_payload(
            api, cat, besluittypen=[api.cat("/besluittypen/00000000-0000-4000-8000-0000000000bb")]),
         "besluittypen", None),
    ]
    return cases


INVALID = _invalid_cases()


@pytest.mark.parametrize("name,build,field,code", INVALID, ids=[c[0] for c in INVALID])
def test_create_invalid(api, catalogus, name, build, field, code):
    resp = api.post("/zaaktypen", build(api, catalogus["url"]))
    if field in ("besluittypen", "productenOfDiensten.0") and resp.status_code == 400:
        # list item errors may be reported on the list or on the item
        names = [p["name"] for p in resp.json().get("invalidParams", [])]
        base = field.split(".")[0]
        assert any(n == base or n.startswith(base + ".") for n in names), resp.text
        return
    assert_problem(resp, 400, field=field, code=code)


def test_catalogus_url_of_wrong_kind(api, make, catalogus):
    other = make.zaaktype(catalogus["url"])
    resp = api.post("/zaaktypen", zaaktype_payload(api, other["url"]))
    assert_problem(resp, 400, field="catalogus")


def test_besluittypen_url_of_wrong_kind(api, make, catalogus):
    iot = make.informatieobjecttype(catalogus["url"])
    resp = api.post("/zaaktypen", zaaktype_payload(api, catalogus["url"], besluittypen=[iot["url"]]))
    assert resp.status_code == 400, resp.text
    names = [p["name"] for p in resp.json()["invalidParams"]]
    assert any(n == "besluittypen" or n.startswith("besluittypen.") for n in names), names


def test_gerelateerde_zaaktypen(api, make, catalogus):
    other = make.zaaktype(catalogus["url"])
    rel = [{"zaaktype": other["url"], "aardRelatie": "vervolg", "toelichting": "na afloop"}]
    zt = make.zaaktype(catalogus["url"], gerelateerdeZaaktypen=rel)
    assert zt["gerelateerdeZaaktypen"] == rel
    assert api.get(zt["url"]).json()["gerelateerdeZaaktypen"] == rel


def test_gerelateerde_zaaktypen_invalid_aard(api, make, catalogus):
    other = make.zaaktype(catalogus["url"])
    body = zaaktype_payload(api, catalogus["url"],
                            gerelateerdeZaaktypen=[{"zaaktype": other["url"], "aardRelatie": "familie"}])
    resp = api.post("/zaaktypen", body)
    assert resp.status_code == 400, resp.text
    names = [p["name"] for p in resp.json()["invalidParams"]]
    assert any(n.startswith("gerelateerdeZaaktypen") and n.endswith("aardRelatie") for n in names), names


def test_besluittypen_relation(api, make, catalogus):
    bt = make.besluittype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[bt["url"]])
    assert zt["besluittypen"] == [bt["url"]]
    assert zt["url"] in api.get(bt["url"]).json()["zaaktypen"]


def test_deelzaaktypen_same_catalogus(api, make, catalogus):
    deel = make.zaaktype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], deelzaaktypen=[deel["url"]])
    assert zt["deelzaaktypen"] == [deel["url"]]


def test_selectielijst_procestype_roundtrip(api, catalogus):
    body = zaaktype_payload(api, catalogus["url"], selectielijstProcestype=api.procestype(PROCESTYPE_1))
    resp = api.post("/zaaktypen", body)
    assert_status(resp, 201)
    assert resp.json()["selectielijstProcestype"] == api.procestype(PROCESTYPE_1)


def test_selectielijst_procestype_wrong_resource_kind(api, catalogus):
    # ztc-001: must be a Procestype of the selectielijst, not a Resultaat
    body = zaaktype_payload(api, catalogus["url"], selectielijstProcestype=api.resultaat(RESULTAAT_NIHIL))
    assert_problem(api.post("/zaaktypen", body), 400, field="selectielijstProcestype")
