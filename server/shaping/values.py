"""One Jira field value -> the plain value the model needs (a name, a key, a date, some text)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TypeAlias

from server.adf import adf_to_markdown
from server.shaping.text import truncate

# Times are UTC datetimes and due dates are dates: typed in the structured content (ISO 8601
# with its zone), and written compactly by the table. A comment is a record, not a string.
FlatScalar: TypeAlias = str | int | float | bool | datetime | date | None
FlatRecord: TypeAlias = dict[str, FlatScalar]
FlatValue: TypeAlias = FlatScalar | list[str] | list[FlatRecord]

_DATETIME_FIELDS = frozenset(
    {"updated", "created", "resolutiondate", "lastViewed", "statuscategorychangedate"}
)
_DATE_FIELDS = frozenset({"duedate"})
_KEY_FIELDS = frozenset({"project", "parent"})
# Jira writes times like 2024-03-05T14:22:31.123+0100; custom date-time fields look the same.
_JIRA_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?")
# Jira Server describes sprints as strings: "com.atlassian...Sprint@1a2b[id=1,name=Sprint 7,...]".
_LEGACY_SPRINT = re.compile(r"\[.*?\bname=([^,\]]*)")
# Keys that only point at other resources or pictures: noise in a compact rendering.
_NOISE_KEYS = frozenset({"self", "avatarUrls", "iconUrl", "expand", "statusCategory"})


def flatten_value(field_id: str, value: object, *, text_limit: int) -> FlatValue:
    """The plain form of one field: names for statuses and users, keys for projects and
    parents, UTC datetimes for times (to the second), dates for due dates, Markdown for rich
    text cut at `text_limit`, lists of names for multi-value fields, comments as records
    (author, created, body), and None for an empty field."""
    if value is None or value in ("", [], {}):
        return None
    # Tools never return more than JIRA_TEXT_LIMIT characters of one field, so the rest is
    # only in Jira itself; the marker says so rather than promising a call that cannot help.
    hint = f"{field_id} is cut at JIRA_TEXT_LIMIT={text_limit}; the full text is in Jira"
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _string(field_id, value, text_limit, hint)
    if isinstance(value, Mapping):
        return _mapping(field_id, value, text_limit, hint)
    if isinstance(value, list):
        return _list(field_id, value, text_limit, hint)
    return truncate(str(value), text_limit, hint=hint)


def _string(field_id: str, value: str, text_limit: int, hint: str) -> str | datetime | date:
    if field_id in _DATE_FIELDS:
        return _date(value)
    if field_id in _DATETIME_FIELDS or _JIRA_DATETIME.fullmatch(value):
        return _utc_moment(value)
    sprint = _LEGACY_SPRINT.search(value) if "Sprint@" in value else None
    if sprint:
        return sprint.group(1)
    return truncate(value, text_limit, hint=hint)


def _utc_moment(value: str) -> datetime | str:
    """A Jira time in UTC, to the second; a time without a zone is left as Jira wrote it."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone(UTC).replace(microsecond=0)


def _date(value: str) -> date | str:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return value


def _mapping(field_id: str, value: Mapping[str, object], text_limit: int, hint: str) -> FlatValue:
    if value.get("type") == "doc":
        return truncate(adf_to_markdown(value), text_limit, hint=hint)
    if field_id in _KEY_FIELDS and value.get("key"):
        return str(value["key"])
    if field_id == "comment" or isinstance(value.get("comments"), list):
        return _comments(value.get("comments"), text_limit, hint)
    name = _name_of(value)
    if name is not None:
        return name
    for counter in ("votes", "watchCount"):
        if isinstance(value.get(counter), int):
            return int(str(value[counter]))
    return truncate(_compact_json(value), text_limit, hint=hint)


def _name_of(value: Mapping[str, object]) -> str | None:
    """What people call a Jira object: an issue's key, a user's or thing's name, an option."""
    if isinstance(value.get("fields"), Mapping) and value.get("key"):
        return str(value["key"])  # an issue embedded in another (parent, subtask, link)
    for attribute in ("displayName", "name"):
        if isinstance(value.get(attribute), str):
            return str(value[attribute])
    if "value" in value:
        child = value.get("child")
        option = str(value["value"])
        return f"{option} / {child['value']}" if isinstance(child, Mapping) else option
    if isinstance(value.get("key"), str):
        return str(value["key"])
    return None


def _list(field_id: str, values: list[object], text_limit: int, hint: str) -> FlatValue:
    if field_id == "issuelinks":
        return [_issue_link(link) for link in values if isinstance(link, Mapping)] or None
    if field_id == "comment":
        return _comments(values, text_limit, hint)
    flat: list[str] = []
    for item in values:
        if isinstance(item, Mapping):
            flat.append(_name_of(item) or truncate(_compact_json(item), text_limit, hint=hint))
        elif isinstance(item, str):
            flat.append(str(_string(field_id, item, text_limit, hint)))
        elif item is not None:
            flat.append(str(item))
    return flat or None


def _issue_link(link: Mapping[str, object]) -> str:
    """`blocks PROJ-2` or `is blocked by PROJ-3`, read from the issue's side of the link."""
    link_type = link.get("type")
    link_type = link_type if isinstance(link_type, Mapping) else {}
    for side, verb in (("outwardIssue", "outward"), ("inwardIssue", "inward")):
        other = link.get(side)
        if isinstance(other, Mapping):
            return f"{link_type.get(verb) or link_type.get('name') or 'links'} {other.get('key')}"
    return _compact_json(link)


def _comments(comments: object, text_limit: int, hint: str) -> list[FlatRecord] | None:
    """Each comment as `{author, created, body}`, its body (Markdown) cut at `text_limit`."""
    records: list[FlatRecord] = []
    for comment in comments if isinstance(comments, list) else []:
        if not isinstance(comment, Mapping):
            continue
        author = comment.get("author")
        who = _name_of(author) if isinstance(author, Mapping) else None
        created = comment.get("created")
        body = comment.get("body")
        text = adf_to_markdown(body) if isinstance(body, Mapping) else str(body or "")
        records.append(
            {
                "author": who or "unknown",
                "created": _utc_moment(created) if isinstance(created, str) else None,
                "body": truncate(text, text_limit, hint=hint),
            }
        )
    return records or None


def _compact_json(value: object) -> str:
    return json.dumps(_without_noise(value), separators=(",", ":"), ensure_ascii=False, default=str)


def _without_noise(value: object) -> object:
    if isinstance(value, Mapping):
        return {
            str(key): _without_noise(item)
            for key, item in value.items()
            if key not in _NOISE_KEYS and item is not None
        }
    if isinstance(value, list):
        return [_without_noise(item) for item in value]
    return value
