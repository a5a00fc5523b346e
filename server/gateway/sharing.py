"""What the replicas share, or this process keeps to itself: the Jira budget, the key
that signs page tokens, and the metadata caches.

With REDIS_URL all three live in Redis: the budget is a ``SharedLimiter``, the page-cursor
key is created once (SET NX) and read by every replica, so a page token continues on any
replica and survives restarts, and the metadata caches are a ``SharedCache`` whose entries
one replica's read fills for all. Without it, as on a laptop: a ``RateLimiter``, a key and
caches of this process, nothing else to run.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from server.config import Settings
from server.gateway.clock import Clock
from server.gateway.limiter import Limiter, own_share
from server.gateway.redis_link import KEY_PREFIX, redis_errors
from server.gateway.shared_cache import SharedCache, cache_tag
from server.gateway.shared_limiter import shared_limiter

if TYPE_CHECKING:
    from redis.asyncio import Redis

CURSOR_KEY: Final = KEY_PREFIX + "page-cursor-key"
KEY_BYTES: Final = 32

HealthProblem = Callable[[], Awaitable[str | None]]


async def _no_problem() -> str | None:
    return None


@dataclass(frozen=True)
class Sharing:
    """The budget, the page-cursor key, the metadata caches' store, and what /healthz
    should report (no store: the gateway keeps its caches in process)."""

    limiter: Limiter
    cursor_key: bytes
    health_problem: HealthProblem = _no_problem
    cache: SharedCache | None = None


async def shared_cursor_key(redis: Redis) -> bytes:
    """The replicas' one page-cursor key: made by the first replica to ask, kept forever."""
    await redis.set(CURSOR_KEY, secrets.token_bytes(KEY_BYTES), nx=True)
    key = await redis.get(CURSOR_KEY)
    if not isinstance(key, bytes) or len(key) < KEY_BYTES:
        raise ValueError(f"Redis holds no usable page-cursor key at {CURSOR_KEY}")
    return key


@asynccontextmanager
async def sharing(settings: Settings, clock: Clock) -> AsyncIterator[Sharing]:
    """Shared through REDIS_URL when it is set, else this process's own."""
    if settings.redis_url is None:
        own = own_share(settings, clock)
        yield Sharing(own, secrets.token_bytes(KEY_BYTES), cache=SharedCache(clock))
        return
    async with shared_limiter(settings, clock) as shared:
        try:
            key = await shared_cursor_key(shared.redis)
        except redis_errors() as exc:
            # Lost since the start-up check: serve anyway; page tokens stay with this replica.
            shared.lost(exc)
            key = secrets.token_bytes(KEY_BYTES)

        async def restore_key() -> None:
            # A Redis restarted without its data gets the key back from the replicas that
            # use it, so replicas started later sign with the same one.
            await shared.redis.set(CURSOR_KEY, key, nx=True)

        shared.on_return.append(restore_key)
        cache = SharedCache(clock, shared, cache_tag(settings))
        yield Sharing(shared, key, shared.health_problem, cache)
