"""Data Center's search dialect: ``POST /rest/api/2/search``, paged by ``startAt``.

Data Center has none of Cloud's ``/search/jql``, ``/search/approximate-count`` or
``/issue/bulkfetch`` (Atlassian's Jira Server REST API v2 reference); its one search pages by
position and says how many issues match in all (``total``). So a page's "next page token" is
a place in the search (``dc_paging``: the position, the last issues returned, the first
page's moment), which the caller wraps in its own signed cursor exactly as it wraps Cloud's
token; a count is the ``total`` of a search for no issues; and a bulk fetch is a
``issuekey in (...)`` search. Every query here is a ``ScopedQuery``: the guard sends nothing
else, and filters every answer as it filters Cloud's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from server import engines
from server.errors import BadRequest, InvalidResponse
from server.gateway import dc_paging
from server.gateway.core import JiraHttp
from server.gateway.scope import ScopedQuery

SEARCH = "/rest/api/2/search"
# Enough issues either side of the position to find a page's anchor again after heavy change;
# Data Center's default cap on one page (jira.search.views.default.max) is 1000.
WIDE = 500
LOST_PLACE = (
    "The issues where the previous page ended were deleted or no longer match the query, "
    "and too many issues changed before them to find the place again, so this page could "
    f"repeat or skip issues. {dc_paging.RERUN}"
)

# The account's time zone, in which Jira reads JQL dates (None: unknown); True: ask Jira for
# it unless known, False: only a zone already known (no request).
ZoneOf = Callable[[bool], Awaitable[tzinfo | None]]


@dataclass(frozen=True)
class PositionPage:
    """One page of a v2 search: its issues, the token of the next page (None: last)."""

    issues: list[dict[str, Any]]
    next_token: str | None
    names: dict[str, str] = field(default_factory=dict)
    # How many issues the search matched, as Jira counted them with this page.
    total: int | None = None


@dataclass(frozen=True)
class PageRequest:
    """What a page asks: the scoped query, its fields and size, whether names come too."""

    query: ScopedQuery
    fields: Sequence[str]
    size: int
    names: bool = False

    def body(self, jql: ScopedQuery, start: int, count: int) -> dict[str, Any]:
        """The search body for ``count`` issues from ``start``."""
        body: dict[str, Any] = {
            "jql": jql,
            "startAt": start,
            "maxResults": count,
            "fields": list(dict.fromkeys(self.fields)),
        }
        if self.names:
            body["expand"] = ["names"]
        return body


async def page(
    http: JiraHttp, asked: PageRequest, token: str | None, *, now: float, zone_of: ZoneOf
) -> PositionPage:
    """One page of the query: the first (``token`` None) or the one after ``token``'s place.

    One request on the common path. Only when the result is seen moving: the account's
    time zone once (so that the next pages are frozen), a second search when the anchor
    moved out of the usual window (``dc_paging``), and an error rather than a page that
    could skip issues.
    """
    if not token:
        return await _first(http, asked, dc_paging.freeze_moment(now))
    place = dc_paging.Place.parse(token)
    frozen = place.frozen_at
    zone = await zone_of(False) if frozen is not None else None
    bound = dc_paging.bound_text(frozen, zone) if frozen is not None and zone else None
    jql = dc_paging.paged_query(asked.query, bound)
    for before in (dc_paging.OVERLAP, WIDE):
        start = max(0, place.position - before)
        count = place.position - start + (asked.size if before == dc_paging.OVERLAP else WIDE)
        data = await _search(http, asked.body(jql, start, count))
        window = _issues(data)[:count]
        found = dc_paging.continue_after(window, start, place, asked.size)
        if found is not None:
            if frozen is not None and bound is None and not found.steady:
                await zone_of(True)  # the result moves: freeze it from the next page on
            anchors = dc_paging.last_ids(place.anchors, found.issues)
            following = dc_paging.Place(found.position, anchors, frozen)
            return _page(data, found.issues, following)
        if not window and start == 0:
            return _page(data, [], None)  # nothing matches any more: the search is over
    raise BadRequest(LOST_PLACE)


async def _first(http: JiraHttp, asked: PageRequest, frozen_at: int) -> PositionPage:
    data = await _search(http, asked.body(dc_paging.paged_query(asked.query, None), 0, asked.size))
    issues = _issues(data)[: asked.size]  # never more rows than asked
    place = dc_paging.Place(len(issues), dc_paging.last_ids((), issues), frozen_at)
    return _page(data, issues, place)


def _page(
    data: dict[str, Any], issues: list[dict[str, Any]], following: dc_paging.Place | None
) -> PositionPage:
    total = data.get("total")
    # No further page past the total, or when nothing could anchor it (an empty result).
    more = (
        following is not None
        and bool(following.anchors)
        and isinstance(total, int)
        and following.position < total
    )
    token = following.token() if more and following is not None else None
    counted = total if isinstance(total, int) and not isinstance(total, bool) else None
    return PositionPage(issues, token, dict(data.get("names") or {}), counted)


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
