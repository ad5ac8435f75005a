"""Fixtures of the algorithm register's API tests: those of the API suite (tests/api), reused, not copied.

tests/support/api_fixtures.py puts tests/api on sys.path and loads its conftest.py as `api_conftest`, so
`running_server`, engines() and the Server class are the same.  The `server` fixture here starts Thorbecke per
module and engine with the staff accounts of register_support.ACCOUNTS, created with the CLI
(`thorbecke accounts add` / `accounts token`) before the start.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
from api_fixtures import load_api_conftest  # noqa: E402

load_api_conftest()
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from api_conftest import *  # noqa: E402,F401,F403  (hooks: stop servers at session end)
from api_conftest import engines, running_server  # noqa: E402

import register_support as rs  # noqa: E402


@pytest.fixture(scope="module", params=engines())
def server(request, tmp_path_factory):
    """A server per engine with the staff accounts of rs.ACCOUNTS; `server.tokens[username]` is each
    account's API token."""
    tokens: dict[str, str] = {}

    def add_accounts(srv):
        tokens.update(rs.create_accounts(srv))

    with running_server(tmp_path_factory, request.param, add_clients=add_accounts) as srv:
        srv.tokens = tokens
        yield srv


@pytest.fixture(scope="module")
def http(server):
    s = requests.Session()
    yield s
    s.close()


@pytest.fixture(scope="module")
def staff(server, http):
    """username -> rs.Register acting with that account's token."""
    return {name: rs.Register(server.base_url, token, http) for name, token in server.tokens.items()}


@pytest.fixture(scope="module")
def public(server, http):
    return rs.Register(server.base_url, None, http)
