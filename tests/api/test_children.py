"""Objects that hang under a zaaktype: statustypen, roltypen, resultaattypen, eigenschappen,
zaakobjecttypen, and the zaaktype-informatieobjecttypen (ZIOT) relation.

Generic tests are parametrised over the five child kinds; kind-specific behaviour follows."""

import pytest

from zgw import (CHILD_EDIT, CHILD_PAYLOADS, ERROR_CODES, assert_problem, assert_status, put_body,
                 uniq, ziot_payload)

KINDS = ["statustypen", "roltypen", "resultaattypen", "eigenschappen", "zaakobjecttypen"]

# zaaktype field that lists the children of a kind
ZAAKTYPE_LIST_FIELD = {
    "statustypen": "statustypen",
    "roltypen": "roltypen",
    "resultaattypen": "resultaattypen",
    "eigenschappen": "eigenschappen",
    "zaakobjecttypen": "zaakobjecttypen",
}

# filters of the OAS per kind (besides page/pageSize)
FILTERS = {
    "statustypen": {"datumGeldigheid", "status", "zaaktype", "zaaktypeIdentificatie"},
    "roltypen": {"datumGeldigheid", "omschrijving", "omschrijvingGeneriek", "status", "zaaktype",
                 "zaaktypeIdentificatie"},
    "resultaattypen": {"datumGeldigheid", "status", "zaaktype", "zaaktypeIdentificatie"},
    "eigenschappen": {"datumGeldigheid", "status", "zaaktype", "zaaktypeIdentificatie"},
    "zaakobjecttypen": {"anderObjecttype", "catalogus", "datumBeginGeldigheid", "datumEindeGeldigheid",
                        "datumGeldigheid", "objecttype", "relatieOmschrijving", "status", "zaaktype",
                        "zaaktypeIdentificatie"},
}


def ids(results):
    return {r["url"] for r in results}


def listed(api, kind, **params):
    return ids(api.list_all(f"/{kind}", params))


# ------------------------------------------------------------------------------------------------
# generic CRUD
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_create_and_retrieve(api, make, zaaktype, kind):
    body = CHILD_PAYLOADS[kind](api, zaaktype["url"])
    resp = api.post(f"/{kind}", body)
    assert_status(resp, 201)
    data = resp.json()
    assert data["url"].startswith(api.cat(f"/{kind}/"))
    assert data["zaaktype"] == zaaktype["url"]
    assert data["catalogus"] == zaaktype["catalogus"]
    assert data["zaaktypeIdentificatie"] == zaaktype["identificatie"]
    # "Wordt de beginGeldigheid niet meegegeven wordt de beginGeldigheid van het Zaaktype overgenomen"
    assert data.get("beginGeldigheid") == zaaktype["beginGeldigheid"]
    for key, value in body.items():
        if key in ("zaaktype", "brondatumArchiefprocedure", "specificatie"):
            continue
        assert data[key] == value, (key, data[key], value)
    got = api.get(data["url"])
    assert_status(got, 200)
    assert got.json() == data
    zt = api.get(zaaktype["url"]).json()
    assert data["url"] in zt[ZAAKTYPE_LIST_FIELD[kind]]


@pytest.mark.parametrize("kind", KINDS + ["zaaktype-informatieobjecttypen"])
def test_retrieve_unknown_is_404(api, kind):
    assert_problem(api.get(f"/{kind}/00000000-0000-4000-8000-00000000c0de"), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_put_concept(api, make, zaaktype, kind):
    obj = make.child(kind, zaaktype["url"])
    field, value = CHILD_EDIT[kind]
    resp = api.put(obj["url"], put_body(kind, obj, **{field: value}))
    assert_status(resp, 200)
    assert resp.json()[field] == value
    assert api.get(obj["url"]).json()[field] == value


@pytest.mark.parametrize("kind", KINDS)
def test_patch_concept(api, make, zaaktype, kind):
    obj = make.child(kind, zaaktype["url"])
    field, value = CHILD_EDIT[kind]
    resp = api.patch(obj["url"], {field: value})
    assert_status(resp, 200)
    after = api.get(obj["url"]).json()
    assert after[field] == value
    unchanged = {k: v for k, v in after.items() if k != field}
    assert unchanged == {k: v for k, v in obj.items() if k != field}


@pytest.mark.parametrize("kind", KINDS)
def test_delete_concept(api, make, zaaktype, kind):
    obj = make.child(kind, zaaktype["url"])
    assert_status(api.delete(obj["url"]), 204)
    assert_problem(api.get(obj["url"]), 404)
    assert obj["url"] not in api.get(zaaktype["url"]).json()[ZAAKTYPE_LIST_FIELD[kind]]


@pytest.mark.parametrize("kind", KINDS)
def test_put_unknown_is_404(api, zaaktype, kind):
    body = CHILD_PAYLOADS[kind](api, zaaktype["url"])
    assert_problem(api.put(f"/{kind}/00000000-0000-4000-8000-00000000beef", body), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_delete_unknown_is_404(api, kind):
    assert_problem(api.delete(f"/{kind}/00000000-0000-4000-8000-00000000beef"), 404)


# ------------------------------------------------------------------------------------------------
# generic validation: the zaaktype reference
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_zaaktype_missing(api, kind):
    body = CHILD_PAYLOADS[kind](api, "x")
    body.pop("zaaktype")
    assert_problem(api.post(f"/{kind}", body), 400, field="zaaktype", code=ERROR_CODES["required"])


@pytest.mark.parametrize("kind", KINDS)
def test_zaaktype_bad_url(api, kind):
    body = CHILD_PAYLOADS[kind](api, "geen-url")
    assert_problem(api.post(f"/{kind}", body), 400, field="zaaktype")


@pytest.mark.parametrize("kind", KINDS)
def test_zaaktype_unknown(api, kind):
    body = CHILD_PAYLOADS[kind](api, api.cat("/zaaktypen/00000000-0000-4000-8000-0000000000ff"))
    assert_problem(api.post(f"/{kind}", body), 400, field="zaaktype")


@pytest.mark.parametrize("kind", KINDS)
def test_zaaktype_wrong_kind(api, catalogus, kind):
    body = CHILD_PAYLOADS[kind](api, catalogus["url"])
    assert_problem(api.post(f"/{kind}", body), 400, field="zaaktype")


# ------------------------------------------------------------------------------------------------
# generic list filters
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_filter_zaaktype(api, make, catalogus, kind):
    z1 = make.zaaktype(catalogus["url"])
    z2 = make.zaaktype(catalogus["url"])
    a = make.child(kind, z1["url"])
    b = make.child(kind, z2["url"])
    got = listed(api, kind, zaaktype=z1["url"], status="alles")
    assert got == {a["url"]}
    assert b["url"] not in got


@pytest.mark.parametrize("kind", KINDS)
def test_filter_zaaktype_identificatie(api, make, catalogus, kind):
    z1 = make.zaaktype(catalogus["url"])
    z2 = make.zaaktype(catalogus["url"])
    a = make.child(kind, z1["url"])
    b = make.child(kind, z2["url"])
    got = listed(api, kind, zaaktypeIdentificatie=z1["identificatie"], status="alles")
    assert a["url"] in got and b["url"] not in got


@pytest.mark.parametrize("kind", KINDS)
def test_filter_status(api, make, catalogus, kind):
    z_concept = make.zaaktype(catalogus["url"])
    z_pub = make.zaaktype(catalogus["url"])
    a = make.child(kind, z_concept["url"])
    b = make.child(kind, z_pub["url"])
    make.publish(z_pub["url"])
    default = listed(api, kind, zaaktypeIdentificatie=z_concept["identificatie"]) | \
        listed(api, kind, zaaktypeIdentificatie=z_pub["identificatie"])
    assert b["url"] in default and a["url"] not in default, "default lists only children of published zaaktypen"
    for status, with_a, with_b in (("alles", True, True), ("concept", True, False), ("definitief", False, True)):
        got = listed(api, kind, zaaktypeIdentificatie=z_concept["identificatie"], status=status) | \
            listed(api, kind, zaaktypeIdentificatie=z_pub["identificatie"], status=status)
        assert (a["url"] in got) is with_a, status
        assert (b["url"] in got) is with_b, status


@pytest.mark.parametrize("kind", KINDS)
def test_filter_datum_geldigheid(api, make, catalogus, kind):
    ident = uniq("ZTV-")
    z_old = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                          eindeGeldigheid="2020-12-31", versiedatum="2020-01-01")
    z_new = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2021-01-01",
                          versiedatum="2021-01-01")
    a = make.child(kind, z_old["url"])
    b = make.child(kind, z_new["url"])
    q = {"zaaktypeIdentificatie": ident, "status": "alles"}
    assert listed(api, kind, **q, datumGeldigheid="2020-07-01") == {a["url"]}
    assert listed(api, kind, **q, datumGeldigheid="2021-07-01") == {b["url"]}
    assert listed(api, kind, **q, datumGeldigheid="2019-07-01") == set()


@pytest.mark.parametrize("kind", KINDS)
def test_filter_invalid_status_value(api, kind):
    assert_problem(api.get(f"/{kind}", params={"status": "wazig"}), 400, field="status")


@pytest.mark.parametrize("kind", KINDS)
def test_filter_unknown_parameter(api, kind):
    assert_problem(api.get(f"/{kind}", params={"onbekend": "1"}), 400,
                   code=ERROR_CODES["unknown_parameters"])


# ------------------------------------------------------------------------------------------------
# statustypen
# ------------------------------------------------------------------------------------------------
def test_statustype_is_eindstatus(api, make, zaaktype):
    s1 = make.statustype(zaaktype["url"], volgnummer=1)
    s2 = make.statustype(zaaktype["url"], volgnummer=2)
    assert api.get(s1["url"]).json()["isEindstatus"] is False
    assert api.get(s2["url"]).json()["isEindstatus"] is True


def test_statustype_checklist(api, make, zaaktype):
    items = [{"itemnaam": "Check", "vraagstelling": "Is alles er?", "verplicht": True, "toelichting": "t"}]
    st = make.statustype(zaaktype["url"], checklistitemStatustype=items)
    assert st["checklistitemStatustype"] == items


def test_statustype_lists_eigenschappen(api, make, zaaktype):
    st = make.statustype(zaaktype["url"])
    eig = make.eigenschap(zaaktype["url"], statustype=st["url"])
    assert eig["statustype"] == st["url"]
    assert eig["url"] in api.get(st["url"]).json()["eigenschappen"]


STATUSTYPE_INVALID = [
    ("volgnummer-missing", {"volgnummer": None}, "volgnummer", None),
    ("volgnummer-zero", {"volgnummer": 0}, "volgnummer", None),
    ("volgnummer-too-big", {"volgnummer": 10000}, "volgnummer", None),
    ("volgnummer-wrong-type", {"volgnummer": "een"}, "volgnummer", None),
    ("omschrijving-too-long", {"omschrijving": "x" * 81}, "omschrijving", ERROR_CODES["max_length"]),
    ("omschrijving-empty", {"omschrijving": ""}, "omschrijving", None),
    ("statustekst-too-long", {"statustekst": "x" * 1001}, "statustekst", ERROR_CODES["max_length"]),
    ("doorlooptijd-bad", {"doorlooptijd": "drie dagen"}, "doorlooptijd", None),
    ("informeren-wrong-type", {"informeren": {"ja": 1}}, "informeren", None),
    ("beginGeldigheid-bad-date", {"beginGeldigheid": "2024-02-31"}, "beginGeldigheid", None),
]


@pytest.mark.parametrize("name,change,field,code", STATUSTYPE_INVALID, ids=[c[0] for c in STATUSTYPE_INVALID])
def test_statustype_invalid(api, zaaktype, name, change, field, code):
    body = CHILD_PAYLOADS["statustypen"](api, zaaktype["url"])
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    if name == "volgnummer-missing":
        code = ERROR_CODES["required"]
    assert_problem(api.post("/statustypen", body), 400, field=field, code=code)


def test_statustype_checklist_item_too_long(api, zaaktype):
    body = CHILD_PAYLOADS["statustypen"](api, zaaktype["url"],
                                         checklistitemStatustype=[{"itemnaam": "x" * 31, "vraagstelling": "?"}])
    resp = api.post("/statustypen", body)
    assert resp.status_code == 400, resp.text
    names = [p["name"] for p in resp.json()["invalidParams"]]
    assert any(n.startswith("checklistitemStatustype") for n in names), names


# ------------------------------------------------------------------------------------------------
# roltypen
# ------------------------------------------------------------------------------------------------
def test_roltype_filter_omschrijving_generiek(api, make, zaaktype):
    a = make.roltype(zaaktype["url"], omschrijvingGeneriek="initiator")
    b = make.roltype(zaaktype["url"], omschrijvingGeneriek="behandelaar")
    got = listed(api, "roltypen", zaaktype=zaaktype["url"], status="alles", omschrijvingGeneriek="initiator")
    assert got == {a["url"]}
    assert b["url"] not in got


def test_roltype_filter_omschrijving(api, make, zaaktype):
    stem = uniq("Aanvrager")
    a = make.roltype(zaaktype["url"], omschrijving=f"De {stem} zelf")
    b = make.roltype(zaaktype["url"], omschrijving="Iemand anders")
    got = listed(api, "roltypen", zaaktype=zaaktype["url"], status="alles", omschrijving=stem.lower())
    assert a["url"] in got and b["url"] not in got


def test_roltype_filter_omschrijving_generiek_invalid(api):
    assert_problem(api.get("/roltypen", params={"omschrijvingGeneriek": "koning"}), 400,
                   field="omschrijvingGeneriek")


@pytest.mark.parametrize("change,field,code", [
    ({"omschrijvingGeneriek": "koning"}, "omschrijvingGeneriek", ERROR_CODES["invalid_choice"]),
    ({"omschrijving": "x" * 101}, "omschrijving", ERROR_CODES["max_length"]),
    ({"omschrijvingGeneriek": None}, "omschrijvingGeneriek", None),
    ({"eindeGeldigheid": "31-12-2024"}, "eindeGeldigheid", None),
], ids=["enum", "too-long", "null-enum", "bad-date"])
def test_roltype_invalid(api, zaaktype, change, field, code):
    body = CHILD_PAYLOADS["roltypen"](api, zaaktype["url"], **change)
    assert_problem(api.post("/roltypen", body), 400, field=field, code=code)


# ------------------------------------------------------------------------------------------------
# resultaattypen (basic validation; archive rules ztc-002..008 are in test_rules.py)
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change,field,code", [
    ({"omschrijving": "x" * 31}, "omschrijving", ERROR_CODES["max_length"]),
    ({"omschrijving": None}, "omschrijving", None),
    ({"archiefnominatie": "bewaren"}, "archiefnominatie", None),
    ({"archiefactietermijn": "tien jaar"}, "archiefactietermijn", None),
    ({"resultaattypeomschrijving": "geen-url"}, "resultaattypeomschrijving", None),
    ({"selectielijstklasse": "geen-url"}, "selectielijstklasse", None),
    ({"brondatumArchiefprocedure": {"afleidingswijze": "ooit"}}, "brondatumArchiefprocedure.afleidingswijze",
     ERROR_CODES["invalid_choice"]),
    ({"brondatumArchiefprocedure": {"afleidingswijze": "afgehandeld", "datumkenmerk": "x" * 81}},
     "brondatumArchiefprocedure.datumkenmerk", None),
    ({"procesobjectaard": "x" * 201}, "procesobjectaard", ERROR_CODES["max_length"]),
    ({"indicatieSpecifiek": "misschien"}, "indicatieSpecifiek", None),
    ({"procestermijn": "P"}, "procestermijn", None),
], ids=["omschrijving-too-long", "omschrijving-null", "archiefnominatie-enum", "archiefactietermijn-bad",
        "omschrijving-url-bad", "selectielijstklasse-url-bad", "afleidingswijze-enum", "datumkenmerk-too-long",
        "procesobjectaard-too-long", "indicatieSpecifiek-type", "procestermijn-bad"])
def test_resultaattype_invalid(api, zaaktype, change, field, code):
    body = CHILD_PAYLOADS["resultaattypen"](api, zaaktype["url"], **change)
    assert_problem(api.post("/resultaattypen", body), 400, field=field, code=code)


@pytest.mark.parametrize("missing", ["omschrijving", "resultaattypeomschrijving", "selectielijstklasse"])
def test_resultaattype_required(api, zaaktype, missing):
    body = CHILD_PAYLOADS["resultaattypen"](api, zaaktype["url"])
    body.pop(missing)
    assert_problem(api.post("/resultaattypen", body), 400, field=missing, code=ERROR_CODES["required"])


def test_resultaattype_besluittypen_and_informatieobjecttypen(api, make, catalogus):
    bt = make.besluittype(catalogus["url"])
    iot = make.informatieobjecttype(catalogus["url"])
    zt = make.zaaktype(catalogus["url"], besluittypen=[bt["url"]])
    rt = make.resultaattype(zt["url"], besluittypen=[bt["url"]], informatieobjecttypen=[iot["url"]])
    assert rt["besluittypen"] == [bt["url"]]
    assert rt["informatieobjecttypen"] == [iot["url"]]
    assert bt["omschrijving"] in rt["besluittypeOmschrijving"]
    assert iot["omschrijving"] in rt["informatieobjecttypeOmschrijving"]
    assert rt["url"] in api.get(bt["url"]).json()["resultaattypen"]


# ------------------------------------------------------------------------------------------------
# eigenschappen
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change,field,code", [
    ({"naam": "x" * 21}, "naam", ERROR_CODES["max_length"]),
    ({"definitie": "x" * 256}, "definitie", ERROR_CODES["max_length"]),
    ({"specificatie": {"formaat": "plaatje", "lengte": "1", "kardinaliteit": "1"}}, "specificatie.formaat",
     ERROR_CODES["invalid_choice"]),
    ({"specificatie": {"formaat": "tekst", "kardinaliteit": "1"}}, "specificatie.lengte", ERROR_CODES["required"]),
    ({"specificatie": {"formaat": "tekst", "lengte": "1", "kardinaliteit": "1234"}}, "specificatie.kardinaliteit",
     ERROR_CODES["max_length"]),
    ({"specificatie": {"formaat": "tekst", "lengte": "1", "kardinaliteit": "1", "waardenverzameling": ["x" * 101]}},
     "specificatie.waardenverzameling.0", ERROR_CODES["max_length"]),
    ({"specificatie": "tekst"}, "specificatie", None),
    ({"statustype": "geen-url"}, "statustype", None),
], ids=["naam-too-long", "definitie-too-long", "formaat-enum", "lengte-missing", "kardinaliteit-too-long",
        "waardenverzameling-item-too-long", "specificatie-wrong-type", "statustype-bad-url"])
def test_eigenschap_invalid(api, zaaktype, change, field, code):
    body = CHILD_PAYLOADS["eigenschappen"](api, zaaktype["url"], **change)
    assert_problem(api.post("/eigenschappen", body), 400, field=field, code=code)


def test_eigenschap_specificatie_missing(api, zaaktype):
    body = CHILD_PAYLOADS["eigenschappen"](api, zaaktype["url"])
    body.pop("specificatie")
    assert_problem(api.post("/eigenschappen", body), 400, field="specificatie", code=ERROR_CODES["required"])


def test_eigenschap_statustype_wrong_kind(api, make, zaaktype):
    rt = make.roltype(zaaktype["url"])
    body = CHILD_PAYLOADS["eigenschappen"](api, zaaktype["url"], statustype=rt["url"])
    assert_problem(api.post("/eigenschappen", body), 400, field="statustype")


def test_eigenschap_specificatie_roundtrip(api, make, zaaktype):
    spec = {"formaat": "getal", "lengte": "5", "kardinaliteit": "N", "groep": "g",
            "waardenverzameling": ["1", "2"]}
    eig = make.eigenschap(zaaktype["url"], specificatie=spec)
    for k, v in spec.items():
        assert eig["specificatie"][k] == v


# ------------------------------------------------------------------------------------------------
# zaakobjecttypen
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change,field,code", [
    ({"anderObjecttype": ["ja"]}, "anderObjecttype", None),
    ({"anderObjecttype": None}, "anderObjecttype", None),
    ({"objecttype": "geen url"}, "objecttype", None),
    ({"objecttype": "http://example.com/" + "x" * 200}, "objecttype", ERROR_CODES["max_length"]),
    ({"relatieOmschrijving": "x" * 81}, "relatieOmschrijving", ERROR_CODES["max_length"]),
    ({"statustype": "geen-url"}, "statustype", None),
], ids=["ander-wrong-type", "ander-null", "objecttype-bad-url", "objecttype-too-long", "relatie-too-long",
        "statustype-bad-url"])
def test_zaakobjecttype_invalid(api, zaaktype, change, field, code):
    body = CHILD_PAYLOADS["zaakobjecttypen"](api, zaaktype["url"], **change)
    assert_problem(api.post("/zaakobjecttypen", body), 400, field=field, code=code)


def test_zaakobjecttype_filters(api, make, catalogus):
    ident = uniq("ZOT-")
    z_old = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2020-01-01",
                          eindeGeldigheid="2020-12-31", versiedatum="2020-01-01")
    z_new = make.zaaktype(catalogus["url"], identificatie=ident, beginGeldigheid="2021-01-01",
                          versiedatum="2021-01-01")
    other_cat = make.catalogus()
    z_other = make.zaaktype(other_cat["url"])
    a = make.zaakobjecttype(z_old["url"], anderObjecttype=True, relatieOmschrijving=uniq("RelA "))
    b = make.zaakobjecttype(z_new["url"], anderObjecttype=False)
    c = make.zaakobjecttype(z_other["url"], anderObjecttype=False)
    base = {"status": "alles", "zaaktypeIdentificatie": ident}
    assert listed(api, "zaakobjecttypen", **base, anderObjecttype="true") == {a["url"]}
    assert listed(api, "zaakobjecttypen", **base, anderObjecttype="false") == {b["url"]}
    got = listed(api, "zaakobjecttypen", status="alles", catalogus=catalogus["url"])
    assert {a["url"], b["url"]} <= got and c["url"] not in got
    assert listed(api, "zaakobjecttypen", **base, datumBeginGeldigheid="2020-01-01") == {a["url"]}
    assert listed(api, "zaakobjecttypen", **base, datumBeginGeldigheid="2021-01-01") == {b["url"]}
    assert listed(api, "zaakobjecttypen", **base, datumEindeGeldigheid="2020-12-31") == {a["url"]}
    assert listed(api, "zaakobjecttypen", status="alles", objecttype=b["objecttype"]) == {b["url"]}
    assert listed(api, "zaakobjecttypen", status="alles",
                  relatieOmschrijving=a["relatieOmschrijving"]) == {a["url"]}
    assert listed(api, "zaakobjecttypen", status="alles", zaaktype=z_other["url"]) == {c["url"]}


def test_zaakobjecttype_statustype(api, make, zaaktype):
    st = make.statustype(zaaktype["url"])
    zot = make.zaakobjecttype(zaaktype["url"], statustype=st["url"])
    assert zot["statustype"] == st["url"]
    assert zot["url"] in api.get(st["url"]).json()["zaakobjecttypen"]


# ------------------------------------------------------------------------------------------------
# zaaktype-informatieobjecttypen
# ------------------------------------------------------------------------------------------------
def test_ziot_create_and_retrieve(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    iot = make.informatieobjecttype(catalogus["url"])
    st = make.statustype(zt["url"])
    body = ziot_payload(zt["url"], iot["url"], volgnummer=3, richting="uitgaand", statustype=st["url"])
    resp = api.post("/zaaktype-informatieobjecttypen", body)
    assert_status(resp, 201)
    data = resp.json()
    assert data["url"].startswith(api.cat("/zaaktype-informatieobjecttypen/"))
    for k, v in body.items():
        assert data[k] == v, k
    assert data["catalogus"] == catalogus["url"]
    assert data["zaaktypeIdentificatie"] == zt["identificatie"]
    assert api.get(data["url"]).json() == data
    assert iot["url"] in api.get(zt["url"]).json()["informatieobjecttypen"]
    assert zt["url"] in api.get(iot["url"]).json()["zaaktypen"]


def test_ziot_put_patch_delete_concept(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    iot = make.informatieobjecttype(catalogus["url"])
    z = make.ziot(zt["url"], iot["url"])
    resp = api.put(z["url"], put_body("zaaktype-informatieobjecttypen", z, richting="intern"))
    assert_status(resp, 200)
    assert resp.json()["richting"] == "intern"
    resp = api.patch(z["url"], {"volgnummer": 7})
    assert_status(resp, 200)
    assert api.get(z["url"]).json()["volgnummer"] == 7
    assert_status(api.delete(z["url"]), 204)
    assert_problem(api.get(z["url"]), 404)
    assert iot["url"] not in api.get(zt["url"]).json()["informatieobjecttypen"]


@pytest.mark.parametrize("change,field,code", [
    ({"richting": "omhoog"}, "richting", ERROR_CODES["invalid_choice"]),
    ({"volgnummer": 1000}, "volgnummer", None),
    ({"volgnummer": 0}, "volgnummer", None),
    ({"volgnummer": "een"}, "volgnummer", None),
    ({"iot": "geen-url"}, "informatieobjecttype", None),
    ({"statustype": "geen-url"}, "statustype", None),
], ids=["richting-enum", "volgnummer-max", "volgnummer-min", "volgnummer-type", "iot-bad-url", "statustype-bad-url"])
def test_ziot_invalid(api, make, catalogus, change, field, code):
    zt = make.zaaktype(catalogus["url"])
    iot = make.informatieobjecttype(catalogus["url"])
    change = dict(change)
    body = ziot_payload(zt["url"], change.pop("iot", iot["url"]), **change)
    assert_problem(api.post("/zaaktype-informatieobjecttypen", body), 400, field=field, code=code)


@pytest.mark.parametrize("missing", ["zaaktype", "informatieobjecttype", "volgnummer", "richting"])
def test_ziot_required(api, make, catalogus, missing):
    zt = make.zaaktype(catalogus["url"])
    iot = make.informatieobjecttype(catalogus["url"])
    body = ziot_payload(zt["url"], iot["url"])
    body.pop(missing)
    assert_problem(api.post("/zaaktype-informatieobjecttypen", body), 400, field=missing,
                   code=ERROR_CODES["required"])


def test_ziot_wrong_kind_urls(api, make, catalogus):
    zt = make.zaaktype(catalogus["url"])
    iot = make.informatieobjecttype(catalogus["url"])
    bt = make.besluittype(catalogus["url"])
    assert_problem(api.post("/zaaktype-informatieobjecttypen", ziot_payload(zt["url"], bt["url"])), 400,
                   field="informatieobjecttype")
    assert_problem(api.post("/zaaktype-informatieobjecttypen", ziot_payload(iot["url"], iot["url"])), 400,
                   field="zaaktype")


def test_ziot_filters(api, make, catalogus):
    zt1 = make.zaaktype(catalogus["url"])
    zt2 = make.zaaktype(catalogus["url"])
    iot1 = make.informatieobjecttype(catalogus["url"])
    iot2 = make.informatieobjecttype(catalogus["url"])
    a = make.ziot(zt1["url"], iot1["url"], richting="inkomend")
    b = make.ziot(zt1["url"], iot2["url"], volgnummer=2, richting="uitgaand")
    c = make.ziot(zt2["url"], iot1["url"], richting="intern")
    base = {"status": "alles"}
    assert listed(api, "zaaktype-informatieobjecttypen", **base, zaaktype=zt1["url"]) == {a["url"], b["url"]}
    assert listed(api, "zaaktype-informatieobjecttypen", **base, informatieobjecttype=iot1["url"]) == \
        {a["url"], c["url"]}
    assert listed(api, "zaaktype-informatieobjecttypen", **base, zaaktype=zt1["url"], richting="uitgaand") == \
        {b["url"]}


def test_ziot_filter_richting_invalid(api):
    assert_problem(api.get("/zaaktype-informatieobjecttypen", params={"richting": "omhoog"}), 400,
                   field="richting")


def test_ziot_filter_status(api, make, catalogus):
    # concept pair
    zt_c = make.zaaktype(catalogus["url"])
    iot_c = make.informatieobjecttype(catalogus["url"])
    concept = make.ziot(zt_c["url"], iot_c["url"])
    # published pair: publish the informatieobjecttype, link, then publish the zaaktype
    zt_p = make.zaaktype(catalogus["url"])
    iot_p = make.publish(make.informatieobjecttype(catalogus["url"])["url"])
    published = make.ziot(zt_p["url"], iot_p["url"])
    make.publish(zt_p["url"])

    def got(**params):
        return listed(api, "zaaktype-informatieobjecttypen", **params, zaaktype=zt_c["url"]) | \
            listed(api, "zaaktype-informatieobjecttypen", **params, zaaktype=zt_p["url"])

    assert got(status="alles") == {concept["url"], published["url"]}
    assert got(status="definitief") == {published["url"]}
    assert got(status="concept") == {concept["url"]}
    assert got() == {published["url"]}
