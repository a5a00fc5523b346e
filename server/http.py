"""Serving MCP over streamable HTTP: /mcp behind a bearer token, /healthz, uvicorn.

Binding anything but loopback requires MCP_AUTH_TOKEN; the Host and Origin checks are always
on (server.app.transport_security). The MCP token guards this server only and is never sent
to Jira, which has credentials of its own.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from server.config import Settings, SettingsError
from server.gateway.clock import Clock, SystemClock
from server.sessions import SessionGuard

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEALTH_PATH = "/healthz"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings) -> None:
    """Refuse a non-loopback bind without MCP_AUTH_TOKEN, with one line saying why."""
    if not is_loopback(settings.mcp_host) and settings.mcp_auth_token is None:
        raise SettingsError(
            f"MCP_HOST: binding {settings.mcp_host} exposes Jira to the network; set "
            "MCP_AUTH_TOKEN (clients then send it as a Bearer token) or bind 127.0.0.1"
        )


class BearerAuth:
    """Every request except the health check must carry ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == HEALTH_PATH:
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        # compare_digest: the time taken must not tell how much of the token matched.
        if hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        await _send_json(
            send,
            401,
            {"error": "unauthorized", "message": "Send Authorization: Bearer <MCP_AUTH_TOKEN>."},
            [(b"www-authenticate", b'Bearer realm="jira-mcp-gateway"')],
        )


async def _send_json(
    send: Send, status: int, body: dict[str, str], headers: list[tuple[bytes, bytes]]
) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def build_http_app(
    settings: Settings,
    mcp_app: ASGIApp,
    sessions: Callable[[], Any],
    *,
    clock: Clock | None = None,
) -> ASGIApp:
    """The whole HTTP app: /healthz, the MCP app at /mcp, and the bearer check if configured.

    Sessions are capped per client address and closed when idle (``clock`` for tests).
    """
    from starlette.applications import Starlette  # noqa: PLC0415  # HTTP mode only
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import JSONResponse  # noqa: PLC0415
    from starlette.routing import Mount, Route  # noqa: PLC0415

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A mounted app's own lifespan never runs, so the MCP sessions are started here.
        async with sessions():
            yield

    if not settings.mcp_stateless:
        mcp_app = SessionGuard(
            mcp_app,
            max_per_client=settings.mcp_max_sessions_per_client,
            idle_timeout=settings.mcp_session_idle_timeout,
            clock=clock or SystemClock(),
        )
    app: ASGIApp = Starlette(
        routes=[Route(HEALTH_PATH, health), Mount("/", app=mcp_app)], lifespan=lifespan
    )
    if settings.mcp_auth_token is not None:
        app = BearerAuth(app, settings.mcp_auth_token.get_secret_value())
    return app


def run_http(app: ASGIApp, settings: Settings) -> None:
    """Serve until Ctrl-C."""
    import uvicorn  # noqa: PLC0415  # HTTP mode only

    uvicorn.run(
        app,
        host=settings.mcp_host,
        port=settings.mcp_port,
        log_level="warning",
        lifespan="on",
    )
