"""What the notification tests share: subscriber processes (notify_sink.py) and the server flags that make
delivery fast enough for a test (short back-off and time-outs, loopback callbacks allowed)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import requests

from conftest import free_port

SINK = Path(__file__).resolve().parent / "notify_sink.py"

# Short delivery settings so retries happen within a test, and callbacks on the loopback address allowed.
FAST_DELIVERY = ["--notificaties-allowed-hosts", "127.0.0.1,localhost", "--notificaties-timeout-ms", "2000",
                 "--notificaties-backoff-ms", "50", "--notificaties-backoff-max-ms", "400",
                 "--notificaties-poll-ms", "200"]


class Sink:
    """A notify_sink.py process on a fixed port (kept across restarts) writing to `out`."""

    def __init__(self, workdir: Path, fail_first: int = 0):
        self.port = free_port()
        self.out = workdir / f"sink-{self.port}.jsonl"
        self.fail_first = fail_first
        self.proc = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "Sink":
        args = [sys.executable, str(SINK), "--port", str(self.port), "--out", str(self.out)]
        if self.fail_first:
            args += ["--fail-first", str(self.fail_first)]
        self.fail_first = 0  # a restarted sink answers normally
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout.readline().strip() == "ready"
        return self

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def control(self, **cmd) -> None:
        requests.post(self.url("/_control"), json=cmd, timeout=5).raise_for_status()

    def lines(self) -> list[dict]:
        if not self.out.exists():
            return []
        out = []
        for line in self.out.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass  # a line cut short by a kill
        return out

    def received(self, path: str | None = None, kanaal: str | None = None) -> list[dict]:
        """Acknowledged notifications (2xx), in arrival order."""
        return [ln for ln in self.lines()
                if 200 <= ln["status"] < 300 and isinstance(ln["body"], dict)
                and (path is None or ln["path"] == path)
                and (kanaal is None or ln["body"].get("kanaal") == kanaal)]


def wait_for(check, seconds: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        time.sleep(0.05)
