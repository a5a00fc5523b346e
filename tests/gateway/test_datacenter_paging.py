"""Data Center page tokens hold their place while issues come and go (``dc_paging``)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from server.errors import BadRequest
from server.gateway import dc_paging
from server.gateway.scope import ProjectScope, make_scoped_query
from tests.gateway.test_datacenter_search import datacenter
from tests.sandbox import churn
from tests.sandbox.churn import issues_of

pytestmark = pytest.mark.anyio

SEARCH = "POST /rest/api/2/search"


async def test_many_issues_gone_before_the_place_cost_one_more_search_and_skip_nothing() -> None:
    """More issues than the overlap deleted from the page already read: the next page finds
    its place with a second, wider search and continues right after it."""
    async with datacenter() as (gateway, site, requests):
        first = await gateway.search_page(
            "project = SHOP ORDER BY key", max_results=30, fields=("key",)
        )
        existing = issues_of(site, "SHOP")
        read = [site.find_issue(issue["key"]) for issue in first.issues]
        for issue in read[:20]:
            assert issue is not None
            churn.delete_issue(site, issue)
        sent = len(requests)
        second = await gateway.search_page(
            "project = SHOP ORDER BY key",
            max_results=30,
            fields=("key",),
            next_page_token=first.next_page_token,
        )
    after_first = sorted(existing.values(), key=lambda key: int(key.split("-")[1]))[30:60]
    assert [issue["key"] for issue in second.issues] == after_first
    # The result moved: the account's zone is read once, to freeze the pages after this one.
    assert requests[sent:] == [SEARCH, SEARCH, "GET /rest/api/2/myself"]


async def test_a_place_whose_issues_are_all_gone_is_refused_not_guessed() -> None:
    """When every issue the token remembers was deleted, the next page is an error telling
    to start again, not a page that could skip issues."""
    async with datacenter() as (gateway, site, _):
        first = await gateway.search_page("project = SHOP", max_results=5, fields=("key",))
        for issue in first.issues[-dc_paging.ANCHORS :]:
            found = site.find_issue(issue["key"])
            assert found is not None
            churn.delete_issue(site, found)
        with pytest.raises(BadRequest, match="deleted or no longer match") as refused:
            await gateway.search_page(
                "project = SHOP", max_results=5, next_page_token=first.next_page_token
            )
    assert "without page_token" in str(refused.value)


async def test_the_query_shown_is_the_scoped_query_as_asked() -> None:
    """The bound and the tie-break are how pages are read: the query a page reports (and
    page tokens are bound to) is the scoped query alone."""
    async with datacenter("SHOP") as (gateway, _, _requests):
        first = await gateway.search_page("status = Done", max_results=5)
        second = await gateway.search_page(
            "status = Done", max_results=5, next_page_token=first.next_page_token
        )
    assert first.jql == second.jql == 'status = "Done" AND project IN ("SHOP")'


def test_pages_are_read_in_a_total_order_with_the_bound_from_the_second_on() -> None:
    """``key`` ends every order that is not total already; the bound is ANDed to the scope."""
    scope = ProjectScope(["SHOP"])
    by_created = make_scoped_query("status = Done ORDER BY created DESC", scope)
    by_key = make_scoped_query("ORDER BY priority DESC, key DESC", scope)
    assert dc_paging.paged_query(by_created, None).text == (
        'status = "Done" AND project IN ("SHOP") ORDER BY created DESC, key ASC'
    )
    assert dc_paging.paged_query(by_key, "2026-12-03 10:19").text == (
        'project IN ("SHOP") AND created <= "2026-12-03 10:19" ORDER BY priority DESC, key DESC'
    )


def test_the_bound_is_never_before_the_first_page_in_any_zone() -> None:
    """The first page's moment plus a minute for clock skew, up to the whole minute, written
    in the account's zone; in the hour a clock falls back it moves past the repeated hour."""
    moment = dc_paging.freeze_moment(datetime(2026, 12, 3, 10, 17, 5, tzinfo=UTC).timestamp())
    assert dc_paging.bound_text(moment, ZoneInfo("Europe/Berlin")) == "2026-12-03 11:19"
    assert dc_paging.bound_text(moment, ZoneInfo("America/Los_Angeles")) == "2026-12-03 02:19"
    # 01:30 UTC on 2026-10-25 is 02:30 the second time in Berlin; 02:30 alone means 00:30 UTC.
    repeated = int(datetime(2026, 10, 25, 1, 30, tzinfo=UTC).timestamp())
    assert dc_paging.bound_text(repeated, ZoneInfo("Europe/Berlin")) == "2026-10-25 03:00"


@pytest.mark.parametrize(
    "token", ["", "12", "1.2.x", "-1..5", "1..5-6-7-8", "7.1796293460.9" + "9" * 18]
)
def test_a_token_that_names_no_place_is_refused(token: str) -> None:
    """Anything but position.bound.ids is refused with what to do instead."""
    with pytest.raises(BadRequest, match="without page_token"):
        dc_paging.Place.parse(token)


def test_a_place_survives_its_token() -> None:
    """A place read back from its token is the same place."""
    for place in (
        dc_paging.Place(40, ("10040", "10041", "10042"), 1796293680),
        dc_paging.Place(5, ("7",), None),
    ):
        assert dc_paging.Place.parse(place.token()) == place
