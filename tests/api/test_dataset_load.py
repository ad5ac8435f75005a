"""`thorbecke zaken-load --documenten N --besluiten N` (the national benchmark's data set): documents and
besluiten written in bulk read back through the API exactly like the template written through the services
(content downloadable, relations both ways, list filters find them), and the services continue the counters."""
import json

import pytest

import conftest

ZAKEN = 40
DOCUMENTEN = 60
BESLUITEN = 50
CONTENTS = 7
ZAKEN_API = "/zaken/api/v1"
DRC = "/documenten/api/v1"
BRC = "/besluiten/api/v1"


def _load(srv):
    conftest.add_standard_clients(srv, "admin")
    res = srv.cli("zaken-load", "--db", srv.db_url, "--data-dir", str(srv.data_dir), "--zaken", str(ZAKEN),
                  "--zaaktypen", "4", "--documenten", str(DOCUMENTEN), "--besluiten", str(BESLUITEN),
                  "--contents", str(CONTENTS), "--batch", "16")
    srv.summary = json.loads(res.stdout)


server = conftest.server_fixture(add_clients=_load)


def content(k: int) -> bytes:
    return f"Thorbecke zaken-load: een klein document, inhoud nummer {k:08}.\n".encode()


@pytest.fixture(scope="module")
def documents(admin):
    docs = admin.list_all(DRC + "/enkelvoudiginformatieobjecten")
    # The template has identificatie number 1, bulk document i (1 …) number i + 1.
    return sorted(docs, key=lambda d: d["identificatie"])


@pytest.fixture(scope="module")
def besluiten(admin):
    return sorted(admin.list_all(BRC + "/besluiten"), key=lambda b: b["identificatie"])


def items(api, path, params=None):
    """A list endpoint's objects, whether it pages (results) or not (a plain array)."""
    r = api.get(path, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    return body if isinstance(body, list) else api.list_all(path, params)


def _same_shape(template: dict, bulk: dict, differ: set):
    assert set(template) == set(bulk)
    for key in template:
        if key not in differ:
            assert bulk[key] == template[key], key


def test_summary(server):
    s = server.summary
    assert s["total"] == ZAKEN
    assert s["documenten"]["added"] == DOCUMENTEN and s["documenten"]["blobs"] == CONTENTS
    assert s["besluiten"]["added"] == BESLUITEN
    assert s["informatieobjecttype"].startswith("/catalogi/api/v1/informatieobjecttypen/")
    assert s["besluittype"].startswith("/catalogi/api/v1/besluittypen/")


def test_documents_read_like_the_template(admin, documents):
    assert len(documents) == DOCUMENTEN
    template, bulk = documents[0], documents[-1]
    assert template["identificatie"].endswith("-0000000001")
    assert bulk["identificatie"].endswith(f"-{DOCUMENTEN:010}")
    assert template["titel"].startswith("Sjabloon van zaken-load")
    assert bulk["titel"] == f"Document {DOCUMENTEN - 1} van zaken-load"
    _same_shape(template, bulk, {"url", "identificatie", "titel", "inhoud"})
    detail = admin.get(bulk["url"])
    assert detail.status_code == 200
    assert detail.json() == bulk
    assert len({d["url"] for d in documents}) == DOCUMENTEN


def test_content_downloadable(admin, documents):
    for i in (0, 1, 5, DOCUMENTEN - 1):
        r = admin.session.get(documents[i]["inhoud"], headers={"Authorization": f"Bearer {admin.token()}"},
                              timeout=30)
        assert r.status_code == 200, r.text
        assert r.content == content(i % CONTENTS)
        assert documents[i]["bestandsomvang"] == len(content(0))


def test_document_relations_both_ways(admin, documents):
    zaken = set()
    for d in documents:
        zios = items(admin, ZAKEN_API + "/zaakinformatieobjecten", {"informatieobject": d["url"]})
        assert len(zios) == 1
        zaak = zios[0]["zaak"]
        zaken.add(zaak)
        oios = items(admin, DRC + "/objectinformatieobjecten", {"informatieobject": d["url"]})
        assert [(o["object"], o["objectType"]) for o in oios] == [(zaak, "zaak")]
        assert d["url"] in [z["informatieobject"]
                            for z in items(admin, ZAKEN_API + "/zaakinformatieobjecten", {"zaak": zaak})]
        assert admin.get(zaak).status_code == 200
    # One document per zaak, from the start again once every zaak has one.
    assert len(zaken) == ZAKEN


def test_document_list_filters(admin, documents):
    bulk = documents[17]
    r = admin.get(DRC + "/enkelvoudiginformatieobjecten", params={"identificatie": bulk["identificatie"]})
    assert r.status_code == 200
    assert [d["url"] for d in r.json()["results"]] == [bulk["url"]]
    r = admin.get(DRC + "/enkelvoudiginformatieobjecten", params={"bronorganisatie": bulk["bronorganisatie"]})
    assert r.json()["count"] == DOCUMENTEN


def test_new_document_continues_the_counter(admin, documents):
    body = {"bronorganisatie": "002220647", "creatiedatum": "2026-01-05", "titel": "Na het laden",
            "auteur": "Tester", "taal": "nld", "informatieobjecttype": documents[0]["informatieobjecttype"],
            "vertrouwelijkheidaanduiding": "openbaar", "formaat": "text/plain", "bestandsnaam": "na.txt",
            "inhoud": "aGFsbG8="}
    r = admin.post(DRC + "/enkelvoudiginformatieobjecten", body)
    assert r.status_code == 201, r.text
    assert r.json()["identificatie"] == f"DOCUMENT-2026-{DOCUMENTEN + 1:010}"


def test_besluiten_read_like_the_template(admin, besluiten):
    assert len(besluiten) == BESLUITEN
    template, bulk = besluiten[0], besluiten[-1]
    assert bulk["identificatie"].endswith(f"-{BESLUITEN:010}")
    _same_shape(template, bulk, {"url", "identificatie", "zaak"})
    assert admin.get(bulk["url"]).json() == bulk


def test_besluit_relations_both_ways(admin, besluiten):
    zaken = set()
    for b in besluiten:
        zaak = b["zaak"]
        zaken.add(zaak)
        zaakbesluiten = items(admin, zaak + "/besluiten")
        assert b["url"] in [z["besluit"] for z in zaakbesluiten]
        found = admin.list_all(BRC + "/besluiten", {"zaak": zaak})
        assert b["url"] in [f["url"] for f in found]
    assert len(zaken) == ZAKEN


def test_besluit_list_filter_and_counter(admin, besluiten):
    bulk = besluiten[9]
    r = admin.get(BRC + "/besluiten", params={"identificatie": bulk["identificatie"]})
    assert [b["url"] for b in r.json()["results"]] == [bulk["url"]]
    body = {"verantwoordelijkeOrganisatie": "002220647", "besluittype": bulk["besluittype"], "zaak": bulk["zaak"],
            "datum": "2026-01-05", "ingangsdatum": "2026-01-05"}
    r = admin.post(BRC + "/besluiten", body)
    assert r.status_code == 201, r.text
    assert r.json()["identificatie"] == f"BESLUIT-2026-{BESLUITEN + 1:010}"


def test_bsn_search_keeps_to_the_clients_zaaktypen(server, admin):
    """The BSN search at scale is driven by the search key's index; the client's rights still filter it."""
    zaaktypen = [server.base_url + p for p in server.summary["zaaktypen"]]
    server.cli("clients", "add", "--db", server.db_url, "--client-id", "bsn-zoeker", "--secret", "bsn-geheim",
               "--zaaktype", zaaktypen[1], "--max-vertrouwelijkheid", "zeer_geheim", "--scope", "zrc:zaken.lezen")
    zoeker = admin.as_client("bsn-zoeker", "bsn-geheim")
    param = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
    seen = {}
    for zaak in admin.list_all(ZAKEN_API + "/zaken"):
        if zaak["zaaktype"] in zaaktypen[:2] and not zaak["omschrijving"].startswith("Sjabloon"):
            seen.setdefault(zaak["zaaktype"], zaak)
    for zaaktype, zaak in seen.items():
        rollen = items(admin, ZAKEN_API + "/rollen", {"zaak": zaak["url"]})
        bsn = rollen[0]["betrokkeneIdentificatie"]["inpBsn"]
        found = admin.get(ZAKEN_API + "/zaken", params={param: bsn}).json()
        assert zaak["url"] in [z["url"] for z in found["results"]]
        r = zoeker.get(ZAKEN_API + "/zaken", params={param: bsn})
        assert r.status_code == 200
        urls = [z["url"] for z in r.json()["results"]]
        assert urls == ([zaak["url"]] if zaaktype == zaaktypen[1] else [])
    assert len(seen) == 2
