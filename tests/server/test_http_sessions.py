"""MCP sessions over HTTP: a cap per client address (429 + Retry-After) and an idle timeout.

Real HTTP requests (httpx) against the whole ASGI app, with the SDK's session manager
running and a fake clock for idleness.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from server.app import build_server, session_manager, streamable_http_app
from server.config import Settings
from server.http import build_http_app
from server.sessions import UNUSED_GRACE
from tests.gateway.fakes import FakeClock

pytestmark = pytest.mark.anyio

IDLE = 600.0
CAP = 3
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
PING = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}

ClientFor = Callable[[str], httpx.AsyncClient]
Serve = Callable[..., AbstractAsyncContextManager[ClientFor]]


@pytest.fixture
def clock() -> FakeClock:
    """Virtual time for idleness."""
    return FakeClock()


@pytest.fixture
def serve(clock: FakeClock) -> Serve:
    """Run the HTTP app; yields a function giving an HTTP client from a given address."""

    @asynccontextmanager
    async def factory(**overrides: object) -> AsyncIterator[ClientFor]:
        values: dict[str, object] = {
            "jira_url": "sandbox",
            "mcp_transport": "http",
            "mcp_max_sessions_per_client": CAP,
            "mcp_session_idle_timeout": IDLE,
        }
        values.update(overrides)
        settings = Settings.model_validate(values)
        mcp = build_server(settings)
        app = build_http_app(
            settings,
            streamable_http_app(mcp, settings),
            lambda: session_manager(mcp),
            clock=clock,
        )
        opened: list[httpx.AsyncClient] = []

        def client_from(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            client = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765")
            opened.append(client)
            return client

        async with session_manager(mcp):
            try:
                yield client_from
            finally:
                for client in opened:
                    await client.aclose()

    return factory


async def initialize(client: httpx.AsyncClient) -> httpx.Response:
    """POST initialize without a session: asks for a new session."""
    return await client.post("/mcp", json=INITIALIZE, headers=HEADERS)


async def ping(client: httpx.AsyncClient, session: str) -> int:
    """POST a ping in ``session``; the HTTP status."""
    headers = {**HEADERS, "mcp-session-id": session}
    return (await client.post("/mcp", json=PING, headers=headers)).status_code


async def open_sessions(client: httpx.AsyncClient, count: int) -> list[str]:
    """Open ``count`` sessions; their ids."""
    ids = []
    for _ in range(count):
        answer = await initialize(client)
        assert answer.status_code == 200, answer.text
        ids.append(answer.headers["mcp-session-id"])
    return ids


async def test_one_client_past_the_cap_gets_429_with_retry_after(serve: Serve) -> None:
    """The session after MCP_MAX_SESSIONS_PER_CLIENT is refused with 429, Retry-After and why."""
    async with serve() as client_from:
        flooder = client_from("127.0.0.1")
        await open_sessions(flooder, CAP)
        refused = await initialize(flooder)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= IDLE
    message = refused.json()["error"]["message"]
    assert "MCP_MAX_SESSIONS_PER_CLIENT" in message
    assert "retry after" in message


async def test_a_flood_does_not_lock_out_other_clients(serve: Serve) -> None:
    """A client that opens sessions in a loop keeps CAP of them; another address still gets in."""
    async with serve() as client_from:
        flooder = client_from("127.0.0.1")
        statuses = [(await initialize(flooder)).status_code for _ in range(20)]
        other = await initialize(client_from("10.1.2.3"))
    assert statuses.count(200) == CAP
    assert statuses.count(429) == 20 - CAP
    assert other.status_code == 200


async def test_idle_sessions_are_closed_and_make_room(serve: Serve, clock: FakeClock) -> None:
    """Sessions unused for MCP_SESSION_IDLE_TIMEOUT are closed (their id answers 404)."""
    async with serve() as client_from:
        client = client_from("127.0.0.1")
        old = await open_sessions(client, CAP)
        clock.advance(IDLE + 1)
        fresh = await initialize(client)
        assert fresh.status_code == 200
        assert [await ping(client, session) for session in old] == [404] * CAP


async def test_a_used_session_is_not_idle(serve: Serve, clock: FakeClock) -> None:
    """A request restarts the idle time: a session in use stays open."""
    async with serve() as client_from:
        client = client_from("127.0.0.1")
        first, second = await open_sessions(client, 2)
        clock.advance(IDLE - 10)
        assert await ping(client, first) == 200
        clock.advance(20)
        await initialize(client)  # any request lets the idle sessions be closed
        assert await ping(client, first) == 200
        assert await ping(client, second) == 404


async def test_retry_after_says_when_room_frees_up(serve: Serve, clock: FakeClock) -> None:
    """Retry-After is the time until the least recently used session goes idle."""
    async with serve() as client_from:
        client = client_from("127.0.0.1")
        for session in await open_sessions(client, CAP):
            assert await ping(client, session) == 200
        clock.advance(100)
        refused = await initialize(client)
    assert refused.headers["retry-after"] == str(int(IDLE - 100))


async def test_a_loop_on_loopback_does_not_lock_out_local_clients(
    serve: Serve, clock: FakeClock
) -> None:
    """Loopback clients share one address: sessions a loop opened and never used are reclaimed."""
    async with serve() as client_from:
        flooder = client_from("127.0.0.1")
        flooded = await open_sessions(flooder, CAP)
        assert (await initialize(flooder)).status_code == 429
        clock.advance(UNUSED_GRACE + 1)
        neighbour = client_from("127.0.0.1")
        joined = await initialize(neighbour)
        assert joined.status_code == 200
        session = joined.headers["mcp-session-id"]
        assert await ping(neighbour, session) == 200
        statuses = [(await initialize(flooder)).status_code for _ in range(20)]
        assert await ping(neighbour, session) == 200
        assert await ping(flooder, flooded[0]) == 404
    assert statuses.count(200) == CAP - 1


async def test_ended_session_makes_room(serve: Serve) -> None:
    """A session the client ends with DELETE no longer counts."""
    async with serve() as client_from:
        client = client_from("127.0.0.1")
        sessions = await open_sessions(client, CAP)
        ended = await client.delete("/mcp", headers={"mcp-session-id": sessions[0]})
        assert ended.status_code == 200
        assert (await initialize(client)).status_code == 200


async def test_stateless_mode_has_no_session_cap(serve: Serve) -> None:
    """Stateless HTTP keeps no sessions, so nothing is counted or refused."""
    async with serve(mcp_stateless=True) as client_from:
        client = client_from("127.0.0.1")
        statuses = [(await initialize(client)).status_code for _ in range(CAP + 2)]
    assert statuses == [200] * (CAP + 2)
