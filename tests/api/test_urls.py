"""Resource URLs follow the host the client used; behind a trusted proxy, X-Forwarded-Proto/Host."""
import json
import time

import pytest
import requests

import zgw
from conftest import CLIENTS, Server, thorbecke_bin


def token():
    secret, _ = CLIENTS["beheer"]
    return zgw.make_jwt("beheer", secret)


def get(server, path, **headers):
    headers.setdefault("Authorization", f"Bearer {token()}")
    return requests.get(f"http://127.0.0.1:{server.port}{path}", headers=headers, timeout=10)


def test_urls_follow_the_host_header(api, make, server):
    cat = make.catalogus()
    path = cat["url"].split("/", 3)[3]
    r = get(server, "/" + path, Host="zaken.gemeente.example:8443")
    assert r.status_code == 200
    assert r.json()["url"] == f"http://zaken.gemeente.example:8443/{path}"


def test_forwarded_headers_are_ignored_unless_trusted(api, make, server):
    cat = make.catalogus()
    path = cat["url"].split("/", 3)[3]
    r = get(server, "/" + path, **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert "evil.example" not in r.json()["url"]


def test_invalid_host_header_is_400(server):
    r = get(server, "/catalogi/api/v1/catalogussen", Host='bad"host')
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/problem+json")


@pytest.fixture(scope="module")
def proxied(server, tmp_path_factory):
    """A node behind a proxy it trusts, on the same database."""
    node = Server(thorbecke_bin(), "sqlite", tmp_path_factory.mktemp("proxied"))
    node.db_url = server.db_url
    node.extra_args = ["--trust-forwarded"]
    node.start()
    yield node
    node.stop()


def test_trusted_proxy_headers_build_the_urls(api, make, proxied):
    cat = make.catalogus()
    path = cat["url"].split("/", 3)[3]
    r = get(proxied, "/" + path, **{"X-Forwarded-Host": "api.provincie.example", "X-Forwarded-Proto": "https"})
    assert r.status_code == 200
    assert r.json()["url"] == f"https://api.provincie.example/{path}"


def test_access_log_has_no_query_string_or_token(api, server):
    marker = "999999990"  # a BSN-shaped value in a query string must not reach the log
    api.get(f"/zaaktypen?identificatie={marker}")
    size_before = server.stderr_size()
    api.get(f"/zaaktypen?identificatie={marker}")
    # The line is written just after the response is sent: give it a moment.
    deadline = time.monotonic() + 5
    while True:
        log = server.stderr_tail(since=size_before)
        lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
        requests_logged = [entry for entry in lines if entry.get("msg") == "request"]
        if requests_logged or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert requests_logged, log
    assert requests_logged[-1]["route"] == "/catalogi/api/v1/zaaktypen"
    assert requests_logged[-1]["client_id"] == "beheer"
    assert marker not in log
    assert "Bearer" not in log
