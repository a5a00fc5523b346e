"""Retries: only what is safe to repeat, on the right statuses, with Retry-After honoured."""

from __future__ import annotations

import random

import httpx
import pytest
import respx

from server.errors import RateLimited, ServerError, WriteOutcomeUnknown
from server.gateway import Backoff
from server.gateway.retry import is_safe_to_repeat
from tests.gateway.conftest import JIRA, GatewayFactory
from tests.gateway.fakes import FakeClock

pytestmark = pytest.mark.anyio

SEARCH = f"{JIRA}/rest/api/3/search/jql"
ISSUE = f"{JIRA}/rest/api/3/issue/PROJ-1"
CREATE = f"{JIRA}/rest/api/3/issue"
EMPTY_PAGE = {"issues": [], "isLast": True}


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_read_retried_four_times_then_fails(
    open_gateway: GatewayFactory, status: int
) -> None:
    """A GET that keeps failing with a retryable status is sent 1 + 4 times, then raises."""
    with respx.mock:
        route = respx.get(ISSUE).mock(return_value=httpx.Response(status, json={}))
        async with open_gateway() as gateway:
            with pytest.raises((RateLimited, ServerError)):
                await gateway.get_issue("PROJ-1")
    assert route.call_count == 5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 500])
async def test_non_retryable_status_sent_once(open_gateway: GatewayFactory, status: int) -> None:
    """Statuses that retrying cannot fix are not retried."""
    with respx.mock:
        route = respx.get(ISSUE).mock(return_value=httpx.Response(status, json={}))
        async with open_gateway() as gateway:
            with pytest.raises(Exception, match=r"."):
                await gateway.get_issue("PROJ-1")
    assert route.call_count == 1


async def test_read_only_post_recovers_after_503s(open_gateway: GatewayFactory) -> None:
    """A search POST is read-only, so it is retried through transient 503s."""
    with respx.mock:
        route = respx.post(SEARCH).mock(
            side_effect=[
                httpx.Response(503),
                httpx.Response(503),
                httpx.Response(200, json=EMPTY_PAGE),
            ]
        )
        async with open_gateway() as gateway:
            page = await gateway.search_page("project = PROJ")
    assert page.issues == []
    assert route.call_count == 3


async def test_create_not_retried_on_503(open_gateway: GatewayFactory) -> None:
    """A create answered 503 is sent once and reported as an unknown outcome."""
    with respx.mock:
        route = respx.post(CREATE).mock(return_value=httpx.Response(503))
        async with open_gateway() as gateway:
            with pytest.raises(WriteOutcomeUnknown) as caught:
                await gateway.create_issue({"fields": {"project": {"key": "PROJ"}}})
    assert route.call_count == 1
    assert isinstance(caught.value.cause, ServerError)


async def test_create_timeout_is_unknown_outcome(open_gateway: GatewayFactory) -> None:
    """A create whose answer times out is not retried and says its outcome is unknown."""
    with respx.mock:
        route = respx.post(CREATE).mock(side_effect=httpx.ReadTimeout("slow"))
        async with open_gateway() as gateway:
            with pytest.raises(WriteOutcomeUnknown, match="may or may not have happened"):
                await gateway.create_issue({"fields": {"project": {"key": "PROJ"}}})
    assert route.call_count == 1


async def test_create_retried_when_connection_never_opened(open_gateway: GatewayFactory) -> None:
    """A create whose connection was refused never reached Jira, so sending it again is safe."""
    with respx.mock:
        route = respx.post(CREATE).mock(
            side_effect=[
                httpx.ConnectError("refused"),
                httpx.Response(201, json={"id": "1", "key": "PROJ-9"}),
            ]
        )
        async with open_gateway() as gateway:
            created = await gateway.create_issue({"fields": {"project": {"key": "PROJ"}}})
    assert created["key"] == "PROJ-9"
    assert route.call_count == 2


async def test_create_retried_after_429(open_gateway: GatewayFactory) -> None:
    """A 429 means Jira refused the create without acting on it, so it is sent again."""
    with respx.mock:
        route = respx.post(CREATE).mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "1"}),
                httpx.Response(201, json={"id": "1", "key": "PROJ-9"}),
            ]
        )
        async with open_gateway() as gateway:
            created = await gateway.create_issue({"fields": {"project": {"key": "PROJ"}}})
    assert created["key"] == "PROJ-9"
    assert route.call_count == 2


async def test_read_retried_on_connection_error(open_gateway: GatewayFactory) -> None:
    """A dropped connection on a read is retried."""
    with respx.mock:
        route = respx.get(ISSUE).mock(
            side_effect=[
                httpx.ReadError("reset"),
                httpx.Response(200, json={"key": "PROJ-1", "fields": {}}),
            ]
        )
        async with open_gateway() as gateway:
            issue = await gateway.get_issue("PROJ-1")
    assert issue["key"] == "PROJ-1"
    assert route.call_count == 2


async def test_retry_after_seconds_is_the_minimum_wait(
    open_gateway: GatewayFactory, clock: FakeClock
) -> None:
    """Retry-After: 7 makes the next attempt wait at least 7 seconds."""
    with respx.mock:
        respx.get(ISSUE).mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "7"}),
                httpx.Response(200, json={"key": "PROJ-1", "fields": {}}),
            ]
        )
        async with open_gateway() as gateway:
            started = clock.now
            await gateway.get_issue("PROJ-1")
    assert clock.now - started >= 7.0
    assert clock.now - started <= 7.0 * 1.3 + 0.01


async def test_retry_after_http_date(open_gateway: GatewayFactory, clock: FakeClock) -> None:
    """Retry-After as an HTTP-date waits until that moment."""
    with respx.mock:
        # The fake wall clock starts at 2026-01-01T00:00:00Z.
        later = "Thu, 01 Jan 2026 00:00:12 GMT"
        respx.get(ISSUE).mock(
            side_effect=[
                httpx.Response(503, headers={"Retry-After": later}),
                httpx.Response(200, json={"key": "PROJ-1", "fields": {}}),
            ]
        )
        async with open_gateway() as gateway:
            started = clock.now
            await gateway.get_issue("PROJ-1")
    assert 12.0 <= clock.now - started <= 12.0 * 1.3 + 0.01


async def test_retry_after_zero_is_not_a_hot_loop(
    open_gateway: GatewayFactory, clock: FakeClock
) -> None:
    """Retry-After: 0 still waits a floor between attempts."""
    with respx.mock:
        route = respx.get(ISSUE).mock(
            return_value=httpx.Response(429, headers={"Retry-After": "0"})
        )
        async with open_gateway() as gateway:
            started = clock.now
            with pytest.raises(RateLimited):
                await gateway.get_issue("PROJ-1")
    assert route.call_count == 5
    assert clock.now - started >= 4 * 0.5


async def test_long_retry_after_is_reported_not_waited(
    open_gateway: GatewayFactory, clock: FakeClock
) -> None:
    """A quota Retry-After of half an hour is passed to the model instead of blocking."""
    with respx.mock:
        route = respx.get(ISSUE).mock(
            return_value=httpx.Response(429, headers={"Retry-After": "1847"})
        )
        async with open_gateway() as gateway:
            with pytest.raises(RateLimited, match="Wait 1847 s") as caught:
                await gateway.get_issue("PROJ-1")
    assert route.call_count == 1
    assert caught.value.retry_after == 1847


def test_backoff_grows_with_jitter_and_cap() -> None:
    """Backoff doubles from 2 s, stays within x0.7-1.3 and never exceeds 30 s."""
    backoff = Backoff(rng=random.Random(3))
    for retry in range(1, 9):
        expected = min(30.0, 2.0 * 2 ** (retry - 1))
        for _ in range(50):
            delay = backoff.delay(retry)
            assert delay <= 30.0
            assert expected * 0.7 - 1e-9 <= delay or delay == 30.0
            assert delay <= expected * 1.3 + 1e-9


@pytest.mark.parametrize(
    ("method", "path", "safe"),
    [
        ("GET", "/rest/api/3/issue/PROJ-1", True),
        ("POST", "/rest/api/3/search/jql", True),
        ("POST", "/rest/api/3/issue/bulkfetch", True),
        ("POST", "/rest/api/3/search/approximate-count", True),
        ("POST", "/rest/api/3/jql/parse", True),
        ("POST", "/rest/api/3/issue", False),
        ("POST", "/rest/api/3/issue/PROJ-1/transitions", False),
        ("POST", "/rest/api/3/issue/PROJ-1/comment", False),
        ("PUT", "/rest/api/3/issue/PROJ-1", False),
    ],
)
def test_which_requests_are_safe_to_repeat(method: str, path: str, safe: bool) -> None:
    """GET and the read-only POSTs are repeatable; every write is not."""
    assert is_safe_to_repeat(method, path) is safe
