"""One issue in depth: its links, sub-tasks, parent, attachments, transitions, comments and
history, each as a small record, and the text lines a person reads for them.

Rich text (description, comment bodies) is Markdown, whole up to a limit and cut beyond it
with a marker that says how to read more.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from server.adf import adf_to_markdown
from server.gateway.scope import HIDDEN
from server.shaping.table import MONTHS
from server.shaping.text import truncate

Record = dict[str, Any]


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def name_of(user: object) -> str:
    """A person's display name (or account id); empty when unknown."""
    found = _dict(user)
    return str(found.get("displayName") or found.get("accountId") or "")


def moment(value: object) -> datetime | None:
    """A Jira time (``2026-11-15T14:44:52.317+0000``) in UTC, to the second."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC).replace(microsecond=0)


def when(value: date | None) -> str:
    """``15 Nov 2026 14:44`` (UTC), the same on every machine; ``-`` when unknown."""
    if value is None:
        return "-"
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{text} {value:%H:%M}" if isinstance(value, datetime) else text


def markdown(doc: object, limit: int, what: str) -> str:
    """Rich text as Markdown, cut at ``limit`` characters with a marker saying what to do."""
    if doc is None:
        return ""
    text = adf_to_markdown(doc) if isinstance(doc, Mapping) else str(doc)
    hint = f"{what} cut at max_text={limit}; ask with a larger max_text (at most 100000)"
    return truncate(text.strip(), limit, hint=hint)


def browse_url(issue: Mapping[str, Any], key: str, jira_url: str | None) -> str:
    """The issue's page: the site of its ``self`` link (or the configured URL) + /browse/KEY."""
    link = issue.get("self")
    base = str(link).split("/rest/api/", 1)[0] if isinstance(link, str) and link else jira_url
    return f"{base}/browse/{key}" if base else ""


def _summary_status(issue: Mapping[str, Any]) -> tuple[str, str]:
    fields = _dict(issue.get("fields"))
    return str(fields.get("summary") or ""), str(_dict(fields.get("status")).get("name") or "")


def links(fields: Mapping[str, Any]) -> list[Record]:
    """Each link as this issue's page reads it: type, the phrase, and the other issue.

    An entry with ``outwardIssue`` is read with the type's outward phrase ("blocks B"), one
    with ``inwardIssue`` with the inward phrase ("is blocked by A") (Atlassian's "Jira issue
    linking model" guide).
    """
    out: list[Record] = []
    for link in _list(fields.get("issuelinks")):
        kind = _dict(link.get("type"))
        for side, phrase in (("outwardIssue", "outward"), ("inwardIssue", "inward")):
            other = _dict(link.get(side))
            if other.get("key") and other.get("key") != HIDDEN:
                summary, status = _summary_status(other)
                out.append(
                    {
                        "type": str(kind.get("name") or ""),
                        "direction": str(kind.get(phrase) or kind.get("name") or ""),
                        "key": str(other["key"]),
                        "summary": summary,
                        "status": status,
                        "id": str(link.get("id") or ""),
                    }
                )
    return out


def subtasks(fields: Mapping[str, Any]) -> list[Record]:
    """Sub-tasks as key, summary and status."""
    out: list[Record] = []
    for task in _list(fields.get("subtasks")):
        if task.get("key") and task.get("key") != HIDDEN:
            summary, status = _summary_status(task)
            out.append({"key": str(task["key"]), "summary": summary, "status": status})
    return out


def parent(fields: Mapping[str, Any]) -> Record | None:
    """The parent as key and summary; None when there is none or it is withheld."""
    found = _dict(fields.get("parent"))
    if not found.get("key") or found.get("key") == HIDDEN:
        return None
    return {"key": str(found["key"]), "summary": _summary_status(found)[0]}


def attachments(fields: Mapping[str, Any]) -> list[Record]:
    """Attachments as id, file name, size in bytes, MIME type and creation time."""
    return [
        {
            "id": str(item.get("id") or ""),
            "filename": str(item.get("filename") or ""),
            "size": int(item.get("size") or 0),
            "mime_type": str(item.get("mimeType") or ""),
            "created": moment(item.get("created")),
        }
        for item in _list(fields.get("attachment"))
    ]


def transitions(issue: Mapping[str, Any]) -> list[Record]:
    """The transitions the issue can take now: name and target status."""
    return [
        {"name": str(t.get("name") or ""), "to": str(_dict(t.get("to")).get("name") or "")}
        for t in _list(issue.get("transitions"))
    ]


def comment(item: Mapping[str, Any], limit: int) -> Record:
    """A comment as id, author, creation time and Markdown body."""
    return {
        "id": str(item.get("id") or ""),
        "author": name_of(item.get("author")),
        "created": moment(item.get("created")),
        "body": markdown(item.get("body"), limit, f"comment {item.get('id')}"),
    }


def changes(entries: list[dict[str, Any]]) -> list[Record]:
    """History entries, newest first, one record per changed field."""
    out: list[Record] = []
    for entry in reversed(entries):
        author, created = name_of(entry.get("author")), moment(entry.get("created"))
        for item in _list(entry.get("items")):
            out.append(
                {
                    "author": author,
                    "created": created,
                    "field": str(item.get("field") or ""),
                    "from": str(item.get("fromString") or item.get("from") or ""),
                    "to": str(item.get("toString") or item.get("to") or ""),
                }
            )
    return out
