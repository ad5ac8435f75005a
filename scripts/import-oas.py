#!/usr/bin/env python3
"""Converts a ZGW OpenAPI YAML file from ../shared/specs/zgw into the compact JSON that Thorbecke embeds.

Usage: scripts/import-oas.py ../shared/specs/zgw/catalogi.yaml src/catalogi/openapi.json
The JSON and a copy of the YAML are committed (the server embeds both), so building needs neither the shared
folder nor a YAML parser.
"""
import json
import sys

import yaml

src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    doc = yaml.safe_load(f)
with open(dst, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, separators=(",", ":"), sort_keys=False, default=str)
    f.write("\n")
