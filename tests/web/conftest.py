"""Fixtures of the web foundation's HTTP tests: those of the API suite (tests/api), reused, not copied.

tests/support/api_fixtures.py puts tests/api on sys.path and loads its conftest.py as `api_conftest`; re-exported
here, pytest registers its fixtures and hooks here too (the `server` fixture is redefined per test module).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from api_fixtures import load_api_conftest  # noqa: E402

load_api_conftest()

from api_conftest import *  # noqa: E402,F401,F403
from api_conftest import engines, running_server  # noqa: E402,F401
