"""The assessment gate of the algorithm register, over HTTP on every engine.

An algorithm in publication category A or B with status "In gebruik" is only published after a completed
assessment: the IAMA filled in inside Thorbecke (every question of every applicable part answered, signed off
by a goedkeurder who wrote none of it) or an approved external assessment. Every refusal is tested with its
status and code; the outcome shows in the public record and the open data.
"""

from __future__ import annotations

import csv
import io

import pytest

import register_support as rs
from register_support import describe, problem

CAT_A = "Hoog-risico AI-systeem (Categorie A)"
CAT_B = "Impactvolle algoritmes (Categorie B)"
CAT_C = "Overige algoritmes (Categorie C)"
PARTS = ["1", "2A", "2B", "3", "4"]
DPIA = "Data Protection Impact Assessment (DPIA)"


# --- helpers -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalogue(public):
    r = public.get("/iama-vragen")
    assert r.status_code == 200, describe(r)
    return r.json()


def numbers(catalogue, part=None):
    return [q["nummer"] for d in catalogue["delen"] if part in (None, d["deel"]) for q in d["vragen"]]


def urn(catalogue, number):
    return next(q["urn"] for d in catalogue["delen"] for q in d["vragen"] if q["nummer"] == number)


def answers(catalogue, parts=None, skip=(), text="Antwoord", rol="Projectleider"):
    """Answers to every question of `parts` (all parts when None) except `skip`, by urn."""
    return [{"vraag": q["urn"], "antwoord": f"{text} op {q['nummer']}.", "rol": rol}
            for d in catalogue["delen"] if parts is None or d["deel"] in parts
            for q in d["vragen"] if q["nummer"] not in skip]


def gated(staff, category=CAT_B, status="In gebruik", author="red1") -> str:
    """A registration of `category` and `status`, released for approval by `author`; its lars."""
    reg = staff[author].create(rs.document(publication_category=category, status=status))
    staff[author].ok("POST", f"/registraties/{reg['lars']}/vrijgeven")
    return reg["lars"]


def save(staff, who, lars, antwoorden=None, nvt=None):
    body = {}
    if antwoorden is not None:
        body["antwoorden"] = antwoorden
    if nvt is not None:
        body["niet_van_toepassing"] = nvt
    return staff[who].request("PATCH", f"/registraties/{lars}/iama", body)


def complete_iama(staff, catalogue, lars, who="red1"):
    r = save(staff, who, lars, answers(catalogue))
    assert r.status_code == 200, describe(r)
    assert r.json()["compleet"] is True
    return r.json()


def sign(staff, who, lars, conclusie="Het algoritme mag worden ingezet, met de genoemde maatregelen."):
    return staff[who].post(f"/registraties/{lars}/iama/goedkeuren", {"conclusie": conclusie})


def publish(staff, lars, who="goed1"):
    return staff[who].post(f"/registraties/{lars}/publiceren")


def missing(resp) -> dict:
    body = problem(resp, 409, "assessment-required")
    assert "IAMA" in body["detail"] and "externe toets" in body["detail"], body
    return {p["name"]: p for p in body["invalidParams"]}


# --- the catalogue -----------------------------------------------------------------------------------------

def test_catalogue_has_57_questions_in_five_parts(catalogue):
    assert [d["deel"] for d in catalogue["delen"]] == PARTS
    assert [len(d["vragen"]) for d in catalogue["delen"]] == [8, 8, 15, 19, 7]
    titles = {d["deel"]: d["titel"] for d in catalogue["delen"]}
    assert titles["1"] == "Waarom? Beoogde effecten en doelen"
    assert titles["4"] == "Grondrechten"
    assert [d["mag_niet_van_toepassing_zijn"] for d in catalogue["delen"]] == [False, True, True, True, True]
    first = catalogue["delen"][0]["vragen"][0]
    assert first["urn"] == "urn:nl:aivt:tr:iama:1.0:1.1.1" and first["nummer"] == "1.1.1"
    assert first["vraag"].startswith("Licht uw voorstel") and "Projectleider" in first["voorgestelde_rollen"]
    # The source writes one urn as "2.A.2.2"; its number is normalised.
    assert "2A.2.2" in numbers(catalogue, "2A")


# --- the gate ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("category", [CAT_A, CAT_B])
def test_gate_refuses_without_any_assessment(staff, category):
    lars = gated(staff, category)
    params = missing(publish(staff, lars))
    assert {f"iama.{p}" for p in PARTS} | {"iama.goedkeuring", "externe_toets"} == set(params)
    assert params["iama.1"]["code"] == "required"
    assert params["iama.1"]["reason"].startswith("Deel 1 (Waarom? Beoogde effecten en doelen): 8 van 8 vragen")
    # Still waiting for approval, nothing public.
    assert staff["red1"].ok("GET", f"/registraties/{lars}")["toestand"] == "ter-goedkeuring"
    assert rs.Register(staff["red1"].base_url, None).get(f"/algoritmes/{lars}").status_code == 404


@pytest.mark.parametrize("category", [CAT_A, CAT_B])
def test_gate_lists_the_open_questions_of_an_incomplete_iama(staff, catalogue, category):
    lars = gated(staff, category)
    r = save(staff, "red1", lars, answers(catalogue, skip={"2A.1.1", "3.2.1", "3.2.2"}))
    assert r.status_code == 200, describe(r)
    iama = r.json()
    assert iama["compleet"] is False
    parts = {d["deel"]: d for d in iama["delen"]}
    assert parts["2A"]["open_vragen"] == ["2A.1.1"] and parts["2A"]["beantwoord"] == 7
    assert parts["3"]["open_vragen"] == ["3.2.1", "3.2.2"]

    params = missing(publish(staff, lars))
    assert set(params) == {"iama.2A", "iama.3", "iama.goedkeuring", "externe_toets"}
    assert "1 van 8 vragen is nog niet beantwoord (2A.1.1)" in params["iama.2A"]["reason"]
    assert "2 van 19 vragen zijn nog niet beantwoord (3.2.1, 3.2.2)" in params["iama.3"]["reason"]

    # An incomplete IAMA cannot be signed off: 409 with the open questions per part.
    body = problem(sign(staff, "goed2", lars), 409, "assessment-incomplete", "iama.2A", "required")
    assert {p["name"] for p in body["invalidParams"]} == {"iama.2A", "iama.3"}


@pytest.mark.parametrize("category", [CAT_A, CAT_B])
def test_gate_refuses_a_complete_unsigned_iama_and_allows_after_sign_off(staff, catalogue, category):
    lars = gated(staff, category)
    complete_iama(staff, catalogue, lars)
    params = missing(publish(staff, lars))
    assert set(params) == {"iama.goedkeuring", "externe_toets"}
    assert "nog niet goedgekeurd" in params["iama.goedkeuring"]["reason"]

    r = sign(staff, "goed2", lars, "Geen bezwaren: de risico's zijn beperkt.")
    assert r.status_code == 200, describe(r)
    iama = r.json()
    assert iama["goedgekeurd"] is True
    assert iama["goedkeuring"]["door"] == {"gebruikersnaam": "goed2", "naam": "Gijs Goedkeurder"}
    assert iama["goedkeuring"]["conclusie"] == "Geen bezwaren: de risico's zijn beperkt."
    # Signed already: a second sign-off is refused.
    problem(sign(staff, "goed1", lars), 409, "invalid-state")

    r = publish(staff, lars)
    assert r.status_code == 200, describe(r)
    assert r.json()["toestand"] == "gepubliceerd"


def test_answers_keep_author_role_and_time(staff, catalogue):
    lars = gated(staff, CAT_B)
    q = urn(catalogue, "1.1.1")
    r = save(staff, "red2", lars, [{"vraag": q, "antwoord": "Omdat het moet.", "rol": "Jurist",
                                     "opmerkingen": "Zie het advies."}])
    assert r.status_code == 200, describe(r)
    a = r.json()["antwoorden"][0]
    assert a["vraag"] == q and a["nummer"] == "1.1.1" and a["rol"] == "Jurist"
    assert a["antwoord"] == "Omdat het moet." and a["opmerkingen"] == "Zie het advies."
    assert a["auteur"] == {"gebruikersnaam": "red2", "naam": "Ruud Redacteur"}
    assert a["tijdstip"].endswith("Z")
    # The same answer saved by someone else is no change: its author stays. By short number works too.
    r = save(staff, "red1", lars, [{"vraag": "1.1.1", "antwoord": "Omdat het moet.", "rol": "Jurist",
                                     "opmerkingen": "Zie het advies."}])
    assert r.json()["antwoorden"][0]["auteur"]["gebruikersnaam"] == "red2"
    # A changed answer gets its new author; an empty one removes it.
    r = save(staff, "red1", lars, [{"vraag": "1.1.1", "antwoord": "Anders.", "rol": "Projectleider"}])
    assert r.json()["antwoorden"][0]["auteur"]["gebruikersnaam"] == "red1"
    r = save(staff, "red1", lars, [{"vraag": "1.1.1", "antwoord": ""}])
    assert r.json()["antwoorden"] == []
    got = staff["goed1"].ok("GET", f"/registraties/{lars}/iama")
    assert got["antwoorden"] == [] and len(got["delen"]) == 5


def test_sign_off_by_someone_who_wrote_answers_is_refused(staff, catalogue):
    lars = gated(staff, CAT_A)
    complete_iama(staff, catalogue, lars, who="red1")
    # "beide" (redacteur and goedkeurder) writes one answer and may then not sign off.
    r = save(staff, "beide", lars, [{"vraag": "4.1.1", "antwoord": "Ja, privacy.", "rol": "Jurist"}])
    assert r.status_code == 200, describe(r)
    body = problem(sign(staff, "beide", lars), 403, "permission_denied")
    assert "zelf antwoorden" in body["detail"]
    params = missing(publish(staff, lars))
    assert "iama.goedkeuring" in params
    # Another goedkeurder may.
    assert sign(staff, "goed1", lars).status_code == 200
    r = publish(staff, lars, who="goed2")
    assert r.status_code == 200, describe(r)


def test_declaring_a_part_not_applicable_counts_as_writing(staff, catalogue):
    lars = gated(staff, CAT_B)
    r = save(staff, "red1", lars, answers(catalogue, parts={"1", "2A", "2B", "3"}))
    assert r.status_code == 200
    r = save(staff, "beide", lars, nvt=[{"deel": "4", "toelichting": "Geen grondrechten geraakt."}])
    assert r.status_code == 200, describe(r)
    assert r.json()["compleet"] is True
    problem(sign(staff, "beide", lars), 403, "permission_denied")


def test_a_change_after_sign_off_voids_it(staff, catalogue):
    lars = gated(staff, CAT_B)
    complete_iama(staff, catalogue, lars)
    assert sign(staff, "goed2", lars).status_code == 200
    # Saving an unchanged answer voids nothing.
    same = [a for a in answers(catalogue) if a["vraag"] == urn(catalogue, "2B.1.1")]
    assert save(staff, "red2", lars, same).json()["goedgekeurd"] is True

    r = save(staff, "red2", lars, [{"vraag": "2B.1.1", "antwoord": "Toch anders.", "rol": "Data scientist"}])
    assert r.status_code == 200, describe(r)
    iama = r.json()
    assert iama["compleet"] is True and iama["goedgekeurd"] is False and iama["goedkeuring"] is None
    voided = iama["goedkeuringen"][0]
    assert voided["vervallen"] is True and voided["vervallen_door"] == "red2" and voided["vervallen_op"]
    assert voided["door"]["gebruikersnaam"] == "goed2" and voided["conclusie"]  # still readable

    params = missing(publish(staff, lars))
    assert set(params) == {"iama.goedkeuring", "externe_toets"}
    assert "vervallen" in params["iama.goedkeuring"]["reason"]

    kinds = [e["soort"] for e in staff["red1"].ok("GET", f"/registraties/{lars}/geschiedenis")]
    assert "iama-goedkeuren" in kinds and "iama-goedkeuring-vervallen" in kinds

    # Signed off again (by someone who wrote nothing), it may be published; both sign-offs are kept.
    r = sign(staff, "goed1", lars)
    assert r.status_code == 200, describe(r)
    assert [g["vervallen"] for g in r.json()["goedkeuringen"]] == [True, False]
    assert publish(staff, lars, who="goed2").status_code == 200


def test_parts_declared_not_applicable(staff, catalogue):
    lars = gated(staff, CAT_A)
    nvt = [{"deel": "2B", "toelichting": "Geen zelflerend algoritme."},
           {"deel": "4", "toelichting": "Raakt geen grondrechten."}]
    r = save(staff, "red1", lars, answers(catalogue, parts={"1", "2A", "3"}), nvt)
    assert r.status_code == 200, describe(r)
    iama = r.json()
    assert iama["compleet"] is True
    parts = {d["deel"]: d for d in iama["delen"]}
    assert parts["4"]["niet_van_toepassing"] is True and parts["4"]["compleet"] is True
    assert [n["deel"] for n in iama["niet_van_toepassing"]] == ["2B", "4"]
    assert iama["niet_van_toepassing"][0]["auteur"]["gebruikersnaam"] == "red1"
    assert sign(staff, "goed2", lars).status_code == 200
    # Taking a declaration back is a change: the sign-off is void and part 4 is open again.
    r = save(staff, "red1", lars, nvt=nvt[:1])
    assert r.json()["goedgekeurd"] is False
    params = missing(publish(staff, lars))
    assert set(params) == {"iama.4", "iama.goedkeuring", "externe_toets"}


def test_iama_validation(staff, catalogue):
    lars = gated(staff, CAT_B)
    q = urn(catalogue, "1.2.1")
    problem(save(staff, "red1", lars, [{"vraag": "urn:bestaat:niet", "antwoord": "x", "rol": "y"}]), 400,
            "invalid", "antwoorden.0.vraag", "invalid_choice")
    problem(save(staff, "red1", lars, [{"antwoord": "x", "rol": "y"}]), 400, "invalid", "antwoorden.0.vraag",
            "required")
    problem(save(staff, "red1", lars, [{"vraag": q, "antwoord": "Een antwoord."}]), 400, "invalid",
            "antwoorden.0.rol", "required")
    problem(save(staff, "red1", lars, [{"vraag": q, "antwoord": "x", "rol": "y"},
                                       {"vraag": "1.2.1", "antwoord": "z", "rol": "y"}]),
            400, "invalid", "antwoorden.1.vraag", "unique")
    problem(save(staff, "red1", lars, [{"vraag": q, "antwoord": "x" * 20001, "rol": "y"}]), 400, "invalid",
            "antwoorden.0.antwoord", "max_length")
    problem(save(staff, "red1", lars, [{"vraag": q, "antwoord": 5, "rol": "y"}]), 400, "invalid",
            "antwoorden.0.antwoord", "invalid")
    problem(save(staff, "red1", lars, nvt=[{"deel": "1", "toelichting": "Niet nodig."}]), 400, "invalid",
            "niet_van_toepassing.0.deel", "invalid")
    problem(save(staff, "red1", lars, nvt=[{"deel": "5", "toelichting": "?"}]), 400, "invalid",
            "niet_van_toepassing.0.deel", "invalid_choice")
    problem(save(staff, "red1", lars, nvt=[{"deel": "3"}]), 400, "invalid",
            "niet_van_toepassing.0.toelichting", "required")
    problem(staff["red1"].request("PATCH", f"/registraties/{lars}/iama", {"antwoorden": "alles"}), 400, "invalid",
            "antwoorden", "invalid")
    problem(staff["red1"].request("PATCH", f"/registraties/{lars}/iama", [1]), 400)
    # Nothing of a refused request was saved.
    assert staff["red1"].ok("GET", f"/registraties/{lars}/iama")["antwoorden"] == []

    complete_iama(staff, catalogue, lars)
    problem(sign(staff, "goed1", lars, "   "), 400, "invalid", "conclusie", "required")
    problem(staff["goed1"].post(f"/registraties/{lars}/iama/goedkeuren", {}), 400, "invalid", "conclusie", "required")


def test_iama_roles_and_organisation(staff, server, catalogue):
    lars = gated(staff, CAT_B)
    one = [{"vraag": "1.1.1", "antwoord": "x", "rol": "Jurist"}]
    body = problem(save(staff, "goed1", lars, one), 403, "permission_denied")
    assert "redacteur" in body["detail"]
    problem(save(staff, "anders", lars, one), 403, "permission_denied")
    problem(staff["anders"].get(f"/registraties/{lars}/iama"), 403, "permission_denied")
    complete_iama(staff, catalogue, lars)
    body = problem(sign(staff, "red2", lars), 403, "permission_denied")
    assert "goedkeurder" in body["detail"]
    problem(sign(staff, "anders", lars), 403, "permission_denied")
    problem(staff["red1"].get("/registraties/99999999/iama"), 404, "not_found")
    anonymous = rs.Register(server.base_url, None)
    problem(anonymous.get(f"/registraties/{lars}/iama"), 401)
    problem(anonymous.request("PATCH", f"/registraties/{lars}/iama", {"antwoorden": one}), 401)


# --- external assessment -----------------------------------------------------------------------------------

def put_external(staff, who, lars, **over):
    body = {"soort": "DPIA", "link": "https://testdorp.example/dpia.pdf", "toelichting": "Laag risico."}
    for k, v in over.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    return staff[who].put(f"/registraties/{lars}/externe-toets", body)


@pytest.mark.parametrize("category", [CAT_A, CAT_B])
def test_external_assessment_path(staff, category):
    lars = gated(staff, category)
    problem(staff["red1"].get(f"/registraties/{lars}/externe-toets"), 404)
    problem(staff["goed1"].post(f"/registraties/{lars}/externe-toets/goedkeuren"), 409, "invalid-state")

    r = put_external(staff, "beide", lars)
    assert r.status_code == 200, describe(r)
    ext = r.json()
    assert ext["soort"] == DPIA and ext["goedgekeurd"] is False
    assert ext["vastgelegd_door"] == {"gebruikersnaam": "beide", "naam": "Bea Beide"}
    params = missing(publish(staff, lars))
    assert "externe_toets.goedkeuring" in params and "externe_toets" not in params

    # Who entered it does not approve it.
    body = problem(staff["beide"].post(f"/registraties/{lars}/externe-toets/goedkeuren"), 403, "permission_denied")
    assert "zelf vastgelegd" in body["detail"]
    r = staff["goed2"].post(f"/registraties/{lars}/externe-toets/goedkeuren")
    assert r.status_code == 200, describe(r)
    assert r.json()["goedkeuring"]["door"]["gebruikersnaam"] == "goed2"
    problem(staff["goed1"].post(f"/registraties/{lars}/externe-toets/goedkeuren"), 409, "invalid-state")

    # A change voids the approval; the same values again do not.
    assert put_external(staff, "red1", lars).json()["goedgekeurd"] is True
    r = put_external(staff, "red1", lars, link="https://testdorp.example/dpia-v2.pdf")
    assert r.json()["goedgekeurd"] is False and r.json()["goedkeuringen"][0]["vervallen"] is True
    params = missing(publish(staff, lars))
    assert "vervallen" in params["externe_toets.goedkeuring"]["reason"]
    kinds = [e["soort"] for e in staff["red1"].ok("GET", f"/registraties/{lars}/geschiedenis")]
    assert "externe-toets-goedkeuring-vervallen" in kinds

    assert staff["goed2"].post(f"/registraties/{lars}/externe-toets/goedkeuren").status_code == 200
    r = publish(staff, lars)
    assert r.status_code == 200, describe(r)


def test_external_assessment_refusals(staff):
    lars = gated(staff, CAT_B)
    problem(put_external(staff, "red1", lars, soort="Eigen toets"), 400, "invalid", "soort", "invalid_choice")
    problem(put_external(staff, "red1", lars, soort=None), 400, "invalid", "soort", "required")
    problem(put_external(staff, "red1", lars, link="http://testdorp.example/dpia"), 400, "invalid", "link", "invalid")
    problem(put_external(staff, "red1", lars, link="geen link"), 400, "invalid", "link", "invalid")
    problem(put_external(staff, "red1", lars, link=None), 400, "invalid", "link", "required")
    problem(put_external(staff, "red1", lars, toelichting=" "), 400, "invalid", "toelichting", "required")
    problem(put_external(staff, "goed1", lars), 403, "permission_denied")
    problem(put_external(staff, "anders", lars), 403, "permission_denied")
    assert put_external(staff, "red1", lars, soort="fraia").json()["soort"] == (
        "Fundamentele Rechten en Algoritme Impact Assessment (FRAIA)")
    problem(staff["red2"].post(f"/registraties/{lars}/externe-toets/goedkeuren"), 403, "permission_denied")
    problem(staff["anders"].post(f"/registraties/{lars}/externe-toets/goedkeuren"), 403, "permission_denied")


# --- outside the gate --------------------------------------------------------------------------------------

@pytest.mark.parametrize("category,status", [(CAT_C, "In gebruik"), (CAT_A, "In ontwikkeling"),
                                             (CAT_B, "Buiten gebruik")])
def test_no_assessment_needed_outside_the_gate(staff, public, category, status):
    lars = gated(staff, category, status)
    r = publish(staff, lars)
    assert r.status_code == 200, describe(r)
    got = public.get(f"/algoritmes/{lars}")
    assert got.status_code == 200, describe(got)
    assert got.json()["toetsing"] is None


# --- the outcome in public -----------------------------------------------------------------------------------

def test_outcome_in_public_record_and_open_data(staff, public, catalogue):
    conclusie = "Toegestaan: uitlegbaar, met menselijke controle."
    lars = gated(staff, CAT_A)
    complete_iama(staff, catalogue, lars)
    assert sign(staff, "goed2", lars, conclusie).status_code == 200
    assert publish(staff, lars).status_code == 200

    other = gated(staff, CAT_B)
    assert put_external(staff, "red1", other).status_code == 200
    assert staff["goed1"].post(f"/registraties/{other}/externe-toets/goedkeuren").status_code == 200
    assert publish(staff, other, who="goed2").status_code == 200

    rec = public.get(f"/algoritmes/{lars}").json()
    assert rec["toetsing"]["soort"] == "IAMA" and rec["toetsing"]["conclusie"] == conclusie
    assert rec["toetsing"]["goedgekeurd_op"]
    ext = public.get(f"/algoritmes/{other}").json()["toetsing"]
    assert ext["soort"] == DPIA and ext["link"] == "https://testdorp.example/dpia.pdf"
    assert ext["toelichting"] == "Laag risico."

    r = public.get("/algoritmeregister/open-data/algoritmes.json", raw_path=True)
    assert r.status_code == 200, describe(r)
    items = r.json()
    items = items if isinstance(items, list) else items.get("algoritmes", items.get("results", []))
    by_lars = {i["lars"]: i for i in items}
    assert by_lars[lars]["toetsing"]["conclusie"] == conclusie
    assert by_lars[other]["toetsing"]["soort"] == DPIA

    r = public.get("/algoritmeregister/open-data/algoritmes.csv", raw_path=True)
    assert r.status_code == 200, describe(r)
    rows = {row["lars"]: row for row in csv.DictReader(io.StringIO(r.content.decode("utf-8")))}
    assert conclusie in " ".join(v for k, v in rows[lars].items() if k and "toetsing" in k)
    assert DPIA in " ".join(v for k, v in rows[other].items() if k and "toetsing" in k)
