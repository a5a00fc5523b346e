"""Serving MCP over streamable HTTP: /mcp behind a bearer token, /healthz, uvicorn.

Binding anything but loopback requires MCP_AUTH_TOKEN; the Host and Origin checks are always
on (server.app.transport_security). The MCP token guards this server only and is never sent
to Jira, which has credentials of its own.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import json
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from server.config import Settings, SettingsError
from server.gateway.clock import Clock, SystemClock
from server.healthcheck import HEALTH_PATH
from server.sessions import SessionGuard

if TYPE_CHECKING:
    import uvicorn

    from server.metrics import Metrics

METRICS_PATH = "/metrics"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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


def listen(settings: Settings) -> socket.socket:
    """A socket listening on MCP_HOST:MCP_PORT, or a SettingsError saying why there is none.

    Bound before anything is printed, so a busy port stops the start with one line and no
    "serving at" banner; uvicorn then serves on this very socket.
    """
    host, port = settings.mcp_host, settings.mcp_port
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn does: a restarted server may bind while the old one's connections close.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        # Listening now: a client that connects right after the banner waits in the backlog.
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise SettingsError(_bind_problem(host, port, exc)) from exc
    return sock


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"MCP_PORT: port {port} on {host} is already in use by another program; stop it "
            "or choose a free port with --port N (or MCP_PORT=N)"
        )
    if exc.errno == errno.EACCES:
        return (
            f"MCP_PORT: this user may not listen on port {port}; choose a port above 1023 "
            "with --port N (or MCP_PORT=N)"
        )
    reason = exc.strerror or str(exc)
    return (
        f"MCP_HOST: cannot listen on {host}:{port} ({reason}); bind 127.0.0.1 or an address "
        "of this machine with --host (or MCP_HOST)"
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
    metrics: Metrics | None = None,
    health_problem: Callable[[], Awaitable[str | None]] | None = None,
) -> ASGIApp:
    """The whole HTTP app: /healthz, /metrics, the MCP app at /mcp, and the bearer check if
    configured (it guards /metrics too: endpoint names and counts are the site's business).

    Sessions are capped per client address and closed when idle (``clock`` for tests).
    /healthz answers 200 while the server serves; ``health_problem`` says when it serves in a
    lesser way (a replica that lost Redis), reported as ``"status": "degraded"``.
    """
    from starlette.applications import Starlette  # noqa: PLC0415  # HTTP mode only
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import JSONResponse, Response  # noqa: PLC0415
    from starlette.routing import Mount, Route  # noqa: PLC0415

    async def health(request: Request) -> JSONResponse:
        problem = await health_problem() if health_problem is not None else None
        if problem is not None:
            # Still 200: the replica serves every call; a balancer must not take it out.
            return JSONResponse({"status": "degraded", "reason": problem})
        return JSONResponse({"status": "ok"})

    async def exposition(request: Request) -> Response:
        if metrics is None:
            return JSONResponse({"error": "metrics are not collected by this server"}, 404)
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

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
        routes=[
            Route(HEALTH_PATH, health),
            Route(METRICS_PATH, exposition),
            Mount("/", app=mcp_app),
        ],
        lifespan=lifespan,
    )
    if settings.mcp_auth_token is not None:
        app = BearerAuth(app, settings.mcp_auth_token.get_secret_value())
    return app


def uvicorn_config(app: ASGIApp) -> uvicorn.Config:
    """uvicorn's settings; creating them sets up uvicorn's loggers."""
    import uvicorn  # noqa: PLC0415  # HTTP mode only

    # log_config=None: uvicorn installs no handlers or formats of its own; its records go to
    # the root logger, which server.logging renders as JSON like every other log line.
    return uvicorn.Config(app, log_level="warning", lifespan="on", log_config=None)


def run_http(app: ASGIApp, sock: socket.socket) -> None:
    """Serve on the listening socket `sock` until Ctrl-C."""
    import uvicorn  # noqa: PLC0415  # HTTP mode only

    config = uvicorn_config(app)
    # uvicorn shuts down gracefully on SIGINT or SIGTERM, then raises the signal again. Both
    # end here as KeyboardInterrupt, a normal stop that unwinds (the health record goes too),
    # where a SIGTERM's default action would kill the process on the spot.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
