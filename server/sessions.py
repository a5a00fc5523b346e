"""Fair use of MCP sessions over HTTP: a cap per client address and an idle timeout.

The SDK caps sessions for the whole server (10,000), so one client opening sessions in a
loop locks every other client out until they expire. This middleware, in front of the
SDK's streamable HTTP app, counts the open sessions of each client address: past
MCP_MAX_SESSIONS_PER_CLIENT a new one is answered 429 with a Retry-After, and a session
with no request for MCP_SESSION_IDLE_TIMEOUT seconds is closed (by a DELETE to the SDK,
the way a client ends its own session), which makes room again.

All loopback clients share one address, so the cap alone would let a local loop lock the
other local clients out. A session nobody used after opening it (a real client sends
notifications/initialized at once) is therefore reclaimed, after a short grace, when its
address is at the cap: the loop churns through its own sessions, and a session in use is
never taken.

Stateless HTTP has no sessions, so the middleware is not used there.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from server.gateway.clock import Clock

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_HEADER = b"mcp-session-id"
SWEEP_EVERY = 1.0  # seconds between looks for idle sessions
# A real client uses its session at once (notifications/initialized follows initialize);
# one still unused after this long was opened by a loop and may be reclaimed.
UNUSED_GRACE = 10.0


@dataclass
class _Session:
    """An open session: who opened it, when it was last used, and how to close it."""

    client: str
    last_active: float
    host: bytes
    path: str
    in_flight: int = 0
    used: bool = False  # a request came after the one that opened it


class SessionGuard:
    """At most ``max_per_client`` open sessions per client address; idle ones are closed."""

    def __init__(
        self, app: ASGIApp, *, max_per_client: int, idle_timeout: float, clock: Clock
    ) -> None:
        self.app = app
        self.max_per_client = max_per_client
        self.idle_timeout = idle_timeout
        self.clock = clock
        self._sessions: dict[str, _Session] = {}
        # Opening requests still being answered, counted so that a burst cannot overshoot.
        self._opening: Counter[str] = Counter()
        self._next_sweep = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.close_idle()
        session_id = _header(scope, SESSION_HEADER)
        if session_id is None:
            if scope.get("method") == "POST":
                await self._open(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        await self._serve(session_id.decode("latin-1"), scope, receive, send)

    def open_sessions(self, client: str) -> int:
        """How many sessions ``client`` has open now."""
        return sum(1 for session in self._sessions.values() if session.client == client)

    async def close_idle(self, *, force: bool = False) -> None:
        """Close every session unused for ``idle_timeout`` (looked at once a second)."""
        now = self.clock.monotonic()
        if now < self._next_sweep and not force:
            return
        self._next_sweep = now + SWEEP_EVERY
        idle = [
            (session_id, session)
            for session_id, session in self._sessions.items()
            if session.in_flight == 0 and now - session.last_active >= self.idle_timeout
        ]
        for session_id, _ in idle:
            await self._close(session_id)

    async def _close(self, session_id: str) -> None:
        # Forgotten first: from now on the session no longer counts for its client.
        session = self._sessions.pop(session_id, None)
        if session is not None:
            await self._delete(session_id, session)

    def _oldest_unused(self, client: str) -> str | None:
        """The session of ``client`` left unused longest, past UNUSED_GRACE; None if none."""
        now = self.clock.monotonic()
        unused = [
            (session.last_active, session_id)
            for session_id, session in self._sessions.items()
            if session.client == client
            and not session.used
            and session.in_flight == 0
            and now - session.last_active >= UNUSED_GRACE
        ]
        return min(unused)[1] if unused else None

    async def _open(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = _client(scope)
        if self.open_sessions(client) + self._opening[client] >= self.max_per_client:
            unused = self._oldest_unused(client)
            if unused is None:
                await self._refuse(client, send)
                return
            await self._close(unused)
        self._opening[client] += 1
        opened: list[str] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                found = dict(message.get("headers") or []).get(SESSION_HEADER)
                if found is not None:
                    opened.append(found.decode("latin-1"))
                    self._sessions[opened[0]] = _Session(
                        client=client,
                        last_active=self.clock.monotonic(),
                        host=_header(scope, b"host") or b"",
                        path=str(scope.get("path", "/mcp")),
                        in_flight=1,
                    )
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            self._opening[client] -= 1
            if not self._opening[client]:
                del self._opening[client]
            if opened:
                self._done(opened[0])

    async def _serve(self, session_id: str, scope: Scope, receive: Receive, send: Send) -> None:
        session = self._sessions.get(session_id)
        if session is None:
            await self.app(scope, receive, send)  # the SDK answers for unknown sessions
            return
        session.in_flight += 1
        session.used = True
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            ended = scope.get("method") == "DELETE" and bool(status) and status[0] < 400
            if ended or status == [404]:
                self._sessions.pop(session_id, None)
            else:
                self._done(session_id)

    def _done(self, session_id: str) -> None:
        session = self._sessions.get(session_id)
        if session is not None:
            session.in_flight -= 1
            session.last_active = self.clock.monotonic()

    def retry_after(self, client: str) -> int:
        """Seconds until one of ``client``'s sessions can be closed for idleness."""
        now = self.clock.monotonic()
        waits = [
            session.last_active + (self.idle_timeout if session.used else UNUSED_GRACE) - now
            for session in self._sessions.values()
            if session.client == client and session.in_flight == 0
        ]
        return max(1, math.ceil(min(waits, default=self.idle_timeout)))

    async def _refuse(self, client: str, send: Send) -> None:
        wait = self.retry_after(client)
        message = (
            f"Too many open MCP sessions from {client}: {self.max_per_client} is the limit "
            "(MCP_MAX_SESSIONS_PER_CLIENT). Reuse an open session, end unused ones with "
            f"DELETE, or retry after {wait} s, when an idle or unused session can be closed."
        )
        body = json.dumps(
            {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(wait).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _delete(self, session_id: str, session: _Session) -> None:
        """End the session in the SDK as its client would: DELETE with its session id."""
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "DELETE",
            "scheme": "http",
            "path": session.path,
            "raw_path": session.path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", session.host), (SESSION_HEADER, session_id.encode())],
            "client": ("127.0.0.1", 0),
            "server": ("127.0.0.1", 0),
        }
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def discard(message: Message) -> None:
            """Nobody waits for this answer."""

        await self.app(scope, receive, discard)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value)
    return None


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
