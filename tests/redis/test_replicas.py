"""Three replicas over real HTTP sharing one redis-server and one rate-limited sandbox,
called through real MCP clients."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from tests.redis.redis_server import RedisServer
from tests.redis.replicas import Replica, replicas, sandbox_over_http

pytestmark = pytest.mark.anyio

RATE = 10.0  # the sandbox's Jira budget, and JIRA_RATE_LIMIT's default
BURST = 5  # JIRA_RATE_BURST's default
SEARCH = {"jql": "project = SHOP ORDER BY key", "limit": 2}


@asynccontextmanager
async def clients(servers: list[Replica]) -> AsyncIterator[list[Client]]:
    """One MCP client per replica, over streamable HTTP."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(Client(server.mcp_url, raise_exceptions=False))
            for server in servers
        ]


def succeeded(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a call that must have worked."""
    assert not result.is_error, result.content
    content: dict[str, Any] | None = result.structured_content
    assert content is not None
    return content


async def spread_searches(
    connected: list[Client], calls: int, in_flight: int
) -> list[CallToolResult]:
    """``calls`` searches, round-robin over the clients, ``in_flight`` at a time."""
    results: list[CallToolResult] = []
    gate = anyio.Semaphore(in_flight)
    async with anyio.create_task_group() as tasks:
        for number in range(calls):
            tasks.start_soon(search, connected[number % len(connected)], gate, results)
    return results


async def search(client: Client, gate: anyio.Semaphore, results: list[CallToolResult]) -> None:
    """One search when the gate lets it through."""
    async with gate:
        results.append(await client.call_tool("search_jql", SEARCH))


async def test_three_replicas_share_one_budget(redis_server: RedisServer) -> None:
    """60 searches over three replicas, 20 in flight: no 429, and never more requests in a
    second than the shared bucket allows (its burst plus one second of the rate)."""
    async with (
        sandbox_over_http(RATE) as (jira, config),
        replicas(3, jira, redis_server.url) as servers,
        clients(servers) as connected,
    ):
        results = await spread_searches(connected, 60, 20)
    assert len(results) == 60
    for result in results:
        succeeded(result)
    assert config.counters.throttled == 0
    assert config.counters.requests >= 60
    assert config.counters.busiest_second <= RATE + BURST


async def test_a_page_token_continues_on_every_replica(redis_server: RedisServer) -> None:
    """A page_token from replica 1 continues on replicas 2 and 3, and after all restart."""
    async with sandbox_over_http(RATE) as (jira, _config):
        async with replicas(3, jira, redis_server.url) as servers, clients(servers) as connected:
            first = succeeded(await connected[0].call_tool("search_jql", SEARCH))
            token = first["next_page_token"]
            second = succeeded(
                await connected[1].call_tool("search_jql", {**SEARCH, "page_token": token})
            )
            third = succeeded(
                await connected[2].call_tool(
                    "search_jql", {**SEARCH, "page_token": second["next_page_token"]}
                )
            )
        keys = [row["key"] for page in (first, second, third) for row in page["issues"]]
        assert len(set(keys)) == 6
        async with (
            replicas(1, jira, redis_server.url) as (restarted,),
            Client(restarted.mcp_url, raise_exceptions=False) as client,
        ):
            again = succeeded(await client.call_tool("search_jql", {**SEARCH, "page_token": token}))
        assert again["issues"] == second["issues"]


async def test_a_retry_after_to_one_replica_holds_the_others(redis_server: RedisServer) -> None:
    """Replica 1 gets a 429 with Retry-After: 1; replica 2's next search waits it out too,
    and nothing else is refused."""
    async with (
        sandbox_over_http(RATE) as (jira, config),
        replicas(2, jira, redis_server.url) as servers,
        clients(servers) as (first, second),
    ):
        succeeded(await second.call_tool("search_jql", SEARCH))  # warm: fields are known
        quick = time.monotonic()
        succeeded(await second.call_tool("search_jql", SEARCH))
        unpaused = time.monotonic() - quick
        config.faults.storm_429 = 1
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(first.call_tool, "search_jql", SEARCH)
            await until(lambda: config.counters.storm_429 == 1)
            started = time.monotonic()
            succeeded(await second.call_tool("search_jql", SEARCH))
            held = time.monotonic() - started
    assert unpaused < 0.5
    assert held >= 0.6  # the rest of the 1 s pause, minus the time it took to be seen
    assert config.counters.throttled == 1


async def test_redis_stopped_and_restarted_mid_run(redis_server: RedisServer) -> None:
    """Redis goes away mid-run: every call still succeeds, /healthz says degraded and why;
    Redis returns (empty): /healthz says ok again, still no 429, and the replicas give Redis
    back their page-cursor key, so a replica started now continues an earlier page_token."""
    async with (
        sandbox_over_http(RATE) as (jira, config),
        replicas(3, jira, redis_server.url) as servers,
        clients(servers) as connected,
    ):
        for result in await spread_searches(connected, 9, 9):
            succeeded(result)
        token = succeeded(await connected[0].call_tool("search_jql", SEARCH))["next_page_token"]
        assert [(await server.health())["status"] for server in servers] == ["ok"] * 3
        redis_server.stop()
        for result in await spread_searches(connected, 15, 9):
            succeeded(result)
        health = await servers[0].health()
        assert health["status"] == "degraded"
        assert "Redis unreachable" in health["reason"]
        redis_server.start()
        assert [(await server.health())["status"] for server in servers] == ["ok"] * 3
        for result in await spread_searches(connected, 9, 9):
            succeeded(result)
        async with (
            replicas(1, jira, redis_server.url) as (late,),
            Client(late.mcp_url, raise_exceptions=False) as client,
        ):
            succeeded(await client.call_tool("search_jql", {**SEARCH, "page_token": token}))
    assert config.counters.throttled == 0


async def until(condition: Any) -> None:
    """Wait (briefly) until ``condition()`` holds."""
    for _ in range(500):
        if condition():
            return
        await anyio.sleep(0.002)
    raise AssertionError("the condition never held")
