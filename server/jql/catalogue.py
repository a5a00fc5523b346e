"""The names a site's JQL may use: fields, and the values of the fields Jira checks by name.

Built from Jira's own metadata answers (GET /field, /status, /priority, /issuetype,
/resolution, /project), so this module knows nothing of HTTP; `names.check` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

# Clauses JQL accepts that GET /field does not list under any clause name (Atlassian, "JQL
# fields", support.atlassian.com/jira-software-cloud/docs/jql-fields/).
JQL_ONLY_CLAUSES: Final = (
    "attachments", "category", "filter", "request", "savedFilter", "searchRequest", "text",
    "issueLinkType", "voter", "watcher", "worklogAuthor", "worklogComment", "worklogDate",
    "originalEstimate", "remainingEstimate", "timeOriginalEstimate", "timeEstimate",
    "timeSpent", "hierarchyLevel", "projectType", "parentProject", "statusCategory",
    "updatedBy", "issue", "issuekey", "key", "id",
)  # fmt: skip
# System clause names every Jira Cloud site has -> the field id behind them, so
# that a query naming only these needs no GET /field (Atlassian, "JQL fields"; the ids are
# those GET /field answers with).
SYSTEM_CLAUSES: Final[dict[str, str]] = {
    "project": "project", "status": "status", "priority": "priority",
    "issuetype": "issuetype", "type": "issuetype", "resolution": "resolution",
    "statusCategory": "statusCategory", "assignee": "assignee", "reporter": "reporter",
    "creator": "creator", "created": "created", "createdDate": "created",
    "updated": "updated", "updatedDate": "updated", "resolved": "resolutiondate",
    "resolutiondate": "resolutiondate", "due": "duedate", "duedate": "duedate",
    "summary": "summary", "description": "description", "environment": "environment",
    "comment": "comment", "text": "text", "labels": "labels", "component": "components",
    "fixVersion": "fixVersions", "affectedVersion": "versions", "parent": "parent",
    "key": "issuekey", "issuekey": "issuekey", "id": "issuekey", "issue": "issuekey",
    "lastViewed": "lastViewed", "votes": "votes", "watchers": "watches",
}  # fmt: skip
_SYSTEM_LOWER: Final = {clause.lower(): fid for clause, fid in SYSTEM_CLAUSES.items()}
# Jira's four status categories are the same on every site (GET /statuscategory).
STATUS_CATEGORIES: Final = (
    ("1", "undefined", "No Category"),
    ("2", "new", "To Do"),
    ("4", "indeterminate", "In Progress"),
    ("3", "done", "Done"),
)
# Fields whose values Jira resolves by name, and the metadata list that names them.
CHECKED_VALUES: Final = ("status", "priority", "issuetype", "resolution", "project")
# `resolution = Unresolved` is Jira's word for "no resolution" (unless one is named so).
UNRESOLVED: Final = "Unresolved"


@dataclass(frozen=True, slots=True)
class FieldEntry:
    """A field JQL can name: Jira's id for it, a name to show, and whether it is custom."""

    id: str
    name: str
    custom: bool = False


@dataclass(frozen=True, slots=True)
class ValueSet:
    """The values one field may take: names to suggest, and every accepted form (lower-case)."""

    names: tuple[str, ...]
    accepted: frozenset[str]


@dataclass(frozen=True)
class NameCatalogue:
    """Everything `names.check` compares a query with."""

    fields: Mapping[str, FieldEntry] = field(default_factory=dict)  # by lower-case clause name
    values: Mapping[str, ValueSet] = field(default_factory=dict)  # by system field id
    spellings: Mapping[str, str] = field(default_factory=dict)  # lower-case -> as Jira writes it

    def field(self, clause: str) -> FieldEntry | None:
        """The field a clause name (or `cf[N]` / `customfield_N`) stands for, if any; system
        clause names are known even without GET /field."""
        found = self.fields.get(clause.strip().lower())
        if found is None:
            system = system_field(clause)
            found = FieldEntry(system, system) if system is not None else None
        return found


def build_catalogue(
    *,
    fields: Iterable[Mapping[str, Any]] = (),
    values: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
) -> NameCatalogue:
    """A catalogue from Jira's answers: GET /field, and value lists by system field id
    ("status": GET /status, "project": GET /project, ...). A field whose list is not given
    is not judged by value; statusCategory always is (its four categories are fixed)."""
    lists = dict(values or {})
    checked: dict[str, ValueSet] = {}
    for name in CHECKED_VALUES:
        items = lists.get(name)
        if items is not None:
            extra = (UNRESOLVED,) if name == "resolution" else ()
            label = "key" if name == "project" else "name"
            checked[name] = _value_set(items, label=label, extra=extra)
    checked["statusCategory"] = _categories(lists.get("status") or [])
    known, spellings = _fields(fields)
    return NameCatalogue(known, checked, spellings)


def _fields(items: Iterable[Mapping[str, Any]]) -> tuple[dict[str, FieldEntry], dict[str, str]]:
    out: dict[str, FieldEntry] = {}
    spellings: dict[str, str] = {}
    items = list(items)
    if not items:
        return out, spellings  # no field list: fields are not judged at all
    for item in items:
        fid, name = str(item.get("id", "")), str(item.get("name", ""))
        if not fid:
            continue
        entry = FieldEntry(fid, name or fid, bool(item.get("custom")))
        clauses = item.get("clauseNames")
        names = [fid, name, *(clauses if isinstance(clauses, list) else [])]
        if fid.startswith("customfield_") and fid[12:].isdigit():
            names.append(f"cf[{int(fid[12:])}]")
        for clause in names:
            if isinstance(clause, str) and clause.strip():
                out.setdefault(clause.strip().lower(), entry)
                # Names people write are suggested; ids like customfield_10016 are not.
                if clause != fid or not entry.custom:
                    spellings.setdefault(clause.strip().lower(), clause.strip())
    for clause in (*SYSTEM_CLAUSES, *JQL_ONLY_CLAUSES):
        out.setdefault(clause.lower(), FieldEntry(SYSTEM_CLAUSES.get(clause, clause), clause))
        spellings.setdefault(clause.lower(), clause)
    return out, spellings


def system_field(clause: str) -> str | None:
    """The system field id a clause name stands for on every site, if it is one of those."""
    return _SYSTEM_LOWER.get(clause.strip().lower())


def _value_set(
    items: Iterable[Mapping[str, Any]], *, label: str = "name", extra: tuple[str, ...] = ()
) -> ValueSet:
    names: list[str] = []
    accepted: set[str] = set()
    for item in items:
        for part in ("name", "key", "id"):
            value = item.get(part)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                accepted.add(str(value).strip().lower())
        shown = item.get(label)
        if isinstance(shown, str) and shown not in names:
            names.append(shown)
    for word in extra:
        names.append(word)
        accepted.add(word.lower())
    return ValueSet(tuple(names), frozenset(accepted))


def _categories(statuses: Iterable[Mapping[str, Any]]) -> ValueSet:
    rows = [{"id": i, "key": k, "name": n} for i, k, n in STATUS_CATEGORIES]
    for status in statuses:
        category = status.get("statusCategory")
        if isinstance(category, Mapping):
            rows.append(dict(category))
    found = _value_set(rows)
    # "No Category" is never what a query means: suggest only the three real ones.
    return ValueSet(tuple(n for n in found.names if n != "No Category"), found.accepted)
