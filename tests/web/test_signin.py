"""Staff sign-in over HTTP (both engines): /inloggen and /uitloggen, sessions, CSRF, lock-out, security
headers, the bundled stylesheets, the `accounts` CLI and staff-token access to the register's API."""

from __future__ import annotations

import contextlib
import os
import re
import time

import pytest
import requests

from api_conftest import engines, running_server

PASSWORD = "een-lang-wachtwoord"
WRONG = "De gebruikersnaam of het wachtwoord is niet juist."
ACCOUNTS = {  # username: roles
    "anna": ["redacteur"],
    "bert": ["goedkeurder"],
    "slot": ["redacteur"],
    "weg": ["redacteur"],
}
CSP = "default-src 'self'"


def add_accounts(srv):
    pw = srv.workdir / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    for name, roles in ACCOUNTS.items():
        args = ["accounts", "add", name, "--db", srv.db_url, "--name", f"{name.title()} Test",
                "--organisation", "Gemeente Amsterdam", "--password-file", str(pw)]
        for r in roles:
            args += ["--role", r]
        srv.cli(*args)


@pytest.fixture(scope="module", params=engines())
def server(request, tmp_path_factory):
    with running_server(tmp_path_factory, request.param, add_clients=add_accounts,
                        extra_args=("--trust-forwarded",)) as srv:
        yield srv


@contextlib.contextmanager
def env(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module", params=engines())
def short_server(request, tmp_path_factory):
    """A server whose sessions end after 2 idle seconds (a hidden setting for tests)."""
    with env(THORBECKE_WEB_SESSION_IDLE_SECONDS=2):
        ctx = running_server(tmp_path_factory, request.param, add_clients=add_accounts)
        srv = ctx.__enter__()
    try:
        yield srv
    finally:
        ctx.__exit__(None, None, None)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def session_cookie(resp) -> str | None:
    for c in resp.raw.headers.getlist("Set-Cookie"):
        if c.startswith("thorbecke_sessie="):
            return c
    return None


def signin_form(srv, s: requests.Session, terug: str | None = None):
    params = {"terug": terug} if terug is not None else None
    r = s.get(srv.base_url + "/inloggen", params=params, allow_redirects=False)
    assert r.status_code == 200, r.text
    return r


def sign_in(srv, s: requests.Session, user: str, password: str = PASSWORD, terug: str | None = None, csrf=None):
    form = signin_form(srv, s)
    data = {"csrf": csrf if csrf is not None else csrf_of(form.text), "gebruikersnaam": user, "wachtwoord": password}
    if terug is not None:
        data["terug"] = terug
    return s.post(srv.base_url + "/inloggen", data=data, allow_redirects=False)


def signed_in(srv, s: requests.Session) -> bool:
    """A signed-in member of staff is sent on from the sign-in page."""
    r = s.get(srv.base_url + "/inloggen", allow_redirects=False)
    assert r.status_code in (200, 303), r.status_code
    return r.status_code == 303


def assert_page_headers(r):
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = r.headers["Content-Security-Policy"]
    assert csp.startswith(CSP)
    for part in ("frame-ancestors 'none'", "form-action 'self'"):
        assert part in csp
    assert "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_signin_page(server):
    s = requests.Session()
    r = signin_form(server, s)
    assert_page_headers(r)
    assert r.headers["Cache-Control"] == "no-store"
    html = r.text
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"nl\">")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<a class="utrecht-link thorbecke-skip-link" href="#inhoud">Naar de inhoud</a>' in html
    assert '<main id="inhoud"' in html
    assert '<label class="utrecht-form-label" for="gebruikersnaam">Gebruikersnaam</label>' in html
    assert 'type="password" id="wachtwoord" name="wachtwoord" autocomplete="current-password"' in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert 'aria-invalid' not in html  # no errors yet
    # The anonymous session that carries the form's CSRF token: HttpOnly, SameSite=Lax, whole site, not Secure
    # over plain http.
    cookie = session_cookie(r)
    assert cookie
    flags = [f.strip() for f in cookie.split(";")[1:]]
    assert "HttpOnly" in flags and "SameSite=Lax" in flags and "Path=/" in flags and "Secure" not in flags


def test_cookie_over_https_is_secure_and_host_prefixed(server):
    # Behind a proxy that terminates TLS (the server runs with --trust-forwarded), the cookie gets Secure and the
    # __Host- prefix; the plain-http name is not read then.
    r = requests.get(server.base_url + "/inloggen", headers={"X-Forwarded-Proto": "https"}, allow_redirects=False)
    assert r.status_code == 200
    cookies = r.raw.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    name, _, rest = cookies[0].partition("=")
    assert name == "__Host-thorbecke_sessie"
    flags = [f.strip() for f in rest.split(";")[1:]]
    assert "Secure" in flags and "HttpOnly" in flags and "Path=/" in flags
    assert not any(f.lower().startswith("domain") for f in flags)


def test_stylesheets_are_bundled_and_immutable(server):
    html = requests.get(server.base_url + "/inloggen").text
    urls = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert [u.rsplit("/", 1)[1] for u in urls] == ["utrecht.css", "theme.css", "thorbecke.css"]
    for u in urls:
        assert re.fullmatch(r"/static/web/[0-9a-f]{12}/[a-z]+\.css", u), u
        r = requests.get(server.base_url + u)
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "text/css; charset=utf-8"
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert len(r.content) > 100
    assert ".voorbeeld-theme" in requests.get(server.base_url + urls[1]).text
    assert ".utrecht-button" in requests.get(server.base_url + urls[0]).text
    stale = requests.get(server.base_url + "/static/web/000000000000/utrecht.css")
    assert stale.status_code == 404


def test_signin_success_rotates_session(server):
    s = requests.Session()
    form = signin_form(server, s)
    before = s.cookies.get("thorbecke_sessie")
    r = s.post(server.base_url + "/inloggen",
               data={"csrf": csrf_of(form.text), "gebruikersnaam": "anna", "wachtwoord": PASSWORD},
               allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["Location"] == "/algoritmeregister/beheer"
    assert r.headers["Cache-Control"] == "no-store"
    after = s.cookies.get("thorbecke_sessie")
    assert after and after != before  # a new session id at sign-in
    assert signed_in(server, s)
    # The session id from before sign-in signs nobody in.
    old = requests.Session()
    old.cookies.set("thorbecke_sessie", before)
    assert not signed_in(server, old)


def test_signin_goes_back_to_local_terug(server):
    s = requests.Session()
    r = sign_in(server, s, "anna", terug="/algoritmeregister/beheer/nieuw?x=1")
    assert r.status_code == 303
    assert r.headers["Location"] == "/algoritmeregister/beheer/nieuw?x=1"


@pytest.mark.parametrize("terug", ["//evil.example/", "https://evil.example/", "/\\evil.example",
                                   "javascript:alert(1)", "evil.example"])
def test_signin_refuses_open_redirect(server, terug):
    s = requests.Session()
    form = s.get(server.base_url + "/inloggen", params={"terug": terug})
    assert 'name="terug" value=""' in form.text  # not carried into the form
    r = sign_in(server, s, "anna", terug=terug)
    assert r.status_code == 303
    assert r.headers["Location"] == "/algoritmeregister/beheer"


def test_signed_in_visitor_of_signin_page_is_sent_on(server):
    s = requests.Session()
    assert sign_in(server, s, "anna").status_code == 303
    r = s.get(server.base_url + "/inloggen", params={"terug": "/algoritmeregister"}, allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["Location"] == "/algoritmeregister"
    r = s.get(server.base_url + "/inloggen", params={"terug": "//evil.example"}, allow_redirects=False)
    assert r.headers["Location"] == "/algoritmeregister/beheer"


def test_wrong_password_and_unknown_user_same_answer(server):
    answers = []
    for user, pw in (("bert", "niet-het-wachtwoord"), ("niemand", PASSWORD), ("Geen Geldige Naam", PASSWORD)):
        s = requests.Session()
        r = sign_in(server, s, user, pw)
        assert r.status_code == 401, user
        assert_page_headers(r)
        assert not signed_in(server, s)
        answers.append(r.text.replace(user, "USER").replace(csrf_of(r.text), "CSRF"))
        # NL Design System pattern: an error summary at the top linking to the field; the username is kept,
        # the password never comes back.
        assert "Er is een probleem" in r.text
        assert f'<a class="utrecht-link" href="#gebruikersnaam">{WRONG}</a>' in r.text
        assert f'value="{user}"' in r.text
        assert pw not in r.text
        assert "<title>Fout: Inloggen - Thorbecke</title>" in r.text
    assert answers[0] == answers[1] == answers[2]


def test_empty_fields_are_shown_next_to_the_field(server):
    s = requests.Session()
    r = sign_in(server, s, "", "")
    assert r.status_code == 400
    html = r.text
    assert '<p class="utrecht-form-field-error-message" id="gebruikersnaam-fout">Vul uw gebruikersnaam in.</p>' in html
    assert '<p class="utrecht-form-field-error-message" id="wachtwoord-fout">Vul uw wachtwoord in.</p>' in html
    assert 'aria-invalid="true" aria-describedby="gebruikersnaam-fout"' in html
    assert 'aria-invalid="true" aria-describedby="wachtwoord-fout"' in html
    assert '<a class="utrecht-link" href="#wachtwoord">Vul uw wachtwoord in.</a>' in html
    # The field's message comes before its input.
    assert html.index('id="gebruikersnaam-fout"') < html.index('id="gebruikersnaam" name="gebruikersnaam"')


def test_lock_out_after_five_failures(server):
    s = requests.Session()
    for i in range(4):
        r = sign_in(server, s, "slot", "verkeerd-wachtwoord")
        assert r.status_code == 401, i
        assert WRONG in r.text
    r = sign_in(server, s, "slot", "verkeerd-wachtwoord")
    assert r.status_code == 403
    assert "Uw account is tijdelijk geblokkeerd" in r.text
    assert re.search(r"Probeer het na \d\d:\d\d opnieuw", r.text)
    # Locked: the right password does not help either.
    r = sign_in(server, s, "slot", PASSWORD)
    assert r.status_code == 403
    assert "geblokkeerd" in r.text
    assert not signed_in(server, s)
    listed = server.cli("accounts", "list", "--db", server.db_url).stdout
    assert re.search(r"^slot\t.*\tlocked until \d{4}-\d\d-\d\dT", listed, re.M), listed
    # The administrator lifts the lock.
    server.cli("accounts", "unlock", "slot", "--db", server.db_url)
    r = sign_in(server, s, "slot", PASSWORD)
    assert r.status_code == 303


def test_csrf_refused(server):
    s = requests.Session()
    form = signin_form(server, s)
    token = csrf_of(form.text)
    for data in ({"gebruikersnaam": "anna", "wachtwoord": PASSWORD},
                 {"csrf": "", "gebruikersnaam": "anna", "wachtwoord": PASSWORD},
                 {"csrf": token[:-1] + ("A" if token[-1] != "A" else "B"), "gebruikersnaam": "anna",
                  "wachtwoord": PASSWORD}):
        r = s.post(server.base_url + "/inloggen", data=data, allow_redirects=False)
        assert r.status_code == 403, data
        assert_page_headers(r)
        assert "Formulier verlopen" in r.text
    assert not signed_in(server, s)
    # A token without its session (another browser's) is refused too.
    other = requests.Session()
    r = other.post(server.base_url + "/inloggen",
                   data={"csrf": token, "gebruikersnaam": "anna", "wachtwoord": PASSWORD}, allow_redirects=False)
    assert r.status_code == 403


def test_signout(server):
    s = requests.Session()
    assert sign_in(server, s, "anna").status_code == 303
    cookie = s.cookies.get("thorbecke_sessie")
    # Without the token: refused, still signed in.
    r = s.post(server.base_url + "/uitloggen", data={}, allow_redirects=False)
    assert r.status_code == 403
    assert signed_in(server, s)
    # The layout of a signed-in page (here the refusal) shows who is signed in and the sign-out form with the
    # session's CSRF token.
    assert "Ingelogd als <strong>Anna Test</strong> (Gemeente Amsterdam)" in r.text
    assert r.headers["Cache-Control"] == "no-store"
    token = sign_out_token(r.text)
    # With it: the session ends and the cookie is cleared.
    r = s.post(server.base_url + "/uitloggen", data={"csrf": token}, allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["Location"] == "/inloggen?uitgelogd=1"
    assert "Max-Age=0" in session_cookie(r)
    again = requests.Session()
    again.cookies.set("thorbecke_sessie", cookie)
    assert not signed_in(server, again)
    r = s.get(server.base_url + "/inloggen?uitgelogd=1")
    assert "U bent uitgelogd." in r.text


def sign_out_token(html: str) -> str:
    """The CSRF token in the layout's sign-out form."""
    m = re.search(r'<form method="post" action="/uitloggen"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"',
                  html)
    assert m, html[:2000]
    return m.group(1)


def test_idle_session_expires(short_server):
    s = requests.Session()
    assert sign_in(short_server, s, "anna").status_code == 303
    assert signed_in(short_server, s)
    time.sleep(3.5)
    r = s.get(short_server.base_url + "/inloggen", allow_redirects=False)
    assert r.status_code == 200  # signed out: the sign-in form again


def test_staff_token_api_access(server):
    root = server.base_url + "/algoritmeregister/api/v1/registraties"
    token = server.cli("accounts", "token", "anna", "--label", "test", "--db", server.db_url).stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert requests.get(root).status_code == 401
    assert requests.get(root, headers={"Authorization": "Bearer " + token + "x"}).status_code == 401
    assert requests.get(root, headers={"Authorization": "Basic " + token}).status_code == 401
    r = requests.get(root, headers={"Authorization": "Bearer " + token})
    assert r.status_code == 200, r.text
    # A removed account's token is worth nothing.
    token_weg = server.cli("accounts", "token", "weg", "--db", server.db_url).stdout.strip()
    assert requests.get(root, headers={"Authorization": "Bearer " + token_weg}).status_code == 200
    server.cli("accounts", "remove", "weg", "--db", server.db_url)
    assert requests.get(root, headers={"Authorization": "Bearer " + token_weg}).status_code == 401


def test_accounts_cli_never_takes_password_on_command_line(server):
    r = server.cli("accounts", "add", "nieuw", "--db", server.db_url, "--name", "N", "--organisation", "O",
                   "--role", "redacteur", "--password", "geheim-geheim-1", check=False)
    assert r.returncode != 0
    assert "stdin" in r.stderr
    r = server.cli("accounts", "add", "kort", "--db", server.db_url, "--name", "N", "--organisation", "O",
                   "--role", "redacteur", "--password-file", "/dev/null", check=False)
    assert r.returncode != 0 and "minstens 12 tekens" in r.stderr


def test_landing_page_links(server):
    resp = requests.get(server.base_url + "/")
    html = resp.text
    assert 'href="/algoritmeregister">Algoritmeregister</a>' in html
    assert 'href="/inloggen">Inloggen</a>' in html
    # In the web layout, under its strict policy: no inline style or script.
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "<style" not in html and "<script" not in html and " style=" not in html
