"""One Jira budget shared by every replica through Redis (REDIS_URL).

Each request attempt takes a token from a bucket and a place among those in flight in one
Lua script, atomically, so N replicas together never send more than JIRA_RATE_LIMIT requests
per second nor hold more than JIRA_MAX_CONCURRENCY in flight. The script reads Redis's own
clock (``TIME``): replicas whose clocks disagree still share one bucket correctly. A
``Retry-After`` pause and Jira's per-issue write holds are keys that expire when the hold
ends; every replica's script waits on them.

The keys are named by a hash of the Jira credential, never the credential, so replicas that
share a credential share a budget, as Jira counts it.

When Redis goes away, no tool call fails for it: the replica carries on with a local limiter
at JIRA_RATE_LIMIT / JIRA_REPLICAS, reports itself degraded on /healthz, and probes Redis on
its clock every few seconds (and whenever /healthz asks), going back to the shared budget as
soon as Redis answers.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import anyio

from server.config import Settings
from server.gateway.clock import Clock
from server.gateway.limiter import LimiterStats, own_share, slowdown
from server.gateway.redis_link import KEY_PREFIX, connect, credential_tag, redis_errors
from server.logging import get_logger

if TYPE_CHECKING:
    from anyio.abc import TaskGroup
    from redis.asyncio import Redis

# Seconds between probes of a lost Redis: the replica is back in shared mode within this
# (and one probe's timeout) of Redis returning.
PROBE_INTERVAL: Final = 5.0
# Seconds to wait before asking again while the in-flight cap is full (a request of
# another replica ends in milliseconds).
IN_FLIGHT_POLL: Final = 0.01
# A place in flight whose holder vanished (a replica killed mid-request) is freed after
# the request timeout and this margin.
LEASE_MARGIN: Final = 10.0

OVERHEAD_SAMPLES: Final = 4096

GRANTED: Final = 1
WAIT_TOKEN: Final = 2
WAIT_HOLD: Final = 3
WAIT_IN_FLIGHT: Final = 4

# KEYS: bucket (hash), in flight (sorted set of leases by expiry), pause, issue hold.
# A missing bucket starts empty: after a Redis restart, what was spent is not known.
# ARGV: rate per second, bucket capacity, most in flight, lease id, lease milliseconds.
# Returns {code, milliseconds to wait}.
ACQUIRE_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local hold = math.max(redis.call('PTTL', KEYS[3]), redis.call('PTTL', KEYS[4]))
if hold > 0 then return {3, hold} end
local rate = tonumber(ARGV[1]) / 1000
local capacity = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {4, 0} end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
if tokens < 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  return {2, math.ceil((1 - tokens) / rate)}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 60000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]) * 2)
return {1, 0}
"""

# KEYS: a hold key. ARGV: milliseconds. Lengthens the hold, never shortens it.
HOLD_SCRIPT: Final = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
"""


@dataclass(frozen=True)
class BudgetKeys:
    """The Redis keys of one credential's budget."""

    bucket: str
    in_flight: str
    pause: str
    hold_prefix: str

    @classmethod
    def for_credential(cls, tag: str) -> BudgetKeys:
        """The keys for the credential whose hash is ``tag``."""
        base = f"{KEY_PREFIX}budget:{tag}:"
        return cls(base + "bucket", base + "in-flight", base + "pause", base + "hold:")

    def hold(self, issue: str | None) -> str:
        """The key of the write hold on ``issue`` (the pause key when there is no issue)."""
        return self.pause if issue is None else self.hold_prefix + issue.upper()


@dataclass
class Overhead:
    """Seconds the latest script calls took, for the benchmark (the limiter's cost per
    request); only the latest are kept, so a long-running server does not grow."""

    seconds: deque[float] = field(default_factory=lambda: deque(maxlen=OVERHEAD_SAMPLES))


class SharedLimiter:
    """The ``Limiter`` of a replica that shares its Jira budget through Redis."""

    def __init__(
        self,
        redis: Redis,
        settings: Settings,
        clock: Clock,
        *,
        probe_interval: float = PROBE_INTERVAL,
    ) -> None:
        self.clock = clock
        self.stats = LimiterStats()
        self.overhead = Overhead()
        self.degraded_reason: str | None = None
        self.redis = redis
        self._rate = settings.jira_rate_limit
        self._capacity = settings.jira_rate_burst
        self._max_in_flight = settings.jira_max_concurrency
        self._lease_ms = int((settings.jira_timeout + LEASE_MARGIN) * 1000)
        self._keys = BudgetKeys.for_credential(credential_tag(settings))
        self._acquire = redis.register_script(ACQUIRE_SCRIPT)
        self._hold = redis.register_script(HOLD_SCRIPT)
        self._probe_interval = probe_interval
        # This replica's own share, used while Redis is away.
        self.fallback = own_share(settings, clock)
        self._local_slots = anyio.Semaphore(settings.jira_max_concurrency)
        # One caller of this replica waits for a token at a time, in arrival order.
        self._turn = anyio.Lock()
        # Pauses this replica has seen, obeyed here before Redis has stored them.
        self._paused_until = 0.0
        self._issue_not_before: dict[str, float] = {}
        self._tasks: TaskGroup | None = None
        self._probing = False
        # Run when Redis answers again: a restarted Redis may have lost what it held.
        self.on_return: list[Callable[[], Awaitable[object]]] = []

    @asynccontextmanager
    async def running(self) -> AsyncIterator[SharedLimiter]:
        """Run the limiter's background work (storing pauses, probing a lost Redis)."""
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            try:
                yield self
            finally:
                self._tasks = None
                tasks.cancel_scope.cancel()

    # -- the Limiter protocol -------------------------------------------------------------

    @asynccontextmanager
    async def slot(self, *, write_to_issue: str | None = None) -> AsyncIterator[float]:
        """Hold one request slot of the shared budget; yields the seconds waited for it."""
        if self.degraded_reason is not None:
            async with self.fallback.slot(write_to_issue=write_to_issue) as waited:
                yield waited
            return
        started = self.clock.monotonic()
        async with self._local_slots:
            lease = await self._take(write_to_issue)
            if lease is None:
                # Redis went away while this caller waited: the local share takes over.
                async with self.fallback.slot(write_to_issue=write_to_issue) as waited:
                    yield self.clock.monotonic() - started
                return
            waited = self.clock.monotonic() - started
            self._enter(waited)
            try:
                yield waited
            finally:
                self.stats.in_flight -= 1
                self._in_background(self._release, lease)

    def pause_all(self, seconds: float) -> None:
        """Hold every caller of every replica for ``seconds`` from now (a Retry-After)."""
        self._paused_until = max(self._paused_until, self.clock.monotonic() + seconds)
        self.fallback.pause_all(seconds)
        self._in_background(self._store_hold, self._keys.pause, seconds)

    def delay_issue_writes(self, issue: str, seconds: float) -> None:
        """Hold later writes to ``issue`` on every replica (Jira's per-issue write limit)."""
        now = self.clock.monotonic()
        self._issue_not_before = {k: t for k, t in self._issue_not_before.items() if t > now}
        key = issue.upper()
        self._issue_not_before[key] = max(self._issue_not_before.get(key, 0.0), now + seconds)
        self.fallback.delay_issue_writes(issue, seconds)
        self._in_background(self._store_hold, self._keys.hold(issue), seconds)

    def observe_remaining(
        self, limit: float | None, remaining: float | None, reset_in: float | None
    ) -> None:
        """Slow every replica down when Jira reports little left, before a 429.

        Neither the shared bucket nor the local share follows Jira's headroom up: what Jira
        reports left, seen by one replica, is also what the others are about to spend.
        """
        wait = slowdown(limit, remaining, reset_in)
        if wait > 0:
            self.pause_all(wait)

    # -- health ---------------------------------------------------------------------------

    async def health_problem(self) -> str | None:
        """None when the budget is shared; else why not, after asking Redis once more."""
        if self.degraded_reason is not None:
            await self._probe()
        return self.degraded_reason

    # -- Redis ----------------------------------------------------------------------------

    async def _take(self, issue: str | None) -> str | None:
        """A lease on a place in flight, or None when Redis is lost."""
        lease = secrets.token_hex(8)
        while True:
            await self._wait_local_holds(issue)
            async with self._turn:
                while True:
                    answer = await self._ask(lease, issue)
                    if answer is None:
                        return None
                    code, wait = answer
                    if code == GRANTED:
                        return lease
                    if code != WAIT_TOKEN:
                        break
                    # Still this replica's turn: its callers keep their order.
                    await self.clock.sleep(wait)
            # A hold or a full house: other callers here may go ahead meanwhile.
            await self.clock.sleep(wait)

    async def _ask(self, lease: str, issue: str | None) -> tuple[int, float] | None:
        keys = self._keys
        started = time.perf_counter()
        try:
            code, wait_ms = await self._acquire(
                keys=[keys.bucket, keys.in_flight, keys.pause, keys.hold(issue)],
                args=[self._rate, self._capacity, self._max_in_flight, lease, self._lease_ms],
            )
        except redis_errors() as exc:
            self.lost(exc)
            return None
        self.overhead.seconds.append(time.perf_counter() - started)
        if int(code) == WAIT_IN_FLIGHT:
            return WAIT_IN_FLIGHT, IN_FLIGHT_POLL
        return int(code), int(wait_ms) / 1000

    async def _wait_local_holds(self, issue: str | None) -> None:
        deadlines = [self._paused_until]
        if issue is not None:
            deadlines.append(self._issue_not_before.get(issue.upper(), 0.0))
        while (now := self.clock.monotonic()) < max(deadlines):
            await self.clock.sleep(max(deadlines) - now)

    async def _release(self, lease: str) -> None:
        try:
            await self.redis.zrem(self._keys.in_flight, lease)
        except redis_errors() as exc:
            # The lease expires by itself; the next request finds Redis gone too.
            self.lost(exc)

    async def _store_hold(self, key: str, seconds: float) -> None:
        try:
            await self._hold(keys=[key], args=[max(1, int(seconds * 1000))])
        except redis_errors() as exc:
            self.lost(exc)

    def _in_background(self, work: object, *args: object) -> None:
        if self._tasks is not None and self.degraded_reason is None:
            self._tasks.start_soon(work, *args)  # type: ignore[arg-type]  # async callables

    # -- degraded mode --------------------------------------------------------------------

    def lost(self, error: BaseException) -> None:
        """Carry on alone: Redis failed with ``error``; probe until it answers again."""
        if self.degraded_reason is None:
            share = self.fallback.rate
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            self.degraded_reason = (
                f"Redis unreachable ({reason or type(error).__name__}); this replica limits "
                f"itself to {share:g} requests/s (JIRA_RATE_LIMIT / JIRA_REPLICAS) until it "
                "returns"
            )
            get_logger("gateway").warning("redis_lost", reason=self.degraded_reason)
            # What the replicas spent together just now is not known here: start from nothing.
            self.fallback.drain()
        if not self._probing and self._tasks is not None:
            self._probing = True
            self._tasks.start_soon(self._probe_until_back)

    async def _probe_until_back(self) -> None:
        try:
            while self.degraded_reason is not None:
                await self.clock.sleep(self._probe_interval)
                await self._probe()
        finally:
            self._probing = False

    async def _probe(self) -> None:
        try:
            await self.redis.ping()
            for restore in self.on_return:
                await restore()
        except redis_errors():
            return
        if self.degraded_reason is not None:
            self.degraded_reason = None
            get_logger("gateway").warning("redis_back", shared=True)

    def _enter(self, waited: float) -> None:
        stats = self.stats
        stats.acquired += 1
        stats.waited += waited
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)


@asynccontextmanager
async def shared_limiter(
    settings: Settings, clock: Clock, *, probe_interval: float = PROBE_INTERVAL
) -> AsyncIterator[SharedLimiter]:
    """A running SharedLimiter on a fresh connection to REDIS_URL, closed after."""
    redis = connect(settings)
    try:
        limiter = SharedLimiter(redis, settings, clock, probe_interval=probe_interval)
        async with limiter.running():
            yield limiter
    finally:
        await redis.aclose()
