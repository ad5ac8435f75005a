"""Informatieobjecttypen and besluittypen: CRUD, publish, list filters, validation."""

import pytest

from zgw import (ERROR_CODES, assert_problem, assert_status, besluittype_payload,
                 informatieobjecttype_payload, put_body, uniq)

KINDS = ["informatieobjecttypen", "besluittypen"]


def payload(kind, cat, **kw):
    if kind == "informatieobjecttypen":
        return informatieobjecttype_payload(cat, **kw)
    return besluittype_payload(cat, **kw)


def create(make, kind, cat, **kw):
    if kind == "informatieobjecttypen":
        return make.informatieobjecttype(cat, **kw)
    return make.besluittype(cat, **kw)


def ids(results):
    return {r["url"] for r in results}


def listed(api, kind, **params):
    return ids(api.list_all(f"/{kind}", params))


# ------------------------------------------------------------------------------------------------
# generic
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_create_and_retrieve(api, catalogus, kind):
    body = payload(kind, catalogus["url"], eindeGeldigheid="2030-12-31")
    if kind == "informatieobjecttypen":
        body["trefwoord"] = ["brief", "aanvraag"]
        body["omschrijvingGeneriek"] = {
            "informatieobjecttypeOmschrijvingGeneriek": "Brief",
            "definitieInformatieobjecttypeOmschrijvingGeneriek": "Een brief",
            "herkomstInformatieobjecttypeOmschrijvingGeneriek": "VNG",
            "hierarchieInformatieobjecttypeOmschrijvingGeneriek": "1",
            "opmerkingInformatieobjecttypeOmschrijvingGeneriek": "",
        }
    else:
        body.update(besluitcategorie="Vergunning", reactietermijn="P14D", publicatietermijn="P42D",
                    publicatietekst="Tekst", toelichting="Toelichting", omschrijvingGeneriek="Generiek",
                    publicatieIndicatie=True)
    resp = api.post(f"/{kind}", body)
    assert_status(resp, 201)
    data = resp.json()
    assert data["url"].startswith(api.cat(f"/{kind}/"))
    assert data["concept"] is True
    for k, v in body.items():
        assert data[k] == v, (k, data[k], v)
    assert api.get(data["url"]).json() == data
    assert data["url"] in api.get(catalogus["url"]).json()[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_retrieve_unknown_is_404(api, kind):
    assert_problem(api.get(f"/{kind}/00000000-0000-4000-8000-0000000000a1"), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_put_concept(api, make, catalogus, kind):
    obj = create(make, kind, catalogus["url"])
    resp = api.put(obj["url"], put_body(kind, obj, omschrijving="Nieuwe omschrijving"))
    assert_status(resp, 200)
    assert api.get(obj["url"]).json()["omschrijving"] == "Nieuwe omschrijving"


@pytest.mark.parametrize("kind", KINDS)
def test_patch_concept(api, make, catalogus, kind):
    obj = create(make, kind, catalogus["url"])
    resp = api.patch(obj["url"], {"omschrijving": "Gepatcht"})
    assert_status(resp, 200)
    after = api.get(obj["url"]).json()
    assert after["omschrijving"] == "Gepatcht"
    assert after["beginGeldigheid"] == obj["beginGeldigheid"]


@pytest.mark.parametrize("kind", KINDS)
def test_delete_concept(api, make, catalogus, kind):
    obj = create(make, kind, catalogus["url"])
    assert_status(api.delete(obj["url"]), 204)
    assert_problem(api.get(obj["url"]), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_delete_unknown_is_404(api, kind):
    assert_problem(api.delete(f"/{kind}/00000000-0000-4000-8000-0000000000a2"), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_publish(api, make, catalogus, kind):
    obj = create(make, kind, catalogus["url"])
    resp = api.publish(obj["url"])
    assert_status(resp, 200)
    assert resp.json()["concept"] is False
    assert api.get(obj["url"]).json()["concept"] is False


@pytest.mark.parametrize("kind", KINDS)
def test_publish_unknown_is_404(api, kind):
    assert_problem(api.publish(api.cat(f"/{kind}/00000000-0000-4000-8000-0000000000a3")), 404)


# ------------------------------------------------------------------------------------------------
# filters
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_filter_catalogus(api, make, kind):
    c1, c2 = make.catalogus(), make.catalogus()
    a = create(make, kind, c1["url"])
    b = create(make, kind, c2["url"])
    assert listed(api, kind, catalogus=c1["url"], status="alles") == {a["url"]}
    assert b["url"] not in listed(api, kind, catalogus=c1["url"], status="alles")


@pytest.mark.parametrize("kind", KINDS)
def test_filter_status(api, make, catalogus, kind):
    a = create(make, kind, catalogus["url"])
    b = create(make, kind, catalogus["url"])
    make.publish(b["url"])
    q = {"catalogus": catalogus["url"]}
    assert listed(api, kind, **q) == {b["url"]}
    assert listed(api, kind, **q, status="alles") == {a["url"], b["url"]}
    assert listed(api, kind, **q, status="concept") == {a["url"]}
    assert listed(api, kind, **q, status="definitief") == {b["url"]}
    assert_problem(api.get(f"/{kind}", params={"status": "half"}), 400, field="status")


@pytest.mark.parametrize("kind", KINDS)
def test_filter_datum_geldigheid(api, make, catalogus, kind):
    oms = uniq("Versie ")
    old = create(make, kind, catalogus["url"], omschrijving=oms, beginGeldigheid="2020-01-01",
                 eindeGeldigheid="2020-12-31")
    new = create(make, kind, catalogus["url"], omschrijving=oms, beginGeldigheid="2021-01-01")
    q = {"catalogus": catalogus["url"], "status": "alles"}
    assert listed(api, kind, **q, datumGeldigheid="2020-03-01") == {old["url"]}
    assert listed(api, kind, **q, datumGeldigheid="2020-12-31") == {old["url"]}
    assert listed(api, kind, **q, datumGeldigheid="2022-03-01") == {new["url"]}
    assert listed(api, kind, **q, datumGeldigheid="2019-03-01") == set()


@pytest.mark.parametrize("kind", KINDS)
def test_filter_omschrijving(api, make, catalogus, kind):
    a = create(make, kind, catalogus["url"], omschrijving=uniq("Exact "))
    b = create(make, kind, catalogus["url"], omschrijving=a["omschrijving"] + " en meer")
    got = listed(api, kind, catalogus=catalogus["url"], status="alles", omschrijving=a["omschrijving"])
    assert got == {a["url"]}
    assert b["url"] not in got


def test_iot_filter_omschrijving_icontains(api, make, catalogus):
    stem = uniq("Bijlage")
    a = make.informatieobjecttype(catalogus["url"], omschrijving=f"Een {stem} document")
    b = make.informatieobjecttype(catalogus["url"], omschrijving=uniq("Anders "))
    got = listed(api, "informatieobjecttypen", status="alles", omschrijving__icontains=stem.upper())
    assert a["url"] in got and b["url"] not in got


def test_iot_filter_zaaktype(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    a = make.informatieobjecttype(catalogus["url"])
    b = make.informatieobjecttype(catalogus["url"])
    make.ziot(zt["url"], a["url"])
    got = listed(api, "informatieobjecttypen", status="alles", zaaktype=zt["url"])
    assert got == {a["url"]}
    assert b["url"] not in got


def test_besluittype_filter_zaaktypen(api, make, catalogus):
    a = make.besluittype(catalogus["url"])
    b = make.besluittype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[a["url"]])
    got = listed(api, "besluittypen", status="alles", zaaktypen=zt["url"])
    assert got == {a["url"]}
    assert b["url"] not in got


def test_besluittype_filter_informatieobjecttypen(api, make, catalogus):
    iot = make.informatieobjecttype(catalogus["url"])
    a = make.besluittype(catalogus["url"], informatieobjecttypen=[iot["url"]])
    b = make.besluittype(catalogus["url"])
    got = listed(api, "besluittypen", status="alles", informatieobjecttypen=iot["url"])
    assert got == {a["url"]}
    assert b["url"] not in got


# ------------------------------------------------------------------------------------------------
# relations
# ------------------------------------------------------------------------------------------------
def test_besluittype_informatieobjecttypen_relation(api, make, catalogus):
    iot = make.informatieobjecttype(catalogus["url"])
    bt = make.besluittype(catalogus["url"], informatieobjecttypen=[iot["url"]])
    assert bt["informatieobjecttypen"] == [iot["url"]]
    assert bt["url"] in api.get(iot["url"]).json()["besluittypen"]


def test_besluittype_lists_zaaktypen(api, make, catalogus):
    bt = make.besluittype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[bt["url"]])
    assert api.get(bt["url"]).json()["zaaktypen"] == [zt["url"]]


# ------------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------------
IOT_INVALID = [
    ("missing-omschrijving", {"omschrijving": None}, "omschrijving", ERROR_CODES["required"]),
    ("missing-vertrouwelijkheid", {"vertrouwelijkheidaanduiding": None}, "vertrouwelijkheidaanduiding",
     ERROR_CODES["required"]),
    ("missing-beginGeldigheid", {"beginGeldigheid": None}, "beginGeldigheid", ERROR_CODES["required"]),
    ("missing-categorie", {"informatieobjectcategorie": None}, "informatieobjectcategorie", ERROR_CODES["required"]),
    ("missing-catalogus", {"catalogus": None}, "catalogus", ERROR_CODES["required"]),
    ("vertrouwelijkheid-enum", {"vertrouwelijkheidaanduiding": "topgeheim"}, "vertrouwelijkheidaanduiding",
     ERROR_CODES["invalid_choice"]),
    ("omschrijving-too-long", {"omschrijving": "x" * 81}, "omschrijving", ERROR_CODES["max_length"]),
    ("categorie-too-long", {"informatieobjectcategorie": "x" * 81}, "informatieobjectcategorie",
     ERROR_CODES["max_length"]),
    ("trefwoord-too-long", {"trefwoord": ["x" * 31]}, "trefwoord.0", ERROR_CODES["max_length"]),
    ("trefwoord-not-list", {"trefwoord": "los"}, "trefwoord", None),
    ("beginGeldigheid-bad", {"beginGeldigheid": "2024-00-10"}, "beginGeldigheid", None),
    ("eindeGeldigheid-bad", {"eindeGeldigheid": "volgend jaar"}, "eindeGeldigheid", None),
    ("catalogus-bad-url", {"catalogus": "catalogus"}, "catalogus", None),
    ("omschrijving-wrong-type", {"omschrijving": ["a"]}, "omschrijving", None),
    ("omschrijvingGeneriek-missing-part", {"omschrijvingGeneriek": {"informatieobjecttypeOmschrijvingGeneriek": "x"}},
     "omschrijvingGeneriek.definitieInformatieobjecttypeOmschrijvingGeneriek", ERROR_CODES["required"]),
    ("omschrijvingGeneriek-too-long", {"omschrijvingGeneriek": {
        "informatieobjecttypeOmschrijvingGeneriek": "x", "definitieInformatieobjecttypeOmschrijvingGeneriek": "d",
        "herkomstInformatieobjecttypeOmschrijvingGeneriek": "x" * 13,
        "hierarchieInformatieobjecttypeOmschrijvingGeneriek": "h"}},
     "omschrijvingGeneriek.herkomstInformatieobjecttypeOmschrijvingGeneriek", ERROR_CODES["max_length"]),
]

BT_INVALID = [
    ("missing-catalogus", {"catalogus": None}, "catalogus", ERROR_CODES["required"]),
    ("missing-publicatieIndicatie", {"publicatieIndicatie": None}, "publicatieIndicatie", ERROR_CODES["required"]),
    ("missing-beginGeldigheid", {"beginGeldigheid": None}, "beginGeldigheid", ERROR_CODES["required"]),
    ("missing-informatieobjecttypen", {"informatieobjecttypen": None}, "informatieobjecttypen",
     ERROR_CODES["required"]),
    ("omschrijving-too-long", {"omschrijving": "x" * 81}, "omschrijving", ERROR_CODES["max_length"]),
    ("besluitcategorie-too-long", {"besluitcategorie": "x" * 41}, "besluitcategorie", ERROR_CODES["max_length"]),
    ("publicatietermijn-bad", {"publicatietermijn": "zes weken"}, "publicatietermijn", None),
    ("reactietermijn-bad", {"reactietermijn": "P1X"}, "reactietermijn", None),
    ("beginGeldigheid-bad", {"beginGeldigheid": "2024-1-1x"}, "beginGeldigheid", None),
    ("publicatieIndicatie-type", {"publicatieIndicatie": {"x": 1}}, "publicatieIndicatie", None),
    ("informatieobjecttypen-not-list", {"informatieobjecttypen": "x"}, "informatieobjecttypen", None),
    ("catalogus-bad-url", {"catalogus": "niets"}, "catalogus", None),
]


@pytest.mark.parametrize("name,change,field,code", IOT_INVALID, ids=[c[0] for c in IOT_INVALID])
def test_iot_invalid(api, catalogus, name, change, field, code):
    body = informatieobjecttype_payload(catalogus["url"])
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    assert_problem(api.post("/informatieobjecttypen", body), 400, field=field, code=code)


@pytest.mark.parametrize("name,change,field,code", BT_INVALID, ids=[c[0] for c in BT_INVALID])
def test_besluittype_invalid(api, catalogus, name, change, field, code):
    body = besluittype_payload(catalogus["url"])
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    assert_problem(api.post("/besluittypen", body), 400, field=field, code=code)


@pytest.mark.parametrize("kind", KINDS)
def test_catalogus_url_of_wrong_kind(api, make, catalogus, kind):
    zt = make.zaaktype(catalogus["url"])
    assert_problem(api.post(f"/{kind}", payload(kind, zt["url"])), 400, field="catalogus")


@pytest.mark.parametrize("kind", KINDS)
def test_catalogus_unknown(api, kind):
    body = payload(kind, api.cat("/catalogussen/00000000-0000-4000-8000-0000000000c1"))
    assert_problem(api.post(f"/{kind}", body), 400, field="catalogus")


def test_besluittype_informatieobjecttypen_wrong_kind(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    resp = api.post("/besluittypen", besluittype_payload(catalogus["url"], informatieobjecttypen=[zt["url"]]))
    assert resp.status_code == 400, resp.text
    names = [p["name"] for p in resp.json()["invalidParams"]]
    assert any(n == "informatieobjecttypen" or n.startswith("informatieobjecttypen.") for n in names), names


def test_besluittype_informatieobjecttypen_bad_url(api, catalogus):
    resp = api.post("/besluittypen", besluittype_payload(catalogus["url"], informatieobjecttypen=["geen url"]))
    assert resp.status_code == 400, resp.text
    names = [p["name"] for p in resp.json()["invalidParams"]]
    assert any(n == "informatieobjecttypen" or n.startswith("informatieobjecttypen.") for n in names), names
