#!/usr/bin/env bash
# Lints the OpenAPI description of Thorbecke's own endpoints (the Beheer API) with the NL API Design Rules
# ruleset (Spectral, from npm: scripts/install-deps.sh). Fails on errors; warnings are printed.
# Usage: tests/conformance/adr-lint.sh [OAS file]   (default src/app/beheer-openapi.json)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
oas="${1:-$repo/src/app/beheer-openapi.json}"
ruleset="${THORBECKE_ADR_RULESET:-$repo/../shared/specs/adr/linter.yaml}"
spectral="$repo/node_modules/.bin/spectral"
if [[ ! -x "$spectral" ]]; then
  echo "adr-lint: $spectral not found; run scripts/install-deps.sh" >&2
  exit 1
fi
if [[ ! -f "$ruleset" ]]; then
  echo "adr-lint: ruleset $ruleset not found (set THORBECKE_ADR_RULESET)" >&2
  exit 1
fi
# --fail-severity error: warnings (e.g. servers-use-https) do not fail the test but are shown.
"$spectral" lint --fail-severity error -r "$ruleset" "$oas"
