"""lint(): warnings about JQL that is valid but probably not what the agent meant.

A warning's `suggestion` is JQL that means exactly the same as the query, only written
better (or advice, for a query Jira would refuse); it never changes which issues match.
Where the better query means something else (also match empty fields, search two fields
instead of all), the message shows it as an alternative, saying how it differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from server.jql.ast import (
    And,
    Clause,
    CustomField,
    Empty,
    Field,
    FieldName,
    ListOperand,
    Not,
    Operand,
    Operator,
    Or,
    Query,
    Terminal,
    Value,
)
from server.jql.render import render_clause

MAX_LIST_VALUES: Final = 3_000
EPIC_LINK_FIELD_ID: Final = 10014

# Fields Jira always fills in: a negative condition on them cannot silently skip empty values.
_ALWAYS_SET: Final = frozenset(
    {
        "project", "issuetype", "type", "status", "statuscategory", "key", "issuekey", "id",
        "issue", "summary", "created", "createddate", "updated", "updateddate", "creator",
    }
)  # fmt: skip
# Fields whose positive condition already picks out a few issues, whatever their project.
_PINNING: Final = frozenset(
    {"key", "issuekey", "id", "issue", "parent", "sprint", "filter", "request", "savedfilter"}
)
_NEGATIVE: Final = frozenset({Operator.NOT_EQUALS, Operator.NOT_IN, Operator.NOT_LIKE})
_SMART_QUOTES: Final = "\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a"


@dataclass(frozen=True, slots=True)
class LintWarning:
    """One lint finding: the rule's id, what is wrong, and the same query written better (or
    advice), or "" when no rewrite means the same."""

    rule: str
    message: str
    suggestion: str


def is_bounded(query: Query) -> bool:
    """True if the query has a condition (Jira refuses to search with an unbounded query)."""
    return query.where is not None


def lint(query: Query, *, scoped: bool = False) -> list[LintWarning]:
    """Warnings for `query`; with `scoped=True` an allowlist adds the project clause itself."""
    warnings: list[LintWarning] = []
    where = query.where
    if where is None:
        if not scoped:
            warnings.append(
                LintWarning(
                    "unbounded",
                    "The query has no condition: it matches every issue, and Jira refuses "
                    "unbounded searches.",
                    "Add a condition before any ORDER BY, e.g. on project, assignee or updated.",
                )
            )
        return warnings
    terminals = list(_terminals(where))
    if not scoped and not _narrowed(where):
        warnings.append(
            LintWarning(
                "no-project",
                "The query does not name a project, so it searches every project the account "
                "can see (slow, and rarely what is meant); if one project is meant, add a "
                "project condition with its key.",
                "",
            )
        )
    for clause in terminals:
        warnings.extend(_terminal_warnings(clause))
    for group in _ands(where):
        warnings.extend(_not_equals_chains(group))
    return warnings


def _narrowed(where: Clause) -> bool:
    """Whether the query names a project, or pins its issues some other way (by key, parent,
    sprint or saved filter) in a condition every match must meet: a project adds nothing."""
    conditions = where.clauses if isinstance(where, And) else (where,)
    if any(_name(clause.field) == "project" for clause in _terminals(where)):
        return True
    return any(
        isinstance(clause, Terminal)
        and _name(clause.field) in _PINNING
        and clause.operator in (Operator.EQUALS, Operator.IN)
        for clause in conditions
    )


def _terminal_warnings(clause: Terminal) -> Iterator[LintWarning]:
    name = _name(clause.field)
    shown = render_clause(clause)
    if name == "text" and clause.operator in (Operator.LIKE, Operator.NOT_LIKE):
        yield _text_search(clause, shown)
    if clause.operator in _NEGATIVE and name not in _ALWAYS_SET:
        fallback = Terminal(clause.field, Operator.IS, Empty())
        yield LintWarning(
            "negative-misses-empty",
            f"`{shown}` does not match issues where the field is empty; to match them "
            f"too, write ({render_clause(Or((clause, fallback)))})",
            "",
        )
    if name in ("epic link", "epiclink") or clause.field == CustomField(EPIC_LINK_FIELD_ID):
        replaced = Terminal(FieldName("parent"), clause.operator, clause.operand, clause.predicates)
        yield LintWarning(
            "epic-link-deprecated",
            "Epic Link (cf[10014]) is deprecated in Jira Cloud; epics are parents now.",
            render_clause(replaced),
        )
    if _has_smart_quotes(clause.operand):
        unquoted = Terminal(
            clause.field, clause.operator, _unquote(clause.operand), clause.predicates
        )
        yield LintWarning(
            "smart-quotes",
            f"`{shown}` searches for typographic quotes as part of the value; JQL quotes are "
            f"straight (\" or '). Without them: {render_clause(unquoted)}",
            "",
        )
    if clause.operator in (Operator.IN, Operator.NOT_IN, Operator.WAS_IN, Operator.WAS_NOT_IN):
        count = _count_values(clause.operand)
        if count > MAX_LIST_VALUES:
            yield LintWarning(
                "list-too-long",
                f"The list has {count:,} values; Jira allows at most {MAX_LIST_VALUES:,}.",
                "Split the values over several queries of at most 3,000 values each, "
                "or select the issues by a shared field (label, sprint, fixVersion).",
            )


def _text_search(clause: Terminal, shown: str) -> LintWarning:
    fields = [
        Terminal(FieldName(name), clause.operator, clause.operand)
        for name in ("summary", "description")
    ]
    combined: Clause = Or(tuple(fields)) if clause.operator == Operator.LIKE else And(tuple(fields))
    return LintWarning(
        "text-search",
        f"`{shown}` searches every text field and comment: slow and noisy. If the summary "
        f"and description are enough, search only them: {render_clause(combined)}",
        "",
    )


def _not_equals_chains(group: And) -> Iterator[LintWarning]:
    by_field: dict[Field, list[Terminal]] = {}
    for child in group.clauses:
        if (
            isinstance(child, Terminal)
            and child.operator == Operator.NOT_EQUALS
            and isinstance(child.operand, Value)
        ):
            by_field.setdefault(child.field, []).append(child)
    for field, clauses in by_field.items():
        if len(clauses) >= 2:
            values = tuple(clause.operand for clause in clauses if clause.operand is not None)
            merged = Terminal(field, Operator.NOT_IN, ListOperand(values))
            yield LintWarning(
                "not-equals-chain",
                f"{len(clauses)} `!=` conditions on the same field read better as one NOT IN.",
                render_clause(merged),
            )


def _has_smart_quotes(operand: Operand | None) -> bool:
    if isinstance(operand, Value):
        return any(mark in operand.text for mark in _SMART_QUOTES)
    if isinstance(operand, ListOperand):
        return any(_has_smart_quotes(item) for item in operand.items)
    return False


def _unquote(operand: Operand | None) -> Operand | None:
    if isinstance(operand, Value):
        return Value(operand.text.strip(_SMART_QUOTES), operand.is_number)
    if isinstance(operand, ListOperand):
        return ListOperand(tuple(_unquote(item) or item for item in operand.items))
    return operand


def _count_values(operand: Operand | None) -> int:
    if isinstance(operand, ListOperand):
        return sum(_count_values(item) for item in operand.items)
    return 1


def _name(field: Field) -> str:
    return field.name.strip().lower() if isinstance(field, FieldName) else ""


def _walk(where: Clause) -> Iterator[Clause]:
    stack: list[Clause] = [where]
    while stack:
        clause = stack.pop()
        yield clause
        if isinstance(clause, And | Or):
            stack.extend(reversed(clause.clauses))
        elif isinstance(clause, Not):
            stack.append(clause.clause)


def _terminals(where: Clause) -> Iterator[Terminal]:
    return (clause for clause in _walk(where) if isinstance(clause, Terminal))


def _ands(where: Clause) -> Iterator[And]:
    return (clause for clause in _walk(where) if isinstance(clause, And))
