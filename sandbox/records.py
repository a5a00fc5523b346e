"""The JQL evaluator's view of an issue: every identifying form of every searchable field.

`IssueRecord.jql_values(name)` takes a canonical field name (see `aliases`) and answers all
the values a JQL operand may name it by (status -> name and id, assignee -> accountId, email
and display name). An unknown name raises `UnknownField`, so a query about a field the sandbox
does not model answers 400 instead of a silently wrong result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.jql_eval import EvalContext, Unsupported, compile_where, sort_records
from sandbox.seed import FLAGGED, RANK, SPRINT, STORY_POINTS
from sandbox.site import FieldDef, Issue, Json, Site
from server.jql import (
    And,
    Clause,
    CustomField,
    EntityProperty,
    Field,
    FieldName,
    JqlError,
    ListOperand,
    Not,
    Operand,
    Operator,
    Or,
    Query,
    Terminal,
    Value,
    is_bounded,
    parse,
)

Scalar = str | int | float | datetime | None
_PROPERTY = re.compile(r"^issue\.property\[(?P<key>[^\]]+)\](?P<path>(\.[^.]+)*)$", re.IGNORECASE)

# Field ids whose JQL name differs from the id.
_CANONICAL = {
    "resolutiondate": "resolved",
    "components": "component",
    "fixVersions": "fixversion",
    "versions": "affectedversion",
    "statusCategory": "statuscategory",
    "statuscategorychangedate": "statuscategorychangedate",
    SPRINT: "sprint",
    FLAGGED: "flagged",
    "watches": "watchers",
    "attachment": "attachments",
}
# JQL names that no single field owns.
_EXTRA = {"text": "text", "watcher": "watcher"}


class UnknownField(LookupError):
    """A JQL field the sandbox does not know; the message is Jira's."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Field '{name}' does not exist or you do not have permission to view it.")


def aliases(catalogue: list[FieldDef], roles: dict[str, str] | None = None) -> dict[str, str]:
    """Lower-case JQL names, clause names and `cf[N]` -> the canonical name `jql_values` takes.

    `roles` maps a site's own field ids to the sandbox's (`SiteData.field_roles`).
    """
    out: dict[str, str] = dict(_EXTRA)
    for f in catalogue:
        role = (roles or {}).get(f.id, f.id)
        canonical = _CANONICAL.get(role, role.lower())
        for name in (f.id, f.name, *f.clause_names):
            out.setdefault(name.lower(), canonical)
        out[canonical] = canonical
    return out


def adf_text(node: Any) -> str:
    """The plain text of an ADF node (paragraphs separated by spaces); a wiki-markup string
    written on Data Center is its own text."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text", ""))
        parts = [adf_text(child) for child in node.get("content", []) or []]
        return " ".join(p for p in parts if p)
    return ""


def _day(value: str | None) -> datetime | None:
    return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC) if value else None


def _or_none(values: list[Scalar]) -> list[Scalar]:
    return values or [None]


class IssueRecord:
    """One issue seen through JQL."""

    __slots__ = ("issue", "site")

    def __init__(self, issue: Issue, site: Site) -> None:
        self.issue = issue
        self.site = site

    def jql_values(self, field: str) -> Sequence[Scalar]:
        """Every value the field has, in every form JQL may name it by; [None] when empty."""
        name = field.lower()
        match = _PROPERTY.match(field)
        if match:
            return _property_values(self.issue.properties, match["key"], match["path"])
        getter = _GETTERS.get(name)
        if getter is not None:
            return getter(self)
        if name.startswith("customfield_") and name in self.site.fields:
            return [_plain(self.issue.custom.get(name))]
        raise UnknownField(field)

    def jql_sort_value(self, field: str) -> Any:
        """A value that orders the field as Jira does (priority by rank, key by number).

        Priority sorts by negated rank so that `ORDER BY priority DESC` shows Highest first.
        """
        name = field.lower()
        i = self.issue
        special: dict[str, Callable[[], Any]] = {
            "priority": lambda: -self.site.priorities[i.priority].rank,
            "issuekey": lambda: (i.project, int(i.key.split("-")[1])),
            "key": lambda: (i.project, int(i.key.split("-")[1])),
            "id": lambda: i.id,
            "rank": lambda: i.rank,
            RANK: lambda: i.rank,
            "status": lambda: (self._status_order(), self.site.statuses[i.status].name),
        }
        if name in special:
            return special[name]()
        values = self.jql_values(name)
        first = values[0] if values else None
        return first.lower() if isinstance(first, str) else first

    def _status_order(self) -> int:
        return {"new": 0, "indeterminate": 1, "done": 2}[
            self.site.statuses[self.issue.status].category
        ]

    # Values of the user, catalogue and text fields -----------------------------------------

    def user(self, account_id: str | None) -> list[Scalar]:
        """accountId, email and display name of a user field (and on Data Center, whose JQL
        names users by username, the username)."""
        u = self.site.users.get(account_id) if account_id else None
        if u is None:
            return [None]
        if self.site.deployment == "datacenter":
            return [u.account_id, u.username, u.email, u.display_name]
        return [u.account_id, u.email, u.display_name]

    def text(self, *parts: str | None) -> list[Scalar]:
        """A text field's content, [None] when empty."""
        joined = " ".join(p for p in parts if p)
        return [joined] if joined else [None]

    def comments(self) -> str:
        """All comment bodies as one text."""
        return " ".join(adf_text(c.body) for c in self.issue.comments)

    def project_items(self, ids: list[str], kind: str) -> list[Scalar]:
        """Names and ids of the issue's components or versions."""
        p = self.site.projects[self.issue.project]
        items = p.components if kind == "component" else p.versions
        return _or_none([x for item in items if item.id in ids for x in (item.name, item.id)])

    def sprints(self) -> list[Scalar]:
        """Ids (as text) and names of the issue's sprints."""
        found = [self.site.sprints[s] for s in self.issue.sprints]
        return _or_none([x for s in found for x in (str(s.id), s.name)])


def _plain(value: Any) -> Scalar:
    if isinstance(value, dict):
        return adf_text(value) or None
    if isinstance(value, str | int | float) or value is None:
        return value
    return str(value)


def _property_values(props: Json, key: str, path: str) -> list[Scalar]:
    # The evaluator lower-cases field names, so keys and paths are matched without case.
    value: Any = _get(props, key)
    for step in [s for s in path.split(".") if s]:
        value = _get(value, step)
    if isinstance(value, list):
        return _or_none([_plain(v) for v in value])
    if isinstance(value, bool):
        return [str(value).lower()]
    return [_plain(value)]


def _get(mapping: Any, name: str) -> Any:
    if not isinstance(mapping, dict):
        return None
    return next((v for k, v in mapping.items() if k.lower() == name.lower()), None)


def _catalogue(r: IssueRecord, table: Mapping[str, Any], item_id: str | None) -> list[Scalar]:
    item = table.get(item_id) if item_id else None
    return [item.name, item.id] if item is not None else [None]


def _category(r: IssueRecord) -> list[Scalar]:
    c = r.site.category_of(r.issue)
    return [c.key, c.name, str(c.id)]


def _key(r: IssueRecord) -> list[Scalar]:
    return [r.issue.key, str(r.issue.id)]


def _parent(r: IssueRecord) -> list[Scalar]:
    parent = r.site.by_id.get(r.issue.parent) if r.issue.parent else None
    return [parent.key, str(parent.id)] if parent else [None]


def _project(r: IssueRecord) -> list[Scalar]:
    p = r.site.projects[r.issue.project]
    return [p.key, p.id, p.name]


_GETTERS: dict[str, Callable[[IssueRecord], list[Scalar]]] = {
    "project": _project,
    "status": lambda r: _catalogue(r, r.site.statuses, r.issue.status),
    "statuscategory": _category,
    "issuetype": lambda r: _catalogue(r, r.site.issuetypes, r.issue.issuetype),
    "priority": lambda r: _catalogue(r, r.site.priorities, r.issue.priority),
    "resolution": lambda r: _catalogue(r, r.site.resolutions, r.issue.resolution),
    "assignee": lambda r: r.user(r.issue.assignee),
    "reporter": lambda r: r.user(r.issue.reporter),
    "creator": lambda r: r.user(r.issue.creator),
    "labels": lambda r: _or_none(list(r.issue.labels)),
    "component": lambda r: r.project_items(r.issue.components, "component"),
    "fixversion": lambda r: r.project_items(r.issue.fix_versions, "version"),
    "affectedversion": lambda r: [None],
    "sprint": lambda r: r.sprints(),
    "created": lambda r: [r.issue.created],
    "updated": lambda r: [r.issue.updated],
    "resolved": lambda r: [r.issue.resolved],
    "statuscategorychangedate": lambda r: [r.issue.status_changed],
    "duedate": lambda r: [_day(r.issue.duedate)],
    "summary": lambda r: r.text(r.issue.summary),
    "description": lambda r: r.text(adf_text(r.issue.description)),
    "environment": lambda r: [None],
    "comment": lambda r: r.text(r.comments()),
    "text": lambda r: r.text(r.issue.summary, adf_text(r.issue.description), r.comments()),
    STORY_POINTS: lambda r: [r.issue.story_points],
    RANK: lambda r: [r.issue.rank],
    "parent": _parent,
    "issuekey": _key,
    "flagged": lambda r: ["Impediment"] if r.issue.flagged else [None],
    "watchers": lambda r: [1],
    "votes": lambda r: [0],
    # `attachments IS EMPTY / IS NOT EMPTY` is all JQL asks of this field.
    "attachments": lambda r: [a.filename for a in r.issue.attachments] or [None],
}


# Running a query ------------------------------------------------------------------------------


class JqlRejected(ValueError):
    """A query the sandbox will not run; the text is the 400's error message."""


# Jira's word for an empty resolution: `resolution = Unresolved` is `resolution IS EMPTY`.
UNRESOLVED = "Unresolved"
_VALUE_OPERATORS = frozenset({Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN, Operator.NOT_IN})

UNBOUNDED = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)


def context(site: Site, account_id: str) -> EvalContext:
    """The facts a query may depend on, for this caller at the site's current time."""
    groups: dict[str, set[str]] = {}
    for u in site.data.users:
        for g in u.groups:
            groups.setdefault(g.lower(), set()).add(u.account_id)
    by_state: dict[str, set[str]] = {}
    for s in site.data.sprints:
        by_state.setdefault(s.state, set()).add(str(s.id))
    return EvalContext(
        now=site.now,
        current_user=account_id,
        zone=_zone_of(site, account_id),
        open_sprints=frozenset(by_state.get("active", set()) | by_state.get("future", set())),
        closed_sprints=frozenset(by_state.get("closed", set())),
        future_sprints=frozenset(by_state.get("future", set())),
        groups={g: frozenset(members) for g, members in groups.items()},
        aliases=aliases(site.data.fields, site.data.field_roles),
        # Jira orders priorities by their rank: `priority >= High` is High and Highest.
        ranks={"priority": _priority_ranks(site)},
        empty_words={"resolution": frozenset({UNRESOLVED.casefold()})},
        lists=_list_functions(site),
    )


def _zone_of(site: Site, account_id: str) -> ZoneInfo | None:
    """The caller's time zone, in which Jira reads dates written without one."""
    user = site.users.get(account_id)
    try:
        return ZoneInfo(user.time_zone) if user else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _priority_ranks(site: Site) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for p in site.data.priorities:
        ranks[p.name.casefold()] = ranks[p.id] = -p.rank
    return ranks


def _list_functions(site: Site) -> dict[str, dict[str, tuple[str, ...]]]:
    """standardIssueTypes(), subtaskIssueTypes(), releasedVersions(), unreleasedVersions()."""
    types = site.data.issuetypes
    out: dict[str, dict[str, tuple[str, ...]]] = {
        "standardissuetypes": {"": tuple(t.id for t in types if not t.subtask)},
        "subtaskissuetypes": {"": tuple(t.id for t in types if t.subtask)},
    }
    for name, released in (("releasedversions", True), ("unreleasedversions", False)):
        by_project = {
            p.key: tuple(v.id for v in p.versions if v.released == released)
            for p in site.data.projects
        }
        by_project[""] = tuple(v for ids in by_project.values() for v in ids)
        out[name] = by_project
    return out


def parse_jql(text: str | None, *, bounded: bool = True) -> Query:
    """Parse JQL as Jira's search does: syntax errors and (if asked) unbounded queries refused."""
    if bounded and (text is None or not text.strip()):
        raise JqlRejected(UNBOUNDED)
    try:
        query = parse(text or "")
    except JqlError as exc:
        raise JqlRejected(syntax_message(exc)) from None
    if bounded and not is_bounded(query):
        raise JqlRejected(UNBOUNDED)
    return query


def syntax_message(exc: JqlError) -> str:
    """Jira's wording for a JQL syntax error."""
    return f"Error in the JQL Query: {exc.message} (line {exc.line}, character {exc.column})"


def field_label(ref: Field) -> str:
    """A field as the query wrote it."""
    if isinstance(ref, CustomField):
        return f"cf[{ref.id}]"
    if isinstance(ref, EntityProperty):
        return f"issue.property[{ref.key}]{ref.path}"
    return ref.name


def terminals(clause: Clause | None) -> Iterator[Terminal]:
    """Every condition of a clause tree."""
    if clause is None:
        return
    if isinstance(clause, And | Or):
        for child in clause.clauses:
            yield from terminals(child)
    elif isinstance(clause, Not):
        yield from terminals(clause.clause)
    else:
        yield clause


def unknown_fields(query: Query, known: Mapping[str, str]) -> list[str]:
    """Jira's message for each field the site does not have."""
    refs = [t.field for t in terminals(query.where)] + [o.field for o in query.order_by]
    out = []
    for ref in refs:
        if isinstance(ref, EntityProperty):
            continue
        label = field_label(ref)
        if label.lower() not in known:
            message = str(UnknownField(label))
            if message not in out:
                out.append(message)
    return out


def missing_values(query: Query, site: Site) -> list[str]:
    """Jira's message for each value of project, status, priority, issuetype or resolution
    that names nothing on the site (`resolution = Unresolved` means "no resolution")."""
    out = []
    for t in terminals(query.where):
        if not isinstance(t.field, FieldName) or t.operator not in _VALUE_OPERATORS:
            continue
        name = t.field.name.strip().lower()
        known = _known_values(site, "issuetype" if name == "type" else name)
        if known is None:
            continue
        for value in _plain_values(t.operand):
            if value.strip().lower() not in known:
                out.append(f"The value '{value}' does not exist for the field '{t.field.name}'.")
    return out


def _known_values(site: Site, name: str) -> set[str] | None:
    d = site.data
    tables: dict[str, list[list[str]]] = {
        "project": [[p.key, p.id, p.name] for p in d.projects],
        "status": [[s.name, s.id] for s in d.statuses],
        "priority": [[p.name, p.id] for p in d.priorities],
        "issuetype": [[t.name, t.id] for t in d.issuetypes],
        "resolution": [[r.name, r.id] for r in d.resolutions] + [[UNRESOLVED]],
    }
    rows = tables.get(name)
    return None if rows is None else {form.lower() for row in rows for form in row}


def _plain_values(operand: Operand | None) -> list[str]:
    if isinstance(operand, Value):
        return [operand.text]
    if isinstance(operand, ListOperand):
        return [v for item in operand.items for v in _plain_values(item)]
    return []


def _with_properties(clause: Clause | None) -> Clause | None:
    """The clause tree with entity properties renamed to fields `jql_values` answers."""
    if clause is None:
        return None
    if isinstance(clause, And):
        return And(tuple(c for c in map(_with_properties, clause.clauses) if c is not None))
    if isinstance(clause, Or):
        return Or(tuple(c for c in map(_with_properties, clause.clauses) if c is not None))
    if isinstance(clause, Not):
        inner = _with_properties(clause.clause)
        return Not(inner) if inner is not None else None
    if isinstance(clause.field, EntityProperty):
        return replace(clause, field=FieldName(field_label(clause.field)))
    return clause


def matching(site: Site, account_id: str, query: Query) -> list[Issue]:
    """The visible issues matching a query, in its ORDER BY order (newest first without one)."""
    ctx = context(site, account_id)
    errors = unknown_fields(query, ctx.aliases) or missing_values(query, site)
    if errors:
        raise JqlRejected(errors[0])
    evaluable = Query(_with_properties(query.where), query.order_by)
    try:
        keep = compile_where(evaluable, ctx)
        records = [
            IssueRecord(i, site)
            for i in sorted(site.issues(), key=lambda i: -i.id)
            if site.visible(account_id, i)
        ]
        found = [r for r in records if keep(r)]
        return [r.issue for r in sort_records(found, evaluable, ctx)]
    except (Unsupported, UnknownField) as exc:
        raise JqlRejected(f"The sandbox cannot evaluate this query: {exc}") from None
