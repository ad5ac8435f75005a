"""Fixtures of the conformance suite: those of the API suite (tests/api), reused, not copied.

tests/support/api_fixtures.py puts tests/api on sys.path so its helper modules (zgw, contract, zaken_support,
notify_support, ...) import as they do there; its conftest.py is loaded under the name `api_conftest` and everything it defines (fixtures,
hooks, Server, running_server, server_fixture, ...) is re-exported here, so pytest registers the fixtures and
hooks for this folder and `import conftest` in the helpers finds the same names.  Every response a zgw.Api
receives is validated against the OAS by contract.py, as in the API suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from api_fixtures import load_api_conftest  # noqa: E402

load_api_conftest()

# fixtures, hooks and helpers of the API suite
from api_conftest import *  # noqa: E402,F401,F403
from api_conftest import (  # noqa: E402,F401  (underscore-free names that `import *` also brings, named for readers)
    CLIENTS, REPO_ROOT, Server, add_standard_clients, engines, free_port, running_server, server_fixture,
    start_server, thorbecke_bin)
