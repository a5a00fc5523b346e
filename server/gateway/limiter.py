"""One rate limiter shared by every tool call of the process.

Three brakes, applied in this order for each request attempt:

1. a concurrency cap (default 4 in flight);
2. pauses: a ``Retry-After`` pauses every caller; a per-issue write limit delays later
   writes to that issue only; a low ``X-RateLimit-Remaining`` slows everyone a little
   before Jira has to say 429;
3. a token bucket (default 10 requests/s, burst configurable), FIFO by reservation: a caller
   takes its token at once, possibly going into debt, and sleeps until the debt is repaid,
   so no lock is held while anyone sleeps.

The bucket follows the headroom Jira reports: each ``X-RateLimit-Remaining`` resets the
local tokens to what Jira says is left, less the requests this process has sent that Jira may
not have counted yet. Up, that lets a burst use room Jira has (the configured burst is only
the start, before Jira has said anything), but never beyond one second of the local rate;
down, it yields to other clients of the same credential.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import anyio

from server.config import Settings
from server.gateway.clock import Clock

# Jira's request-rate windows are one second wide ("Rate limiting": jira-burst-based).
_WINDOW = 1.0
# Never pause longer than this on a header alone; a real 429 says how long to wait.
_MAX_SLOWDOWN = 5.0


@dataclass
class LimiterStats:
    """Counters for tests and benchmarks."""

    acquired: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    waited: float = 0.0


class Limiter(Protocol):
    """What the request loop needs of a limiter: this process's own (``RateLimiter``) or the
    one the replicas share through Redis (``server.gateway.shared_limiter``)."""

    def slot(self, *, write_to_issue: str | None = None) -> AbstractAsyncContextManager[float]:
        """Hold one request slot; yields the seconds this caller waited for it."""
        ...

    def pause_all(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` from now."""
        ...

    def delay_issue_writes(self, issue: str, seconds: float) -> None:
        """Hold later writes to ``issue`` only."""
        ...

    def observe_remaining(
        self, limit: float | None, remaining: float | None, reset_in: float | None
    ) -> None:
        """Follow what Jira reports of its limits."""
        ...


def slowdown(limit: float | None, remaining: float | None, reset_in: float | None) -> float:
    """Seconds to pause everyone when Jira reports little left (0: no need), before a 429."""
    if limit is None or remaining is None or limit <= 0:
        return 0.0
    low_water = max(1.0, 0.1 * limit)
    if remaining >= low_water:
        return 0.0
    if reset_in is not None and reset_in > 0:
        # Spread what is left over the rest of the window.
        wait = reset_in / (remaining + 1)
    else:
        wait = (low_water - remaining) * _WINDOW / limit
    return min(wait, _MAX_SLOWDOWN)


class RateLimiter:
    """Token bucket + concurrency cap + adaptive pauses, shared by all callers."""

    def __init__(self, rate: float, burst: int, max_concurrency: int, clock: Clock) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self.stats = LimiterStats()
        self._tokens = float(burst)
        self._refilled_at = clock.monotonic()
        # Tokens the bucket refills to: the configured burst, raised to what Jira has shown
        # room for, up to one second of the local rate.
        self._capacity = float(burst)
        self._ceiling = max(float(burst), rate * _WINDOW)
        # Callers holding a token whose request Jira may not have counted yet.
        self._unconfirmed = 0
        self._paused_until = 0.0
        self._issue_not_before: dict[str, float] = {}
        self._slots = anyio.Semaphore(max_concurrency)

    @asynccontextmanager
    async def slot(self, *, write_to_issue: str | None = None) -> AsyncIterator[float]:
        """Hold one request slot; yields the seconds this caller waited for it."""
        started = self.clock.monotonic()
        async with self._slots:
            if write_to_issue is not None:
                await self._wait_until(self._issue_not_before.get(write_to_issue, 0.0))
            await self._wait_until(self._paused_until)
            self._unconfirmed += 1
            try:
                await self._take_token()
                # A pause may have started while this caller waited for its token.
                await self._wait_until(self._paused_until)
                waited = self.clock.monotonic() - started
                self._enter(waited)
                try:
                    yield waited
                finally:
                    self.stats.in_flight -= 1
            finally:
                self._unconfirmed -= 1

    def drain(self) -> None:
        """Empty the bucket: the budget was just spent elsewhere (by replicas that shared it),
        so this limiter starts at its rate, not with a burst."""
        self._refill()
        self._tokens = min(self._tokens, 0.0)

    def pause_all(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` from now (a Retry-After, a quota reset)."""
        self._paused_until = max(self._paused_until, self.clock.monotonic() + seconds)

    def delay_issue_writes(self, issue: str, seconds: float) -> None:
        """Hold later writes to ``issue`` only (Jira's per-issue write limit)."""
        now = self.clock.monotonic()
        # Holds that have ended are dropped, so the table only keeps issues still held.
        self._issue_not_before = {k: t for k, t in self._issue_not_before.items() if t > now}
        until = now + seconds
        self._issue_not_before[issue] = max(self._issue_not_before.get(issue, 0.0), until)

    def observe_remaining(
        self, limit: float | None, remaining: float | None, reset_in: float | None
    ) -> None:
        """Follow the capacity Jira reports; slow down when little is left, before a 429.

        Called by a caller still holding its slot, for the answer to its own request.
        """
        if remaining is not None:
            self._follow_headroom(remaining)
        wait = slowdown(limit, remaining, reset_in)
        if wait > 0:
            self.pause_all(wait)

    def _follow_headroom(self, remaining: float) -> None:
        # Other callers holding tokens may have sent requests Jira has not counted yet:
        # counting them as spent errs on the side of no 429.
        others = max(0, self._unconfirmed - 1)
        self._capacity = max(self._capacity, min(self._ceiling, remaining + 1))
        self._refill()
        self._tokens = min(self._capacity, max(0.0, remaining) - others)

    def _refill(self) -> None:
        now = self.clock.monotonic()
        elapsed = max(0.0, now - self._refilled_at)
        self._tokens = min(self._capacity, self._tokens + elapsed * self.rate)
        self._refilled_at = now

    def _enter(self, waited: float) -> None:
        stats = self.stats
        stats.acquired += 1
        stats.waited += waited
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)

    async def _take_token(self) -> None:
        self._refill()
        self._tokens -= 1.0
        if self._tokens < 0:
            await self.clock.sleep(-self._tokens / self.rate)

    async def _wait_until(self, deadline: float) -> None:
        while (now := self.clock.monotonic()) < deadline:
            await self.clock.sleep(deadline - now)


def own_share(settings: Settings, clock: Clock) -> RateLimiter:
    """This process's limiter without Redis: its share of the budget, JIRA_RATE_LIMIT /
    JIRA_REPLICAS (the whole budget for the one process of a laptop)."""
    replicas = settings.jira_replicas
    return RateLimiter(
        settings.jira_rate_limit / replicas,
        max(1, settings.jira_rate_burst // replicas),
        max(1, settings.jira_max_concurrency // replicas),
        clock,
    )
