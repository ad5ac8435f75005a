"""The API suite's fixtures for the suites that reuse them (tests/algoritmeregister, tests/web, tests/conformance).

load_api_conftest() puts tests/api on sys.path, so its helper modules (zgw, contract, zaken_support, ...) import
as they do there, and loads tests/api/conftest.py once as the module `api_conftest`; a suite's conftest.py then
re-exports it (`from api_conftest import *`) so pytest registers the same fixtures and hooks for that folder.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

API_DIR = Path(__file__).resolve().parents[1] / "api"


def load_api_conftest():
    if str(API_DIR) not in sys.path:
        sys.path.insert(0, str(API_DIR))
    if "api_conftest" in sys.modules:
        return sys.modules["api_conftest"]
    spec = importlib.util.spec_from_file_location("api_conftest", API_DIR / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["api_conftest"] = module
    spec.loader.exec_module(module)
    return module
