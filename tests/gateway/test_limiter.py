"""The shared limiter: token bucket, concurrency cap, Jira-driven slow-downs, per-issue holds."""

from __future__ import annotations

import anyio
import httpx
import pytest
import respx

from sandbox.app import create_app
from sandbox.config import DEMO_EMAIL, DEMO_TOKEN, SandboxConfig
from server.config import Settings
from server.gateway import JiraGateway, RateLimiter
from server.gateway.gateway import SearchPage
from server.gateway.limiter import own_share
from tests.gateway.conftest import JIRA, GatewayFactory, make_settings
from tests.gateway.fakes import FakeClock

pytestmark = pytest.mark.anyio


async def test_burst_then_steady_rate(clock: FakeClock) -> None:
    """After the burst, callers are spaced at 1/rate; 25 calls at 10/s, burst 5, take 2 s."""
    limiter = RateLimiter(rate=10, burst=5, max_concurrency=100, clock=clock)
    started = clock.now
    for _ in range(25):
        async with limiter.slot():
            pass
    assert clock.now - started == pytest.approx(2.0)


async def test_bucket_refills_while_idle(clock: FakeClock) -> None:
    """An idle second refills the bucket, so the next burst goes without waiting."""
    limiter = RateLimiter(rate=10, burst=5, max_concurrency=100, clock=clock)
    for _ in range(5):
        async with limiter.slot():
            pass
    clock.advance(1.0)
    started = clock.now
    for _ in range(5):
        async with limiter.slot():
            pass
    assert clock.now == started


async def test_pause_holds_every_caller(clock: FakeClock) -> None:
    """A Retry-After pause delays all callers until it ends."""
    limiter = RateLimiter(rate=100, burst=100, max_concurrency=4, clock=clock)
    limiter.pause_all(3.0)
    started = clock.now
    async with limiter.slot() as waited:
        pass
    assert waited == pytest.approx(3.0)
    assert clock.now - started == pytest.approx(3.0)


async def test_low_remaining_slows_down_before_429(clock: FakeClock) -> None:
    """X-RateLimit-Remaining near zero makes the next caller wait before sending."""
    limiter = RateLimiter(rate=100, burst=100, max_concurrency=4, clock=clock)
    limiter.observe_remaining(limit=10, remaining=0, reset_in=None)
    async with limiter.slot() as waited:
        pass
    assert waited > 0


async def test_plenty_remaining_does_not_slow(clock: FakeClock) -> None:
    """X-RateLimit-Remaining well above the low-water mark costs nothing."""
    limiter = RateLimiter(rate=100, burst=100, max_concurrency=4, clock=clock)
    limiter.observe_remaining(limit=100, remaining=80, reset_in=None)
    async with limiter.slot() as waited:
        pass
    assert waited == 0


async def burst_time(limiter: RateLimiter, clock: FakeClock, calls: int) -> float:
    """Seconds ``calls`` callers, one after the other, take to pass the limiter."""
    started = clock.now
    for _ in range(calls):
        async with limiter.slot():
            pass
    return clock.now - started


async def test_reported_headroom_lets_a_burst_pass_the_local_burst(clock: FakeClock) -> None:
    """Jira says 9 requests are left: the next 9 go at once, although the local burst is 5."""
    limiter = RateLimiter(rate=10, burst=5, max_concurrency=4, clock=clock)
    async with limiter.slot():
        limiter.observe_remaining(limit=10, remaining=9, reset_in=None)
    assert await burst_time(limiter, clock, 9) == 0
    assert await burst_time(limiter, clock, 1) == pytest.approx(0.1)


async def test_reported_headroom_is_capped_at_one_second_of_rate(clock: FakeClock) -> None:
    """However much room Jira reports, a burst never exceeds one second of the local rate."""
    limiter = RateLimiter(rate=10, burst=5, max_concurrency=4, clock=clock)
    async with limiter.slot():
        limiter.observe_remaining(limit=65_000, remaining=64_000, reset_in=None)
    assert await burst_time(limiter, clock, 20) == pytest.approx(1.0)


async def test_requests_jira_may_not_have_counted_are_spent(clock: FakeClock) -> None:
    """Remaining 3 while another request is out: 2 tokens are left, not 3."""
    limiter = RateLimiter(rate=10, burst=10, max_concurrency=4, clock=clock)
    async with limiter.slot(), limiter.slot():
        limiter.observe_remaining(limit=10, remaining=3, reset_in=None)
    assert await burst_time(limiter, clock, 2) == 0
    assert await burst_time(limiter, clock, 1) == pytest.approx(0.1)


async def test_less_headroom_than_the_local_bucket_slows_down(clock: FakeClock) -> None:
    """Another client spends the same credential: Jira's lower count wins over the local one."""
    limiter = RateLimiter(rate=10, burst=10, max_concurrency=4, clock=clock)
    async with limiter.slot():
        limiter.observe_remaining(limit=10, remaining=2, reset_in=None)
    assert await burst_time(limiter, clock, 2) == 0
    assert await burst_time(limiter, clock, 3) == pytest.approx(0.3)


async def test_twenty_concurrent_searches_use_the_sandbox_burst_without_429(
    clock: FakeClock,
) -> None:
    """20 concurrent searches against Jira's 10/s, burst 10 bucket: no 429, about 1 s."""
    config = SandboxConfig(rate_limit=10, burst=10, clock=clock.wall, sleep=clock.sleep)
    # The deployment is named: this measures the pacing of searches, not detection.
    settings = Settings.model_validate(
        {
            "jira_url": "sandbox",
            "jira_email": DEMO_EMAIL,
            "jira_api_token": DEMO_TOKEN,
            "jira_deployment": "cloud",
        }
    )
    async with JiraGateway.open(settings, asgi_app=create_app(config), clock=clock) as gateway:
        started = clock.now
        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(lambda: gateway.search_page("project = SHOP"))
    assert config.counters.throttled == 0
    assert config.counters.requests == 20
    assert clock.now - started <= 1.1


async def test_data_center_rate_limiting_is_honoured_without_cloud_headers(
    clock: FakeClock,
) -> None:
    """A Data Center whose administrator allows 2 requests a second (burst 2), while the
    gateway is set for 10 and sends 10 searches at once: every search succeeds, the 429s of
    the first moment are waited out (Retry-After), and the pace stays under Jira's limit."""
    config = SandboxConfig(
        rate_limit=2, burst=2, clock=clock.wall, sleep=clock.sleep, deployment="datacenter"
    )
    settings = Settings.model_validate(
        {
            "jira_url": "sandbox",
            "jira_email": DEMO_EMAIL,
            "jira_api_token": DEMO_TOKEN,
            "jira_deployment": "datacenter",
            "jira_rate_limit": 10,
            "jira_rate_burst": 10,
        }
    )
    pages: list[SearchPage] = []

    async def search(gateway: JiraGateway) -> None:
        pages.append(await gateway.search_page("project = SHOP"))

    async with JiraGateway.open(settings, asgi_app=create_app(config), clock=clock) as gateway:
        started = clock.now
        async with anyio.create_task_group() as group:
            for _ in range(10):
                group.start_soon(search, gateway)
    assert len(pages) == 10
    assert all(page.issues for page in pages)
    assert config.counters.requests - config.counters.throttled == 10
    assert config.counters.throttled >= 1, "the site's limit was reached and honoured"
    # 10 requests at 2 a second after a burst of 2 take at least 4 s of Jira's time.
    assert clock.now - started >= 4.0


async def test_per_issue_hold_affects_only_that_issue(clock: FakeClock) -> None:
    """A per-issue write hold delays writes to that issue, not other issues or reads."""
    limiter = RateLimiter(rate=100, burst=100, max_concurrency=4, clock=clock)
    limiter.delay_issue_writes("PROJ-1", 2.0)
    async with limiter.slot(write_to_issue="PROJ-2") as other_issue:
        pass
    async with limiter.slot() as read:
        pass
    async with limiter.slot(write_to_issue="PROJ-1") as held:
        pass
    assert other_issue == 0
    assert read == 0
    assert held == pytest.approx(2.0)


async def test_per_issue_429_from_jira(open_gateway: GatewayFactory, clock: FakeClock) -> None:
    """Jira's jira-per-issue-on-write 429 holds later writes to that issue, not to others."""
    limited = httpx.Response(
        429, headers={"Retry-After": "2", "RateLimit-Reason": "jira-per-issue-on-write"}
    )
    with respx.mock:
        respx.get(url__regex=rf"{JIRA}/rest/api/3/issue/PROJ-\d+").mock(
            return_value=httpx.Response(200, json={"fields": {"project": {"key": "PROJ"}}})
        )
        first = respx.post(f"{JIRA}/rest/api/3/issue/PROJ-1/comment").mock(
            side_effect=[limited, httpx.Response(201, json={"id": "1"})]
        )
        other = respx.post(f"{JIRA}/rest/api/3/issue/PROJ-2/comment").mock(
            return_value=httpx.Response(201, json={"id": "2"})
        )
        async with open_gateway() as gateway:
            started = clock.now
            await gateway.add_comment("PROJ-1", {"type": "doc", "version": 1, "content": []})
            # The retry of the limited write waited out the 2 s hold on PROJ-1.
            assert clock.now - started >= 2.0
            limiter = gateway.http.limiter
            async with limiter.slot(write_to_issue="PROJ-2") as wait_other:
                pass
            await gateway.add_comment("PROJ-2", {"type": "doc", "version": 1, "content": []})
    assert first.call_count == 2
    assert other.call_count == 1
    assert wait_other == 0


async def test_concurrency_cap_holds_under_200_callers(clock: FakeClock) -> None:
    """200 concurrent callers never have more than the cap in flight at once."""
    limiter = RateLimiter(rate=1000, burst=1000, max_concurrency=4, clock=clock)
    in_flight = 0
    most = 0

    async def call() -> None:
        nonlocal in_flight, most
        async with limiter.slot():
            in_flight += 1
            most = max(most, in_flight)
            await anyio.lowlevel.checkpoint()
            await anyio.lowlevel.checkpoint()
            in_flight -= 1

    async with anyio.create_task_group() as group:
        for _ in range(200):
            group.start_soon(call)
    assert most == 4
    assert limiter.stats.acquired == 200


async def test_gateway_concurrency_cap_at_the_http_boundary(clock: FakeClock) -> None:
    """Through the whole gateway, 200 concurrent searches keep at most 4 requests open."""
    in_flight = 0
    most = 0

    class CountingTransport(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight)
            await anyio.lowlevel.checkpoint()
            in_flight -= 1
            return httpx.Response(200, json={"issues": [], "isLast": True})

    async with JiraGateway.open(
        make_settings(jira_rate_limit=1000, jira_rate_burst=1000),
        transport=CountingTransport(),
        clock=clock,
    ) as gateway:
        async with anyio.create_task_group() as group:
            for _ in range(200):
                group.start_soon(gateway.search_page, "project = PROJ")
        assert gateway.http.log.total == 200
    assert 1 < most <= 4


async def test_replicas_without_redis_each_take_their_share(clock: FakeClock) -> None:
    """JIRA_REPLICAS=2 without REDIS_URL: each process sends at half JIRA_RATE_LIMIT, so the
    two together keep to it (5 calls after the burst of 2 take 1 s at 5/s, not 0.5 s)."""
    settings = make_settings(jira_replicas=2, jira_rate_limit=10, jira_rate_burst=4)
    limiter = own_share(settings, clock)
    assert limiter.rate == 5
    start = clock.monotonic()
    for _ in range(7):
        async with limiter.slot():
            pass
    assert clock.monotonic() - start == pytest.approx(1.0)
