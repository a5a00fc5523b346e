"""Where a Data Center search continues: pages that neither repeat nor skip an issue.

Data Center pages its search by position only (``startAt``). A position counts issues in
the order of the moment it is asked, so an issue created that sorts before it (``ORDER BY
created DESC``) pushes a seen issue onto the next page again, and an issue deleted or moved
out of the result pulls an unseen one back onto a page already read. Three things keep the
pages exact while costing one request a page:

- a fixed order: the query's ORDER BY plus ``key`` when its order is not total, so issues
  that tie keep their places from one request to the next;
- a frozen result: from the second page on, ``created <= <moment of the first page>`` is
  ANDed to the scoped query, so issues created since do not join the result at all;
- an anchor: the token carries the position and the ids of the last issues returned; the
  next request starts ``OVERLAP`` issues early and the page continues right after the
  anchor, wherever it now stands, which absorbs issues that left the result (or joined it
  before the bound) ahead of the position.

The bound is the first page's moment on our clock, plus ``SKEW`` for a Jira clock running
ahead of ours, rounded up to the whole minute (JQL dates have minute precision), and written
as a date in the account's time zone: Jira reads a date written without a zone in the
searching user's time zone, which on Data Center is the site's default user time zone unless
the user chose one (Atlassian, "Advanced searching - fields reference", Created). The zone is
the ``timeZone`` of ``GET /myself`` (Data Center's User bean has it as Cloud's does: jira.js
``src/server/models/user.ts``). Asking costs a request, so it is asked only once a page sees
the result move (its anchor not where it was left), and then kept with the other account
facts; until the zone is known no bound is sent, and the anchors alone keep the pages exact.
Never earlier than the first page, the bound only lets in the issues of its last minute or
two, which the overlap absorbs; an earlier one would drop issues that existed. A relative
date ("-25m") would need no zone, but it moves with Jira's clock by up to a minute from one
page to the next, so issues created around it would come and go (and anchors with them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Final

from server import engines
from server.errors import BadRequest
from server.gateway.scope import ScopedQuery

OVERLAP: Final = 10  # issues re-read before the position: inserts/removals absorbed per page
ANCHORS: Final = 3  # ids of the last issues returned that the token carries
SKEW: Final = 60  # seconds Jira's clock may run ahead of ours without an issue being lost
TOTAL_ORDER: Final = frozenset({"key", "issuekey", "id"})  # a unique sort key ends the order
# position.frozen_at.id-id-id (frozen_at empty when the result is not frozen)
_TOKEN: Final = re.compile(
    rf"(\d{{1,9}})\.(\d{{0,12}})\.(\d{{1,18}}(?:-\d{{1,18}}){{0,{ANCHORS - 1}}})"
)
RERUN: Final = "Run the query again without page_token to start from the first page."
BAD_TOKEN: Final = f"This page token is not a place in the search. {RERUN}"


@dataclass(frozen=True)
class Place:
    """Where the next page starts: the position in Jira's order when the last page was read,
    the ids of the last issues returned (oldest first), and the first page's moment."""

    position: int
    anchors: tuple[str, ...]
    frozen_at: int | None  # the bound, epoch seconds on a whole minute; None: not frozen

    def token(self) -> str:
        """The page token: ``position.frozen_at.id-id-id``."""
        frozen = "" if self.frozen_at is None else str(self.frozen_at)
        return f"{self.position}.{frozen}.{'-'.join(self.anchors)}"

    @classmethod
    def parse(cls, token: str) -> Place:
        """The place a token stands for; BadRequest for anything else."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise BadRequest(BAD_TOKEN)
        position, frozen, anchors = match.groups()
        return cls(int(position), tuple(anchors.split("-")), int(frozen) if frozen else None)


def freeze_moment(now: float) -> int:
    """The first page's moment as the bound: ``now`` plus SKEW, up to the whole minute."""
    return math.ceil((now + SKEW) / 60) * 60


def bound_text(moment: int, zone: tzinfo) -> str:
    """``moment`` as a JQL date in ``zone`` that is never read as an earlier instant.

    In the hour a clock falls back one wall time names two instants, and Jira may take the
    earlier; the bound then moves on to the first wall time that names only itself.
    """
    while True:
        wall = datetime.fromtimestamp(moment, zone).replace(tzinfo=None)
        if wall.replace(tzinfo=zone, fold=0).timestamp() >= moment:
            return wall.strftime("%Y-%m-%d %H:%M")
        moment += 60


def paged_query(query: ScopedQuery, bound: str | None) -> ScopedQuery:
    """The scoped query with a total order and, from the second page on, the frozen bound.

    The text shown and bound into page tokens stays ``query.text``: these additions are how
    pages are read, not another query.
    """
    # Loaded with the first search, like every use of the JQL engine.
    from server.jql import (  # noqa: PLC0415
        And,
        FieldName,
        Operator,
        OrderField,
        Query,
        SortDirection,
        Terminal,
        Value,
    )

    scoped = engines.parse(query.text)
    where = scoped.where
    if bound is not None:
        limit = Terminal(FieldName("created"), Operator.LESS_THAN_EQUALS, Value(bound))
        where = limit if where is None else And((where, limit))
    order = scoped.order_by
    if not any(
        isinstance(key.field, FieldName) and key.field.name.lower() in TOTAL_ORDER for key in order
    ):
        order = (*order, OrderField(FieldName("key"), SortDirection.ASC))
    return ScopedQuery(ast=query.ast, text=engines.render(Query(where, order)))


@dataclass(frozen=True)
class Continuation:
    """The issues of a page, the position after them, and whether the last issue of the
    page before stood where it was left (nothing joined or left the result before it)."""

    issues: list[dict[str, Any]]
    position: int
    steady: bool


def continue_after(
    window: Sequence[dict[str, Any]], start: int, place: Place, size: int
) -> Continuation | None:
    """Up to ``size`` issues after the latest anchor found in ``window`` (read from
    ``start``); None when no anchor is there.

    Issues the token names are never returned again, even if their order changed.
    """
    ids = [str(issue.get("id", "")) for issue in window]
    found = next((ids.index(a) for a in reversed(place.anchors) if a in ids), None)
    if found is None:
        return None
    steady = ids[found] == place.anchors[-1] and start + found == place.position - 1
    taken: list[dict[str, Any]] = []
    last = found
    for index in range(found + 1, len(window)):
        if len(taken) == size:
            break
        last = index
        if ids[index] not in place.anchors:
            taken.append(window[index])
    return Continuation(taken, start + last + 1, steady)


def last_ids(before: Sequence[str], issues: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """The ANCHORS latest ids returned: this page's, after the earlier pages' ``before``."""
    ids = [*before, *(str(issue["id"]) for issue in issues if issue.get("id"))]
    return tuple(ids[-ANCHORS:])
