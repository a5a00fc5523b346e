"""Test doubles for time: a clock whose sleeps return at once and move virtual time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import anyio


class FakeClock:
    """A clock for the limiter, backoff and timeouts: sleeping advances time, nothing waits.

    A ``timeout`` block is cancelled when virtual time passes its deadline, which happens
    inside some ``sleep`` (the gateway's and, when shared, the sandbox's): the sleeper inside
    the block is interrupted there, as a real deadline would interrupt it.
    """

    def __init__(self, start: float = 1000.0, wall_start: float = 1_767_225_600.0) -> None:
        self.now = start
        self._wall_offset = wall_start - start
        self.slept: list[float] = []
        self._deadlines: list[tuple[float, anyio.CancelScope]] = []

    def monotonic(self) -> float:
        """Virtual seconds."""
        return self.now

    def wall(self) -> float:
        """Virtual epoch seconds (starts 2026-01-01T00:00:00Z)."""
        return self.now + self._wall_offset

    async def sleep(self, seconds: float) -> None:
        """Record the wait and jump to its end (other tasks get a turn first).

        Deadlines reached on the way cancel their blocks at the moment they fall due.
        """
        target = self.now + max(0.0, seconds)
        self.slept.append(seconds)
        for deadline, scope in sorted(self._deadlines, key=lambda d: d[0]):
            if deadline <= target and not scope.cancel_called:
                self.now = max(self.now, deadline)
                scope.cancel()
        await anyio.lowlevel.checkpoint()
        self.now = max(self.now, target)

    @contextmanager
    def timeout(self, seconds: float) -> Iterator[object]:
        """A block cancelled when virtual time passes ``seconds`` from now (TimeoutError)."""
        entry = (self.now + seconds, anyio.CancelScope())
        self._deadlines.append(entry)
        try:
            with entry[1] as scope:
                yield scope
        finally:
            self._deadlines.remove(entry)
        if entry[1].cancelled_caught:
            raise TimeoutError

    def advance(self, seconds: float) -> None:
        """Let time pass outside any sleep."""
        self.now += seconds
