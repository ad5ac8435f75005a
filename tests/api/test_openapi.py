"""The OpenAPI descriptions Thorbecke serves and its API documentation pages.

* Each ZGW component serves at <root>/schema/openapi.json and .yaml a description of what Thorbecke
  implements: the same document in both forms, `servers` the base URL the client used, exactly the
  operations the router serves (each answered, none 405), security as the server checks it.
* <root>/schema/ is a Swagger UI page; its assets are bundled into the binary and served by Thorbecke.
* The Beheer API (/beheer/api/v1) follows the NL API Design Rules: its OAS at <root>/openapi.json,
  an API-Version header on every response, problem+json errors, 404 for a trailing slash. Its responses
  are validated against src/app/beheer-openapi.json by contract.py like every other response.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from html.parser import HTMLParser

import pytest
import yaml

import zgw

COMPONENTS = {
    "catalogi": "/catalogi/api/v1",
    "zaken": "/zaken/api/v1",
    "besluiten": "/besluiten/api/v1",
    "documenten": "/documenten/api/v1",
    "autorisaties": "/autorisaties/api/v1",
    "notificaties": "/notificaties/api/v1",
}
BEHEER = "/beheer/api/v1"
METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


def _key(path: str) -> str:
    """Path template with parameter names dropped: the router matches by position."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def _fetch(http, server, root, fname, headers=None):
    resp = http.get(server.base_url + root + fname, headers=headers or {}, timeout=30)
    assert resp.status_code == 200, zgw.describe(resp)
    return resp


@pytest.fixture(scope="module")
def documents(server, http):
    """component -> (json document, yaml text) as served."""
    out = {}
    for name, root in COMPONENTS.items():
        j = _fetch(http, server, root, "/schema/openapi.json")
        y = _fetch(http, server, root, "/schema/openapi.yaml")
        assert j.headers["Content-Type"].startswith("application/json")
        assert y.headers["Content-Type"].startswith("application/vnd.oai.openapi")
        assert j.headers.get("Access-Control-Allow-Origin") == "*"
        out[name] = (j.json(), y.text)
    return out


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_yaml_and_json_are_the_same_document(documents, name):
    doc, text = documents[name]
    assert yaml.safe_load(text) == doc
    assert doc["openapi"].startswith("3.")
    assert doc["paths"], "no operations"


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_servers_is_the_base_url_the_client_used(server, http, documents, name):
    root = COMPONENTS[name]
    doc, _ = documents[name]
    assert doc["servers"][0]["url"] == server.base_url + root
    for fname in ("/schema/openapi.json", "/schema/openapi.yaml"):
        resp = _fetch(http, server, root, fname, headers={"Host": "zgw.example.test:8443"})
        served = yaml.safe_load(resp.text)
        assert [s["url"] for s in served["servers"]] == ["http://zgw.example.test:8443" + root]


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_version_security_and_thorbecke_note(server, http, documents, name):
    doc, _ = documents[name]
    # info.version: the standard's version, the one the API-version header names
    probe = http.get(server.base_url + COMPONENTS[name] + "/schema/openapi.json", timeout=30)
    assert doc["info"]["version"] == probe.headers["API-version"]
    assert doc["info"]["x-thorbecke"]["implementatie"] == "Thorbecke"
    assert re.fullmatch(r"\d+\.\d+\.\d+", doc["info"]["x-thorbecke"]["versie"])
    assert doc["info"]["description"].startswith("Geserveerd door Thorbecke")
    assert doc["components"]["securitySchemes"] == {"JWT-Claims": {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": doc["components"]["securitySchemes"]["JWT-Claims"]["description"]}}
    assert "HS256" in doc["components"]["securitySchemes"]["JWT-Claims"]["description"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            assert "security" in op, f"{method} {path}"
            for req in op["security"]:
                assert list(req) == ["JWT-Claims"], f"{method} {path}: {req}"
    # the documents themselves are public
    assert doc["paths"]["/schema/openapi.json"]["get"]["security"] == []


def test_cloudevents_not_served_is_not_described(documents):
    doc, _ = documents["notificaties"]
    assert "/cloudevents" not in doc["paths"]
    assert "/notificaties" in doc["paths"] and "post" in doc["paths"]["/notificaties"]


def _metrics_routes(http, server) -> set[tuple[str, str]]:
    text = http.get(server.base_url + "/metrics", timeout=30).text
    out = set()
    for m in re.finditer(r'^thorbecke_http_requests_total\{method="([A-Z]+)",route="([^"]+)"', text, re.M):
        out.add((m.group(1), _key(m.group(2))))
    return out


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_every_described_operation_is_served(server, http, admin, documents, name):
    """Every path+method the document lists reaches a route of the server (the metrics name the matched
    route; an unmatched request is counted as "unmatched") and is not answered 405; without path parameters
    it is not answered 404 either. Path parameters get a random UUID, bodies an empty object."""
    root = COMPONENTS[name]
    doc, _ = documents[name]
    some = str(uuidlib.uuid4())
    asked = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            url = root + re.sub(r"\{[^}]+\}", some, path)
            body = {} if method in ("post", "put", "patch") else None
            resp = admin.request(method.upper(), url, body, check=False)
            assert resp.status_code != 405, f"{method.upper()} {path}: {zgw.describe(resp)}"
            if "{" not in path:
                assert resp.status_code != 404, f"{method.upper()} {path}: {zgw.describe(resp)}"
            asked.append((method.upper(), _key(root + path)))
    routes = _metrics_routes(http, server)
    missing = [a for a in asked if a not in routes]
    assert not missing, f"described but not routed: {missing}"


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_secured_operations_refuse_anonymous_clients(anon, documents, name):
    """The security the document states is the one the server checks: a GET that needs a JWT gets 401
    without one; the public ones answer."""
    root = COMPONENTS[name]
    doc, _ = documents[name]
    for path, item in doc["paths"].items():
        op = item.get("get")
        if op is None or "{" in path:
            continue
        resp = anon.get(root + path, check=False)
        if op["security"]:
            assert resp.status_code == 401, f"GET {path}: {zgw.describe(resp)}"
        else:
            assert resp.status_code == 200, f"GET {path}: {zgw.describe(resp)}"


# ------------------------------------------------------------------------------------------------
# documentation pages
# ------------------------------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.anchors, self.inline_scripts, self.spec_url = [], [], [], 0, None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            else:
                self._in_script = True
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])
        elif tag == "a":
            self.anchors.append(a.get("href"))
        if a.get("data-spec-url"):
            self.spec_url = a["data-spec-url"]

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def _page(http, server, path):
    resp = http.get(server.base_url + path, timeout=30)
    assert resp.status_code == 200, zgw.describe(resp)
    assert resp.headers["Content-Type"].startswith("text/html")
    links = _Links()
    links.feed(resp.text)
    return resp, links


@pytest.mark.parametrize("name", list(COMPONENTS))
def test_documentation_page(server, http, documents, name):
    root = COMPONENTS[name]
    for path in (root + "/schema/", root + "/schema"):
        resp, links = _page(http, server, path)
        assert links.spec_url == root + "/schema/openapi.json"
        assert documents[name][0]["info"]["title"] in resp.text
        # no inline script, so the page's own strict policy holds
        assert links.inline_scripts == 0
        csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert len(links.scripts) == 2 and len(links.styles) == 1


def test_documentation_assets(server, http):
    _, links = _page(http, server, COMPONENTS["zaken"] + "/schema/")
    expect = {".js": "text/javascript", ".css": "text/css"}
    for url in links.scripts + links.styles:
        assert url.startswith("/static/swagger-ui/"), url
        resp = http.get(server.base_url + url, timeout=30)
        assert resp.status_code == 200, url
        ext = url[url.rfind("."):]
        assert resp.headers["Content-Type"].startswith(expect[ext]), (url, resp.headers["Content-Type"])
        assert "immutable" in resp.headers["Cache-Control"] and "max-age=31536000" in resp.headers["Cache-Control"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    bundle = http.get(server.base_url + links.scripts[0], timeout=30)
    assert len(bundle.content) > 1_000_000 and b"SwaggerUIBundle" in bundle.content
    init = http.get(server.base_url + links.scripts[1], timeout=30)
    assert b"data-spec-url" in init.content and b"validatorUrl: null" in init.content
    # the licence stays reachable from the page
    licence = [a for a in links.anchors if a and a.endswith("/LICENSE")]
    assert licence
    resp = http.get(server.base_url + licence[0], timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/plain")
    assert "Apache License" in resp.text
    unknown = http.get(server.base_url + "/static/swagger-ui/" + links.scripts[0].split("/")[3] + "/geen.js",
                       timeout=30)
    assert unknown.status_code == 404


def test_landing_page_links_documentation(server, http):
    resp = http.get(server.base_url + "/", timeout=30)
    links = _Links()
    links.feed(resp.text)
    for root in COMPONENTS.values():
        assert root + "/schema/" in links.anchors
    assert "/referentielijsten/api/v1/schema/" not in links.anchors  # it has no documentation page
    assert BEHEER + "/schema" in links.anchors and BEHEER + "/openapi.json" in links.anchors
    for href in links.anchors:
        if href and href.startswith("/"):
            assert http.get(server.base_url + href, timeout=30).status_code == 200, href


# ------------------------------------------------------------------------------------------------
# the Beheer API (NL API Design Rules)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def beheer_doc(server, http):
    j = _fetch(http, server, BEHEER, "/openapi.json")
    y = _fetch(http, server, BEHEER, "/openapi.yaml")
    doc = j.json()
    assert yaml.safe_load(y.text) == doc
    assert j.headers.get("Access-Control-Allow-Origin") == "*"
    return doc


def test_beheer_document(server, beheer_doc):
    assert beheer_doc["servers"][0]["url"] == server.base_url + BEHEER
    assert beheer_doc["info"]["contact"]["url"] == server.base_url + "/"
    assert set(beheer_doc["paths"]) == {
        "/openapi.json", "/openapi.yaml", "/health", "/readiness", "/metrics",
        "/notificaties/abonnementen", "/notificaties/abonnementen/{uuid}/afleveringen",
        "/notificaties/abonnementen/{uuid}/afleveringen/opnieuw"}


def _beheer_calls(admin):
    some = str(uuidlib.uuid4())
    anon = admin.anonymous()
    return [
        ("health", anon.get(BEHEER + "/health"), 200),
        ("readiness", anon.get(BEHEER + "/readiness"), 200),
        ("metrics", anon.get(BEHEER + "/metrics"), 200),
        ("abonnementen", admin.get(BEHEER + "/notificaties/abonnementen"), 200),
        ("abonnementen anonymous", anon.get(BEHEER + "/notificaties/abonnementen", check=True), 401),
        ("afleveringen unknown", admin.get(BEHEER + f"/notificaties/abonnementen/{some}/afleveringen"), 404),
        ("opnieuw unknown", admin.post(BEHEER + f"/notificaties/abonnementen/{some}/afleveringen/opnieuw", {}), 404),
        ("trailing slash", anon.get(BEHEER + "/health/"), 404),
        ("unknown path", anon.get(BEHEER + "/bestaat-niet"), 404),
    ]


def test_beheer_endpoints_follow_the_design_rules(admin, beheer_doc):
    """Every response: the API-Version header with info.version; errors as problem+json with status, title
    and detail; JSON responses validated against the Beheer OAS (contract.py, through the client)."""
    for what, resp, status in _beheer_calls(admin):
        assert resp.status_code == status, f"{what}: {zgw.describe(resp)}"
        assert resp.headers.get("API-Version") == beheer_doc["info"]["version"], what
        if status >= 400:
            assert resp.headers["Content-Type"] == "application/problem+json", what
            body = resp.json()
            assert body["status"] == status and body["title"] and body["detail"], what


def test_beheer_health_matches_the_probes(anon, http, server):
    assert anon.get(BEHEER + "/health").json() == anon.get("/healthz").json() == {"status": "ok"}
    assert anon.get(BEHEER + "/readiness").json() == anon.get("/readyz").json() == {"status": "ready"}
    metrics = anon.get(BEHEER + "/metrics")
    assert metrics.headers["Content-Type"].startswith("text/plain")
    assert "# TYPE thorbecke_http_requests_total counter" in metrics.text
    resp = anon.get(BEHEER + "/health")
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # the probes outside the API stay as operators and the benchmark use them
    for path in ("/healthz", "/readyz", "/metrics"):
        assert http.get(server.base_url + path, timeout=30).status_code == 200


def test_beheer_documentation_page(server, http):
    _, links = _page(http, server, BEHEER + "/schema")
    assert links.spec_url == BEHEER + "/openapi.json"
    assert http.get(server.base_url + BEHEER + "/schema/", timeout=30).status_code == 404


def test_zgw_apis_keep_accepting_a_trailing_slash(server, http):
    """Only the Beheer API refuses trailing slashes; ZGW clients send them and get the resource."""
    resp = http.get(server.base_url + COMPONENTS["zaken"] + "/schema/openapi.json/", timeout=30)
    assert resp.status_code == 200


def test_contract_checks_beheer_responses():
    import contract
    assert BEHEER in contract.API_SPECS
    with open(contract.API_SPECS[BEHEER], encoding="utf-8") as fh:
        doc = json.load(fh)
    assert doc["info"]["title"] == "Thorbecke Beheer API"
