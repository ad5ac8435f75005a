#!/usr/bin/env bash
# Lints the OpenAPI descriptions of Thorbecke's own APIs (the Beheer API and the Algoritmeregister API) with the
# NL API Design Rules ruleset (Spectral, from npm: scripts/install-deps.sh). Fails on errors; warnings are printed.
# Usage: tests/conformance/adr-lint.sh [OAS file ...]
#        (default src/app/beheer-openapi.json and src/algoritmeregister/openapi.json)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ $# -gt 0 ]]; then
  oas=("$@")
else
  oas=("$repo/src/app/beheer-openapi.json" "$repo/src/algoritmeregister/openapi.json")
fi
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
status=0
for file in "${oas[@]}"; do
  echo "adr-lint: $file"
  "$spectral" lint --fail-severity error -r "$ruleset" "$file" || status=1
done
exit $status
