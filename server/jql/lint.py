"""lint(): warnings about JQL that is valid but probably not what the agent meant.

Each warning carries a suggested rewrite the agent can send instead.
"""

from __future__ import annotations

import re
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
    Function,
    ListOperand,
    Not,
    Operand,
    Operator,
    Or,
    Query,
    Terminal,
    Value,
)
from server.jql.render import render, render_clause

MAX_LIST_VALUES: Final = 3_000
EPIC_LINK_FIELD_ID: Final = 10014

# Fields Jira always fills in: a negative condition on them cannot silently skip empty values.
_ALWAYS_SET: Final = frozenset(
    {
        "project", "issuetype", "type", "status", "statuscategory", "key", "issuekey", "id",
        "issue", "summary", "created", "createddate", "updated", "updateddate", "creator",
    }
)  # fmt: skip
_DATE_FIELDS: Final = frozenset(
    {
        "created", "createddate", "updated", "updateddate", "resolved", "resolutiondate",
        "due", "duedate", "lastviewed", "statuscategorychangeddate",
    }
)  # fmt: skip
_NEGATIVE: Final = frozenset({Operator.NOT_EQUALS, Operator.NOT_IN, Operator.NOT_LIKE})
_COMPARISONS: Final = frozenset(
    {
        Operator.EQUALS, Operator.LESS_THAN, Operator.LESS_THAN_EQUALS,
        Operator.GREATER_THAN, Operator.GREATER_THAN_EQUALS,
    }
)  # fmt: skip
_RELATIVE_DATE: Final = re.compile(r"([-+]?\d+)\s*([mhdwMy])")
_SMART_QUOTES: Final = "\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a"
_START_FUNCTION: Final = {
    "d": "startOfDay",
    "w": "startOfWeek",
    "M": "startOfMonth",
    "y": "startOfYear",
}


@dataclass(frozen=True, slots=True)
class LintWarning:
    """One lint finding: the rule's id, what is wrong, and JQL (or advice) to use instead."""

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
        order = render(query)
        suggestion = f"project = ABC {order}" if order else "project = ABC"
        if not scoped:
            warnings.append(
                LintWarning(
                    "unbounded",
                    "The query has no condition: it matches every issue, and Jira refuses "
                    "unbounded searches.",
                    suggestion.strip(),
                )
            )
        return warnings
    terminals = list(_terminals(where))
    if not scoped and not any(_name(clause.field) == "project" for clause in terminals):
        rewritten = render(Query(And((_project_placeholder(), where)), query.order_by))
        warnings.append(
            LintWarning(
                "no-project",
                "The query does not name a project, so it searches every project (slow, and "
                "rarely what is meant).",
                rewritten,
            )
        )
    for clause in terminals:
        warnings.extend(_terminal_warnings(clause))
    for group in _ands(where):
        warnings.extend(_not_equals_chains(group))
    return warnings


def _project_placeholder() -> Terminal:
    return Terminal(FieldName("project"), Operator.EQUALS, Value("ABC"))


def _terminal_warnings(clause: Terminal) -> Iterator[LintWarning]:
    name = _name(clause.field)
    shown = render_clause(clause)
    if name == "text" and clause.operator in (Operator.LIKE, Operator.NOT_LIKE):
        yield _text_search(clause, shown)
    if clause.operator in _NEGATIVE and name not in _ALWAYS_SET:
        fallback = Terminal(clause.field, Operator.IS, Empty())
        yield LintWarning(
            "negative-misses-empty",
            f"`{shown}` does not match issues where the field is empty.",
            f"({render_clause(Or((clause, fallback)))})",
        )
    if name in _DATE_FIELDS and clause.operator in _COMPARISONS:
        warning = _string_date(clause, shown)
        if warning is not None:
            yield warning
    if name in ("epic link", "epiclink") or clause.field == CustomField(EPIC_LINK_FIELD_ID):
        replaced = Terminal(FieldName("parent"), clause.operator, clause.operand, clause.predicates)
        yield LintWarning(
            "epic-link-deprecated",
            "Epic Link (cf[10014]) is deprecated in Jira Cloud; epics are parents now.",
            render_clause(replaced),
        )
    if _has_smart_quotes(clause.operand):
        yield LintWarning(
            "smart-quotes",
            f"`{shown}` searches for typographic quotes as part of the value; JQL quotes are "
            "straight (\" or ').",
            render_clause(
                Terminal(clause.field, clause.operator, _unquote(clause.operand), clause.predicates)
            ),
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
        f"`{shown}` searches every text field and comment: slow and noisy.",
        render_clause(combined),
    )


def _string_date(clause: Terminal, shown: str) -> LintWarning | None:
    operand = clause.operand
    if not isinstance(operand, Value) or operand.is_number:
        return None
    text = operand.text.strip()
    relative = _RELATIVE_DATE.fullmatch(text)
    if relative is None or relative.group(2) not in _START_FUNCTION:
        # Hours and minutes are precise as written; absolute dates mean a fixed day.
        return None
    call = Function(_START_FUNCTION[relative.group(2)], (text,))
    return LintWarning(
        "string-date",
        f"`{shown}` counts back from this very moment; a date function says which day, week "
        "or month boundary is meant, so results do not shift during the day.",
        render_clause(Terminal(clause.field, clause.operator, call)),
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
