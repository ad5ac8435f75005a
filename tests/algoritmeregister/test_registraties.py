"""The algorithm register's registrations over HTTP: validation against Publicatiestandaard 1.0 per field, the
two-person workflow (every path and every refusal), versions, history, and the public list, record and history.
"""

from __future__ import annotations

import json

import pytest

import register_support as rs
from register_support import document, problem

pytestmark = pytest.mark.usefixtures("server")


# --------------------------------------------------------------------------------------------------------------
# creating and validation


def test_create_returns_concept_version_1_with_location(staff, server):
    doc = document()
    r = staff["red1"].post("/registraties", doc)
    assert r.status_code == 201, rs.describe(r)
    reg = r.json()
    assert len(reg["lars"]) == 8 and reg["lars"].isdigit()
    assert r.headers["Location"] == f"{server.base_url}{rs.API}/registraties/{reg['lars']}"
    assert reg["toestand"] == "concept"
    assert reg["versie"] == 1
    assert reg["organisatie"] == rs.ORG
    assert reg["laatste_auteur"] == "red1"
    assert reg["vrijgegeven_door"] is None
    assert reg["gepubliceerde_versie"] is None
    assert reg["gegevens"] == doc
    got = staff["goed1"].ok("GET", f"/registraties/{reg['lars']}")
    assert got == reg


def test_create_fills_language_schema_and_organisation(staff):
    doc = document(language=None, schema=None, organization=None)
    reg = staff["red1"].create(doc)
    assert reg["gegevens"]["language"] == "nld"
    assert reg["gegevens"]["schema"] == "1.0.0"
    assert reg["gegevens"]["organization"] == rs.ORG


def test_create_trims_and_drops_empty_optional_fields(staff):
    reg = staff["red1"].create(document(name="  Met spaties  ", link="", end_date=None, theme=["Verkeer", "Verkeer"]))
    assert reg["gegevens"]["name"] == "Met spaties"
    assert "link" not in reg["gegevens"]
    assert reg["gegevens"]["theme"] == ["Verkeer"]


def test_all_optional_fields_are_kept(staff):
    optional = {
        "end_date": "2025-12",
        "link": "https://testdorp.example/algoritme",
        "source_link": "https://algoritmes.testdorp.example/",
        "legal_basis": "De wet.",
        "legal_basis_link": "https://wetten.overheid.nl/BWBR0006622",
        "legal_basis_title": "Wegenverkeerswet 1994",
        "processing_register_link": "https://www.avgregisterrijksoverheid.nl/",
        "impact_assessment_link": "https://testdorp.example/dpia",
        "impact_assessment_explanation": "Uitleg.",
        "data_source_link": "https://data.testdorp.example/",
        "data_source_title": "Datacatalogus",
        "source_code_link": "https://github.com/testdorp/algoritme",
        "source_id": "TD-001",
        "search_terms": "verkeer, lichten",
    }
    reg = staff["red1"].create(document(**optional))
    for k, v in optional.items():
        assert reg["gegevens"][k] == v


REQUIRED = ["name", "description_short", "theme", "status", "start_date", "contact", "publication_category",
            "purpose_and_impact", "considerations", "human_intervention", "risk_management", "impact_assessments",
            "data", "technical_operation", "supplier"]


@pytest.mark.parametrize("field", REQUIRED)
def test_required_field_missing(staff, field):
    problem(staff["red1"].post("/registraties", document(**{field: None})), 400, "invalid", field, "required")


@pytest.mark.parametrize("field", ["name", "description_short", "contact", "considerations", "supplier"])
def test_required_text_blank(staff, field):
    problem(staff["red1"].post("/registraties", document(**{field: "   "})), 400, "invalid", field, "required")


def test_required_theme_empty_list(staff):
    problem(staff["red1"].post("/registraties", document(theme=[])), 400, "invalid", "theme", "required")


@pytest.mark.parametrize("field,limit", [
    ("name", 99), ("description_short", 399), ("purpose_and_impact", 2499), ("considerations", 2499),
    ("human_intervention", 2499), ("risk_management", 2499), ("legal_basis", 2499), ("legal_basis_title", 99),
    ("impact_assessment_explanation", 2499), ("data", 2499), ("data_source_title", 499),
    ("technical_operation", 4999), ("supplier", 199), ("organization", 99)])
def test_max_length(staff, field, limit):
    # characters, not bytes: a text of exactly `limit` accented letters is fine
    if field != "organization":
        staff["red1"].create(document(**{field: "é" * limit}))
    body = problem(staff["red1"].post("/registraties", document(**{field: "x" * (limit + 1)})), 400, "invalid", field,
                   "max_length")
    assert str(limit) in [p for p in body["invalidParams"] if p["name"] == field][0]["reason"]


@pytest.mark.parametrize("field,value", [
    ("status", "Gebruikt"), ("status", "in gebruik"), ("publication_category", "Impactvolle algoritmes"),
    ("publication_category", "Categorie B"), ("status", 3)])
def test_enum(staff, field, value):
    problem(staff["red1"].post("/registraties", document(**{field: value})), 400, "invalid", field, "invalid_choice")


def test_theme_outside_the_register_list(staff):
    problem(staff["red1"].post("/registraties", document(theme=["Verkeer", "Ruimtevaart"])), 400, "invalid", "theme",
            "invalid_choice")


def test_theme_must_be_a_list(staff):
    problem(staff["red1"].post("/registraties", document(theme="Verkeer")), 400, "invalid", "theme", "invalid")


@pytest.mark.parametrize("field", ["start_date", "end_date"])
@pytest.mark.parametrize("value", ["2024", "2024-1", "2024-13", "2024-00", "01-2024", "2024-01-01", "jan 2024"])
def test_year_month_pattern(staff, field, value):
    problem(staff["red1"].post("/registraties", document(**{field: value})), 400, "invalid", field, "invalid")


@pytest.mark.parametrize("field", ["language", "schema"])
def test_const(staff, field):
    problem(staff["red1"].post("/registraties", document(**{field: "eng" if field == "language" else "2.0.0"})), 400,
            "invalid", field, "invalid")


@pytest.mark.parametrize("value", ["testdorp.example", "javascript:alert(1)", "ftp://x.example/", "https://",
                                   "https://a b.example/"])
def test_uri_fields(staff, value):
    for field in ("link", "source_link", "legal_basis_link", "processing_register_link", "impact_assessment_link",
                  "data_source_link", "source_code_link"):
        problem(staff["red1"].post("/registraties", document(**{field: value})), 400, "invalid", field, "invalid")


def test_wrong_type(staff):
    problem(staff["red1"].post("/registraties", document(name=42)), 400, "invalid", "name", "invalid")


def test_unknown_field(staff):
    problem(staff["red1"].post("/registraties", document(kleur="blauw")), 400, "invalid", "kleur", "unknown")


def test_every_fault_is_reported(staff):
    body = problem(staff["red1"].post("/registraties", document(name=None, status="x", start_date="2024")), 400,
                   "invalid")
    names = {p["name"] for p in body["invalidParams"]}
    assert {"name", "status", "start_date"} <= names


def test_other_organisation_refused_on_the_field(staff):
    problem(staff["red1"].post("/registraties", document(organization=rs.OTHER_ORG)), 400, "invalid", "organization",
            "invalid")


def test_body_must_be_json_object(staff):
    r = staff["red1"].post("/registraties", None, data="[1,2]", headers={"Content-Type": "application/json"})
    problem(r, 400)
    r = staff["red1"].post("/registraties", None, data="{niet json", headers={"Content-Type": "application/json"})
    problem(r, 400)


# --------------------------------------------------------------------------------------------------------------
# authentication and roles


def test_staff_endpoints_need_a_token(public):
    problem(public.post("/registraties", document()), 401)
    problem(public.get("/registraties"), 401)


def test_bad_token(server, http):
    bad = rs.Register(server.base_url, "niet-een-token", http)
    problem(bad.get("/registraties"), 401)


def test_goedkeurder_cannot_create_or_save(staff):
    problem(staff["goed1"].post("/registraties", document()), 403)
    reg = staff["red1"].create()
    problem(staff["goed1"].put(f"/registraties/{reg['lars']}", document()), 403)


def test_redacteur_cannot_publish_reject_or_retract(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    problem(staff["red2"].post(f"/registraties/{lars}/publiceren"), 403)
    problem(staff["red2"].post(f"/registraties/{lars}/afwijzen", {"reden": "nee"}), 403)
    staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")
    problem(staff["red2"].post(f"/registraties/{lars}/terugtrekken", {"reden": "weg"}), 403)


def test_goedkeurder_cannot_release(staff):
    reg = staff["red1"].create()
    problem(staff["goed1"].post(f"/registraties/{reg['lars']}/vrijgeven"), 403)


def test_other_organisation_cannot_act(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    other = staff["anders"]
    problem(other.get(f"/registraties/{lars}"), 403)
    problem(other.put(f"/registraties/{lars}", document(organization=rs.OTHER_ORG)), 403)
    problem(other.get(f"/registraties/{lars}/versies"), 403)
    problem(other.get(f"/registraties/{lars}/versies/1"), 403)
    problem(other.get(f"/registraties/{lars}/geschiedenis"), 403)
    problem(other.post(f"/registraties/{lars}/vrijgeven"), 403)
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    problem(other.post(f"/registraties/{lars}/publiceren"), 403)
    problem(other.post(f"/registraties/{lars}/afwijzen", {"reden": "x"}), 403)
    # and its own list does not show it
    listed = other.ok("GET", "/registraties?pageSize=100")
    assert lars not in [r["lars"] for r in listed["results"]]


def test_unknown_lars(staff):
    problem(staff["red1"].get("/registraties/00000000"), 404)
    problem(staff["red1"].put("/registraties/00000000", document()), 404)
    problem(staff["red1"].post("/registraties/00000000/vrijgeven"), 404)
    problem(staff["goed1"].post("/registraties/00000000/publiceren"), 404)


# --------------------------------------------------------------------------------------------------------------
# workflow


def test_full_workflow_publish(staff, public):
    doc = document()
    reg = staff["red1"].create(doc)
    lars = reg["lars"]
    problem(public.get(f"/algoritmes/{lars}"), 404)
    rel = staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    assert rel["toestand"] == "ter-goedkeuring"
    assert rel["vrijgegeven_door"] == "red1"
    problem(public.get(f"/algoritmes/{lars}"), 404)
    pub = staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")
    assert pub["toestand"] == "gepubliceerd"
    assert pub["gepubliceerde_versie"] == 1
    assert pub["gepubliceerd_door"] == "goed1"
    assert pub["gepubliceerd_op"]
    rec = public.ok("GET", f"/algoritmes/{lars}")
    assert rec["lars"] == lars
    assert rec["versie"] == 1
    assert rec["gepubliceerd_op"] == pub["gepubliceerd_op"]
    assert rec["toetsing"] is None
    for k, v in doc.items():
        assert rec[k] == v


def test_reject_returns_to_concept_with_reason(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    rej = staff["goed1"].ok("POST", f"/registraties/{lars}/afwijzen", {"reden": "De afwegingen zijn te kort."})
    assert rej["toestand"] == "concept"
    assert rej["vrijgegeven_door"] is None
    hist = staff["red1"].ok("GET", f"/registraties/{lars}/geschiedenis")
    assert hist[-1]["soort"] == "afwijzen"
    assert hist[-1]["reden"] == "De afwegingen zijn te kort."
    assert hist[-1]["door"] == "goed1"
    # the concept can be changed and released again
    staff["red1"].ok("PUT", f"/registraties/{lars}", document(name=rs.uniq("Beter")))
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    assert staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")["gepubliceerde_versie"] == 2


@pytest.mark.parametrize("action", ["afwijzen", "terugtrekken"])
@pytest.mark.parametrize("body", [{}, {"reden": ""}, {"reden": "  "}, {"reden": None}])
def test_reason_required(staff, action, body):
    reg = rs.published(staff) if action == "terugtrekken" else staff["red1"].create()
    lars = reg["lars"]
    if action == "afwijzen":
        staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    problem(staff["goed1"].post(f"/registraties/{lars}/{action}", body), 400, "invalid", "reden", "required")


@pytest.mark.parametrize("action", ["afwijzen", "terugtrekken"])
def test_reason_limits(staff, action):
    reg = rs.published(staff) if action == "terugtrekken" else staff["red1"].create()
    lars = reg["lars"]
    if action == "afwijzen":
        staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    problem(staff["goed1"].post(f"/registraties/{lars}/{action}", {"reden": 5}), 400, "invalid", "reden", "invalid")
    problem(staff["goed1"].post(f"/registraties/{lars}/{action}", {"reden": "x" * 2001}), 400, "invalid", "reden",
            "max_length")


def test_retract_removes_everything_public(staff, public):
    reg = rs.published(staff)
    lars = reg["lars"]
    public.ok("GET", f"/algoritmes/{lars}")
    ret = staff["goed2"].ok("POST", f"/registraties/{lars}/terugtrekken", {"reden": "Niet meer in gebruik."})
    assert ret["toestand"] == "teruggetrokken"
    assert ret["gepubliceerde_versie"] is None
    problem(public.get(f"/algoritmes/{lars}"), 404)
    problem(public.get(f"/algoritmes/{lars}/geschiedenis"), 404)
    listed = public.ok("GET", "/algoritmes", params={"zoek": reg["gegevens"]["name"]})
    assert listed["count"] == 0
    hist = staff["red1"].ok("GET", f"/registraties/{lars}/geschiedenis")
    assert hist[-1]["soort"] == "terugtrekken" and hist[-1]["reden"] == "Niet meer in gebruik."


def test_save_after_retract_starts_concept_and_can_be_republished(staff, public):
    reg = rs.published(staff)
    lars = reg["lars"]
    staff["goed1"].ok("POST", f"/registraties/{lars}/terugtrekken", {"reden": "Even weg."})
    saved = staff["red1"].ok("PUT", f"/registraties/{lars}", document(name=reg["gegevens"]["name"]))
    assert saved["toestand"] == "concept" and saved["versie"] == 2
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    staff["goed2"].ok("POST", f"/registraties/{lars}/publiceren")
    assert public.ok("GET", f"/algoritmes/{lars}")["versie"] == 2
    hist = public.ok("GET", f"/algoritmes/{lars}/geschiedenis")
    assert [e["soort"] for e in hist["gebeurtenissen"]] == ["publiceren", "terugtrekken", "publiceren"]
    assert [v["versie"] for v in hist["versies"]] == [1, 2]


def test_save_while_published_keeps_public_version(staff, public):
    doc1 = document()
    reg = rs.published(staff, doc1)
    lars = reg["lars"]
    doc2 = document(name=rs.uniq("Nieuw"))
    saved = staff["red2"].ok("PUT", f"/registraties/{lars}", doc2)
    assert saved["toestand"] == "concept"
    assert saved["versie"] == 2
    assert saved["gepubliceerde_versie"] == 1
    rec = public.ok("GET", f"/algoritmes/{lars}")
    assert rec["name"] == doc1["name"] and rec["versie"] == 1
    staff["red2"].ok("POST", f"/registraties/{lars}/vrijgeven")
    # the public version stays while the new one waits for approval
    assert public.ok("GET", f"/algoritmes/{lars}")["versie"] == 1
    staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")
    rec = public.ok("GET", f"/algoritmes/{lars}")
    assert rec["name"] == doc2["name"] and rec["versie"] == 2


def test_retract_while_newer_concept_keeps_the_concept(staff, public):
    reg = rs.published(staff)
    lars = reg["lars"]
    staff["red1"].ok("PUT", f"/registraties/{lars}", document())
    ret = staff["goed1"].ok("POST", f"/registraties/{lars}/terugtrekken", {"reden": "Fout gevonden."})
    assert ret["toestand"] == "concept"
    assert ret["gepubliceerde_versie"] is None
    problem(public.get(f"/algoritmes/{lars}"), 404)


def test_same_person_cannot_publish_own_version(staff):
    # `beide` holds both roles: writing and publishing the same version is refused
    reg = staff["beide"].create()
    lars = reg["lars"]
    staff["beide"].ok("POST", f"/registraties/{lars}/vrijgeven")
    body = problem(staff["beide"].post(f"/registraties/{lars}/publiceren"), 403)
    assert "zelf" in body["detail"]
    staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")


def test_who_released_cannot_publish(staff):
    # red1 writes, beide releases: beide may not publish, goed1 may
    reg = staff["red1"].create()
    lars = reg["lars"]
    staff["beide"].ok("POST", f"/registraties/{lars}/vrijgeven")
    body = problem(staff["beide"].post(f"/registraties/{lars}/publiceren"), 403)
    assert "vrijgegeven" in body["detail"]
    staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")


def test_author_of_latest_version_cannot_publish(staff):
    # beide wrote version 2 after red1 wrote version 1: beide may not publish version 2
    reg = staff["red1"].create()
    lars = reg["lars"]
    staff["beide"].ok("PUT", f"/registraties/{lars}", document())
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    problem(staff["beide"].post(f"/registraties/{lars}/publiceren"), 403)
    staff["goed2"].ok("POST", f"/registraties/{lars}/publiceren")


def invalid_state(resp, state):
    body = problem(resp, 409, "invalid-state")
    assert state in body["detail"]
    assert {"name": "toestand", "code": "invalid-state"}.items() <= body["invalidParams"][0].items()
    return body


def test_wrong_state_actions(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    # concept: publish, reject, retract refused
    invalid_state(staff["goed1"].post(f"/registraties/{lars}/publiceren"), "concept")
    invalid_state(staff["goed1"].post(f"/registraties/{lars}/afwijzen", {"reden": "x"}), "concept")
    invalid_state(staff["goed1"].post(f"/registraties/{lars}/terugtrekken", {"reden": "x"}), "concept")
    # ter-goedkeuring: release again and edit refused
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    invalid_state(staff["red1"].post(f"/registraties/{lars}/vrijgeven"), "ter-goedkeuring")
    invalid_state(staff["red1"].put(f"/registraties/{lars}", document()), "ter-goedkeuring")
    invalid_state(staff["goed1"].post(f"/registraties/{lars}/terugtrekken", {"reden": "x"}), "ter-goedkeuring")
    # gepubliceerd: release, publish, reject refused
    staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")
    invalid_state(staff["red1"].post(f"/registraties/{lars}/vrijgeven"), "gepubliceerd")
    invalid_state(staff["goed2"].post(f"/registraties/{lars}/publiceren"), "gepubliceerd")
    invalid_state(staff["goed2"].post(f"/registraties/{lars}/afwijzen", {"reden": "x"}), "gepubliceerd")
    # teruggetrokken: retract again, publish, release refused
    staff["goed1"].ok("POST", f"/registraties/{lars}/terugtrekken", {"reden": "weg"})
    invalid_state(staff["goed1"].post(f"/registraties/{lars}/terugtrekken", {"reden": "weg"}), "teruggetrokken")
    invalid_state(staff["goed2"].post(f"/registraties/{lars}/publiceren"), "teruggetrokken")
    invalid_state(staff["red1"].post(f"/registraties/{lars}/vrijgeven"), "teruggetrokken")


def test_edit_while_ter_goedkeuring_leaves_the_version(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    problem(staff["red2"].put(f"/registraties/{lars}", document()), 409, "invalid-state")
    assert staff["red1"].ok("GET", f"/registraties/{lars}")["versie"] == 1


def test_invalid_save_keeps_the_registration(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    problem(staff["red1"].put(f"/registraties/{lars}", document(status="kapot")), 400, "invalid", "status",
            "invalid_choice")
    problem(staff["red1"].put(f"/registraties/{lars}", document(organization=rs.OTHER_ORG)), 400, "invalid",
            "organization")
    got = staff["red1"].ok("GET", f"/registraties/{lars}")
    assert got["versie"] == 1 and got["gegevens"] == reg["gegevens"]


# --------------------------------------------------------------------------------------------------------------
# versions and history


def test_versions_are_kept_and_readable(staff):
    docs = [document(), document(), document()]
    reg = staff["red1"].create(docs[0])
    lars = reg["lars"]
    staff["red2"].ok("PUT", f"/registraties/{lars}", docs[1])
    third = staff["red1"].ok("PUT", f"/registraties/{lars}", docs[2])
    assert third["versie"] == 3
    versions = staff["goed1"].ok("GET", f"/registraties/{lars}/versies")
    assert [v["versie"] for v in versions] == [1, 2, 3]
    assert [v["auteur"] for v in versions] == ["red1", "red2", "red1"]
    assert versions[1]["auteur_naam"] == "Ruud Redacteur"
    for n, doc in enumerate(docs, start=1):
        v = staff["goed1"].ok("GET", f"/registraties/{lars}/versies/{n}")
        assert v["versie"] == n
        assert v["gegevens"] == doc
    problem(staff["goed1"].get(f"/registraties/{lars}/versies/4"), 404)
    problem(staff["goed1"].get(f"/registraties/{lars}/versies/0"), 404)
    problem(staff["goed1"].get(f"/registraties/{lars}/versies/een"), 404)


def test_history_records_every_step(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    staff["red2"].ok("PUT", f"/registraties/{lars}", document())
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    staff["goed1"].ok("POST", f"/registraties/{lars}/afwijzen", {"reden": "Nog niet."})
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    staff["goed2"].ok("POST", f"/registraties/{lars}/publiceren")
    staff["goed1"].ok("POST", f"/registraties/{lars}/terugtrekken", {"reden": "Weg."})
    hist = staff["red1"].ok("GET", f"/registraties/{lars}/geschiedenis")
    assert [(e["soort"], e["versie"], e["door"]) for e in hist] == [
        ("aanmaken", 1, "red1"), ("opslaan", 2, "red2"), ("vrijgeven", 2, "red1"), ("afwijzen", 2, "goed1"),
        ("vrijgeven", 2, "red1"), ("publiceren", 2, "goed2"), ("terugtrekken", 2, "goed1")]
    assert hist[0]["door_naam"] == "Rita Redacteur"
    assert [e["reden"] for e in hist] == [None, None, None, "Nog niet.", None, None, "Weg."]
    times = [e["op"] for e in hist]
    assert times == sorted(times)


def test_public_history_lists_published_versions_only(staff, public):
    doc1 = document()
    reg = rs.published(staff, doc1)
    lars = reg["lars"]
    staff["red1"].ok("PUT", f"/registraties/{lars}", document())  # v2 never published
    doc3 = document()
    staff["red1"].ok("PUT", f"/registraties/{lars}", doc3)
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    staff["goed1"].ok("POST", f"/registraties/{lars}/publiceren")
    hist = public.ok("GET", f"/algoritmes/{lars}/geschiedenis")
    assert hist["lars"] == lars
    assert hist["naam"] == doc3["name"]
    assert [v["versie"] for v in hist["versies"]] == [1, 3]
    assert hist["versies"][0]["gegevens"] == doc1
    assert [e["soort"] for e in hist["gebeurtenissen"]] == ["publiceren", "publiceren"]
    # the public history names no staff
    assert all("door" not in e for e in hist["gebeurtenissen"])


# --------------------------------------------------------------------------------------------------------------
# lists


def test_own_list_and_state_filter(staff):
    reg = staff["red1"].create()
    lars = reg["lars"]
    staff["red1"].ok("POST", f"/registraties/{lars}/vrijgeven")
    all_own = staff["goed1"].ok("GET", "/registraties?pageSize=100")
    assert all(r["organisatie"] == rs.ORG for r in all_own["results"])
    assert all_own["results"][0]["lars"] == lars  # newest change first
    waiting = staff["goed1"].ok("GET", "/registraties?toestand=ter-goedkeuring&pageSize=100")
    assert lars in [r["lars"] for r in waiting["results"]]
    assert all(r["toestand"] == "ter-goedkeuring" for r in waiting["results"])
    concepts = staff["goed1"].ok("GET", "/registraties?toestand=concept&pageSize=100")
    assert lars not in [r["lars"] for r in concepts["results"]]
    problem(staff["goed1"].get("/registraties?toestand=klaar"), 400, "invalid", "toestand", "invalid_choice")
    problem(staff["goed1"].get("/registraties?kleur=rood"), 400, "invalid", "kleur", "unknown")


def test_own_list_paging(staff):
    for _ in range(3):
        staff["anders"].create(document(organization=rs.OTHER_ORG))
    first = staff["anders"].ok("GET", "/registraties?pageSize=2")
    assert first["count"] >= 3
    assert len(first["results"]) == 2
    assert first["next"] and first["previous"] is None
    second = staff["anders"].ok("GET", "/registraties?pageSize=2&page=2")
    assert {r["lars"] for r in first["results"]}.isdisjoint({r["lars"] for r in second["results"]})


@pytest.fixture(scope="module")
def catalogue(staff):
    """Published registrations with distinct values for the public filters (unique marker in search_terms)."""
    marker = rs.uniq("merk").replace(" ", "")
    specs = [
        dict(theme=["Verkeer"], status="In gebruik", publication_category="Overige algoritmes (Categorie C)"),
        dict(theme=["Zorg en gezondheid", "Werk"], status="In ontwikkeling",
             publication_category="Impactvolle algoritmes (Categorie B)"),
        dict(theme=["Werk"], status="Buiten gebruik", publication_category="Hoog-risico AI-systeem (Categorie A)"),
        dict(theme=["Verkeer", "Wonen"], status="In ontwikkeling",
             publication_category="Overige algoritmes (Categorie C)"),
    ]
    records = []
    for i, spec in enumerate(specs):
        doc = document(search_terms=f"{marker} nummer{i}", **spec)
        records.append(rs.published(staff, doc)["lars"])
    other = document(organization=rs.OTHER_ORG, search_terms=marker)
    other_lars = rs.published(staff, other, author="anders", approver="anders2")["lars"]
    return marker, records, other_lars


def lars_of(page):
    return {r["lars"] for r in page["results"]}


def test_public_list_filters(public, catalogue):
    marker, lars, other = catalogue
    q = {"zoek": marker, "pageSize": 100}
    assert lars_of(public.get("/algoritmes", params=q).json()) == set(lars) | {other}
    by = lambda **p: lars_of(public.get("/algoritmes", params={**q, **p}).json())  # noqa: E731
    assert by(thema="Verkeer") == {lars[0], lars[3], other}
    assert by(thema="Werk") == {lars[1], lars[2]}
    assert by(thema="Recht") == set()
    assert by(status="In ontwikkeling") == {lars[1], lars[3]}
    assert by(publicatiecategorie="Hoog-risico AI-systeem (Categorie A)") == {lars[2]}
    assert by(status="In ontwikkeling", thema="Wonen") == {lars[3]}
    assert by(thema="Verkeer", organisatie=rs.OTHER_ORG) == {other}
    assert by(organisatie=rs.ORG) == set(lars)
    assert by(organisatie="gemeente-testdorp") == set(lars)
    assert by(organisatie=rs.OTHER_ORG) == {other}
    assert by(organisatie="gemeente-anders") == {other}
    assert by(organisatie="Gemeente Nergens") == set()


def test_public_search_is_case_insensitive_over_the_texts(staff, public):
    word = rs.uniq("Zoekwoord").replace(" ", "")
    a = rs.published(staff, document(name=f"Verkeerslichten {word.upper()}"))["lars"]
    b = rs.published(staff, document(description_short=f"Iets met {word.lower()} erin."))["lars"]
    c = rs.published(staff, document(search_terms=f"{word}, anders"))["lars"]
    d = rs.published(staff, document(name=f"Élan {word}"))["lars"]
    found = lars_of(public.get("/algoritmes", params={"zoek": word.lower(), "pageSize": 100}).json())
    assert found == {a, b, c, d}
    assert lars_of(public.get("/algoritmes", params={"zoek": f"élan {word}".upper(), "pageSize": 100}).json()) == {d}
    # the organisation's name is searched too
    assert a in lars_of(public.get("/algoritmes", params={"zoek": "testdorp", "pageSize": 100}).json())
    # LIKE wildcards are plain characters
    assert public.get("/algoritmes", params={"zoek": "%_%" + word}).json()["count"] == 0


def test_public_list_paging(public, catalogue):
    marker, lars, other = catalogue
    lars = lars + [other]
    seen = []
    page = 1
    while True:
        body = public.get("/algoritmes", params={"zoek": marker, "pageSize": 3, "page": page}).json()
        assert body["count"] == 5
        seen += [r["lars"] for r in body["results"]]
        if not body["next"]:
            break
        assert f"page={page + 1}" in body["next"]
        page += 1
    assert page == 2
    assert sorted(seen) == sorted(lars) and len(seen) == 5
    beyond = public.get("/algoritmes", params={"zoek": marker, "pageSize": 3, "page": 5}).json()
    assert beyond["results"] == [] and beyond["count"] == 5


def test_public_list_items_are_public_records(public, catalogue):
    marker, lars, _ = catalogue
    body = public.get("/algoritmes", params={"zoek": marker, "pageSize": 100}).json()
    for item in body["results"]:
        assert item == public.ok("GET", f"/algoritmes/{item['lars']}")


def test_public_list_is_sorted_by_name(staff, public):
    word = rs.uniq("sorteer").replace(" ", "")
    names = [f"C {word}", f"a {word}", f"B {word}"]
    for n in names:
        rs.published(staff, document(name=n))
    got = [r["name"] for r in public.get("/algoritmes", params={"zoek": word}).json()["results"]]
    assert got == [f"a {word}", f"B {word}", f"C {word}"]


@pytest.mark.parametrize("params,field,code", [
    ({"status": "Actief"}, "status", "invalid_choice"),
    ({"thema": "Ruimtevaart"}, "thema", "invalid_choice"),
    ({"publicatiecategorie": "Categorie B"}, "publicatiecategorie", "invalid_choice"),
    ({"pageSize": "0"}, "pageSize", None),
    ({"pageSize": "101"}, "pageSize", "max_value"),
    ({"zoek": "x" * 201}, "zoek", "max_length"),
    ({"sorteer": "naam"}, "sorteer", "unknown"),
])
def test_public_list_bad_parameters(public, params, field, code):
    problem(public.get("/algoritmes", params=params), 400, "invalid", field, code)


def test_public_unknown_lars(public):
    problem(public.get("/algoritmes/00000000"), 404)
    problem(public.get("/algoritmes/00000000/geschiedenis"), 404)


def test_concept_is_not_public(staff, public):
    reg = staff["red1"].create()
    problem(public.get(f"/algoritmes/{reg['lars']}"), 404)
    body = public.get("/algoritmes", params={"zoek": reg["gegevens"]["name"]}).json()
    assert body["count"] == 0


# --------------------------------------------------------------------------------------------------------------
# design rules


def test_openapi_served_and_versioned(public):
    r = public.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["info"]["version"] == "1.0.0"
    assert doc["info"]["contact"]["email"]
    assert "/registraties/{lars}/publiceren" in doc["paths"]
    assert doc["paths"]["/registraties"]["post"]["security"] == [{"medewerkerToken": []}]
    assert doc["paths"]["/algoritmes"]["get"]["security"] == []


def test_no_trailing_slash(public):
    r = public.get("/algoritmes/")
    assert r.status_code == 404
    r = public.get("/registraties/")
    assert r.status_code == 404


def test_api_version_header_on_errors(public):
    r = public.get("/algoritmes/00000000")
    assert r.headers["API-Version"] == "1.0.0"
    assert json.loads(r.text)["status"] == 404


# --------------------------------------------------------------------------------------------------------------
# demo data


@pytest.fixture(scope="module")
def demo_server(server, tmp_path_factory):
    from api_conftest import running_server

    with running_server(tmp_path_factory, server.engine, demo=True, add_clients=lambda srv: None) as srv:
        yield srv


def demo_token(srv, username: str) -> str:
    """An API token for one of the accounts `serve --demo` creates, made with the CLI on the running server's data."""
    import subprocess

    res = subprocess.run([str(srv.binary), "accounts", "token", username, "--db", srv.db_url,
                          "--data-dir", str(srv.data_dir), "--label", "tests"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip().splitlines()[-1].strip()


def test_demo_loads_the_two_examples_waiting_for_the_gate(demo_server, http):
    # Both examples are category B and in use without an assessment: loaded through the workflow and released
    # for approval, not published past the gate.
    public = rs.Register(demo_server.base_url, None, http)
    assert public.ok("GET", "/algoritmes")["results"] == []
    approver = rs.Register(demo_server.base_url, demo_token(demo_server, "goedkeurder"), http)
    own = approver.ok("GET", "/registraties")["results"]
    assert [(r["organisatie"], r["toestand"]) for r in own] == [("Gemeente Amsterdam", "ter-goedkeuring")]
    fields = approver.ok("GET", f"/registraties/{own[0]['lars']}")["gegevens"]
    assert fields["name"] == "Meldingen openbare ruimte"
    assert fields["publication_category"] == "Impactvolle algoritmes (Categorie B)"
    assert fields["theme"] == ["Openbare orde en veiligheid"]
    assert fields["language"] == "nld" and fields["schema"] == "1.0.0"
    assert fields["source_id"] == "gemeente-amsterdam-meldingen-openbare-ruimte"
    assert "<p>" not in fields["purpose_and_impact"] and "Signalen" in fields["purpose_and_impact"]
    # The demo's approver meets the gate: an assessment is missing.
    refused = approver.post(f"/registraties/{own[0]['lars']}/publiceren")
    rs.problem(refused, 409, "assessment-required")
