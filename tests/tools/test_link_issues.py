"""link_issues through a real MCP client: the direction as each issue reads it, existing
links, few requests, and nothing linked outside the scope."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from sandbox.recorder import RequestRecorder
from server.gateway.meta import Deployment
from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, on_site, text_of

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"


def both_issues_read(deployment: Deployment) -> str:
    """The one request that reads both issues: a bulk fetch, on Data Center a key search."""
    return (
        "POST /rest/api/2/search"
        if deployment == "datacenter"
        else ("POST /rest/api/3/issue/bulkfetch")
    )


@pytest.fixture
def sandbox_app(sandbox_app: Any) -> RequestRecorder:
    """The sandbox behind a recorder, to count the requests each call sends."""
    return RequestRecorder(sandbox_app)


async def read_links(client: Client, key: str) -> list[str]:
    """An issue's links as get_issue shows them: "blocks SHOP-3"."""
    result = await client.call_tool("get_issue", {"key": key, "comments": 0})
    return [f"{x['direction']} {x['key']}" for x in result.structured_content["links"]]


@DEPLOYMENTS
@pytest.mark.parametrize(
    "row",
    [
        ("SHOP-2", "blocks", "SHOP-3", "blocks SHOP-3", "is blocked by SHOP-2"),
        ("SHOP-4", "is blocked by", "SHOP-5", "is blocked by SHOP-5", "blocks SHOP-4"),
        ("SHOP-6", "Blocks", "OPS-2", "blocks OPS-2", "is blocked by SHOP-6"),
        ("SHOP-7", "DUPLICATES", "SHOP-8", "duplicates SHOP-8", "is duplicated by SHOP-7"),
        ("SHOP-9", "relates to", "SHOP-10", "relates to SHOP-10", "relates to SHOP-9"),
    ],
)
async def test_direction_reads_as_asked_on_both_issues(
    connect: ClientFactory, row: tuple[str, str, str, str, str]
) -> None:
    """After linking, each issue's page reads the phrase a person would expect."""
    key, kind, to, on_key, on_to = row
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("link_issues", {"key": key, "to": to, "type": kind})
        assert not result.is_error, text_of(result)
        mine, theirs = await read_links(client, key), await read_links(client, to)
    assert on_key in mine
    assert on_to in theirs
    assert result.structured_content["link_id"]
    assert text_of(result).startswith(f"Linked: {key} {on_key}")


@DEPLOYMENTS
async def test_existing_link_is_a_success_that_says_so(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """SHOP-30 already blocks SHOP-31: reported with its id, in one request, nothing written."""
    site = site_of(sandbox_app)
    before = len(site.data.links)
    async with connect(jira_projects=SCOPE) as client:
        await client.call_tool("link_issues", {"key": "SHOP-30", "to": "SHOP-31", "type": "blocks"})
        sandbox_app.take()
        again = await client.call_tool(
            "link_issues", {"key": "SHOP-31", "to": "SHOP-30", "type": "is blocked by"}
        )
    assert again.structured_content["existed"] is True
    assert again.structured_content["link_id"]
    assert "Already linked" in text_of(again)
    assert sandbox_app.take() == [both_issues_read(deployment)]
    assert len(site.data.links) == before


@DEPLOYMENTS
async def test_a_new_link_costs_a_read_the_write_and_the_id(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """With the link types known: both issues in one read, the POST, then the id read back
    (Jira's answer to a new link carries no id)."""
    async with connect(jira_projects=SCOPE) as client:
        await client.call_tool("link_issues", {"key": "SHOP-2", "to": "SHOP-3", "type": "blocks"})
        sandbox_app.take()
        await client.call_tool("link_issues", {"key": "SHOP-4", "to": "SHOP-5", "type": "blocks"})
    assert sandbox_app.take() == [
        both_issues_read(deployment),
        on_site("POST /rest/api/3/issueLink", deployment),
        on_site("GET /rest/api/3/issue/SHOP-4", deployment),
    ]


@DEPLOYMENTS
async def test_unknown_type_lists_the_types(connect: ClientFactory) -> None:
    """A type that is neither a name nor a phrase is refused with every type's phrases."""
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "link_issues", {"key": "SHOP-2", "to": "SHOP-3", "type": "depends on"}
        )
        itself = await client.call_tool(
            "link_issues", {"key": "SHOP-2", "to": "shop-2", "type": "blocks"}
        )
    assert result.is_error
    assert "Blocks: blocks / is blocked by" in text_of(result)
    assert itself.is_error
    assert "itself" in text_of(itself)


@DEPLOYMENTS
async def test_links_outside_the_scope_are_refused_and_nothing_is_written(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """To SEC-1, from SEC-1, or with an issue moved to SEC: refused, no link made."""
    site = site_of(sandbox_app)
    moved = site.find_issue("SHOP-12")
    assert moved is not None
    site.move_issue(moved, "SEC")
    before = site.data.model_dump_json()
    calls: list[dict[str, Any]] = [
        {"key": "SHOP-2", "to": "SEC-1", "type": "blocks"},
        {"key": "SEC-1", "to": "SHOP-2", "type": "relates to"},
        {"key": "SHOP-2", "to": "SHOP-12", "type": "blocks"},
        {"key": "SHOP-2", "to": "SHOP-12", "type": "blocks", "dry_run": True},
    ]
    async with connect(jira_projects=SCOPE) as client:
        results = [await client.call_tool("link_issues", args) for args in calls]
    for args, result in zip(calls, results, strict=True):
        assert result.is_error, (args, text_of(result))
        assert moved.summary not in text_of(result)
    assert site.data.model_dump_json() == before


@DEPLOYMENTS
async def test_dry_run_links_nothing(connect: ClientFactory, sandbox_app: RequestRecorder) -> None:
    """dry_run shows the request with key as inwardIssue for "blocks", and links nothing."""
    before = len(site_of(sandbox_app).data.links)
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "link_issues", {"key": "SHOP-2", "to": "SHOP-3", "type": "blocks", "dry_run": True}
        )
    body = result.structured_content["request"]["body"]
    assert body["inwardIssue"] == {"key": "SHOP-2"}
    assert len(site_of(sandbox_app).data.links) == before
