#!/usr/bin/env python3
"""A notification subscriber for the tests: a threaded HTTP server that appends every POST it receives as one
JSON line to a file, then answers.

    notify_sink.py --port 8123 --out /tmp/sink.jsonl [--fail-first N] [--fail-status 500]

Each line: {"path": "/a", "auth": "<Authorization header or null>", "status": <answer>, "body": <parsed JSON or
text>, "t": <time.time()>}.  The line is written (and flushed) before the answer goes out, so a delivery the
subscriber acknowledged is always in the file; a subscriber killed in between may get the message again.

--fail-first N answers the first N notification POSTs with --fail-status (they are recorded with that status).
POST /_control with {"fail": N, "status": 500} sets the same at run time (not recorded).  Prints "ready" once
it listens.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20


class Sink(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, out_path: str, fail_first: int, fail_status: int):
        super().__init__(address, Handler)
        self.lock = threading.Lock()
        self.out = open(out_path, "a", encoding="utf-8")
        self.fail_left = fail_first
        self.fail_status = fail_status

    def answer_for_next(self) -> int:
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return self.fail_status
            return 204

    def record(self, line: dict) -> None:
        with self.lock:
            self.out.write(json.dumps(line) + "\n")
            self.out.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, MAX_BODY)) if length else b""
        server: Sink = self.server  # type: ignore[assignment]
        if self.path == "/_control":
            cmd = json.loads(raw or b"{}")
            with server.lock:
                server.fail_left = int(cmd.get("fail", 0))
                server.fail_status = int(cmd.get("status", server.fail_status))
            self._answer(204)
            return
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        status = server.answer_for_next()
        server.record({"path": self.path, "auth": self.headers.get("Authorization"), "status": status,
                       "contentType": self.headers.get("Content-Type"), "body": body, "t": time.time()})
        self._answer(status)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--out", required=True)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-status", type=int, default=500)
    args = p.parse_args()
    sink = Sink((args.host, args.port), args.out, args.fail_first, args.fail_status)
    print("ready", flush=True)
    try:
        sink.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
