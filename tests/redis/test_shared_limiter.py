"""The Jira budget shared through a real Redis: replicas as SharedLimiters on one server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
import pytest
from redis.asyncio import Redis

from server.config import Settings, load_settings
from server.gateway import SystemClock
from server.gateway.clock import Clock
from server.gateway.shared_limiter import SharedLimiter, shared_limiter
from tests.gateway.fakes import FakeClock
from tests.redis.redis_server import RedisServer

pytestmark = pytest.mark.anyio

API_TOKEN = "jira-api-token-never-in-redis"


def team_settings(redis: RedisServer, **overrides: object) -> Settings:
    """A replica's settings: one Jira credential, the test Redis."""
    values: dict[str, object] = {
        "jira_url": "https://example.atlassian.net",
        "jira_email": "bot@example.com",
        "jira_api_token": API_TOKEN,
        "redis_url": redis.url,
        "jira_rate_limit": 50.0,
        "jira_rate_burst": 2,
        "jira_max_concurrency": 4,
        "jira_replicas": 2,
    }
    values.update(overrides)
    return load_settings(**values)


@asynccontextmanager
async def replicas(
    settings: Settings, count: int, clock: Clock | None = None
) -> AsyncIterator[list[SharedLimiter]]:
    """``count`` replicas' limiters on the same Redis and credential."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(shared_limiter(settings, clock or SystemClock()))
            for _ in range(count)
        ]


async def test_replicas_together_keep_to_the_rate(redis_server: RedisServer) -> None:
    """Three replicas taking 30 slots at once send no more than the one budget allows:
    the burst, then JIRA_RATE_LIMIT per second, in any one-second window."""
    settings = team_settings(redis_server)
    granted: list[float] = []
    started = time.monotonic()
    async with replicas(settings, 3) as limiters, anyio.create_task_group() as tasks:
        for number in range(30):

            async def take(limiter: SharedLimiter = limiters[number % 3]) -> None:
                async with limiter.slot():
                    granted.append(time.monotonic())

            tasks.start_soon(take)
    # 2 at once, then 28 at 50/s: 0.56 s at the least.
    assert granted[-1] - started >= (30 - 2) / 50 * 0.95
    for first in granted:
        in_window = [t for t in granted if first <= t < first + 0.2]
        assert len(in_window) <= 2 + 50 * 0.2 + 1


async def test_replicas_together_keep_to_the_concurrency(redis_server: RedisServer) -> None:
    """With JIRA_MAX_CONCURRENCY=2, a second replica waits while the first holds two slots."""
    settings = team_settings(redis_server, jira_max_concurrency=2, jira_rate_burst=5)
    async with replicas(settings, 2) as (first, second):
        entered = anyio.Event()
        async with first.slot(), first.slot(), anyio.create_task_group() as tasks:

            async def enter() -> None:
                async with second.slot():
                    entered.set()

            tasks.start_soon(enter)
            with anyio.move_on_after(0.2):
                await entered.wait()
            assert not entered.is_set()
            tasks.cancel_scope.cancel()
        with anyio.fail_after(2):
            async with second.slot():
                pass


async def test_a_retry_after_seen_by_one_replica_holds_the_others(
    redis_server: RedisServer,
) -> None:
    """pause_all on one replica makes another wait out the same pause."""
    settings = team_settings(redis_server, jira_rate_burst=5)
    async with replicas(settings, 2) as (first, second):
        first.pause_all(0.3)
        await wait_for_key(first, b"*:pause")
        async with second.slot() as waited:
            assert waited >= 0.2


async def test_a_per_issue_hold_holds_only_that_issue(redis_server: RedisServer) -> None:
    """A write hold on PROJ-1 from one replica delays the other's writes to PROJ-1 only."""
    settings = team_settings(redis_server, jira_rate_burst=5)
    async with replicas(settings, 2) as (first, second):
        first.delay_issue_writes("proj-1", 0.3)
        await wait_for_key(first, b"*:hold:PROJ-1")
        async with second.slot(write_to_issue="PROJ-2") as other:
            assert other < 0.1
        async with second.slot(write_to_issue="PROJ-1") as held:
            assert held >= 0.2


async def test_redis_never_holds_the_credential(redis_server: RedisServer) -> None:
    """Keys are named by a hash of the credential; no key or value carries the token."""
    settings = team_settings(redis_server)
    async with replicas(settings, 1) as (limiter,):
        async with limiter.slot(write_to_issue="PROJ-1"):
            limiter.pause_all(1.0)
        await wait_for_key(limiter, b"*:pause")
        keys = await limiter.redis.keys("*")
        assert keys
        for key in keys:
            assert API_TOKEN.encode() not in key
            assert b"bot@example.com" not in key
            if await limiter.redis.type(key) == b"hash":
                values = await limiter.redis.hgetall(key)
                assert all(API_TOKEN.encode() not in v for v in values.values())


async def test_another_credential_has_its_own_budget(redis_server: RedisServer) -> None:
    """A replica with another Jira token does not wait for the first one's pause."""
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            shared_limiter(team_settings(redis_server), SystemClock())
        )
        other = await stack.enter_async_context(
            shared_limiter(team_settings(redis_server, jira_api_token="x" * 20), SystemClock())
        )
        first.pause_all(5.0)
        await wait_for_key(first, b"*:pause")
        with anyio.fail_after(1):
            async with other.slot():
                pass


async def test_a_lost_redis_degrades_and_a_probe_brings_it_back(
    redis_server: RedisServer,
) -> None:
    """Redis stopped: slots are still granted, by the local share, and the replica says why;
    Redis back: the probe on the replica's clock returns it to the shared budget within 10 s."""
    clock = FakeClock()
    settings = team_settings(redis_server, jira_rate_limit=1000.0)
    async with replicas(settings, 1, clock) as (limiter,):
        async with limiter.slot():
            pass
        assert await limiter.health_problem() is None
        redis_server.stop()
        async with limiter.slot():
            pass
        reason = limiter.degraded_reason
        assert reason is not None
        assert "Redis unreachable" in reason
        assert "500 requests/s" in reason  # 1000 / JIRA_REPLICAS=2
        async with limiter.slot():
            pass  # served by the local share, no new failure
        redis_server.start()
        back_at = clock.monotonic()
        for _ in range(500):
            if limiter.degraded_reason is None:
                break
            await anyio.sleep(0.01)  # the probe task runs on the fake clock meanwhile
        assert limiter.degraded_reason is None
        assert clock.monotonic() - back_at <= 10
        async with limiter.slot():
            pass
        assert await limiter.health_problem() is None


async def wait_for_key(limiter: SharedLimiter, pattern: bytes) -> None:
    """Wait until the background write of a hold has reached Redis."""
    redis: Redis = limiter.redis
    for _ in range(400):
        if await redis.keys(pattern):
            return
        await anyio.sleep(0.005)
    raise AssertionError(f"no key {pattern!r} in Redis")
