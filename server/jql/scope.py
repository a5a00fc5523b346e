"""scope(): confine a parsed query to allowed projects, on the tree, never on the text.

The result is `(<where>) AND project IN ("A", "B") ORDER BY …`. Because the user's condition is
one AND operand of a tree that is rendered afresh, no text inside it (quotes, parentheses,
`||`, ORDER BY in a string) can reach outside. Queries that name another project or issue key
are refused with the names, so the model learns why instead of getting an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Final

from server.jql.ast import (
    And,
    Clause,
    CustomField,
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
from server.jql.error_types import JqlError, ScopeError
from server.jql.parser import parse
from server.jql.render import render

PROJECT_FIELDS: Final = frozenset({"project"})
KEY_FIELDS: Final = frozenset(
    {"key", "issuekey", "issue", "id", "parent", "parentepic", "epic link", "epiclink"}
)
EPIC_LINK_FIELD_ID: Final = 10014
_ISSUE_KEY: Final = re.compile(r"([A-Za-z][A-Za-z0-9_]*)-[0-9]+")
_DIGITS: Final = re.compile(r"[0-9]+")
# Jira's own functions (Atlassian's functions reference, Cloud and DC 10): their arguments are
# dates, users, groups, link types or issue keys, never JQL. Any other function may come
# from an app (ScriptRunner's `issueFunction in linkedIssuesOf("<subquery>")`, ...) and run
# its arguments as a query over every project, so such arguments are scoped too.
NATIVE_FUNCTIONS: Final = frozenset(
    name.lower()
    for name in (
        "approved", "approver", "breached", "cascadeOption", "choiceOption", "closedSprints",
        "completed", "componentsLeadByUser", "currentLogin", "currentUser",
        "earliestUnreleasedVersion",
        "elapsed", "endOfDay", "endOfMonth", "endOfWeek", "endOfYear", "everBreached",
        "futureSprints", "issueHistory", "issuesWithRemoteLinksByGlobalId", "lastLogin",
        "latestReleasedVersion", "linkedIssues", "membersOf", "myApproval", "myPending", "now",
        "openSprints", "paused", "pending", "pendingBy", "projectsLeadByUser",
        "projectsWhereUserHasPermission", "projectsWhereUserHasRole", "releasedVersions",
        "remaining", "running", "standardIssueTypes", "startOfDay", "startOfMonth",
        "startOfWeek", "startOfYear", "subtaskIssueTypes", "unreleasedVersions", "updatedBy",
        "votedIssues", "watchedIssues", "withinCalendarHours", "currentOrganization",
        "earliestUnreleasedVersionByReleaseDate", "latestReleasedVersionByReleaseDate",
        "attributeValue", "organizationMembers",
    )
)  # fmt: skip
# Text that reads as a query (an operator, a parenthesis, AND/OR): an app function's argument
# like this that does not parse is refused rather than sent unchecked.
_QUERY_LIKE: Final = re.compile(r"[=~<>!()]|\b(?:and|or)\b", re.IGNORECASE)


def normalize_projects(projects: Iterable[str]) -> tuple[str, ...]:
    """Allowlist entries as upper-case keys, without blanks or duplicates, in order."""
    if isinstance(projects, str):
        projects = [projects]
    seen: dict[str, None] = {}
    for project in projects:
        if not isinstance(project, str):
            raise JqlError(f"A project key must be text, not {type(project).__name__}")
        key = project.strip().upper()
        if key:
            seen[key] = None
    return tuple(seen)


def scope(query: Query, projects: Iterable[str]) -> Query:
    """Return `query` restricted to `projects`; an empty allowlist returns it unchanged.

    Raises ScopeError if the query names a project or issue key outside the allowlist, or a
    numeric project id (which cannot be checked without asking Jira).
    """
    allowed = normalize_projects(projects)
    if not allowed:
        return query
    if query.where is None:
        return Query(_restriction(allowed), query.order_by)
    _check(query.where, frozenset(allowed))
    inner = _scope_subqueries(query.where, allowed)
    return Query(And((inner, _restriction(allowed))), query.order_by)


def _restriction(allowed: tuple[str, ...]) -> Terminal:
    return Terminal(
        FieldName("project"), Operator.IN, ListOperand(tuple(Value(key) for key in allowed))
    )


def _scope_subqueries(clause: Clause, allowed: tuple[str, ...]) -> Clause:
    """``clause`` with every app function's query argument scoped like the outer query."""
    if isinstance(clause, And | Or):
        return type(clause)(tuple(_scope_subqueries(c, allowed) for c in clause.clauses))
    if isinstance(clause, Not):
        return Not(_scope_subqueries(clause.clause, allowed))
    if not isinstance(clause, Terminal):
        return clause
    operand = _scope_operand(clause.operand, allowed) if clause.operand is not None else None
    predicates = tuple(
        replace(p, operand=_scope_operand(p.operand, allowed)) for p in clause.predicates
    )
    return replace(clause, operand=operand, predicates=predicates)


def _scope_operand(operand: Operand, allowed: tuple[str, ...]) -> Operand:
    if isinstance(operand, ListOperand):
        return ListOperand(tuple(_scope_operand(item, allowed) for item in operand.items))
    if not isinstance(operand, Function) or operand.name.lower() in NATIVE_FUNCTIONS:
        return operand
    return Function(
        operand.name, tuple(_scope_argument(operand, arg, allowed) for arg in operand.args)
    )


def _scope_argument(call: Function, argument: str, allowed: tuple[str, ...]) -> str:
    """A query argument scoped (``(q) AND project IN (...)``); other arguments unchanged.

    An argument that reads as a query but cannot be parsed (a syntax error, too deep, too
    many clauses) is refused: sent as it is, it would run unscoped on Jira.
    """
    if _ISSUE_KEY.fullmatch(argument.strip()):
        return argument
    try:
        nested = parse(argument)
    except JqlError as exc:
        if _QUERY_LIKE.search(argument):
            raise ScopeError(
                f"The argument of {call.name}() reads as a query but cannot be checked "
                f"against the allowed projects: {exc.message}",
                hint="Simplify the query inside the function so that it parses on its own.",
            ) from None
        return argument
    if nested.where is None:
        return argument
    return render(scope(nested, allowed))


@dataclass
class _Findings:
    """Names a query uses that the allowlist does not permit, in query order."""

    projects: dict[str, None] = field(default_factory=dict)
    keys: dict[str, None] = field(default_factory=dict)
    project_ids: dict[str, None] = field(default_factory=dict)


def _check(where: Clause, allowed: frozenset[str]) -> None:
    found = _Findings()
    _collect(where, allowed, found)
    if found.projects or found.keys:
        raise _refusal(tuple(found.projects), tuple(found.keys), allowed)
    if found.project_ids:
        ids = ", ".join(found.project_ids)
        raise ScopeError(
            f"The query names projects by id ({ids}), which cannot be checked against the "
            "allowed projects",
            projects=tuple(found.project_ids),
            hint=f"Use project keys instead, e.g. project = {sorted(allowed)[0]}.",
        )


def _collect(where: Clause, allowed: frozenset[str], found: _Findings) -> None:
    for clause in _terminals(where):
        kind = _field_kind(clause)
        for operand in _operands(clause):
            if isinstance(operand, Function):
                _check_arguments(operand, allowed, found)
            elif kind == "project":
                text = operand.text.strip()
                if operand.is_number or _DIGITS.fullmatch(text):
                    found.project_ids[text] = None
                elif text.upper() not in allowed:
                    found.projects[operand.text] = None
            elif kind == "key":
                _check_key(operand.text, allowed, found)


def _check_arguments(call: Function, allowed: frozenset[str], found: _Findings) -> None:
    """Function arguments may name issues (linkedIssues("X-1")) or hold nested JQL."""
    for argument in call.args:
        if _ISSUE_KEY.fullmatch(argument.strip()):
            _check_key(argument, allowed, found)
            continue
        try:
            nested = parse(argument)
        except JqlError:
            continue  # not JQL: an ordinary argument such as "-1d" or a group name
        if nested.where is not None:
            _collect(nested.where, allowed, found)


def _check_key(text: str, allowed: frozenset[str], found: _Findings) -> None:
    key = _ISSUE_KEY.fullmatch(text.strip())
    if key and key.group(1).upper() not in allowed:
        found.keys[text] = None


def _refusal(
    projects: tuple[str, ...], keys: tuple[str, ...], allowed: frozenset[str]
) -> ScopeError:
    named = []
    if projects:
        named.append("projects " + ", ".join(projects))
    if keys:
        named.append("issues " + ", ".join(keys))
    listed = ", ".join(sorted(allowed))
    return ScopeError(
        f"The query names {' and '.join(named)} outside the allowed projects ({listed})",
        projects=projects,
        keys=keys,
        hint=f"Search only in {listed}: remove or change the conditions that name other projects.",
    )


def _terminals(where: Clause) -> Iterator[Terminal]:
    stack: list[Clause] = [where]
    while stack:
        clause = stack.pop()
        if isinstance(clause, Terminal):
            yield clause
        elif isinstance(clause, And | Or):
            stack.extend(reversed(clause.clauses))  # names are reported in query order
        elif isinstance(clause, Not):
            stack.append(clause.clause)


def _field_kind(clause: Terminal) -> str | None:
    field = clause.field
    if isinstance(field, FieldName):
        name = field.name.strip().lower()
        if name in PROJECT_FIELDS:
            return "project"
        if name in KEY_FIELDS:
            return "key"
    elif isinstance(field, CustomField) and field.id == EPIC_LINK_FIELD_ID:
        return "key"
    return None


def _operands(clause: Terminal) -> Iterator[Value | Function]:
    """The values and function calls of a clause, lists flattened, in query order."""
    operands: list[Operand] = [clause.operand] if clause.operand is not None else []
    operands.extend(predicate.operand for predicate in clause.predicates)
    operands.reverse()
    while operands:
        operand = operands.pop()
        if isinstance(operand, Value | Function):
            yield operand
        elif isinstance(operand, ListOperand):
            operands.extend(reversed(operand.items))
