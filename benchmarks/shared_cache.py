"""The metadata caches shared through Redis: what a second replica saves, what a read costs.

Starts a redis-server (free port, no persistence) and the Jira sandbox in-process, behind a
recorder that counts requests. Replica 1 and then replica 2 (each its own MCP server and
gateway, through a real in-memory MCP client) run the same everyday calls: validate_jql
naming a custom field and four value lists, create_issue, update_issue and link_issues.
Prints, per replica, the metadata reads sent to Jira (field list, value lists, create and
edit screens, link types), all requests sent, and the wall time. Then the cost of one cache
read of the sandbox's field list: from Redis (one GET and PTTL, decoded once per stored
value) and from the process cache, p50 and p95.
Target: replica 2 sends 0 metadata reads.

Run: .venv/bin/python benchmarks/shared_cache.py  (needs redis-server: apt-get install redis-server)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

import anyio
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.app import create_app
from sandbox.config import DEMO_EMAIL, DEMO_TOKEN, SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.seed import STORY
from server.app import build_server
from server.config import Settings
from server.gateway import JiraGateway, SystemClock
from server.gateway.shared_cache import SharedCache
from tests.redis.redis_server import INSTALL_HINT, RedisServer, redis_server_path

LISTS = (
    "field",
    "status",
    "priority",
    "issuetype",
    "resolution",
    "project",
    "issueLinkType",
)
JQL = (
    "project = SHOP AND status = Done AND priority = High AND issuetype = Story AND "
    'resolution = Done AND "Story Points" > 3'
)
READS = 2000


def settings(redis_url: str) -> Settings:
    """A replica's settings: the sandbox, one scope, the benchmark's Redis."""
    return Settings.model_validate(
        {
            "jira_url": "sandbox",
            "jira_email": DEMO_EMAIL,
            "jira_api_token": DEMO_TOKEN,
            "jira_projects": "SHOP,OPS",
            "jira_rate_limit": 1000,
            "jira_rate_burst": 1000,
            "redis_url": redis_url,
        }
    )


def is_metadata(request: str) -> bool:
    """A read of the site's lists, a create screen or an edit screen."""
    path = request.removeprefix("GET ")
    listed = path.removeprefix("/rest/api/3/") in LISTS
    return request.startswith("GET ") and (
        listed or "/createmeta/" in path or path.endswith("/editmeta")
    )


async def everyday(client: Client, issue: str, other: str) -> None:
    """The calls that use every metadata cache; each must work."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("validate_jql", {"jql": JQL}),
        (
            "create_issue",
            {"project": "SHOP", "summary": "Bench", "issue_type": "Story", "priority": "High"},
        ),
        ("update_issue", {"key": issue, "priority": "Low"}),
        ("link_issues", {"key": issue, "to": other, "type": "relates to"}),
    ]
    for tool, arguments in calls:
        result = await client.call_tool(tool, arguments)
        if result.is_error:
            raise SystemExit(f"{tool} failed: {result.content}")


async def replicas(jira: RequestRecorder, redis_url: str) -> None:
    """Replica 1, then replica 2: metadata reads, requests and time of the same calls."""
    site = jira.state.site
    keys = [i.key for i in site.issues() if i.project == "SHOP" and i.issuetype == STORY]
    print("replica | metadata reads | requests to Jira | wall ms")
    for number in (1, 2):
        server = build_server(settings(redis_url), jira_app=jira)
        async with Client(server, raise_exceptions=False) as client:
            jira.take()
            started = time.perf_counter()
            await everyday(client, keys[2 * number], keys[2 * number + 1])
            elapsed = (time.perf_counter() - started) * 1000
        sent = jira.take()
        metadata = [request for request in sent if is_metadata(request)]
        print(f"{number:>7} | {len(metadata):>14} | {len(sent):>16} | {elapsed:7.1f}")


async def read_cost(jira: RequestRecorder, redis_url: str) -> None:
    """p50/p95 of one cache read of the field list, from Redis and from the process."""
    async with JiraGateway.open(settings(redis_url), asgi_app=jira) as gateway:
        fields = await gateway.meta.fields()
        local = SharedCache(SystemClock())
        await local.set("/rest/api/3/field", fields, 300)
        print(f"\nfield list: {len(fields)} fields; one cache read, {READS} times")
        for name, cache in (("Redis", gateway.meta.cache), ("process", local)):
            times = []
            for _ in range(READS):
                started = time.perf_counter()
                await cache.get("/rest/api/3/field")
                times.append((time.perf_counter() - started) * 1_000_000)
            cuts = statistics.quantiles(times, n=20)
            print(f"{name:>7}: p50 {statistics.median(times):.1f} us, p95 {cuts[18]:.1f} us")


async def main() -> None:
    """Start Redis, run both measurements, stop Redis."""
    executable = redis_server_path()
    if executable is None:
        raise SystemExit(INSTALL_HINT)
    redis = RedisServer(executable)
    redis.start()
    try:
        jira = RequestRecorder(create_app(SandboxConfig(rate_limit=None)))
        await replicas(jira, redis.url)
        await read_cost(jira, redis.url)
    finally:
        redis.close()


if __name__ == "__main__":
    anyio.run(main)
