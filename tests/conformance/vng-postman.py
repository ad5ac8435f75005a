#!/usr/bin/env python3
"""The VNG ZGW compliance collections (../shared/tests/zgw-postman) against a fresh Thorbecke, compared with
tests/conformance/known-deviations.md.

    vng-postman.py [--engine sqlite|postgresql|all] [--suite vng-api|vng-oas|all] [--out DIR] [--deviations MD]

For each engine (sqlite; postgresql only when THORBECKE_TEST_PG_URL is set, on a database made for the run) and
each collection: a fresh data dir (and database), the two fixture clients provisioned with the CLI
(`clients add --client-id zgw_api_tests --secret secret --all-rights`, `clients secret --client-id
zgw_api_tests_limited --secret secret_limited`), THORBECKE_BIN started on a free port, the collection run with
../shared/tests/zgw-postman/run.sh (NEWMAN: <repo>/node_modules/.bin/newman unless set) with its mock on another
free port.  The newman reports stay in --out (default ./vng-postman, i.e. the ctest build dir) per engine.

Then:
* every failed assertion (and every request or test-script error) of the run must be listed in
  known-deviations.md (collection, request name, assertion name), and every listed case must still fail (a
  listed case that passes, or no longer runs, fails this test: the list stays true);
* every response the run received from Thorbecke is validated against the OAS with tests/api/contract.py
  (responses of the mock and non-ZGW URLs are not checked); a mismatch is a failure of the assertion
  "(OAS response check)" of that request, judged like the others (so it can only be listed with a reason).
A summary per engine and collection is printed; the exit status is 0 only when all of that holds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "api"))

import contract  # noqa: E402  (tests/api)

POSTMAN = Path(os.environ.get("THORBECKE_POSTMAN", REPO.parent / "shared" / "tests" / "zgw-postman"))
DEVIATIONS = HERE / "known-deviations.md"
SUITES = ("vng-api", "vng-oas")
REQUEST_ERROR = "(request error)"
SCRIPT_ERROR = "(test script error)"
OAS_CHECK = "(OAS response check)"  # contract.py's check of the response, as one more assertion per request


def free_port() -> int:
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------------
# known-deviations.md
# ------------------------------------------------------------------------------------------------
def cell(text: str) -> str:
    """A table cell as written -> its text (`\\|` stands for a pipe, backticks around the whole are dropped)."""
    text = text.strip().replace("\\|", "|")
    if len(text) >= 2 and text[0] == "`" and text[-1] == "`":
        text = text[1:-1]
    return text


def load_deviations(path: Path) -> dict[tuple[str, str, str], str]:
    """Rows of the Markdown table whose first column is a collection name: (collection, request, assertion) ->
    reason."""
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.lstrip().startswith("|"):
            continue
        cols = [cell(c) for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cols) < 4 or cols[0] not in SUITES:
            continue  # header, separator or another table
        key = (cols[0], cols[1], cols[2])
        if not cols[3]:
            raise SystemExit(f"{path}:{n}: a known deviation needs a reason: {line}")
        if key in out:
            raise SystemExit(f"{path}:{n}: listed twice: {key}")
        out[key] = cols[3]
    return out


# ------------------------------------------------------------------------------------------------
# a newman report
# ------------------------------------------------------------------------------------------------
def outcomes(report: dict, suite: str) -> tuple[set, set]:
    """(failed keys, passed keys) of one run; a key is (collection, request name, assertion name).  A key that
    failed in one execution and passed in another counts as failed."""
    failed, passed = set(), set()
    run = report["run"]
    for ex in run["executions"]:
        name = ex["item"]["name"]
        if "requestError" in ex:
            failed.add((suite, name, REQUEST_ERROR))
        else:
            passed.add((suite, name, REQUEST_ERROR))
        for a in ex.get("assertions") or []:
            (failed if a.get("error") else passed).add((suite, name, a["assertion"]))
    for f in run.get("failures") or []:
        at = f.get("at") or ""
        name = (f.get("source") or {}).get("name", "?")
        if at == "request":
            failed.add((suite, name, REQUEST_ERROR))
        elif not at.startswith("assertion"):
            failed.add((suite, name, SCRIPT_ERROR))
    return failed, passed - failed


class _Request:
    def __init__(self, method, url):
        self.method = method
        self.url = url


class _Response:
    """What contract.ContractChecker.check reads of a requests.Response, from a newman execution."""

    def __init__(self, ex: dict, url: str):
        resp = ex["response"]
        self.request = _Request(ex["request"]["method"], url)
        self.status_code = resp["code"]
        self.headers = _Headers(resp.get("header") or [])
        stream = resp.get("stream") or {}
        self.content = bytes(stream.get("data") or []) if isinstance(stream, dict) else b""

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


class _Headers:
    def __init__(self, pairs):
        self._h = {}
        for p in pairs:
            self._h.setdefault(p["key"].lower(), p["value"])

    def get(self, key, default=None):
        return self._h.get(key.lower(), default)


def request_url(req: dict) -> str:
    u = req["url"]
    if isinstance(u, str):
        return u
    host = ".".join(u.get("host") or [])
    port = f":{u['port']}" if u.get("port") else ""
    path = "/" + "/".join(u.get("path") or [])
    query = "&".join(f"{q['key']}={q.get('value') or ''}" for q in u.get("query") or [] if not q.get("disabled"))
    return f"{u.get('protocol', 'http')}://{host}{port}{path}" + (f"?{query}" if query else "")


def contract_outcomes(report: dict, suite: str, server_port: int, checker: contract.ContractChecker):
    """(responses checked, failed keys, passed keys, {key: [(method, path, status, error)]}) of the run's Thorbecke
    responses; the key's assertion is OAS_CHECK."""
    bad, checked, failed, passed = {}, 0, set(), set()
    for ex in report["run"]["executions"]:
        if "response" not in ex or "requestError" in ex:
            continue
        url = request_url(ex["request"])
        parts = urlsplit(url)
        if parts.port != server_port or parts.hostname not in ("localhost", "127.0.0.1"):
            continue  # the mock server or another host
        before = checker.checked
        key = (suite, ex["item"]["name"], OAS_CHECK)
        try:
            checker.check(_Response(ex, url))
        except contract.ContractError as exc:
            failed.add(key)
            bad.setdefault(key, []).append((ex["request"]["method"], parts.path, ex["response"]["code"], str(exc)))
        else:
            passed.add(key)
        checked += checker.checked - before
    return checked, failed, passed - failed, bad


# ------------------------------------------------------------------------------------------------
# the server
# ------------------------------------------------------------------------------------------------
def pg_database(base_url: str) -> tuple[str, str]:
    """A new database on the server of base_url: (name, its URL)."""
    import api_conftest
    return api_conftest._pg_create_database(base_url)


def pg_drop(base_url: str, name: str) -> None:
    import api_conftest
    api_conftest._pg_drop_database(base_url, name)


def load_api_conftest():
    import importlib.util
    if "api_conftest" not in sys.modules:
        spec = importlib.util.spec_from_file_location("api_conftest", REPO / "tests" / "api" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["api_conftest"] = module
        spec.loader.exec_module(module)


def served_port(env_file: Path) -> int:
    """The port Thorbecke served a run on, from the Postman environment run.sh wrote for it."""
    try:
        env = json.loads(env_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    for v in env.get("values", []):
        parts = urlsplit(str(v.get("value", "")))
        if parts.path.startswith("/zaken/api/v1") and parts.port:
            return parts.port
    return 0


def run_suite(binary: Path, engine: str, suite: str, out: Path, newman: str) -> dict:
    """One collection against a fresh server; returns {report, port} (report None when newman produced none)."""
    out.mkdir(parents=True, exist_ok=True)
    data = out / f"{suite}-data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    pg_name = None
    if engine == "postgresql":
        base = os.environ["THORBECKE_TEST_PG_URL"]
        pg_name, db = pg_database(base)
    else:
        db = f"sqlite://{data}/thorbecke.db"
    proc = None
    log = open(out / f"{suite}-server.log", "wb")
    try:
        for args in (["clients", "add", "--db", db, "--client-id", "zgw_api_tests", "--secret", "secret",
                      "--all-rights"],
                     ["clients", "secret", "--db", db, "--client-id", "zgw_api_tests_limited", "--secret",
                      "secret_limited"]):
            subprocess.run([str(binary), *args], check=True, capture_output=True, timeout=120)
        port = free_port()
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        proc = subprocess.Popen([str(binary), "serve", "--port", str(port), "--db", db, "--data-dir", str(data),
                                 "--notificaties-allowed-hosts", "localhost,127.0.0.1", "--no-access-log"],
                                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        import requests
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"thorbecke serve exited with {proc.returncode}; see {log.name}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"thorbecke serve not ready after 60 s; see {log.name}")
            time.sleep(0.1)
        env = dict(os.environ, OUT=str(out), NEWMAN=newman, MOCK_PORT=str(free_port()))
        # run.sh's own summary goes to <suite>.txt; its exit status is judged below against the deviations
        subprocess.run(["bash", str(POSTMAN / "run.sh"), suite, f"http://localhost:{port}"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1500)
        report_path = out / f"{suite}.json"
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
        return {"report": report, "port": port}
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        if pg_name:
            pg_drop(os.environ["THORBECKE_TEST_PG_URL"], pg_name)


# ------------------------------------------------------------------------------------------------
def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engine", default="all", choices=["sqlite", "postgresql", "all"])
    p.add_argument("--suite", default="all", choices=[*SUITES, "all"])
    p.add_argument("--out", default="vng-postman")
    p.add_argument("--deviations", default=str(DEVIATIONS), help="the known deviations (default: %(default)s)")
    p.add_argument("--report", nargs="?", const="", default=None,
                   help="judge the newman reports already in --out instead of running (e.g. after editing the "
                   "deviations); optionally SUITE=PORT,... for the port Thorbecke served on (default: from the "
                   "run's <suite>.env.json)")
    args = p.parse_args()

    binary = Path(os.environ.get("THORBECKE_BIN", REPO / "build/asan/src/app/thorbecke"))
    newman = os.environ.get("NEWMAN", str(REPO / "node_modules" / ".bin" / "newman"))
    if args.report is None:
        if not binary.exists():
            print(f"vng-postman: THORBECKE_BIN {binary} not found", file=sys.stderr)
            return 2
        if not Path(newman.split()[0]).exists() and not shutil.which(newman.split()[0]):
            print(f"vng-postman: newman not found ({newman}); scripts/install-deps.sh installs it", file=sys.stderr)
            return 2
    if not POSTMAN.is_dir():
        print(f"vng-postman: {POSTMAN} not found", file=sys.stderr)
        return 2
    load_api_conftest()
    deviations = load_deviations(Path(args.deviations))
    suites = SUITES if args.suite == "all" else (args.suite,)
    engines = ["sqlite", "postgresql"] if args.engine == "all" else [args.engine]
    if "postgresql" in engines and not os.environ.get("THORBECKE_TEST_PG_URL") and args.report is None:
        if args.engine == "postgresql":
            print("vng-postman: THORBECKE_TEST_PG_URL not set: PostgreSQL skipped")
            return 77  # ctest's SKIP_RETURN_CODE
        print("vng-postman: THORBECKE_TEST_PG_URL not set: PostgreSQL skipped")
        engines.remove("postgresql")
    ports = dict(kv.split("=") for kv in args.report.split(",")) if args.report else {}
    judging = args.report is not None

    ok = True
    checker = contract.ContractChecker()
    if not checker.enabled:
        print("vng-postman: the OAS specs folder is missing: responses are not validated", file=sys.stderr)
        ok = False
    lines = []
    for engine in engines:
        for suite in suites:
            out = Path(args.out) / engine
            if judging:
                rp = out / f"{suite}.json"
                result = {"report": json.loads(rp.read_text()) if rp.exists() else None,
                          "port": int(ports.get(suite) or served_port(out / f"{suite}.env.json"))}
            else:
                print(f"== {engine} {suite}: running (reports in {out})", flush=True)
                result = run_suite(binary, engine, suite, out, newman)
            report = result["report"]
            head = f"{engine:10s} {suite:8s}"
            if report is None:
                lines.append(f"FAIL {head} newman wrote no report (see {out}/{suite}.newman.log)")
                ok = False
                continue
            st = report["run"]["stats"]
            failed, passed = outcomes(report, suite)
            checked, oas_failed, oas_passed, bad = contract_outcomes(report, suite, result["port"], checker)
            failed |= oas_failed
            passed = (passed | oas_passed) - failed
            listed = {k for k in deviations if k[0] == suite}
            unexpected = sorted(failed - listed)
            confirmed = sorted(failed & listed)
            now_pass = sorted(listed & passed)
            not_run = sorted(listed - failed - passed)
            good = not (unexpected or now_pass or not_run)
            ok = ok and good
            lines.append(f"{'ok  ' if good else 'FAIL'} {head} requests {st['requests']['total']}, assertions "
                         f"{st['assertions']['total']} (failed {st['assertions']['failed']}); known deviations "
                         f"{len(confirmed)} confirmed; unexpected failures {len(unexpected)}; listed but passing "
                         f"{len(now_pass)}; listed but not run {len(not_run)}; responses checked against the OAS "
                         f"{checked}, not matching {sum(len(v) for v in bad.values())}")
            for title, keys in (("unexpected failures (fix them, or list them with the standard's reason)",
                                 unexpected),
                                ("listed in known-deviations.md but passing now (remove them)", now_pass),
                                ("listed in known-deviations.md but not run", not_run)):
                if keys:
                    lines.append(f"     {title}:")
                    for k in keys:
                        lines.append(f"       | {k[0]} | {k[1]} | {k[2]} |")
                        for method, path, code, err in bad.get(k, [])[:3] if k in unexpected else ():
                            lines.append(f"           {method} {path} -> {code}")
                            lines.extend("             " + x for x in err.splitlines()[1:4])
    print(f"\n== vng-postman summary (known deviations: {args.deviations})")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
