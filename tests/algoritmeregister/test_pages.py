"""The algorithm register's web pages over HTTP (both engines): public pages, search filters, staff forms with
their validation, CSRF, sign-in redirects, organisation isolation, and the editor -> approver journey through
the assessment gate, all with plain form posts (no JavaScript)."""

from __future__ import annotations

import html
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import api_conftest as _api  # noqa: E402  (loaded by this folder's conftest.py: the API suite's fixtures)

ORG = "Gemeente Paginadorp"
OTHER_ORG = "Gemeente Elders"
PASSWORD = "een-lang-wachtwoord-123"
ACCOUNTS = {
    # username: (display name, organisation, roles)
    "pagina-red": ("Rita Redacteur", ORG, ["redacteur"]),
    "pagina-goed": ("Gerrit Goedkeurder", ORG, ["goedkeurder"]),
    "pagina-goed2": ("Greet Goedkeurder", ORG, ["goedkeurder"]),
    "elders-red": ("Eva Elders", OTHER_ORG, ["redacteur"]),
    "elders-goed": ("Emile Elders", OTHER_ORG, ["goedkeurder"]),
}
CAT_A = "Hoog-risico AI-systeem (Categorie A)"
CAT_B = "Impactvolle algoritmes (Categorie B)"
CAT_C = "Overige algoritmes (Categorie C)"
STAFF = "/algoritmeregister/beheer"


def _add_accounts(srv):
    pw = srv.workdir / "password.txt"
    pw.write_text(PASSWORD + "\n")
    for username, (name, org, roles) in ACCOUNTS.items():
        args = ["accounts", "add", username, "--db", srv.db_url, "--name", name, "--organisation", org,
                "--password-file", str(pw)]
        for r in roles:
            args += ["--role", r]
        srv.cli(*args)


@pytest.fixture(scope="module", params=_api.engines())
def site(request, tmp_path_factory):
    with _api.running_server(tmp_path_factory, request.param, add_clients=_add_accounts) as srv:
        yield srv


def csrf_of(page: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "no csrf field on the page"
    return html.unescape(m.group(1))


def assert_page(r: requests.Response, status: int = 200):
    assert r.status_code == status, (r.status_code, r.text[:2000])
    assert r.headers["Content-Type"].startswith("text/html")
    assert '<html lang="nl"' in r.text
    assert r.text.count("<h1") == 1
    assert "<script" not in r.text and " style=" not in r.text
    ids = re.findall(r'\sid="([^"]+)"', r.text)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # every aria-describedby / aria-labelledby / label target exists
    for ref in re.findall(r'(?:aria-describedby|aria-labelledby|for|list)="([^"]+)"', r.text):
        for one in ref.split():
            assert one in ids, one


class Browser:
    """A cookie-keeping client that fills in forms as a browser without JavaScript would."""

    def __init__(self, base: str):
        self.base = base
        self.s = requests.Session()
        self.csrf = ""

    def get(self, path: str, **kw) -> requests.Response:
        r = self.s.get(self.base + path, allow_redirects=False, **kw)
        if r.headers.get("Content-Type", "").startswith("text/html") and 'name="csrf"' in r.text:
            self.csrf = csrf_of(r.text)
        return r

    def post(self, path: str, data=None, csrf: bool = True) -> requests.Response:
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        if csrf:
            fields.append(("csrf", self.csrf))
        r = self.s.post(self.base + path, data=fields, allow_redirects=False)
        if r.headers.get("Content-Type", "").startswith("text/html") and 'name="csrf"' in r.text:
            self.csrf = csrf_of(r.text)
        return r

    def follow(self, r: requests.Response) -> requests.Response:
        assert r.status_code == 303, (r.status_code, r.text[:2000])
        return self.get(r.headers["Location"])

    def sign_in(self, username: str):
        self.get("/inloggen")
        r = self.post("/inloggen", {"gebruikersnaam": username, "wachtwoord": PASSWORD})
        assert r.status_code == 303, r.text[:2000]
        self.get(STAFF)

    def sign_out(self):
        self.get(STAFF)
        r = self.post("/uitloggen")
        assert r.status_code == 303


def registration(name: str, **over) -> list[tuple[str, str]]:
    fields = {
        "name": name,
        "description_short": f"{name}: een korte omschrijving.",
        "status": "In ontwikkeling",
        "start_date": "2024-01",
        "contact": "algoritmes@paginadorp.example",
        "publication_category": CAT_C,
        "purpose_and_impact": "Het doel is sneller werken.",
        "considerations": "De voordelen wegen op tegen de nadelen.",
        "human_intervention": "Een medewerker controleert elke uitkomst.",
        "risk_management": "We controleren elk kwartaal.",
        "impact_assessments": "Data Protection Impact Assessment (DPIA)",
        "data": "Meldingen van inwoners.",
        "technical_operation": "Een eenvoudige beslisboom.",
        "supplier": "Intern ontwikkeld",
    }
    themes = over.pop("themes", ["Verkeer"])
    fields.update(over)
    return list(fields.items()) + [("theme", t) for t in themes]


def create(b: Browser, name: str, **over) -> str:
    b.get(STAFF + "/nieuw")
    r = b.post(STAFF + "/nieuw", registration(name, **over))
    assert r.status_code == 303, r.text[:3000]
    loc = r.headers["Location"]
    m = re.fullmatch(r"/algoritmeregister/beheer/algoritmes/(\d{8})", loc)
    assert m, loc
    page = b.get(loc)
    assert_page(page)
    assert "De registratie is opgeslagen als concept." in page.text
    return m.group(1)


def action(b: Browser, lars: str, what: str, data=None) -> requests.Response:
    b.get(f"{STAFF}/algoritmes/{lars}")
    return b.post(f"{STAFF}/algoritmes/{lars}/{what}", data or {})


def publish_new(red: Browser, goed: Browser, name: str, **over) -> str:
    lars = create(red, name, **over)
    assert action(red, lars, "vrijgeven").status_code == 303
    r = action(goed, lars, "publiceren")
    assert r.status_code == 303, r.text[:3000]
    return lars


@pytest.fixture(scope="module")
def red(site):
    b = Browser(site.base_url)
    b.sign_in("pagina-red")
    return b


@pytest.fixture(scope="module")
def goed(site):
    b = Browser(site.base_url)
    b.sign_in("pagina-goed")
    return b


@pytest.fixture(scope="module")
def published(red, goed):
    """Three published registrations with different themes, statuses, categories and organisations."""
    tag = uuid.uuid4().hex[:6]
    a = publish_new(red, goed, f"Parkeerscan {tag}", themes=["Verkeer", "Economie"], status="In ontwikkeling")
    b = publish_new(red, goed, f"Toeslagcheck {tag}", themes=["Sociale zekerheid"], status="Buiten gebruik",
                    end_date="2025-06")
    return {"tag": tag, "parkeer": a, "toeslag": b}


# --- public pages -------------------------------------------------------------------------------------------


def test_public_pages_answer_in_dutch(site, published):
    b = Browser(site.base_url)
    r = b.get("/algoritmeregister")
    assert_page(r)
    assert "Zoekwoord" in r.text and "<button" in r.text and "Zoeken</button>" in r.text
    assert "/algoritmeregister/open-data/algoritmes.json" in r.text
    assert "/algoritmeregister/open-data/algoritmes.csv" in r.text
    lars = published["parkeer"]
    r = b.get(f"/algoritmeregister/algoritmes/{lars}")
    assert_page(r)
    assert f"Parkeerscan {published['tag']}" in r.text
    for category in ("Algemene informatie", "Verantwoord gebruik", "Werking"):
        assert f">{category}</h2>" in r.text
    assert "Uitkomst van de impacttoets" in r.text
    assert "Voor dit algoritme is in dit register geen impacttoets vastgelegd." in r.text
    assert f"/algoritmeregister/algoritmes/{lars}/geschiedenis" in r.text
    r = b.get(f"/algoritmeregister/algoritmes/{lars}/geschiedenis")
    assert_page(r)
    assert "Gepubliceerd" in r.text and "<th class=\"utrecht-table__header-cell\" scope=\"col\">" in r.text
    r = b.get("/algoritmeregister/organisaties/gemeente-paginadorp")
    assert_page(r)
    assert f"Algoritmes van {ORG}" in r.text
    assert f"Parkeerscan {published['tag']}" in r.text


def test_public_unknown_pages_are_404(site):
    b = Browser(site.base_url)
    assert b.get("/algoritmeregister/algoritmes/00000000").status_code == 404
    assert b.get("/algoritmeregister/organisaties/gemeente-nergens").status_code == 404


def test_concept_is_not_public(site, red):
    lars = create(red, "Geheim concept " + uuid.uuid4().hex[:6])
    b = Browser(site.base_url)
    assert b.get(f"/algoritmeregister/algoritmes/{lars}").status_code == 404
    assert "Geheim concept" not in b.get("/algoritmeregister").text


def test_search_filters(site, published):
    b = Browser(site.base_url)
    tag = published["tag"]

    def names(**params) -> str:
        r = b.get("/algoritmeregister", params=params)
        assert_page(r)
        return r.text

    page = names(zoek=tag)
    assert f"Parkeerscan {tag}" in page and f"Toeslagcheck {tag}" in page
    assert "2 algoritmes gevonden" in page
    page = names(zoek=tag, thema="Sociale zekerheid")
    assert f"Toeslagcheck {tag}" in page and f"Parkeerscan {tag}" not in page
    page = names(zoek=tag, status="In ontwikkeling")
    assert f"Parkeerscan {tag}" in page and f"Toeslagcheck {tag}" not in page
    page = names(zoek=tag, categorie=CAT_A)
    assert "0 algoritmes gevonden" in page
    page = names(zoek=tag, organisatie="gemeente-paginadorp")
    assert f"Parkeerscan {tag}" in page
    # the filter keeps its choice and offers a way back
    assert 'value="Sociale zekerheid" selected' in names(thema="Sociale zekerheid")
    assert "Alle filters wissen" in names(thema="Sociale zekerheid")
    page = names(zoek=f"Parkeerscan {tag}")
    assert "1 algoritme gevonden" in page and f'value="Parkeerscan {tag}"' in page


def test_pagination(site, red, goed):
    tag = uuid.uuid4().hex[:6]
    for i in range(21):
        publish_new(red, goed, f"Veel {tag} {i:02}")
    b = Browser(site.base_url)
    r = b.get("/algoritmeregister", params={"zoek": f"Veel {tag}"})
    assert_page(r)
    assert "21 algoritmes gevonden" in r.text
    assert 'aria-label="Paginering"' in r.text and "Pagina 1 van 2" in r.text
    m = re.search(r'href="([^"]+)" rel="next"', r.text)
    assert m
    nxt = html.unescape(m.group(1))
    assert parse_qs(urlsplit(nxt).query)["pagina"] == ["2"]
    r2 = b.get(nxt)
    assert_page(r2)
    assert "Pagina 2 van 2" in r2.text and 'rel="prev"' in r2.text
    assert r2.text.count('class="thorbecke-result"') == 1
    # a nonsense page number is the first page
    assert "Pagina 1 van 2" in b.get("/algoritmeregister", params={"zoek": f"Veel {tag}", "pagina": "x"}).text


# --- staff pages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [STAFF, STAFF + "/nieuw", STAFF + "/algoritmes/12345678",
                                  STAFF + "/algoritmes/12345678/iama", STAFF + "/algoritmes/12345678/externe-toets"])
def test_staff_pages_redirect_to_sign_in(site, path):
    r = Browser(site.base_url).get(path)
    assert r.status_code == 303
    loc = urlsplit(r.headers["Location"])
    assert loc.path == "/inloggen"
    assert parse_qs(loc.query)["terug"] == [path]


def test_staff_post_signed_out_redirects(site):
    r = Browser(site.base_url).post(STAFF + "/nieuw", registration("x"), csrf=False)
    assert r.status_code == 303
    assert urlsplit(r.headers["Location"]).path == "/inloggen"


def test_dashboard_and_empty_form(red):
    r = red.get(STAFF)
    assert_page(r)
    assert "Beheer van algoritmes" in r.text and "Nieuwe registratie" in r.text
    r = red.get(STAFF + "/nieuw")
    assert_page(r)
    assert 'name="csrf"' in r.text
    assert '<label class="utrecht-form-label" for="name">Naam (verplicht)</label>' in r.text
    assert "Thema (verplicht)</legend>" in r.text and 'type="checkbox"' in r.text
    assert 'type="radio"' in r.text and 'value="In gebruik"' in r.text
    assert 'maxlength="2499"' in r.text and "U kunt maximaal 2499 tekens invullen." in r.text
    assert "Opslaan</button>" in r.text


def test_form_refuses_bad_input_and_keeps_values(red):
    red.get(STAFF + "/nieuw")
    data = [(k, v) for k, v in registration("x" * 100, start_date="januari", link="geen-url")
            if k != "supplier"]
    r = red.post(STAFF + "/nieuw", data)
    assert_page(r, 400)
    page = r.text
    # error summary with links to the fields
    assert 'role="alert"' in page and "Verbeter de volgende" in page
    for field in ("name", "start_date", "supplier", "link"):
        assert f'href="#{field}"' in page, field
        assert f'id="{field}-fout"' in page, field
    # the message sits next to the field, which points at it and is marked invalid
    assert re.search(r'id="name"[^>]*aria-describedby="name-uitleg name-fout"[^>]*aria-invalid="true"', page)
    # values kept
    assert 'value="' + "x" * 100 + '"' in page
    assert 'value="januari"' in page
    assert 'value="Verkeer" checked' in page
    assert "Het doel is sneller werken.</textarea>" in page
    assert "<title>Fout:" in page


def test_form_refuses_unknown_theme(red):
    red.get(STAFF + "/nieuw")
    r = red.post(STAFF + "/nieuw", registration("Thema fout", themes=["Ruimtevaart"]))
    assert_page(r, 400)
    assert 'href="#theme-1"' in r.text and 'id="theme-fout"' in r.text


def test_csrf_required(red):
    red.get(STAFF + "/nieuw")
    r = red.post(STAFF + "/nieuw", registration("Zonder csrf"), csrf=False)
    assert r.status_code == 403
    r = red.post(STAFF + "/nieuw", registration("Verkeerde csrf") + [("csrf", "nep")], csrf=False)
    assert r.status_code == 403


def test_goedkeurder_cannot_open_new_form(goed):
    assert goed.get(STAFF + "/nieuw").status_code == 403


def test_other_organisation_sees_nothing(site, red):
    lars = create(red, "Alleen van Paginadorp " + uuid.uuid4().hex[:6])
    other = Browser(site.base_url)
    other.sign_in("elders-red")
    assert "Alleen van Paginadorp" not in other.get(STAFF).text
    for path in ("", "/bewerken", "/iama", "/externe-toets", "/versies/1"):
        assert other.get(f"{STAFF}/algoritmes/{lars}{path}").status_code in (403, 404), path
    other.get(STAFF)
    r = other.post(f"{STAFF}/algoritmes/{lars}/bewerken", registration("Overgenomen"))
    assert r.status_code in (403, 404)
    r = other.post(f"{STAFF}/algoritmes/{lars}/vrijgeven")
    assert r.status_code in (403, 404)


def test_edit_makes_a_new_version(red):
    lars = create(red, "Te bewerken " + uuid.uuid4().hex[:6])
    r = red.get(f"{STAFF}/algoritmes/{lars}/bewerken")
    assert_page(r)
    assert "Te bewerken" in r.text
    r = red.post(f"{STAFF}/algoritmes/{lars}/bewerken", registration("Bewerkt", supplier="Leverancier BV"))
    page = red.follow(r)
    assert_page(page)
    assert "De wijzigingen zijn opgeslagen als versie 2." in page.text
    assert "Versie 2" in page.text
    v1 = red.get(f"{STAFF}/algoritmes/{lars}/versies/1")
    assert_page(v1)
    assert "Intern ontwikkeld" in v1.text
    # bad input on edit: message next to the field, values kept
    r = red.post(f"{STAFF}/algoritmes/{lars}/bewerken", registration("Bewerkt", contact=""))
    assert_page(r, 400)
    assert 'id="contact-fout"' in r.text and 'value="Bewerkt"' in r.text


def test_reject_needs_a_reason_and_sends_back(red, goed):
    lars = create(red, "Af te wijzen " + uuid.uuid4().hex[:6])
    assert action(red, lars, "vrijgeven").status_code == 303
    page = goed.get(f"{STAFF}/algoritmes/{lars}")
    assert "Afwijzen</button>" in page.text and "Publiceren</button>" in page.text
    r = goed.post(f"{STAFF}/algoritmes/{lars}/afwijzen", {"reden": "  "})
    assert_page(r, 400)
    assert 'id="afwijzen-reden-fout"' in r.text and 'href="#afwijzen-reden"' in r.text
    r = goed.post(f"{STAFF}/algoritmes/{lars}/afwijzen", {"reden": "Omschrijving is te vaag."})
    page = goed.follow(r)
    assert "De registratie is afgewezen." in page.text
    assert "Omschrijving is te vaag." in page.text
    assert ">Concept<" in page.text


def test_wrong_state_action_is_shown_as_alert(red):
    lars = create(red, "Verkeerde stap " + uuid.uuid4().hex[:6])
    r = action(red, lars, "publiceren")
    assert_page(r, 403)  # a redacteur may not publish
    assert 'role="alert"' in r.text and "Publiceren kan nog niet" in r.text


def test_retract_removes_from_public(site, red, goed):
    lars = publish_new(red, goed, "Terug te trekken " + uuid.uuid4().hex[:6])
    assert Browser(site.base_url).get(f"/algoritmeregister/algoritmes/{lars}").status_code == 200
    goed.get(f"{STAFF}/algoritmes/{lars}")
    r = goed.post(f"{STAFF}/algoritmes/{lars}/terugtrekken", {"reden": "Niet meer in gebruik."})
    page = goed.follow(r)
    assert "De registratie is teruggetrokken." in page.text
    assert Browser(site.base_url).get(f"/algoritmeregister/algoritmes/{lars}").status_code == 404


# --- the journey through the gate ---------------------------------------------------------------------------


def iama_parts(b: Browser, lars: str) -> list[str]:
    page = b.get(f"{STAFF}/algoritmes/{lars}/iama").text
    return re.findall(r'\?deel=([0-9A-Z]+)"', page)


def test_journey_gate_iama_and_publication(site, red, goed):
    tag = uuid.uuid4().hex[:6]
    name = f"Risicoscan {tag}"
    lars = create(red, name, status="In gebruik", publication_category=CAT_B, themes=["Werk"])
    assert action(red, lars, "vrijgeven").status_code == 303

    # the gate refuses and lists what is missing
    r = action(goed, lars, "publiceren")
    assert_page(r, 409)
    assert "Publiceren kan nog niet" in r.text and 'role="alert"' in r.text
    assert re.search(r"Deel 1: \d+ van \d+ vragen", r.text) or "Deel 1" in r.text
    assert "Naar de IAMA" in r.text
    assert "/publiceren" in r.text  # still offered: the approver can try again later

    # the editor fills in the IAMA: part 1 answered, the other parts not applicable
    page = red.get(f"{STAFF}/algoritmes/{lars}/iama?deel=1")
    assert_page(page)
    numbers = re.findall(r'name="antwoord-([0-9A-Z.]+)"', page.text)
    assert numbers and all(n.startswith("1.") for n in numbers)
    assert 'for="antwoord-1-1-1">Antwoord op vraag 1.1.1<' in page.text
    # an answer without a role is refused next to the role field; the answer is kept
    r = red.post(f"{STAFF}/algoritmes/{lars}/iama", [("deel", "1"), ("antwoord-1.1.1", "Omdat het moet.")])
    assert_page(r, 400)
    assert 'id="rol-1-1-1-fout"' in r.text and "Omdat het moet.</textarea>" in r.text
    data = [("deel", "1")]
    for n in numbers:
        data += [(f"antwoord-{n}", f"Antwoord op {n}."), (f"rol-{n}", "Projectleider")]
    r = red.post(f"{STAFF}/algoritmes/{lars}/iama", data)
    page = red.follow(r)
    assert "Deel 1 van de IAMA is opgeslagen." in page.text
    for part in [p for p in dict.fromkeys(iama_parts(red, lars)) if p != "1"]:
        red.get(f"{STAFF}/algoritmes/{lars}/iama?deel={part}")
        r = red.post(f"{STAFF}/algoritmes/{lars}/iama", [("deel", part), ("niet_van_toepassing", "ja")])
        assert_page(r, 400)  # the explanation is required
        assert 'id="toelichting-fout"' in r.text
        r = red.post(f"{STAFF}/algoritmes/{lars}/iama",
                     [("deel", part), ("niet_van_toepassing", "ja"), ("toelichting", "Geen data-analyse.")])
        assert r.status_code == 303, r.text[:3000]

    # the approver reads the answers (no answer form for a goedkeurder), signs off (a conclusion is required),
    # then publishes
    page = goed.get(f"{STAFF}/algoritmes/{lars}/iama?deel=1")
    assert_page(page)
    assert "Antwoord op 1.1.1." in page.text and "Deel 1 opslaan" not in page.text
    assert "Klaar: alle" in page.text and "Niet van toepassing" in page.text
    page = goed.get(f"{STAFF}/algoritmes/{lars}/iama")
    assert "IAMA goedkeuren</button>" in page.text
    r = goed.post(f"{STAFF}/algoritmes/{lars}/iama/goedkeuren", {"conclusie": ""})
    assert_page(r, 400)
    assert 'id="conclusie-fout"' in r.text
    r = goed.post(f"{STAFF}/algoritmes/{lars}/iama/goedkeuren",
                  {"conclusie": "De risico's zijn beheersbaar."})
    assert "De IAMA is goedgekeurd." in goed.follow(r).text
    r = action(goed, lars, "publiceren")
    page = goed.follow(r)
    assert "De registratie is gepubliceerd." in page.text

    # the public record shows the outcome
    pub = Browser(site.base_url).get(f"/algoritmeregister/algoritmes/{lars}")
    assert_page(pub)
    assert name in pub.text and "De risico's zijn beheersbaar." in html.unescape(pub.text)
    assert "Soort toets" in pub.text and ">IAMA<" in pub.text
    assert name in Browser(site.base_url).get("/algoritmeregister", params={"zoek": tag}).text


def test_external_assessment_forms(red, goed):
    lars = create(red, "Extern getoetst " + uuid.uuid4().hex[:6], status="In gebruik",
                  publication_category=CAT_A)
    page = red.get(f"{STAFF}/algoritmes/{lars}/externe-toets")
    assert_page(page)
    assert "Soort toets (verplicht)" in page.text and "Externe toets opslaan</button>" in page.text
    r = red.post(f"{STAFF}/algoritmes/{lars}/externe-toets",
                 {"soort": "Iets anders", "link": "http://niet-veilig.example", "toelichting": "Goed."})
    assert_page(r, 400)
    assert 'id="soort-fout"' in r.text and 'id="link-fout"' in r.text
    assert 'value="http://niet-veilig.example"' in r.text
    r = red.post(f"{STAFF}/algoritmes/{lars}/externe-toets",
                 {"soort": "Data Protection Impact Assessment (DPIA)", "link": "https://toets.example/dpia",
                  "toelichting": "Geen hoge risico's gevonden."})
    assert "De externe toets is opgeslagen." in red.follow(r).text
    page = goed.get(f"{STAFF}/algoritmes/{lars}/externe-toets")
    assert "Externe toets goedkeuren</button>" in page.text
    r = goed.post(f"{STAFF}/algoritmes/{lars}/externe-toets/goedkeuren")
    assert "De externe toets is goedgekeurd." in goed.follow(r).text
    assert action(red, lars, "vrijgeven").status_code == 303
    r = action(goed, lars, "publiceren")
    assert r.status_code == 303, r.text[:3000]
