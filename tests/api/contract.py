"""Response contract checks against the ZGW OpenAPI 3.0 documents.

Every JSON response the suite receives goes through `ContractChecker.check` (the API client in
conftest.py calls it).  The response is matched to an operation (method + path template) of the OAS
that serves that base path and validated against the schema declared for its status code and media
type.  OAS 3.0 specifics are translated to JSON Schema draft 7:

* `$ref: #/components/schemas/X`  -> `#/definitions/X`
* `nullable: true`                  -> `anyOf: [<schema>, {type: null}]`
* `oneOf` + `discriminator` with a `mapping` -> the discriminator property is required and one of the
  mapping's keys, and per key `if {<prop>: const <key>} then {$ref: <mapped schema>}` (under
  `allOf`): the variants often differ in optional fields only, so a plain `oneOf` would reject a valid
  object that matches several of them.  Without a mapping the branches become an `anyOf`.
* `readOnly` / `writeOnly` / `example` / `format` are ignored (format is not enforced), but a writeOnly
  property is not required in a response.

A response whose status code the operation does not declare is validated against the `Fout` error
schema when it is problem+json (e.g. 404 on a page beyond the last, 405, 413); anything else that the
OAS does not describe (health endpoints, HTML landing page) is not checked.

The specs folder is ../shared/specs/zgw beside the repository, or the env var THORBECKE_SPECS.  When it is absent the
check is skipped (one notice is printed).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import yaml

# The shared folder lies beside the repository (as on developer machines and in CI).
DEFAULT_SPECS = str(Path(__file__).resolve().parents[3] / "shared" / "specs" / "zgw")

# base path served by Thorbecke -> OAS file name in the specs folder
API_SPECS = {
    "/catalogi/api/v1": "catalogi.yaml",
    "/referentielijsten/api/v1": "referentielijsten.yaml",
    "/zaken/api/v1": "zaken.yaml",
    "/documenten/api/v1": "documenten.yaml",
    "/besluiten/api/v1": "besluiten.yaml",
    "/autorisaties/api/v1": "autorisaties.yaml",
    "/notificaties/api/v1": "notificaties.yaml",
    # Thorbecke's own Beheer API: its document is in this repository (an absolute path wins over the folder)
    "/beheer/api/v1": str(Path(__file__).resolve().parents[2] / "src" / "app" / "beheer-openapi.json"),
}


# Properties that may be null although the OAS does not mark them nullable.  `eindeObject` is derived
# from the (nullable) eindeGeldigheid of the last version: an object that has not ended has no
# eindeObject, and Open Zaak serves null there too.  Keep this list short and justified.
KNOWN_NULLABLE = {"eindeObject"}


class ContractError(AssertionError):
    """A response that does not match the OAS."""


def specs_dir() -> Path:
    return Path(os.environ.get("THORBECKE_SPECS", DEFAULT_SPECS))


def _ref(value: str) -> str:
    """OAS reference -> draft 7 reference into the `definitions` of the validated schema."""
    return value.replace("#/components/schemas/", "#/definitions/")


def _discriminated(node) -> list:
    """`oneOf` + `discriminator` (with a mapping) -> `allOf` members that select the variant by the
    discriminator value instead of requiring exactly one variant to match."""
    disc = node["discriminator"]
    prop = disc["propertyName"]
    mapping = disc["mapping"]
    members = [{"properties": {prop: {"enum": list(mapping)}}, "required": [prop]}]
    for key, target in mapping.items():
        # a mapping value is a reference or (OAS 3.0 allows it) a bare schema name
        ref = _ref(target if "#" in target or "/" in target else "#/components/schemas/" + target)
        members.append({"if": {"properties": {prop: {"const": key}}, "required": [prop]},
                        "then": {"$ref": ref}})
    return members


def _convert(node):
    """OAS 3.0 schema object -> JSON Schema draft 7 (recursively)."""
    if isinstance(node, list):
        return [_convert(x) for x in node]
    if not isinstance(node, dict):
        return node
    disc = node.get("discriminator")
    if not (isinstance(disc, dict) and "oneOf" in node):
        disc = None
    out = {}
    for key, value in node.items():
        if key in ("readOnly", "writeOnly", "example", "examples", "xml", "externalDocs",
                   "discriminator", "deprecated", "format", "nullable"):
            continue
        if key == "$ref" and isinstance(value, str):
            out["$ref"] = _ref(value)
            continue
        if key == "oneOf" and disc is not None:
            if disc.get("mapping"):
                out.setdefault("allOf", []).extend(_discriminated(node))
            elif "anyOf" in node:  # keep the node's own anyOf: both must hold
                out.setdefault("allOf", []).append({"anyOf": _convert(value)})
            else:
                out["anyOf"] = _convert(value)
            continue
        if key == "allOf" and isinstance(value, list):
            # `oneOf` may come first and have started the list already
            out["allOf"] = _convert(value) + out.get("allOf", [])
            continue
        if key in ("properties", "patternProperties"):
            out[key] = {k: ({"anyOf": [_convert(v), {"type": "null"}]} if k in KNOWN_NULLABLE else _convert(v))
                        for k, v in value.items()}
            continue
        out[key] = _convert(value)
    # OAS 3.0: a required writeOnly property is required in requests only (Abonnement.auth); responses are checked.
    if isinstance(out.get("required"), list) and isinstance(node.get("properties"), dict):
        write_only = {k for k, v in node["properties"].items() if isinstance(v, dict) and v.get("writeOnly")}
        if write_only:
            out["required"] = [r for r in out["required"] if r not in write_only]
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


class _Operation:
    def __init__(self, method, template, regex, responses):
        self.method = method
        self.template = template
        self.regex = regex
        self.responses = responses


class _Spec:
    def __init__(self, path: Path):
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        self.definitions = {k: _convert(v) for k, v in doc.get("components", {}).get("schemas", {}).items()}
        self.operations = []
        for template, item in doc.get("paths", {}).items():
            regex = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "/?$")
            for method, op in item.items():
                if method in ("parameters", "summary", "description", "servers"):
                    continue
                self.operations.append(_Operation(method.upper(), template, regex, op.get("responses", {})))
        # more specific (literal) templates first: /zaaktypen/{uuid}/publish before /zaaktypen/{uuid}
        self.operations.sort(key=lambda o: (o.template.count("{"), -len(o.template)))
        self._validators = {}

    def find(self, method, path):
        candidates = [op for op in self.operations if op.regex.match(path)]
        if not candidates:
            return None, False
        for op in candidates:
            if op.method == method:
                return op, True
        return None, True

    def validator(self, schema):
        key = id(schema)
        v = self._validators.get(key)
        if v is None:
            full = dict(_convert(schema))
            full["definitions"] = self.definitions
            v = jsonschema.Draft7Validator(full)
            self._validators[key] = (v, schema)
        else:
            v = v[0]
        return v

    def fout_schema(self):
        return {"$ref": "#/components/schemas/Fout"} if "Fout" in self.definitions else None


class ContractChecker:
    def __init__(self, root: Path | None = None):
        self.root = root or specs_dir()
        self.enabled = self.root.is_dir()
        self._specs = {}
        self.checked = 0
        if not self.enabled:
            print(f"[contract] specs folder {self.root} not found: OAS response checks are skipped",
                  file=sys.stderr)

    def _spec_for(self, path: str):
        for base, fname in API_SPECS.items():
            if path == base or path.startswith(base + "/"):
                if base not in self._specs:
                    f = self.root / fname
                    self._specs[base] = _Spec(f) if f.is_file() else None
                return self._specs[base], path[len(base):] or "/"
        return None, None

    def check(self, response) -> None:
        """Raise ContractError when `response` (requests.Response) violates the OAS."""
        if not self.enabled:
            return
        method = response.request.method.upper()
        path = urlsplit(response.request.url).path
        spec, rel = self._spec_for(path)
        if spec is None:
            return
        status = str(response.status_code)
        body = response.content
        if method == "HEAD" or not body or response.status_code in (204, 304):
            return
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        op, path_known = spec.find(method, rel)
        declared = op.responses.get(status) if op is not None else None
        if declared is None:
            # not described for this operation/status: only the generic error shape is checked
            if ctype == "application/problem+json":
                schema = spec.fout_schema()
                if schema is not None:
                    self._validate(spec, schema, response, f"{method} {path} {status} (undeclared: Fout)")
            return
        content = declared.get("content")
        if not content:
            raise ContractError(f"{method} {path}: status {status} is declared without a body, "
                                f"but the response has one ({len(body)} bytes)")
        media = {m.split(";")[0].strip().lower(): v for m, v in content.items()}
        if ctype not in media:
            raise ContractError(f"{method} {path}: status {status} content type {ctype!r} "
                                f"is not one of the declared {sorted(media)}")
        schema = (media[ctype] or {}).get("schema")
        if schema is None or (schema.get("type") == "string" and schema.get("format") == "binary"):
            return  # no schema, or raw bytes (a download): nothing to validate as JSON
        if not ctype.endswith("json"):
            return  # text (metrics, YAML): its media type was checked above
        self._validate(spec, schema, response, f"{method} {path} {status} ({op.template})")

    def _validate(self, spec, schema, response, where):
        try:
            data = response.json()
        except ValueError as exc:
            raise ContractError(f"{where}: body is not JSON: {exc}: {response.text[:300]!r}") from None
        validator = spec.validator(schema)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        self.checked += 1
        if errors:
            lines = []
            for err in errors[:10]:
                loc = "/".join(str(p) for p in err.absolute_path) or "<root>"
                lines.append(f"  at {loc}: {err.message[:300]}")
            more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
            raise ContractError(f"response does not match the OAS: {where}\n" + "\n".join(lines) + more)


_checker = None


def checker() -> ContractChecker:
    global _checker
    if _checker is None:
        _checker = ContractChecker()
    return _checker


def check_response(response) -> None:
    checker().check(response)
