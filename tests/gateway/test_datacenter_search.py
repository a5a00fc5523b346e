"""The gateway's searches, counts and bulk fetches speak v2 to a Data Center sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from server.config import Settings
from server.errors import BadRequest
from server.gateway import JiraGateway

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def datacenter(projects: str = "") -> AsyncIterator[tuple[JiraGateway, Any, list[str]]]:
    """A gateway (deployment detected) on a Data Center sandbox: itself, the site, requests."""
    app = create_app(SandboxConfig(rate_limit=None, deployment="datacenter"))
    recorder = RequestRecorder(app)
    settings = Settings.model_validate(
        {"jira_url": "sandbox", "jira_projects": projects, "jira_rate_limit": 1000}
    )
    async with JiraGateway.open(settings, asgi_app=recorder) as gateway:
        yield gateway, app.state.site, recorder.requests


async def test_search_all_walks_every_issue_once_by_position() -> None:
    """Pages follow each other by startAt: every matching issue once, one request a page."""
    async with datacenter() as (gateway, site, requests):
        keys = [
            issue["key"]
            async for page in gateway.search_all("project = SHOP", fields=("key",), page_size=25)
            for issue in page.issues
        ]
    expected = {issue.key for issue in site.issues() if issue.project == "SHOP"}
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == expected
    assert requests[0] == "GET /rest/api/2/serverInfo"
    assert requests[1:] == ["POST /rest/api/2/search"] * -(-len(expected) // 25)


async def test_count_is_the_total_of_an_empty_page() -> None:
    """The count is Data Center's exact total, from one search that returns no issues."""
    async with datacenter("SHOP,OPS") as (gateway, site, requests):
        count = await gateway.approximate_count("status = Done")
    done = [
        i for i in site.issues() if i.project != "SEC" and site.statuses[i.status].name == "Done"
    ]
    assert count == len(done)
    assert requests.count("POST /rest/api/2/search") == 1


async def test_bulk_fetch_without_scope_keeps_order_and_names_the_missing() -> None:
    """Without a scope every project's keys come back in the order asked; unknown ones are
    not found, and one missing key does not fail its batch."""
    asked = ["SEC-2", "SHOP-3", "NOPE-1", "OPS-1", "SHOP-9999"]
    async with datacenter() as (gateway, _, requests):
        result = await gateway.bulk_fetch(asked, fields=("summary",))
    assert [issue["key"] for issue in result.issues] == ["SEC-2", "SHOP-3", "OPS-1"]
    assert result.not_found == ["NOPE-1", "SHOP-9999"]
    assert requests.count("POST /rest/api/2/search") == 1


async def test_a_page_token_that_is_no_position_is_refused() -> None:
    """A page token that is not a position is refused before anything is sent."""
    async with datacenter() as (gateway, _, requests):
        await gateway.meta.deployment()
        sent = len(requests)
        with pytest.raises(BadRequest, match="without page_token"):
            await gateway.search_page("project = SHOP", next_page_token="eyJvIjo1MH0")
    assert len(requests) == sent


async def test_concurrent_first_searches_ask_server_info_once() -> None:
    """Searches started together on a fresh gateway share one deployment detection."""
    async with datacenter() as (gateway, _, requests), anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(lambda: gateway.search_page("project = SHOP"))
    assert requests.count("GET /rest/api/2/serverInfo") == 1
    assert requests.count("POST /rest/api/2/search") == 5
