"""Autorisaties API 1.0.0 (/autorisaties/api/v1), black-box over HTTP on both engines.

* applicaties: CRUD, the `clientIds` filter, paging, `consumer?clientId=`, the answers against the OAS;
* the standard's rules: ac-001 (a client id belongs to one applicatie; codes as the VNG Postman suite asserts:
  clientIds / clientId-exists), ac-002 (heeftAlleAutorisaties xor autorisaties: nonFieldErrors
  ambiguous-authorizations-specified / missing-authorizations), ac-003 (zaaktype/informatieobjecttype/besluittype
  and maxVertrouwelijkheidaanduiding required for scopes of the component's main resource: `required`);
* scopes: autorisaties.lezen to read, autorisaties.bijwerken to write (component ac);
* the applicaties are the rights every other API checks: a change through this API is obeyed by the very next
  request, on this node and (PostgreSQL: as soon as the commit's notification arrives) on a second node;
* the CLI (`clients add/secret/list/remove`) works on the same applicaties, and a database of the schema before
  applicaties keeps its clients.

The server runs with the default auth cache (no --auth-cache-ms 0): freshness must not depend on it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time

import pytest

import conftest
import contract
import zaken_support as zs
import zgw
from test_nodes import second  # noqa: F401  (fixture: a second node on the same database)
from zgw import assert_problem, assert_status, describe, uniq

AC = "/autorisaties/api/v1"

AC_CLIENTS = {
    "ac-lezer": ("ac-lezer-secret", ["ac:autorisaties.lezen"]),
    "ac-beheer": ("ac-beheer-secret", ["ac:autorisaties.lezen", "ac:autorisaties.bijwerken"]),
    "ac-schrijver": ("ac-schrijver-secret", ["ac:autorisaties.bijwerken"]),
}


def _add_clients(srv):
    conftest.add_standard_clients(srv, "admin", "beheer")
    for cid, (secret, scopes) in AC_CLIENTS.items():
        srv.add_client(cid, secret, scopes)


server = conftest.server_fixture(add_clients=_add_clients)


def _api(server, http, cid):
    return zgw.Api(server.base_url, cid, AC_CLIENTS[cid][0], http)


@pytest.fixture(scope="module")
def ac(server, http):
    return _api(server, http, "ac-beheer")


@pytest.fixture(scope="module")
def setup(admin):
    """Two published zaaktypen (each with a zaak, openbaar) for the rights tests."""
    first = zs.Setup(admin)
    second = zs.Setup(admin, catalogus=first.catalogus)
    zrc = zs.Zrc(admin)
    zaak_a = zrc.create("/zaken", zs.zaak_payload(first.zaaktype, vertrouwelijkheidaanduiding="openbaar"))
    zaak_b = zrc.create("/zaken", zs.zaak_payload(second.zaaktype, vertrouwelijkheidaanduiding="openbaar"))
    return {"zaaktype_a": first.zaaktype, "zaaktype_b": second.zaaktype, "zaak_a": zaak_a["url"],
            "zaak_b": zaak_b["url"]}


def zrc_autorisatie(zaaktype, scopes=("zaken.lezen",), maximum="openbaar"):
    return {"component": "zrc", "scopes": list(scopes), "zaaktype": zaaktype,
            "maxVertrouwelijkheidaanduiding": maximum}


def applicatie(client_ids=None, **over):
    body = {"clientIds": client_ids or [uniq("app-")], "label": "Test applicatie",
            "autorisaties": [{"component": "ztc", "scopes": ["catalogi.lezen"]}]}
    body.update(over)
    return body


def create(ac, body):
    resp = ac.post(AC + "/applicaties", body)
    assert resp.status_code == 201, describe(resp)
    return resp.json()


def codes(resp):
    return sorted((p["name"], p["code"]) for p in resp.json().get("invalidParams") or [])


# ------------------------------------------------------------------------------------------------
# CRUD, filters, consumer
# ------------------------------------------------------------------------------------------------
def test_create_read_update_delete(ac):
    ids = [uniq("a-"), uniq("b-")]
    body = applicatie(ids, autorisaties=[
        zrc_autorisatie("https://example.com/catalogi/api/v1/zaaktypen/1", ["zaken.lezen", "zaken.aanmaken"]),
        {"component": "drc", "componentWeergave": "genegeerd", "scopes": ["documenten.lezen"],
         "informatieobjecttype": "https://example.com/catalogi/api/v1/informatieobjecttypen/1",
         "maxVertrouwelijkheidaanduiding": "geheim"},
        {"component": "brc", "scopes": ["besluiten.lezen"],
         "besluittype": "https://example.com/catalogi/api/v1/besluittypen/1"},
        {"component": "ztc", "scopes": ["catalogi.lezen"]},
    ])
    resp = ac.post(AC + "/applicaties", body)
    assert resp.status_code == 201, describe(resp)
    app = resp.json()
    assert resp.headers["Location"] == app["url"]
    assert app["url"].startswith(ac.base_url + AC + "/applicaties/")
    assert app["clientIds"] == ids
    assert app["label"] == "Test applicatie"
    assert app["heeftAlleAutorisaties"] is False
    assert app["autorisaties"] == [
        {"component": "zrc", "componentWeergave": "Zaken API", "scopes": ["zaken.lezen", "zaken.aanmaken"],
         "zaaktype": "https://example.com/catalogi/api/v1/zaaktypen/1", "maxVertrouwelijkheidaanduiding": "openbaar"},
        {"component": "drc", "componentWeergave": "Documenten API", "scopes": ["documenten.lezen"],
         "informatieobjecttype": "https://example.com/catalogi/api/v1/informatieobjecttypen/1",
         "maxVertrouwelijkheidaanduiding": "geheim"},
        {"component": "brc", "componentWeergave": "Besluiten API", "scopes": ["besluiten.lezen"],
         "besluittype": "https://example.com/catalogi/api/v1/besluittypen/1"},
        {"component": "ztc", "componentWeergave": "Catalogi API", "scopes": ["catalogi.lezen"]},
    ]
    got = ac.get(app["url"])
    assert_status(got, 200)
    assert got.json() == app
    assert got.headers.get("API-version") == "1.0.0"
    assert ac.get(app["url"], headers={"If-None-Match": got.headers["ETag"]}).status_code == 304

    # PUT replaces everything: all rights, no autorisaties, one client id.
    put = ac.put(app["url"], {"clientIds": ids[:1], "label": "Nieuw", "heeftAlleAutorisaties": True})
    assert put.status_code == 200, describe(put)
    assert put.json()["clientIds"] == ids[:1]
    assert put.json()["heeftAlleAutorisaties"] is True
    assert put.json()["autorisaties"] == []
    # PATCH changes what it names.
    patch = ac.patch(app["url"], {"label": "Gepatcht"})
    assert patch.status_code == 200, describe(patch)
    assert patch.json()["label"] == "Gepatcht" and patch.json()["heeftAlleAutorisaties"] is True
    patch = ac.patch(app["url"], {"heeftAlleAutorisaties": False, "autorisaties": [
        {"component": "ac", "scopes": ["autorisaties.lezen"]}]})
    assert patch.status_code == 200, describe(patch)
    assert patch.json()["autorisaties"] == [
        {"component": "ac", "componentWeergave": "Autorisaties API", "scopes": ["autorisaties.lezen"]}]
    assert ac.get(app["url"]).json() == patch.json()

    assert ac.delete(app["url"]).status_code == 204
    assert_problem(ac.get(app["url"]), 404)
    assert_problem(ac.delete(app["url"]), 404)
    assert_problem(ac.put(app["url"], applicatie()), 404)
    assert_problem(ac.get(AC + "/applicaties/niet-een-uuid"), 404)


def test_list_filter_and_paging(ac):
    a = create(ac, applicatie([uniq("fa-"), uniq("fb-")]))
    b = create(ac, applicatie([uniq("fc-")]))
    hit = ac.get(AC + "/applicaties", params={"clientIds": a["clientIds"][1]})
    assert_status(hit, 200)
    assert hit.json()["count"] == 1 and hit.json()["results"][0] == a
    both = ac.get(AC + "/applicaties", params={"clientIds": ",".join(a["clientIds"])})
    assert [x["url"] for x in both.json()["results"]] == [a["url"]]
    # every id must belong to the applicatie: no applicatie has ids of two applicaties
    mixed = ac.get(AC + "/applicaties", params={"clientIds": a["clientIds"][0] + "," + b["clientIds"][0]})
    assert mixed.json()["count"] == 0
    assert ac.get(AC + "/applicaties", params={"clientIds": "bestaat-niet"}).json()["count"] == 0

    everything = ac.get(AC + "/applicaties")
    assert_status(everything, 200)
    total = everything.json()["count"]
    assert total >= 2
    # newest first
    urls = [x["url"] for x in everything.json()["results"]]
    assert urls.index(b["url"]) < urls.index(a["url"])
    page = ac.get(AC + "/applicaties", params={"pageSize": 1})
    assert page.json()["count"] == total and len(page.json()["results"]) == 1
    assert page.json()["next"].endswith("?pageSize=1&page=2") and page.json()["previous"] is None
    second = ac.get(page.json()["next"])
    assert_status(second, 200)
    assert second.json()["results"][0]["url"] == urls[1]
    assert_problem(ac.get(AC + "/applicaties", params={"page": total + 1, "pageSize": 1}), 404)


def test_list_refuses_unknown_parameters(ac):
    assert_problem(ac.get(AC + "/applicaties", params={"clientId": "x"}), 400, "nonFieldErrors",
                   "unknown-parameters")
    assert_problem(ac.get(AC + "/applicaties/consumer", params={"clientId": "x", "label": "y"}), 400,
                   "nonFieldErrors", "unknown-parameters")


def _applicatie_schema():
    spec = contract._Spec(contract.specs_dir() / "autorisaties.yaml")
    return spec.validator({"$ref": "#/components/schemas/Applicatie"})


def test_consumer(ac):
    app = create(ac, applicatie([uniq("ca-"), uniq("cb-")]))
    # The reference implementation answers the one applicatie of the client id (a client id belongs to one
    # applicatie, ac-001) as an object, although its OAS lists an array: checked against Applicatie here.
    resp = ac.get(AC + "/applicaties/consumer", params={"clientId": app["clientIds"][1]}, check=False)
    assert_status(resp, 200)
    assert resp.json() == app
    if contract.specs_dir().is_dir():
        _applicatie_schema().validate(resp.json())
    assert_problem(ac.get(AC + "/applicaties/consumer", params={"clientId": "bestaat-niet"}), 404)
    assert_problem(ac.get(AC + "/applicaties/consumer"), 400, "clientId", "required")


# ------------------------------------------------------------------------------------------------
# rules
# ------------------------------------------------------------------------------------------------
def test_ac_001_client_id_belongs_to_one_applicatie(ac):
    app = create(ac, applicatie([uniq("u1-"), uniq("u2-")]))
    taken = app["clientIds"][0]
    # (ac-001b) a client id of another applicatie
    resp = ac.post(AC + "/applicaties", applicatie([taken], heeftAlleAutorisaties=True, autorisaties=[]))
    assert_problem(resp, 400, "clientIds", "clientId-exists")
    # twice in one request
    twice = uniq("tw-")
    assert_problem(ac.post(AC + "/applicaties", applicatie([twice, twice])), 400, "clientIds", "clientId-exists")
    other = create(ac, applicatie([uniq("u3-")]))
    assert_problem(ac.patch(other["url"], {"clientIds": [taken]}), 400, "clientIds", "clientId-exists")
    assert_problem(ac.put(other["url"], applicatie([uniq("u4-"), taken])), 400, "clientIds", "clientId-exists")
    # an applicatie keeps its own client ids on update
    assert_status(ac.patch(app["url"], {"clientIds": app["clientIds"] + [uniq("u5-")]}), 200)
    # once freed, a client id can be used again
    assert_status(ac.patch(app["url"], {"clientIds": [app["clientIds"][1]]}), 200)
    assert_status(ac.patch(other["url"], {"clientIds": [taken]}), 200)


def test_ac_002_all_rights_xor_autorisaties(ac, setup):
    # (ac-002a)
    resp = ac.post(AC + "/applicaties", applicatie(heeftAlleAutorisaties=True,
                                                   autorisaties=[zrc_autorisatie(setup["zaaktype_a"])]))
    assert_problem(resp, 400, "nonFieldErrors", "ambiguous-authorizations-specified")
    # (ac-002b), with an empty list and without the field
    resp = ac.post(AC + "/applicaties", applicatie(heeftAlleAutorisaties=False, autorisaties=[]))
    assert_problem(resp, 400, "nonFieldErrors", "missing-authorizations")
    resp = ac.post(AC + "/applicaties", {"clientIds": [uniq("m-")], "label": "x"})
    assert_problem(resp, 400, "nonFieldErrors", "missing-authorizations")
    # on update, against what the applicatie then is
    app = create(ac, applicatie())
    assert_problem(ac.patch(app["url"], {"heeftAlleAutorisaties": True}), 400, "nonFieldErrors",
                   "ambiguous-authorizations-specified")
    assert_problem(ac.patch(app["url"], {"autorisaties": []}), 400, "nonFieldErrors", "missing-authorizations")
    assert_status(ac.patch(app["url"], {"heeftAlleAutorisaties": True, "autorisaties": []}), 200)
    assert_problem(ac.put(app["url"], {"clientIds": app["clientIds"], "label": "x"}), 400, "nonFieldErrors",
                   "missing-authorizations")


@pytest.mark.parametrize("autorisatie,expected", [
    # (ac-003a)
    ({"component": "zrc", "scopes": ["zaken.lezen"], "zaaktype": "", "maxVertrouwelijkheidaanduiding": ""},
     [("autorisaties.0.maxVertrouwelijkheidaanduiding", "required"), ("autorisaties.0.zaaktype", "required")]),
    ({"component": "zrc", "scopes": ["zaken.aanmaken"], "maxVertrouwelijkheidaanduiding": "openbaar"},
     [("autorisaties.0.zaaktype", "required")]),
    # (ac-003c)
    ({"component": "drc", "scopes": ["documenten.lezen"], "informatieobjecttype": "",
      "maxVertrouwelijkheidaanduiding": ""},
     [("autorisaties.0.informatieobjecttype", "required"),
      ("autorisaties.0.maxVertrouwelijkheidaanduiding", "required")]),
    # (ac-003e)
    ({"component": "brc", "scopes": ["besluiten.lezen"], "besluittype": ""},
     [("autorisaties.0.besluittype", "required")]),
])
def test_ac_003_required_fields(ac, autorisatie, expected):
    resp = ac.post(AC + "/applicaties", applicatie(autorisaties=[autorisatie]))
    assert resp.status_code == 400, describe(resp)
    assert codes(resp) == expected


@pytest.mark.parametrize("autorisatie", [
    # (ac-003b, d, f): no scope of the component's main resource, so no type needed
    {"component": "zrc", "scopes": ["notificaties.publiceren"], "zaaktype": "", "maxVertrouwelijkheidaanduiding": ""},
    {"component": "drc", "scopes": ["notificaties.publiceren"], "informatieobjecttype": "",
     "maxVertrouwelijkheidaanduiding": ""},
    {"component": "brc", "scopes": ["notificaties.publiceren"], "besluittype": ""},
    {"component": "zrc", "scopes": [], "zaaktype": "", "maxVertrouwelijkheidaanduiding": ""},
])
def test_ac_003_not_required_without_main_resource_scopes(ac, autorisatie):
    resp = ac.post(AC + "/applicaties", applicatie(autorisaties=[autorisatie]))
    assert resp.status_code == 201, describe(resp)
    assert ac.delete(resp.json()["url"]).status_code == 204


def test_ac_003_names_the_autorisatie_at_fault(ac, setup):
    resp = ac.post(AC + "/applicaties", applicatie(autorisaties=[
        zrc_autorisatie(setup["zaaktype_a"]), {"component": "brc", "scopes": ["besluiten.aanmaken"]}]))
    assert codes(resp) == [("autorisaties.1.besluittype", "required")]


@pytest.mark.parametrize("body,field,code", [
    ({"clientIds": ["x"], "heeftAlleAutorisaties": True}, "label", "required"),
    ({"label": "x", "heeftAlleAutorisaties": True}, "clientIds", "required"),
    ({"clientIds": ["x"], "label": "", "heeftAlleAutorisaties": True}, "label", None),
    ({"clientIds": ["x" * 51], "label": "x", "heeftAlleAutorisaties": True}, "clientIds.0", "max_length"),
    ({"clientIds": ["x"], "label": "x", "heeftAlleAutorisaties": None}, "heeftAlleAutorisaties", "null"),
    ({"clientIds": ["x"], "label": "x", "heeftAlleAutorisaties": True, "autorisaties": None}, "autorisaties", "null"),
    ({"clientIds": ["x"], "label": "x", "autorisaties": [{"component": "xyz", "scopes": []}]},
     "autorisaties.0.component", "invalid_choice"),
    ({"clientIds": ["x"], "label": "x", "autorisaties": [{"component": "ztc"}]}, "autorisaties.0.scopes", "required"),
    ({"clientIds": ["x"], "label": "x", "autorisaties": [
        {"component": "zrc", "scopes": ["zaken.lezen"], "zaaktype": "geen-url",
         "maxVertrouwelijkheidaanduiding": "openbaar"}]}, "autorisaties.0.zaaktype", "invalid"),
    ({"clientIds": ["x"], "label": "x", "autorisaties": [
        {"component": "zrc", "scopes": ["zaken.lezen"], "zaaktype": "https://example.com/zt/1",
         "maxVertrouwelijkheidaanduiding": "heel_geheim"}]},
     "autorisaties.0.maxVertrouwelijkheidaanduiding", None),
])
def test_request_is_validated_against_the_oas(ac, body, field, code):
    assert_problem(ac.post(AC + "/applicaties", body), 400, field, code)


# ------------------------------------------------------------------------------------------------
# scopes
# ------------------------------------------------------------------------------------------------
def test_scopes(server, http, ac, anon, api):
    app = create(ac, applicatie())
    lezer = _api(server, http, "ac-lezer")
    schrijver = _api(server, http, "ac-schrijver")
    assert_problem(anon.get(AC + "/applicaties"), 401)
    assert_problem(anon.post(AC + "/applicaties", applicatie()), 401)
    # a client without autorisaties scopes (catalogi rights only)
    assert_problem(api.get(AC + "/applicaties"), 403)
    assert_problem(api.get(app["url"]), 403)
    assert_problem(api.get(AC + "/applicaties/consumer", params={"clientId": app["clientIds"][0]}), 403)
    # autorisaties.lezen reads, does not write
    assert_status(lezer.get(AC + "/applicaties"), 200)
    assert_status(lezer.get(app["url"]), 200)
    assert_status(lezer.get(AC + "/applicaties/consumer", params={"clientId": app["clientIds"][0]}, check=False), 200)
    assert_problem(lezer.post(AC + "/applicaties", applicatie()), 403)
    assert_problem(lezer.put(app["url"], applicatie(app["clientIds"])), 403)
    assert_problem(lezer.patch(app["url"], {"label": "x"}), 403)
    assert_problem(lezer.delete(app["url"]), 403)
    # autorisaties.bijwerken writes, does not read
    assert_problem(schrijver.get(AC + "/applicaties"), 403)
    assert_problem(schrijver.get(app["url"]), 403)
    assert_status(schrijver.patch(app["url"], {"label": "door schrijver"}), 200)
    assert_status(schrijver.delete(app["url"]), 204)


def test_openapi_documents_are_served(anon):
    for name in ("openapi.json", "openapi.yaml"):
        resp = anon.get(AC + "/schema/" + name, check=False)
        assert_status(resp, 200)
        assert "Autorisaties API" in resp.text


# ------------------------------------------------------------------------------------------------
# rights: the next request obeys a change
# ------------------------------------------------------------------------------------------------
def _zaken(api):
    """(status, sorted zaak URLs or None) of the client's zaken list."""
    resp = zs.Zrc(api).get("/zaken", check=False)
    if resp.status_code != 200:
        return resp.status_code, None
    return 200, sorted(z["url"] for z in resp.json()["results"])


def test_client_without_secret_or_applicatie(server, http, ac, setup):
    cid, secret = uniq("nosecret-"), "geheim-" + uniq()
    app = create(ac, applicatie([cid], autorisaties=[zrc_autorisatie(setup["zaaktype_a"])]))
    client = zgw.Api(server.base_url, cid, secret, http)
    # registered through the API, but no secret yet: cannot authenticate
    assert_problem(zs.Zrc(client).get("/zaken"), 401)
    server.cli("clients", "secret", "--db", server.db_url, "--client-id", cid, "--secret", secret)
    assert _zaken(client) == (200, [setup["zaak_a"]])
    # a secret but no applicatie: authenticates, has no rights
    assert ac.delete(app["url"]).status_code == 204
    assert_problem(zs.Zrc(client).get("/zaken"), 403)
    assert_problem(client.get("/catalogussen"), 403)


def test_rights_change_takes_effect_on_the_next_request(server, http, ac, setup):
    cid, secret = uniq("lim-"), "geheim-" + uniq()
    server.cli("clients", "secret", "--db", server.db_url, "--client-id", cid, "--secret", secret)
    client = zgw.Api(server.base_url, cid, secret, http)
    assert_problem(zs.Zrc(client).get("/zaken"), 403)  # no applicatie yet

    app = create(ac, applicatie([cid], autorisaties=[zrc_autorisatie(setup["zaaktype_a"])]))
    assert _zaken(client) == (200, [setup["zaak_a"]])
    assert_problem(zs.Zrc(client).get(setup["zaak_b"]), 403)

    # grant the second zaaktype: the very next request shows its zaak
    both = [zrc_autorisatie(setup["zaaktype_a"]), zrc_autorisatie(setup["zaaktype_b"])]
    assert_status(ac.patch(app["url"], {"autorisaties": both}), 200)
    assert _zaken(client) == (200, sorted([setup["zaak_a"], setup["zaak_b"]]))
    assert_status(zs.Zrc(client).get(setup["zaak_b"]), 200)

    # revoke the first: hidden from the list, 403 on its detail
    assert_status(ac.patch(app["url"], {"autorisaties": both[1:]}), 200)
    assert _zaken(client) == (200, [setup["zaak_b"]])
    assert_problem(zs.Zrc(client).get(setup["zaak_a"]), 403)

    # only Catalogi rights left: the Zaken API refuses, the Catalogi API serves
    assert_status(ac.put(app["url"], applicatie([cid])), 200)
    assert_problem(zs.Zrc(client).get("/zaken"), 403)
    assert_status(client.get("/catalogussen"), 200)

    # all rights, then the applicatie deleted
    assert_status(ac.patch(app["url"], {"heeftAlleAutorisaties": True, "autorisaties": []}), 200)
    assert _zaken(client)[0] == 200
    assert ac.delete(app["url"]).status_code == 204
    assert_problem(client.get("/catalogussen"), 403)


def test_ac_client_loses_its_own_rights(server, http, ac):
    """The Autorisaties API obeys its own changes too: a client that takes away its own scopes is refused next."""
    cid, secret = uniq("self-"), "geheim-" + uniq()
    server.cli("clients", "add", "--db", server.db_url, "--client-id", cid, "--secret", secret,
               "--scope", "ac:autorisaties.lezen", "--scope", "ac:autorisaties.bijwerken")
    me = zgw.Api(server.base_url, cid, secret, http)
    mine = me.get(AC + "/applicaties", params={"clientIds": cid}).json()["results"][0]
    assert_status(me.patch(mine["url"], {"autorisaties": [{"component": "ac", "scopes": ["autorisaties.lezen"]}]}),
                  200)
    assert_problem(me.patch(mine["url"], {"label": "nog eens"}), 403)
    assert_status(me.get(mine["url"]), 200)


# ------------------------------------------------------------------------------------------------
# a second node on the same database
# ------------------------------------------------------------------------------------------------
def settle(server, check):
    """True once check() holds. PostgreSQL: a commit's notification reaches the other node within moments.
    SQLite has no notifications: another process's change within the auth cache time (1 s by default)."""
    deadline = time.monotonic() + (2.0 if server.engine == "postgres" else 1.5)
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_rights_change_reaches_the_other_node(server, second, http, ac, setup):
    cid, secret = uniq("node-"), "geheim-" + uniq()
    server.cli("clients", "secret", "--db", server.db_url, "--client-id", cid, "--secret", secret)
    app = create(ac, applicatie([cid], autorisaties=[zrc_autorisatie(setup["zaaktype_a"])]))
    on_b = zgw.Api(second.base_url, cid, secret, http)

    def zaken_b():
        return _zaken(on_b)

    rebase = lambda url: second.base_url + url[len(server.base_url):]  # noqa: E731
    assert zaken_b() == (200, [rebase(setup["zaak_a"])])
    assert_status(ac.patch(app["url"], {"autorisaties": [zrc_autorisatie(setup["zaaktype_b"])]}), 200)
    assert settle(server, lambda: zaken_b() == (200, [rebase(setup["zaak_b"])]))
    assert_status(ac.put(app["url"], applicatie([cid])), 200)
    assert settle(server, lambda: zaken_b()[0] == 403)
    assert ac.delete(app["url"]).status_code == 204
    assert settle(server, lambda: on_b.get("/catalogussen", check=False).status_code == 403)


def test_other_node_obeys_at_once_on_postgres(server, http, ac, tmp_path_factory):
    """With PostgreSQL every node hears of the commit: a node that may keep rights for a minute
    (--auth-cache-ms 60000) still obeys the change as soon as the notification is in, and never serves the old
    rights after that (checked many times in a row)."""
    if server.engine != "postgres":
        pytest.skip("PostgreSQL only: SQLite nodes have no change notifications")
    node = conftest.Server(conftest.thorbecke_bin(), "sqlite", tmp_path_factory.mktemp("long-cache-node"))
    node.db_url = server.db_url
    node.extra_args = ["--auth-cache-ms", "60000"]
    node.start()
    try:
        cid, secret = uniq("pg-"), "geheim-" + uniq()
        server.cli("clients", "secret", "--db", server.db_url, "--client-id", cid, "--secret", secret)
        app = create(ac, applicatie([cid]))
        on_b = zgw.Api(node.base_url, cid, secret, http)
        for _ in range(5):
            assert_status(on_b.get("/catalogussen"), 200)
        revoked = ac.patch(app["url"], {"autorisaties": [{"component": "ac", "scopes": ["autorisaties.lezen"]}]})
        assert_status(revoked, 200)
        assert settle(server, lambda: on_b.get("/catalogussen", check=False).status_code == 403)
        for _ in range(20):
            assert on_b.get("/catalogussen", check=False).status_code == 403
        assert_status(ac.patch(app["url"], {"heeftAlleAutorisaties": True, "autorisaties": []}), 200)
        assert settle(server, lambda: on_b.get("/catalogussen", check=False).status_code == 200)
    finally:
        node.stop()


# ------------------------------------------------------------------------------------------------
# the CLI
# ------------------------------------------------------------------------------------------------
def test_cli_clients_add_list_remove(server, http, ac, setup):
    cid, secret = uniq("cli-"), "geheim-" + uniq()
    server.cli("clients", "add", "--db", server.db_url, "--client-id", cid, "--secret", secret, "--label", "Via CLI",
               "--zaaktype", setup["zaaktype_a"], "--max-vertrouwelijkheid", "openbaar",
               "--scope", "zrc:zaken.lezen", "--scope", "zrc:zaken.aanmaken",
               "--zaaktype", "", "--max-vertrouwelijkheid", "", "--scope", "ztc:catalogi.lezen")
    client = zgw.Api(server.base_url, cid, secret, http)
    assert _zaken(client) == (200, [setup["zaak_a"]])
    found = ac.get(AC + "/applicaties", params={"clientIds": cid}).json()
    assert found["count"] == 1
    app = found["results"][0]
    assert app["label"] == "Via CLI" and app["heeftAlleAutorisaties"] is False
    assert app["autorisaties"] == [
        {"component": "zrc", "componentWeergave": "Zaken API", "scopes": ["zaken.lezen", "zaken.aanmaken"],
         "zaaktype": setup["zaaktype_a"], "maxVertrouwelijkheidaanduiding": "openbaar"},
        {"component": "ztc", "componentWeergave": "Catalogi API", "scopes": ["catalogi.lezen"]}]
    listed = server.cli("clients", "list", "--db", server.db_url).stdout
    line = next(x for x in listed.splitlines() if x.startswith(cid + "\t"))
    assert "zrc:zaken.lezen@" + setup["zaaktype_a"] + "<=openbaar" in line and "Via CLI" in line

    # `clients add` again replaces the rights of the same applicatie (same url)
    server.cli("clients", "add", "--db", server.db_url, "--client-id", cid, "--secret", secret, "--all-rights")
    again = ac.get(AC + "/applicaties", params={"clientIds": cid}).json()["results"][0]
    assert again["url"] == app["url"] and again["heeftAlleAutorisaties"] is True and again["autorisaties"] == []
    # another process changed the rights: this node obeys within the auth cache time (SQLite) or at once (PG)
    assert settle(server, lambda: _zaken(client) == (200, sorted([setup["zaak_a"], setup["zaak_b"]])))

    server.cli("clients", "remove", "--db", server.db_url, "--client-id", cid)
    assert ac.get(AC + "/applicaties", params={"clientIds": cid}).json()["count"] == 0
    assert_problem(ac.get(app["url"]), 404)
    assert settle(server, lambda: client.get("/catalogussen", check=False).status_code == 401)
    assert server.cli("clients", "remove", "--db", server.db_url, "--client-id", cid, check=False).returncode == 1


def test_cli_remove_keeps_an_applicatie_with_other_client_ids(server, ac):
    a, b = uniq("k1-"), uniq("k2-")
    app = create(ac, applicatie([a, b]))
    server.cli("clients", "remove", "--db", server.db_url, "--client-id", a)
    assert ac.get(app["url"]).json()["clientIds"] == [b]


# ------------------------------------------------------------------------------------------------
# migration of a database from before applicaties
# ------------------------------------------------------------------------------------------------
OLD_SCHEMA = """
CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO schema_migrations VALUES ('0001_auth_clients', '2026-01-01T00:00:00Z');
INSERT INTO schema_migrations VALUES ('0002_auth_grant_limits', '2026-01-01T00:00:00Z');
CREATE TABLE auth_client (client_id TEXT PRIMARY KEY, secret TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',
    all_rights INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE auth_grant (client_id TEXT NOT NULL REFERENCES auth_client(client_id) ON DELETE CASCADE,
    component TEXT NOT NULL, scope TEXT NOT NULL, zaaktype TEXT NOT NULL DEFAULT '',
    max_vertrouwelijkheid TEXT NOT NULL DEFAULT '', PRIMARY KEY (client_id, component, scope, zaaktype));
INSERT INTO auth_client VALUES ('oud-admin', 'oud-admin-secret', 'Beheerder', 1, '2026-01-01T00:00:00Z');
INSERT INTO auth_client VALUES ('oud-beperkt', 'oud-beperkt-secret', '', 0, '2026-01-02T00:00:00Z');
INSERT INTO auth_client VALUES ('oud-leeg', 'oud-leeg-secret', 'Niets', 0, '2026-01-03T00:00:00Z');
INSERT INTO auth_grant VALUES ('oud-beperkt', 'zrc', 'zaken.lezen', 'https://example.com/zt/1', 'intern');
INSERT INTO auth_grant VALUES ('oud-beperkt', 'zrc', 'zaken.aanmaken', 'https://example.com/zt/1', 'intern');
INSERT INTO auth_grant VALUES ('oud-beperkt', 'zrc', 'zaken.lezen', 'https://example.com/zt/2', '');
INSERT INTO auth_grant VALUES ('oud-beperkt', 'ztc', 'catalogi.lezen', '', '');
INSERT INTO auth_grant VALUES ('oud-beperkt', 'drc', 'documenten.lezen', 'https://example.com/iot/1', 'geheim');
"""


@pytest.fixture(scope="module")
def old_server(server, tmp_path_factory):
    """A server started on a database that the schema before applicaties (migrations 0001, 0002) created."""
    srv = conftest.Server(conftest.thorbecke_bin(), server.engine, tmp_path_factory.mktemp("old-schema"))
    try:
        if server.engine == "sqlite":
            con = sqlite3.connect(str(srv.data_dir / "thorbecke.db"))
            con.executescript(OLD_SCHEMA)
            con.commit()
            con.close()
        else:
            subprocess.run(["psql", srv.db_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", OLD_SCHEMA], check=True,
                           capture_output=True, text=True, timeout=60)
        srv.cli("migrate", "--db", srv.db_url)
        srv.start()
        yield srv
    finally:
        srv.stop()
        srv.cleanup()


def test_migration_keeps_existing_clients(old_server, http):
    admin = zgw.Api(old_server.base_url, "oud-admin", "oud-admin-secret", http)
    apps = admin.get(AC + "/applicaties").json()
    by_id = {a["clientIds"][0]: a for a in apps["results"]}
    assert apps["count"] == 3 and all(len(a["clientIds"]) == 1 for a in apps["results"])
    assert by_id["oud-admin"]["heeftAlleAutorisaties"] is True and by_id["oud-admin"]["label"] == "Beheerder"
    assert by_id["oud-admin"]["autorisaties"] == []
    beperkt = by_id["oud-beperkt"]
    assert beperkt["heeftAlleAutorisaties"] is False
    got = sorted((a["component"], tuple(sorted(a["scopes"])), a.get("zaaktype") or a.get("informatieobjecttype"),
                  a.get("maxVertrouwelijkheidaanduiding")) for a in beperkt["autorisaties"])
    assert got == [
        ("drc", ("documenten.lezen",), "https://example.com/iot/1", "geheim"),
        ("zrc", ("zaken.aanmaken", "zaken.lezen"), "https://example.com/zt/1", "intern"),
        ("zrc", ("zaken.lezen",), "https://example.com/zt/2", ""),
        ("ztc", ("catalogi.lezen",), None, None),
    ]
    assert by_id["oud-leeg"]["autorisaties"] == [] and by_id["oud-leeg"]["heeftAlleAutorisaties"] is False
    # the secrets still sign: the limited client reads the Catalogi API, not the Autorisaties API
    beperkt_api = zgw.Api(old_server.base_url, "oud-beperkt", "oud-beperkt-secret", http)
    assert_status(beperkt_api.get("/catalogussen"), 200)
    assert_problem(beperkt_api.get(AC + "/applicaties"), 403)
    assert_problem(zgw.Api(old_server.base_url, "oud-beperkt", "fout", http).get("/catalogussen"), 401)
    # a migrated applicatie is an ordinary one
    assert_status(admin.patch(beperkt["url"], {"autorisaties": [{"component": "ac",
                                                                  "scopes": ["autorisaties.lezen"]}]}), 200)
    assert_status(beperkt_api.get(AC + "/applicaties"), 200)
    assert_problem(beperkt_api.get("/catalogussen"), 403)
