"""Authentication (JWT-Claims, HS256 with the client's secret) and authorisation by scope
(rules/scopes-kanalen/catalogi-scopes.md; per operation the OAS `security` names the scope):
catalogi.lezen for reads, catalogi.schrijven for writes, geforceerd-schrijven / geforceerd-verwijderen
for published objects, ztc-014 (zaken.lezen / documenten.lezen may read)."""

import base64
import json
import time

import pytest

from zgw import (assert_problem, assert_status, catalogus_payload, make_jwt, put_body, uniq,
                 zaaktype_payload)

LIST_PATHS = ["/catalogussen", "/zaaktypen", "/statustypen", "/roltypen", "/resultaattypen", "/eigenschappen",
              "/informatieobjecttypen", "/besluittypen", "/zaakobjecttypen", "/zaaktype-informatieobjecttypen"]


@pytest.fixture(scope="module")
def objects(server, http):
    """One object of every kind (created by the `beheer` client)."""
    from zgw import Factory
    make = Factory(server.client("beheer", http))
    cat = make.catalogus()
    zt = make.zaaktype(cat["url"])
    iot = make.informatieobjecttype(cat["url"])
    return {
        "catalogussen": cat,
        "zaaktypen": zt,
        "statustypen": make.statustype(zt["url"]),
        "roltypen": make.roltype(zt["url"]),
        "resultaattypen": make.resultaattype(zt["url"]),
        "eigenschappen": make.eigenschap(zt["url"]),
        "zaakobjecttypen": make.zaakobjecttype(zt["url"]),
        "informatieobjecttypen": iot,
        "besluittypen": make.besluittype(cat["url"]),
        "zaaktype-informatieobjecttypen": make.ziot(zt["url"], iot["url"]),
    }


# ------------------------------------------------------------------------------------------------
# 401: no / invalid credentials
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_without_token_is_401(anon, path):
    assert_problem(anon.get(path, params={"status": "alles"} if path != "/catalogussen" else None), 401)


@pytest.mark.parametrize("kind", ["catalogussen", "zaaktypen", "statustypen", "besluittypen"])
def test_detail_without_token_is_401(anon, objects, kind):
    assert_problem(anon.get(objects[kind]["url"]), 401)


def test_create_without_token_is_401(anon):
    assert_problem(anon.post("/catalogussen", catalogus_payload()), 401)


def test_head_without_token_is_401(anon, objects):
    resp = anon.head(objects["zaaktypen"]["url"])
    assert resp.status_code == 401


def _tamper(token):
    h, p, s = token.split(".")
    return f"{h}.{p}.{s[:-4]}AAAA" if not s.endswith("AAAA") else f"{h}.{p}.{s[:-4]}BBBB"


@pytest.mark.parametrize("variant", [
    "garbage", "wrong-secret", "tampered-signature", "unknown-client", "alg-none", "no-bearer-prefix",
    "empty-bearer", "basic-auth"])
def test_invalid_token_is_401(api, variant):
    good = make_jwt("beheer", "beheer-secret")
    header = {
        "garbage": "Bearer dit-is-geen-jwt",
        "wrong-secret": "Bearer " + make_jwt("beheer", "verkeerd-geheim"),
        "tampered-signature": "Bearer " + _tamper(good),
        "unknown-client": "Bearer " + make_jwt("bestaat-niet", "geheim"),
        "alg-none": "Bearer " + _alg_none("beheer"),
        "no-bearer-prefix": good,
        "empty-bearer": "Bearer ",
        "basic-auth": "Basic " + base64.b64encode(b"beheer:beheer-secret").decode(),
    }[variant]
    resp = api.get("/catalogussen", headers={"Authorization": header}, auth=False)
    assert_problem(resp, 401)


def _alg_none(client_id):
    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return b64({"alg": "none", "typ": "JWT"}) + "." + b64({"client_id": client_id, "iss": client_id,
                                                          "iat": int(time.time())}) + "."


def test_client_id_claim_is_used(api):
    # signed with beheer's secret, but claiming to be admin -> signature does not verify for admin
    token = make_jwt("beheer", "beheer-secret", iss="admin")
    h, p, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    claims["client_id"] = "admin"
    p2 = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    token = f"{h}.{p2}.{sig}"
    resp = api.get("/catalogussen", headers={"Authorization": f"Bearer {token}"}, auth=False)
    assert_problem(resp, 401)


# ------------------------------------------------------------------------------------------------
# 403: valid client without the scope
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", LIST_PATHS)
def test_lezer_can_list(lezer, path):
    assert_status(lezer.get(path), 200)


@pytest.mark.parametrize("kind", ["catalogussen", "zaaktypen", "statustypen", "roltypen", "resultaattypen",
                                  "eigenschappen", "zaakobjecttypen", "informatieobjecttypen", "besluittypen",
                                  "zaaktype-informatieobjecttypen"])
def test_lezer_can_read_detail(lezer, objects, kind):
    resp = lezer.get(objects[kind]["url"])
    assert_status(resp, 200)
    assert resp.json() == lezer.get(objects[kind]["url"]).json()


def test_lezer_cannot_create(lezer, objects):
    assert_problem(lezer.post("/catalogussen", catalogus_payload()), 403)
    assert_problem(lezer.post("/zaaktypen", zaaktype_payload(lezer, objects["catalogussen"]["url"])), 403)


@pytest.mark.parametrize("kind", ["zaaktypen", "statustypen", "roltypen", "resultaattypen", "eigenschappen",
                                  "zaakobjecttypen", "informatieobjecttypen", "besluittypen",
                                  "zaaktype-informatieobjecttypen"])
def test_lezer_cannot_write(lezer, objects, kind):
    obj = objects[kind]
    assert_problem(lezer.put(obj["url"], put_body(kind, obj)), 403)
    assert_problem(lezer.patch(obj["url"], {}), 403)
    assert_problem(lezer.delete(obj["url"]), 403)
    assert_status(lezer.get(obj["url"]), 200)


@pytest.mark.parametrize("kind", ["zaaktypen", "informatieobjecttypen", "besluittypen"])
def test_lezer_cannot_publish(lezer, objects, kind):
    assert_problem(lezer.publish(objects[kind]["url"]), 403)
    assert lezer.get(objects[kind]["url"]).json()["concept"] is True


@pytest.mark.parametrize("path", LIST_PATHS)
def test_schrijver_without_lezen_cannot_list(schrijver, path):
    assert_problem(schrijver.get(path), 403)


def test_schrijver_without_lezen_cannot_read_detail(schrijver, objects):
    assert_problem(schrijver.get(objects["zaaktypen"]["url"]), 403)


def test_schrijver_can_create(schrijver):
    resp = schrijver.post("/catalogussen", catalogus_payload())
    assert_status(resp, 201)


def test_admin_all_rights(admin):
    resp = admin.post("/catalogussen", catalogus_payload())
    assert_status(resp, 201)
    assert_status(admin.get(resp.json()["url"]), 200)


def test_client_without_catalogi_scopes_is_403(server, http):
    server.add_client("alleen-besluiten", "geheim-b", ["brc:besluiten.lezen"])
    c = server.client("alleen-besluiten", http)
    c.secret = "geheim-b"
    assert_problem(c.get("/zaaktypen"), 403)
    assert_problem(c.post("/catalogussen", catalogus_payload()), 403)


# ------------------------------------------------------------------------------------------------
# ztc-014: zaken.lezen / documenten.lezen read as catalogi.lezen
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", ["zrc:zaken.lezen", "drc:documenten.lezen"])
def test_ztc014_read_with_zaken_or_documenten_lezen(server, http, objects, scope):
    cid = uniq("ztc014-")
    server.add_client(cid, "geheim-14", [scope])
    c = server.client(cid, http)
    c.secret = "geheim-14"
    assert_status(c.get("/zaaktypen"), 200)
    assert_status(c.get(objects["zaaktypen"]["url"]), 200)
    assert_problem(c.post("/catalogussen", catalogus_payload()), 403)


# ------------------------------------------------------------------------------------------------
# forced scopes (correctie)
# ------------------------------------------------------------------------------------------------
def test_geforceerd_verwijderen_deletes_published(server, forceer, api):
    from zgw import Factory
    make = Factory(api)
    zt = make.published_zaaktype()
    assert_problem(api.delete(zt["url"]), 400)
    assert_status(forceer.delete(zt["url"]), 204)
    assert_problem(api.get(zt["url"]), 404)


def test_geforceerd_schrijven_updates_published(server, forceer, api):
    from zgw import Factory
    make = Factory(api)
    zt = make.published_zaaktype()
    assert_problem(api.patch(zt["url"], {"toelichting": "correctie"}), 400)
    resp = forceer.patch(zt["url"], {"toelichting": "correctie"})
    assert_status(resp, 200)
    assert api.get(zt["url"]).json()["toelichting"] == "correctie"
    assert api.get(zt["url"]).json()["concept"] is False


def test_geforceerd_schrijven_child_of_published(server, forceer, api):
    from zgw import Factory
    make = Factory(api)
    zt = make.zaaktype()
    st = make.statustype(zt["url"])
    make.publish(zt["url"])
    assert_problem(api.patch(st["url"], {"omschrijving": "correctie"}), 400)
    assert_status(forceer.patch(st["url"], {"omschrijving": "correctie"}), 200)


# ------------------------------------------------------------------------------------------------
# public endpoints
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/referentielijsten/api/v1/procestypen",
                                  "/referentielijsten/api/v1/resultaattypeomschrijvingen",
                                  "/referentielijsten/api/v1/resultaten",
                                  "/healthz", "/readyz"])
def test_public_without_token(anon, path):
    assert_status(anon.get(path), 200)

