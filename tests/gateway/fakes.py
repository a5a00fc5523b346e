"""Test doubles for time: a clock whose sleeps return at once and move virtual time."""

from __future__ import annotations

import anyio


class FakeClock:
    """A clock for the limiter and backoff: sleeping advances time, nothing really waits."""

    def __init__(self, start: float = 1000.0, wall_start: float = 1_767_225_600.0) -> None:
        self.now = start
        self._wall_offset = wall_start - start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        """Virtual seconds."""
        return self.now

    def wall(self) -> float:
        """Virtual epoch seconds (starts 2026-01-01T00:00:00Z)."""
        return self.now + self._wall_offset

    async def sleep(self, seconds: float) -> None:
        """Record the wait and jump to its end (other tasks get a turn first)."""
        target = self.now + max(0.0, seconds)
        self.slept.append(seconds)
        await anyio.lowlevel.checkpoint()
        self.now = max(self.now, target)

    def advance(self, seconds: float) -> None:
        """Let time pass outside any sleep."""
        self.now += seconds
