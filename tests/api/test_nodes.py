"""Two Thorbecke nodes on one database: what one node writes, the other serves right after.

Each node keeps renderings and client rights in memory; these tests prove that no node serves stale data
after another node (or the CLI) changed it. On SQLite a node checks the catalogue's generation on every
request, so the very next request sees the change. On PostgreSQL nodes hear of commits through
LISTEN/NOTIFY, delivered when the writer commits; the checks below allow that delivery a moment.
"""
import time

import pytest

import zgw
from conftest import Server, thorbecke_bin


@pytest.fixture(scope="module")
def second(server, tmp_path_factory):
    """A second node on the same database as `server`."""
    node = Server(thorbecke_bin(), "sqlite", tmp_path_factory.mktemp("second-node"))
    node.db_url = server.db_url  # same database, SQLite file or PostgreSQL
    node.start()
    yield node
    node.stop()


@pytest.fixture(scope="module")
def api_b(second, http):
    return second.client("beheer", http)


def settle(server, check, seconds=2.0):
    """True once check() holds: at once on SQLite, within a notification's delivery on PostgreSQL."""
    deadline = time.monotonic() + (seconds if server.engine == "postgres" else 0)
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def rebase(url, api):
    """The same resource as seen through another node: same path, that node's host and port."""
    scheme, _, _, path = url.split("/", 3)
    return f"{api.base_url}/{path}"


def test_detail_and_list_follow_writes_made_on_the_other_node(server, api, api_b, make):
    cat = make.catalogus()
    zt = make.zaaktype(catalogus=cat["url"])
    url_b = rebase(zt["url"], api_b)
    list_b = api_b.cat(f"/zaaktypen?status=alles&catalogus={rebase(cat['url'], api_b)}")

    first = api_b.get(url_b)
    assert first.status_code == 200
    assert first.json()["omschrijving"] == zt["omschrijving"]
    assert api_b.get(list_b).json()["count"] == 1

    changed = api.patch(zt["url"], {"omschrijving": "Gewijzigd op node A"})
    assert changed.status_code == 200, zgw.describe(changed)
    assert settle(server, lambda: api_b.get(url_b).json()["omschrijving"] == "Gewijzigd op node A")
    assert settle(server, lambda: api_b.get(list_b).json()["results"][0]["omschrijving"] == "Gewijzigd op node A")

    # A child created on A shows up in the zaaktype's derived list on B.
    st = make.statustype(zaaktype=zt["url"])
    assert settle(server, lambda: rebase(st["url"], api_b) in api_b.get(url_b).json()["statustypen"])

    assert api.delete(zt["url"]).status_code == 204
    assert settle(server, lambda: api_b.get(url_b).status_code == 404)
    assert settle(server, lambda: api_b.get(list_b).json()["count"] == 0)


def test_etag_changes_when_the_other_node_writes(server, api, api_b, make):
    zt = make.zaaktype()
    url_b = rebase(zt["url"], api_b)
    etag = api_b.get(url_b).headers["ETag"]
    assert api_b.get(url_b, headers={"If-None-Match": etag}).status_code == 304
    api.patch(zt["url"], {"toelichting": "nieuw"})
    assert settle(server, lambda: api_b.get(url_b, headers={"If-None-Match": etag}).status_code == 200)
    assert api_b.get(url_b).headers["ETag"] != etag


def test_removed_client_is_refused_by_every_node(server, second, http):
    server.add_client("tijdelijk", "geheim-1", ["ztc:catalogi.lezen"])
    b = zgw.Api(second.base_url, "tijdelijk", "geheim-1", http)
    assert b.get(b.cat("/catalogussen")).status_code == 200
    server.cli("clients", "remove", "--db", server.db_url, "--client-id", "tijdelijk")
    # A node re-reads a client's rights at least every second (AuthOptions::cache_milliseconds).
    time.sleep(1.1)
    assert b.get(b.cat("/catalogussen"), check=False).status_code == 401


def test_zaak_renderings_follow_writes_made_on_the_other_node(server, admin, second, http):
    """A zaak is served from a node's memory until that zaak changes anywhere (PostgreSQL: per-zaak
    notifications; SQLite: no zaak cache, every read goes to the file)."""
    import zaken_support as zs

    setup = zs.Setup(admin)
    zrc_a = zs.Zrc(admin)
    zrc_b = zs.Zrc(zgw.Api(second.base_url, "admin", "admin-secret", http))
    zaak = zrc_a.create("/zaken", zs.zaak_payload(setup.zaaktype, omschrijving="Eerst"))
    other = zrc_a.create("/zaken", zs.zaak_payload(setup.zaaktype, omschrijving="Ander"))
    url_b, other_b = rebase(zaak["url"], zrc_b), rebase(other["url"], zrc_b)
    for _ in range(3):  # rendered, then served from memory
        assert zrc_b.get(url_b).json()["omschrijving"] == "Eerst"
        assert zrc_b.get(other_b).json()["omschrijving"] == "Ander"

    assert zrc_a.patch(zaak["url"], {"omschrijving": "Gewijzigd op node A"}).status_code == 200
    assert settle(server, lambda: zrc_b.get(url_b).json()["omschrijving"] == "Gewijzigd op node A")
    assert zrc_b.get(other_b).json()["omschrijving"] == "Ander"

    # An object under the zaak created on A shows up in the zaak's lists on B.
    rol = zrc_a.create("/rollen", zs.rol_payload(zaak["url"], setup.roltype))
    assert settle(server, lambda: rebase(rol["url"], zrc_b) in zrc_b.get(url_b).json()["rollen"])

    assert zrc_a.delete(zaak["url"]).status_code == 204
    assert settle(server, lambda: zrc_b.get(url_b, check=False).status_code == 404)
