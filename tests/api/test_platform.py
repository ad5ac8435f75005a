"""Platform behaviour: landing page, health, metrics, OAS serving, 404/405/413/415, malformed JSON,
ETag / If-None-Match / HEAD (catalogi.md "HTTP-Caching"), API-version header, demo mode."""

import json
import time

import pytest
import requests

from zgw import (CAT, Factory, assert_problem, assert_status, catalogus_payload, describe, make_jwt)

import conftest


def test_landing_page(anon):
    resp = anon.get("/")
    assert_status(resp, 200)
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "<html" in resp.text.lower()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health(anon, path):
    assert_status(anon.get(path), 200)


def test_metrics(anon, api):
    api.get("/catalogussen")
    resp = anon.get("/metrics")
    assert_status(resp, 200)
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert "thorbecke_http_requests_total" in resp.text
    # Prometheus text format: "# TYPE name counter" and samples "name{labels} value"
    assert "# TYPE thorbecke_http_requests_total" in resp.text
    samples = [ln for ln in resp.text.splitlines() if ln.startswith("thorbecke_http_requests_total")]
    assert samples and all(len(ln.rsplit(" ", 1)) == 2 for ln in samples)
    float(samples[0].rsplit(" ", 1)[1])


def test_oas_served(anon):
    resp = anon.get(CAT + "/schema/openapi.yaml")
    assert_status(resp, 200)
    assert "/zaaktypen" in resp.text


@pytest.mark.parametrize("path", ["/bestaat-niet", CAT + "/bestaat-niet", CAT + "/zaaktypen/x/y/z",
                                  "/referentielijsten/api/v1/bestaat-niet"])
def test_unknown_path_is_404_problem(api, path):
    resp = api.get(path)
    assert_problem(resp, 404)


@pytest.mark.parametrize("method,path", [
    ("DELETE", "/catalogussen"), ("PUT", "/zaaktypen"), ("PATCH", "/statustypen"),
    ("GET", "/zaaktypen/00000000-0000-4000-8000-000000000000/publish"),
    ("POST", "/zaaktypen/00000000-0000-4000-8000-000000000000"),
    ("POST", "/referentielijsten/api/v1/procestypen"),
])
def test_unsupported_method_is_405(api, method, path):
    resp = api.request(method, path, {} if method in ("PUT", "PATCH", "POST") else None)
    assert resp.status_code == 405, describe(resp)


def test_malformed_json_is_400(api):
    resp = api.request("POST", "/catalogussen", data='{"domein": "ABC", ')
    assert_problem(resp, 400)


def test_json_not_an_object_is_400(api):
    resp = api.request("POST", "/catalogussen", data='"tekst"')
    assert_problem(resp, 400)


def test_empty_body_on_create_is_400(api):
    resp = api.request("POST", "/catalogussen", data="")
    assert_problem(resp, 400)


def test_wrong_content_type_is_415(api):
    resp = api.request("POST", "/catalogussen", data=json.dumps(catalogus_payload()),
                       headers={"Content-Type": "text/plain"})
    assert_problem(resp, 415)


def test_body_over_limit_is_413(tmp_path_factory):
    """On its own server, so that a crash does not take the module's server down."""
    srv = conftest.start_server(tmp_path_factory, "sqlite")
    try:
        api = srv.client("beheer")
        big = catalogus_payload(naam="x" * (1024 * 1024 + 10))
        try:
            resp = api.request("POST", "/catalogussen", data=json.dumps(big))
        except requests.ConnectionError as exc:
            pytest.fail(f"connection dropped instead of a 413 response: {exc}")
        assert resp.status_code == 413, describe(resp)
        assert resp.headers.get("Content-Type", "").startswith("application/problem+json")
        # the server keeps serving
        time.sleep(0.2)
        assert srv.proc.poll() is None, "server died after the oversized request:\n" + srv.stderr_tail()
        assert_status(api.get("/catalogussen"), 200)
        ok = api.post("/catalogussen", catalogus_payload())
        assert_status(ok, 201)
    finally:
        srv.stop()
        srv.cleanup()


def test_body_just_under_limit_is_accepted_by_the_parser(api):
    # ~900 KiB: parsed (then rejected by validation because naam is too long), not 413
    big = catalogus_payload(naam="x" * (900 * 1024))
    resp = api.request("POST", "/catalogussen", data=json.dumps(big))
    assert_problem(resp, 400, field="naam")


def test_api_version_header(api):
    resp = api.get("/catalogussen")
    assert_status(resp, 200)
    assert resp.headers.get("API-version", "").startswith("1.3"), resp.headers


# ------------------------------------------------------------------------------------------------
# ETag / If-None-Match / HEAD for every detail resource
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def detail_objects(api):
    make = Factory(api)
    cat = make.catalogus()
    zt = make.zaaktype(cat["url"])
    iot = make.informatieobjecttype(cat["url"])
    return {
        "catalogussen": cat,
        "zaaktypen": zt,
        "statustypen": make.statustype(zt["url"]),
        "roltypen": make.roltype(zt["url"]),
        "resultaattypen": make.resultaattype(zt["url"]),
        "eigenschappen": make.eigenschap(zt["url"]),
        "zaakobjecttypen": make.zaakobjecttype(zt["url"]),
        "informatieobjecttypen": iot,
        "besluittypen": make.besluittype(cat["url"]),
        "zaaktype-informatieobjecttypen": make.ziot(zt["url"], iot["url"]),
    }


KINDS = ["catalogussen", "zaaktypen", "statustypen", "roltypen", "resultaattypen", "eigenschappen",
         "zaakobjecttypen", "informatieobjecttypen", "besluittypen", "zaaktype-informatieobjecttypen"]


@pytest.mark.parametrize("kind", KINDS)
def test_etag_and_conditional_get(api, detail_objects, kind):
    url = detail_objects[kind]["url"]
    resp = api.get(url)
    assert_status(resp, 200)
    etag = resp.headers.get("ETag")
    assert etag, f"no ETag on GET {url}"
    assert etag.startswith('"') or etag.startswith('W/"'), etag
    assert api.get(url).headers.get("ETag") == etag, "ETag must be stable"

    cached = api.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304, describe(cached)
    assert cached.content == b""
    assert cached.headers.get("ETag") == etag

    several = api.get(url, headers={"If-None-Match": f'"00000000000000000000000000000000", {etag}'})
    assert several.status_code == 304, describe(several)

    other = api.get(url, headers={"If-None-Match": '"ffffffffffffffffffffffffffffffff"'})
    assert_status(other, 200)
    assert other.json() == resp.json()


@pytest.mark.parametrize("kind", KINDS)
def test_head(api, detail_objects, kind):
    url = detail_objects[kind]["url"]
    get = api.get(url)
    head = api.head(url)
    assert_status(head, 200)
    assert head.content == b""
    assert head.headers.get("ETag") == get.headers.get("ETag")
    assert head.headers.get("Content-Type") == get.headers.get("Content-Type")
    head304 = api.head(url, headers={"If-None-Match": get.headers["ETag"]})
    assert head304.status_code == 304


def test_etag_changes_after_update(api):
    make = Factory(api)
    zt = make.zaaktype()
    before = api.get(zt["url"]).headers["ETag"]
    assert_status(api.patch(zt["url"], {"toelichting": "gewijzigd voor etag"}), 200)
    after = api.get(zt["url"])
    assert after.headers["ETag"] != before
    assert_status(api.get(zt["url"], headers={"If-None-Match": before}), 200)


def test_etag_changes_when_child_added(api):
    # the zaaktype's JSON lists its statustypen, so its ETag changes
    make = Factory(api)
    zt = make.zaaktype()
    before = api.get(zt["url"]).headers["ETag"]
    make.statustype(zt["url"])
    assert api.get(zt["url"]).headers["ETag"] != before


def test_etag_depends_on_host(api, detail_objects, server):
    url = detail_objects["zaaktypen"]["url"]
    a = api.get(url).headers["ETag"]
    b = api.get(url, headers={"Host": f"localhost:{server.port}"}).headers["ETag"]
    assert a != b, "equivalent representations at different endpoints must have different ETags"


def test_head_unknown_is_404(api):
    resp = api.head("/zaaktypen/00000000-0000-4000-8000-000000000000")
    assert resp.status_code == 404
    assert resp.content == b""


# ------------------------------------------------------------------------------------------------
# demo mode
# ------------------------------------------------------------------------------------------------
def test_demo_mode(tmp_path_factory):
    srv = conftest.start_server(tmp_path_factory, "sqlite", demo=True, with_clients=False)
    try:
        token = make_jwt("demo", "demo-secret")
        resp = requests.get(srv.base_url + CAT + "/catalogussen", headers={"Authorization": f"Bearer {token}"},
                            timeout=30)
        assert resp.status_code == 200, resp.text
        assert resp.json()["count"] >= 1, "--demo loads demo data"
        zt = requests.get(srv.base_url + CAT + "/zaaktypen", params={"status": "alles"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert zt.status_code == 200 and zt.json()["count"] >= 1, zt.text
    finally:
        srv.stop()
        srv.cleanup()


def test_sigterm_stops_server(tmp_path_factory):
    srv = conftest.start_server(tmp_path_factory, "sqlite", with_clients=False)
    srv.stop()
    assert srv.proc.returncode is not None
    assert srv.proc.returncode in (0, -15, 143), srv.proc.returncode


def test_data_persists_across_restart(tmp_path_factory):
    srv = conftest.start_server(tmp_path_factory, "sqlite")
    try:
        api = srv.client("beheer")
        cat = Factory(api).catalogus()
        srv.stop()
        srv.start()
        api = srv.client("beheer")
        got = api.get(cat["url"].replace(cat["url"].split("/catalogi/")[0], srv.base_url))
        assert_status(got, 200)
        assert got.json()["rsin"] == cat["rsin"]
    finally:
        srv.stop()
        srv.cleanup()
