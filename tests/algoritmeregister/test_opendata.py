"""Open data of the algorithm register: every published registration as JSON and as CSV (RFC 4180, UTF-8 without
BOM, comma separated, themes joined with '|'), equal to the public records."""

from __future__ import annotations

import csv
import io

import pytest

import register_support as rs
from register_support import document

pytestmark = pytest.mark.usefixtures("server")

JSON_PATH = "/algoritmeregister/open-data/algoritmes.json"
CSV_PATH = "/algoritmeregister/open-data/algoritmes.csv"


@pytest.fixture(scope="module")
def records(staff):
    """Published registrations with texts that need CSV quoting, plus one retracted and one concept."""
    tricky = document(
        name='Komma, "aanhalingstekens" en ;',
        description_short="Regel één\nRegel twee, met ë en €",
        theme=["Verkeer", "Werk"],
        link="https://testdorp.example/a?b=1,2",
        end_date="2026-01",
    )
    a = rs.published(staff, tricky)["lars"]
    b = rs.published(staff, document(status="Buiten gebruik"))["lars"]
    gone = rs.published(staff)["lars"]
    staff["goed1"].ok("POST", f"/registraties/{gone}/terugtrekken", {"reden": "Weg."})
    concept = staff["red1"].create()["lars"]
    # a newer concept does not change what is public
    staff["red1"].ok("PUT", f"/registraties/{b}", document(name="Nog niet openbaar"))
    return {"published": [a, b], "hidden": [gone, concept]}


def download(public, path):
    r = public.request("GET", path, raw_path=True)
    assert r.status_code == 200, rs.describe(r)
    assert r.headers["Content-Disposition"].startswith("attachment")
    return r


def test_json_equals_published_records(public, records):
    r = download(public, JSON_PATH)
    assert r.headers["Content-Type"].startswith("application/json")
    data = r.json()
    assert isinstance(data, list)
    by_lars = {rec["lars"]: rec for rec in data}
    assert len(by_lars) == len(data)
    for lars in records["published"]:
        assert by_lars[lars] == public.ok("GET", f"/algoritmes/{lars}")
    for lars in records["hidden"]:
        assert lars not in by_lars
    # everything published, nothing else: the same set as the public list
    listed = set()
    page = 1
    while True:
        body = public.get("/algoritmes", params={"pageSize": 100, "page": page}).json()
        listed |= {x["lars"] for x in body["results"]}
        if not body["next"]:
            break
        page += 1
    assert set(by_lars) == listed
    assert [rec["lars"] for rec in data] == sorted(by_lars)


def csv_rows(public):
    r = download(public, CSV_PATH)
    assert r.headers["Content-Type"].startswith("text/csv")
    raw = r.content
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte order mark"
    assert b"\r\n" in raw
    text = raw.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_columns(public, records):
    r = download(public, CSV_PATH)
    header = next(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
    assert header[0] == "lars"
    assert header[1:33] == [
        "name", "description_short", "organization", "theme", "status", "start_date", "end_date", "contact", "link",
        "publication_category", "source_link", "purpose_and_impact", "considerations", "human_intervention",
        "risk_management", "legal_basis", "legal_basis_link", "legal_basis_title", "processing_register_link",
        "impact_assessments", "impact_assessment_link", "impact_assessment_explanation", "data", "data_source_link",
        "data_source_title", "technical_operation", "supplier", "source_code_link", "language", "schema",
        "source_id", "search_terms"]
    assert header[33:35] == ["versie", "gepubliceerd_op"]
    assert all(h.startswith("toetsing_") for h in header[35:])


def test_csv_equals_published_records(public, records):
    rows = {row["lars"]: row for row in csv_rows(public)}
    assert set(rows) == {rec["lars"] for rec in download(public, JSON_PATH).json()}
    for lars in records["hidden"]:
        assert lars not in rows
    for lars in records["published"]:
        rec = public.ok("GET", f"/algoritmes/{lars}")
        row = rows[lars]
        for key, value in row.items():
            if key == "lars":
                assert value == lars
            elif key == "theme":
                assert value.split("|") == rec["theme"]
            elif key == "versie":
                assert int(value) == rec["versie"]
            elif key.startswith("toetsing_"):
                sub = key[len("toetsing_"):]
                expected = (rec["toetsing"] or {}).get(sub) or ""
                assert value == expected, key
            else:
                assert value == (rec.get(key) or ""), key


def test_csv_round_trips_quotes_commas_and_line_ends(public, records):
    rows = {row["lars"]: row for row in csv_rows(public)}
    row = rows[records["published"][0]]
    assert row["name"] == 'Komma, "aanhalingstekens" en ;'
    assert row["description_short"] == "Regel één\nRegel twee, met ë en €"
    assert row["link"] == "https://testdorp.example/a?b=1,2"
    assert row["theme"] == "Verkeer|Werk"
    # the published version, not the newer concept
    assert rows[records["published"][1]]["name"] != "Nog niet openbaar"


def test_open_data_is_public(server, http):
    import requests

    for path in (JSON_PATH, CSV_PATH):
        r = requests.get(server.base_url + path, timeout=30)
        assert r.status_code == 200


@pytest.mark.parametrize("path", [JSON_PATH, CSV_PATH])
def test_downloads_follow_every_publication_and_retraction(public, staff, records, path):
    """The downloads are rendered once per change of what is published: a publication or retraction shows at
    once, an unchanged register answers the same tag (304 with If-None-Match)."""
    def get(**headers):
        return public.session.get(public.base_url + path, headers=headers, timeout=30)

    first = get()
    assert first.status_code == 200
    tag = first.headers["ETag"]
    again = get()
    assert again.headers["ETag"] == tag and again.content == first.content
    not_modified = get(**{"If-None-Match": tag})
    assert not_modified.status_code == 304 and not_modified.content == b""

    name = rs.uniq("Open data volgt")
    lars = rs.published(staff, document(name=name))["lars"]
    after_publish = get(**{"If-None-Match": tag})
    assert after_publish.status_code == 200 and after_publish.headers["ETag"] != tag
    assert name in after_publish.content.decode("utf-8") and lars in after_publish.content.decode("utf-8")

    staff["goed1"].ok("POST", f"/registraties/{lars}/terugtrekken", {"reden": "Toch niet."})
    after_retract = get()
    assert after_retract.headers["ETag"] not in (tag, after_publish.headers["ETag"])
    assert name not in after_retract.content.decode("utf-8")
