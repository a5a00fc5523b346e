"""`/jql/parse`: Jira's JSON syntax tree (JqlQuery) and its strict/warn/none validation."""

from __future__ import annotations

import re

from sandbox.records import (
    aliases,
    field_label,
    missing_values,
    syntax_message,
    terminals,
    unknown_fields,
)
from sandbox.site import Json, Site
from server.jql import (
    And,
    Clause,
    Empty,
    EntityProperty,
    Field,
    Function,
    JqlError,
    ListOperand,
    Not,
    Operand,
    Operator,
    Or,
    Query,
    Terminal,
    Value,
    parse,
    quote,
)

FUNCTIONS = frozenset(
    name.lower()
    for name in (
        "currentUser",
        "membersOf",
        "openSprints",
        "closedSprints",
        "futureSprints",
        "now",
        "startOfDay",
        "endOfDay",
        "startOfWeek",
        "endOfWeek",
        "startOfMonth",
        "endOfMonth",
        "startOfYear",
        "endOfYear",
        "currentLogin",
        "lastLogin",
        "issueHistory",
        "linkedIssues",
        "updatedBy",
        "watchedIssues",
        "votedIssues",
        "releasedVersions",
        "unreleasedVersions",
        "latestReleasedVersion",
        "earliestUnreleasedVersion",
        "componentsLeadByUser",
        "projectsLeadByUser",
        "projectsWhereUserHasPermission",
        "projectsWhereUserHasRole",
        "standardIssueTypes",
        "subTaskIssueTypes",
        "cascadeOption",
    )
)
_PLAIN = re.compile(r"[A-Za-z0-9_.\-\[\]]+")
_HISTORY = frozenset({Operator.WAS, Operator.WAS_NOT, Operator.WAS_IN, Operator.WAS_NOT_IN})


def parse_one(site: Site, text: str, mode: str) -> Json:
    """One ParsedJqlQuery: structure and/or errors and warnings, as the mode asks."""
    out: Json = {"query": text}
    try:
        query = parse(text)
    except JqlError as exc:
        out["errors"] = [syntax_message(exc)]
        return out
    errors: list[str] = []
    warnings: list[str] = []
    if mode != "none":
        known = aliases(site.data.fields, site.data.field_roles)
        errors = unknown_fields(query, known) + unknown_functions(query)
        warnings = missing_values(query, site)
    if errors:
        out["errors"] = errors
    if warnings:
        out["warnings"] = warnings
    if not errors or mode != "strict":
        out["structure"] = structure(query)
    return out


def unknown_functions(query: Query) -> list[str]:
    """Jira's message for each function it does not have."""
    out = []
    for t in terminals(query.where):
        for call in _functions(t.operand):
            message = f"Unable to find JQL function '{call.name}({', '.join(call.args)})'."
            if call.name.lower() not in FUNCTIONS and message not in out:
                out.append(message)
    return out


def _functions(operand: Operand | None) -> list[Function]:
    if isinstance(operand, Function):
        return [operand]
    if isinstance(operand, ListOperand):
        return [f for item in operand.items for f in _functions(item)]
    return []


def structure(query: Query) -> Json:
    """A JqlQuery object."""
    out: Json = {}
    if query.where is not None:
        out["where"] = clause(query.where)
    if query.order_by:
        out["orderBy"] = {
            "fields": [
                {
                    "field": field(o.field),
                    **({"direction": o.direction.value.lower()} if o.direction else {}),
                }
                for o in query.order_by
            ]
        }
    return out


def clause(node: Clause) -> Json:
    """A JqlQueryClause: compound, field-value, was or changed."""
    if isinstance(node, And | Or):
        kind = "and" if isinstance(node, And) else "or"
        return {"clauses": [clause(c) for c in node.clauses], "operator": kind}
    if isinstance(node, Not):
        return {"clauses": [clause(node.clause)], "operator": "not"}
    return _terminal(node)


def _terminal(node: Terminal) -> Json:
    out: Json = {"field": field(node.field), "operator": node.operator.value.lower()}
    if node.operand is not None:
        out["operand"] = operand(node.operand)
    if node.operator in _HISTORY or node.operator == Operator.CHANGED:
        out["predicates"] = [
            {"operator": p.kind.value.lower(), "operand": operand(p.operand)}
            for p in node.predicates
        ]
    return out


def _encode(text: str) -> str:
    # Jira writes plain words as they are and quotes everything else.
    return text if _PLAIN.fullmatch(text) else quote(text)


def field(ref: Field) -> Json:
    """A JqlQueryField, with the entity property when there is one."""
    label = field_label(ref)
    out: Json = {"name": label, "encodedName": _encode(label)}
    if isinstance(ref, EntityProperty):
        out["property"] = [{"entity": "issue", "key": ref.key, "path": ref.path.lstrip(".")}]
    return out


def operand(node: Operand) -> Json:
    """A JqlQueryClauseOperand."""
    if isinstance(node, Empty):
        return {"keyword": "empty"}
    if isinstance(node, Value):
        encoded = node.text if node.is_number else _encode(node.text)
        return {"value": node.text, "encodedValue": encoded}
    if isinstance(node, Function):
        args = ", ".join(_encode(a) for a in node.args)
        return {
            "function": node.name,
            "arguments": list(node.args),
            "encodedOperand": f"{node.name}({args})",
        }
    values = [operand(item) for item in node.items]
    encoded = ", ".join(
        str(v.get("encodedValue") or v.get("encodedOperand") or "EMPTY") for v in values
    )
    return {"values": values, "encodedOperand": f"({encoded})"}
