"""Zaken API 1.5.1: the objects under a zaak, black-box over HTTP on both engines.

Resultaten, rollen (all five betrokkeneType variants), zaakeigenschappen (nested), zaakobjecten,
zaakinformatieobjecten, klantcontacten, zaakcontactmomenten, zaakverzoeken and zaakbesluiten: create, read,
every list filter of the OAS, update / partial update / delete where the OAS has them, and the rules of
rules/zgw-1.5/zaken.md that apply to them (zrc-003, zrc-004, zrc-017 … zrc-020, zrc-023).  The zaak's derived
fields (rollen, eigenschappen, zaakobjecten, zaakinformatieobjecten, status, resultaat, deelzaken) and the
`rol__…` filters of GET /zaken are covered here too.

Error codes are those of the reference implementation (Open Zaak, from which the OAS was taken).

Rol and ZaakObject responses are polymorphic (oneOf + discriminator).  contract.py ignores the discriminator,
and as the variants differ only in their nested group every rol matches all five variants (oneOf fails); those
responses are therefore checked here against the variant the discriminator names (`check_poly`).
"""

from __future__ import annotations

import json
import random
import threading
import uuid as uuidlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest

import conftest
import contract
import zaken_support as zs
import zgw
from zgw import assert_problem, describe

ZAKEN_PATH = "/zaken/api/v1/zaken/"


# ------------------------------------------------------------------------------------------------
# server: one per engine, rights not cached (clients are added while it runs)
# ------------------------------------------------------------------------------------------------
def _add_clients(srv):
    conftest.add_standard_clients(srv, "admin", "beheer")


server = conftest.server_fixture(extra_args=["--auth-cache-ms", "0"], add_clients=_add_clients)


@pytest.fixture(scope="module")
def zrc(admin) -> zs.Zrc:
    return zs.Zrc(admin)


# ------------------------------------------------------------------------------------------------
# catalogue set-up
# ------------------------------------------------------------------------------------------------
class Types:
    """Like zaken_support.Setup, plus what these tests need before the zaaktype is published: a second
    resultaattype and eigenschap (immutability checks), an informatieobjecttype related to the zaaktype
    (zrc-017) and optionally deelzaaktypen."""

    def __init__(self, api: zgw.Api, *, catalogus=None, deelzaaktypen=None):
        f = zgw.Factory(api)
        self.catalogus = catalogus or f.catalogus()["url"]
        over = {"deelzaaktypen": deelzaaktypen} if deelzaaktypen else {}
        zt = f.zaaktype(self.catalogus, productenOfDiensten=["https://example.com/product/1"], **over)
        self.zaaktype = zt["url"]
        self.statustype_1 = f.statustype(self.zaaktype, volgnummer=1)["url"]
        self.statustype_eind = f.statustype(self.zaaktype, volgnummer=2)["url"]
        self.resultaattype = f.resultaattype(self.zaaktype)["url"]
        self.resultaattype_2 = f.resultaattype(self.zaaktype)["url"]
        self.roltype_body = f.roltype(self.zaaktype, omschrijvingGeneriek="initiator")
        self.roltype = self.roltype_body["url"]
        self.roltype_behandelaar_body = f.roltype(self.zaaktype, omschrijvingGeneriek="behandelaar")
        self.roltype_behandelaar = self.roltype_behandelaar_body["url"]
        self.roltype_adviseur = f.roltype(self.zaaktype, omschrijvingGeneriek="adviseur")["url"]
        self.eigenschap_body = f.eigenschap(self.zaaktype)
        self.eigenschap = self.eigenschap_body["url"]
        self.eigenschap_2 = f.eigenschap(self.zaaktype)["url"]
        self.zaakobjecttype = f.zaakobjecttype(self.zaaktype)["url"]
        self.iot = f.informatieobjecttype(self.catalogus)["url"]
        f.ziot(self.zaaktype, self.iot)
        f.publish(self.iot)
        f.publish(self.zaaktype)


@pytest.fixture(scope="module")
def other(api):
    """Another published zaaktype (its types do not belong to `types.zaaktype`)."""
    return zs.Setup(api)


@pytest.fixture(scope="module")
def types(api, other):
    return Types(api, catalogus=other.catalogus, deelzaaktypen=[other.zaaktype])


# ------------------------------------------------------------------------------------------------
# stand-ins for the other APIs a zaak refers to: documents (zrc-003, zrc-017; objectinformatieobjecten for
# zrc-005), contactmomenten and verzoeken (validated and mirrored, zrc-024/025), besluiten and the objects of
# zaakobjecten ("Indien de object URL opgegeven is, dan moet deze een geldige response (HTTP 200) geven").
# Every URL it hands out resolves (HTTP 200) unless made with missing().
# ------------------------------------------------------------------------------------------------
REMOTE_PATHS = {
    "eio": "/documenten/api/v1/enkelvoudiginformatieobjecten/",
    "contactmoment": "/contactmomenten/api/v1/contactmomenten/",
    "verzoek": "/verzoeken/api/v1/verzoeken/",
    "besluit": "/besluiten/api/v1/besluiten/",
    "pand": "/bag/api/v1/panden/",
    "object": "/objecten/api/v2/objects/",
}


class FakeRemote:
    def __init__(self, default_iot):
        self.default_iot = default_iot
        self.iot_of = {}  # document uuid -> informatieobjecttype URL (other than the default)
        self.status_of = {}  # document uuid -> status (other than "definitief")
        self.missing_uuids = set()
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                path = self.path.split("?")[0].rstrip("/")
                for kind, prefix in REMOTE_PATHS.items():
                    if path.startswith(prefix):
                        uid = path[len(prefix):]
                        if uid in remote.missing_uuids or "/" in uid:
                            break
                        return self._send(200, remote.document(kind, uid))
                if path.endswith(("/objectinformatieobjecten", "/objectcontactmomenten", "/objectverzoeken")):
                    return self._send(200, [])
                return self._send(404, {"detail": "Niet gevonden."})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                body["url"] = f"{remote.base}{self.path.rstrip('/')}/{uuidlib.uuid4()}"
                return self._send(201, body)

            def do_DELETE(self):  # noqa: N802
                return self._send(204)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def document(self, kind, uid):
        url = self.base + REMOTE_PATHS[kind] + uid
        if kind == "eio":
            return {
                "url": url, "identificatie": "DOC-" + uid[:8], "bronorganisatie": zs.BRONORGANISATIE,
                "creatiedatum": "2026-01-10", "titel": "Testdocument", "vertrouwelijkheidaanduiding": "openbaar",
                "auteur": "Test", "status": self.status_of.get(uid, "definitief"), "taal": "nld", "versie": 1,
                "informatieobjecttype": self.iot_of.get(uid, self.default_iot), "indicatieGebruiksrecht": False,
                "locked": False, "bestandsnaam": "", "bestandsomvang": 0, "inhoud": None,
            }
        if kind == "besluit":
            return {"url": url, "identificatie": "B-" + uid[:8], "verantwoordelijkeOrganisatie": zs.BRONORGANISATIE,
                    "datum": "2026-01-10", "ingangsdatum": "2026-01-11"}
        return {"url": url, "uuid": uid, "identificatie": uid[:16]}

    def url(self, kind, iot=None):
        uid = str(uuidlib.uuid4())
        if iot:
            self.iot_of[uid] = iot
        return self.base + REMOTE_PATHS[kind] + uid

    def eio(self, iot=None):
        return self.url("eio", iot)

    def missing(self, kind):
        uid = str(uuidlib.uuid4())
        self.missing_uuids.add(uid)
        return self.base + REMOTE_PATHS[kind] + uid

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def remote(types):
    r = FakeRemote(types.iot)
    yield r
    r.close()


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def new_zaak(zrc, zaaktype, **over):
    body = zs.zaak_payload(zaaktype, opdrachtgevendeOrganisatie=zs.BRONORGANISATIE)
    body.update(over)
    return zrc.create("/zaken", body)


def digits(n):
    return str(random.randint(1, 9)) + "".join(random.choice("0123456789") for _ in range(n - 1))


_POLY = {"rol": ("betrokkeneType", "{}_RolSerializer"), "zaakobject": ("objectType", "{}_ZaakObjectSerializer")}
_POLY_VALIDATORS = {}


def check_poly(kind, data):
    """Validates a Rol / ZaakObject against the variant its discriminator names (see the module docstring).
    Allowance: `objectTypeOverige` "" on a non-overige zaakobject (the OAS pattern `[a-z_]+` rejects the empty
    string that the reference implementation, Open Zaak, returns for an unset value)."""
    chk = contract.checker()
    if not chk.enabled:
        return
    field, template = _POLY[kind]
    variant = data.get(field)
    assert variant, f"{kind} without {field}: {data}"
    key = (kind, variant)
    if key not in _POLY_VALIDATORS:
        spec, _ = chk._spec_for(zs.ZRC)
        _POLY_VALIDATORS[key] = jsonschema.Draft7Validator(
            {"$ref": "#/definitions/" + template.format(variant), "definitions": spec.definitions})
    errors = [e for e in _POLY_VALIDATORS[key].iter_errors(data)
              if not (kind == "zaakobject" and list(e.absolute_path) == ["objectTypeOverige"] and e.instance == "")]
    assert not errors, f"{kind} {variant} does not match the OAS: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}" for e in errors[:8])


def poly(zrc, kind, method, path, body=None, **kw):
    """A call whose 2xx answer holds Rol / ZaakObject resources (one, or a page of them)."""
    resp = zrc.request(method, path, body, check=False, **kw)
    if 200 <= resp.status_code < 300 and resp.content:
        data = resp.json()
        if isinstance(data, dict) and "results" in data:
            for key in ("count", "next", "previous", "results"):
                assert key in data, f"page lacks {key!r}: {describe(resp)}"
            for item in data["results"]:
                check_poly(kind, item)
        elif isinstance(data, list):
            for item in data:
                check_poly(kind, item)
        else:
            check_poly(kind, data)
    else:
        contract.check_response(resp)
    return resp


def create_poly(zrc, kind, path, body):
    resp = poly(zrc, kind, "POST", path, body)
    assert resp.status_code == 201, describe(resp)
    return resp.json()


def results(resp):
    assert resp.status_code == 200, describe(resp)
    data = resp.json()
    return data["results"] if isinstance(data, dict) else data


def urls(resp):
    return [x["url"] for x in results(resp)]


def rol_body(zaak, roltype, betrokkene_type="natuurlijk_persoon", ident=None, **over):
    body = {"zaak": zaak, "roltype": roltype, "betrokkeneType": betrokkene_type, "roltoelichting": "test",
            "betrokkeneIdentificatie": ident if ident is not None else identificatie(betrokkene_type)}
    body.update(over)
    return body


def identificatie(betrokkene_type):
    u = uuidlib.uuid4().hex[:10]
    return {
        "natuurlijk_persoon": {"inpBsn": zs.bsn(), "anpIdentificatie": "ANP" + u, "inpA_nummer": digits(10),
                               "geslachtsnaam": "Jansen", "voornamen": "Jan", "geslachtsaanduiding": "m"},
        "niet_natuurlijk_persoon": {"innNnpId": zgw.rsin(), "annIdentificatie": "ANN" + u, "kvkNummer": digits(8),
                                    "vestigingsNummer": "V" + u, "statutaireNaam": "Test BV"},
        "vestiging": {"vestigingsNummer": "VN" + u, "kvkNummer": digits(8), "handelsnaam": ["Winkel " + u]},
        "organisatorische_eenheid": {"identificatie": "OE" + u, "naam": "Afdeling", "isGehuisvestIn": "Stadhuis"},
        "medewerker": {"identificatie": "mw" + u, "achternaam": "Pietersen", "voorletters": "P"},
    }[betrokkene_type]


# list filter of GET /rollen -> the field of betrokkeneIdentificatie it reads, per betrokkeneType
ROL_IDENT_FILTERS = {
    "natuurlijk_persoon": {"natuurlijkPersoon": ["inpBsn", "anpIdentificatie", "inpA_nummer"]},
    "niet_natuurlijk_persoon": {"nietNatuurlijkPersoon": ["innNnpId", "annIdentificatie", "kvkNummer",
                                                          "vestigingsNummer"]},
    "vestiging": {"vestiging": ["vestigingsNummer", "kvkNummer"]},
    "organisatorische_eenheid": {"organisatorischeEenheid": ["identificatie"]},
    "medewerker": {"medewerker": ["identificatie"]},
}


def ident_filters(betrokkene_type, ident):
    out = {}
    for group, fields in ROL_IDENT_FILTERS[betrokkene_type].items():
        for f in fields:
            out[f"betrokkeneIdentificatie__{group}__{f}"] = ident[f]
    return out


def zaak_get(zrc, url):
    resp = zrc.get(url)
    assert resp.status_code == 200, describe(resp)
    return resp.json()


# ================================================================================================
# resultaten
# ================================================================================================
def test_resultaat_create_read_update_delete(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    res = zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": types.resultaattype,
                                     "toelichting": "eerste"})
    assert res["zaak"] == zaak["url"]
    assert res["resultaattype"] == types.resultaattype
    assert res["toelichting"] == "eerste"
    assert res["url"].endswith("/resultaten/" + res["uuid"])
    assert zrc.get(res["url"]).json() == res
    assert zaak_get(zrc, zaak["url"])["resultaat"] == res["url"]

    put = zrc.put(res["url"], {"zaak": zaak["url"], "resultaattype": types.resultaattype, "toelichting": "put"})
    assert put.status_code == 200, describe(put)
    assert put.json()["toelichting"] == "put"
    patch = zrc.patch(res["url"], {"toelichting": "patch"})
    assert patch.status_code == 200, describe(patch)
    assert patch.json()["toelichting"] == "patch"
    assert zrc.get(res["url"]).json()["toelichting"] == "patch"

    resp = zrc.delete(res["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(res["url"]).status_code == 404
    assert zaak_get(zrc, zaak["url"])["resultaat"] is None
    # the place is free again
    again = zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": types.resultaattype})
    assert zaak_get(zrc, zaak["url"])["resultaat"] == again["url"]


def test_resultaat_one_per_zaak(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    first = zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": types.resultaattype})
    resp = zrc.post("/resultaten", {"zaak": zaak["url"], "resultaattype": types.resultaattype_2})
    assert_problem(resp, 400, field="zaak", code="unique")
    assert zaak_get(zrc, zaak["url"])["resultaat"] == first["url"]
    assert urls(zrc.get("/resultaten", params={"zaak": zaak["url"]})) == [first["url"]]


def test_resultaat_resultaattype_of_other_zaaktype(zrc, types, other):
    zaak = new_zaak(zrc, types.zaaktype)
    resp = zrc.post("/resultaten", {"zaak": zaak["url"], "resultaattype": other.resultaattype})
    assert_problem(resp, 400, field="nonFieldErrors", code="zaaktype-mismatch")
    assert zaak_get(zrc, zaak["url"])["resultaat"] is None
    res = zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": types.resultaattype})
    resp = zrc.put(res["url"], {"zaak": zaak["url"], "resultaattype": other.resultaattype})
    assert resp.status_code == 400, describe(resp)
    assert zrc.get(res["url"]).json()["resultaattype"] == types.resultaattype


def test_resultaat_resultaattype_cannot_change(zrc, types):
    # Open Zaak: resultaattype is immutable (LooseFkIsImmutableValidator)
    zaak = new_zaak(zrc, types.zaaktype)
    res = zrc.create("/resultaten", {"zaak": zaak["url"], "resultaattype": types.resultaattype})
    resp = zrc.patch(res["url"], {"resultaattype": types.resultaattype_2})
    assert_problem(resp, 400, field="resultaattype", code="wijzigen-niet-toegelaten")
    assert zrc.get(res["url"]).json()["resultaattype"] == types.resultaattype


def test_resultaten_list_filters(zrc, types, other):
    z1, z2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, other.zaaktype)
    r1 = zrc.create("/resultaten", {"zaak": z1["url"], "resultaattype": types.resultaattype_2})
    r2 = zrc.create("/resultaten", {"zaak": z2["url"], "resultaattype": other.resultaattype})
    page = zrc.get("/resultaten", params={"zaak": z1["url"]}).json()
    assert [r["url"] for r in page["results"]] == [r1["url"]] and page["count"] == 1
    assert urls(zrc.get("/resultaten", params={"zaak": z2["url"]})) == [r2["url"]]
    by_type = urls(zrc.get("/resultaten", params={"resultaattype": types.resultaattype_2}))
    assert r1["url"] in by_type and r2["url"] not in by_type
    assert urls(zrc.get("/resultaten", params={"resultaattype": other.resultaattype})) == [r2["url"]]
    assert urls(zrc.get("/resultaten", params={"zaak": z1["url"], "resultaattype": other.resultaattype})) == []
    everything = zrc.list_all("/resultaten")
    assert {r1["url"], r2["url"]} <= {r["url"] for r in everything}
    assert_problem(zrc.get("/resultaten", params={"onbekend": "x"}), 400, code="unknown-parameters")


# ================================================================================================
# rollen
# ================================================================================================
BETROKKENE_TYPES = ["natuurlijk_persoon", "niet_natuurlijk_persoon", "vestiging", "organisatorische_eenheid",
                    "medewerker"]


@pytest.mark.parametrize("betrokkene_type", BETROKKENE_TYPES)
def test_rol_variant(zrc, types, betrokkene_type):
    zaak = new_zaak(zrc, types.zaaktype)
    ident = identificatie(betrokkene_type)
    body = rol_body(zaak["url"], types.roltype_behandelaar, betrokkene_type, ident,
                    afwijkendeNaamBetrokkene="Andere naam")
    rol = create_poly(zrc, "rol", "/rollen", body)
    assert rol["betrokkeneType"] == betrokkene_type
    assert rol["zaak"] == zaak["url"] and rol["roltype"] == types.roltype_behandelaar
    for k, v in ident.items():
        assert rol["betrokkeneIdentificatie"][k] == v, (k, rol["betrokkeneIdentificatie"])
    # omschrijving and omschrijvingGeneriek come from the roltype, whatever the client sends
    assert rol["omschrijving"] == types.roltype_behandelaar_body["omschrijving"]
    assert rol["omschrijvingGeneriek"] == "behandelaar"
    assert rol["registratiedatum"]
    assert rol["afwijkendeNaamBetrokkene"] == "Andere naam"

    detail = poly(zrc, "rol", "GET", rol["url"])
    assert detail.status_code == 200 and detail.json() == rol
    assert rol["url"] in zaak_get(zrc, zaak["url"])["rollen"]

    # every betrokkeneIdentificatie filter of this variant finds exactly this rol
    for param, value in ident_filters(betrokkene_type, ident).items():
        found = poly(zrc, "rol", "GET", "/rollen", params={param: value})
        assert urls(found) == [rol["url"]], (param, value, found.text[:500])
        assert found.json()["count"] == 1
    # ... and filters of another variant do not
    for other_type in BETROKKENE_TYPES:
        if other_type == betrokkene_type:
            continue
        for param in ident_filters(other_type, identificatie(other_type)):
            field = param.rsplit("__", 1)[-1]
            if field in ident:
                found = poly(zrc, "rol", "GET", "/rollen", params={param: ident[field]})
                assert rol["url"] not in urls(found), (param, ident[field])
    found = poly(zrc, "rol", "GET", "/rollen", params={"zaak": zaak["url"], "betrokkeneType": betrokkene_type})
    assert urls(found) == [rol["url"]]


def test_rol_with_betrokkene_url(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    betrokkene = "https://personen.example.com/api/ingeschrevenpersonen/" + digits(9)
    body = {"zaak": zaak["url"], "roltype": types.roltype_behandelaar, "betrokkeneType": "natuurlijk_persoon",
            "roltoelichting": "x", "betrokkene": betrokkene}
    rol = create_poly(zrc, "rol", "/rollen", body)
    assert rol["betrokkene"] == betrokkene
    assert urls(poly(zrc, "rol", "GET", "/rollen", params={"betrokkene": betrokkene})) == [rol["url"]]


def test_rol_needs_betrokkene_or_identificatie(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    body = {"zaak": zaak["url"], "roltype": types.roltype_behandelaar, "betrokkeneType": "medewerker",
            "roltoelichting": "x"}
    resp = poly(zrc, "rol", "POST", "/rollen", body)
    assert_problem(resp, 400, field="nonFieldErrors", code="invalid-betrokkene")


def test_rol_invalid_bsn(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    body = rol_body(zaak["url"], types.roltype_behandelaar, ident={"inpBsn": zs.INVALID_BSN})
    resp = poly(zrc, "rol", "POST", "/rollen", body)
    assert_problem(resp, 400, field="betrokkeneIdentificatie.inpBsn", code="invalid")
    assert zaak_get(zrc, zaak["url"])["rollen"] == []
    for good in zs.VALID_BSNS:
        body = rol_body(zaak["url"], types.roltype_behandelaar, ident={"inpBsn": good})
        assert poly(zrc, "rol", "POST", "/rollen", body).status_code == 201


def test_rol_roltype_of_other_zaaktype(zrc, types, other):
    zaak = new_zaak(zrc, types.zaaktype)
    resp = poly(zrc, "rol", "POST", "/rollen", rol_body(zaak["url"], other.roltype_behandelaar))
    assert_problem(resp, 400, field="nonFieldErrors", code="zaaktype-mismatch")
    assert zaak_get(zrc, zaak["url"])["rollen"] == []


def test_rol_at_most_one_initiator(zrc, types):
    # reference implementation: RolOccurenceValidator(initiator, max 1) -> roltype / max-occurences
    zaak = new_zaak(zrc, types.zaaktype)
    create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype))
    resp = poly(zrc, "rol", "POST", "/rollen", rol_body(zaak["url"], types.roltype))
    assert_problem(resp, 400, field="roltype", code="max-occurences")
    # other roles can occur more than once
    create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_behandelaar))
    create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_behandelaar))
    assert len(zaak_get(zrc, zaak["url"])["rollen"]) == 3


def test_rol_list_filters(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    betrokkene = "https://medewerkers.example.com/" + uuidlib.uuid4().hex
    r_init = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype))
    r_beh = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_behandelaar, "medewerker",
                                                         betrokkene=betrokkene))
    r_adv = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_adviseur, "vestiging"))
    everything = {r_init["url"], r_beh["url"], r_adv["url"]}

    def find(**params):
        resp = poly(zrc, "rol", "GET", "/rollen", params={"zaak": zaak["url"], **params})
        return set(urls(resp))

    assert find() == everything
    # pages
    page1 = poly(zrc, "rol", "GET", "/rollen", params={"zaak": zaak["url"], "pageSize": 2}).json()
    assert page1["count"] == 3 and len(page1["results"]) == 2 and page1["next"] and page1["previous"] is None
    page2 = poly(zrc, "rol", "GET", page1["next"]).json()
    assert page2["count"] == 3 and len(page2["results"]) == 1 and page2["next"] is None and page2["previous"]
    assert {r["url"] for r in page1["results"] + page2["results"]} == everything
    assert poly(zrc, "rol", "GET", "/rollen", params={"zaak": zaak["url"], "page": 3, "pageSize": 2}) \
        .status_code == 404
    assert find(roltype=types.roltype) == {r_init["url"]}
    assert find(betrokkeneType="medewerker") == {r_beh["url"]}
    assert find(betrokkeneType="niet_natuurlijk_persoon") == set()
    assert find(omschrijvingGeneriek="adviseur") == {r_adv["url"]}
    assert find(omschrijvingGeneriek="initiator") == {r_init["url"]}
    assert find(omschrijving=types.roltype_behandelaar_body["omschrijving"]) == {r_beh["url"]}
    assert find(betrokkene=betrokkene) == {r_beh["url"]}
    # unfiltered: the other filters alone
    assert set(urls(poly(zrc, "rol", "GET", "/rollen", params={"roltype": types.roltype_adviseur}))) \
        >= {r_adv["url"]}
    assert set(urls(poly(zrc, "rol", "GET", "/rollen", params={"betrokkene": betrokkene}))) == {r_beh["url"]}


@pytest.mark.parametrize("collection,param", [
    ("rollen", "betrokkeneType"), ("rollen", "omschrijvingGeneriek"), ("rollen", "machtiging"),
    ("zaakobjecten", "objectType"), ("statussen", "indicatieLaatstGezetteStatus"),
])
def test_list_filter_rejects_a_value_outside_its_enum(zrc, collection, param):
    """An enum / boolean list filter with an unknown value is a 400 (reference: django-filter, invalid_choice),
    not an empty page."""
    resp = zrc.get(f"/{collection}", params={param: "onzin"})
    assert_problem(resp, 400, field=param)


def test_unknown_list_parameter(zrc):
    for collection in ("rollen", "statussen", "zaakobjecten", "zaakinformatieobjecten", "klantcontacten",
                       "zaakcontactmomenten", "zaakverzoeken"):
        assert_problem(zrc.get(f"/{collection}", params={"onbekend": "x"}), 400, code="unknown-parameters")


def test_rol_machtiging_filter(zrc, types):
    """machtiging: eigen (indicatieMachtiging empty) / gemachtigde / machtiginggever."""
    zaak = new_zaak(zrc, types.zaaktype)
    basis = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    hoog = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI"
    eigen = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_behandelaar))
    gemachtigde = create_poly(zrc, "rol", "/rollen", rol_body(
        zaak["url"], types.roltype_behandelaar, indicatieMachtiging="gemachtigde",
        authenticatieContext={"source": "digid", "levelOfAssurance": basis}))
    gever = create_poly(zrc, "rol", "/rollen", rol_body(
        zaak["url"], types.roltype_behandelaar, indicatieMachtiging="machtiginggever",
        authenticatieContext={"source": "digid", "levelOfAssurance": hoog}))

    def find(**params):
        return set(urls(poly(zrc, "rol", "GET", "/rollen", params={"zaak": zaak["url"], **params})))

    assert find(machtiging="gemachtigde") == {gemachtigde["url"]}
    assert find(machtiging="machtiginggever") == {gever["url"]}
    assert find(machtiging="eigen") == {eigen["url"]}


def test_rol_machtiging_loa_filter(zrc, types):
    """machtiging__loa: rollen whose authenticatieContext.levelOfAssurance is at most the given level."""
    zaak = new_zaak(zrc, types.zaaktype)
    basis = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    hoog = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI"
    gemachtigde = create_poly(zrc, "rol", "/rollen", rol_body(
        zaak["url"], types.roltype_behandelaar, indicatieMachtiging="gemachtigde",
        authenticatieContext={"source": "digid", "levelOfAssurance": basis}))
    gever = create_poly(zrc, "rol", "/rollen", rol_body(
        zaak["url"], types.roltype_behandelaar, indicatieMachtiging="machtiginggever",
        authenticatieContext={"source": "digid", "levelOfAssurance": hoog}))

    def find(**params):
        return set(urls(poly(zrc, "rol", "GET", "/rollen", params={"zaak": zaak["url"], **params})))

    smartcard = "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"
    low = find(machtiging__loa=smartcard)
    assert gemachtigde["url"] in low and gever["url"] not in low
    assert gever["url"] in find(machtiging__loa=hoog)


def test_rol_put(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    rol = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_behandelaar))
    old_bsn = rol["betrokkeneIdentificatie"]["inpBsn"]
    new_ident = identificatie("natuurlijk_persoon")
    body = rol_body(zaak["url"], types.roltype_behandelaar, ident=new_ident, roltoelichting="bijgewerkt")
    resp = poly(zrc, "rol", "PUT", rol["url"], body)
    assert resp.status_code == 200, describe(resp)
    got = resp.json()
    assert got["roltoelichting"] == "bijgewerkt"
    assert got["betrokkeneIdentificatie"]["inpBsn"] == new_ident["inpBsn"]
    assert got["registratiedatum"] == rol["registratiedatum"]
    assert got["omschrijvingGeneriek"] == "behandelaar"
    assert poly(zrc, "rol", "GET", rol["url"]).json() == got
    # the filters follow the new identification
    param = "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
    assert urls(poly(zrc, "rol", "GET", "/rollen", params={param: new_ident["inpBsn"]})) == [rol["url"]]
    assert urls(poly(zrc, "rol", "GET", "/rollen", params={param: old_bsn})) == []
    # another variant replaces the identification
    body = rol_body(zaak["url"], types.roltype_behandelaar, "medewerker")
    resp = poly(zrc, "rol", "PUT", rol["url"], body)
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["betrokkeneType"] == "medewerker"
    assert urls(poly(zrc, "rol", "GET", "/rollen", params={param: new_ident["inpBsn"]})) == []


def test_rol_put_cannot_change_roltype(zrc, types):
    # reference implementation: roltype is immutable (LooseFkIsImmutableValidator)
    zaak = new_zaak(zrc, types.zaaktype)
    rol = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_behandelaar))
    ident = rol["betrokkeneIdentificatie"]
    resp = poly(zrc, "rol", "PUT", rol["url"], rol_body(zaak["url"], types.roltype_adviseur, ident=ident))
    assert_problem(resp, 400, field="roltype", code="wijzigen-niet-toegelaten")
    after = poly(zrc, "rol", "GET", rol["url"]).json()
    assert after["roltype"] == types.roltype_behandelaar and after["omschrijvingGeneriek"] == "behandelaar"


def test_rol_delete(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    rol = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_behandelaar))
    keep = create_poly(zrc, "rol", "/rollen", rol_body(zaak["url"], types.roltype_adviseur))
    bsn = rol["betrokkeneIdentificatie"]["inpBsn"]
    resp = zrc.delete(rol["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(rol["url"]).status_code == 404
    assert zaak_get(zrc, zaak["url"])["rollen"] == [keep["url"]]
    param = "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
    assert urls(poly(zrc, "rol", "GET", "/rollen", params={param: bsn})) == []
    assert zrc.delete(rol["url"]).status_code == 404


# GET /zaken?rol__… -------------------------------------------------------------------------------
def test_zaken_filtered_on_rollen(zrc, api):
    st = zs.Setup(api)  # a zaaktype of this test only: filters without a unique value are exact within it
    z_np, z_mw, z_none = (new_zaak(zrc, st.zaaktype) for _ in range(3))
    np_ident = identificatie("natuurlijk_persoon")
    np_rol = create_poly(zrc, "rol", "/rollen", rol_body(z_np["url"], st.roltype, ident=np_ident,
                                                          indicatieMachtiging="gemachtigde"))
    betrokkene = "https://medewerkers.example.com/" + uuidlib.uuid4().hex
    mw_ident = identificatie("medewerker")
    create_poly(zrc, "rol", "/rollen", rol_body(z_mw["url"], st.roltype_behandelaar, "medewerker", mw_ident,
                                                betrokkene=betrokkene))
    nnp_ident = identificatie("niet_natuurlijk_persoon")
    create_poly(zrc, "rol", "/rollen", rol_body(z_mw["url"], st.roltype_behandelaar, "niet_natuurlijk_persoon",
                                                nnp_ident))
    ves_ident = identificatie("vestiging")
    create_poly(zrc, "rol", "/rollen", rol_body(z_mw["url"], st.roltype_behandelaar, "vestiging", ves_ident))
    oe_ident = identificatie("organisatorische_eenheid")
    create_poly(zrc, "rol", "/rollen", rol_body(z_np["url"], st.roltype_behandelaar, "organisatorische_eenheid",
                                                oe_ident))

    def zaken(**params):
        resp = zrc.get("/zaken", params={"zaaktype": st.zaaktype, **params})
        assert resp.status_code == 200, describe(resp)
        body = resp.json()
        assert body["count"] == len(body["results"])
        return {z["url"] for z in body["results"]}

    assert zaken() == {z_np["url"], z_mw["url"], z_none["url"]}
    assert zaken(rol__betrokkeneType="natuurlijk_persoon") == {z_np["url"]}
    assert zaken(rol__betrokkeneType="medewerker") == {z_mw["url"]}
    assert zaken(rol__omschrijvingGeneriek="initiator") == {z_np["url"]}
    assert zaken(rol__omschrijvingGeneriek="behandelaar") == {z_np["url"], z_mw["url"]}
    assert zaken(rol__omschrijvingGeneriek="adviseur") == set()
    assert zaken(rol__betrokkene=betrokkene) == {z_mw["url"]}
    assert zaken(rol__machtiging="gemachtigde") == {z_np["url"]}
    cases = {
        ("natuurlijk_persoon", z_np["url"]): np_ident,
        ("medewerker", z_mw["url"]): mw_ident,
        ("niet_natuurlijk_persoon", z_mw["url"]): nnp_ident,
        ("vestiging", z_mw["url"]): ves_ident,
        ("organisatorische_eenheid", z_np["url"]): oe_ident,
    }
    for (btype, zaak_url), ident in cases.items():
        for param, value in ident_filters(btype, ident).items():
            assert zaken(**{"rol__" + param: value}) == {zaak_url}, (param, value)
            # without the zaaktype filter too: the values are unique
            resp = zrc.get("/zaken", params={"rol__" + param: value})
            assert [z["url"] for z in resp.json()["results"]] == [zaak_url], (param, value)
    # combined filters are ANDed
    assert zaken(rol__betrokkeneType="medewerker",
                 rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=np_ident["inpBsn"]) == set()
    # a deleted rol no longer selects its zaak
    assert zrc.delete(np_rol["url"]).status_code == 204
    assert zaken(rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=np_ident["inpBsn"]) == set()
    assert zaken(rol__omschrijvingGeneriek="initiator") == set()


def test_zaken_filtered_on_rol_machtiging(zrc, api):
    st = zs.Setup(api)
    z_eigen, z_gem, z_gever = (new_zaak(zrc, st.zaaktype) for _ in range(3))
    basis = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    hoog = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI"
    create_poly(zrc, "rol", "/rollen", rol_body(z_eigen["url"], st.roltype_behandelaar))
    create_poly(zrc, "rol", "/rollen", rol_body(z_gem["url"], st.roltype_behandelaar, indicatieMachtiging="gemachtigde",
                                                authenticatieContext={"source": "digid", "levelOfAssurance": basis}))
    create_poly(zrc, "rol", "/rollen", rol_body(
        z_gever["url"], st.roltype_behandelaar, indicatieMachtiging="machtiginggever",
        authenticatieContext={"source": "digid", "levelOfAssurance": hoog}))

    def zaken(**params):
        resp = zrc.get("/zaken", params={"zaaktype": st.zaaktype, **params})
        assert resp.status_code == 200, describe(resp)
        return {z["url"] for z in resp.json()["results"]}

    assert zaken(rol__machtiging="gemachtigde") == {z_gem["url"]}
    assert zaken(rol__machtiging="machtiginggever") == {z_gever["url"]}
    assert zaken(rol__machtiging="eigen") == {z_eigen["url"]}
    low = zaken(rol__machtiging__loa="urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard")
    assert z_gem["url"] in low and z_gever["url"] not in low


# ================================================================================================
# operations the OAS does not have
# ================================================================================================
@pytest.mark.parametrize("method,kind", [
    ("PATCH", "rol"), ("PUT", "status"), ("PATCH", "status"), ("DELETE", "status"), ("PUT", "klantcontact"),
    ("DELETE", "klantcontact"), ("PUT", "zaakcontactmoment"), ("PATCH", "zaakverzoek"), ("PUT", "zaakbesluit"),
])
def test_operations_outside_the_oas_are_405(zrc, types, remote, method, kind):
    zaak = new_zaak(zrc, types.zaaktype)
    z = zaak["url"]
    url = {
        "rol": lambda: create_poly(zrc, "rol", "/rollen", rol_body(z, types.roltype_behandelaar))["url"],
        "status": lambda: zrc.create("/statussen", zs.status_payload(z, types.statustype_1))["url"],
        "klantcontact": lambda: zrc.create("/klantcontacten", {"zaak": z, "datumtijd": "2026-01-20T09:30:00Z",
                                                                "identificatie": "KC-" + digits(6)})["url"],
        "zaakcontactmoment": lambda: zrc.create("/zaakcontactmomenten", {
            "zaak": z, "contactmoment": remote.url("contactmoment")})["url"],
        "zaakverzoek": lambda: zrc.create("/zaakverzoeken", {"zaak": z, "verzoek": remote.url("verzoek")})["url"],
        "zaakbesluit": lambda: zrc.create(f"/zaken/{zaak['uuid']}/besluiten",
                                          {"besluit": remote.url("besluit")})["url"],
    }[kind]()
    resp = zrc.request(method, url, {} if method != "DELETE" else None)
    assert resp.status_code == 405, describe(resp)
    assert zrc.get(url, check=kind != "rol").status_code == 200


# ================================================================================================
# zaakeigenschappen (nested under the zaak)
# ================================================================================================
def test_zaakeigenschap_create_read_update_delete(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    base = f"/zaken/{zaak['uuid']}/zaakeigenschappen"
    ze = zrc.create(base, {"zaak": zaak["url"], "eigenschap": types.eigenschap, "waarde": "blauw"})
    assert ze["naam"] == types.eigenschap_body["naam"]
    assert ze["waarde"] == "blauw" and ze["zaak"] == zaak["url"] and ze["eigenschap"] == types.eigenschap
    assert ze["url"] == zrc.url(f"{base}/{ze['uuid']}")
    assert zrc.get(ze["url"]).json() == ze
    listed = zrc.get(base)
    assert listed.status_code == 200 and [x["url"] for x in listed.json()] == [ze["url"]]
    assert zaak_get(zrc, zaak["url"])["eigenschappen"] == [ze["url"]]

    put = zrc.put(ze["url"], {"zaak": zaak["url"], "eigenschap": types.eigenschap, "waarde": "groen"})
    assert put.status_code == 200, describe(put)
    assert put.json()["waarde"] == "groen" and put.json()["naam"] == ze["naam"]
    patch = zrc.patch(ze["url"], {"waarde": "rood"})
    assert patch.status_code == 200, describe(patch)
    assert zrc.get(ze["url"]).json()["waarde"] == "rood"

    resp = zrc.delete(ze["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(ze["url"]).status_code == 404
    assert zrc.get(base).json() == []
    assert zaak_get(zrc, zaak["url"])["eigenschappen"] == []


def test_zaakeigenschap_eigenschap_of_other_zaaktype(zrc, types, other):
    zaak = new_zaak(zrc, types.zaaktype)
    resp = zrc.post(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
                    {"zaak": zaak["url"], "eigenschap": other.eigenschap, "waarde": "x"})
    assert_problem(resp, 400, field="nonFieldErrors", code="zaaktype-mismatch")
    assert zaak_get(zrc, zaak["url"])["eigenschappen"] == []


def test_zaakeigenschap_eigenschap_cannot_change(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    ze = zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
                    {"zaak": zaak["url"], "eigenschap": types.eigenschap, "waarde": "x"})
    resp = zrc.put(ze["url"], {"zaak": zaak["url"], "eigenschap": types.eigenschap_2, "waarde": "x"})
    assert_problem(resp, 400, field="eigenschap", code="wijzigen-niet-toegelaten")
    assert zrc.get(ze["url"]).json()["eigenschap"] == types.eigenschap


def test_zaakeigenschap_belongs_to_its_zaak(zrc, types):
    zaak, zaak2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, types.zaaktype)
    ze = zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
                    {"zaak": zaak["url"], "eigenschap": types.eigenschap, "waarde": "x"})
    assert zrc.get(f"/zaken/{zaak2['uuid']}/zaakeigenschappen/{ze['uuid']}").status_code == 404
    assert zrc.get(f"/zaken/{zaak2['uuid']}/zaakeigenschappen").json() == []
    assert zrc.delete(f"/zaken/{zaak2['uuid']}/zaakeigenschappen/{ze['uuid']}").status_code == 404
    assert zrc.get(ze["url"]).status_code == 200
    # an unknown zaak
    assert zrc.get(f"/zaken/{uuidlib.uuid4()}/zaakeigenschappen/{ze['uuid']}").status_code == 404


# ================================================================================================
# zaakobjecten
# ================================================================================================
ZAAKOBJECT_VARIANTS = {
    "overige": lambda r: {"objectType": "overige", "objectTypeOverige": "boom",
                        "objectIdentificatie": {"overigeData": {"soort": "eik", "hoogte": 12}}},
    "adres": lambda r: {"objectType": "adres", "objectIdentificatie": {
        "identificatie": "0363200000" + digits(6), "wplWoonplaatsNaam": "Delft",
        "gorOpenbareRuimteNaam": "Markt", "huisnummer": 87, "huisletter": "a", "postcode": "2611GW"}},
    "pand-object": lambda r: {"objectType": "pand",
                            "object": r.url("pand")},
    "pand-identificatie": lambda r: {"objectType": "pand", "objectIdentificatie": {"identificatie": digits(16)}},
    "natuurlijk_persoon": lambda r: {"objectType": "natuurlijk_persoon",
                                   "objectIdentificatie": {"inpBsn": zs.bsn(), "geslachtsnaam": "Jansen"}},
}


@pytest.mark.parametrize("variant", list(ZAAKOBJECT_VARIANTS))
def test_zaakobject_variant(zrc, types, remote, variant):
    zaak = new_zaak(zrc, types.zaaktype)
    spec = ZAAKOBJECT_VARIANTS[variant](remote)
    body = {"zaak": zaak["url"], "relatieomschrijving": "betreft", **spec}
    zo = create_poly(zrc, "zaakobject", "/zaakobjecten", body)
    for k, v in spec.items():
        if k == "objectIdentificatie":
            for kk, vv in v.items():
                assert zo[k][kk] == vv, (kk, zo[k])
        else:
            assert zo[k] == v, (k, zo)
    assert zo["zaak"] == zaak["url"] and zo["relatieomschrijving"] == "betreft"
    detail = poly(zrc, "zaakobject", "GET", zo["url"])
    assert detail.status_code == 200 and detail.json() == zo
    assert zaak_get(zrc, zaak["url"])["zaakobjecten"] == [zo["url"]]
    listed = poly(zrc, "zaakobject", "GET", "/zaakobjecten",
                  params={"zaak": zaak["url"], "objectType": spec["objectType"]})
    assert urls(listed) == [zo["url"]] and listed.json()["count"] == 1
    if "object" in spec:
        assert urls(poly(zrc, "zaakobject", "GET", "/zaakobjecten", params={"object": spec["object"]})) \
            == [zo["url"]]


def test_zaakobjecten_list_filters(zrc, types, remote):
    zaak, zaak2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, types.zaaktype)
    obj = remote.url("pand")
    pand = create_poly(zrc, "zaakobject", "/zaakobjecten", {"zaak": zaak["url"], "objectType": "pand", "object": obj,
                                                            "objectIdentificatie": {"identificatie": "1"}})
    adres = create_poly(zrc, "zaakobject", "/zaakobjecten",
                        {"zaak": zaak["url"], **ZAAKOBJECT_VARIANTS["adres"](remote)})
    pand2 = create_poly(zrc, "zaakobject", "/zaakobjecten", {"zaak": zaak2["url"], "objectType": "pand", "object": obj,
                                                             "objectIdentificatie": {"identificatie": "1"}})

    def find(**params):
        return set(urls(poly(zrc, "zaakobject", "GET", "/zaakobjecten", params=params)))

    assert find(zaak=zaak["url"]) == {pand["url"], adres["url"]}
    assert find(zaak=zaak["url"], objectType="pand") == {pand["url"]}
    assert find(zaak=zaak["url"], objectType="adres") == {adres["url"]}
    assert find(zaak=zaak["url"], objectType="wegdeel") == set()
    assert find(object=obj) == {pand["url"], pand2["url"]}
    assert find(object=obj, zaak=zaak2["url"]) == {pand2["url"]}


def post_zaakobject(zrc, zaak, **body):
    return poly(zrc, "zaakobject", "POST", "/zaakobjecten", {"zaak": zaak["url"], **body})


def test_zaakobject_overige_needs_object_type_overige(zrc, types, remote):
    # Open Zaak: nonFieldErrors / missing-object-type-overige
    zaak = new_zaak(zrc, types.zaaktype)
    resp = post_zaakobject(zrc, zaak, objectType="overige", object=remote.url("object"),
                           objectIdentificatie={"overigeData": {"a": 1}})
    assert_problem(resp, 400, field="nonFieldErrors", code="missing-object-type-overige")
    assert zaak_get(zrc, zaak["url"])["zaakobjecten"] == []


def test_zaakobject_object_type_overige_only_for_overige(zrc, types, remote):
    # Open Zaak: nonFieldErrors / invalid-object-type-overige-usage
    zaak = new_zaak(zrc, types.zaaktype)
    resp = post_zaakobject(zrc, zaak, objectType="pand", objectTypeOverige="boom",
                           object=remote.url("pand"), objectIdentificatie={"identificatie": "1"})
    assert_problem(resp, 400, field="nonFieldErrors", code="invalid-object-type-overige-usage")
    assert zaak_get(zrc, zaak["url"])["zaakobjecten"] == []


def test_zaakobject_needs_object_or_identificatie(zrc, types):
    # Open Zaak: nonFieldErrors / invalid-zaakobject
    zaak = new_zaak(zrc, types.zaaktype)
    resp = zrc.post("/zaakobjecten", {"zaak": zaak["url"], "objectType": "pand"}, check=False)
    assert_problem(resp, 400, field="nonFieldErrors", code="invalid-zaakobject")
    assert zaak_get(zrc, zaak["url"])["zaakobjecten"] == []


def test_zaakobject_zaakobjecttype_of_the_zaaktype(zrc, types, other):
    zaak = new_zaak(zrc, types.zaaktype)
    ident = {"identificatie": digits(16)}
    resp = post_zaakobject(zrc, zaak, objectType="pand", objectIdentificatie=ident,
                           zaakobjecttype=other.zaakobjecttype)
    assert_problem(resp, 400, fields_any=["zaakobjecttype", "nonFieldErrors"])
    ok = post_zaakobject(zrc, zaak, objectType="pand", objectIdentificatie=ident, zaakobjecttype=types.zaakobjecttype)
    assert ok.status_code == 201, describe(ok)
    assert ok.json()["zaakobjecttype"] == types.zaakobjecttype
    assert zaak_get(zrc, zaak["url"])["zaakobjecten"] == [ok.json()["url"]]


def test_zaakobject_update_and_delete(zrc, types, remote):
    zaak = new_zaak(zrc, types.zaaktype)
    obj = remote.url("pand")
    pi = {"identificatie": digits(16)}
    zo = create_poly(zrc, "zaakobject", "/zaakobjecten", {"zaak": zaak["url"], "objectType": "pand", "object": obj,
                                                          "objectIdentificatie": pi, "relatieomschrijving": "eerst"})
    resp = poly(zrc, "zaakobject", "PATCH", zo["url"], {"relatieomschrijving": "daarna"})
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["relatieomschrijving"] == "daarna"
    resp = poly(zrc, "zaakobject", "PUT", zo["url"], {"zaak": zaak["url"], "objectType": "pand", "object": obj,
                                                       "objectIdentificatie": pi, "relatieomschrijving": "put"})
    assert resp.status_code == 200, describe(resp)
    assert poly(zrc, "zaakobject", "GET", zo["url"]).json()["relatieomschrijving"] == "put"
    resp = zrc.delete(zo["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(zo["url"]).status_code == 404
    assert zaak_get(zrc, zaak["url"])["zaakobjecten"] == []


@pytest.mark.parametrize("field", ["zaak", "object", "objectType"])
def test_zaakobject_zaak_object_and_objecttype_cannot_change(zrc, types, remote, field):
    # the OAS (PUT/PATCH /zaakobjecten/{uuid}): "De attributen zaak, object en objectType mogen niet gewijzigd
    # worden."
    zaak, zaak2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, types.zaaktype)
    obj = remote.url("pand")
    ident = {"identificatie": digits(16)}
    zo = create_poly(zrc, "zaakobject", "/zaakobjecten", {"zaak": zaak["url"], "objectType": "pand", "object": obj,
                                                          "objectIdentificatie": ident})
    change = {"zaak": zaak2["url"], "object": remote.url("pand"), "objectType": "wegdeel"}[field]
    resp = zrc.patch(zo["url"], {field: change}, check=False)  # a 2xx here is the bug: no OAS check
    assert_problem(resp, 400, field=field, code="wijzigen-niet-toegelaten")
    put = {"zaak": zaak["url"], "objectType": "pand", "object": obj, "objectIdentificatie": ident, field: change}
    resp = zrc.put(zo["url"], put, check=False)
    assert_problem(resp, 400, field=field, code="wijzigen-niet-toegelaten")
    after = poly(zrc, "zaakobject", "GET", zo["url"]).json()
    assert (after["zaak"], after["object"], after["objectType"]) == (zaak["url"], obj, "pand")
    assert zaak_get(zrc, zaak2["url"])["zaakobjecten"] == []


# ================================================================================================
# zaakinformatieobjecten
# ================================================================================================
def test_zio_create_read_list(zrc, types, remote):
    zaak, zaak2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, types.zaaktype)
    io = remote.eio()
    zio = zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": io, "titel": "Brief",
                                                  "beschrijving": "Ontvangen brief"})
    assert zio["zaak"] == zaak["url"] and zio["informatieobject"] == io
    assert zio["titel"] == "Brief" and zio["beschrijving"] == "Ontvangen brief"
    # zrc-004: aardRelatie "hoort_bij"; registratiedatum set by the system when created
    assert zio["aardRelatieWeergave"] == "Hoort bij, omgekeerd: kent"
    assert zio["registratiedatum"]
    assert zrc.get(zio["url"]).json() == zio
    assert zaak_get(zrc, zaak["url"])["zaakinformatieobjecten"] == [zio["url"]]

    # the same document at another zaak
    zio2 = zrc.create("/zaakinformatieobjecten", {"zaak": zaak2["url"], "informatieobject": io})
    assert urls(zrc.get("/zaakinformatieobjecten", params={"zaak": zaak["url"]})) == [zio["url"]]
    assert set(urls(zrc.get("/zaakinformatieobjecten", params={"informatieobject": io}))) == \
        {zio["url"], zio2["url"]}
    assert urls(zrc.get("/zaakinformatieobjecten", params={"informatieobject": io, "zaak": zaak2["url"]})) == \
        [zio2["url"]]
    assert urls(zrc.get("/zaakinformatieobjecten", params={"informatieobject": remote.eio()})) == []


def test_zio_registratiedatum_is_not_writable(zrc, types, remote):
    zaak = new_zaak(zrc, types.zaaktype)
    zio = zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": remote.eio(),
                                                  "registratiedatum": "2001-01-01T00:00:00Z"})
    assert not zio["registratiedatum"].startswith("2001"), zio


def test_zio_unique_per_zaak_and_informatieobject(zrc, types, remote):
    zaak = new_zaak(zrc, types.zaaktype)
    io = remote.eio()
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": io})
    resp = zrc.post("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": io})
    assert_problem(resp, 400, field="nonFieldErrors", code="unique")
    assert len(zaak_get(zrc, zaak["url"])["zaakinformatieobjecten"]) == 1


def test_zio_update_keeps_the_relation(zrc, types, remote):
    zaak, zaak2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, types.zaaktype)
    io = remote.eio()
    zio = zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": io, "titel": "a"})
    put = zrc.put(zio["url"], {"zaak": zaak["url"], "informatieobject": io, "titel": "b", "beschrijving": "c"})
    assert put.status_code == 200, describe(put)
    assert (put.json()["titel"], put.json()["beschrijving"]) == ("b", "c")
    assert put.json()["registratiedatum"] == zio["registratiedatum"]
    patch = zrc.patch(zio["url"], {"titel": "d"})
    assert patch.status_code == 200 and patch.json()["titel"] == "d", describe(patch)
    # zrc-004: the relation itself cannot change
    resp = zrc.put(zio["url"], {"zaak": zaak2["url"], "informatieobject": io})
    assert_problem(resp, 400, field="zaak", code="wijzigen-niet-toegelaten")
    resp = zrc.put(zio["url"], {"zaak": zaak["url"], "informatieobject": remote.eio()})
    assert_problem(resp, 400, field="informatieobject", code="wijzigen-niet-toegelaten")
    resp = zrc.patch(zio["url"], {"zaak": zaak2["url"]})
    assert_problem(resp, 400, field="zaak", code="wijzigen-niet-toegelaten")
    resp = zrc.patch(zio["url"], {"informatieobject": remote.eio()})
    assert_problem(resp, 400, field="informatieobject", code="wijzigen-niet-toegelaten")
    after = zrc.get(zio["url"]).json()
    assert (after["zaak"], after["informatieobject"], after["titel"]) == (zaak["url"], io, "d")
    assert zaak_get(zrc, zaak2["url"])["zaakinformatieobjecten"] == []


def test_zio_delete(zrc, types, remote):
    zaak = new_zaak(zrc, types.zaaktype)
    io = remote.eio()
    zio = zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": io})
    resp = zrc.delete(zio["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(zio["url"]).status_code == 404
    assert zaak_get(zrc, zaak["url"])["zaakinformatieobjecten"] == []
    assert urls(zrc.get("/zaakinformatieobjecten", params={"informatieobject": io})) == []
    # the relation can be made again
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": io})


@pytest.mark.parametrize("collection,field,kind,extra", [
    # zrc-003: "de URL-referentie naar het informatieobject [MOET] gevalideerd worden op het bestaan"
    ("zaakinformatieobjecten", "informatieobject", "eio", {}),
    # the OAS, POST /zaakobjecten: "Indien de object URL opgegeven is, dan moet deze een geldige response
    # (HTTP 200) geven."
    ("zaakobjecten", "object", "pand", {"objectType": "pand", "objectIdentificatie": {"identificatie": "1"}}),
    # the OAS, POST /zaakcontactmomenten and /zaakverzoeken: "geldigheid URL naar de CONTACTMOMENT / VERZOEK"
    ("zaakcontactmomenten", "contactmoment", "contactmoment", {}),
    ("zaakverzoeken", "verzoek", "verzoek", {}),
], ids=["zaakinformatieobject", "zaakobject", "zaakcontactmoment", "zaakverzoek"])
def test_referenced_url_must_resolve(zrc, types, remote, collection, field, kind, extra):
    zaak = new_zaak(zrc, types.zaaktype)
    resp = zrc.post(f"/{collection}", {"zaak": zaak["url"], field: remote.missing(kind), **extra}, check=False)
    assert_problem(resp, 400, field=field)
    listed = zrc.get(f"/{collection}", params={"zaak": zaak["url"]}, check=False).json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []


def test_zio_informatieobjecttype_must_belong_to_zaaktype(zrc, types, remote, api):
    """zrc-017: the document's informatieobjecttype must be one of the zaaktype's informatieobjecttypen."""
    f = zgw.Factory(api)
    foreign = f.informatieobjecttype(types.catalogus)["url"]
    f.publish(foreign)
    zaak = new_zaak(zrc, types.zaaktype)
    resp = zrc.post("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": remote.eio(iot=foreign)})
    assert_problem(resp, 400, code="missing-zaaktype-informatieobjecttype-relation")
    assert zaak_get(zrc, zaak["url"])["zaakinformatieobjecten"] == []


# ================================================================================================
# klantcontacten, zaakcontactmomenten, zaakverzoeken, zaakbesluiten
# ================================================================================================
def test_klantcontact_identificatie_generated(zrc, types):
    """identificatie is generated when not given: unique, and within the OAS (maxLength 14; the response
    contract check fails on a longer one)."""
    zaak = new_zaak(zrc, types.zaaktype)
    kc = zrc.create("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2026-01-20T09:30:00Z"})
    kc2 = zrc.create("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2026-01-21T09:30:00Z"})
    assert kc["identificatie"] and kc2["identificatie"] and kc2["identificatie"] != kc["identificatie"]
    assert len(kc["identificatie"]) <= 14


def test_klantcontacten(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    kc = zrc.create("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2026-01-20T09:30:00Z",
                                         "identificatie": "KC-" + digits(6), "kanaal": "telefoon",
                                         "onderwerp": "Vraag", "toelichting": "Belde"})
    assert (kc["kanaal"], kc["onderwerp"], kc["toelichting"]) == ("telefoon", "Vraag", "Belde")
    kc2 = zrc.create("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2026-01-21T09:30:00Z",
                                          "identificatie": "KC-" + digits(6)})
    own = "KC-" + digits(6)
    kc3 = zrc.create("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2026-01-22T09:30:00Z",
                                          "identificatie": own})
    assert kc3["identificatie"] == own
    assert zrc.get(kc["url"]).json() == kc
    page = zrc.get("/klantcontacten", params={"zaak": zaak["url"]}).json()
    assert page["count"] == 3 and {k["url"] for k in page["results"]} == {kc["url"], kc2["url"], kc3["url"]}


def test_klantcontact_identificatie_max_length(zrc, types):
    zaak = new_zaak(zrc, types.zaaktype)
    resp = zrc.post("/klantcontacten", {"zaak": zaak["url"], "datumtijd": "2026-01-20T09:30:00Z",
                                        "identificatie": "X" * 15})
    assert_problem(resp, 400, field="identificatie")


@pytest.mark.parametrize("collection,field", [("zaakcontactmomenten", "contactmoment"),
                                              ("zaakverzoeken", "verzoek")])
def test_zaak_relations(zrc, types, remote, collection, field):
    zaak, zaak2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, types.zaaktype)
    target = remote.url(field)
    rel = zrc.create(f"/{collection}", {"zaak": zaak["url"], field: target})
    rel2 = zrc.create(f"/{collection}", {"zaak": zaak2["url"], field: target})
    assert rel["zaak"] == zaak["url"] and rel[field] == target
    assert rel["url"].endswith(f"/{collection}/{rel['uuid']}")
    assert zrc.get(rel["url"]).json() == rel
    assert urls(zrc.get(f"/{collection}", params={"zaak": zaak["url"]})) == [rel["url"]]
    assert set(urls(zrc.get(f"/{collection}", params={field: target}))) == {rel["url"], rel2["url"]}
    assert urls(zrc.get(f"/{collection}", params={field: target, "zaak": zaak2["url"]})) == [rel2["url"]]
    resp = zrc.delete(rel["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(rel["url"]).status_code == 404
    assert urls(zrc.get(f"/{collection}", params={field: target})) == [rel2["url"]]


def test_zaakbesluiten(zrc, types, remote):
    zaak, zaak2 = new_zaak(zrc, types.zaaktype), new_zaak(zrc, types.zaaktype)
    base = f"/zaken/{zaak['uuid']}/besluiten"
    besluit = remote.url("besluit")
    zb = zrc.create(base, {"besluit": besluit})
    assert zb["besluit"] == besluit and zb["url"] == zrc.url(f"{base}/{zb['uuid']}")
    assert zrc.get(zb["url"]).json() == zb
    assert [x["url"] for x in zrc.get(base).json()] == [zb["url"]]
    assert zrc.get(f"/zaken/{zaak2['uuid']}/besluiten").json() == []
    assert zrc.get(f"/zaken/{zaak2['uuid']}/besluiten/{zb['uuid']}").status_code == 404
    resp = zrc.delete(zb["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(zb["url"]).status_code == 404
    assert zrc.get(base).json() == []


# ================================================================================================
# the zaak's derived fields, and deleting a zaak (zrc-023)
# ================================================================================================
def full_zaak(zrc, types, other, remote):
    """A zaak with one of everything under it; returns (zaak, {kind: [urls]})."""
    zaak = new_zaak(zrc, types.zaaktype)
    z = zaak["url"]
    made = {
        "status": [zrc.create("/statussen", zs.status_payload(z, types.statustype_1))["url"]],
        "resultaat": [zrc.create("/resultaten", {"zaak": z, "resultaattype": types.resultaattype})["url"]],
        "rol": [create_poly(zrc, "rol", "/rollen", rol_body(z, types.roltype))["url"],
                create_poly(zrc, "rol", "/rollen", rol_body(z, types.roltype_behandelaar, "medewerker"))["url"]],
        "zaakeigenschap": [zrc.create(f"/zaken/{zaak['uuid']}/zaakeigenschappen",
                                      {"zaak": z, "eigenschap": types.eigenschap, "waarde": "x"})["url"]],
        "zaakobject": [create_poly(zrc, "zaakobject", "/zaakobjecten",
                                   {"zaak": z, **ZAAKOBJECT_VARIANTS["adres"](remote)})["url"]],
        "zaakinformatieobject": [zrc.create("/zaakinformatieobjecten",
                                            {"zaak": z, "informatieobject": remote.eio()})["url"]],
        "klantcontact": [zrc.create("/klantcontacten", {"zaak": z, "datumtijd": "2026-01-20T09:30:00Z",
                                                        "identificatie": "KC-" + digits(8)})["url"]],
        "zaakcontactmoment": [zrc.create("/zaakcontactmomenten", {
            "zaak": z, "contactmoment": remote.url("contactmoment")})["url"]],
        "zaakverzoek": [zrc.create("/zaakverzoeken", {
            "zaak": z, "verzoek": remote.url("verzoek")})["url"]],
        "zaakbesluit": [zrc.create(f"/zaken/{zaak['uuid']}/besluiten", {
            "besluit": remote.url("besluit")})["url"]],
    }
    return zaak, made


def test_zaak_derived_fields_list_its_objects(zrc, types, other, remote):
    zaak, made = full_zaak(zrc, types, other, remote)
    deel = new_zaak(zrc, other.zaaktype, hoofdzaak=zaak["url"])
    got = zaak_get(zrc, zaak["url"])
    assert got["status"] == made["status"][0]
    assert got["resultaat"] == made["resultaat"][0]
    assert sorted(got["rollen"]) == sorted(made["rol"])
    assert got["eigenschappen"] == made["zaakeigenschap"]
    assert got["zaakobjecten"] == made["zaakobject"]
    assert got["zaakinformatieobjecten"] == made["zaakinformatieobject"]
    assert got["deelzaken"] == [deel["url"]]
    assert zaak_get(zrc, deel["url"])["hoofdzaak"] == zaak["url"]
    # the list shows the same derived fields
    listed = zrc.get("/zaken", params={"zaaktype": types.zaaktype, "identificatie": zaak["identificatie"]}).json()
    assert listed["count"] == 1
    item = listed["results"][0]
    for key in ("status", "resultaat", "eigenschappen", "zaakobjecten", "zaakinformatieobjecten", "deelzaken"):
        assert item[key] == got[key], key
    assert sorted(item["rollen"]) == sorted(got["rollen"])
    # a fresh zaak has none
    empty = zaak_get(zrc, new_zaak(zrc, types.zaaktype)["url"])
    assert (empty["status"], empty["resultaat"]) == (None, None)
    for key in ("rollen", "eigenschappen", "zaakobjecten", "zaakinformatieobjecten", "deelzaken"):
        assert empty[key] == [], key


def test_delete_zaak_removes_all_its_objects(zrc, types, other, remote):
    zaak, made = full_zaak(zrc, types, other, remote)
    keep, keep_made = full_zaak(zrc, types, other, remote)
    resp = zrc.delete(zaak["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(zaak["url"]).status_code == 404
    for kind, object_urls in made.items():
        for url in object_urls:
            assert zrc.get(url, check=kind not in ("rol", "zaakobject")).status_code == 404, (kind, url)
    z = zaak["url"]
    for collection in ("statussen", "resultaten", "rollen", "zaakobjecten", "zaakinformatieobjecten",
                       "klantcontacten", "zaakcontactmomenten", "zaakverzoeken"):
        resp = zrc.get(f"/{collection}", params={"zaak": z}, check=collection not in ("rollen", "zaakobjecten"))
        assert results(resp) == [], collection
    nested = zrc.get(f"/zaken/{zaak['uuid']}/zaakeigenschappen")
    assert nested.status_code == 404 or nested.json() == []
    # the other zaak is untouched
    assert zrc.get(keep["url"]).status_code == 200
    for kind, object_urls in keep_made.items():
        for url in object_urls:
            assert zrc.get(url, check=kind not in ("rol", "zaakobject")).status_code == 200, (kind, url)


def test_delete_zaak_removes_its_audit_trail(zrc, types):
    """zrc-023: `audittrail - de geschiedenis van het object` is among what deleting a zaak removes."""
    zaak = new_zaak(zrc, types.zaaktype)
    zrc.create("/statussen", zs.status_payload(zaak["url"], types.statustype_1))
    trail = zrc.get(f"/zaken/{zaak['uuid']}/audittrail", check=False)
    assert trail.status_code == 200 and len(trail.json()) >= 2, describe(trail)
    one = trail.json()[0]["uuid"]
    assert zrc.delete(zaak["url"]).status_code == 204
    after = zrc.get(f"/zaken/{zaak['uuid']}/audittrail", check=False)
    assert after.status_code == 404 or after.json() == [], describe(after)
    assert zrc.get(f"/zaken/{zaak['uuid']}/audittrail/{one}", check=False).status_code == 404


def test_delete_hoofdzaak_removes_its_deelzaken(zrc, types, other):
    """zrc-023: deleting a zaak removes `de deelzaken van de verwijderde hoofdzaak`; a deelzaak can be deleted
    without its hoofdzaak."""
    hoofd = new_zaak(zrc, types.zaaktype)
    deel1 = new_zaak(zrc, other.zaaktype, hoofdzaak=hoofd["url"])
    deel2 = new_zaak(zrc, other.zaaktype, hoofdzaak=hoofd["url"])
    rol = create_poly(zrc, "rol", "/rollen", rol_body(deel2["url"], other.roltype_behandelaar))
    assert zrc.delete(deel1["url"]).status_code == 204
    assert zaak_get(zrc, hoofd["url"])["deelzaken"] == [deel2["url"]]
    resp = zrc.delete(hoofd["url"])
    assert resp.status_code == 204, describe(resp)
    assert zrc.get(hoofd["url"]).status_code == 404
    assert zrc.get(deel2["url"]).status_code == 404
    assert zrc.get(rol["url"], check=False).status_code == 404


def test_zrc022_archiving_needs_archived_documents(zrc, types, remote):
    """zrc-022: archiefstatus other than nog_te_archiveren only when every linked document is archived; each
    document is asked for its status."""
    zaak = new_zaak(zrc, types.zaaktype, archiefnominatie="vernietigen", archiefactiedatum="2040-01-01")
    doc = remote.eio()
    zrc.create("/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": doc})
    resp = zrc.patch(zaak["url"], {"archiefstatus": "gearchiveerd"})
    assert_problem(resp, 400, field="archiefstatus", code="documents-not-archived")

    remote.status_of[doc.rsplit("/", 1)[1]] = "gearchiveerd"
    resp = zrc.patch(zaak["url"], {"archiefstatus": "gearchiveerd"})
    assert resp.status_code == 200, zgw.describe(resp)
    assert resp.json()["archiefstatus"] == "gearchiveerd"
