"""The Jira objects a write names through its field values, found by each field's schema type.

A create, an edit or a transition can reach another project's objects without naming that
project: a sprint id, a parent or Epic Link, an issue link, a version or component id, an
issue picker. ``references`` lists every such object of a request body so that the guard can
check each one before the write is sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

RefKind = Literal["issue", "sprint", "version", "component", "project"]

# System fields that name other objects, by id.
SYSTEM_KINDS: Final[dict[str, str]] = {
    "project": "project",
    "parent": "issue",
    "issuelinks": "link",
    "fixVersions": "version",
    "versions": "version",
    "components": "component",
}


@dataclass(frozen=True)
class Reference:
    """One object a write names: which field, what kind, and its id or key."""

    field: str
    kind: RefKind
    ref: str


def field_kind(field_id: str, schema: Mapping[str, Any] | None) -> str | None:
    """What kind of object a field's values name (None: plain values)."""
    if field_id in SYSTEM_KINDS:
        return SYSTEM_KINDS[field_id]
    if not schema:
        return None
    custom = str(schema.get("custom", ""))
    types = {str(schema.get("type", "")), str(schema.get("items", ""))}
    if custom.endswith(":gh-sprint"):
        return "sprint"
    if custom.endswith(":gh-epic-link") or "issuelink" in types or "issuelinks" in types:
        return "issue"
    if "issuepicker" in custom.lower().replace("-", ""):
        return "issue"
    for kind in ("version", "component", "project"):
        if kind in types:
            return kind
    return None


def field_values(body: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(field id, value) for every value a create, edit or transition body sets or adds."""
    fields = body.get("fields")
    if isinstance(fields, Mapping):
        yield from ((str(k), v) for k, v in fields.items())
    update = body.get("update")
    if isinstance(update, Mapping):
        for field_id, operations in update.items():
            for operation in operations if isinstance(operations, list) else [operations]:
                if isinstance(operation, Mapping):
                    for value in operation.values():
                        yield str(field_id), value


def references(field_id: str, kind: str, value: Any) -> Iterator[Reference]:
    """The objects one field value names, whatever shape the value has."""
    if isinstance(value, list):
        for item in value:
            yield from references(field_id, kind, item)
        return
    if kind == "link":
        if isinstance(value, Mapping):
            for side in ("inwardIssue", "outwardIssue"):
                yield from references(field_id, "issue", value.get(side))
        return
    ref = _reference_text(value, kind)
    if ref:
        yield Reference(field_id, kind, ref)  # type: ignore[arg-type]  # kind is a RefKind here


def _reference_text(value: Any, kind: str) -> str:
    """The id or key in ``value``: a bare id/key, or {"key"}/{"id"} (a name needs no check:
    Jira resolves names of versions and components inside the issue's own project)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str) and kind in ("version", "component") and not value.isdigit():
        return ""  # a name, resolved by Jira inside the project
    if isinstance(value, int | str):
        return str(value).strip()
    if isinstance(value, Mapping):
        for attribute in ("key", "id"):
            found = value.get(attribute)
            if isinstance(found, int | str) and not isinstance(found, bool) and str(found):
                return str(found).strip()
        if kind in ("issue", "sprint", "project") and value:
            # A reference by any other attribute cannot be checked, so it is not let through.
            return "?"
    return ""
