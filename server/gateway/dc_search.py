"""Data Center's search dialect: ``POST /rest/api/2/search``, paged by ``startAt``.

Data Center has none of Cloud's ``/search/jql``, ``/search/approximate-count`` or
``/issue/bulkfetch`` (Atlassian's Jira Server REST API v2 reference); its one search pages by
position and says how many issues match in all (``total``). So a page's "next page token" is
the next position as text, which the caller wraps in its own signed cursor exactly as it
wraps Cloud's token; a count is the ``total`` of a search for no issues; and a bulk fetch is a
``issuekey in (...)`` search. Every query here is a ``ScopedQuery``: the guard sends nothing
else, and filters every answer as it filters Cloud's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from server import engines
from server.errors import BadRequest, InvalidResponse
from server.gateway.core import JiraHttp
from server.gateway.scope import ScopedQuery

SEARCH = "/rest/api/2/search"
BAD_POSITION = (
    "This page token is not a position in the search. "
    "Run the query again without page_token to start from the first page."
)


@dataclass(frozen=True)
class PositionPage:
    """One page of a v2 search: its issues, where the next page starts (None: last)."""

    issues: list[dict[str, Any]]
    next_start: str | None
    names: dict[str, str] = field(default_factory=dict)


def start_of(token: str | None) -> int:
    """The position a page token stands for (0 for the first page)."""
    if not token:
        return 0
    if not token.isdigit():
        raise BadRequest(BAD_POSITION)
    return int(token)


async def page(
    http: JiraHttp,
    query: ScopedQuery,
    *,
    fields: Sequence[str],
    size: int,
    start: int,
    names: bool = False,
) -> PositionPage:
    """``size`` issues of the query from ``start``, and where the next page starts."""
    body: dict[str, Any] = {
        "jql": query,
        "startAt": start,
        "maxResults": size,
        "fields": list(dict.fromkeys(fields)),
    }
    if names:
        body["expand"] = ["names"]
    data = await _search(http, body)
    issues = _issues(data)[:size]  # never more rows than asked
    total = data.get("total")
    after = start + len(issues)
    # No further page when this one was empty (a shrinking result) or reached the total.
    more = bool(issues) and isinstance(total, int) and after < total
    return PositionPage(issues, str(after) if more else None, dict(data.get("names") or {}))


async def count(http: JiraHttp, query: ScopedQuery) -> int:
    """How many issues match: the ``total`` of a search for none of them."""
    data = await _search(http, {"jql": query, "maxResults": 0, "fields": []})
    total = data.get("total")
    if not isinstance(total, int) or isinstance(total, bool):
        raise InvalidResponse("Jira's search answer had no total in it.")
    return total


def keys_query(refs: Sequence[str]) -> str:
    """JQL for the issues with these keys or ids (``issuekey`` matches both)."""
    return "issuekey in (" + ", ".join(engines.quote(ref) for ref in refs) + ")"


async def by_keys(
    http: JiraHttp, query: ScopedQuery, size: int, fields: Sequence[str]
) -> list[dict[str, Any]]:
    """The issues of one ``keys_query``; unknown keys are left out, not an error.

    ``validateQuery: false`` because Data Center otherwise refuses the whole query with a 400
    when one key does not exist; missing keys are what the caller reports as not found.
    """
    body = {
        "jql": query,
        "startAt": 0,
        "maxResults": size,
        "fields": list(dict.fromkeys(fields)),
        "validateQuery": False,
    }
    return _issues(await _search(http, body))[:size]


async def _search(http: JiraHttp, body: dict[str, Any]) -> dict[str, Any]:
    data = await http.request("POST", SEARCH, body=body)
    if not isinstance(data, dict):
        raise InvalidResponse("Jira's search answer was not a page of issues. Try again.")
    return data


def _issues(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = data.get("issues")
    if items is None:
        return []
    if not isinstance(items, list):
        raise InvalidResponse(f"Jira's answer to {SEARCH} had no list of issues.")
    return [item for item in items if isinstance(item, dict)]
