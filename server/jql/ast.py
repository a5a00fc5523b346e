"""The JQL syntax tree: frozen, hashable dataclasses built from tuples.

    Query(where: Clause | None, order_by: tuple[OrderField, ...])
    Clause   = And | Or | Not | Terminal
    Terminal(field, operator, operand, predicates)
    Field    = FieldName | CustomField | EntityProperty
    Operand  = Value | Function | ListOperand | Empty

Nodes hold decoded text (no quotes, no escapes); `render` decides how to write it back.
Parentheses are not nodes: they only shape the tree, and the renderer adds them where needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Operator(StrEnum):
    """A clause operator, written in its canonical (upper-case) JQL form."""

    EQUALS = "="
    NOT_EQUALS = "!="
    LESS_THAN = "<"
    LESS_THAN_EQUALS = "<="
    GREATER_THAN = ">"
    GREATER_THAN_EQUALS = ">="
    LIKE = "~"
    NOT_LIKE = "!~"
    IN = "IN"
    NOT_IN = "NOT IN"
    IS = "IS"
    IS_NOT = "IS NOT"
    WAS = "WAS"
    WAS_NOT = "WAS NOT"
    WAS_IN = "WAS IN"
    WAS_NOT_IN = "WAS NOT IN"
    CHANGED = "CHANGED"


class PredicateKind(StrEnum):
    """A history predicate keyword that may follow WAS … or CHANGED."""

    AFTER = "AFTER"
    BEFORE = "BEFORE"
    DURING = "DURING"
    ON = "ON"
    BY = "BY"
    FROM = "FROM"
    TO = "TO"


class SortDirection(StrEnum):
    """An ORDER BY direction."""

    ASC = "ASC"
    DESC = "DESC"


# Fields ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldName:
    """A field named by text, e.g. `status`, `"Story Points"` or the number field `1`."""

    name: str


@dataclass(frozen=True, slots=True)
class CustomField:
    """A custom field by id: `cf[10010]`."""

    id: int


@dataclass(frozen=True, slots=True)
class EntityProperty:
    """An entity property: `issue.property[key].path` (path is "" or starts with ".")."""

    base: FieldName | CustomField
    key: str
    path: str = ""


Field = FieldName | CustomField | EntityProperty


# Operands -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """A literal value: decoded string text, or the digits of a number (`is_number`)."""

    text: str
    is_number: bool = False


@dataclass(frozen=True, slots=True)
class Function:
    """A function call such as `startOfDay("-1d")`; arguments are plain text."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListOperand:
    """A parenthesised, non-empty list of operands (lists may nest)."""

    items: tuple[Operand, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a JQL list needs at least one item")


@dataclass(frozen=True, slots=True)
class Empty:
    """The `EMPTY` / `NULL` keyword."""


Operand = Value | Function | ListOperand | Empty


# Clauses --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryPredicate:
    """A history predicate after WAS or CHANGED, e.g. `AFTER "2026-01-01"` or `BY currentUser()`."""

    kind: PredicateKind
    operand: Operand


@dataclass(frozen=True, slots=True)
class Terminal:
    """One condition: field, operator, operand (None only for CHANGED) and history predicates."""

    field: Field
    operator: Operator
    operand: Operand | None
    predicates: tuple[HistoryPredicate, ...] = ()


@dataclass(frozen=True, slots=True)
class And:
    """Two or more clauses that must all hold."""

    clauses: tuple[Clause, ...]

    def __post_init__(self) -> None:
        _check_operands(self.clauses)


@dataclass(frozen=True, slots=True)
class Or:
    """Two or more clauses of which at least one must hold."""

    clauses: tuple[Clause, ...]

    def __post_init__(self) -> None:
        _check_operands(self.clauses)


@dataclass(frozen=True, slots=True)
class Not:
    """The negation of a clause (`NOT x` or `!x`)."""

    clause: Clause


Clause = And | Or | Not | Terminal


def _check_operands(clauses: tuple[Clause, ...]) -> None:
    # A one-clause AND/OR would render as its only clause and parse back differently.
    if len(clauses) < 2:
        raise ValueError("AND and OR need at least two clauses")


# Query ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderField:
    """One ORDER BY key with an optional direction."""

    field: Field
    direction: SortDirection | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """A whole JQL query: an optional condition and the ORDER BY keys."""

    where: Clause | None
    order_by: tuple[OrderField, ...] = ()
