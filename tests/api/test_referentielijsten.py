"""The Referentielijsten API that Thorbecke serves itself from the shipped selectielijst
(referentielijsten.yaml; data shared/data/selectielijst).  Reads are public."""


from zgw import (PROCESTYPE_1, PROCESTYPE_15, RESULTAAT_BLANK, RESULTAAT_INGESCHAT, RESULTAAT_NIHIL,
                 RESULTAATTYPEOMSCHRIJVING_TOEGEKEND, REF, assert_problem, assert_status)


def test_procestypen_list(anon):
    resp = anon.get(REF + "/procestypen")
    assert_status(resp, 200)
    data = resp.json()
    assert isinstance(data, list)
    assert len(data) == 58
    urls = {p["url"] for p in data}
    assert anon.procestype(PROCESTYPE_1) in urls
    assert {p["jaar"] for p in data} == {2017, 2020}


def test_procestypen_filter_jaar(anon):
    resp = anon.get(REF + "/procestypen", params={"jaar": "2017"})
    assert_status(resp, 200)
    data = resp.json()
    assert len(data) == 29
    assert all(p["jaar"] == 2017 for p in data)


def test_procestype_detail(anon):
    resp = anon.get(anon.procestype(PROCESTYPE_1))
    assert_status(resp, 200)
    p = resp.json()
    assert p["url"] == anon.procestype(PROCESTYPE_1)
    assert p["nummer"] == 1
    assert p["jaar"] == 2017
    assert p["naam"] == "Instellen en inrichten organisatie"
    assert p["procesobject"] == "De vastgestelde organisatie inrichting"


def test_procestype_unknown_is_404(anon):
    assert_problem(anon.get(anon.procestype("00000000-0000-4000-8000-000000000000")), 404)


def test_resultaten_paginated(anon):
    resp = anon.get(REF + "/resultaten")
    assert_status(resp, 200)
    body = resp.json()
    assert body["count"] == 346
    assert len(body["results"]) == 100
    assert body["next"] and "page=2" in body["next"]
    last = anon.get(REF + "/resultaten", params={"page": 4})
    assert_status(last, 200)
    assert len(last.json()["results"]) == 46
    assert last.json()["next"] is None
    assert_problem(anon.get(REF + "/resultaten", params={"page": 5}), 404)


def test_resultaten_filter_proces_type(anon):
    pt = anon.procestype(PROCESTYPE_1)
    resp = anon.get(REF + "/resultaten", params={"proces_type": pt})
    assert_status(resp, 200)
    body = resp.json()
    assert body["count"] == 8
    assert all(r["procesType"] == pt for r in body["results"])
    assert anon.resultaat(RESULTAAT_NIHIL) in {r["url"] for r in body["results"]}


def test_resultaat_detail(anon):
    resp = anon.get(anon.resultaat(RESULTAAT_NIHIL))
    assert_status(resp, 200)
    r = resp.json()
    assert r["url"] == anon.resultaat(RESULTAAT_NIHIL)
    assert r["procesType"] == anon.procestype(PROCESTYPE_1)
    assert r["waardering"] == "vernietigen"
    assert r["procestermijn"] == "nihil"
    assert r["bewaartermijn"] == "P10Y"
    assert r["nummer"] == 1
    assert r["naam"] == "Ingericht"


def test_resultaat_blank_procestermijn(anon):
    r = anon.get(anon.resultaat(RESULTAAT_BLANK)).json()
    assert r["waardering"] == "blijvend_bewaren"
    assert r["procestermijn"] in ("", None)
    assert r["bewaartermijn"] is None


def test_resultaat_ingeschatte_bestaansduur(anon):
    r = anon.get(anon.resultaat(RESULTAAT_INGESCHAT)).json()
    assert r["procestermijn"] == "ingeschatte_bestaansduur_procesobject"
    assert r["procesType"] == anon.procestype(PROCESTYPE_15)


def test_resultaat_unknown_is_404(anon):
    assert_problem(anon.get(anon.resultaat("00000000-0000-4000-8000-000000000000")), 404)


def test_resultaattypeomschrijvingen(anon):
    resp = anon.get(REF + "/resultaattypeomschrijvingen")
    assert_status(resp, 200)
    data = resp.json()
    assert isinstance(data, list)
    assert {d["omschrijving"] for d in data} == {"Toegekend", "Afgewezen", "Ingetrokken"}
    detail = anon.get(anon.resultaattypeomschrijving(RESULTAATTYPEOMSCHRIJVING_TOEGEKEND))
    assert_status(detail, 200)
    assert detail.json()["omschrijving"] == "Toegekend"
    assert detail.json()["url"] == anon.resultaattypeomschrijving(RESULTAATTYPEOMSCHRIJVING_TOEGEKEND)


def test_resultaattypeomschrijving_unknown_is_404(anon):
    assert_problem(anon.get(anon.resultaattypeomschrijving("00000000-0000-4000-8000-000000000000")), 404)


def test_communicatiekanalen(anon):
    resp = anon.get(REF + "/communicatiekanalen")
    assert_status(resp, 200)
    assert "results" in resp.json()


def test_reads_work_with_token_too(api):
    assert_status(api.get(REF + "/procestypen"), 200)


def test_urls_follow_host(anon, server):
    resp = anon.get(REF + "/procestypen", headers={"Host": f"localhost:{server.port}"})
    assert_status(resp, 200)
    assert all(p["url"].startswith(f"http://localhost:{server.port}{REF}/procestypen/") for p in resp.json())
