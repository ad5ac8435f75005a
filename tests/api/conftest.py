"""Fixtures of the black-box API suite.

One Thorbecke server is started per test module and per database engine (`sqlite`, `postgres`):
the module-scoped `server` fixture is parametrised by engine, so every test runs against both.  Tests
isolate their data by creating their own catalogus / zaaktypen with unique names.

Environment:
  THORBECKE_BIN          server binary (default build/asan/src/app/thorbecke, then build/release/...)
  THORBECKE_TEST_PG_URL  libpq URL of a PostgreSQL server; unset -> the postgres variants are skipped
  THORBECKE_SPECS        specs folder for the OAS response checks (default ../shared/specs/zgw beside the repository)
  THORBECKE_TEST_ENGINES comma list to restrict engines (e.g. "sqlite")
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid as uuidlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

import contract
import zgw

REPO_ROOT = Path(__file__).resolve().parents[2]

# clients created in every server: id -> (secret, scopes or None for --all-rights)
CLIENTS = {
    "admin": ("admin-secret", None),
    "beheer": ("beheer-secret", ["ztc:catalogi.lezen", "ztc:catalogi.schrijven"]),
    "lezer": ("lezer-secret", ["ztc:catalogi.lezen"]),
    "schrijver": ("schrijver-secret", ["ztc:catalogi.schrijven"]),
    "forceer": ("forceer-secret", ["ztc:catalogi.lezen", "ztc:catalogi.schrijven",
                                   "ztc:catalogi.geforceerd-schrijven",
                                   "ztc:catalogi.geforceerd-verwijderen"]),
}

READY_TIMEOUT = float(os.environ.get("THORBECKE_TEST_READY_TIMEOUT", "60"))


def thorbecke_bin() -> Path | None:
    env = os.environ.get("THORBECKE_BIN")
    if env:
        p = Path(env)
        if not p.is_absolute():
            p = REPO_ROOT / p
        return p if p.exists() else None
    for rel in ("build/asan/src/app/thorbecke", "build/release/src/app/thorbecke"):
        p = REPO_ROOT / rel
        if p.exists():
            return p
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def engines():
    wanted = os.environ.get("THORBECKE_TEST_ENGINES")
    names = ["sqlite", "postgres"]
    if wanted:
        names = [n for n in names if n in {w.strip() for w in wanted.split(",")}]
    return names


def _pg_create_database(base_url: str) -> tuple[str, str]:
    name = "t_" + uuidlib.uuid4().hex[:16]
    subprocess.run(["psql", base_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True, text=True, timeout=60)
    parts = urlsplit(base_url)
    if parts.scheme in ("postgres", "postgresql"):
        url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    else:  # key=value conninfo
        kv = [p for p in base_url.split() if not p.startswith("dbname=")]
        url = " ".join(kv + [f"dbname={name}"])
    return name, url


def _pg_drop_database(base_url: str, name: str) -> None:
    subprocess.run(["psql", base_url, "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                   capture_output=True, text=True, timeout=60)


class Server:
    """A running `thorbecke serve` process."""

    def __init__(self, binary: Path, engine: str, workdir: Path, demo: bool = False):
        self.binary = binary
        self.engine = engine
        self.workdir = workdir
        self.demo = demo
        self.data_dir = workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.stderr_path = workdir / "server.stderr"
        self.stdout_path = workdir / "server.stdout"
        self.proc = None
        self.extra_args: list[str] = []
        self.pg_name = None
        self.port = None
        if engine == "sqlite":
            self.db_url = f"sqlite://{self.data_dir}/thorbecke.db"
        else:
            base = os.environ["THORBECKE_TEST_PG_URL"]
            self.pg_name, self.db_url = _pg_create_database(base)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args, check=True):
        res = subprocess.run([str(self.binary), *args], capture_output=True, text=True, timeout=120)
        if check and res.returncode != 0:
            raise RuntimeError(f"thorbecke {' '.join(args)} failed ({res.returncode}):\n"
                               f"{res.stdout}\n{res.stderr}")
        return res

    def add_client(self, client_id: str, secret: str, scopes=None):
        args = ["clients", "add", "--db", self.db_url, "--client-id", client_id, "--secret", secret]
        if scopes is None:
            args.append("--all-rights")
        else:
            for s in scopes:
                args += ["--scope", s]
        return self.cli(*args)

    def start(self):
        self.port = free_port()
        args = [str(self.binary), "serve", "--port", str(self.port), "--db", self.db_url,
                "--data-dir", str(self.data_dir)]
        if self.demo:
            args.append("--demo")
        args += self.extra_args
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        self.stderr_fh = open(self.stderr_path, "ab")
        self.stdout_fh = open(self.stdout_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.stdout_fh, stderr=self.stderr_fh, env=env,
                                     cwd=str(self.workdir), start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"thorbecke serve exited with {self.proc.returncode} before ready:\n"
                                   + self.stderr_tail())
            try:
                r = requests.get(self.base_url + "/readyz", timeout=2)
                if r.status_code == 200:
                    return self
                last = r.status_code
            except requests.RequestException as exc:
                last = exc
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"thorbecke serve not ready after {READY_TIMEOUT}s (last: {last}):\n"
                           + self.stderr_tail())

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for fh in ("stderr_fh", "stdout_fh"):
            if getattr(self, fh, None):
                getattr(self, fh).close()
                setattr(self, fh, None)

    def cleanup(self):
        if self.pg_name:
            _pg_drop_database(os.environ["THORBECKE_TEST_PG_URL"], self.pg_name)
            self.pg_name = None

    def stderr_size(self) -> int:
        try:
            return self.stderr_path.stat().st_size
        except OSError:
            return 0

    def stderr_tail(self, since: int = 0, max_lines: int = 120) -> str:
        try:
            with open(self.stderr_path, "rb") as fh:
                fh.seek(since)
                text = fh.read().decode("utf-8", "replace")
        except OSError:
            return ""
        lines = text.splitlines()
        if len(lines) > max_lines:
            lines = ["..."] + lines[-max_lines:]
        return "\n".join(lines)

    def client(self, client_id: str, session=None) -> zgw.Api:
        secret = CLIENTS[client_id][0] if client_id in CLIENTS else None
        return zgw.Api(self.base_url, client_id, secret, session)


def add_standard_clients(srv: Server, *client_ids: str) -> None:
    """Adds the named clients of CLIENTS (all of them when none is named)."""
    for cid in client_ids or CLIENTS:
        secret, scopes = CLIENTS[cid]
        srv.add_client(cid, secret, scopes)


def start_server(tmp_path_factory, engine: str, demo: bool = False, with_clients: bool = True, *,
                 extra_args=(), add_clients=None) -> Server:
    """A started server; the caller stops it.  Skips the test when the binary, or for `postgres`
    THORBECKE_TEST_PG_URL, is missing.  add_clients(srv) is called before the start; without it the standard
    CLIENTS are added (unless with_clients is false)."""
    binary = thorbecke_bin()
    if binary is None:
        pytest.skip("thorbecke binary not built (set THORBECKE_BIN or build build/asan)")
    if engine == "postgres" and not os.environ.get("THORBECKE_TEST_PG_URL"):
        pytest.skip("THORBECKE_TEST_PG_URL not set: PostgreSQL variant skipped")
    workdir = tmp_path_factory.mktemp(f"thorbecke-{engine}")
    srv = Server(binary, engine, workdir, demo=demo)
    srv.extra_args = list(extra_args)
    try:
        if add_clients is not None:
            add_clients(srv)
        elif with_clients:
            add_standard_clients(srv)
        srv.start()
    except Exception:
        srv.stop()
        srv.cleanup()
        raise
    return srv


_ACTIVE_SERVERS: list[Server] = []


@contextlib.contextmanager
def running_server(tmp_path_factory, engine: str, *, extra_args=(), add_clients=None, demo: bool = False):
    """A started server (see start_server) for a module-scoped `server` fixture: stopped by
    pytest_sessionfinish if the session ends early; on exit stopped, its PostgreSQL database dropped and its
    folder removed (kept when THORBECKE_TEST_KEEP is set)."""
    srv = start_server(tmp_path_factory, engine, demo=demo, extra_args=extra_args, add_clients=add_clients)
    _ACTIVE_SERVERS.append(srv)
    try:
        yield srv
    finally:
        srv.stop()
        srv.cleanup()
        _ACTIVE_SERVERS.remove(srv)
        if not os.environ.get("THORBECKE_TEST_KEEP"):
            shutil.rmtree(srv.workdir, ignore_errors=True)


def server_fixture(**kw):
    """A module-scoped `server` fixture, parametrised by engine (engines()), that runs
    running_server(..., **kw); a test module overrides this file's with `server = conftest.server_fixture(...)`."""

    @pytest.fixture(scope="module", params=engines())
    def server(request, tmp_path_factory):
        with running_server(tmp_path_factory, request.param, **kw) as srv:
            yield srv

    return server


server = server_fixture()


@pytest.fixture(scope="module")
def http(server):
    s = requests.Session()
    yield s
    s.close()


@pytest.fixture(scope="module")
def api(server, http) -> zgw.Api:
    """Client `beheer`: catalogi.lezen + catalogi.schrijven (no forced scopes)."""
    return server.client("beheer", http)


@pytest.fixture(scope="module")
def admin(server, http) -> zgw.Api:
    return server.client("admin", http)


@pytest.fixture(scope="module")
def lezer(server, http) -> zgw.Api:
    return server.client("lezer", http)


@pytest.fixture(scope="module")
def schrijver(server, http) -> zgw.Api:
    return server.client("schrijver", http)


@pytest.fixture(scope="module")
def forceer(server, http) -> zgw.Api:
    return server.client("forceer", http)


@pytest.fixture(scope="module")
def anon(server, http) -> zgw.Api:
    return zgw.Api(server.base_url, None, None, http)


@pytest.fixture(scope="module")
def make(api) -> zgw.Factory:
    return zgw.Factory(api)


@pytest.fixture
def catalogus(make):
    return make.catalogus()


@pytest.fixture
def zaaktype(make, catalogus):
    return make.zaaktype(catalogus["url"])


# ------------------------------------------------------------------------------------------------
# server stderr on failure
# ------------------------------------------------------------------------------------------------
@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_call(item):
    srv = item.funcargs.get("server") if hasattr(item, "funcargs") else None
    if srv is not None:
        item._thorbecke_stderr_offset = srv.stderr_size()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    srv = item.funcargs.get("server") if hasattr(item, "funcargs") else None
    if srv is None:
        return
    offset = getattr(item, "_thorbecke_stderr_offset", 0)
    tail = srv.stderr_tail(offset)
    if tail:
        report.sections.append((f"thorbecke stderr ({srv.engine})", tail))


def pytest_sessionfinish(session, exitstatus):
    for srv in list(_ACTIVE_SERVERS):
        srv.stop()
        srv.cleanup()
    chk = contract._checker
    if chk is not None and chk.enabled:
        tr = session.config.pluginmanager.getplugin("terminalreporter")
        if tr is not None:
            tr.write_line(f"[contract] {chk.checked} JSON responses validated against the OAS")
