"""render(): a Query back to canonical JQL text.

Canonical means: keywords upper-case, string values always double-quoted through quote(),
numbers bare, plain field and function names bare, and parentheses around every nested AND/OR,
so the reader never has to remember that AND binds tighter than OR.
"""

from __future__ import annotations

import re
from typing import Final

from server.jql.ast import (
    And,
    Clause,
    CustomField,
    Field,
    FieldName,
    Function,
    ListOperand,
    Operand,
    Or,
    Query,
    Terminal,
    Value,
)
from server.jql.quote import quote
from server.jql.tokens import KEYWORDS, RESERVED_WORDS

_PLAIN_WORD: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:\-]*")
_PLAIN_PATH: Final = re.compile(r"\.[A-Za-z0-9_.:\-]*")
_NUMBER: Final = re.compile(r"-?[0-9]+")


def render(query: Query) -> str:
    """Write a Query as canonical JQL; parse(render(q)) == q."""
    text = _clause(query.where) if query.where is not None else ""
    if query.order_by:
        keys = ", ".join(
            _field(key.field) + (f" {key.direction.value}" if key.direction else "")
            for key in query.order_by
        )
        text = f"{text} ORDER BY {keys}" if text else f"ORDER BY {keys}"
    return text


def render_clause(clause: Clause) -> str:
    """Write one clause as canonical JQL."""
    return _clause(clause)


def _word(text: str) -> str:
    """A name bare when that reads back the same, quoted otherwise."""
    if _PLAIN_WORD.fullmatch(text):
        lower = text.lower()
        if lower not in KEYWORDS and lower not in RESERVED_WORDS:
            return text
    return quote(text)


def _field(field: Field) -> str:
    if isinstance(field, FieldName):
        return _word(field.name)
    if isinstance(field, CustomField):
        return f"cf[{field.id}]"
    path = field.path
    if path and not _PLAIN_PATH.fullmatch(path):
        path = quote(path)
    return f"{_field(field.base)}[{_word(field.key)}]{path}"


def _operand(operand: Operand) -> str:
    if isinstance(operand, Value):
        if operand.is_number and _NUMBER.fullmatch(operand.text):
            return operand.text
        return quote(operand.text)
    if isinstance(operand, Function):
        args = ", ".join(arg if _NUMBER.fullmatch(arg) else quote(arg) for arg in operand.args)
        return f"{_word(operand.name)}({args})"
    if isinstance(operand, ListOperand):
        return "(" + ", ".join(_operand(item) for item in operand.items) + ")"
    return "EMPTY"


def _terminal(clause: Terminal) -> str:
    text = f"{_field(clause.field)} {clause.operator.value}"
    if clause.operand is not None:
        text = f"{text} {_operand(clause.operand)}"
    for predicate in clause.predicates:
        text = f"{text} {predicate.kind.value} {_operand(predicate.operand)}"
    return text


def _nested(clause: Clause) -> str:
    text = _clause(clause)
    return f"({text})" if isinstance(clause, And | Or) else text


def _clause(clause: Clause) -> str:
    if isinstance(clause, Terminal):
        return _terminal(clause)
    if isinstance(clause, And):
        return " AND ".join(_nested(child) for child in clause.clauses)
    if isinstance(clause, Or):
        return " OR ".join(_nested(child) for child in clause.clauses)
    return f"NOT {_nested(clause.clause)}"
