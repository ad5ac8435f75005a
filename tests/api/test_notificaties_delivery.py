"""Reliable delivery of notifications (issue 5): the dispatcher POSTs every committed notification to every
matching abonnement, with its Authorization header, retries with backoff, keeps the order per hoofdObject,
survives a restart (even SIGKILL) of Thorbecke and a subscriber that is down for a while, and shows what is
pending and failed to the administrator.

Subscribers are real processes (notify_sink.py) that write what they receive to a file; the tests poll those
files with a deadline.
"""
from __future__ import annotations

import os
import signal
import threading
import time
import uuid as uuidlib

import pytest
import requests

import conftest
import zgw
from conftest import Server, running_server, thorbecke_bin
from notify_support import FAST_DELIVERY, Sink, wait_for

NRC = "/notificaties/api/v1"
ADMIN = "/beheer/api/v1/notificaties/abonnementen"

# The retry window of the module's server is 3.6 seconds, so a delivery to a subscriber that stays down is given up
# quickly (test_failed_and_retried).
MODULE_ARGS = FAST_DELIVERY + ["--notificaties-retry-hours", "0.001"]

server = conftest.server_fixture(extra_args=MODULE_ARGS)


# ------------------------------------------------------------------------------------------------
# subscriber processes
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sink(tmp_path_factory):
    s = Sink(tmp_path_factory.mktemp("sink")).start()
    yield s
    s.kill()


# ------------------------------------------------------------------------------------------------
# Notificaties API helpers
# ------------------------------------------------------------------------------------------------
def nrc(api: zgw.Api, path: str) -> str:
    return api.base_url + NRC + path


def make_kanaal(api: zgw.Api, filters=()) -> str:
    naam = zgw.uniq("k")
    r = api.post(nrc(api, "/kanaal"), {"naam": naam, "documentatieLink": "https://example.com/doc",
                                       "filters": list(filters)})
    assert r.status_code == 201, zgw.describe(r)
    return naam


def make_abonnement(api: zgw.Api, callback: str, auth: str, kanalen: list[dict]) -> dict:
    r = api.post(nrc(api, "/abonnement"), {"callbackUrl": callback, "auth": auth, "kanalen": kanalen})
    assert r.status_code == 201, zgw.describe(r)
    return r.json()


def message(kanaal: str, hoofd: str, n: int, kenmerken=None, actie: str = "create") -> dict:
    return {"kanaal": kanaal, "hoofdObject": hoofd, "resource": "zaak", "resourceUrl": f"{hoofd}/r/{n}",
            "actie": actie, "aanmaakdatum": "2024-01-02T03:04:05Z", "kenmerken": kenmerken or {}}


def publish(api: zgw.Api, msg: dict) -> None:
    r = api.post(nrc(api, "/notificaties"), msg)
    assert r.status_code == 201, zgw.describe(r)


def admin_get(api: zgw.Api, path: str = "", **kw):
    return api.get(api.base_url + ADMIN + path, **kw)


def status_of(api: zgw.Api, abonnement_url: str) -> dict:
    r = admin_get(api)
    assert r.status_code == 200, zgw.describe(r)
    uuid = zgw.uuid_of(abonnement_url)
    return next(a for a in r.json() if a["uuid"] == uuid)


# ------------------------------------------------------------------------------------------------
# (a) delivery with the auth header, filters respected
# ------------------------------------------------------------------------------------------------
def test_delivered_with_auth_header_and_filters(admin, sink):
    kanaal = make_kanaal(admin, ["bronorganisatie", "vertrouwelijkheidaanduiding"])
    ab_filtered = make_abonnement(admin, sink.url("/a"), "Bearer sleutel-a",
                                  [{"naam": kanaal, "filters": {"bronorganisatie": "123456782"}}])
    make_abonnement(admin, sink.url("/b"), "Token sleutel-b", [{"naam": kanaal}])
    make_abonnement(admin, sink.url("/c"), "Bearer sleutel-c",
                    [{"naam": kanaal, "filters": {"bronorganisatie": "*", "vertrouwelijkheidaanduiding": "openbaar"}}])
    hoofd = f"https://zaken.example.com/zaken/{uuidlib.uuid4()}"
    publish(admin, message(kanaal, hoofd, 1, {"bronorganisatie": "123456782",
                                              "vertrouwelijkheidaanduiding": "openbaar"}))
    publish(admin, message(kanaal, hoofd, 2, {"bronorganisatie": "999999999",
                                              "vertrouwelijkheidaanduiding": "geheim"}))
    # no bronorganisatie kenmerk: a filter on it does not exclude the message (Open Notificaties' rule)
    publish(admin, message(kanaal, hoofd, 3, {"vertrouwelijkheidaanduiding": "openbaar"}))

    def urls(path):
        return [ln["body"]["resourceUrl"] for ln in sink.received(path, kanaal)]

    wait_for(lambda: len(urls("/b")) == 3, what="all three at the unfiltered abonnement")
    wait_for(lambda: len(urls("/a")) == 2 and len(urls("/c")) == 2, what="filtered deliveries")
    time.sleep(0.5)  # nothing else arrives
    assert urls("/a") == [f"{hoofd}/r/1", f"{hoofd}/r/3"]
    assert urls("/b") == [f"{hoofd}/r/1", f"{hoofd}/r/2", f"{hoofd}/r/3"]
    assert urls("/c") == [f"{hoofd}/r/1", f"{hoofd}/r/3"]

    got = sink.received("/a", kanaal)[0]
    assert got["auth"] == "Bearer sleutel-a"
    assert got["contentType"].startswith("application/json")
    assert got["body"] == message(kanaal, hoofd, 1, {"bronorganisatie": "123456782",
                                                     "vertrouwelijkheidaanduiding": "openbaar"})
    assert {ln["auth"] for ln in sink.received("/b", kanaal)} == {"Token sleutel-b"}

    st = wait_for(lambda: (s := status_of(admin, ab_filtered["url"]))["delivered"] == 2 and s, what="two recorded")
    assert (st["pending"], st["failed"], st["delivered"]) == (0, 0, 2)
    assert st["callbackUrl"] == sink.url("/a")


def test_other_kanaal_not_delivered(admin, sink):
    k1, k2 = make_kanaal(admin), make_kanaal(admin)
    make_abonnement(admin, sink.url("/k1"), "x", [{"naam": k1}])
    hoofd = f"https://zaken.example.com/zaken/{uuidlib.uuid4()}"
    publish(admin, message(k2, hoofd, 1))
    publish(admin, message(k1, hoofd, 2))
    wait_for(lambda: sink.received("/k1", k1), what="the k1 message")
    time.sleep(0.3)
    assert [ln["body"]["resourceUrl"] for ln in sink.received("/k1")
            if ln["body"].get("kanaal") in (k1, k2)] == [f"{hoofd}/r/2"]


# ------------------------------------------------------------------------------------------------
# (b) a subscriber that answers 500 is retried until it answers 2xx; order per hoofdObject is kept
# ------------------------------------------------------------------------------------------------
def test_retried_after_server_errors_in_order(admin, sink):
    kanaal = make_kanaal(admin)
    ab = make_abonnement(admin, sink.url("/flaky"), "Bearer f", [{"naam": kanaal}])
    sink.control(fail=3, status=500)
    hoofd = f"https://zaken.example.com/zaken/{uuidlib.uuid4()}"
    for n in range(1, 4):
        publish(admin, message(kanaal, hoofd, n))
    wait_for(lambda: len(sink.received("/flaky", kanaal)) == 3, what="three deliveries after the failures")
    attempts = [ln for ln in sink.lines() if ln["path"] == "/flaky" and isinstance(ln["body"], dict)
                and ln["body"].get("kanaal") == kanaal]
    assert [ln["status"] for ln in attempts][:3] == [500, 500, 500]
    # the first message was tried until it went through; the next ones waited for it
    assert [ln["body"]["resourceUrl"] for ln in attempts] == [f"{hoofd}/r/1"] * 4 + [f"{hoofd}/r/2", f"{hoofd}/r/3"]
    # The sink has the third message as soon as it answers; Thorbecke records the delivery just after.
    st = wait_for(lambda: (s := status_of(admin, ab["url"]))["delivered"] == 3 and s, what="three recorded")
    assert (st["pending"], st["failed"], st["delivered"]) == (0, 0, 3)
    assert st["lastStatus"] == 500 and st["lastError"] == "HTTP 500"


# ------------------------------------------------------------------------------------------------
# (d) visibility: pending while the subscriber is down, failed after the retry window, retried on request
# ------------------------------------------------------------------------------------------------
def test_failed_and_retried(admin, server, http, tmp_path_factory):
    down = Sink(tmp_path_factory.mktemp("down")).start()
    try:
        kanaal = make_kanaal(admin)
        ab = make_abonnement(admin, down.url("/d"), "Bearer d", [{"naam": kanaal}])
        down.kill()
        hoofd = f"https://zaken.example.com/zaken/{uuidlib.uuid4()}"
        publish(admin, message(kanaal, hoofd, 1))
        publish(admin, message(kanaal, hoofd, 2))

        # The first attempt may fail before the second message is routed: wait until both are there.
        st = wait_for(lambda: (s := status_of(admin, ab["url"]))["lastError"]
                      and s["pending"] + s["failed"] + s["delivered"] == 2 and s, what="a failed attempt")
        assert st["pending"] == 2 and st["failed"] == 0 and st["delivered"] == 0
        assert st["oldestPendingSince"] and st["lastStatus"] is None  # no HTTP answer at all

        items = admin_get(admin, f"/{zgw.uuid_of(ab['url'])}/afleveringen").json()
        assert [i["state"] for i in items] == ["pending", "pending"]
        assert items[0]["attempts"] >= 1 and items[0]["lastError"]
        assert items[1]["attempts"] == 0  # waits for the first: same hoofdObject
        assert items[0]["message"]["resourceUrl"] == f"{hoofd}/r/1"

        # the retry window (3.6 s here) runs out: the first is given up, then the second may go (and fails too)
        st = wait_for(lambda: (s := status_of(admin, ab["url"]))["failed"] == 2 and s, seconds=30,
                      what="both deliveries failed")
        assert st["pending"] == 0

        down.start()
        r = admin.post(admin.base_url + ADMIN + f"/{zgw.uuid_of(ab['url'])}/afleveringen/opnieuw", {})
        assert r.status_code == 200, zgw.describe(r)
        assert r.json() == {"opnieuw": 2}
        wait_for(lambda: len(down.received("/d", kanaal)) == 2, what="the retried deliveries")
        assert [ln["body"]["resourceUrl"] for ln in down.received("/d", kanaal)] == [f"{hoofd}/r/1", f"{hoofd}/r/2"]
        st = wait_for(lambda: (s := status_of(admin, ab["url"]))["delivered"] == 2 and s, what="counted")
        assert (st["pending"], st["failed"]) == (0, 0)
        assert admin_get(admin, f"/{zgw.uuid_of(ab['url'])}/afleveringen").json() == []
    finally:
        down.kill()


def test_admin_endpoints_need_all_rights(server, http, admin):
    beheer = server.client("beheer", http)
    anon = zgw.Api(server.base_url, None, None, http)
    some = str(uuidlib.uuid4())
    for path in ("", f"/{some}/afleveringen"):
        r = admin_get(beheer, path, check=False)
        assert r.status_code == 403
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert admin_get(anon, path, check=False).status_code == 401
    r = beheer.post(beheer.base_url + ADMIN + f"/{some}/afleveringen/opnieuw", {}, check=False)
    assert r.status_code == 403
    assert admin_get(admin, f"/{some}/afleveringen", check=False).status_code == 404
    assert admin_get(admin, "/geen-uuid/afleveringen", check=False).status_code == 404
    r = admin.post(admin.base_url + ADMIN + f"/{some}/afleveringen/opnieuw", {}, check=False)
    assert r.status_code == 404


def test_cli_status(server, admin, sink):
    kanaal = make_kanaal(admin)
    ab = make_abonnement(admin, sink.url("/cli"), "x", [{"naam": kanaal}])
    publish(admin, message(kanaal, "https://zaken.example.com/zaken/cli", 1))
    wait_for(lambda: status_of(admin, ab["url"])["delivered"] == 1, what="delivery")
    out = server.cli("notificaties", "status", "--db", server.db_url).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith(zgw.uuid_of(ab["url"])))
    assert line.split()[1:4] == ["0", "0", "1"]
    assert sink.url("/cli") in line


def test_metrics_gauges(server, http):
    text = http.get(server.base_url + "/metrics", timeout=10).text
    assert "thorbecke_notificaties_pending " in text
    assert "thorbecke_notificaties_failed " in text


# ------------------------------------------------------------------------------------------------
# (c) subscriber stopped and restarted, Thorbecke SIGKILLed and restarted mid-stream: nothing lost, nothing
# invented, order per hoofdObject kept
# ------------------------------------------------------------------------------------------------
class Publisher(threading.Thread):
    """Publishes numbered messages one after the other, round-robin over a few hoofdObjecten, through whatever
    server `base()` names at the time; remembers what was committed (201) and what was attempted at all."""

    def __init__(self, base, kanaal: str, count: int, hoofden: list[str]):
        super().__init__(daemon=True)
        self.base, self.kanaal, self.count, self.hoofden = base, kanaal, count, hoofden
        self.committed: set[str] = set()
        self.attempted: set[str] = set()
        self.sent = 0
        self.error = None

    def run(self):
        try:
            http = requests.Session()
            n = 0
            while n < self.count:
                hoofd = self.hoofden[n % len(self.hoofden)]
                msg = message(self.kanaal, hoofd, n)
                self.attempted.add(msg["resourceUrl"])
                try:
                    r = zgw.Api(self.base(), "admin", "admin-secret", http).post(
                        self.base() + NRC + "/notificaties", msg, check=False, timeout=5)
                except requests.RequestException:
                    time.sleep(0.05)  # server down: the same message again (it may have been committed)
                    continue
                if r.status_code == 201:
                    self.committed.add(msg["resourceUrl"])
                    n += 1
                    self.sent = n
                elif r.status_code >= 500:
                    time.sleep(0.05)
                else:
                    raise AssertionError(zgw.describe(r))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def test_nothing_lost_across_subscriber_and_server_crashes(server, tmp_path_factory):
    with running_server(tmp_path_factory, server.engine, extra_args=FAST_DELIVERY) as srv:
        http = requests.Session()
        admin = srv.client("admin", http)
        sink = Sink(tmp_path_factory.mktemp("crash-sink")).start()
        try:
            kanaal = make_kanaal(admin)
            make_abonnement(admin, sink.url("/e2e"), "Bearer e2e", [{"naam": kanaal}])
            hoofden = [f"https://zaken.example.com/zaken/{uuidlib.uuid4()}" for _ in range(5)]
            total = 150
            pub = Publisher(lambda: srv.base_url, kanaal, total, hoofden)
            pub.start()

            wait_for(lambda: pub.sent >= 30 or pub.error, what="30 published")
            sink.kill()  # subscriber down mid-stream
            wait_for(lambda: pub.sent >= 60 or pub.error, what="60 published")
            os.killpg(srv.proc.pid, signal.SIGKILL)  # Thorbecke killed mid-stream (a publish may be in flight)
            srv.proc.wait(timeout=10)
            srv.stop()
            srv.start()  # same database, a new port
            wait_for(lambda: pub.sent >= 90 or pub.error, what="90 published")
            sink.start()  # subscriber back
            pub.join(timeout=120)
            assert pub.error is None, pub.error
            assert pub.sent == total

            def delivered():
                return {ln["body"]["resourceUrl"] for ln in sink.received("/e2e", kanaal)}

            wait_for(lambda: pub.committed <= delivered(), seconds=60, what="every committed notification")
            got = sink.received("/e2e", kanaal)
            urls = [ln["body"]["resourceUrl"] for ln in got]
            assert set(urls) <= pub.attempted, "a notification nobody published was delivered"
            assert {ln["auth"] for ln in got} == {"Bearer e2e"}
            for hoofd in hoofden:  # per hoofdObject in publishing order (a repeat may follow itself only)
                seq = [int(u.rsplit("/", 1)[1]) for u in urls if u.startswith(hoofd + "/")]
                assert seq == sorted(seq), f"out of order for {hoofd}: {seq}"
        finally:
            sink.kill()


# ------------------------------------------------------------------------------------------------
# (e) two nodes on one database: every message delivered once when nothing crashes
# ------------------------------------------------------------------------------------------------
def test_two_nodes_deliver_each_message_once(server, admin, http, sink, tmp_path_factory):
    node_b = Server(thorbecke_bin(), "sqlite", tmp_path_factory.mktemp("node-b"))
    node_b.db_url = server.db_url  # the same database: SQLite file or PostgreSQL
    node_b.extra_args = list(MODULE_ARGS)
    node_b.start()
    try:
        admin_b = zgw.Api(node_b.base_url, "admin", "admin-secret", http)
        kanaal = make_kanaal(admin)
        make_abonnement(admin, sink.url("/twee"), "x", [{"naam": kanaal}])
        hoofden = [f"https://zaken.example.com/zaken/{uuidlib.uuid4()}" for _ in range(10)]
        total = 120
        for n in range(total):
            publish(admin if n % 2 else admin_b, message(kanaal, hoofden[n % len(hoofden)], n))
        wait_for(lambda: len(sink.received("/twee", kanaal)) >= total, seconds=60, what="all deliveries")
        time.sleep(1.0)  # a second delivery would show up now
        urls = [ln["body"]["resourceUrl"] for ln in sink.received("/twee", kanaal)]
        assert len(urls) == total and len(set(urls)) == total
        for hoofd in hoofden:
            seq = [int(u.rsplit("/", 1)[1]) for u in urls if u.startswith(hoofd + "/")]
            assert seq == sorted(seq)
    finally:
        node_b.stop()
