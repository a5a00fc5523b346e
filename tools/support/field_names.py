"""Field names as agents write them ("Story Points", "story points", cf[10016]) -> field ids.

Ids of system fields and ``customfield_NNNNN`` are used as they are, so a call that asks only
for those costs no request; anything else is looked up in the site's field list (cached by the
gateway). An unknown name is refused with the closest names the site has.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

from server import engines
from tools.support.base import ToolInputError

if TYPE_CHECKING:
    from server.shaping import FlatIssue

# Jira's system field ids, by lower case, in their own spelling.
SYSTEM_FIELDS: Final = {
    name.lower(): name
    for name in (
        "summary", "description", "issuetype", "project", "status", "priority", "resolution",
        "resolutiondate", "assignee", "reporter", "creator", "created", "updated", "duedate",
        "labels", "components", "fixVersions", "versions", "parent", "subtasks", "issuelinks",
        "comment", "environment", "watches", "votes", "worklog", "attachment", "timetracking",
        "progress", "aggregateprogress", "timespent", "timeestimate", "timeoriginalestimate",
        "aggregatetimespent", "aggregatetimeestimate", "aggregatetimeoriginalestimate",
        "workratio", "security", "lastViewed", "statuscategorychangedate", "statusCategory",
        "issuerestriction",
    )
}  # fmt: skip
# Every row starts with the key anyway; these names would only add an empty column.
KEY_FIELDS: Final = frozenset({"key", "issuekey", "id"})
# Column names for system fields whose id is not what people call them (Jira's UI names).
SHORT_LABELS: Final = {
    "issuetype": "type",
    "resolutiondate": "resolved",
    "duedate": "due",
    "fixVersions": "fix versions",
    "versions": "affects versions",
    "issuelinks": "links",
    "statuscategorychangedate": "status changed",
    "lastViewed": "last viewed",
    "timeoriginalestimate": "original estimate",
    "timeestimate": "remaining estimate",
    "timespent": "time spent",
}
_CUSTOM_ID: Final = re.compile(r"^customfield_(\d+)$", re.IGNORECASE)
_CLAUSE_ID: Final = re.compile(r"^cf\[(\d+)\]$", re.IGNORECASE)


class FieldSource(Protocol):
    """Where the site's field list comes from (``gateway.meta``)."""

    async def fields(self) -> list[dict[str, Any]]:
        """Every field of the site, as ``GET /rest/api/3/field`` returns them."""


@dataclass(frozen=True)
class FieldSelection:
    """The field ids to ask Jira for, in the order asked, each with the column name to show."""

    ids: tuple[str, ...]
    labels: dict[str, str]


async def resolve_fields(
    asked: Sequence[str] | None,
    *,
    default: Sequence[str],
    max_fields: int,
    source: FieldSource,
) -> FieldSelection:
    """Field ids for ``asked`` (or ``default``); ToolInputError names what cannot be used."""
    try:
        selected = engines.select_fields(asked, default=default, max_fields=max_fields)
    except engines.ShapingError as exc:
        raise ToolInputError(str(exc)) from None
    names = [name for name in selected if name.lower() not in KEY_FIELDS]
    labels: dict[str, str] = {}
    unknown: list[str] = []
    for name in names:
        known = _known_id(name)
        if known is not None:
            labels.setdefault(known, SHORT_LABELS.get(known, known))
        else:
            unknown.append(name)
    if unknown:
        catalogue = _Catalogue(await source.fields())
        for name in unknown:
            field_id = catalogue.resolve(name)
            labels.setdefault(field_id, catalogue.label(field_id))
    return FieldSelection(tuple(labels), _unique_labels(labels))


def _unique_labels(labels: dict[str, str]) -> dict[str, str]:
    """Column names that collide (two fields called "Team") fall back to the field id."""
    taken = {"key"}
    unique: dict[str, str] = {}
    for field_id, label in labels.items():
        unique[field_id] = label if label not in taken else field_id
        taken.add(unique[field_id])
    return unique


def _known_id(name: str) -> str | None:
    """The id of a system field or custom field written as an id, without asking Jira."""
    system = SYSTEM_FIELDS.get(name.lower())
    if system is not None:
        return system
    number = _CUSTOM_ID.match(name) or _CLAUSE_ID.match(name)
    return f"customfield_{number.group(1)}" if number else None


class _Catalogue:
    """The site's fields, looked up by display name or JQL clause name, case-insensitively."""

    def __init__(self, fields: Iterable[dict[str, Any]]) -> None:
        self.by_name: dict[str, set[str]] = {}
        self.shown: dict[str, str] = {}
        for field in fields:
            field_id = str(field.get("id", ""))
            if not field_id:
                continue
            self.shown[field_id] = str(field.get("name") or field_id)
            for name in [field_id, field.get("name"), *(field.get("clauseNames") or [])]:
                if isinstance(name, str) and name:
                    self.by_name.setdefault(name.lower(), set()).add(field_id)

    def label(self, field_id: str) -> str:
        """System fields keep their id as column name; custom fields show Jira's name."""
        system = SYSTEM_FIELDS.get(field_id.lower())
        if system is not None:
            return SHORT_LABELS.get(system, system)
        return self.shown.get(field_id, field_id)

    def resolve(self, name: str) -> str:
        """The one field id ``name`` stands for; ToolInputError if none or several."""
        found = self.by_name.get(name.lower(), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            options = ", ".join(f"{fid} ({self.shown[fid]})" for fid in sorted(found))
            raise ToolInputError(f"Field {name!r} names several fields: {options}. Use the id.")
        raise ToolInputError(self._unknown(name))

    def _unknown(self, name: str) -> str:
        """The refusal of an unknown name, with the closest names the site has."""
        close = difflib.get_close_matches(name.lower(), self.by_name, n=5, cutoff=0.6)
        ids = list(dict.fromkeys(fid for match in close for fid in sorted(self.by_name[match])))
        text = f"Unknown field {name!r}."
        if ids:
            text += " Close matches: " + ", ".join(f"{self.shown[f]} ({f})" for f in ids[:3]) + "."
        return text + " Use a field id (summary, customfield_10016) or its name as Jira shows it."


def issue_row(issue: dict[str, Any], selection: FieldSelection, text_limit: int) -> FlatIssue:
    """The issue as one flat row: key, then each field asked, under its column name."""
    return engines.flatten_issue(
        issue, selection.ids, text_limit=text_limit, names=selection.labels
    )


def table(rows: Sequence[dict[str, Any]]) -> str:
    """Rows of ``issue_row`` as a header line and one line per issue."""
    return engines.render_table(list(rows[0]), rows)
