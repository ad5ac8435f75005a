"""Catalogussen: list (filters, pagination), create, retrieve, validation.

The Catalogi API 1.3.1 OAS (as Open Zaak serves it) has only list/create/read/head for catalogussen;
PUT/PATCH/DELETE are not operations of the API and must be refused (405)."""

import re

import pytest

from zgw import (ERROR_CODES, assert_problem, assert_status, catalogus_payload, domein, rsin,
                 uniq)

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_create_returns_resource(api):
    body = catalogus_payload(contactpersoonBeheerEmailadres="beheer@example.com",
                             contactpersoonBeheerTelefoonnummer="0201234567")
    resp = api.post("/catalogussen", body)
    assert_status(resp, 201)
    assert resp.headers["Content-Type"].startswith("application/json")
    data = resp.json()
    assert re.fullmatch(re.escape(api.cat("/catalogussen/")) + UUID_RE, data["url"]), data["url"]
    for key, value in body.items():
        assert data[key] == value, (key, data[key], value)
    assert data["zaaktypen"] == []
    assert data["besluittypen"] == []
    assert data["informatieobjecttypen"] == []


def test_retrieve(api, make):
    cat = make.catalogus()
    resp = api.get(cat["url"])
    assert_status(resp, 200)
    assert resp.json() == cat


def test_retrieve_unknown_uuid_is_404(api):
    resp = api.get("/catalogussen/3f2b2b4e-7b7a-4b8e-9e0e-6f1f5e0b1a11")
    assert_problem(resp, 404)


def test_catalogus_lists_its_types(api, make):
    cat = make.catalogus()
    zt = make.zaaktype(cat["url"])
    iot = make.informatieobjecttype(cat["url"])
    bt = make.besluittype(cat["url"])
    data = api.get(cat["url"]).json()
    assert data["zaaktypen"] == [zt["url"]]
    assert data["informatieobjecttypen"] == [iot["url"]]
    assert data["besluittypen"] == [bt["url"]]


def test_url_uses_request_host(api, make, server):
    cat = make.catalogus()
    resp = api.get(cat["url"], headers={"Host": f"localhost:{server.port}"})
    assert_status(resp, 200)
    assert resp.json()["url"].startswith(f"http://localhost:{server.port}/catalogi/api/v1/catalogussen/")


# ------------------------------------------------------------------------------------------------
# list + filters
# ------------------------------------------------------------------------------------------------
def test_list_contains_created(api, make):
    cat = make.catalogus()
    urls = [c["url"] for c in api.list_all("/catalogussen")]
    assert cat["url"] in urls


def test_filter_domein(api, make):
    a = make.catalogus()
    b = make.catalogus()
    resp = api.get("/catalogussen", params={"domein": a["domein"]})
    assert_status(resp, 200)
    urls = [c["url"] for c in resp.json()["results"]]
    assert a["url"] in urls and b["url"] not in urls
    assert all(c["domein"] == a["domein"] for c in resp.json()["results"])
    assert resp.json()["count"] == len(urls)


def test_filter_domein_in(api, make):
    a, b, c = make.catalogus(), make.catalogus(), make.catalogus()
    resp = api.get("/catalogussen", params={"domein__in": f"{a['domein']},{b['domein']}"})
    assert_status(resp, 200)
    urls = {x["url"] for x in resp.json()["results"]}
    assert {a["url"], b["url"]} <= urls
    assert c["url"] not in urls
    assert all(x["domein"] in (a["domein"], b["domein"]) for x in resp.json()["results"])


def test_filter_rsin(api, make):
    a, b = make.catalogus(), make.catalogus()
    resp = api.get("/catalogussen", params={"rsin": a["rsin"]})
    assert_status(resp, 200)
    urls = [x["url"] for x in resp.json()["results"]]
    assert a["url"] in urls and b["url"] not in urls
    assert all(x["rsin"] == a["rsin"] for x in resp.json()["results"])


def test_filter_rsin_in(api, make):
    a, b, c = make.catalogus(), make.catalogus(), make.catalogus()
    resp = api.get("/catalogussen", params={"rsin__in": f"{a['rsin']},{c['rsin']}"})
    assert_status(resp, 200)
    urls = {x["url"] for x in resp.json()["results"]}
    assert {a["url"], c["url"]} <= urls
    assert b["url"] not in urls


def test_filter_no_match_is_empty(api):
    resp = api.get("/catalogussen", params={"domein": "QQQQQ", "rsin": "000000000"})
    assert_status(resp, 200)
    assert resp.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_unknown_query_parameter_is_400(api):
    resp = api.get("/catalogussen", params={"bestaatniet": "x"})
    assert_problem(resp, 400, code=ERROR_CODES["unknown_parameters"])


# ------------------------------------------------------------------------------------------------
# pagination (page size 100)
# ------------------------------------------------------------------------------------------------
def test_pagination(api, make):
    have = api.get("/catalogussen").json()["count"]
    for _ in range(max(0, 101 - have)):
        make.catalogus()
    first = api.get("/catalogussen")
    assert_status(first, 200)
    body = first.json()
    total = body["count"]
    assert total >= 101
    assert len(body["results"]) == 100
    assert body["previous"] is None
    assert body["next"] is not None and "page=2" in body["next"]
    assert body["next"].startswith(api.cat("/catalogussen"))

    again = api.get("/catalogussen", params={"page": 1})
    assert_status(again, 200)
    assert again.json()["results"] == body["results"]

    second = api.get(body["next"])
    assert_status(second, 200)
    b2 = second.json()
    assert b2["count"] == total
    assert len(b2["results"]) == min(100, total - 100)
    assert b2["previous"] is not None
    assert not ({x["url"] for x in body["results"]} & {x["url"] for x in b2["results"]})

    last_page = (total + 99) // 100
    beyond = api.get("/catalogussen", params={"page": last_page + 1})
    assert_problem(beyond, 404)


def test_page_size_parameter(api, make):
    d = domein()
    # three catalogi in one domein (domein need not be unique; rsin differs)
    for _ in range(3):
        make.catalogus(domein=d)
    resp = api.get("/catalogussen", params={"domein": d, "pageSize": 2})
    assert_status(resp, 200)
    body = resp.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    nxt = api.get(body["next"])
    assert_status(nxt, 200)
    assert len(nxt.json()["results"]) == 1


def test_page_zero_or_garbage_is_404(api):
    assert_problem(api.get("/catalogussen", params={"page": 0}), 404)
    assert_problem(api.get("/catalogussen", params={"page": "abc"}), 404)


# ------------------------------------------------------------------------------------------------
# operations that do not exist for catalogussen
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_detail_write_methods_not_allowed(api, make, method):
    cat = make.catalogus()
    body = catalogus_payload() if method != "DELETE" else None
    resp = api.request(method, cat["url"], body)
    assert resp.status_code == 405, resp.text
    assert api.get(cat["url"]).json() == cat


# ------------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------------
def _without(key):
    body = catalogus_payload()
    body.pop(key)
    return body


INVALID = [
    ("missing-domein", lambda: _without("domein"), "domein", ERROR_CODES["required"]),
    ("missing-rsin", lambda: _without("rsin"), "rsin", ERROR_CODES["required"]),
    ("missing-contactpersoon", lambda: _without("contactpersoonBeheerNaam"), "contactpersoonBeheerNaam",
     ERROR_CODES["required"]),
    ("domein-too-long", lambda: catalogus_payload(domein="ABCDEF"), "domein", ERROR_CODES["max_length"]),
    ("naam-too-long", lambda: catalogus_payload(naam="x" * 201), "naam", ERROR_CODES["max_length"]),
    ("contactpersoon-too-long", lambda: catalogus_payload(contactpersoonBeheerNaam="x" * 41),
     "contactpersoonBeheerNaam", ERROR_CODES["max_length"]),
    ("rsin-too-short", lambda: catalogus_payload(rsin="12345678"), "rsin", None),
    ("rsin-too-long", lambda: catalogus_payload(rsin="1234567890"), "rsin", None),
    ("domein-wrong-type", lambda: catalogus_payload(domein=["ABC"]), "domein", None),
    ("contactpersoon-wrong-type", lambda: catalogus_payload(contactpersoonBeheerNaam={"naam": "x"}),
     "contactpersoonBeheerNaam", None),
    ("email-invalid", lambda: catalogus_payload(contactpersoonBeheerEmailadres="geen-emailadres"),
     "contactpersoonBeheerEmailadres", None),
    ("begindatum-invalid", lambda: catalogus_payload(begindatumVersie="2024-02-30"), "begindatumVersie", None),
    ("begindatum-not-a-date", lambda: catalogus_payload(begindatumVersie="gisteren"), "begindatumVersie", None),
    ("domein-empty", lambda: catalogus_payload(domein=""), "domein", None),
    ("contactpersoon-null", lambda: catalogus_payload(contactpersoonBeheerNaam=None),
     "contactpersoonBeheerNaam", None),
]


@pytest.mark.parametrize("name,make_body,field,code", INVALID, ids=[x[0] for x in INVALID])
def test_create_invalid(api, name, make_body, field, code):
    resp = api.post("/catalogussen", make_body())
    assert_problem(resp, 400, field=field, code=code)


def test_create_body_not_an_object(api):
    resp = api.post("/catalogussen", [catalogus_payload()])
    assert_problem(resp, 400)


def test_read_only_fields_are_ignored(api):
    body = catalogus_payload(url="http://evil.example.com/x", zaaktypen=["http://evil.example.com/zt"])
    resp = api.post("/catalogussen", body)
    assert_status(resp, 201)
    data = resp.json()
    assert data["url"].startswith(api.cat("/catalogussen/"))
    assert data["zaaktypen"] == []


def test_unique_name_helpers_are_valid():
    # sanity of the suite's own generators
    for _ in range(50):
        r = rsin()
        assert len(r) == 9 and r.isdigit()
        total = sum(int(d) * w for d, w in zip(r[:8], range(9, 1, -1))) - int(r[8])
        assert total % 11 == 0
    assert len(domein()) == 5
    assert uniq("x").startswith("x")
