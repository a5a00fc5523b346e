"""Time for the limiter, the backoff, timeouts and polling, injectable so tests never sleep."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from typing import Protocol

import anyio


class Clock(Protocol):
    """What the gateway needs of time: a monotonic reading, wall time and a sleep."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def wall(self) -> float:
        """Seconds since the epoch, to compare with HTTP dates."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (returns at once for zero or less)."""
        ...

    def timeout(self, seconds: float) -> AbstractContextManager[object]:
        """A block cancelled after ``seconds``, which then raises TimeoutError."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """Seconds on the event loop's clock."""
        return time.monotonic()

    def wall(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """Sleep on the event loop."""
        await anyio.sleep(max(0.0, seconds))

    def timeout(self, seconds: float) -> AbstractContextManager[object]:
        """anyio's deadline on the event loop."""
        return anyio.fail_after(seconds)
