"""Check response bodies against Atlassian's published OpenAPI specs.

`validate_response("GET", "/rest/api/3/serverInfo", 200, body)` raises AssertionError, with
every mismatch and where it is, when `body` breaks the operation's response schema. Paths under
/rest/agile/ use the Jira Software spec, the rest the platform spec (v2 paths as v3: Jira serves
the same operations under both). OpenAPI 3.0 schemas are read as JSON Schema Draft 4 after
turning `nullable: true` into "or null"; `readOnly`, `example` and `x-*` are annotations only.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_FILES = {
    "platform": "jira-platform-v3.openapi.json",
    "software": "jira-software.openapi.json",
}
JSON_TYPES = ("application/json", "*/*")
# Keywords whose values are schemas (or maps or lists of them): translation recurses into these.
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions"})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
SCHEMA_VALUES = frozenset({"items", "additionalProperties", "not"})
ANNOTATIONS = frozenset({"nullable", "readOnly", "writeOnly", "example", "discriminator", "xml"})
MAX_REPORTED = 10
# The repository's cut of Atlassian's documents (tests/data/README.md says how it is made).
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

Schema = dict[str, Any]


def reference_dir() -> Path:
    """Where the specs are: $JIRA_REFERENCE_DIR (e.g. the full documents), else tests/data."""
    override = os.environ.get("JIRA_REFERENCE_DIR")
    if override:
        return Path(override)
    return DATA_DIR


def translate(schema: Any, uri: str) -> Any:
    """An OpenAPI 3.0 schema as Draft 4 JSON Schema; local refs point into the spec at `uri`."""
    if not isinstance(schema, dict):
        return schema
    out: Schema = {}
    for key, value in schema.items():
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = uri + value
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: translate(sub, uri) for name, sub in value.items()}
        elif key in SCHEMA_LISTS or (key == "items" and isinstance(value, list)):
            out[key] = [translate(sub, uri) for sub in value]
        elif key in SCHEMA_VALUES:
            out[key] = translate(value, uri)
        else:
            out[key] = value
    if schema.get("nullable") is True:
        # OpenAPI 3.0.3: nullable adds null to the values the rest of the schema allows.
        return {"anyOf": [out, {"type": "null"}]}
    return out


@dataclass(frozen=True)
class Spec:
    """One OpenAPI document, prepared for validation."""

    name: str
    uri: str
    paths: dict[str, Any]
    registry: Registry[Any]

    def validator(self, schema: Schema) -> Any:
        """A Draft 4 validator for one of this spec's schemas."""
        return Draft4Validator(translate(schema, self.uri), registry=self.registry)


@functools.cache
def load_spec(name: str, directory: Path) -> Spec:
    """Read and prepare a spec once per process."""
    document = json.loads((directory / SPEC_FILES[name]).read_text(encoding="utf-8"))
    uri = f"urn:jira-openapi:{name}"
    schemas = document.get("components", {}).get("schemas", {})
    components = {"components": {"schemas": {n: translate(s, uri) for n, s in schemas.items()}}}
    resource: Resource[Any] = DRAFT4.create_resource(components)
    registry: Registry[Any] = Registry().with_resource(uri, resource)
    return Spec(name, uri, document["paths"], registry)


def spec_for(path: str) -> Spec:
    """The spec that documents `path`."""
    name = "software" if path.startswith("/rest/agile/") else "platform"
    return load_spec(name, reference_dir())


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def find_template(spec: Spec, path: str) -> str:
    """The spec's path template for `path`: itself, or the template a concrete path fills."""
    path = re.sub(r"^/rest/api/(?:2|latest)/", "/rest/api/3/", path)
    if path in spec.paths:
        return path
    # A concrete path: prefer the template with the fewest parameters (literal segments win).
    matches = [t for t in spec.paths if _template_pattern(t).fullmatch(path)]
    if matches:
        return min(matches, key=lambda t: t.count("{"))
    close = difflib.get_close_matches(path, list(spec.paths), n=3)
    raise AssertionError(
        f"{path} is not in the {spec.name} spec; closest: {close}. If Atlassian documents it, "
        "add its template to tests/data/openapi-paths.txt and re-cut (tests/data/README.md)."
    )


def _response_schema(response: dict[str, Any]) -> Schema | None:
    content = response.get("content", {})
    for media_type in (*JSON_TYPES, *content):
        schema = content.get(media_type, {}).get("schema")
        if schema is not None:
            return dict(schema)
    return None


@functools.cache
def _validator(method: str, path: str, status: int) -> tuple[str, Any]:
    """(a label, a validator or None when the spec documents no body) for one response."""
    spec = spec_for(path)
    template = find_template(spec, path)
    operation = spec.paths[template].get(method.lower())
    if operation is None:
        documented = sorted(m.upper() for m in spec.paths[template] if m != "parameters")
        raise AssertionError(f"{method} {template} is not documented; methods: {documented}")
    responses: dict[str, Any] = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{status // 100}XX")
    label = f"{method.upper()} {template} -> {status}"
    schema = _response_schema(response) if response else None
    if schema is None and status >= 400:
        # Jira answers errors with an ErrorCollection even where the spec shows no body.
        return f"{label} (ErrorCollection)", _error_validator()
    if response is None:
        raise AssertionError(f"{label} is not documented; statuses: {sorted(responses)}")
    if schema is None:
        return label, None
    name = str(schema.get("$ref", "")).rpartition("/")[2]
    return f"{label} ({name})" if name else label, spec.validator(schema)


@functools.cache
def _error_validator() -> Any:
    spec = load_spec("platform", reference_dir())
    return spec.validator({"$ref": "#/components/schemas/ErrorCollection"})


def _where(error: ValidationError) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)


def _explain(error: ValidationError) -> str:
    # An anyOf/oneOf failure says little by itself; its most relevant branch says why.
    deepest = best_match(error.context) if error.context else None
    chosen = deepest if deepest is not None else error
    return f"  at {_where(chosen)}: {chosen.message}"


def _check(label: str, validator: Any, body: object) -> None:
    errors = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [_explain(e) for e in errors[:MAX_REPORTED]]
        more = len(errors) - MAX_REPORTED
        if more > 0:
            lines.append(f"  ... and {more} more")
        raise AssertionError(f"{label}: body does not match the spec\n" + "\n".join(lines))


def validate_response(method: str, path_template: str, status: int, body: object) -> None:
    """Assert that `body` is what the spec documents for this operation and status."""
    label, validator = _validator(method.upper(), path_template, status)
    if validator is None:
        if body not in (None, "", b""):
            raise AssertionError(f"{label}: the spec documents no body, got {body!r:.200}")
        return
    _check(label, validator, body)


def validate_error_body(body: object) -> None:
    """Assert that `body` is a Jira ErrorCollection."""
    _check("ErrorCollection", _error_validator(), body)
