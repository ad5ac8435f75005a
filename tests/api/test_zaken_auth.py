"""Zaken API 1.5.1: the authorisation model, black-box over HTTP on both engines.

* Scopes per operation, as the `security` of the served OAS says (every standard operation): a client with
  none of the scopes the operation accepts gets 403 `permission_denied`, a client with any single one of them
  succeeds, a request without a token gets 401.
* zrc-006: confidentiality.  Two zaaktypen × a zaak with every vertrouwelijkheidaanduiding (openbaar …
  zeer_geheim), each with a status, rol, resultaat, zaakobject, zaakeigenschap and zaakinformatieobject.
  Clients with grants limited by zaaktype and maximum vertrouwelijkheidaanduiding (as the Autorisaties API
  models them) must see exactly what their grants allow through every list, search, filter, detail and
  `count` — nothing leaks.  Writes are checked the same way.

Clients are added with `thorbecke clients add` while the server runs; the server gets --auth-cache-ms 0.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from pathlib import Path

import pytest
import yaml

import conftest
import contract
import zaken_support as zs
import zgw
from test_zaken_objects import FakeRemote
from zgw import assert_problem, describe

LEVELS = ["openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk", "confidentieel",
          "geheim", "zeer_geheim"]
RANK = {v: i for i, v in enumerate(LEVELS)}


# ------------------------------------------------------------------------------------------------
# the operations of the OAS and the scopes they accept
# ------------------------------------------------------------------------------------------------
def _served_oas():
    with open(Path(__file__).resolve().parents[2] / "src" / "zaken" / "openapi.json", encoding="utf-8") as fh:
        return json.load(fh)


def _upstream_operations():
    """(METHOD, path) of the Zaken API 1.5.1 standard (VNG), or None when the specs folder is absent."""
    f = contract.specs_dir() / "upstream" / "zgw-1.5" / "zaken-1.5.1.yaml"
    if not f.is_file():
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(f, encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=loader)
    return {(m.upper(), p) for p, item in doc["paths"].items() for m in item
            if m in ("get", "post", "put", "patch", "delete", "head")}


def _scopes(op):
    """The scopes an operation accepts (any one of them): "(zaken.bijwerken | zaken.geforceerd-bijwerken)"."""
    out = []
    for req in op.get("security") or []:
        for claim in req.get("JWT-Claims", []):
            if "&" in claim:
                return None  # a combination of scopes: not a single alternative
            out += [s.strip(" ()") for s in claim.split("|") if s.strip(" ()")]
    return out


SERVED = _served_oas()
UPSTREAM = _upstream_operations()
# (method, template, scopes) of the operations the served OAS describes, but for the zaak-level convenience
# endpoints that need a combination of scopes (zaak_registreren, zaak_afsluiten, …; not objects under a zaak)
OPERATIONS = []
EXTRA_OPERATIONS = []  # served, but not in the standard (Open Zaak's experimental endpoints)
for _path, _item in SERVED["paths"].items():
    for _m, _op in _item.items():
        if _m not in ("get", "post", "put", "patch", "delete", "head"):
            continue
        _key = (_m.upper(), _path)
        if UPSTREAM is not None and _key not in UPSTREAM:
            EXTRA_OPERATIONS.append(_key)
        if _scopes(_op) is not None:
            OPERATIONS.append((_m.upper(), _path, _scopes(_op)))
ALL_SCOPES = sorted({s for _, _, ss in OPERATIONS for s in (ss or [])})


def _client_id(prefix, scopes):
    return prefix + "-" + "-".join(s.replace("zaken.", "").replace(".", "_") for s in sorted(scopes))


# ------------------------------------------------------------------------------------------------
# server: one per engine, rights not cached; the scope clients exist from the start
# ------------------------------------------------------------------------------------------------
def _add_clients(srv):
    conftest.add_standard_clients(srv, "admin", "beheer")
    # one client per scope, and per set of alternatives one client with every other scope
    for s in ALL_SCOPES:
        zs.add_client(srv, _client_id("only", [s]), "secret", [(s, None, None)])
    for alternatives in {tuple(sorted(ss)) for _, _, ss in OPERATIONS if ss}:
        rest = [s for s in ALL_SCOPES if s not in alternatives]
        zs.add_client(srv, _client_id("not", alternatives), "secret", [(s, None, None) for s in rest])
    zs.add_client(srv, "geen-zaken", "secret", [("ztc:catalogi.lezen", None, None)])


server = conftest.server_fixture(extra_args=["--auth-cache-ms", "0"], add_clients=_add_clients)


@pytest.fixture(scope="module")
def zrc(admin) -> zs.Zrc:
    return zs.Zrc(admin)


@pytest.fixture(scope="module")
def anon_zrc(anon) -> zs.Zrc:
    return zs.Zrc(anon)


def new_zaak(zrc, zaaktype, **over):
    body = zs.zaak_payload(zaaktype, opdrachtgevendeOrganisatie=zs.BRONORGANISATIE)
    body.update(over)
    return zrc.create("/zaken", body)


def rol_body(zaak, roltype, ident=None):
    return {"zaak": zaak, "roltype": roltype, "betrokkeneType": "natuurlijk_persoon", "roltoelichting": "x",
            "betrokkeneIdentificatie": ident or {"inpBsn": zs.bsn(), "geslachtsnaam": "Jansen"}}


# ================================================================================================
# scopes per operation
# ================================================================================================
class Targets:
    """Objects the operations act on, made by admin.  `fresh_*` make a new one (for writes and deletes)."""

    def __init__(self, zrc, st, remote):
        self.zrc, self.st, self.remote = zrc, st, remote
        self.zaak = new_zaak(zrc, st.zaaktype)
        z = self.zaak["url"]
        self.status = zrc.create("/statussen", zs.status_payload(z, st.statustype_1))
        self.resultaat = zrc.create("/resultaten", {"zaak": z, "resultaattype": st.resultaattype})
        self.rol = self._rol(z)
        self.zaakobject = self._zaakobject(z)
        self.zio = zrc.create("/zaakinformatieobjecten", {"zaak": z, "informatieobject": remote.eio()})
        self.klantcontact = self._klantcontact(z)
        self.zaakcontactmoment = self._zcm(z)
        self.zaakverzoek = self._zv(z)
        self.zaakeigenschap = self._ze(self.zaak)
        self.zaakbesluit = self._zb(self.zaak)
        self.substatus = self._substatus(z)
        self.zaaknotitie = self._notitie(z)
        trail = zrc.get(f"/zaken/{self.zaak['uuid']}/audittrail", check=False)
        assert trail.status_code == 200, describe(trail)
        self.audit = trail.json()[0]["uuid"]

    def _rol(self, z):
        resp = self.zrc.post("/rollen", rol_body(z, self.st.roltype_behandelaar), check=False)
        assert resp.status_code == 201, describe(resp)
        return resp.json()

    def _zaakobject(self, z):
        resp = self.zrc.post("/zaakobjecten", {"zaak": z, "objectType": "pand",
                                               "objectIdentificatie": {"identificatie": uuidlib.uuid4().hex}},
                             check=False)
        assert resp.status_code == 201, describe(resp)
        return resp.json()

    def _klantcontact(self, z):
        return self.zrc.create("/klantcontacten", {"zaak": z, "datumtijd": "2026-01-20T09:30:00Z",
                                                   "identificatie": "KC" + uuidlib.uuid4().hex[:8]})

    def _zcm(self, z):
        return self.zrc.create("/zaakcontactmomenten", {
            "zaak": z, "contactmoment": self.remote.url("contactmoment")})

    def _zv(self, z):
        return self.zrc.create("/zaakverzoeken", {
            "zaak": z, "verzoek": self.remote.url("verzoek")})

    def _ze(self, zaak):
        return self.zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
                               {"zaak": zaak["url"], "eigenschap": self.st.eigenschap, "waarde": "x"})

    def _zb(self, zaak):
        return self.zrc.create(f"/zaken/{zaak['uuid']}/besluiten",
                               {"besluit": self.remote.url("besluit")})

    def _substatus(self, z):
        return self.zrc.create("/substatussen", {"zaak": z, "omschrijving": "Deelstap"})

    def _notitie(self, z):
        return self.zrc.create("/zaaknotities", {"gerelateerdAan": z, "onderwerp": "Notitie", "tekst": "Tekst",
                                                 "status": "concept"})

    def fresh_zaak(self):
        return new_zaak(self.zrc, self.st.zaaktype)

    def request(self, method, template):
        """(path, body, success status) for one operation."""
        st, z = self.st, self.zaak
        zaak_put = {k: z[k] for k in ("zaaktype", "bronorganisatie", "verantwoordelijkeOrganisatie", "startdatum",
                                      "opdrachtgevendeOrganisatie", "omschrijving")}
        simple_item = {
            "/statussen/{uuid}": self.status, "/resultaten/{uuid}": self.resultaat, "/rollen/{uuid}": self.rol,
            "/zaakobjecten/{uuid}": self.zaakobject, "/zaakinformatieobjecten/{uuid}": self.zio,
            "/klantcontacten/{uuid}": self.klantcontact, "/zaakcontactmomenten/{uuid}": self.zaakcontactmoment,
            "/zaakverzoeken/{uuid}": self.zaakverzoek,
            "/zaken/{zaak_uuid}/zaakeigenschappen/{uuid}": self.zaakeigenschap,
            "/zaken/{zaak_uuid}/besluiten/{uuid}": self.zaakbesluit, "/zaken/{uuid}": z,
            "/substatussen/{uuid}": self.substatus, "/zaaknotities/{uuid}": self.zaaknotitie,
        }
        if method in ("GET", "HEAD"):
            if template in simple_item:
                return simple_item[template]["url"], None, 200
            if template == "/zaken/{zaak_uuid}/audittrail":
                return f"/zaken/{z['uuid']}/audittrail", None, 200
            if template == "/zaken/{zaak_uuid}/audittrail/{uuid}":
                return f"/zaken/{z['uuid']}/audittrail/{self.audit}", None, 200
            if template.startswith("/zaken/{zaak_uuid}/"):
                return template.replace("{zaak_uuid}", z["uuid"]), None, 200
            assert "{" not in template, template
            return template, None, 200
        if method == "POST":
            if template == "/zaken":
                return "/zaken", zs.zaak_payload(st.zaaktype, opdrachtgevendeOrganisatie=zs.BRONORGANISATIE), 201
            if template == "/zaken/_zoek":
                return "/zaken/_zoek", {"uuid__in": [z["uuid"]]}, 200
            if template in ("/reserveer_zaaknummer", "/zaaknummer_reserveren"):
                return template, {"bronorganisatie": zs.BRONORGANISATIE}, 201
            fz = self.fresh_zaak()
            f = fz["url"]
            if template == "/substatussen":
                self.zrc.create("/statussen", zs.status_payload(f, st.statustype_1))
            body = {
                "/statussen": zs.status_payload(f, st.statustype_1),
                "/resultaten": {"zaak": f, "resultaattype": st.resultaattype},
                "/rollen": rol_body(f, st.roltype_behandelaar),
                "/zaakobjecten": {"zaak": f, "objectType": "pand", "objectIdentificatie": {"identificatie": "1"}},
                "/zaakinformatieobjecten": {"zaak": f, "informatieobject": self.remote.eio()},
                "/klantcontacten": {"zaak": f, "datumtijd": "2026-01-20T09:30:00Z",
                                    "identificatie": "KC" + uuidlib.uuid4().hex[:8]},
                "/zaakcontactmomenten": {"zaak": f, "contactmoment": self.remote.url("contactmoment")},
                "/zaakverzoeken": {"zaak": f, "verzoek": self.remote.url("verzoek")},
                "/zaken/{zaak_uuid}/zaakeigenschappen": {"zaak": f, "eigenschap": st.eigenschap, "waarde": "y"},
                "/zaken/{zaak_uuid}/besluiten": {"besluit": self.remote.url("besluit")},
                "/substatussen": {"zaak": f, "omschrijving": "Deelstap"},
                "/zaaknotities": {"gerelateerdAan": f, "onderwerp": "Notitie", "tekst": "Tekst", "status": "concept"},
            }[template]
            return template.replace("{zaak_uuid}", fz["uuid"]), body, 201
        # PUT / PATCH / DELETE: on a fresh object
        fz = self.fresh_zaak()
        f = fz["url"]
        if template == "/zaken/{uuid}":
            if method == "DELETE":
                return f, None, 204
            return f, ({**zaak_put, "omschrijving": "Gewijzigd"} if method == "PUT" else {"omschrijving": "G"}), 200
        maker = {
            "/resultaten/{uuid}": (lambda: self.zrc.create("/resultaten", {"zaak": f,
                                                                           "resultaattype": st.resultaattype}),
                                   {"zaak": f, "resultaattype": st.resultaattype, "toelichting": "t"}),
            "/rollen/{uuid}": (lambda: self._rol(f), rol_body(f, st.roltype_behandelaar)),
            "/zaakobjecten/{uuid}": (lambda: self._zaakobject(f),
                                     {"zaak": f, "objectType": "pand", "objectIdentificatie": {"identificatie": "2"}}),
            "/zaakinformatieobjecten/{uuid}": (None, None),
            "/zaakcontactmomenten/{uuid}": (lambda: self._zcm(f), None),
            "/zaakverzoeken/{uuid}": (lambda: self._zv(f), None),
            "/zaken/{zaak_uuid}/zaakeigenschappen/{uuid}": (lambda: self._ze(fz),
                                                             {"zaak": f, "eigenschap": st.eigenschap, "waarde": "z"}),
            "/zaken/{zaak_uuid}/besluiten/{uuid}": (lambda: self._zb(fz), None),
            "/zaaknotities/{uuid}": (lambda: self._notitie(f), {"gerelateerdAan": f, "onderwerp": "Anders",
                                                               "tekst": "Tekst", "status": "concept"}),
        }[template]
        if template == "/zaakinformatieobjecten/{uuid}":
            io = self.remote.eio()
            obj = self.zrc.create("/zaakinformatieobjecten", {"zaak": f, "informatieobject": io})
            full = {"zaak": f, "informatieobject": io, "titel": "t"}
        else:
            obj, full = maker[0](), maker[1]
        if method == "DELETE":
            return obj["url"], None, 204
        if method == "PATCH":
            patch = {"/resultaten/{uuid}": {"toelichting": "p"}, "/zaakobjecten/{uuid}": {"relatieomschrijving": "p"},
                     "/zaakinformatieobjecten/{uuid}": {"titel": "p"},
                     "/zaken/{zaak_uuid}/zaakeigenschappen/{uuid}": {"waarde": "p"},
                     "/zaaknotities/{uuid}": {"tekst": "p"}}[template]
            return obj["url"], patch, 200
        return obj["url"], full, 200


def setup_with_iot(api):
    """zaken_support.Setup plus a published informatieobjecttype related to the zaaktype (zrc-017)."""
    s = zs.Setup(api)
    f = zgw.Factory(api)
    s.iot = f.informatieobjecttype(s.catalogus)["url"]
    f.ziot(s.zaaktype, s.iot)
    f.publish(s.iot)
    return s


@pytest.fixture(scope="module")
def st(api):
    return setup_with_iot(api)


@pytest.fixture(scope="module")
def remote(st):
    d = FakeRemote(st.iot)
    yield d
    d.close()


@pytest.fixture(scope="module")
def targets(zrc, st, remote):
    return Targets(zrc, st, remote)


def _op_id(op):
    return f"{op[0]} {op[1]}"


def _send(client, method, path, body):
    # Rol and ZaakObject answers are polymorphic (see test_zaken_objects.check_poly) and the audit trail's
    # contract has a test of its own (test_zaken_status.test_audit_trail_matches_the_oas): not checked here
    check = not any(k in path for k in ("/rollen", "/zaakobjecten", "/audittrail"))
    if method == "HEAD":
        return client.head(path, check=False)
    return client.request(method, path, body, check=check)


@pytest.mark.parametrize("op", [o for o in OPERATIONS if o[2]], ids=_op_id)
def test_operation_without_its_scopes_is_403(server, targets, op):
    method, template, scopes = op
    client = zs.Zrc(server.client("admin")).as_client(_client_id("not", scopes), "secret")
    path, body, _ = targets.request(method, template)
    resp = _send(client, method, path, body)
    if method == "HEAD":
        assert resp.status_code == 403, describe(resp)
    else:
        assert_problem(resp, 403, code="permission_denied")


@pytest.mark.parametrize("op,scope", [(o, s) for o in OPERATIONS if o[2] for s in o[2]],
                         ids=lambda x: _op_id(x) if isinstance(x, tuple) else x)
def test_operation_with_one_of_its_scopes_succeeds(server, targets, op, scope):
    method, template, _ = op
    client = zs.Zrc(server.client("admin")).as_client(_client_id("only", [scope]), "secret")
    path, body, ok = targets.request(method, template)
    resp = _send(client, method, path, body)
    assert resp.status_code == ok, describe(resp)


@pytest.mark.parametrize("op", OPERATIONS, ids=_op_id)
def test_operation_without_token_is_401(anon_zrc, targets, op):
    method, template, _ = op
    path, body, _ = targets.request(method, template) if method in ("GET", "HEAD") else \
        (template.replace("{zaak_uuid}", targets.zaak["uuid"]).replace("{uuid}", str(uuidlib.uuid4())), {}, None)
    resp = _send(anon_zrc, method, path, body)
    assert resp.status_code == 401, describe(resp)
    if method != "HEAD":
        assert_problem(resp, 401)


def test_every_operation_of_the_served_oas_is_there(anon_zrc, targets):
    """The OAS the server serves (/zaken/api/v1/schema/openapi.yaml) also describes Open Zaak's experimental
    operations; every operation it describes must exist (here: answer 401 without a token, not 404)."""
    missing = []
    for method, template in EXTRA_OPERATIONS:
        path = template.replace("{zaak_uuid}", targets.zaak["uuid"]).replace("{uuid}", targets.zaak["uuid"])
        resp = anon_zrc.request(method, path, {} if method in ("POST", "PUT", "PATCH") else None, check=False)
        if resp.status_code != 401:
            missing.append(f"{method} {template} -> {resp.status_code}")
    assert not missing, "operations of the served OAS that are not served:\n" + "\n".join(missing)


def test_forged_token_is_401(zrc, targets):
    other = zrc.as_client("admin", "not-the-secret")
    for path in ("/zaken", targets.zaak["url"], "/statussen", "/rollen"):
        assert_problem(other.get(path, check=False), 401)


def test_aanmaken_sets_only_the_first_status(server, zrc, st):
    """zaken.aanmaken: "de eerste status bij een zaak te zetten" — a second one needs
    zaken.statussen.toevoegen (reference: 403 "Met de 'zaken.aanmaken' scope mag je slechts 1 status zetten")."""
    aanmaker = zrc.as_client(_client_id("only", ["zaken.aanmaken"]), "secret")
    zaak = new_zaak(zrc, st.zaaktype)
    first = aanmaker.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                          datumStatusGezet="2026-02-01T10:00:00Z"))
    assert first.status_code == 201, describe(first)
    second = aanmaker.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                           datumStatusGezet="2026-02-02T10:00:00Z"))
    assert_problem(second, 403, code="permission_denied")
    toevoeger = zrc.as_client(_client_id("only", ["zaken.statussen.toevoegen"]), "secret")
    third = toevoeger.post("/statussen", zs.status_payload(zaak["url"], st.statustype_1,
                                                           datumStatusGezet="2026-02-03T10:00:00Z"))
    assert third.status_code == 201, describe(third)


# ================================================================================================
# zrc-006: the confidentiality matrix
# ================================================================================================
class Matrix:
    """Two zaaktypen × one zaak per vertrouwelijkheidaanduiding, each with a status, rol, resultaat,
    zaakobject, zaakeigenschap, zaakinformatieobject and klantcontact."""

    def __init__(self, zrc, api, remote):
        self.A, self.B = setup_with_iot(api), setup_with_iot(api)
        self.items = []  # dicts: zaaktype key, level, zaak, and the objects' URLs
        for key, t in (("A", self.A), ("B", self.B)):
            for level in LEVELS:
                zaak = new_zaak(zrc, t.zaaktype, vertrouwelijkheidaanduiding=level)
                z = zaak["url"]
                assert zaak["vertrouwelijkheidaanduiding"] == level
                bsn = zs.bsn()
                rol = zrc.post("/rollen", rol_body(z, t.roltype, {"inpBsn": bsn}), check=False)
                assert rol.status_code == 201, describe(rol)
                zo = zrc.post("/zaakobjecten", {"zaak": z, "objectType": "pand",
                                                "objectIdentificatie": {"identificatie": uuidlib.uuid4().hex}},
                              check=False)
                assert zo.status_code == 201, describe(zo)
                self.items.append({
                    "zt": key, "level": level, "zaak": zaak, "bsn": bsn,
                    "status": zrc.create("/statussen", zs.status_payload(z, t.statustype_1))["url"],
                    "rol": rol.json()["url"],
                    "resultaat": zrc.create("/resultaten", {"zaak": z, "resultaattype": t.resultaattype})["url"],
                    "zaakobject": zo.json()["url"],
                    "zaakeigenschap": zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
                                                 {"zaak": z, "eigenschap": t.eigenschap, "waarde": "v"})["url"],
                    "zaakinformatieobject": zrc.create("/zaakinformatieobjecten", {
                        "zaak": z, "informatieobject": remote.eio(iot=t.iot)})["url"],
                    "klantcontact": zrc.create("/klantcontacten", {
                        "zaak": z, "datumtijd": "2026-01-20T09:30:00Z",
                        "identificatie": "KC" + uuidlib.uuid4().hex[:8]})["url"],
                    "substatus": zrc.create("/substatussen", {"zaak": z, "omschrijving": "Deelstap"})["url"],
                    "zaaknotitie": zrc.create("/zaaknotities", {"gerelateerdAan": z, "onderwerp": "Notitie",
                                                                "tekst": "Vertrouwelijk", "status": "concept"})["url"],
                })

    def zaaktype(self, key):
        return {"A": self.A, "B": self.B}[key]


# client -> grants; expected visibility as {zaaktype key: maximum level}
MATRIX_CLIENTS = {
    "lezen-a-intern": ([("zaken.lezen", "A", "intern")], {"A": "intern"}),
    "lezen-ab-geheim": ([("zaken.lezen", "A", "geheim"), ("zaken.lezen", "B", "geheim")],
                        {"A": "geheim", "B": "geheim"}),
    "lezen-b-openbaar": ([("zaken.lezen", "B", "openbaar")], {"B": "openbaar"}),
    # a grant of another scope does not widen what may be read
    "lezen-a-openbaar-bijwerken-b": ([("zaken.lezen", "A", "openbaar"), ("zaken.bijwerken", "B", "zeer_geheim"),
                                      ("zaken.bijwerken", "A", "zeer_geheim")], {"A": "openbaar"}),
    "admin": (None, {"A": "zeer_geheim", "B": "zeer_geheim"}),
}


@pytest.fixture(scope="module")
def matrix(server, zrc, api, remote):
    m = Matrix(zrc, api, remote)
    for cid, (grants, _) in MATRIX_CLIENTS.items():
        if grants is None:
            continue
        zs.add_client(server, cid, "secret",
                      [(scope, m.zaaktype(zt).zaaktype, level) for scope, zt, level in grants])
    return m


def visible(cid, item):
    allowed = MATRIX_CLIENTS[cid][1]
    return item["zt"] in allowed and RANK[item["level"]] <= RANK[allowed[item["zt"]]]


def as_client(zrc, cid):
    return zrc if cid == "admin" else zrc.as_client(cid, "secret")


def all_pages(c, path, params=None, method="GET", body=None):
    """Every result of a paginated list, checking `count` on every page; returns (urls, count)."""
    resp = c.request(method, path, body, params=params, check="/rollen" not in path and "/zaakobjecten" not in path)
    assert resp.status_code == 200, describe(resp)
    count = resp.json()["count"]
    out = []
    while True:
        page = resp.json()
        assert page["count"] == count, (page["count"], count)
        out += [x["url"] for x in page["results"]]
        if not page["next"]:
            break
        resp = c.request(method, page["next"], body, check="/rollen" not in path and "/zaakobjecten" not in path)
        assert resp.status_code == 200, describe(resp)
    assert len(out) == count, (len(out), count)
    assert len(set(out)) == len(out), "a result appears on two pages"
    return out, count


CLIENT_IDS = list(MATRIX_CLIENTS)


@pytest.mark.parametrize("cid", CLIENT_IDS)
def test_matrix_zaken_list(zrc, matrix, cid):
    c = as_client(zrc, cid)
    expected = {i["zaak"]["url"] for i in matrix.items if visible(cid, i)}
    mine = {i["zaak"]["url"] for i in matrix.items}
    got, count = all_pages(c, "/zaken", params={"pageSize": 3})
    if cid == "admin":
        assert set(got) & mine == expected
    else:
        assert set(got) == expected and count == len(expected)
    for key in ("A", "B"):
        exp = {i["zaak"]["url"] for i in matrix.items if visible(cid, i) and i["zt"] == key}
        zt = matrix.zaaktype(key).zaaktype
        got, count = all_pages(c, "/zaken", params={"zaaktype": zt})
        assert set(got) == exp and count == len(exp), key
        # small pages: `count` is the total of what may be seen, whatever the page size
        for size in (1, 2):
            got, count = all_pages(c, "/zaken", params={"zaaktype": zt, "pageSize": size})
            assert set(got) == exp and count == len(exp), (key, size)


@pytest.mark.parametrize("cid", CLIENT_IDS)
def test_matrix_zaken_filters_do_not_leak(zrc, matrix, cid):
    c = as_client(zrc, cid)
    for i in matrix.items:
        resp = c.get("/zaken", params={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": i["bsn"]})
        assert resp.status_code == 200, describe(resp)
        exp = [i["zaak"]["url"]] if visible(cid, i) else []
        assert [z["url"] for z in resp.json()["results"]] == exp and resp.json()["count"] == len(exp), i["level"]
        resp = c.get("/zaken", params={"identificatie": i["zaak"]["identificatie"],
                                       "bronorganisatie": zs.BRONORGANISATIE})
        assert resp.json()["count"] == len(exp), i["level"]
    for key in ("A", "B"):
        zt = matrix.zaaktype(key).zaaktype
        resp = c.get("/zaken", params={"zaaktype": zt, "maximaleVertrouwelijkheidaanduiding": "zaakvertrouwelijk"})
        exp = {i["zaak"]["url"] for i in matrix.items
               if visible(cid, i) and i["zt"] == key and RANK[i["level"]] <= RANK["zaakvertrouwelijk"]}
        assert {z["url"] for z in resp.json()["results"]} == exp and resp.json()["count"] == len(exp)
        resp = c.get("/zaken", params={"zaaktype": zt, "ordering": "-startdatum"})
        exp = {i["zaak"]["url"] for i in matrix.items if visible(cid, i) and i["zt"] == key}
        assert {z["url"] for z in resp.json()["results"]} == exp and resp.json()["count"] == len(exp)


@pytest.mark.parametrize("cid", CLIENT_IDS)
def test_matrix_zaken_zoek(zrc, matrix, cid):
    c = as_client(zrc, cid)
    expected = {i["zaak"]["url"] for i in matrix.items if visible(cid, i)}
    got, count = all_pages(c, "/zaken/_zoek", method="POST",
                           body={"uuid__in": [i["zaak"]["uuid"] for i in matrix.items]}, params={"pageSize": 4})
    assert set(got) == expected and count == len(expected)
    got, count = all_pages(c, "/zaken/_zoek", method="POST",
                           body={"zaaktype__in": [matrix.A.zaaktype, matrix.B.zaaktype]})
    assert set(got) == expected and count == len(expected)


@pytest.mark.parametrize("cid", CLIENT_IDS)
def test_matrix_details(zrc, matrix, cid):
    c = as_client(zrc, cid)
    for i in matrix.items:
        ok = visible(cid, i)
        for kind in ("zaak", "status", "rol", "resultaat", "zaakobject", "zaakeigenschap", "zaakinformatieobject",
                     "klantcontact", "substatus", "zaaknotitie"):
            url = i["zaak"]["url"] if kind == "zaak" else i[kind]
            resp = c.get(url, check=kind not in ("rol", "zaakobject"))
            if ok:
                assert resp.status_code == 200, describe(resp)
            else:
                assert_problem(resp, 403, code="permission_denied")
        head = c.head(i["zaak"]["url"], check=False)
        assert head.status_code == (200 if ok else 403), (i["level"], head.status_code)


@pytest.mark.parametrize("cid", CLIENT_IDS)
def test_matrix_nested_lists(zrc, matrix, cid):
    """The zaakeigenschappen / besluiten of a zaak the client may not see: 403, like the zaak itself."""
    c = as_client(zrc, cid)
    for i in matrix.items:
        for nested in ("zaakeigenschappen", "besluiten"):
            resp = c.get(f"/zaken/{i['zaak']['uuid']}/{nested}")
            if visible(cid, i):
                assert resp.status_code == 200, describe(resp)
                if nested == "zaakeigenschappen":
                    assert [x["url"] for x in resp.json()] == [i["zaakeigenschap"]]
            else:
                assert_problem(resp, 403, code="permission_denied")


CHILD_LISTS = [
    # collection, item key, filter parameter, attribute of the zaaktype's Setup, paging ("" / "page" /
    # "pageSize"), the parameter naming the zaak
    ("statussen", "status", "statustype", "statustype_1", "pageSize", "zaak"),
    ("rollen", "rol", "roltype", "roltype", "pageSize", "zaak"),
    ("resultaten", "resultaat", "resultaattype", "resultaattype", "pageSize", "zaak"),
    ("zaakobjecten", "zaakobject", None, None, "pageSize", "zaak"),
    ("zaakinformatieobjecten", "zaakinformatieobject", None, None, "", "zaak"),
    ("klantcontacten", "klantcontact", None, None, "pageSize", "zaak"),
    ("substatussen", "substatus", None, None, "page", "zaak"),
    ("zaaknotities", "zaaknotitie", None, None, "pageSize", "gerelateerdAan"),
]


@pytest.mark.parametrize("cid", CLIENT_IDS)
@pytest.mark.parametrize("collection,key,param,attr,paging,zaak_param", CHILD_LISTS, ids=[c[0] for c in CHILD_LISTS])
def test_matrix_child_lists(zrc, matrix, cid, collection, key, param, attr, paging, zaak_param):
    c = as_client(zrc, cid)
    check = collection not in ("rollen", "zaakobjecten")

    def listed(params):
        if paging:
            extra = {"pageSize": 5} if paging == "pageSize" else {}
            return set(all_pages(c, f"/{collection}", params={**params, **extra})[0])
        resp = c.get(f"/{collection}", params=params, check=check)
        assert resp.status_code == 200, describe(resp)
        return {x["url"] for x in resp.json()}

    expected = {i[key] for i in matrix.items if visible(cid, i)}
    mine = {i[key] for i in matrix.items}
    everything = listed({})
    if cid == "admin":
        assert everything & mine == expected
    else:
        assert everything == expected
    if param:
        for zt in ("A", "B"):
            exp = {i[key] for i in matrix.items if visible(cid, i) and i["zt"] == zt}
            assert listed({param: getattr(matrix.zaaktype(zt), attr)}) == exp, zt
    for i in matrix.items:
        assert listed({zaak_param: i["zaak"]["url"]}) == ({i[key]} if visible(cid, i) else set()), i["level"]


@pytest.mark.parametrize("cid", CLIENT_IDS)
def test_matrix_rollen_filters_do_not_leak(zrc, matrix, cid):
    c = as_client(zrc, cid)
    for i in matrix.items:
        resp = c.get("/rollen", params={"betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": i["bsn"]},
                     check=False)
        assert resp.status_code == 200, describe(resp)
        exp = [i["rol"]] if visible(cid, i) else []
        assert [r["url"] for r in resp.json()["results"]] == exp and resp.json()["count"] == len(exp)


def test_matrix_client_without_zaken_scopes(zrc, matrix):
    c = zrc.as_client("geen-zaken", "secret")
    for path in ("/zaken", "/statussen", "/rollen", "/resultaten", "/zaakobjecten", "/zaakinformatieobjecten",
                 "/klantcontacten", "/substatussen", "/zaaknotities", "/zaakcontactmomenten", "/zaakverzoeken"):
        assert_problem(c.get(path), 403, code="permission_denied")
    assert_problem(c.post("/zaken/_zoek", {"uuid__in": [matrix.items[0]["zaak"]["uuid"]]}), 403,
                   code="permission_denied")
    for i in matrix.items[:3]:
        assert_problem(c.get(i["zaak"]["url"]), 403, code="permission_denied")
        assert_problem(c.get(i["status"]), 403, code="permission_denied")


def test_matrix_audit_trail(server, zrc, matrix):
    """audittrails.lezen is granted per zaaktype and vertrouwelijkheidaanduiding too."""
    zs.add_client(server, "audit-a-intern", "secret", [("audittrails.lezen", matrix.A.zaaktype, "intern")])
    c = zrc.as_client("audit-a-intern", "secret")
    for i in matrix.items:
        resp = c.get(f"/zaken/{i['zaak']['uuid']}/audittrail", check=False)
        if i["zt"] == "A" and RANK[i["level"]] <= RANK["intern"]:
            assert resp.status_code == 200 and resp.json(), describe(resp)
        else:
            assert_problem(resp, 403, code="permission_denied")


# ================================================================================================
# zrc-006 for writes
# ================================================================================================
@pytest.fixture(scope="module")
def wtypes(api):
    return zs.Setup(api), zs.Setup(api)


def test_create_limited_by_zaaktype_and_vertrouwelijkheid(server, zrc, wtypes):
    A, B = wtypes
    zs.add_client(server, "aanmaken-a-openbaar", "secret", [("zaken.aanmaken", A.zaaktype, "openbaar")])
    c = zrc.as_client("aanmaken-a-openbaar", "secret")

    def post(zaaktype, **over):
        return c.post("/zaken", zs.zaak_payload(zaaktype, opdrachtgevendeOrganisatie=zs.BRONORGANISATIE, **over))

    assert_problem(post(B.zaaktype), 403, code="permission_denied")
    assert_problem(post(B.zaaktype, vertrouwelijkheidaanduiding="openbaar"), 403, code="permission_denied")
    assert_problem(post(A.zaaktype, vertrouwelijkheidaanduiding="geheim"), 403, code="permission_denied")
    assert_problem(post(A.zaaktype, vertrouwelijkheidaanduiding="beperkt_openbaar"), 403, code="permission_denied")
    ok = post(A.zaaktype, vertrouwelijkheidaanduiding="openbaar")
    assert ok.status_code == 201, describe(ok)
    ok = post(A.zaaktype)  # the zaaktype's default: openbaar
    assert ok.status_code == 201 and ok.json()["vertrouwelijkheidaanduiding"] == "openbaar", describe(ok)
    # nothing of the refused ones was stored
    listed = zrc.get("/zaken", params={"zaaktype": B.zaaktype}).json()
    assert listed["count"] == 0
    listed = zrc.get("/zaken", params={"zaaktype": A.zaaktype, "maximaleVertrouwelijkheidaanduiding": "geheim"})
    assert {z["vertrouwelijkheidaanduiding"] for z in listed.json()["results"]} == {"openbaar"}


def test_update_limited_by_zaaktype_and_vertrouwelijkheid(server, zrc, wtypes):
    A, B = wtypes
    zs.add_client(server, "bijwerken-a-intern", "secret", [("zaken.bijwerken", A.zaaktype, "intern"),
                                                           ("zaken.lezen", A.zaaktype, "intern")])
    c = zrc.as_client("bijwerken-a-intern", "secret")
    a_intern = new_zaak(zrc, A.zaaktype, vertrouwelijkheidaanduiding="intern")
    a_geheim = new_zaak(zrc, A.zaaktype, vertrouwelijkheidaanduiding="geheim")
    b_open = new_zaak(zrc, B.zaaktype, vertrouwelijkheidaanduiding="openbaar")
    assert c.patch(a_intern["url"], {"omschrijving": "mag"}).status_code == 200
    assert_problem(c.patch(a_geheim["url"], {"omschrijving": "mag niet"}), 403, code="permission_denied")
    assert_problem(c.patch(b_open["url"], {"omschrijving": "mag niet"}), 403, code="permission_denied")
    # raising the vertrouwelijkheidaanduiding above the grant is refused
    assert_problem(c.patch(a_intern["url"], {"vertrouwelijkheidaanduiding": "geheim"}), 403,
                   code="permission_denied")
    assert zrc.get(a_intern["url"]).json()["vertrouwelijkheidaanduiding"] == "intern"
    assert zrc.get(a_geheim["url"]).json()["omschrijving"] == "Testzaak"
    assert zrc.get(b_open["url"]).json()["omschrijving"] == "Testzaak"
    # objects under hidden zaken cannot be written either
    resp = c.post("/rollen", rol_body(a_geheim["url"], A.roltype_behandelaar), check=False)
    assert_problem(resp, 403, code="permission_denied")
    resp = c.post("/rollen", rol_body(b_open["url"], B.roltype_behandelaar), check=False)
    assert_problem(resp, 403, code="permission_denied")
    resp = c.post("/rollen", rol_body(a_intern["url"], A.roltype_behandelaar), check=False)
    assert resp.status_code == 201, describe(resp)
    assert zrc.get(a_geheim["url"]).json()["rollen"] == []
    res = zrc.create("/resultaten", {"zaak": a_geheim["url"], "resultaattype": A.resultaattype})
    assert_problem(c.patch(res["url"], {"toelichting": "x"}), 403, code="permission_denied")
    assert_problem(c.delete(res["url"]), 403, code="permission_denied")
    assert zrc.get(res["url"]).status_code == 200


def test_delete_limited_by_zaaktype_and_vertrouwelijkheid(server, zrc, wtypes):
    A, B = wtypes
    zs.add_client(server, "verwijderen-a-intern", "secret", [("zaken.verwijderen", A.zaaktype, "intern")])
    c = zrc.as_client("verwijderen-a-intern", "secret")
    a_geheim = new_zaak(zrc, A.zaaktype, vertrouwelijkheidaanduiding="geheim")
    b_open = new_zaak(zrc, B.zaaktype, vertrouwelijkheidaanduiding="openbaar")
    a_open = new_zaak(zrc, A.zaaktype, vertrouwelijkheidaanduiding="openbaar")
    assert_problem(c.delete(a_geheim["url"]), 403, code="permission_denied")
    assert_problem(c.delete(b_open["url"]), 403, code="permission_denied")
    assert zrc.get(a_geheim["url"]).status_code == 200 and zrc.get(b_open["url"]).status_code == 200
    assert c.delete(a_open["url"]).status_code == 204
    assert zrc.get(a_open["url"]).status_code == 404


def test_status_limited_by_zaaktype_and_vertrouwelijkheid(server, zrc, wtypes):
    A, B = wtypes
    zs.add_client(server, "status-a-intern", "secret", [("zaken.statussen.toevoegen", A.zaaktype, "intern")])
    c = zrc.as_client("status-a-intern", "secret")
    a_geheim = new_zaak(zrc, A.zaaktype, vertrouwelijkheidaanduiding="geheim")
    b_open = new_zaak(zrc, B.zaaktype, vertrouwelijkheidaanduiding="openbaar")
    a_intern = new_zaak(zrc, A.zaaktype, vertrouwelijkheidaanduiding="intern")
    assert_problem(c.post("/statussen", zs.status_payload(a_geheim["url"], A.statustype_1)), 403,
                   code="permission_denied")
    assert_problem(c.post("/statussen", zs.status_payload(b_open["url"], B.statustype_1)), 403,
                   code="permission_denied")
    resp = c.post("/statussen", zs.status_payload(a_intern["url"], A.statustype_1))
    assert resp.status_code == 201, describe(resp)
    assert zrc.get(a_geheim["url"]).json()["status"] is None
