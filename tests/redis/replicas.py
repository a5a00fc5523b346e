"""Replicas of the server over real HTTP in one process: the sandbox with its rate limit on,
one redis-server, and N servers sharing them, each on its own port (tests and benchmarks)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import uvicorn

# Loaded now, not by the first tool call: the replicas share this process, and one replica's
# first call would stall the others' requests (in production each replica is a process).
from sandbox.app import create_app
from sandbox.config import DEMO_EMAIL, DEMO_TOKEN, SandboxConfig
from server.app import build_server, session_manager, streamable_http_app
from server.config import Settings, load_settings
from server.http import build_http_app


def bound_socket() -> socket.socket:
    """A socket listening on a free port of 127.0.0.1."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    return sock


@asynccontextmanager
async def serving(app: Any, sock: socket.socket) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on ``sock`` in this event loop; yields the base URL."""
    config = uvicorn.Config(app, log_level="warning", lifespan="on", log_config=None)
    server = uvicorn.Server(config)
    port = sock.getsockname()[1]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(server.serve, [sock])
        for _ in range(1000):
            if server.started:
                break
            await anyio.sleep(0.005)  # uvicorn's start-up: it has no event to wait on
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
    sock.close()


@asynccontextmanager
async def sandbox_over_http(rate_limit: float = 10.0) -> AsyncIterator[tuple[str, SandboxConfig]]:
    """The Jira sandbox on a port, with Jira's per-credential rate limit (burst = rate)."""
    sock = bound_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = SandboxConfig(
        rate_limit=rate_limit, burst=int(rate_limit), base_url=url, media_url=url
    )
    async with serving(create_app(config), sock):
        yield url, config


def replica_settings(jira_url: str, redis_url: str | None, replicas: int) -> Settings:
    """One replica's settings: the sandbox's demo credential, Redis shared, stateless HTTP."""
    return load_settings(
        jira_url=jira_url,
        jira_email=DEMO_EMAIL,
        jira_api_token=DEMO_TOKEN,
        redis_url=redis_url,
        jira_replicas=replicas,
        mcp_stateless=True,
    )


@dataclass
class Replica:
    """One running server: its base URL and the MCP server inside it."""

    url: str
    mcp: Any

    @property
    def mcp_url(self) -> str:
        """Where MCP clients connect."""
        return f"{self.url}/mcp"

    async def health(self) -> dict[str, str]:
        """/healthz's JSON (status 200 is required of it)."""
        async with httpx.AsyncClient(timeout=5) as http:
            answer = await http.get(f"{self.url}/healthz")
        assert answer.status_code == 200
        body: dict[str, str] = answer.json()
        return body


@asynccontextmanager
async def replica(settings: Settings) -> AsyncIterator[Replica]:
    """A server as `serve --transport http` builds it, on a free port."""
    mcp = build_server(settings)
    app = build_http_app(
        settings,
        streamable_http_app(mcp, settings),
        lambda: session_manager(mcp),
        # Read when asked: the lifespan sets it once the gateway is open.
        health_problem=lambda: mcp.health_problem(),  # type: ignore[attr-defined]  # noqa: PLW0108
    )
    async with serving(app, bound_socket()) as url:
        yield Replica(url, mcp)


@asynccontextmanager
async def replicas(
    count: int, jira_url: str, redis_url: str | None, *, assumed: int | None = None
) -> AsyncIterator[list[Replica]]:
    """``count`` replicas sharing ``redis_url`` (JIRA_REPLICAS=``assumed`` or ``count``)."""
    settings = replica_settings(jira_url, redis_url, assumed or count)
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(replica(settings)) for _ in range(count)]
