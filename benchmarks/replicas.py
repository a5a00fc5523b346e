"""Replicas sharing one Jira budget through Redis: searches per second, 429s, latency, overhead.

Starts a redis-server (free port, no persistence), the Jira sandbox with its rate limit
(10 requests/s per credential, burst 10) as its own process, and 1, 2 and 3 replicas of
`jira-mcp-gateway serve --transport http` as processes with REDIS_URL set; then 60
search_jql calls spread round-robin over the replicas through real MCP clients, 20 in flight.
For contrast, 3 replicas without Redis (each believing it is alone) run the same calls.

Prints per configuration: searches per second through all replicas, 429s the sandbox sent,
p50/p95 tool latency, wall time against the floor 60 / 10 = 6 s. Then the shared limiter's
own cost per request (one Lua script call to take a slot, one to give it back), measured
in-process against the same Redis.
Targets: 3 replicas within 1.3 x 6 s with 0 x 429; limiter overhead <= 1 ms p50.

Run: .venv/bin/python benchmarks/replicas.py   (needs redis-server: apt-get install redis-server)
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import urllib.request
from contextlib import AsyncExitStack, ExitStack
from pathlib import Path

import anyio
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.config import DEMO_EMAIL, DEMO_TOKEN
from server.config import load_settings
from server.gateway import SystemClock
from server.gateway.shared_limiter import shared_limiter
from tests.redis.redis_server import INSTALL_HINT, RedisServer, redis_server_path
from tests.server.processes import clean_env, free_port, running

CALLS = 60
IN_FLIGHT = 20
RATE = 10.0
FLOOR = CALLS / RATE
SEARCH = {"jql": "project = SHOP ORDER BY key", "limit": 2}
OVERHEAD_SAMPLES = 2000


def counters(sandbox: str) -> dict[str, int]:
    """The sandbox's edge counters (its admin endpoint)."""
    with urllib.request.urlopen(f"{sandbox}/__sandbox/counters", timeout=5) as answer:  # noqa: S310
        found: dict[str, int] = json.loads(answer.read())
        return found


async def run_searches(urls: list[str]) -> tuple[float, list[float]]:
    """CALLS searches round-robin over ``urls``; wall seconds and each call's latency."""
    latencies: list[float] = []
    gate = anyio.Semaphore(IN_FLIGHT)
    failures: list[str] = []
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(Client(url)) for url in urls]
        for client in clients:
            await client.list_tools()

        async def search(client: Client) -> None:
            async with gate:
                started = time.perf_counter()
                result = await client.call_tool("search_jql", SEARCH)
                latencies.append(time.perf_counter() - started)
                if result.is_error:
                    failures.append(str(result.content))

        started = time.perf_counter()
        async with anyio.create_task_group() as tasks:
            for number in range(CALLS):
                tasks.start_soon(search, clients[number % len(clients)])
        wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} searches failed: {failures[0]}")
    return wall, latencies


def configuration(replicas: int, redis: RedisServer | None) -> str:
    """One row of the table: start the sandbox and the replicas, run, stop them."""
    sandbox_port = free_port()
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    with ExitStack() as stack:
        stack.enter_context(
            running(
                "sandbox",
                "--port",
                str(sandbox_port),
                "--admin",
                env=clean_env(),
                probe_url=f"{sandbox}/rest/api/3/serverInfo",
            )
        )
        env = clean_env(
            JIRA_URL=sandbox,
            JIRA_EMAIL=DEMO_EMAIL,
            JIRA_API_TOKEN=DEMO_TOKEN,
            MCP_STATELESS="true",
            LOG_LEVEL="WARNING",
            JIRA_REPLICAS=str(replicas if redis is not None else 1),
        )
        if redis is not None:
            env["REDIS_URL"] = redis.url
        urls = []
        for _ in range(replicas):
            port = free_port()
            stack.enter_context(
                running(
                    "serve",
                    "--transport",
                    "http",
                    "--port",
                    str(port),
                    env=env,
                    probe_url=f"http://127.0.0.1:{port}/healthz",
                )
            )
            urls.append(f"http://127.0.0.1:{port}/mcp")
        wall, latencies = anyio.run(run_searches, urls)
        throttled = counters(sandbox)["throttled"]
    cuts = statistics.quantiles(latencies, n=100)
    name = f"{replicas} replica{'s' if replicas > 1 else ''}" + ("" if redis else ", no Redis")
    return (
        f"| {name} | {CALLS / wall:.1f} | {throttled} | {cuts[49] * 1000:.0f} | "
        f"{cuts[94] * 1000:.0f} | {wall:.2f} s ({wall / FLOOR:.2f} x) |"
    )


async def limiter_overhead(redis: RedisServer) -> tuple[float, float]:
    """p50 and p95 milliseconds of one slot (take + give back) on the shared limiter, at a
    rate that never makes a caller wait: the cost of asking Redis, nothing else."""
    settings = load_settings(
        jira_url="https://example.atlassian.net",
        jira_email=DEMO_EMAIL,
        jira_api_token=DEMO_TOKEN,
        redis_url=redis.url,
        jira_rate_limit=1000.0,
        jira_rate_burst=1000,
    )
    samples = []
    async with shared_limiter(settings, SystemClock()) as limiter:
        for _ in range(OVERHEAD_SAMPLES):
            started = time.perf_counter()
            async with limiter.slot():
                pass
            # The release runs in the background; measured here with the take.
            await limiter.redis.ping()
            samples.append(time.perf_counter() - started)
        script = statistics.quantiles(limiter.overhead.seconds, n=100)
    cuts = statistics.quantiles(samples, n=100)
    print(f"acquire script alone: p50 {script[49] * 1000:.3f} ms, p95 {script[94] * 1000:.3f} ms")
    return cuts[49] * 1000, cuts[94] * 1000


def main() -> None:
    """Print the table and the limiter's overhead."""
    executable = redis_server_path()
    if executable is None:
        print(INSTALL_HINT)
        raise SystemExit(1)
    print(f"{CALLS} search_jql calls, {IN_FLIGHT} in flight, sandbox budget {RATE:g}/s")
    print("| replicas | searches/s | 429s | p50 ms | p95 ms | wall (vs 6 s floor) |")
    print("|---|---|---|---|---|---|")
    for replicas in (1, 2, 3):
        redis = RedisServer(executable)
        redis.start()
        try:
            print(configuration(replicas, redis), flush=True)
        finally:
            redis.close()
    print(configuration(3, None), flush=True)
    redis = RedisServer(executable)
    redis.start()
    try:
        p50, p95 = anyio.run(limiter_overhead, redis)
    finally:
        redis.close()
    print(f"shared limiter per request (take + give back): p50 {p50:.3f} ms, p95 {p95:.3f} ms")


if __name__ == "__main__":
    main()
