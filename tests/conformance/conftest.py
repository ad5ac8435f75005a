"""Fixtures of the conformance suite: those of the API suite (tests/api), reused, not copied.

tests/api is put on sys.path so its helper modules (zgw, contract, zaken_support, notify_support, ...) import
as they do there; its conftest.py is loaded under the name `api_conftest` and everything it defines (fixtures,
hooks, Server, running_server, server_fixture, ...) is re-exported here, so pytest registers the fixtures and
hooks for this folder and `import conftest` in the helpers finds the same names.  Every response a zgw.Api
receives is validated against the OAS by contract.py, as in the API suite.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

API_DIR = Path(__file__).resolve().parents[1] / "api"
if str(API_DIR) not in sys.path:
    sys.path.insert(0, str(API_DIR))


def _load_api_conftest():
    if "api_conftest" in sys.modules:
        return sys.modules["api_conftest"]
    spec = importlib.util.spec_from_file_location("api_conftest", API_DIR / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["api_conftest"] = module
    spec.loader.exec_module(module)
    return module


_api = _load_api_conftest()

# fixtures, hooks and helpers of the API suite
from api_conftest import *  # noqa: E402,F401,F403
from api_conftest import (  # noqa: E402,F401  (underscore-free names that `import *` also brings, named for readers)
    CLIENTS, REPO_ROOT, Server, add_standard_clients, engines, free_port, running_server, server_fixture,
    start_server, thorbecke_bin)
