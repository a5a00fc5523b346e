"""The metadata caches shared through a real Redis: one replica's reads of fields, statuses,
create and edit screens and link types serve the others, for their TTLs on Redis's clock; a
lost Redis leaves each replica its own cache; replicas with other scopes share nothing."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
import respx
import structlog
from mcp import Client
from redis.asyncio import Redis

from sandbox.app import create_app
from sandbox.config import DEMO_EMAIL, DEMO_TOKEN, SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.seed import STORY
from sandbox.site import Site
from server.app import build_server
from server.config import Settings
from server.gateway import JiraGateway
from server.gateway.clock import Clock
from server.gateway.shared_cache import SharedCache, cache_tag
from server.gateway.shared_limiter import shared_limiter
from server.logging import configure_logging
from tests.gateway.fakes import FakeClock
from tests.redis.redis_server import RedisServer

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
LISTS = {
    "/rest/api/3/field",
    "/rest/api/3/status",
    "/rest/api/3/priority",
    "/rest/api/3/issuetype",
    "/rest/api/3/resolution",
    "/rest/api/3/project",
    "/rest/api/3/issueLinkType",
}
# Names a custom field and every value list the name check reads under a scope.
JQL = (
    "project = SHOP AND status = Done AND priority = High AND issuetype = Story AND "
    'resolution = Done AND "Story Points" > 3'
)


def metadata_reads(requests: list[str]) -> list[str]:
    """The metadata reads among ``requests``: the site's lists, create and edit screens."""
    return [
        request
        for request in requests
        if request.startswith("GET ")
        and (request[4:] in LISTS or "/createmeta/" in request or request.endswith("/editmeta"))
    ]


def settings_for(redis: RedisServer, **overrides: object) -> Settings:
    """A replica's settings: the sandbox with its demo credential, the test Redis."""
    values: dict[str, object] = {
        "jira_url": "sandbox",
        "jira_email": DEMO_EMAIL,
        "jira_api_token": DEMO_TOKEN,
        "jira_projects": SCOPE,
        "jira_rate_limit": 1000,
        "jira_rate_burst": 1000,
        "jira_timeout": 5,
        "redis_url": redis.url,
    }
    values.update(overrides)
    return Settings.model_validate(values)


def recorded_sandbox() -> RequestRecorder:
    """One Jira for all replicas, counting the requests it is sent."""
    return RequestRecorder(create_app(SandboxConfig(rate_limit=None)))


@asynccontextmanager
async def replica(
    jira: RequestRecorder, redis: RedisServer, clock: Clock | None = None, **overrides: object
) -> AsyncIterator[Client]:
    """An MCP client to one replica: its own server and gateway, the shared Jira and Redis."""
    server = build_server(settings_for(redis, **overrides), jira_app=jira, clock=clock)
    async with Client(server, raise_exceptions=False) as client:
        yield client


def stories(jira: RequestRecorder) -> list[str]:
    """Keys of SHOP stories, to edit and link (one edit screen for all of them)."""
    site: Site = jira.state.site
    return [i.key for i in site.issues() if i.project == "SHOP" and i.issuetype == STORY]


async def called(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The structured result of a call that must have worked."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    content: dict[str, Any] = result.structured_content or {}
    return content


async def everyday(client: Client, issue: str, other: str) -> None:
    """A name check, a create, an edit and a link: every metadata cache is used."""
    findings = await called(client, "validate_jql", {"jql": JQL})
    assert findings["valid"], findings
    await called(
        client,
        "create_issue",
        {"project": "SHOP", "summary": "Cache check", "issue_type": "Story", "priority": "High"},
    )
    await called(client, "update_issue", {"key": issue, "priority": "Low", "summary": "Edited"})
    await called(client, "link_issues", {"key": issue, "to": other, "type": "relates to"})


async def cache_keys(redis: RedisServer) -> list[bytes]:
    """Every key of the metadata caches in the test Redis."""
    client = Redis.from_url(redis.url)
    try:
        return sorted([key async for key in client.scan_iter(match="jira-mcp:cache:*")])
    finally:
        await client.aclose()


async def test_a_second_replica_reads_no_metadata(redis_server: RedisServer) -> None:
    """After replica 1's name check, create, edit and link, replica 2's same calls send no
    metadata read to Jira: fields, value lists, create and edit screens, link types."""
    jira = recorded_sandbox()
    keys = stories(jira)
    async with replica(jira, redis_server) as first, replica(jira, redis_server) as second:
        await everyday(first, keys[0], keys[1])
        read_by_first = metadata_reads(jira.take())
        await everyday(second, keys[2], keys[3])
        read_by_second = metadata_reads(jira.take())
    assert {"GET /rest/api/3/field", "GET /rest/api/3/issueLinkType"} <= set(read_by_first)
    assert any("/createmeta/" in read for read in read_by_first)
    assert any(read.endswith("/editmeta") for read in read_by_first)
    assert read_by_second == []


async def test_redis_keeps_each_entry_for_its_ttl(redis_server: RedisServer) -> None:
    """The entries expire in Redis after the caches' own TTLs (5 minutes for the site's
    lists and create screens, 1 minute for edit screens), and their keys name no secret."""
    jira = recorded_sandbox()
    keys = stories(jira)
    async with replica(jira, redis_server) as client:
        await everyday(client, keys[0], keys[1])
    redis = Redis.from_url(redis_server.url)
    try:
        found = await cache_keys(redis_server)
        left = {key.decode(): await redis.pttl(key) for key in found}
    finally:
        await redis.aclose()
    field = next(ms for key, ms in left.items() if key.endswith(":/rest/api/3/field"))
    screen = next(ms for key, ms in left.items() if ":editmeta:" in key)
    assert 290_000 < field <= 300_000
    assert 50_000 < screen <= 60_000
    assert all(0 < ms <= 300_000 for ms in left.values())
    assert not any(DEMO_TOKEN in key or DEMO_EMAIL in key for key in left)


async def test_entries_end_on_redis_clock(redis_server: RedisServer) -> None:
    """An entry one replica stored serves another until Redis expires it, though neither
    replica's own clock moves; then it is gone for both."""
    settings = settings_for(redis_server)
    clock = FakeClock()
    async with (
        shared_limiter(settings, clock) as link_one,
        shared_limiter(settings, clock) as link_two,
    ):
        one = SharedCache(clock, link_one, cache_tag(settings))
        two = SharedCache(clock, link_two, cache_tag(settings))
        await one.set("/rest/api/3/status", [{"id": "1", "name": "Done"}], ttl=0.05)
        assert await two.get("/rest/api/3/status") == [{"id": "1", "name": "Done"}]
        await until_redis_drops(redis_server, one.redis_key("/rest/api/3/status"))
        assert await two.get("/rest/api/3/status") is None
        assert await one.get("/rest/api/3/status") is None


async def until_redis_drops(redis: RedisServer, key: str) -> None:
    """Wait, on Redis's clock, until ``key`` has expired there (about 50 ms at most)."""
    client = Redis.from_url(redis.url)
    try:
        for _ in range(500):
            if not await client.exists(key):
                return
            await anyio.sleep(0.01)  # Redis's clock, not ours, is being waited on
    finally:
        await client.aclose()
    raise AssertionError(f"Redis kept {key} for more than 5 s")


async def test_an_entry_expired_in_redis_is_read_again(redis_server: RedisServer) -> None:
    """When Redis has expired the cached lists, the replica that read them reads them from
    Jira again, though its own clock says they are fresh: its name catalogue goes too."""
    jira = recorded_sandbox()
    clock = FakeClock()
    async with replica(jira, redis_server, clock) as client:
        await called(client, "validate_jql", {"jql": JQL})
        redis = Redis.from_url(redis_server.url)
        try:
            for key in await cache_keys(redis_server):
                await redis.pexpire(key, 1)  # as if the 5 minutes had passed on Redis
            for key in await cache_keys(redis_server):
                await until_redis_drops(redis_server, key.decode())
        finally:
            await redis.aclose()
        jira.take()
        await called(client, "validate_jql", {"jql": JQL})
        again = metadata_reads(jira.take())
        await called(client, "validate_jql", {"jql": JQL})
        third = metadata_reads(jira.take())
    assert "GET /rest/api/3/field" in again
    assert "GET /rest/api/3/status" in again
    assert third == []


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The log lines written during the test, the logging set-up restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", (), stream)
    yield stream
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_lost_redis_leaves_each_replica_its_own_cache(
    redis_server: RedisServer, log_lines: io.StringIO
) -> None:
    """Redis stopped: every call still works; the replica that had read the metadata uses
    its own copies, and one that had not reads Jira once, then its own copies too. Each
    replica logs the loss once, however many reads found Redis gone."""
    jira = recorded_sandbox()
    keys = stories(jira)
    server = build_server(settings_for(redis_server), jira_app=jira)
    async with (
        Client(server, raise_exceptions=False) as first,
        replica(jira, redis_server) as late,
    ):
        await everyday(first, keys[0], keys[1])
        redis_server.stop()
        jira.take()
        await everyday(first, keys[2], keys[3])
        first_after = metadata_reads(jira.take())
        await everyday(late, keys[4], keys[5])
        late_reads = metadata_reads(jira.take())
        await everyday(late, keys[6], keys[7])
        late_again = metadata_reads(jira.take())
        health = await server.health_problem()  # type: ignore[attr-defined]  # set by its lifespan
    assert first_after == []
    assert "GET /rest/api/3/field" in late_reads
    assert late_again == []
    assert "Redis unreachable" in health
    events = [json.loads(line)["event"] for line in log_lines.getvalue().splitlines()]
    assert events.count("redis_lost") == 2


async def test_replicas_with_other_scopes_share_nothing(redis_server: RedisServer) -> None:
    """A replica scoped to SHOP never sees the project list an unscoped replica cached (it
    reads its own, without SEC); the order of JIRA_PROJECTS does not split a scope."""
    jira = recorded_sandbox()

    async def projects(scope: str) -> tuple[list[str], list[str]]:
        settings = settings_for(redis_server, jira_projects=scope)
        async with JiraGateway.open(settings, asgi_app=jira) as gateway:
            keys = [str(p["key"]) for p in await gateway.meta.projects()]
        return keys, metadata_reads(jira.take())

    everything, read_unscoped = await projects("")
    shop, read_scoped = await projects("SHOP")
    shop_ops, read_shop_ops = await projects("SHOP,OPS")
    ops_shop, read_ops_shop = await projects("OPS,SHOP")
    assert "SEC" in everything
    assert shop == ["SHOP"]
    assert read_unscoped == read_scoped == read_shop_ops == ["GET /rest/api/3/project"]
    assert sorted(shop_ops) == sorted(ops_shop) == ["OPS", "SHOP"]
    assert read_ops_shop == []
    assert len(await cache_keys(redis_server)) == 3


def team_status(status_id: str, name: str, project_id: str) -> dict[str, Any]:
    """A status of a team-managed project, which Jira names by the project's id alone."""
    scope = {"type": "PROJECT", "project": {"id": project_id}}
    return {"id": status_id, "name": name, "scope": scope}


async def test_a_shared_project_list_teaches_the_guard(redis_server: RedisServer) -> None:
    """Replica 2 takes the project list from Redis, not from Jira, and its guard still learns
    the project ids in it: a team-managed SHOP status named only by project id is kept."""
    api = "https://example.atlassian.net/rest/api/3"
    projects = [{"id": "10000", "key": "SHOP"}, {"id": "10001", "key": "SEC"}]
    statuses = [
        {"id": "1", "name": "Done"},
        {
            "id": "2",
            "name": "Shop Review",
            "scope": {"type": "PROJECT", "project": {"id": "10000"}},
        },
        {"id": "3", "name": "Sec Triage", "scope": {"type": "PROJECT", "project": {"id": "10001"}}},
    ]
    settings = settings_for(
        redis_server,
        jira_url="https://example.atlassian.net",
        jira_projects="SHOP",
        jira_deployment="cloud",
    )
    with respx.mock:
        project_route = respx.get(f"{api}/project").mock(httpx.Response(200, json=projects))
        respx.get(f"{api}/status").mock(httpx.Response(200, json=statuses))
        async with JiraGateway.open(settings) as first:
            await first.meta.projects()
        async with JiraGateway.open(settings) as second:
            await second.meta.projects()
            kept = [s["name"] for s in await second.meta.statuses()]
    assert project_route.call_count == 1
    assert kept == ["Done", "Shop Review"]
