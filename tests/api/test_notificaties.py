"""Notificaties API 1.0: kanalen, abonnementen and POST /notificaties, black-box over HTTP on both engines.

Rules and error codes are those of the reference implementation (Open Notificaties): unique and immutable
kanaal naam, abonnementen only on existing kanalen and filters only on their kenmerken, the callback check (a
test notification must get a 2xx answer), `auth` write-only, an abonnement belongs to the client that made
it.  Callback URLs reach only public addresses unless the host is allowed (--notificaties-allowed-hosts): the
module's server allows 127.0.0.1 and localhost, where the test's receiver listens; one test starts a server
without that setting.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid as uuidlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import conftest
import zgw
from zgw import assert_problem, describe

NRC = "/notificaties/api/v1"

CLIENTS = {
    "publisher": ("publisher-secret", ["nrc:notificaties.publiceren"]),
    "consumer": ("consumer-secret", ["nrc:notificaties.consumeren"]),
    "consumer2": ("consumer2-secret", ["nrc:notificaties.consumeren"]),
    "outsider": ("outsider-secret", ["ztc:catalogi.lezen"]),
}

OWN_KANALEN = {
    "zaken": ["bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"],
    "documenten": ["bronorganisatie", "informatieobjecttype", "vertrouwelijkheidaanduiding"],
    "besluiten": ["verantwoordelijke_organisatie", "besluittype"],
    "autorisaties": [],
    "zaaktypen": ["catalogus"],
    "informatieobjecttypen": ["catalogus"],
    "besluittypen": ["catalogus"],
}


def _add_clients(srv):
    conftest.add_standard_clients(srv, "admin")
    for cid, (secret, scopes) in CLIENTS.items():
        srv.add_client(cid, secret, scopes)


ALLOWED = ["--notificaties-allowed-hosts", "127.0.0.1,localhost"]
server = conftest.server_fixture(extra_args=ALLOWED, add_clients=_add_clients)


# ------------------------------------------------------------------------------------------------
# a callback receiver: /ok answers 204, /status/<n> answers n; every request is recorded
# ------------------------------------------------------------------------------------------------
class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        lock = threading.Lock()
        self.lock = lock
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with lock:
                    received.append({"path": self.path, "headers": dict(self.headers),
                                     "body": json.loads(body) if body else None})
                status = 204
                if self.path.startswith("/status/"):
                    status = int(self.path.rsplit("/", 1)[1])
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def to(self, path: str) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(server, http, cid) -> zgw.Api:
    return zgw.Api(server.base_url, cid, CLIENTS[cid][0], http)


@pytest.fixture(scope="module")
def publisher(server, http):
    return _api(server, http, "publisher")


@pytest.fixture(scope="module")
def consumer(server, http):
    return _api(server, http, "consumer")


@pytest.fixture(scope="module")
def consumer2(server, http):
    return _api(server, http, "consumer2")


@pytest.fixture(scope="module")
def outsider(server, http):
    return _api(server, http, "outsider")


def _kanaal(publisher, naam=None, filters=("a", "b")):
    body = {"naam": naam or zgw.uniq("k"), "documentatieLink": "https://example.org/doc", "filters": list(filters)}
    resp = publisher.post(NRC + "/kanaal", body)
    assert resp.status_code == 201, describe(resp)
    return resp.json()


def _path(url: str) -> str:
    return url[url.index(NRC):]


def _abonnement_body(receiver, kanaal, path=None, auth="Bearer abc", filters=None):
    return {"callbackUrl": receiver.url(path or "/ok/" + zgw.uniq()), "auth": auth,
            "kanalen": [{"naam": kanaal, "filters": filters or {}}]}


def _abonnement(consumer, receiver, kanaal, **kw):
    resp = consumer.post(NRC + "/abonnement", _abonnement_body(receiver, kanaal, **kw))
    assert resp.status_code == 201, describe(resp)
    return resp.json()


def _message(kanaal="zaken", **changes):
    msg = {"kanaal": kanaal, "hoofdObject": "https://zaken.example.org/zaken/1", "resource": "zaak",
           "resourceUrl": "https://zaken.example.org/zaken/1", "actie": "create",
           "aanmaakdatum": "2026-01-02T10:00:00Z",
           "kenmerken": {"bronorganisatie": "002220647", "zaaktype": "https://example.org/zt/1",
                         "vertrouwelijkheidaanduiding": "openbaar"}}
    msg.update(changes)
    return msg


# ------------------------------------------------------------------------------------------------
# kanalen
# ------------------------------------------------------------------------------------------------
def test_own_kanalen_are_registered_with_their_kenmerken(consumer):
    resp = consumer.get(NRC + "/kanaal")
    assert resp.status_code == 200, describe(resp)
    assert resp.headers.get("API-version") == "1.0.0"
    by_naam = {k["naam"]: k for k in resp.json()}
    for naam, filters in OWN_KANALEN.items():
        assert by_naam[naam]["filters"] == filters, by_naam[naam]
    one = consumer.get(NRC + "/kanaal", params={"naam": "zaken"})
    assert one.status_code == 200, describe(one)
    assert [k["naam"] for k in one.json()] == ["zaken"]
    assert consumer.get(NRC + "/kanaal", params={"naam": "bestaat-niet"}).json() == []
    detail = consumer.get(_path(by_naam["zaken"]["url"]))
    assert detail.status_code == 200, describe(detail)
    assert detail.json() == by_naam["zaken"]


def test_kanaal_create_read_update(publisher, consumer):
    naam = zgw.uniq("k")
    resp = publisher.post(NRC + "/kanaal", {"naam": naam, "documentatieLink": "https://example.org/d",
                                            "filters": ["x", "y"]})
    assert resp.status_code == 201, describe(resp)
    kanaal = resp.json()
    assert resp.headers["Location"] == kanaal["url"]
    assert kanaal["naam"] == naam and kanaal["filters"] == ["x", "y"]
    assert kanaal["documentatieLink"] == "https://example.org/d"
    path = _path(kanaal["url"])
    assert consumer.get(path).json() == kanaal

    put = publisher.put(path, {"naam": naam, "filters": ["z"]})
    assert put.status_code == 200, describe(put)
    assert put.json()["filters"] == ["z"] and put.json()["documentatieLink"] == ""
    patch = publisher.patch(path, {"documentatieLink": "https://example.org/e"})
    assert patch.status_code == 200, describe(patch)
    assert patch.json()["filters"] == ["z"] and patch.json()["documentatieLink"] == "https://example.org/e"
    assert consumer.get(path).json() == patch.json()
    # Without documentatieLink and filters: empty.
    bare = publisher.post(NRC + "/kanaal", {"naam": zgw.uniq("k")})
    assert bare.status_code == 201, describe(bare)
    assert bare.json()["filters"] == [] and bare.json()["documentatieLink"] == ""


def test_kanaal_naam_is_unique_and_immutable(publisher):
    kanaal = _kanaal(publisher)
    dup = publisher.post(NRC + "/kanaal", {"naam": kanaal["naam"]})
    assert_problem(dup, 400, "naam", "unique")
    taken = publisher.post(NRC + "/kanaal", {"naam": "zaken"})
    assert_problem(taken, 400, "naam", "unique")
    path = _path(kanaal["url"])
    assert_problem(publisher.patch(path, {"naam": zgw.uniq("k")}), 400, "naam", "wijzigen-niet-toegelaten")
    assert_problem(publisher.put(path, {"naam": zgw.uniq("k")}), 400, "naam", "wijzigen-niet-toegelaten")
    # The same naam again is no change.
    assert publisher.patch(path, {"naam": kanaal["naam"]}).status_code == 200


def test_kanaal_validation(publisher):
    assert_problem(publisher.post(NRC + "/kanaal", {}), 400, "naam", "required")
    assert_problem(publisher.post(NRC + "/kanaal", {"naam": "x" * 51}), 400, "naam", "max_length")
    assert_problem(publisher.post(NRC + "/kanaal", {"naam": zgw.uniq(), "documentatieLink": "geen url"}),
                   400, "documentatieLink")
    assert_problem(publisher.post(NRC + "/kanaal", {"naam": zgw.uniq(), "filters": "a"}), 400, "filters")
    assert_problem(publisher.get(NRC + "/kanaal", params={"foo": "bar"}), 400, "nonFieldErrors",
                   "unknown-parameters")
    missing = NRC + f"/kanaal/{uuidlib.uuid4()}"
    assert_problem(publisher.get(missing), 404)
    assert_problem(publisher.put(missing, {"naam": "x"}), 404)
    assert_problem(publisher.get(NRC + "/kanaal/geen-uuid"), 404)


def test_kanaal_scopes(publisher, consumer, outsider, anon):
    kanaal = _kanaal(publisher)
    path = _path(kanaal["url"])
    # Reading: publiceren or consumeren; writing: publiceren.
    assert consumer.get(path).status_code == 200
    assert publisher.get(NRC + "/kanaal").status_code == 200
    assert_problem(consumer.post(NRC + "/kanaal", {"naam": zgw.uniq()}), 403)
    assert_problem(consumer.patch(path, {"filters": []}), 403)
    assert_problem(consumer.put(path, {"naam": kanaal["naam"]}), 403)
    assert_problem(outsider.get(NRC + "/kanaal"), 403)
    assert_problem(outsider.get(path), 403)
    assert_problem(anon.get(NRC + "/kanaal"), 401)
    # A kanaal cannot be deleted (the OAS has no DELETE).
    assert publisher.delete(path, check=False).status_code == 405


# ------------------------------------------------------------------------------------------------
# abonnementen
# ------------------------------------------------------------------------------------------------
def test_abonnement_create_checks_the_callback(consumer, publisher, receiver):
    kanaal = _kanaal(publisher, filters=["a", "b"])
    path = "/ok/" + zgw.uniq()
    body = _abonnement_body(receiver, kanaal["naam"], path=path, auth="Bearer geheim-123", filters={"a": "1"})
    resp = consumer.post(NRC + "/abonnement", body)
    assert resp.status_code == 201, describe(resp)
    abonnement = resp.json()
    assert resp.headers["Location"] == abonnement["url"]
    assert "auth" not in abonnement and "geheim-123" not in resp.text
    assert abonnement["callbackUrl"] == receiver.url(path)
    assert abonnement["kanalen"] == [{"filters": {"a": "1"}, "naam": kanaal["naam"]}]
    # The test notification of the callback check, with the abonnement's auth header.
    got = receiver.to(path)
    assert len(got) == 1
    assert got[0]["headers"].get("Authorization") == "Bearer geheim-123"
    assert got[0]["headers"].get("Content-Type") == "application/json"
    test_message = got[0]["body"]
    for key in ("kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum", "kenmerken"):
        assert key in test_message, test_message
    assert test_message["kanaal"] == "test"

    read = consumer.get(_path(abonnement["url"]))
    assert read.status_code == 200, describe(read)
    assert read.json() == abonnement
    listed = consumer.get(NRC + "/abonnement")
    assert listed.status_code == 200, describe(listed)
    assert abonnement["url"] in [a["url"] for a in listed.json()]
    assert "geheim-123" not in listed.text


def test_abonnement_with_several_kanalen_and_none(consumer, publisher, receiver):
    k1 = _kanaal(publisher, filters=["a"])
    k2 = _kanaal(publisher, filters=[])
    body = {"callbackUrl": receiver.url("/ok/multi"), "auth": "x",
            "kanalen": [{"naam": k1["naam"], "filters": {"a": "1"}}, {"naam": k2["naam"]},
                        {"naam": k1["naam"], "filters": {"a": "2"}}]}
    resp = consumer.post(NRC + "/abonnement", body)
    assert resp.status_code == 201, describe(resp)
    assert resp.json()["kanalen"] == [{"filters": {"a": "1"}, "naam": k1["naam"]},
                                      {"filters": {}, "naam": k2["naam"]},
                                      {"filters": {"a": "2"}, "naam": k1["naam"]}]
    bare = consumer.post(NRC + "/abonnement", {"callbackUrl": receiver.url("/ok/bare"), "auth": "x"})
    assert bare.status_code == 201, describe(bare)
    assert bare.json()["kanalen"] == []


def test_abonnement_kanaal_rules(consumer, publisher, receiver):
    kanaal = _kanaal(publisher, filters=["a"])
    before = len(receiver.requests)
    unknown = consumer.post(NRC + "/abonnement", _abonnement_body(receiver, zgw.uniq("geen")))
    assert_problem(unknown, 400, "naam", "kanaal_naam")
    bad_filter = consumer.post(NRC + "/abonnement", _abonnement_body(receiver, kanaal["naam"], filters={"c": "1"}))
    assert_problem(bad_filter, 400, "filters", "inconsistent-abonnement-filters")
    # The own "autorisaties" kanaal has no kenmerken: no filter fits.
    none = consumer.post(NRC + "/abonnement", _abonnement_body(receiver, "autorisaties", filters={"a": "1"}))
    assert_problem(none, 400, "filters", "inconsistent-abonnement-filters")
    not_text = consumer.post(NRC + "/abonnement", _abonnement_body(receiver, kanaal["naam"], filters={"a": 1}))
    assert_problem(not_text, 400, "filters", "invalid")
    # Refused before the callback is tried.
    assert len(receiver.requests) == before


def test_abonnement_validation(consumer, receiver):
    ok = _abonnement_body(receiver, "zaken")
    for field in ("callbackUrl", "auth"):
        body = dict(ok)
        del body[field]
        assert_problem(consumer.post(NRC + "/abonnement", body), 400, field, "required")
    assert_problem(consumer.post(NRC + "/abonnement", dict(ok, callbackUrl="geen url")), 400, "callbackUrl")
    assert_problem(consumer.post(NRC + "/abonnement", dict(ok, auth="a" * 1001)), 400, "auth", "max_length")
    assert_problem(consumer.post(NRC + "/abonnement", dict(ok, auth="Bearer x\r\nX-Extra: 1")), 400, "auth",
                   "invalid")
    assert_problem(consumer.post(NRC + "/abonnement", dict(ok, kanalen=[{"filters": {}}])), 400)
    for kanalen in ([1], "zaken", None, [{"naam": "zaken", "filters": ["a"]}]):
        assert_problem(consumer.post(NRC + "/abonnement", dict(ok, kanalen=kanalen)), 400)
    assert_problem(consumer.post(NRC + "/abonnement", dict(ok, sendCloudevents=True)), 400, "sendCloudevents",
                   "not-supported")
    assert_problem(consumer.get(NRC + "/abonnement", params={"foo": "1"}), 400, "nonFieldErrors",
                   "unknown-parameters")


@pytest.mark.parametrize("callback", ["closed", "status/500", "status/404", "status/401", "ftp"])
def test_callback_that_does_not_accept_is_refused(consumer, receiver, callback):
    if callback == "closed":
        url = f"http://127.0.0.1:{_closed_port()}/x"
    elif callback == "ftp":
        url = f"ftp://127.0.0.1:{receiver.port}/x"
    else:
        url = receiver.url("/" + callback)
    body = {"callbackUrl": url, "auth": "x", "kanalen": [{"naam": "zaken"}]}
    resp = consumer.post(NRC + "/abonnement", body)
    if callback == "ftp":  # not a URL the OAS accepts: refused before any attempt
        assert_problem(resp, 400, "callbackUrl", "invalid")
        return
    problem = assert_problem(resp, 400, "callbackUrl", "invalid-callback-url")
    reason = [p["reason"] for p in problem["invalidParams"] if p["name"] == "callbackUrl"][0]
    if callback.startswith("status/"):
        assert callback.split("/")[1] in reason, reason
    assert url not in [a["callbackUrl"] for a in consumer.get(NRC + "/abonnement").json()]


def test_update_checks_a_changed_callback_only(consumer, publisher, receiver):
    kanaal = _kanaal(publisher, filters=["a"])
    first = "/ok/" + zgw.uniq()
    abonnement = _abonnement(consumer, receiver, kanaal["naam"], path=first)
    path = _path(abonnement["url"])
    assert len(receiver.to(first)) == 1
    # Same callback and auth: no new test notification.
    same = consumer.put(path, {"callbackUrl": receiver.url(first), "auth": "Bearer abc",
                               "kanalen": [{"naam": kanaal["naam"], "filters": {"a": "9"}}]})
    assert same.status_code == 200, describe(same)
    assert same.json()["kanalen"] == [{"filters": {"a": "9"}, "naam": kanaal["naam"]}]
    assert len(receiver.to(first)) == 1
    # PATCH without kanalen keeps them.
    kept = consumer.patch(path, {"callbackUrl": receiver.url(first)})
    assert kept.status_code == 200, describe(kept)
    assert kept.json()["kanalen"] == same.json()["kanalen"]
    assert len(receiver.to(first)) == 1
    # A new auth is tried out.
    reauth = consumer.patch(path, {"auth": "Bearer nieuw"})
    assert reauth.status_code == 200, describe(reauth)
    assert [r["headers"].get("Authorization") for r in receiver.to(first)] == ["Bearer abc", "Bearer nieuw"]
    # A new callback is checked, with the stored auth.
    second = "/ok/" + zgw.uniq()
    moved = consumer.patch(path, {"callbackUrl": receiver.url(second)})
    assert moved.status_code == 200, describe(moved)
    assert moved.json()["callbackUrl"] == receiver.url(second)
    assert [r["headers"].get("Authorization") for r in receiver.to(second)] == ["Bearer nieuw"]
    # A callback that fails the check changes nothing.
    bad = consumer.patch(path, {"callbackUrl": receiver.url("/status/503")})
    assert_problem(bad, 400, "callbackUrl", "invalid-callback-url")
    assert consumer.get(path).json()["callbackUrl"] == receiver.url(second)
    # PUT without kanalen: none.
    cleared = consumer.put(path, {"callbackUrl": receiver.url(second), "auth": "Bearer nieuw"})
    assert cleared.status_code == 200, describe(cleared)
    assert cleared.json()["kanalen"] == []
    # PUT needs the whole abonnement.
    assert_problem(consumer.put(path, {"callbackUrl": receiver.url(second)}), 400, "auth", "required")
    assert_problem(consumer.patch(path, {"kanalen": [{"naam": zgw.uniq("geen")}]}), 400, "naam", "kanaal_naam")


def test_abonnement_belongs_to_its_client(consumer, consumer2, admin, publisher, outsider, anon, receiver):
    abonnement = _abonnement(consumer, receiver, "zaken")
    path = _path(abonnement["url"])
    # Another consumer neither sees nor changes it.
    assert_problem(consumer2.get(path), 403)
    assert_problem(consumer2.patch(path, {"kanalen": []}), 403)
    assert_problem(consumer2.put(path, {"callbackUrl": receiver.url("/ok/x"), "auth": "y"}), 403)
    assert_problem(consumer2.delete(path), 403)
    assert abonnement["url"] not in [a["url"] for a in consumer2.get(NRC + "/abonnement").json()]
    # A publisher reads (its own) abonnementen but cannot write.
    assert publisher.get(NRC + "/abonnement").status_code == 200
    assert_problem(publisher.post(NRC + "/abonnement", _abonnement_body(receiver, "zaken")), 403)
    assert_problem(outsider.get(NRC + "/abonnement"), 403)
    assert_problem(anon.get(NRC + "/abonnement"), 401)
    # A client with all rights sees every abonnement.
    assert abonnement["url"] in [a["url"] for a in admin.get(NRC + "/abonnement").json()]
    assert admin.get(path).status_code == 200
    assert consumer.get(path).status_code == 200


def test_abonnement_delete(consumer, receiver):
    abonnement = _abonnement(consumer, receiver, "zaken")
    path = _path(abonnement["url"])
    resp = consumer.delete(path)
    assert resp.status_code == 204, describe(resp)
    assert_problem(consumer.get(path), 404)
    assert_problem(consumer.delete(path), 404)
    assert_problem(consumer.patch(path, {"auth": "x"}), 404)


# ------------------------------------------------------------------------------------------------
# publishing
# ------------------------------------------------------------------------------------------------
def test_publish_a_notification(publisher):
    msg = _message(source="test-suite")
    resp = publisher.post(NRC + "/notificaties", msg)
    assert resp.status_code == 201, describe(resp)
    assert resp.json() == msg
    # Fewer kenmerken than the kanaal's filters (or none) is accepted, as in the reference implementation.
    assert publisher.post(NRC + "/notificaties", _message(kenmerken={})).status_code == 201
    no_kenmerken = _message()
    del no_kenmerken["kenmerken"]
    assert publisher.post(NRC + "/notificaties", no_kenmerken).status_code == 201


def test_publish_rules(publisher, consumer):
    for field in ("kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum"):
        msg = _message()
        del msg[field]
        assert_problem(publisher.post(NRC + "/notificaties", msg), 400, field, "required")
    assert_problem(publisher.post(NRC + "/notificaties", _message(kanaal=zgw.uniq("geen"))), 400, "kanaal",
                   "message_kanaal")
    odd = _message(kenmerken={"bronorganisatie": "1", "onbekend": "2"})
    assert_problem(publisher.post(NRC + "/notificaties", odd), 400, "kenmerken", "kenmerken_inconsistent")
    assert_problem(publisher.post(NRC + "/notificaties", _message(kenmerken={"bronorganisatie": 1})), 400,
                   "kenmerken", "invalid")
    assert_problem(publisher.post(NRC + "/notificaties", _message(aanmaakdatum="gisteren")), 400, "aanmaakdatum")
    for kenmerken in (["a"], "a", None):
        assert_problem(publisher.post(NRC + "/notificaties", _message(kenmerken=kenmerken)), 400)
    assert_problem(publisher.post(NRC + "/notificaties", _message(hoofdObject="geen url")), 400, "hoofdObject")
    assert_problem(consumer.post(NRC + "/notificaties", _message()), 403)


# ------------------------------------------------------------------------------------------------
# the address policy: without allowed hosts, callbacks on this machine are refused
# ------------------------------------------------------------------------------------------------
def test_private_callback_refused_unless_allowed(server, tmp_path_factory, receiver):
    with conftest.running_server(tmp_path_factory, server.engine, add_clients=_add_clients) as strict:
        api = zgw.Api(strict.base_url, "consumer", CLIENTS["consumer"][0])
        for host in ("127.0.0.1", "localhost"):
            path = "/ok/" + zgw.uniq()
            body = {"callbackUrl": receiver.url(path, host), "auth": "x", "kanalen": [{"naam": "zaken"}]}
            problem = assert_problem(api.post(NRC + "/abonnement", body), 400, "callbackUrl",
                                     "invalid-callback-url")
            assert "intern" in problem["invalidParams"][0]["reason"], problem
            assert receiver.to(path) == []
        assert api.get(NRC + "/abonnement").json() == []
