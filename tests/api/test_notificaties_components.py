"""What Thorbecke's own components announce, black-box over HTTP on both engines: a subscriber (a real
notify_sink.py process) takes abonnementen on the kanalen of the Catalogi, Zaken, Documenten and Besluiten APIs,
and every create/update/delete arrives with the kanaal's kenmerken (../shared/specs/zgw/rules/scopes-kanalen);
a write that is refused halfway announces nothing (the outbox is written in the write's transaction).
"""

from __future__ import annotations

import base64
import os
import signal
import threading
import time

import pytest
import requests

import conftest
import zaken_support as zs
import zgw
from conftest import running_server
from notify_support import FAST_DELIVERY, Sink, wait_for
from zgw import describe

NRC = "/notificaties/api/v1"
DRC = "/documenten/api/v1"
BRC = "/besluiten/api/v1"

server = conftest.server_fixture(extra_args=FAST_DELIVERY)


@pytest.fixture(scope="module")
def sink(server, tmp_path_factory):
    s = Sink(tmp_path_factory.mktemp("sink")).start()
    yield s
    s.kill()


class Setup:
    """A published zaaktype with a statustype, an informatieobjecttype and a besluittype, and one abonnement
    per kanaal of the components, each on its own callback path."""

    KANALEN = ("zaken", "documenten", "besluiten", "zaaktypen", "informatieobjecttypen", "besluittypen",
               "autorisaties")

    def __init__(self, api: zgw.Api, sink: Sink):
        for kanaal in self.KANALEN:
            r = api.post(api.base_url + NRC + "/abonnement", {
                "callbackUrl": sink.url(f"/{kanaal}"), "auth": "Bearer componenten",
                "kanalen": [{"naam": kanaal, "filters": {}}]})
            assert r.status_code == 201, describe(r)
        f = zgw.Factory(api)
        self.catalogus = f.catalogus()["url"]
        self.iot = f.informatieobjecttype(self.catalogus)["url"]
        self.iot_other = f.informatieobjecttype(self.catalogus)["url"]  # not one the besluittype allows
        self.besluittype = f.besluittype(self.catalogus, informatieobjecttypen=[self.iot])["url"]
        self.zaaktype = f.zaaktype(self.catalogus, besluittypen=[self.besluittype])["url"]
        self.statustype = f.statustype(self.zaaktype, volgnummer=1)["url"]
        f.statustype(self.zaaktype, volgnummer=2)  # the eindstatus: the first one does not close the zaak
        f.ziot(self.zaaktype, self.iot)
        for url in (self.iot, self.iot_other, self.besluittype, self.zaaktype):
            f.publish(url)
        self.base_url = api.base_url

    def base_form(self, url: str, base_url: str) -> str:
        """`url` as a server at `base_url` names it (the port changes when a server restarts)."""
        return base_url + url[len(self.base_url):]


@pytest.fixture(scope="module")
def setup(admin, sink):
    return Setup(admin, sink)


def arrived(sink: Sink, kanaal: str, resource_url: str, actie: str) -> dict:
    """The notification of one write, waited for."""
    def find():
        for line in sink.received(f"/{kanaal}"):
            body = line["body"]
            if body.get("resourceUrl") == resource_url and body.get("actie") == actie:
                return line
        return None
    line = wait_for(find, what=f"{kanaal} {actie} {resource_url}")
    assert line["auth"] == "Bearer componenten"
    return line["body"]


def test_catalogi_types_announced_with_their_catalogus(setup, sink):
    for kanaal, url, resource in (("zaaktypen", setup.zaaktype, "zaaktype"),
                                  ("informatieobjecttypen", setup.iot, "informatieobjecttype"),
                                  ("besluittypen", setup.besluittype, "besluittype")):
        body = arrived(sink, kanaal, url, "create")
        assert body["kanaal"] == kanaal
        assert body["hoofdObject"] == url
        assert body["resource"] == resource
        assert body["kenmerken"] == {"catalogus": setup.catalogus}


def test_zaak_and_its_objects_announced_on_the_zaken_kanaal(admin, setup, sink):
    zrc = zs.Zrc(admin)
    zaak = zrc.create("/zaken", zs.zaak_payload(setup.zaaktype, vertrouwelijkheidaanduiding="intern"))["url"]
    kenmerken = {"bronorganisatie": zs.BRONORGANISATIE, "zaaktype": setup.zaaktype,
                 "vertrouwelijkheidaanduiding": "intern"}
    body = arrived(sink, "zaken", zaak, "create")
    assert body["hoofdObject"] == zaak and body["resource"] == "zaak"
    assert body["kenmerken"] == kenmerken
    status = zrc.create("/statussen", {"zaak": zaak, "statustype": setup.statustype,
                                       "datumStatusGezet": "2026-03-01T10:00:00Z"})["url"]
    body = arrived(sink, "zaken", status, "create")
    assert body["hoofdObject"] == zaak and body["resource"] == "status"
    assert body["kenmerken"] == kenmerken
    resp = zrc.patch(zaak, {"omschrijving": "gewijzigd"})
    assert resp.status_code == 200, describe(resp)
    arrived(sink, "zaken", zaak, "partial_update")
    assert zrc.delete(zaak).status_code == 204
    body = arrived(sink, "zaken", zaak, "destroy")
    assert body["kenmerken"] == kenmerken


def document(admin, iot: str) -> str:
    resp = admin.post(DRC + "/enkelvoudiginformatieobjecten", {
        "bronorganisatie": zs.BRONORGANISATIE, "creatiedatum": "2026-03-01", "titel": "Brief", "auteur": "Balie",
        "taal": "nld", "informatieobjecttype": iot, "vertrouwelijkheidaanduiding": "openbaar",
        "inhoud": base64.b64encode(b"brief").decode(), "bestandsnaam": "brief.txt", "formaat": "text/plain"})
    assert resp.status_code == 201, describe(resp)
    return resp.json()["url"]


def test_documents_announced_on_the_documenten_kanaal(admin, setup, sink):
    doc = document(admin, setup.iot)
    body = arrived(sink, "documenten", doc, "create")
    assert body["resource"] == "enkelvoudiginformatieobject" and body["hoofdObject"] == doc
    assert body["kenmerken"] == {"bronorganisatie": zs.BRONORGANISATIE, "informatieobjecttype": setup.iot,
                                 "vertrouwelijkheidaanduiding": "openbaar"}
    recht = admin.post(DRC + "/gebruiksrechten", {"informatieobject": doc, "startdatum": "2026-03-01T00:00:00Z",
                                                  "omschrijvingVoorwaarden": "geen"})
    assert recht.status_code == 201, describe(recht)
    body = arrived(sink, "documenten", recht.json()["url"], "create")
    assert body["hoofdObject"] == doc and body["resource"] == "gebruiksrechten"
    assert admin.delete(recht.json()["url"]).status_code == 204
    assert admin.delete(doc).status_code == 204
    arrived(sink, "documenten", doc, "destroy")


def test_besluiten_announced_and_a_refused_write_announces_nothing(admin, setup, sink):
    resp = admin.post(BRC + "/besluiten", {"verantwoordelijkeOrganisatie": zs.BRONORGANISATIE,
                                           "besluittype": setup.besluittype, "datum": "2026-03-01",
                                           "ingangsdatum": "2026-03-02"})
    assert resp.status_code == 201, describe(resp)
    besluit = resp.json()["url"]
    body = arrived(sink, "besluiten", besluit, "create")
    assert body["kenmerken"] == {"verantwoordelijke_organisatie": zs.BRONORGANISATIE,
                                 "besluittype": setup.besluittype}
    # besluit_verwerken writes the besluit first and is then refused on its second besluitinformatieobject: the
    # whole transaction rolls back, its notifications with it.
    ok_doc = document(admin, setup.iot)
    refused_doc = document(admin, setup.iot_other)
    identificatie = zgw.uniq("BESLUIT-NOTIF-")
    refused = admin.post(BRC + "/besluit_verwerken", {
        "besluit": {"verantwoordelijkeOrganisatie": zs.BRONORGANISATIE, "identificatie": identificatie,
                    "besluittype": setup.besluittype, "datum": "2026-03-01", "ingangsdatum": "2026-03-02"},
        "besluitinformatieobjecten": [{"informatieobject": ok_doc},
                                      {"informatieobject": refused_doc}]})
    assert refused.status_code == 400, describe(refused)
    # A later write on the same kanaal arrives; nothing of the refused one arrived before it (per kanaal the
    # dispatcher delivers in commit order).
    assert admin.delete(besluit).status_code == 204
    arrived(sink, "besluiten", besluit, "destroy")
    announced = [ln["body"] for ln in sink.received("/besluiten")]
    assert not [b for b in announced if b["actie"] == "create" and b["resourceUrl"] != besluit
                and b["resource"] == "besluit"], announced


def test_applicaties_announced_on_the_autorisaties_kanaal(admin, setup, sink):
    resp = admin.post(admin.base_url + "/autorisaties/api/v1/applicaties", {
        "clientIds": [zgw.uniq("balie-")], "label": "Balie", "heeftAlleAutorisaties": False,
        "autorisaties": [{"component": "ztc", "scopes": ["catalogi.lezen"]}]})
    assert resp.status_code == 201, describe(resp)
    applicatie = resp.json()["url"]
    body = arrived(sink, "autorisaties", applicatie, "create")
    assert body["resource"] == "applicatie" and body["hoofdObject"] == applicatie and body["kenmerken"] == {}
    assert admin.patch(applicatie, {"label": "Balie 2"}).status_code == 200
    arrived(sink, "autorisaties", applicatie, "partial_update")
    assert admin.delete(applicatie).status_code == 204
    arrived(sink, "autorisaties", applicatie, "destroy")


def test_filters_on_kenmerken_select_what_arrives(admin, setup, sink, tmp_path_factory):
    other = Sink(tmp_path_factory.mktemp("filtered")).start()
    try:
        r = admin.post(admin.base_url + NRC + "/abonnement", {
            "callbackUrl": other.url("/intern"), "auth": "Bearer filter",
            "kanalen": [{"naam": "zaken", "filters": {"vertrouwelijkheidaanduiding": "intern"}}]})
        assert r.status_code == 201, describe(r)
        zrc = zs.Zrc(admin)
        open_zaak = zrc.create("/zaken", zs.zaak_payload(setup.zaaktype, vertrouwelijkheidaanduiding="openbaar"))
        intern = zrc.create("/zaken", zs.zaak_payload(setup.zaaktype, vertrouwelijkheidaanduiding="intern"))
        wait_for(lambda: [ln for ln in other.received("/intern") if ln["body"]["resourceUrl"] == intern["url"]],
                 what="the zaak that matches the filter")
        arrived(sink, "zaken", open_zaak["url"], "create")  # delivered elsewhere by now, in order
        assert not [ln for ln in other.received("/intern") if ln["body"]["resourceUrl"] == open_zaak["url"]]
    finally:
        other.kill()


class ZaakWriter(threading.Thread):
    """Creates zaken, each followed by a status, through whatever server `base()` names at the time; a request
    that fails for want of a server is made again (it may have been committed: then there are two)."""

    def __init__(self, base, setup: Setup, count: int):
        super().__init__(daemon=True)
        self.base, self.setup, self.count = base, setup, count
        self.committed: list[tuple[str, str]] = []  # (zaak uuid, status uuid) answered 201
        self.error = None

    def post(self, http, path: str, make_body, find_committed=None) -> dict:
        """POSTs make_body(base) to the server of the moment: every URL in the body names that same server.
        When an attempt failed without an answer and a later one is refused as a duplicate, the first attempt
        was committed: find_committed(api, base) returns what it wrote."""
        unanswered = False
        while True:
            base = self.base()
            try:
                api = zs.Zrc(zgw.Api(base, "admin", "admin-secret", http))
                r = api.post(path, make_body(base), check=False, timeout=5)
            except requests.RequestException:
                unanswered = True
                time.sleep(0.05)
                continue
            if r.status_code == 201:
                return r.json()
            if r.status_code == 400 and unanswered and find_committed and '"code":"unique"' in r.text:
                found = find_committed(api, base)
                if found:
                    return found
            if r.status_code < 500:
                raise AssertionError(describe(r))
            time.sleep(0.05)

    def run(self):
        try:
            http = requests.Session()
            setup = self.setup
            for _ in range(self.count):
                zaak = self.post(http, "/zaken", lambda b: zs.zaak_payload(setup.base_form(setup.zaaktype, b)))
                status = self.post(http, "/statussen", lambda b, z=zaak["uuid"]: {
                    "zaak": f"{b}{zs.ZRC}/zaken/{z}", "statustype": setup.base_form(setup.statustype, b),
                    "datumStatusGezet": "2026-03-01T10:00:00Z"}, find_committed=lambda api, b, z=zaak["uuid"]: (
                    api.get("/statussen", params={"zaak": f"{b}{zs.ZRC}/zaken/{z}"}).json()["results"] or [None])[0])
                self.committed.append((zaak["uuid"], status["uuid"]))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def test_zaken_stream_survives_subscriber_and_server_crashes(server, tmp_path_factory):
    """The issue's end-to-end case with the Zaken API as producer: the subscriber is stopped and restarted
    mid-stream and Thorbecke is SIGKILLed mid-stream; in the end every zaak in the database was announced exactly
    as it exists (no zaak announced that was rolled back by the kill), and each zaak's status after the zaak."""
    with running_server(tmp_path_factory, server.engine, extra_args=FAST_DELIVERY) as srv:
        http = requests.Session()
        sink = Sink(tmp_path_factory.mktemp("crash")).start()
        try:
            setup = Setup(srv.client("admin", http), sink)
            writer = ZaakWriter(lambda: srv.base_url, setup, 40)
            writer.start()
            wait_for(lambda: len(writer.committed) >= 10 or writer.error, what="10 zaken")
            sink.kill()
            wait_for(lambda: len(writer.committed) >= 20 or writer.error, what="20 zaken")
            os.killpg(srv.proc.pid, signal.SIGKILL)  # a write may be in flight
            srv.proc.wait(timeout=10)
            srv.stop()
            srv.start()  # same database, a new port
            wait_for(lambda: len(writer.committed) >= 30 or writer.error, what="30 zaken")
            sink.start()
            writer.join(timeout=120)
            assert writer.error is None, writer.error
            admin = zs.Zrc(srv.client("admin", http))
            listed = admin.get("/zaken", params={"zaaktype": setup.base_form(setup.zaaktype, srv.base_url)})
            assert listed.status_code == 200, describe(listed)
            existing = {z["uuid"] for z in listed.json()["results"]}
            assert {z for z, _ in writer.committed} <= existing

            def announced():
                return [ln["body"] for ln in sink.received("/zaken")]

            def uuid_of(url):
                return url.rstrip("/").rsplit("/", 1)[1]

            wait_for(lambda: existing <= {uuid_of(b["resourceUrl"]) for b in announced()
                                          if b["resource"] == "zaak" and b["actie"] == "create"},
                     seconds=60, what="every zaak announced")
            time.sleep(1)  # anything still on its way arrives now, invented or not
            bodies = announced()
            created = [uuid_of(b["resourceUrl"]) for b in bodies if b["resource"] == "zaak" and b["actie"] == "create"]
            assert set(created) == existing, "a zaak was announced that the database does not have"
            for zaak, status in writer.committed:
                order = [i for i, b in enumerate(bodies) if uuid_of(b["hoofdObject"]) == zaak]
                kinds = [bodies[i]["resource"] for i in order]
                assert kinds.index("zaak") < kinds.index("status"), f"out of order for zaak {zaak}: {kinds}"
                assert status in {uuid_of(bodies[i]["resourceUrl"]) for i in order}
        finally:
            sink.kill()
