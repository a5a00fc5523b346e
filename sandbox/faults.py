"""Injected faults: the weather a resilient client must survive.

Reads `config.faults` on every request, so a change made from a test or the admin endpoint
applies to the next request. Draws come from the seeded generator inside `Faults`, in a
fixed order (error, then truncation), so a given seed replays the same run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

import anyio
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.config import SandboxConfig
from sandbox.limits import is_write, too_many_requests

Sleep = Callable[[float], Awaitable[None]]
# Statuses Atlassian says to retry after waiting; the others carry no Retry-After.
RETRYABLE = frozenset({429, 503})


@dataclass
class Captured:
    """An answer held back so a fault can change it before the client sees it."""

    start: Message = field(default_factory=dict)
    body: bytearray = field(default_factory=bytearray)

    @property
    def status(self) -> int:
        """The captured status code (0 if the app sent nothing)."""
        return int(self.start.get("status", 0))

    def is_json(self) -> bool:
        """Whether the answer says it is JSON."""
        content_type = MutableHeaders(scope=self.start).get("content-type", "")
        return content_type.startswith("application/json")

    def truncate(self) -> None:
        """Cut the body in half; the Content-Length then counts what is actually sent."""
        self.body = self.body[: max(1, len(self.body) // 2)]
        MutableHeaders(scope=self.start)["content-length"] = str(len(self.body))

    async def replay(self, send: Send) -> None:
        """Send the held answer."""
        await send(self.start)
        await send({"type": "http.response.body", "body": bytes(self.body)})


async def capture(app: ASGIApp, scope: Scope, receive: Receive) -> Captured:
    """Run the app to completion, keeping its answer instead of sending it."""
    held = Captured()

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            held.start = dict(message)
        elif message["type"] == "http.response.body":
            held.body += message.get("body", b"")

    await app(scope, receive, keep)
    return held


def error_response(status: int) -> JSONResponse:
    """An injected error in Jira's ErrorCollection shape."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # a code outside the standard list, set on purpose by a test
        phrase = "Error"
    headers = {"Retry-After": "1"} if status in RETRYABLE else {}
    body = {"errorMessages": [f"{phrase} (injected by the sandbox)"], "errors": {}}
    return JSONResponse(body, status_code=status, headers=headers)


class FaultMiddleware:
    """Applies `config.faults`: 429 storms, latency, errors, hung writes, truncated bodies."""

    def __init__(self, app: ASGIApp, config: SandboxConfig, sleep: Sleep | None = None) -> None:
        self.app = app
        self.config = config
        self.faults = config.faults
        self.counters = config.counters
        self.sleep = sleep or config.sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if await self._storm(scope, receive, send):
            return
        faults = self.faults
        write = is_write(scope["method"], scope["path"])
        if faults.latency > 0 and not write:
            await self.sleep(faults.latency)
        error = faults.hit(faults.error_rate)
        if error and not faults.error_after_write:
            await self._error(scope, receive, send)
            return
        slow = write and (faults.latency > 0 or faults.write_latency > 0)
        hang = faults.hang_writes > 0 and write
        if not (error or hang or slow or faults.truncate_rate > 0):
            await self.app(scope, receive, send)
            return
        if slow:
            # Jira finishes a write it has received even when the client stops waiting:
            # the delay and the write are shielded from the caller's timeout.
            with anyio.CancelScope(shield=True):
                await self.sleep(faults.latency + faults.write_latency)
                held = await capture(self.app, scope, receive)
            # In process the app runs in the client's task: a client that stopped waiting
            # meanwhile is interrupted here and never sees the answer.
            await anyio.lowlevel.checkpoint()
        else:
            held = await capture(self.app, scope, receive)
        if error:
            # The write (if any) has happened; the client only learns of a failure.
            await self._error(scope, receive, send)
            return
        await self._deliver(held, hang, send)

    async def _storm(self, scope: Scope, receive: Receive, send: Send) -> bool:
        if self.faults.storm_429 <= 0:
            return False
        self.faults.storm_429 -= 1
        self.counters.storm_429 += 1
        limit = self.config.rate_limit or self.config.burst
        response = too_many_requests(1, self.config.clock(), limit, "jira-burst-based")
        await response(scope, receive, send)
        return True

    async def _error(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.counters.injected_errors += 1
        await error_response(self.faults.pick_error_code())(scope, receive, send)

    async def _deliver(self, held: Captured, hang: bool, send: Send) -> None:
        if hang:
            # Held after the write happened: the client's timeout fires first.
            self.counters.hung_writes += 1
            await self.sleep(self.faults.hang_writes)
        truncatable = held.status == 200 and held.is_json() and len(held.body) > 1
        if truncatable and self.faults.hit(self.faults.truncate_rate):
            self.counters.truncated += 1
            held.truncate()
        await held.replay(send)
