"""Evaluate a parsed JQL query against in-memory issue records, as Jira Cloud would.

The simulator gives each issue as an IssueRecord: for a canonical clause name it returns every
identifying form of the field's values (project -> ["PROJ", "10000", "Project Name"]).
Anything this module cannot answer exactly raises Unsupported; it never guesses.

Supported: AND, OR, NOT; = != IN NOT IN (case-insensitive, negatives skip empty fields);
~ !~ (whole words, `*` for a prefix, a quoted phrase); IS [NOT] EMPTY; < <= > >= on numbers and
dates, and on fields with an order of their own (priority by rank, issue keys within a
project); values that mean empty (`resolution = Unresolved`); date strings (read in the
caller's time zone, as Jira does) and relative dates; now() and the start/end-of day, week,
month and year functions; currentUser(), openSprints(), closedSprints(), membersOf() and
list functions such as standardIssueTypes(). Weeks start on Monday. History (WAS, CHANGED)
is not modelled and answers Unsupported.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from operator import ge, gt, le, lt
from typing import Any, Final, Protocol, TypeVar

from server.jql import (
    And,
    Clause,
    CustomField,
    Empty,
    EntityProperty,
    Field,
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

JqlScalar = str | int | float | datetime | None
Predicate = Callable[["IssueRecord"], bool]


# The name is part of the sandbox's interface, so it keeps no "Error" suffix.
class Unsupported(Exception):
    """A construct the evaluator does not support; the sandbox answers 400 with str(exc)."""


class IssueRecord(Protocol):
    """What the evaluator needs from an issue."""

    def jql_values(self, field: str) -> Sequence[JqlScalar]:
        """Every value (in every identifying form) of a field, by canonical lower-case name.

        An empty sequence means the field is empty; raise Unsupported for a field that the
        simulator does not know, so that a typo is not answered with an empty result.
        """
        ...

    def jql_sort_value(self, field: str) -> object:
        """A comparable value to sort by (None sorts last)."""
        ...


R = TypeVar("R", bound=IssueRecord)


@dataclass(frozen=True)
class EvalContext:
    """Facts a query may depend on: the clock, the caller, sprints, groups and field aliases."""

    now: datetime
    current_user: str | None = None
    # The caller's time zone: Jira reads a date written without one ("2026-01-05 14:30") in
    # the searching user's zone (Data Center: the default user time zone unless the user
    # chose one). None: the zone of ``now``.
    zone: tzinfo | None = None
    open_sprints: frozenset[str] = frozenset()
    closed_sprints: frozenset[str] = frozenset()
    future_sprints: frozenset[str] = frozenset()
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Field -> lower-case value -> its place in Jira's order (priority: Highest is greatest).
    ranks: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # Field -> values that mean "empty" (Jira's `resolution = Unresolved`).
    empty_words: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # List function (lower-case) -> project key ("" for every project) -> the values it gives.
    lists: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)


# A resolved operand: the scalars to compare with, and whether EMPTY is among them.
@dataclass(frozen=True, slots=True)
class _Targets:
    values: tuple[JqlScalar, ...]
    empty: bool = False


_DATE: Final = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: (\d{1,2}):(\d{2}))?")
_RELATIVE_PART: Final = re.compile(r"(\d+)\s*([wdhm])")
_RELATIVE: Final = re.compile(r"([-+]?)\s*((?:\d+\s*[wdhm]\s*)+)")
_OFFSET: Final = re.compile(r"([-+]?)(\d+)([yMwdhm]?)")
_NUMBER: Final = re.compile(r"-?\d+(?:\.\d+)?")
_WORD: Final = re.compile(r"\w+")
_ISSUE_KEY: Final = re.compile(r"([A-Za-z][A-Za-z0-9_]*)-([0-9]+)")
# Lucene operators and wildcards the evaluator does not imitate.
_LUCENE_SYNTAX: Final = re.compile(r"[?~^\[\]{}()\\/:\"]|\*.")
_UNIT_SECONDS: Final = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60}
_DATE_FUNCTIONS: Final = {
    "startofday": ("d", False),
    "endofday": ("d", True),
    "startofweek": ("w", False),
    "endofweek": ("w", True),
    "startofmonth": ("M", False),
    "endofmonth": ("M", True),
    "startofyear": ("y", False),
    "endofyear": ("y", True),
}


def compile_where(query: Query, ctx: EvalContext) -> Callable[[IssueRecord], bool]:
    """A predicate that says whether a record matches the query's condition."""
    if query.where is None:
        return lambda _record: True
    return _compile(query.where, ctx)


def sort_records(records: Sequence[R], query: Query, ctx: EvalContext) -> list[R]:
    """The records in ORDER BY order (input order without ORDER BY); None sorts last."""
    ordered = list(records)
    for key in reversed(query.order_by):
        name = _canonical(key.field, ctx)
        descending = key.direction is not None and key.direction.value == "DESC"
        present = [(record.jql_sort_value(name), record) for record in ordered]
        missing = [record for value, record in present if value is None]
        valued = [(value, record) for value, record in present if value is not None]
        try:
            # Stable sort on the value only; `reverse` keeps equal records in input order.
            valued.sort(key=_sort_value, reverse=descending)
        except TypeError as exc:
            raise Unsupported(f"Cannot sort by {name}: its values are not comparable") from exc
        ordered = [record for _value, record in valued] + missing
    return ordered


def _sort_value(pair: tuple[object, object]) -> Any:
    # Any: the IssueRecord contract promises comparable sort values; a broken promise is a
    # TypeError that sort_records turns into Unsupported.
    return pair[0]


# Clauses --------------------------------------------------------------------------------------


def _compile(clause: Clause, ctx: EvalContext) -> Predicate:
    if isinstance(clause, And):
        parts = [_compile(child, ctx) for child in clause.clauses]
        return lambda record: all(part(record) for part in parts)
    if isinstance(clause, Or):
        parts = [_compile(child, ctx) for child in clause.clauses]
        return lambda record: any(part(record) for part in parts)
    if isinstance(clause, Not):
        inner = _compile(clause.clause, ctx)
        return lambda record: not inner(record)
    return _terminal(clause, ctx)


def _terminal(clause: Terminal, ctx: EvalContext) -> Predicate:
    operator = clause.operator
    if clause.predicates or operator in (
        Operator.WAS,
        Operator.WAS_NOT,
        Operator.WAS_IN,
        Operator.WAS_NOT_IN,
        Operator.CHANGED,
    ):
        raise Unsupported(f"The {operator.value} operator (issue history) is not supported")
    name = _canonical(clause.field, ctx)
    if operator in (Operator.IS, Operator.IS_NOT):
        return _emptiness(name, want_empty=operator == Operator.IS)
    if clause.operand is None:
        raise Unsupported(f"The {operator.value} operator needs an operand")
    targets = _resolve(clause.operand, ctx)
    if name in ctx.empty_words:
        targets = _empty_words(targets, ctx.empty_words[name])
    if operator in (Operator.EQUALS, Operator.IN):
        return _membership(name, targets, ctx, negated=False)
    if operator in (Operator.NOT_EQUALS, Operator.NOT_IN):
        return _membership(name, targets, ctx, negated=True)
    if operator in (Operator.LIKE, Operator.NOT_LIKE):
        return _text_match(name, targets, negated=operator == Operator.NOT_LIKE)
    return _ordering(name, operator, targets, ctx)


def _canonical(field_ref: Field, ctx: EvalContext) -> str:
    if isinstance(field_ref, EntityProperty):
        raise Unsupported("Entity properties (issue.property[...]) are not supported")
    if isinstance(field_ref, CustomField):
        alias = f"cf[{field_ref.id}]"
        return ctx.aliases.get(alias, f"customfield_{field_ref.id}")
    name = field_ref.name.strip().lower()
    return ctx.aliases.get(name, name)


def _emptiness(name: str, *, want_empty: bool) -> Predicate:
    def check(record: IssueRecord) -> bool:
        return _is_empty(record.jql_values(name)) == want_empty

    return check


def _is_empty(values: Sequence[JqlScalar]) -> bool:
    return all(value is None or value == "" for value in values)


def _membership(name: str, targets: _Targets, ctx: EvalContext, *, negated: bool) -> Predicate:
    def check(record: IssueRecord) -> bool:
        values = [value for value in record.jql_values(name) if value is not None and value != ""]
        if not values:
            # Jira: EMPTY in the list matches empty fields; != and NOT IN never do.
            return targets.empty and not negated
        found = any(_equal(value, target, ctx) for value in values for target in targets.values)
        if negated:
            return not found
        return found

    return check


def _equal(value: JqlScalar, target: JqlScalar, ctx: EvalContext) -> bool:
    if target is None or value is None:
        return False
    if isinstance(value, datetime) or isinstance(target, datetime):
        return _as_datetime(value, ctx) == _as_datetime(target, ctx)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _as_number(target)
        return number is not None and float(value) == number
    return str(value).casefold() == str(target).casefold()


def _empty_words(targets: _Targets, words: frozenset[str]) -> _Targets:
    kept = tuple(v for v in targets.values if str(v).casefold() not in words)
    return _Targets(kept, targets.empty or len(kept) < len(targets.values))


def _ordering(name: str, operator: Operator, targets: _Targets, ctx: EvalContext) -> Predicate:
    if targets.empty or len(targets.values) != 1:
        raise Unsupported(f"{operator.value} needs exactly one value")
    target = targets.values[0]
    compare = _COMPARE[operator]
    if name in ctx.ranks:
        return _ranked(name, compare, target, ctx.ranks[name])
    if name == "issuekey":
        return _key_ordering(compare, target)

    def check(record: IssueRecord) -> bool:
        for value in record.jql_values(name):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                if compare(value, _as_datetime(target, ctx)):
                    return True
            elif isinstance(value, int | float):
                number = _as_number(target)
                if number is None:
                    raise Unsupported(f"{name} is a number; {target!r} is not")
                if compare(float(value), number):
                    return True
            else:
                raise Unsupported(f"{operator.value} on the text field {name} is not supported")
        return False

    return check


def _ranked(
    name: str, compare: Callable[[Any, Any], bool], target: JqlScalar, ranks: Mapping[str, int]
) -> Predicate:
    """Ordering by a field's own order (priority >= High: High and everything above it)."""
    wanted = ranks.get(str(target).casefold())
    if wanted is None:
        raise Unsupported(f"{target!r} is not a value of {name}")

    def check(record: IssueRecord) -> bool:
        for value in record.jql_values(name):
            rank = ranks.get(str(value).casefold()) if value is not None else None
            if rank is not None:
                return compare(rank, wanted)
        return False

    return check


def _key_ordering(compare: Callable[[Any, Any], bool], target: JqlScalar) -> Predicate:
    """`key > ABC-5`: issues of project ABC numbered above 5 (keys order within a project)."""
    match = _ISSUE_KEY.fullmatch(str(target).strip())
    if match is None:
        raise Unsupported(f"{target!r} is not an issue key")
    project, number = match[1].upper(), int(match[2])

    def check(record: IssueRecord) -> bool:
        for value in record.jql_values("issuekey"):
            found = _ISSUE_KEY.fullmatch(str(value))
            if found and found[1].upper() == project:
                return compare(int(found[2]), number)
        return False

    return check


# Any: callers pass two floats or two datetimes, never a mix.
_COMPARE: Final[dict[Operator, Callable[[Any, Any], bool]]] = {
    Operator.LESS_THAN: lt,
    Operator.LESS_THAN_EQUALS: le,
    Operator.GREATER_THAN: gt,
    Operator.GREATER_THAN_EQUALS: ge,
}


def _text_match(name: str, targets: _Targets, *, negated: bool) -> Predicate:
    if targets.empty:
        return _emptiness(name, want_empty=not negated)
    queries = [_text_query(str(target)) for target in targets.values if target is not None]

    def check(record: IssueRecord) -> bool:
        texts = [str(value) for value in record.jql_values(name) if value not in (None, "")]
        if not texts:
            return False
        words = _WORD.findall(" ".join(texts).casefold())
        found = any(query(words) for query in queries)
        return not found if negated else found

    return check


def _text_query(text: str) -> Callable[[list[str]], bool]:
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
        return _phrase(_WORD.findall(stripped.casefold()))
    checks = [_term(term, text) for term in stripped.split()]
    return lambda words: bool(checks) and all(check(words) for check in checks)


def _term(term: str, text: str) -> Callable[[list[str]], bool]:
    """One search term: a word, a word* prefix, or words joined by punctuation (a phrase)."""
    if _LUCENE_SYNTAX.search(term) or term in ("AND", "OR", "NOT") or term[0] in "+-!":
        raise Unsupported(f"Text search syntax in {text!r} is not supported (only words and *)")
    if term.endswith("*"):
        prefix = term[:-1].casefold()
        if not _WORD.fullmatch(prefix):
            raise Unsupported(f"Only a single word can end with * in {text!r}")
        return lambda words: any(word.startswith(prefix) for word in words)
    return _phrase(_WORD.findall(term.casefold()))


def _phrase(phrase: list[str]) -> Callable[[list[str]], bool]:
    size = len(phrase)
    return lambda words: (
        size > 0 and any(words[i : i + size] == phrase for i in range(len(words) - size + 1))
    )


# Operands -------------------------------------------------------------------------------------


def _resolve(operand: Operand, ctx: EvalContext) -> _Targets:
    if isinstance(operand, Empty):
        return _Targets((), empty=True)
    if isinstance(operand, Value):
        return _Targets((int(operand.text) if operand.is_number else operand.text,))
    if isinstance(operand, ListOperand):
        values: list[JqlScalar] = []
        empty = False
        for item in operand.items:
            resolved = _resolve(item, ctx)
            values.extend(resolved.values)
            empty = empty or resolved.empty
        return _Targets(tuple(values), empty)
    return _function(operand, ctx)


def _function(call: Function, ctx: EvalContext) -> _Targets:
    name = call.name.lower()
    if name in _DATE_FUNCTIONS or name == "now":
        return _Targets((_date_function(name, call.args, ctx),))
    if call.args and name in ("currentuser", "opensprints", "closedsprints", "futuresprints"):
        raise Unsupported(f"{call.name}() takes no arguments")
    if name == "currentuser":
        return _Targets((ctx.current_user,) if ctx.current_user else ())
    if name == "opensprints":
        return _Targets(tuple(sorted(ctx.open_sprints)))
    if name == "closedsprints":
        return _Targets(tuple(sorted(ctx.closed_sprints)))
    if name == "futuresprints":
        return _Targets(tuple(sorted(ctx.future_sprints)))
    if name in ctx.lists:
        return _listed(call, ctx.lists[name])
    if name == "membersof":
        if len(call.args) != 1:
            raise Unsupported("membersOf() takes exactly one group name")
        group = ctx.groups.get(call.args[0].lower())
        if group is None:
            raise Unsupported(f"The group {call.args[0]!r} does not exist")
        return _Targets(tuple(sorted(group)))
    raise Unsupported(f"The function {call.name}() is not supported")


def _listed(call: Function, by_project: Mapping[str, tuple[str, ...]]) -> _Targets:
    """A function that lists values, for every project or the one named."""
    if len(call.args) > 1:
        raise Unsupported(f"{call.name}() takes at most one project")
    project = call.args[0].upper() if call.args else ""
    if project not in by_project:
        raise Unsupported(f"{call.name}(): there is no project {call.args[0]!r}")
    return _Targets(by_project[project])


def _date_function(name: str, args: tuple[str, ...], ctx: EvalContext) -> datetime:
    if len(args) > 1:
        raise Unsupported(f"{name}() takes at most one offset")
    if name == "now":
        if args:
            raise Unsupported("now() takes no arguments")
        return ctx.now
    unit, end = _DATE_FUNCTIONS[name]
    count, offset_unit = _parse_offset(name, args[0], unit) if args else (0, unit)
    start = _start_of(ctx.now, unit)
    if offset_unit in ("M", "y"):
        # Shift whole months before finding the end: the end of February plus one month is the
        # end of March, not March 28.
        start = _add(start, count, offset_unit)
        count = 0
    moment = _add(start, 1, unit) - timedelta(microseconds=1) if end else start
    return _add(moment, count, offset_unit) if count else moment


def _parse_offset(name: str, text: str, default_unit: str) -> tuple[int, str]:
    match = _OFFSET.fullmatch(text.strip())
    if match is None:
        raise Unsupported(f"The offset {text!r} of {name}() is not supported")
    sign, amount, unit = match.groups()
    return (-int(amount) if sign == "-" else int(amount)), unit or default_unit


def _start_of(moment: datetime, unit: str) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "w":
        return day - timedelta(days=day.weekday())
    if unit == "M":
        return day.replace(day=1)
    if unit == "y":
        return day.replace(month=1, day=1)
    return day


def _add(moment: datetime, count: int, unit: str) -> datetime:
    if unit in ("M", "y"):
        months = moment.month - 1 + (count * 12 if unit == "y" else count)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day)
    return moment + timedelta(seconds=count * _UNIT_SECONDS[unit])


def _as_datetime(value: JqlScalar, ctx: EvalContext) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ctx.now.tzinfo)
    text = str(value).strip()
    absolute = _DATE.fullmatch(text)
    if absolute:
        year, month, day, hour, minute = absolute.groups()
        try:
            return datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                tzinfo=ctx.zone or ctx.now.tzinfo,
            )
        except ValueError as exc:
            raise Unsupported(f"{text!r} is not a valid date") from exc
    relative = _RELATIVE.fullmatch(text)
    if relative:
        sign, parts = relative.groups()
        seconds = sum(
            int(count) * _UNIT_SECONDS[unit] for count, unit in _RELATIVE_PART.findall(parts)
        )
        return ctx.now + timedelta(seconds=-seconds if sign == "-" else seconds)
    raise Unsupported(
        f"{text!r} is not a date: use 'yyyy-MM-dd', 'yyyy-MM-dd HH:mm' or a relative "
        "date such as '-7d'"
    )


def _as_number(value: JqlScalar) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


__all__ = [
    "EvalContext",
    "IssueRecord",
    "JqlScalar",
    "Unsupported",
    "compile_where",
    "sort_records",
]
