"""The metadata caches' store: Redis shared by the replicas (REDIS_URL), or this process.

Values are JSON, kept under a key for a TTL. With REDIS_URL a value lives in Redis with that
TTL as its key's expiry, so one replica's read of Jira serves every replica until Redis
expires it: while Redis answers, it alone says what is cached (its clock, not ours, ends an
entry). Every value also stays in a dict of this process, on the gateway's clock: without
REDIS_URL that dict is the cache, and when Redis is lost the replica carries on from it
without a word to the caller (the loss is logged once, by the link that noticed it; see
``shared_limiter``).

The replicas' keys are named by a hash of the Jira site, the credential and JIRA_PROJECTS
(never the credential itself): the values are cached as the scope guard let them through, so
replicas with different scopes, or different accounts, never see each other's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar, cast

from server.config import Settings
from server.gateway.clock import Clock
from server.gateway.redis_link import KEY_PREFIX, credential_tag, redis_errors

if TYPE_CHECKING:
    from redis.asyncio import Redis

T = TypeVar("T")

# Part of every key: raise it when a cached value's shape changes, so that replicas of two
# versions running side by side during a rollout never read each other's values.
FORMAT: Final = "v1"


class RedisLink(Protocol):
    """The replica's connection to Redis and whether it is lost (a ``SharedLimiter``)."""

    @property
    def redis(self) -> Redis:
        """The client."""
        ...

    @property
    def degraded_reason(self) -> str | None:
        """Why Redis is not in use now, or None while it answers."""
        ...

    def lost(self, error: BaseException) -> None:
        """Go on without Redis until it answers again."""
        ...


def cache_tag(settings: Settings) -> str:
    """The name of this replica's cache in Redis: site, credential and scope, hashed.

    The order of JIRA_PROJECTS does not matter; the credential is only in the hash.
    """
    scope = ",".join(sorted(settings.jira_projects)) or "*"
    material = f"{credential_tag(settings)}\n{scope}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


@dataclass
class _Entry:
    """A value as stored (``raw``), decoded once, and until when this process may use it."""

    raw: bytes
    value: Any
    expires: float


class SharedCache:
    """JSON values under keys, each for its TTL; in Redis when a link is given."""

    def __init__(self, clock: Clock, link: RedisLink | None = None, namespace: str = "") -> None:
        self.clock = clock
        self._link = link
        self._prefix = f"{KEY_PREFIX}cache:{FORMAT}:{namespace}:"
        self._entries: dict[str, _Entry] = {}

    def redis_key(self, key: str) -> str:
        """The Redis key that holds ``key``'s value."""
        return self._prefix + key

    async def get(self, key: str) -> Any:  # a JSON value of any shape
        """The value cached under ``key``, or None when there is none (None is never stored).

        The same stored value comes back as the same object, so a caller can tell that what
        it built from a value is still current.
        """
        redis = self._redis()
        if redis is not None:
            try:
                return await self._get_shared(redis, key)
            except redis_errors() as exc:
                self._lose(exc)
        entry = self._entries.get(key)
        if entry is None or self.clock.monotonic() >= entry.expires:
            self._entries.pop(key, None)
            return None
        return entry.value

    async def set(self, key: str, value: object, ttl: float) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds (None is not kept)."""
        if value is None:
            return
        # ASCII: a lone surrogate escaped in Jira's JSON survives the round trip.
        raw = json.dumps(value, separators=(",", ":")).encode()
        self._entries[key] = _Entry(raw, value, self.clock.monotonic() + ttl)
        redis = self._redis()
        if redis is not None:
            try:
                await redis.set(self.redis_key(key), raw, px=max(1, round(ttl * 1000)))
            except redis_errors() as exc:
                self._lose(exc)

    async def through(self, key: str, ttl: float, read: Callable[[], Awaitable[T]]) -> T:
        """The value cached under ``key``; else ``read()``'s, kept for ``ttl`` seconds."""
        hit = await self.get(key)
        if hit is not None:
            return cast("T", hit)
        value = await read()
        await self.set(key, value, ttl)
        return value

    async def _get_shared(self, redis: Redis, key: str) -> Any:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.get(self.redis_key(key))
            pipe.pttl(self.redis_key(key))
            raw, left_ms = await pipe.execute()
        if raw is None:
            # Expired in Redis: gone here too, whatever this process's clock says.
            self._entries.pop(key, None)
            return None
        # Kept here as long as Redis keeps it, for the time Redis may be lost.
        expires = self.clock.monotonic() + max(0, int(left_ms)) / 1000
        entry = self._entries.get(key)
        if entry is None or entry.raw != raw:
            entry = _Entry(raw, json.loads(raw), expires)
            self._entries[key] = entry
        entry.expires = expires
        return entry.value

    def _redis(self) -> Redis | None:
        """The shared store, or None: Redis is not configured, or lost for now."""
        link = self._link
        return link.redis if link is not None and link.degraded_reason is None else None

    def _lose(self, error: BaseException) -> None:
        if self._link is not None:
            self._link.lost(error)
