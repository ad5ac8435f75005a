"""Shared helpers of the API suite: error codes, reference data, JWTs, the HTTP client, payload
builders and assertion helpers.  Imported by conftest.py and the test modules."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
import random
import time
import uuid as uuidlib

import requests

import contract

# ---------------------------------------------------------------------------------------------
# Error codes the suite asserts on.  Only codes that the spec or Open Zaak (the reference the OAS
# was taken from) fixes are listed; align them here if the chosen wording changes.
# ---------------------------------------------------------------------------------------------
ERROR_CODES = {
    # DRF / vng-api-common field validation, as Open Zaak returns them
    "required": "required",
    "max_length": "max_length",
    "invalid_choice": "invalid_choice",
    # unknown query parameter (vng-api-common CheckQueryParamsMixin)
    "unknown_parameters": "unknown-parameters",
    # ztc-009: PUT/PATCH/DELETE of a published (concept=false) zaaktype/informatieobjecttype/besluittype
    "non_concept_object": "non-concept-object",
    # ztc-010/011a: change/create/delete of an object whose zaaktype is published
    "non_concept_zaaktype": "non-concept-zaaktype",
    # ztc-010 (ZIOT): zaaktype and informatieobjecttype both published
    "non_concept_relation": "non-concept-relation",
    # ztc-012: publish a zaaktype with concept besluittypen/informatieobjecttypen
    "concept_relation": "concept-relation",
    # overlapping geldigheid of zaaktype versions (same identificatie, same catalogus)
    "overlap": "overlap",
    # ztc-013: relation to an object of another catalogus
    "relations_incorrect_catalogus": "relations-incorrect-catalogus",
    # ztc-002: selectielijstklasse not of the zaaktype's selectielijstProcestype
    "procestype_mismatch": "procestype-mismatch",
    # ztc-003
    "invalid_afleidingswijze": "invalid-afleidingswijze-for-procestermijn",
    # ztc-004 .. ztc-008
    "must_be_empty": "must-be-empty",
    "required_for_afleidingswijze": "required",
}

CAT = "/catalogi/api/v1"
REF = "/referentielijsten/api/v1"

# ---------------------------------------------------------------------------------------------
# Selectielijst 2020 reference data (shared/data/selectielijst) the tests refer to by UUID.
# ---------------------------------------------------------------------------------------------
PROCESTYPE_1 = "e1b73b12-b2f6-4c4e-8929-94f84dd2a57d"   # nr 1 "Instellen en inrichten organisatie" (2017)
PROCESTYPE_2 = "96eae691-077f-4fd6-ad66-950b9b714880"   # nr 2 "Beleid en regelgeving opstellen"
PROCESTYPE_15 = "2f296607-9faa-41e1-800f-e8fcaf55b9c8"  # nr 15 "Onderhouden en repareren"
PROCESTYPE_2020_1 = "81e049e5-b154-4368-b47c-3e2438f82726"  # nr 1, jaar 2020
# resultaten of procestype 1
RESULTAAT_NIHIL = "6711baff-798b-4c7f-9133-8ad02c8b7c6f"   # vernietigen, procestermijn nihil, bewaartermijn P10Y
RESULTAAT_NIHIL_P5Y = "dd0d2c5c-3e09-4426-8516-4d848a069dd0"  # vernietigen, nihil, P5Y
RESULTAAT_BLANK = "6d37598e-30f0-4aef-930d-3e1690725d95"   # blijvend_bewaren, procestermijn '', no bewaartermijn
# resultaat of procestype 2
RESULTAAT_PT2 = "cd632fee-1f5a-4a4b-bc18-bcd5846c883a"     # vernietigen, bestaansduur_procesobject, P10Y
# resultaat of procestype 15
RESULTAAT_INGESCHAT = "59596a33-c8db-4aa7-bb81-140cb29bb42a"  # vernietigen, ingeschatte_bestaansduur_procesobject, P5Y
RESULTAATTYPEOMSCHRIJVING_TOEGEKEND = "fb65d251-1518-4185-865f-b8bdcfad07b1"  # "Toegekend"
RESULTAATTYPEOMSCHRIJVING_AFGEWEZEN = "e6a0c939-3404-45b0-88e3-76c94fb80ea7"  # "Afgewezen"

# resource name (URL path segment) -> lower-case singular used in messages
RESOURCES = [
    "catalogussen", "zaaktypen", "statustypen", "roltypen", "resultaattypen", "eigenschappen",
    "informatieobjecttypen", "besluittypen", "zaakobjecttypen", "zaaktype-informatieobjecttypen",
]


# ---------------------------------------------------------------------------------------------
# small utilities
# ---------------------------------------------------------------------------------------------
def uniq(prefix: str = "t", n: int = 8) -> str:
    return f"{prefix}{uuidlib.uuid4().hex[:n]}"


def rsin() -> str:
    """A random RSIN that passes the elfproef (9 digits)."""
    while True:
        digits = [random.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1)))
        last = total % 11  # total - last*1 must be divisible by 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)


def domein() -> str:
    return "".join(random.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5))


def uuid_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def make_jwt(client_id: str, secret: str, **claims) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    header = {"alg": "HS256", "typ": "JWT"}
    payload = {
        "iss": client_id,
        "iat": int(time.time()),
        "client_id": client_id,
        "user_id": "api-test",
        "user_representation": "API test suite",
    }
    payload.update(claims)
    signing_input = b64(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64(json.dumps(payload, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(sig)


# ---------------------------------------------------------------------------------------------
# HTTP client
# ---------------------------------------------------------------------------------------------
class Api:
    """HTTP client for one server and one client (JWT).  Every response is checked against the OAS
    (contract.py) unless check=False is passed to the call."""

    def __init__(self, base_url: str, client_id: str | None = None, secret: str | None = None,
                 session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.secret = secret
        self.session = session or requests.Session()

    def as_client(self, client_id, secret) -> "Api":
        return Api(self.base_url, client_id, secret, self.session)

    def anonymous(self) -> "Api":
        return Api(self.base_url, None, None, self.session)

    # URLs -------------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        """Absolute URL; bare resource paths (/zaaktypen...) go to the Catalogi API."""
        if path.startswith("http://") or path.startswith("https://"):
            return path
        if not path.startswith("/"):
            path = "/" + path
        first = path.split("/")[1].split("?")[0]
        if first in RESOURCES:
            return self.base_url + CAT + path
        return self.base_url + path

    def cat(self, path: str) -> str:
        return self.base_url + CAT + path

    def ref(self, path: str) -> str:
        return self.base_url + REF + path

    def procestype(self, uuid: str) -> str:
        return self.ref(f"/procestypen/{uuid}")

    def resultaat(self, uuid: str) -> str:
        return self.ref(f"/resultaten/{uuid}")

    def resultaattypeomschrijving(self, uuid: str) -> str:
        return self.ref(f"/resultaattypeomschrijvingen/{uuid}")

    # requests ---------------------------------------------------------------------------------
    def token(self) -> str | None:
        if self.client_id is None:
            return None
        return make_jwt(self.client_id, self.secret)

    def request(self, method, path, json_body=None, *, params=None, headers=None, data=None,
                check=True, auth=True, timeout=30):
        hdrs = {"Accept": "application/json"}
        if auth and self.client_id is not None:
            hdrs["Authorization"] = f"Bearer {self.token()}"
        if method in ("POST", "PUT", "PATCH"):
            hdrs["Content-Type"] = "application/json"
        if json_body is not None:
            data = json.dumps(json_body)
        if headers:
            hdrs.update(headers)
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        resp = self.session.request(method, self.url(path), params=params, data=data, headers=hdrs,
                                    timeout=timeout, allow_redirects=False)
        if check:
            contract.check_response(resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def publish(self, url, **kw):
        """POST <url>/publish (no request body, as the OAS says)."""
        return self.request("POST", url.rstrip("/") + "/publish", **kw)

    def list_all(self, path, params=None):
        """All results of a (paginated) list, following `next`."""
        out = []
        resp = self.get(path, params=params)
        assert resp.status_code == 200, describe(resp)
        while True:
            body = resp.json()
            out.extend(body["results"])
            if not body.get("next"):
                return out
            resp = self.get(body["next"])
            assert resp.status_code == 200, describe(resp)


def describe(resp) -> str:
    body = resp.text
    if len(body) > 1500:
        body = body[:1500] + "..."
    return f"{resp.request.method} {resp.request.url} -> {resp.status_code}: {body}"


# ---------------------------------------------------------------------------------------------
# assertions
# ---------------------------------------------------------------------------------------------
def assert_status(resp, status):
    assert resp.status_code == status, describe(resp)


def assert_problem(resp, status, field=None, code=None, fields_any=None):
    """ZGW error (application/problem+json) with `status`; with `field`: invalidParams names it;
    with `code`: that param (or, without field, some param or the top-level code) has that code."""
    assert resp.status_code == status, describe(resp)
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
    assert ctype == "application/problem+json", f"content type {ctype!r}; " + describe(resp)
    body = resp.json()
    for key in ("type", "code", "title", "status", "detail", "instance"):
        assert key in body, f"problem body lacks {key!r}: {body}"
    assert body["status"] == status, body
    params = body.get("invalidParams") or []
    if status == 400:
        assert isinstance(body.get("invalidParams"), list), f"400 without invalidParams: {body}"
    names = [p.get("name") for p in params]
    if fields_any is not None:
        assert set(names) & set(fields_any), f"expected one of {fields_any} in invalidParams {names}: {body}"
    if field is not None:
        assert field in names, f"expected invalidParams name {field!r}, got {names}: {body}"
        if code is not None:
            codes = [p.get("code") for p in params if p.get("name") == field]
            assert code in codes, f"expected code {code!r} for {field!r}, got {codes}: {body}"
    elif code is not None:
        codes = [p.get("code") for p in params] + [body.get("code")]
        assert code in codes, f"expected code {code!r}, got {codes}: {body}"
    return body


def problem_params(resp):
    try:
        return resp.json().get("invalidParams") or []
    except ValueError:
        return []


# ---------------------------------------------------------------------------------------------
# payload builders (minimal valid requests, from the OAS *Request schemas)
# ---------------------------------------------------------------------------------------------
def catalogus_payload(**over):
    body = {
        "domein": domein(),
        "rsin": rsin(),
        "contactpersoonBeheerNaam": "Beheerder Test",
        "naam": uniq("Catalogus "),
        "versie": "1",
        "begindatumVersie": "2024-01-01",
    }
    body.update(over)
    return body


def zaaktype_payload(api: Api, catalogus: str, **over):
    body = {
        "identificatie": uniq("ZT-"),
        "omschrijving": uniq("Zaaktype "),
        "vertrouwelijkheidaanduiding": "openbaar",
        "doel": "Testdoel",
        "aanleiding": "Testaanleiding",
        "indicatieInternOfExtern": "extern",
        "handelingInitiator": "aanvragen",
        "onderwerp": "Testonderwerp",
        "handelingBehandelaar": "behandelen",
        "doorlooptijd": "P30D",
        "opschortingEnAanhoudingMogelijk": False,
        "verlengingMogelijk": False,
        "publicatieIndicatie": False,
        "productenOfDiensten": [],
        "selectielijstProcestype": api.procestype(PROCESTYPE_1),
        "referentieproces": {"naam": "Referentieproces test"},
        "verantwoordelijke": "Afdeling test",
        "catalogus": catalogus,
        "besluittypen": [],
        "gerelateerdeZaaktypen": [],
        "beginGeldigheid": "2024-01-01",
        "versiedatum": "2024-01-01",
    }
    body.update(over)
    return body


def statustype_payload(zaaktype, **over):
    body = {"omschrijving": uniq("Status "), "volgnummer": 1, "zaaktype": zaaktype}
    body.update(over)
    return body


def roltype_payload(zaaktype, **over):
    body = {"omschrijving": uniq("Rol "), "omschrijvingGeneriek": "behandelaar", "zaaktype": zaaktype}
    body.update(over)
    return body


def resultaattype_payload(api: Api, zaaktype, **over):
    body = {
        "zaaktype": zaaktype,
        "omschrijving": uniq("Res ", 10),
        "resultaattypeomschrijving": api.resultaattypeomschrijving(RESULTAATTYPEOMSCHRIJVING_TOEGEKEND),
        "selectielijstklasse": api.resultaat(RESULTAAT_NIHIL),
        "brondatumArchiefprocedure": {"afleidingswijze": "afgehandeld"},
    }
    body.update(over)
    return body


def eigenschap_payload(zaaktype, **over):
    body = {
        "naam": uniq("eig", 10),
        "definitie": "Een testeigenschap",
        "specificatie": {"formaat": "tekst", "lengte": "20", "kardinaliteit": "1"},
        "zaaktype": zaaktype,
    }
    body.update(over)
    return body


def zaakobjecttype_payload(zaaktype, **over):
    body = {
        "anderObjecttype": False,
        "objecttype": "http://objecttypen.example.com/api/v2/objecttypes/" + str(uuidlib.uuid4()),
        "relatieOmschrijving": uniq("Relatie "),
        "zaaktype": zaaktype,
    }
    body.update(over)
    return body


def informatieobjecttype_payload(catalogus, **over):
    body = {
        "catalogus": catalogus,
        "omschrijving": uniq("IOT "),
        "vertrouwelijkheidaanduiding": "openbaar",
        "beginGeldigheid": "2024-01-01",
        "informatieobjectcategorie": "Testcategorie",
    }
    body.update(over)
    return body


def besluittype_payload(catalogus, **over):
    body = {
        "catalogus": catalogus,
        "omschrijving": uniq("Besluittype "),
        "beginGeldigheid": "2024-01-01",
        "publicatieIndicatie": False,
        "informatieobjecttypen": [],
    }
    body.update(over)
    return body


def ziot_payload(zaaktype, informatieobjecttype, **over):
    body = {
        "zaaktype": zaaktype,
        "informatieobjecttype": informatieobjecttype,
        "volgnummer": 1,
        "richting": "inkomend",
    }
    body.update(over)
    return body


class Factory:
    """Creates resources through the API (asserting 201) and returns the response bodies."""

    def __init__(self, api: Api):
        self.api = api

    def _create(self, path, body):
        resp = self.api.post(path, body)
        assert resp.status_code == 201, describe(resp)
        return resp.json()

    def catalogus(self, **over):
        return self._create("/catalogussen", catalogus_payload(**over))

    def zaaktype(self, catalogus=None, **over):
        catalogus = catalogus or self.catalogus()["url"]
        return self._create("/zaaktypen", zaaktype_payload(self.api, catalogus, **over))

    def statustype(self, zaaktype=None, **over):
        zaaktype = zaaktype or self.zaaktype()["url"]
        return self._create("/statustypen", statustype_payload(zaaktype, **over))

    def roltype(self, zaaktype=None, **over):
        zaaktype = zaaktype or self.zaaktype()["url"]
        return self._create("/roltypen", roltype_payload(zaaktype, **over))

    def resultaattype(self, zaaktype=None, **over):
        zaaktype = zaaktype or self.zaaktype()["url"]
        return self._create("/resultaattypen", resultaattype_payload(self.api, zaaktype, **over))

    def eigenschap(self, zaaktype=None, **over):
        zaaktype = zaaktype or self.zaaktype()["url"]
        return self._create("/eigenschappen", eigenschap_payload(zaaktype, **over))

    def zaakobjecttype(self, zaaktype=None, **over):
        zaaktype = zaaktype or self.zaaktype()["url"]
        return self._create("/zaakobjecttypen", zaakobjecttype_payload(zaaktype, **over))

    def informatieobjecttype(self, catalogus=None, **over):
        catalogus = catalogus or self.catalogus()["url"]
        return self._create("/informatieobjecttypen", informatieobjecttype_payload(catalogus, **over))

    def besluittype(self, catalogus=None, **over):
        catalogus = catalogus or self.catalogus()["url"]
        return self._create("/besluittypen", besluittype_payload(catalogus, **over))

    def ziot(self, zaaktype, informatieobjecttype, **over):
        return self._create("/zaaktype-informatieobjecttypen",
                            ziot_payload(zaaktype, informatieobjecttype, **over))

    def publish(self, url):
        resp = self.api.publish(url)
        assert resp.status_code == 200, describe(resp)
        body = resp.json()
        assert body["concept"] is False, body
        return body

    def published_zaaktype(self, catalogus=None, **over):
        zt = self.zaaktype(catalogus, **over)
        return self.publish(zt["url"])

    def child(self, kind, zaaktype, **over):
        """Create a child object of `kind` (statustypen, roltypen, ...) for `zaaktype`."""
        maker = {
            "statustypen": self.statustype,
            "roltypen": self.roltype,
            "resultaattypen": self.resultaattype,
            "eigenschappen": self.eigenschap,
            "zaakobjecttypen": self.zaakobjecttype,
        }[kind]
        return maker(zaaktype, **over)


CHILD_PAYLOADS = {
    "statustypen": lambda api, zt, **kw: statustype_payload(zt, **kw),
    "roltypen": lambda api, zt, **kw: roltype_payload(zt, **kw),
    "resultaattypen": lambda api, zt, **kw: resultaattype_payload(api, zt, **kw),
    "eigenschappen": lambda api, zt, **kw: eigenschap_payload(zt, **kw),
    "zaakobjecttypen": lambda api, zt, **kw: zaakobjecttype_payload(zt, **kw),
}

# a field of each child type that PUT/PATCH tests change, with a new valid value
CHILD_EDIT = {
    "statustypen": ("omschrijving", "Gewijzigd"),
    "roltypen": ("omschrijving", "Gewijzigde rol"),
    "resultaattypen": ("toelichting", "Gewijzigde toelichting"),
    "eigenschappen": ("definitie", "Gewijzigde definitie"),
    "zaakobjecttypen": ("relatieOmschrijving", "Gewijzigde relatie"),
}

# writable fields of a response that a PUT may send back (the *Request schema's properties)
_REQUEST_FIELDS = {}


def request_fields(kind: str):
    """Property names of the OAS request schema for a resource (to build PUT bodies from GETs)."""
    if kind in _REQUEST_FIELDS:
        return _REQUEST_FIELDS[kind]
    names = {
        "catalogussen": "CatalogusRequest", "zaaktypen": "ZaakTypeRequest",
        "statustypen": "StatusTypeRequest", "roltypen": "RolTypeRequest",
        "resultaattypen": "ResultaatTypeRequest", "eigenschappen": "EigenschapRequest",
        "informatieobjecttypen": "InformatieObjectTypeRequest", "besluittypen": "BesluitTypeRequest",
        "zaakobjecttypen": "ZaakObjectTypeRequest",
        "zaaktype-informatieobjecttypen": "ZaakTypeInformatieObjectTypeRequest",
    }
    # The copy of the OAS that Thorbecke embeds (always in the repository, unlike ../shared).
    oas = Path(__file__).resolve().parents[2] / "src" / "catalogi" / "openapi.json"
    with open(oas, encoding="utf-8") as fh:
        schemas = json.load(fh)["components"]["schemas"]
    fields = set(schemas[names[kind]].get("properties", {}))
    _REQUEST_FIELDS[kind] = fields
    return fields


def put_body(kind: str, current: dict, **changes):
    """A PUT body: the writable fields of `current` plus `changes`."""
    fields = request_fields(kind)
    if fields is None:
        readonly = {"url", "concept", "catalogus" if kind not in ("zaaktypen", "informatieobjecttypen", "besluittypen") else "_",
                    "beginObject", "eindeObject", "zaaktypeIdentificatie", "isEindstatus",
                    "omschrijvingGeneriek" if kind == "resultaattypen" else "_",
                    "statustypen", "resultaattypen", "eigenschappen", "informatieobjecttypen", "roltypen",
                    "zaakobjecttypen", "besluittypeOmschrijving", "informatieobjecttypeOmschrijving",
                    "vastgelegdIn", "resultaattypenOmschrijving", "zaaktypen"}
        body = {k: v for k, v in current.items() if k not in readonly}
    else:
        body = {k: v for k, v in current.items() if k in fields}
    # read-only values that come back empty-string/None but are not valid as input are dropped
    for key in ("broncatalogus", "bronzaaktype"):
        if key in body and (body[key] is None or not any((body[key] or {}).values())):
            body.pop(key)
    body.update(changes)
    return body
