"""Self-checks of the suite (no server needed): the payload builders produce requests that the OAS
request schemas accept, and the response checker in contract.py accepts/rejects what it should."""

import json

import pytest
import requests

import contract
import zgw

pytestmark = pytest.mark.skipif(not contract.checker().enabled, reason="specs folder absent")

BASE = "http://127.0.0.1:1"
API = zgw.Api(BASE)
CAT_URL = BASE + zgw.CAT + "/catalogussen/5a1c0d2e-0f5e-4c52-9b4e-2f8d0a7e1b11"
ZT_URL = BASE + zgw.CAT + "/zaaktypen/5a1c0d2e-0f5e-4c52-9b4e-2f8d0a7e1b12"
IOT_URL = BASE + zgw.CAT + "/informatieobjecttypen/5a1c0d2e-0f5e-4c52-9b4e-2f8d0a7e1b13"

PAYLOADS = {
    "CatalogusRequest": lambda: zgw.catalogus_payload(),
    "ZaakTypeRequest": lambda: zgw.zaaktype_payload(API, CAT_URL),
    "StatusTypeRequest": lambda: zgw.statustype_payload(ZT_URL),
    "RolTypeRequest": lambda: zgw.roltype_payload(ZT_URL),
    "ResultaatTypeRequest": lambda: zgw.resultaattype_payload(API, ZT_URL),
    "EigenschapRequest": lambda: zgw.eigenschap_payload(ZT_URL),
    "ZaakObjectTypeRequest": lambda: zgw.zaakobjecttype_payload(ZT_URL),
    "InformatieObjectTypeRequest": lambda: zgw.informatieobjecttype_payload(CAT_URL),
    "BesluitTypeRequest": lambda: zgw.besluittype_payload(CAT_URL),
    "ZaakTypeInformatieObjectTypeRequest": lambda: zgw.ziot_payload(ZT_URL, IOT_URL),
}


def _spec():
    spec, _ = contract.checker()._spec_for(zgw.CAT)
    return spec


@pytest.mark.parametrize("schema", sorted(PAYLOADS))
def test_payload_builders_match_request_schemas(schema):
    spec = _spec()
    validator = spec.validator({"$ref": f"#/components/schemas/{schema}"})
    errors = list(validator.iter_errors(PAYLOADS[schema]()))
    assert not errors, [e.message for e in errors]


def _fake(method, path, status, body, ctype="application/json"):
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps(body).encode() if body is not None else b""
    resp.headers["Content-Type"] = ctype
    req = requests.Request(method, BASE + path).prepare()
    resp.request = req
    resp.url = req.url
    return resp


def _catalogus():
    return {"url": CAT_URL, "domein": "ABCDE", "rsin": "123456782", "contactpersoonBeheerNaam": "x",
            "zaaktypen": [], "besluittypen": [], "informatieobjecttypen": [], "begindatumVersie": None}


def test_checker_accepts_valid_detail():
    contract.check_response(_fake("GET", zgw.CAT + "/catalogussen/abc", 200, _catalogus()))


def test_checker_accepts_nullable():
    body = _catalogus()
    body["begindatumVersie"] = None
    contract.check_response(_fake("GET", zgw.CAT + "/catalogussen/abc", 200, body))


def test_checker_rejects_missing_required():
    body = _catalogus()
    del body["rsin"]
    with pytest.raises(contract.ContractError):
        contract.check_response(_fake("GET", zgw.CAT + "/catalogussen/abc", 200, body))


def test_checker_rejects_wrong_type_in_list():
    page = {"count": 1, "next": None, "previous": None, "results": [dict(_catalogus(), zaaktypen="x")]}
    with pytest.raises(contract.ContractError):
        contract.check_response(_fake("GET", zgw.CAT + "/catalogussen", 200, page))


def test_checker_rejects_wrong_content_type_for_error():
    with pytest.raises(contract.ContractError):
        contract.check_response(_fake("POST", zgw.CAT + "/catalogussen", 400,
                                      {"code": "x", "title": "t", "detail": "d", "instance": "i", "status": 400,
                                       "invalidParams": []}))


def test_checker_validates_problem_shape():
    ok = {"type": "t", "code": "invalid", "title": "t", "detail": "d", "instance": "urn:x", "status": 400,
          "invalidParams": [{"name": "rsin", "code": "required", "reason": "r"}]}
    contract.check_response(_fake("POST", zgw.CAT + "/catalogussen", 400, ok, "application/problem+json"))
    bad = dict(ok)
    del bad["invalidParams"]
    with pytest.raises(contract.ContractError):
        contract.check_response(_fake("POST", zgw.CAT + "/catalogussen", 400, bad, "application/problem+json"))


def test_checker_publish_path_matched_before_detail():
    spec = _spec()
    op, _ = spec.find("POST", "/zaaktypen/5a1c0d2e-0f5e-4c52-9b4e-2f8d0a7e1b12/publish")
    assert op is not None and op.template == "/zaaktypen/{uuid}/publish"
    op, known = spec.find("POST", "/zaaktypen/5a1c0d2e-0f5e-4c52-9b4e-2f8d0a7e1b12")
    assert op is None and known


def test_checker_undeclared_status_uses_fout():
    contract.check_response(_fake("GET", zgw.CAT + "/catalogussen", 404,
                                  {"type": "t", "code": "not_found", "title": "t", "detail": "d",
                                   "instance": "i", "status": 404}, "application/problem+json"))
    with pytest.raises(contract.ContractError):
        contract.check_response(_fake("GET", zgw.CAT + "/catalogussen", 404, {"status": "404"},
                                      "application/problem+json"))


def test_checker_referentielijsten():
    body = [{"url": BASE + zgw.REF + "/procestypen/x", "nummer": 1, "jaar": 2017, "naam": "n",
             "omschrijving": "o", "toelichting": "t", "procesobject": "p"}]
    contract.check_response(_fake("GET", zgw.REF + "/procestypen", 200, body))
    with pytest.raises(contract.ContractError):
        contract.check_response(_fake("GET", zgw.REF + "/procestypen", 200, [{"url": 1}]))


def test_checker_ignores_non_api_paths():
    contract.check_response(_fake("GET", "/healthz", 200, {"whatever": True}))


def test_jwt_shape():
    token = zgw.make_jwt("c", "s")
    header, payload, sig = token.split(".")
    import base64
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    claims = json.loads(base64.urlsafe_b64decode(pad(payload)))
    assert {"iss", "iat", "client_id", "user_id", "user_representation"} <= set(claims)
    assert json.loads(base64.urlsafe_b64decode(pad(header)))["alg"] == "HS256"
