"""check(): the names a parsed query uses, compared with what the site has.

Fields (system, custom by name, `cf[N]`), functions (Jira's built-in list and their argument
counts), the values of status, priority, issuetype, resolution, project and statusCategory,
and operators a field does not support. Each finding says where it is, what is wrong and what
to write instead (the closest names, by difflib). Custom fields' values are never judged:
their options are not in the catalogue, so nothing can be said about them for certain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Final

from server.jql.ast import (
    And,
    Clause,
    CustomField,
    EntityProperty,
    Field,
    Function,
    ListOperand,
    Not,
    Operand,
    Or,
    Query,
    Terminal,
    Value,
)
from server.jql.catalogue import CHECKED_VALUES, NameCatalogue, ValueSet, system_field
from server.jql.functions import FUNCTIONS
from server.jql.operators import ALL_OPERATORS, EQUALITY, LIKE, ORDERING, UNSUPPORTED
from server.jql.parser import Locations
from server.jql.quote import quote
from server.jql.tokens import KEYWORDS, RESERVED_WORDS

MAX_SUGGESTIONS: Final = 3
MAX_LISTED: Final = 12  # a field with at most this many values lists them all in the hint
_CUTOFF: Final = 0.6  # difflib ratio for a "did you mean"
_NEAR_MISS: Final = 0.75  # a function this close to a built-in is a typo, not an app's
_PLAIN_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Value checks run on these operators only: history operators may name values that have
# since been renamed or deleted, which the catalogue no longer knows.
_VALUE_OPERATORS: Final = EQUALITY | ORDERING


@dataclass(frozen=True, slots=True)
class NameFinding:
    """One name the site does not have, or an operator its field does not take.

    `certain` findings would make Jira refuse the query (search_jql refuses them before
    sending); the others may be right on a site with apps that add functions.
    """

    message: str
    hint: str
    line: int
    column: int
    certain: bool = True
    field: str = ""  # the system field id a value finding is about ("project", ...)
    value: str = ""  # the value it is about

    @property
    def text(self) -> str:
        """One line, as validate_jql shows it and search_jql refuses with it."""
        return f"error (line {self.line}, column {self.column}): {self.message} Hint: {self.hint}"

    @property
    def note(self) -> str:
        """The finding as a warning: where, what, and what to do."""
        return f"(line {self.line}, column {self.column}) {self.message} {self.hint}"


def refusal(findings: list[NameFinding]) -> str:
    """Why a search was not sent: one line per finding, each with what to write instead."""
    lines = ["The query was not sent: Jira would refuse it. Fix these first:"]
    lines.extend(finding.text for finding in findings)
    return "\n".join(lines)


def check(query: Query, locations: Locations, catalogue: NameCatalogue) -> list[NameFinding]:
    """Every finding of `query`, in the order written."""
    findings: list[NameFinding] = []
    for clause in _terminals(query.where):
        findings.extend(_terminal(clause, locations, catalogue))
    for key in query.order_by:
        finding = _field(key.field, locations, catalogue)
        if finding is not None:
            findings.append(finding)
    return sorted(findings, key=lambda f: (f.line, f.column))


def value_fields(query: Query) -> frozenset[str]:
    """The system fields whose value lists `check` needs for this query ("status", ...)."""
    found = set()
    for clause in _terminals(query.where):
        system = system_field(_clause_name(clause.field))
        if system in CHECKED_VALUES:
            found.add(system)
    return frozenset(found)


def needs_field_list(query: Query) -> bool:
    """Whether the query names a field beyond the system clauses every site has."""
    named = [clause.field for clause in _terminals(query.where)]
    named += [key.field for key in query.order_by]
    return any(
        not isinstance(field, EntityProperty) and system_field(_clause_name(field)) is None
        for field in named
    )


def _terminal(clause: Terminal, at: Locations, catalogue: NameCatalogue) -> Iterator[NameFinding]:
    unknown = _field(clause.field, at, catalogue)
    if unknown is not None:
        yield unknown
    operands = [clause.operand] + [p.operand for p in clause.predicates]
    for operand in operands:
        for call in _functions(operand):
            finding = _function(call, at)
            if finding is not None:
                yield finding
    if unknown is not None or isinstance(clause.field, EntityProperty):
        return
    entry = catalogue.field(_clause_name(clause.field))
    if entry is None or entry.custom:
        return
    if clause.operator in UNSUPPORTED.get(entry.id, frozenset()):
        yield _operator(clause, entry.id, at, catalogue)
        return
    values = catalogue.values.get(entry.id)
    if values is not None and clause.operator in _VALUE_OPERATORS:
        yield from _values(clause, entry.id, values, at)


# Fields -----------------------------------------------------------------------------------


def _clause_name(field: Field) -> str:
    if isinstance(field, CustomField):
        return f"cf[{field.id}]"
    if isinstance(field, EntityProperty):
        return ""
    return field.name


def _field(field: Field, at: Locations, catalogue: NameCatalogue) -> NameFinding | None:
    if isinstance(field, EntityProperty) or not catalogue.fields:
        return None  # properties are free-form; without a field list nothing is known
    name = _clause_name(field)
    if catalogue.field(name) is not None:
        return None
    line, column = at.of(field)
    if isinstance(field, CustomField):
        return NameFinding(
            f"The custom field cf[{field.id}] does not exist or you do not have permission "
            "to view it.",
            'Use the field\'s name in quotes, e.g. "Story Points", or the number of a field '
            "the site has (GET /rest/api/3/field lists them).",
            line,
            column,
        )
    close = _closest(name, list(catalogue.spellings.values()))
    hint = (
        f"Did you mean {_either(close)}? Write {_word(close[0])} instead."
        if close
        else 'Check the field\'s name; a custom field is named in quotes, e.g. "Story Points".'
    )
    return NameFinding(
        f"Field '{name}' does not exist or you do not have permission to view it.",
        hint,
        line,
        column,
    )


# Functions --------------------------------------------------------------------------------


def _functions(operand: Operand | None) -> Iterator[Function]:
    if isinstance(operand, Function):
        yield operand
    elif isinstance(operand, ListOperand):
        for item in operand.items:
            yield from _functions(item)


def _function(call: Function, at: Locations) -> NameFinding | None:
    line, column = at.of(call)
    known = FUNCTIONS.get(call.name.strip().lower())
    if known is not None:
        if known.accepts(len(call.args)):
            return None
        count = len(call.args)
        return NameFinding(
            f"The function {known.name}() takes {known.arity}, not {count}.",
            f"Write {known.name}() with {known.arity}.",
            line,
            column,
        )
    names = [f.name for f in FUNCTIONS.values()]
    close = _closest(call.name, names, cutoff=_NEAR_MISS)
    if close:
        return NameFinding(
            f"Jira has no function {call.name}().",
            f"Did you mean {_either([c + '()' for c in close])}? "
            f"Write {close[0]}({_args(call)}) instead.",
            line,
            column,
        )
    return NameFinding(
        f"{call.name}() is not one of Jira's built-in functions.",
        "Use a built-in function such as currentUser(), now(), startOfDay() or openSprints(); "
        f"if an app on this site adds {call.name}(), check the query with remote=true.",
        line,
        column,
        certain=False,
    )


def _args(call: Function) -> str:
    return ", ".join(quote(arg) for arg in call.args)


# Operators and values ---------------------------------------------------------------------


def _operator(
    clause: Terminal, field_id: str, at: Locations, catalogue: NameCatalogue
) -> NameFinding:
    line, column = at.of(clause)
    name = _clause_name(clause.field)
    unsupported = UNSUPPORTED[field_id]
    allowed = ", ".join(op.value for op in ALL_OPERATORS if op not in unsupported)
    hint = f"{name} takes {allowed}."
    values = catalogue.values.get(field_id)
    operand = clause.operand
    if values is not None and isinstance(operand, Value):
        close = _closest(operand.text, list(values.names))
        if close:
            hint += f" Write {_word(name)} = {_word(close[0])} instead."
    elif clause.operator in LIKE:
        hint += ' For text search use summary ~ "words" or description ~ "words".'
    return NameFinding(
        f"The operator '{clause.operator.value}' is not supported by the '{name}' field.",
        hint,
        line,
        column,
    )


def _values(
    clause: Terminal, field_id: str, values: ValueSet, at: Locations
) -> Iterator[NameFinding]:
    name = _clause_name(clause.field)
    for value in _plain_values(clause.operand):
        if value.text.strip().lower() in values.accepted:
            continue
        line, column = at.of(value)
        close = _closest(value.text, list(values.names))
        if close:
            hint = f"Did you mean {_either(close)}? Write {_word(close[0])} instead."
        else:
            hint = f"Use a {name} the site has."
        if len(values.names) <= MAX_LISTED:
            hint += f" Values of {name}: {', '.join(values.names)}."
        yield NameFinding(
            f"The value '{value.text}' does not exist for the field '{name}'.",
            hint,
            line,
            column,
            field=field_id,
            value=value.text,
        )


def _plain_values(operand: Operand | None) -> Iterator[Value]:
    if isinstance(operand, Value):
        yield operand
    elif isinstance(operand, ListOperand):
        for item in operand.items:
            yield from _plain_values(item)


# Words ------------------------------------------------------------------------------------


def _closest(word: str, names: list[str], cutoff: float = _CUTOFF) -> list[str]:
    """The names closest to `word`, ignoring case, best first."""
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    found = get_close_matches(word.strip().lower(), by_lower, MAX_SUGGESTIONS, cutoff)
    return [by_lower[match] for match in found]


def _word(text: str) -> str:
    """A name as JQL must write it: bare when it is a plain word, else in quotes."""
    lower = text.lower()
    if _PLAIN_WORD.fullmatch(text) and lower not in RESERVED_WORDS and lower not in KEYWORDS:
        return text
    return quote(text)


def _either(names: list[str]) -> str:
    shown = [_word(n) if not n.endswith("()") else n for n in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _terminals(where: Clause | None) -> Iterator[Terminal]:
    stack: list[Clause] = [where] if where is not None else []
    while stack:
        clause = stack.pop()
        if isinstance(clause, And | Or):
            stack.extend(reversed(clause.clauses))
        elif isinstance(clause, Not):
            stack.append(clause.clause)
        else:
            yield clause


__all__ = ["NameFinding", "check", "needs_field_list", "refusal", "value_fields"]
