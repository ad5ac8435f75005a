"""Helpers of the algorithm register's API tests: staff accounts, a small client, valid documents."""

from __future__ import annotations

import copy
import uuid

import requests

API = "/algoritmeregister/api/v1"
ORG = "Gemeente Testdorp"
OTHER_ORG = "Gemeente Anders"

# username -> (display name, organisation, roles)
ACCOUNTS = {
    "red1": ("Rita Redacteur", ORG, ["redacteur"]),
    "red2": ("Ruud Redacteur", ORG, ["redacteur"]),
    "goed1": ("Gerda Goedkeurder", ORG, ["goedkeurder"]),
    "goed2": ("Gijs Goedkeurder", ORG, ["goedkeurder"]),
    "beide": ("Bea Beide", ORG, ["redacteur", "goedkeurder"]),
    "anders": ("Anna Anders", OTHER_ORG, ["redacteur", "goedkeurder"]),
    "anders2": ("Arend Anders", OTHER_ORG, ["goedkeurder"]),
}
PASSWORD = "een-lang-test-wachtwoord"


def create_accounts(srv) -> dict[str, str]:
    """Creates ACCOUNTS with the CLI (password on stdin) and returns username -> API token."""
    import subprocess

    tokens = {}
    for username, (name, org, roles) in ACCOUNTS.items():
        args = [str(srv.binary), "accounts", "add", username, "--db", srv.db_url, "--data-dir", str(srv.data_dir),
                "--name", name, "--organisation", org]
        for r in roles:
            args += ["--role", r]
        res = subprocess.run(args, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            raise RuntimeError(f"accounts add {username} failed: {res.stdout}\n{res.stderr}")
        res = subprocess.run([str(srv.binary), "accounts", "token", username, "--db", srv.db_url,
                              "--data-dir", str(srv.data_dir), "--label", "tests"],
                             capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            raise RuntimeError(f"accounts token {username} failed: {res.stdout}\n{res.stderr}")
        token = res.stdout.strip().splitlines()[-1].strip()
        tokens[username] = token
    return tokens


def uniq(prefix="Algoritme") -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def document(**over) -> dict:
    """A valid Publicatiestandaard 1.0 document of ORG (category C, in use: no assessment needed)."""
    doc = {
        "name": uniq(),
        "description_short": "Een algoritme om te testen.",
        "organization": ORG,
        "theme": ["Verkeer"],
        "status": "In gebruik",
        "start_date": "2024-01",
        "contact": "algoritmes@testdorp.example",
        "publication_category": "Overige algoritmes (Categorie C)",
        "purpose_and_impact": "Het doel.",
        "considerations": "De afwegingen.",
        "human_intervention": "Een mens kijkt mee.",
        "risk_management": "Risico's worden gevolgd.",
        "impact_assessments": "Data Protection Impact Assessment (DPIA)",
        "data": "Sensordata.",
        "technical_operation": "Een beslisboom.",
        "supplier": "Intern",
        "language": "nld",
        "schema": "1.0.0",
    }
    for k, v in over.items():
        if v is None:
            doc.pop(k, None)
        else:
            doc[k] = v
    return copy.deepcopy(doc)


def describe(resp) -> str:
    body = resp.text
    if len(body) > 1500:
        body = body[:1500] + "..."
    return f"{resp.request.method} {resp.request.url} -> {resp.status_code}: {body}"


def problem(resp, status, code=None, field=None, field_code=None) -> dict:
    """A problem+json answer with `status`; `code` the top-level code; `field`/`field_code` in invalidParams."""
    assert resp.status_code == status, describe(resp)
    assert resp.headers.get("Content-Type", "").split(";")[0] == "application/problem+json", describe(resp)
    body = resp.json()
    for key in ("type", "code", "title", "status", "detail", "instance"):
        assert key in body, body
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        params = {p["name"]: p for p in body.get("invalidParams") or []}
        assert field in params, f"{field} not in {list(params)}: {body}"
        if field_code is not None:
            assert params[field]["code"] == field_code, body
        assert params[field]["reason"], body
    return body


class Register:
    """The register's API as one account (token) or anonymously (token None)."""

    def __init__(self, base_url: str, token: str | None, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.session = session or requests.Session()

    def request(self, method, path, body=None, *, params=None, headers=None, data=None, raw_path=False):
        hdrs = {"Accept": "application/json"}
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            import json

            data = json.dumps(body)
            hdrs["Content-Type"] = "application/json"
        if headers:
            hdrs.update(headers)
        url = self.base_url + (path if raw_path else API + path)
        resp = self.session.request(method, url, params=params, data=data, headers=hdrs, timeout=30,
                                    allow_redirects=False)
        if not raw_path:
            # NL API Design Rules: every answer of the API names its version.
            assert resp.headers.get("API-Version") == "1.0.0", describe(resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    # workflow shortcuts that must succeed ---------------------------------------------------------------
    def create(self, doc=None) -> dict:
        r = self.post("/registraties", doc if doc is not None else document())
        assert r.status_code == 201, describe(r)
        return r.json()

    def ok(self, method, path, body=None, **kw) -> dict:
        r = self.request(method, path, body, **kw)
        assert r.status_code == 200, describe(r)
        return r.json()


def published(staff, doc=None, author="red1", approver="goed1") -> dict:
    """A registration created and released by `author`, published by `approver`."""
    reg = staff[author].create(doc)
    staff[author].ok("POST", f"/registraties/{reg['lars']}/vrijgeven")
    return staff[approver].ok("POST", f"/registraties/{reg['lars']}/publiceren")
