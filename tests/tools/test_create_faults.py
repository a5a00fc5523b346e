"""create_issue under injected faults: no duplicates, and no issue reported failed that exists.

The gateway and the sandbox share one fake clock: the gateway's timeouts, backoff and
settle polling and the sandbox's hangs, slow writes and search lag all run on virtual time,
so nothing here really sleeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult
from starlette.types import Receive, Scope, Send

from sandbox.config import Faults, SandboxConfig
from sandbox.site import Site
from server.app import build_server
from server.gateway.audit import REQUEST_PROPERTY
from server.gateway.meta import Deployment
from tests.gateway.fakes import FakeClock
from tests.tools.conftest import DEPLOYMENTS, text_of, tool_settings
from tools.support.dedupe import SETTLE_SECONDS

# Every test runs against Jira Cloud and Jira Data Center: a create settles the same way.
pytestmark = [pytest.mark.anyio, DEPLOYMENTS]

SCOPE = "SHOP"  # the one allowed project, so creates need not name it
SEEDS = range(30)
UNSETTLED = "the issue may exist"
CREATE = ("POST", "/rest/api/3/issue")


@dataclass
class Tally:
    """What a run of creates under faults came to."""

    attempted: int = 0
    created: int = 0
    recovered: int = 0
    refused: int = 0  # errors for issues that indeed do not exist
    unsettled: int = 0  # errors that say the issue may exist
    duplicates: int = 0  # issues beyond the first with the same summary
    false_failures: int = 0  # errors that do not admit doubt, for an issue that exists


@pytest.fixture
def clock() -> FakeClock:
    """The virtual time shared by the gateway and the sandbox."""
    return FakeClock()


@pytest.fixture
def sandbox_config(clock: FakeClock, deployment: Deployment) -> SandboxConfig:
    """A sandbox without its rate limit, living on the fake clock."""
    return SandboxConfig(
        rate_limit=None, clock=clock.wall, sleep=clock.sleep, deployment=deployment
    )


@asynccontextmanager
async def faulty_client(
    sandbox_app: Any, clock: FakeClock, **settings: object
) -> AsyncIterator[Client]:
    """An MCP client whose gateway runs on the fake clock, told the sandbox's deployment."""
    deployment = sandbox_app.state.deployment
    server = build_server(
        tool_settings(jira_projects=SCOPE, jira_deployment=deployment, **settings),
        jira_app=sandbox_app,
        clock=clock,
    )
    async with Client(server, raise_exceptions=False) as client:
        yield client


async def create_under_faults(
    client: Client, site: Site, faults: Faults, label: str, per_seed: int
) -> Tally:
    """``per_seed`` creates for every seed, each checked against the site's data."""
    tally = Tally()
    for seed in SEEDS:
        faults.seed = seed
        for n in range(per_seed):
            summary = f"{label} seed {seed} create {n}"
            result = await client.call_tool("create_issue", {"summary": summary})
            record(tally, site, summary, result)
    return tally


def record(tally: Tally, site: Site, summary: str, result: CallToolResult) -> None:
    """Count one create's outcome against what the site really holds."""
    made = [i for i in site.issues() if i.summary == summary]
    out = result.structured_content
    tally.attempted += 1
    tally.duplicates += max(0, len(made) - 1)
    if not result.is_error:
        assert out is not None, summary
        assert [i.key for i in made] == [out["key"]], (summary, out)
        tally.created += 1
        tally.recovered += bool(out["recovered"])
    elif UNSETTLED in text_of(result):
        tally.unsettled += 1
    elif made:
        tally.false_failures += 1
    else:
        tally.refused += 1


def request_ids_are_unique(site: Site) -> bool:
    """No two issues of the site carry the same create request id."""
    ids = Counter(
        str(i.properties[REQUEST_PROPERTY]["id"])
        for i in site.issues()
        if REQUEST_PROPERTY in i.properties
    )
    return all(count == 1 for count in ids.values())


async def test_errors_after_the_write_never_duplicate(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """30% of answers replaced by a 503 after Jira acted: every issue once, none reported lost."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), True
    async with faulty_client(sandbox_app, clock) as client:
        tally = await create_under_faults(
            client, sandbox_app.state.site, faults, "after-write", per_seed=4
        )
    assert tally.attempted == 120
    assert (tally.duplicates, tally.false_failures) == (0, 0), tally
    assert tally.recovered > 0, tally
    assert tally.unsettled == 0, tally
    assert request_ids_are_unique(sandbox_app.state.site)


async def test_errors_before_the_write_are_retried_once_without_duplicates(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """503s where Jira did nothing: absence is confirmed, then one retry; never two issues."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), False
    async with faulty_client(sandbox_app, clock) as client:
        tally = await create_under_faults(
            client, sandbox_app.state.site, faults, "before-write", per_seed=4
        )
    assert tally.attempted == 120
    assert (tally.duplicates, tally.false_failures) == (0, 0), tally
    assert tally.created > 0.8 * tally.attempted, tally
    assert request_ids_are_unique(sandbox_app.state.site)


async def test_hung_writes_past_the_timeout_never_duplicate(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """Writes that outlast the gateway's timeout (and 503s besides) are found, not repeated."""
    faults = sandbox_config.faults
    faults.hang_writes = 1.0
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), True
    async with faulty_client(sandbox_app, clock, jira_timeout=0.2) as client:
        tally = await create_under_faults(
            client, sandbox_app.state.site, faults, "hung", per_seed=2
        )
    assert tally.attempted == 60
    assert (tally.duplicates, tally.false_failures, tally.unsettled) == (0, 0, 0), tally
    assert tally.recovered == tally.created == tally.attempted, tally
    assert request_ids_are_unique(sandbox_app.state.site)


class SlowCreates:
    """An ASGI wrapper that holds every create before the sandbox sees it (a slow network).

    A create whose client gives up meanwhile never reaches the sandbox.
    """

    def __init__(self, app: Any, delay: float, clock: FakeClock) -> None:
        self.app = app
        self.delay = delay
        self.clock = clock
        self.creates = 0

    @property
    def state(self) -> Any:
        """The sandbox's state (its site)."""
        return self.app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The create's path on either Jira: REST v3 on Cloud, v2 on Data Center.
        creating = (scope["method"], scope["path"].replace("/api/2/", "/api/3/")) == CREATE
        if scope["type"] == "http" and creating:
            self.creates += 1
            await self.clock.sleep(self.delay)
        await self.app(scope, receive, send)


async def test_timeout_without_an_answer_is_reported_as_unknown_not_retried(
    sandbox_app: Any, clock: FakeClock
) -> None:
    """A lost create never found is not sent again; only after the deadline it may exist."""
    slow = SlowCreates(sandbox_app, delay=1.0, clock=clock)
    site: Site = sandbox_app.state.site
    started = clock.now
    async with faulty_client(slow, clock, jira_timeout=0.2) as client:
        result = await client.call_tool("create_issue", {"summary": "Slow network"})
    assert result.is_error
    text = text_of(result)
    assert UNSETTLED in text
    assert "issue.property[jira-mcp-gateway.request].id = " in text
    assert clock.now - started >= SETTLE_SECONDS
    assert slow.creates == 1
    assert [i for i in site.issues() if i.summary == "Slow network"] == []


async def test_slow_create_while_search_lags_ends_in_success(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """A create slower than the timeout, search 8 s behind writes: success and one issue."""
    sandbox_config.faults.write_latency = 3.0
    site: Site = sandbox_app.state.site
    site.search_lag = 8.0
    async with faulty_client(sandbox_app, clock, jira_timeout=1) as client:
        result = await client.call_tool("create_issue", {"summary": "Slow and lagging"})
    made = [i for i in site.issues() if i.summary == "Slow and lagging"]
    assert not result.is_error, text_of(result)
    out = result.structured_content
    assert out is not None
    assert [i.key for i in made] == [out["key"]]
    assert out["recovered"] is True


async def test_errors_after_the_write_with_lagging_search_never_duplicate(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """503s after Jira acted while search lags 8 s: no create is sent again for a lost one."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), True
    sandbox_app.state.site.search_lag = 8.0
    async with faulty_client(sandbox_app, clock) as client:
        tally = await create_under_faults(
            client, sandbox_app.state.site, faults, "lagging", per_seed=1
        )
    assert (tally.duplicates, tally.false_failures, tally.unsettled) == (0, 0, 0), tally
    assert tally.recovered > 0, tally
    assert request_ids_are_unique(sandbox_app.state.site)
