"""Documenten API 1.4.2: document content, black-box over HTTP on both engines.

Inline content (base64 `inhoud`, stored as a blob, served by /download with formaat and bestandsnaam), the
configured size limits, and large files in parts (bestandsdelen): the locked upload, part size and lock checks,
incomplete uploads, assembly in order into the document's content, and a new upload for a next version.  The
server runs with small limits (1000-byte parts) so that several parts are cheap.
"""

from __future__ import annotations

import os

import pytest

import conftest
import documenten_support as ds
from documenten_support import drc  # noqa: F401  (fixture)
import zaken_support as zs
import zgw
from zgw import assert_problem, describe

PART = 1000
INLINE_MAX = 1_600_000  # above the server's default body limit (1 MiB), which a route can only raise
DOC_MAX = 1_000_000


server = conftest.server_fixture(
    extra_args=["--auth-cache-ms", "0", "--document-part-bytes", str(PART), "--document-inline-max-bytes",
                str(INLINE_MAX), "--document-max-bytes", str(DOC_MAX)],
    add_clients=ds.add_clients,
)


@pytest.fixture(scope="module")
def writer(server, drc) -> ds.Drc:
    """Every documenten scope except geforceerd-unlock: its unlock needs the lock."""
    scopes = ["lezen", "aanmaken", "bijwerken", "lock", "verwijderen"]
    zs.add_client(server, "drc-writer", "drc-writer-secret", [(f"drc:documenten.{s}", None, None) for s in scopes])
    return drc.as_client("drc-writer", "drc-writer-secret")


@pytest.fixture(scope="module")
def iot(api):
    return ds.iot(api)["url"]


def test_download_streams_content(drc, iot):
    data = os.urandom(5000)
    doc = drc.create("/enkelvoudiginformatieobjecten",
                     ds.eio_payload(iot, inhoud=ds.b64(data), formaat="application/pdf", bestandsnaam="rapport.pdf"))
    assert doc["bestandsomvang"] == 5000
    resp = drc.download(doc["url"])
    assert resp.status_code == 200, describe(resp)
    assert resp.content == data
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    plain = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, formaat="", bestandsnaam=""))
    resp = drc.download(plain["url"])
    assert resp.headers["Content-Type"] == "application/octet-stream"
    assert resp.content == b"hallo wereld"
    # equal content is stored once and still served per document
    twin = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=ds.b64(data)))
    assert drc.delete(doc["url"]).status_code == 204
    assert drc.download(twin["url"]).content == data


def test_no_content(drc, iot):
    doc = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=None))
    assert doc["inhoud"] is None and doc["bestandsomvang"] is None
    assert drc.download(doc["url"]).status_code == 204
    empty = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=None, bestandsomvang=0))
    assert empty["inhoud"] is not None and empty["bestandsomvang"] == 0 and empty["locked"] is False
    resp = drc.download(empty["url"])
    assert resp.status_code == 200 and resp.content == b""


def test_bad_base64(drc, iot):
    assert_problem(drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud="abc")), 400, "inhoud")
    assert_problem(drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud="ab!d")), 400, "inhoud")
    assert_problem(drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud="a=bc")), 400, "inhoud")
    resp = drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=ds.b64(b"abc"), bestandsomvang=4))
    assert_problem(resp, 400, "nonFieldErrors", "file-size")


def test_size_limits(drc, iot):
    too_big_body = ds.eio_payload(iot, inhoud=ds.b64(os.urandom(INLINE_MAX)))
    resp = drc.post("/enkelvoudiginformatieobjecten", too_big_body)
    assert_problem(resp, 413)
    over_max = ds.eio_payload(iot, inhoud=ds.b64(os.urandom(DOC_MAX + 3)))
    assert_problem(drc.post("/enkelvoudiginformatieobjecten", over_max), 400, "inhoud")
    upload = ds.eio_payload(iot, inhoud=None, bestandsomvang=DOC_MAX + 1)
    assert_problem(drc.post("/enkelvoudiginformatieobjecten", upload), 400, "bestandsomvang")
    # a body above the server's default limit (1 MiB) but within the document limits is taken
    data = os.urandom(900_000)
    ok = drc.post("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=ds.b64(data)))
    assert ok.status_code == 201, describe(ok)
    assert drc.download(ok.json()["url"]).content == data


def test_upload_in_parts(writer, iot):
    drc = writer
    data = os.urandom(2 * PART + 500)
    created = drc.post("/enkelvoudiginformatieobjecten",
                       ds.eio_payload(iot, inhoud=None, bestandsomvang=len(data), bestandsnaam="groot.bin"))
    assert created.status_code == 201, describe(created)
    doc = created.json()
    lock = doc["lock"]
    assert lock and doc["locked"] is True and doc["inhoud"] is None
    parts = doc["bestandsdelen"]
    assert [(p["volgnummer"], p["omvang"], p["voltooid"]) for p in parts] == [(1, PART, False), (2, PART, False),
                                                                            (3, 500, False)]
    # checks: size, lock, incomplete upload
    assert_problem(drc.put_part(parts[0]["url"], data[:PART - 1], lock), 400, "inhoud", "file-size")
    assert_problem(drc.put_part(parts[0]["url"], data[:PART], "wrong"), 400, "nonFieldErrors", "incorrect-lock-id")
    resp = drc.put_part(parts[2]["url"], data[2 * PART:], lock)
    assert resp.status_code == 200, describe(resp)
    assert resp.json()["voltooid"] is True and resp.json()["volgnummer"] == 3
    assert_problem(drc.post(doc["url"] + "/unlock", {"lock": lock}), 400, "nonFieldErrors", "incomplete-upload")
    now = drc.get(doc["url"]).json()
    assert [p["voltooid"] for p in now["bestandsdelen"]] == [False, False, True]
    assert drc.put_part(parts[0]["url"], data[:PART], lock).status_code == 200
    last = drc.put_part(parts[1]["url"], data[PART:2 * PART], lock)
    assert last.status_code == 200, describe(last)
    done = drc.get(doc["url"]).json()
    assert done["bestandsdelen"] == [] and done["bestandsomvang"] == len(data)
    assert done["inhoud"].endswith("/download?versie=1") and done["versie"] == 1
    assert drc.download(doc["url"]).content == data
    assert_problem(drc.put_part(parts[0]["url"], data[:PART], lock), 404)
    drc.unlock(doc["url"], lock)
    assert drc.get(doc["url"]).json()["locked"] is False


def test_new_upload_for_next_version(drc, iot):
    doc = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=ds.b64(b"oud")))
    lock = drc.lock(doc["url"])
    data = os.urandom(PART + 1)
    resp = drc.patch(doc["url"], {"inhoud": None, "bestandsomvang": len(data), "lock": lock})
    assert resp.status_code == 200, describe(resp)
    v2 = resp.json()
    assert v2["versie"] == 2 and v2["inhoud"] is None and len(v2["bestandsdelen"]) == 2
    for part, chunk in zip(v2["bestandsdelen"], (data[:PART], data[PART:])):
        assert drc.put_part(part["url"], chunk, lock).status_code == 200
    drc.unlock(doc["url"], lock)
    assert drc.download(doc["url"]).content == data
    assert drc.download(doc["url"], versie=1).content == b"oud"
    # PUT with a new size starts an upload too; a forced unlock abandons it
    lock = drc.lock(doc["url"])
    put = ds.eio_payload(iot, inhoud=None, bestandsomvang=10, lock=lock)
    v3 = drc.put(doc["url"], put).json()
    assert v3["versie"] == 3 and len(v3["bestandsdelen"]) == 1
    resp = drc.post(doc["url"] + "/unlock", {})  # admin holds every scope: forced
    assert resp.status_code == 204, describe(resp)
    after = drc.get(doc["url"]).json()
    assert after["bestandsdelen"] == [] and after["bestandsomvang"] is None and after["inhoud"] is None
    assert_problem(drc.put_part(v3["bestandsdelen"][0]["url"], b"0123456789", lock), 404)


def test_patch_restarts_unfinished_upload(drc, iot):
    data = os.urandom(PART + 10)
    doc = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=None, bestandsomvang=len(data)))
    lock = doc["lock"]
    assert drc.put_part(doc["bestandsdelen"][0]["url"], data[:PART], lock).status_code == 200
    # a new version while the upload is unfinished: its parts start again, for the new version
    v2 = drc.patch(doc["url"], {"titel": "nieuwe titel", "lock": lock}).json()
    assert v2["versie"] == 2 and [p["voltooid"] for p in v2["bestandsdelen"]] == [False, False]
    assert_problem(drc.put_part(doc["bestandsdelen"][0]["url"], data[:PART], lock), 404)
    for part, chunk in zip(v2["bestandsdelen"], (data[:PART], data[PART:])):
        assert drc.put_part(part["url"], chunk, lock).status_code == 200
    assert drc.download(doc["url"]).content == data


def test_part_requires_form_fields(drc, iot):
    doc = drc.create("/enkelvoudiginformatieobjecten", ds.eio_payload(iot, inhoud=None, bestandsomvang=10))
    part = doc["bestandsdelen"][0]["url"]
    headers = {"Authorization": f"Bearer {drc.token()}", "Accept": "application/json"}
    resp = drc.session.put(part, files={"other": ("x", b"1")}, data={"lock": doc["lock"]}, headers=headers)
    assert_problem(resp, 400, "inhoud", "required")
    resp = drc.session.put(part, files={"inhoud": ("x", b"0123456789")}, headers=headers)
    assert_problem(resp, 400, "lock", "required")
    drc.post(doc["url"] + "/unlock", {})


# ------------------------------------------------------------------------------------------------
# a large upload keeps the server's memory to a few parts
# ------------------------------------------------------------------------------------------------
LARGE_MB = int(os.environ.get("THORBECKE_TEST_LARGE_MB", "256"))  # 1024 for the full 1 GiB check
LARGE_PART_MB = 8


def _peak_rss_mb(pid) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_large_upload_memory_bounded(tmp_path_factory, monkeypatch, request):
    engine = "sqlite"
    # ASan keeps freed memory in quarantine (256 MiB by default); a small one lets the peak show what is in use.
    monkeypatch.setenv("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:quarantine_size_mb=16")
    args = ["--document-part-bytes", str(LARGE_PART_MB << 20), "--document-max-bytes", str(4 << 30)]
    with conftest.running_server(tmp_path_factory, engine, extra_args=args, add_clients=ds.add_clients) as srv:
        admin = ds.Drc(srv.client("admin"))
        api = srv.client("beheer")
        typ = ds.iot(api)["url"]
        size = LARGE_MB << 20
        created = admin.post("/enkelvoudiginformatieobjecten", ds.eio_payload(typ, inhoud=None, bestandsomvang=size))
        assert created.status_code == 201, describe(created)
        doc = created.json()
        parts = doc["bestandsdelen"]
        assert len(parts) == LARGE_MB // LARGE_PART_MB
        before = _peak_rss_mb(srv.proc.pid)
        chunk = os.urandom(LARGE_PART_MB << 20)
        import hashlib
        digest = hashlib.sha256()
        for i, part in enumerate(parts):
            data = chunk[i:] + chunk[:i]  # each part different, all of the same size
            digest.update(data)
            resp = admin.put_part(part["url"], data, doc["lock"])
            assert resp.status_code == 200, describe(resp)
        peak = _peak_rss_mb(srv.proc.pid)
        got = hashlib.sha256()
        with admin.session.get(doc["url"] + "/download", headers={"Authorization": f"Bearer {admin.token()}"},
                               stream=True, timeout=600) as resp:
            assert resp.status_code == 200
            for block in resp.iter_content(1 << 20):
                got.update(block)
        assert got.hexdigest() == digest.hexdigest()
        after_download = _peak_rss_mb(srv.proc.pid)
        # A part's body is held while it is stored (and once more by the HTTP parser); the whole document never is.
        allowed = 6 * LARGE_PART_MB + 64
        assert peak - before < allowed, f"peak RSS grew {peak - before:.0f} MiB for {LARGE_MB} MiB uploaded"
        assert after_download - before < allowed, f"download grew RSS by {after_download - before:.0f} MiB"
        print(f"\n{LARGE_MB} MiB in {LARGE_PART_MB} MiB parts: peak RSS {before:.0f} -> {peak:.0f} MiB upload, "
              f"{after_download:.0f} MiB after download")
