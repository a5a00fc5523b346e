"""One Jira issue as a flat mapping: its key, then each requested field's plain value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

from server.shaping.values import FlatValue, flatten_value

FlatIssue: TypeAlias = dict[str, FlatValue]

__all__ = ["FlatIssue", "FlatValue", "flatten_issue"]


def flatten_issue(
    issue: Mapping[str, object],
    fields: Sequence[str],
    *,
    text_limit: int,
    names: Mapping[str, str] | None = None,
) -> FlatIssue:
    """`{"key": ..., <field or its display name>: <flat value>, ...}` in the order asked.

    `names` maps field ids to the names people use ("customfield_10016" -> "Story Points"), so
    results speak the same language as the request.
    """
    values = issue.get("fields")
    values = values if isinstance(values, Mapping) else {}
    flat: FlatIssue = {"key": str(issue.get("key") or "")}
    for field_id in fields:
        if field_id.casefold() == "key":
            continue
        column = names.get(field_id, field_id) if names else field_id
        flat[column] = flatten_value(field_id, values.get(field_id), text_limit=text_limit)
    return flat
