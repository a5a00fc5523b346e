"""Data Center's issue history: Cloud's changelog page read from ``expand=changelog``.

Data Center has no ``GET /issue/{key}/changelog`` (the Jira Server REST API v2 reference and
the generated DC client, jira.js ``src/server/api/issues.ts``, list none); its history comes
inside the issue, ``GET /rest/api/2/issue/{key}?expand=changelog``, as
``changelog: {startAt, maxResults, total, histories}`` holding every entry, oldest first
(Jira Server REST API v2 reference, IssueBean ``changelog``). The adapter asks for that and
answers with the page Cloud would have sent (``values``, ``startAt``, ``maxResults``,
``total``, ``isLast``), so the gateway's paging, its newest-N reading and the guard's Sprint
masking run unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from server.errors import InvalidResponse
from server.gateway.dialect import Json, Wire

_CHANGELOG = re.compile(r"^/rest/api/3/issue/(?P<ref>[^/]+)/changelog$")
DEFAULT_PAGE = 100  # Cloud's default maxResults for the changelog page


class ChangelogAdapter:
    """``GET /issue/{key}/changelog`` as a read of the issue with its whole history."""

    def matches(self, request: Wire) -> bool:
        """The Cloud changelog page of one issue."""
        return request.method == "GET" and bool(_CHANGELOG.match(request.path))

    async def outbound(self, request: Wire) -> Wire:
        """The same issue, its project (for the guard's records) and its history."""
        found = _CHANGELOG.match(request.path)
        assert found is not None  # matches() said so
        params = {"fields": "project", "expand": "changelog"}
        return Wire("GET", f"/rest/api/3/issue/{found['ref']}", params)

    async def inbound(self, asked: Wire, sent: Wire, data: Json) -> Json:
        """The page of the history that ``asked`` named, in Cloud's shape."""
        history = data.get("changelog") if isinstance(data, dict) else None
        if not isinstance(history, dict) or not isinstance(history.get("histories"), list):
            raise InvalidResponse("Jira's answer had no changelog in it. Try again.")
        entries: list[Any] = history["histories"]
        first = _number(history.get("startAt"), 0)  # where Jira's list starts
        start = _number(_param(asked, "startAt"), 0)
        size = max(1, _number(_param(asked, "maxResults"), DEFAULT_PAGE))
        total = _number(history.get("total"), first + len(entries))
        chunk = entries[max(0, start - first) : max(0, start - first) + size]
        return {
            "startAt": start,
            "maxResults": size,
            "total": total,
            "isLast": start + len(chunk) >= total,
            "values": chunk,
        }


def _param(request: Wire, name: str) -> object:
    return (request.params or {}).get(name)


def _number(value: object, default: int) -> int:
    """A whole number Jira or the caller gave, as text or int; ``default`` otherwise."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return default
