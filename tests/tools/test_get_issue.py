"""get_issue through a real MCP client: one issue in depth, few requests, nothing out of scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from mcp import Client

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.seed_deep import DEEP, DEEP_CHANGES, DEEP_COMMENTS
from sandbox.site import ChangeEntry, ChangeItem
from server.app import build_server
from server.gateway.meta import Deployment
from tests.sandbox.helpers import site_of
from tests.tools.conftest import (
    DEPLOYMENTS,
    ClientFactory,
    on_site,
    text_of,
    tool_settings,
)

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"


@pytest.fixture
def sandbox_app(sandbox_app: Any) -> RequestRecorder:
    """The sandbox behind a recorder, to count the requests each call sends."""
    return RequestRecorder(sandbox_app)


@DEPLOYMENTS
async def test_deep_issue_whole_in_one_call(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """45 comments and 30 history entries of SHOP-30: description whole, comments newest
    first, links named in scope and counted outside it; at most 5 requests cold, 3 warm."""
    arguments = {"key": DEEP, "comments": 100, "changelog": 100}
    async with connect(jira_projects=SCOPE) as client:
        sandbox_app.take()
        first = await client.call_tool("get_issue", arguments)
        cold = sandbox_app.take()
        again = await client.call_tool("get_issue", arguments)
        warm = sandbox_app.take()
    assert not first.is_error, text_of(first)
    out = first.structured_content
    assert out is not None
    assert len(out["description"]) > 6000
    assert "…[" not in out["description"]
    assert out["comments_total"] == DEEP_COMMENTS
    assert len(out["comments"]) == DEEP_COMMENTS
    assert out["comments"][0]["body"].startswith(f"({DEEP_COMMENTS})")
    assert len(out["changelog"]) == DEEP_CHANGES
    assert {link["key"] for link in out["links"]} == {"SHOP-31", "SHOP-32", "OPS-10"}
    assert out["outside_scope"] == {"links": 2}
    text = text_of(first)
    assert text.index("Description:") < text.index("Comments: 45 of 45, newest first")
    assert "2 links to issues outside the allowed projects" in text
    assert "SEC-" not in text + str(out)
    assert len(cold) <= 5, cold
    assert len(warm) == 3, warm
    assert text_of(again) == text


@DEPLOYMENTS
async def test_link_directions_read_as_on_each_issue(connect: ClientFactory) -> None:
    """SHOP-30 blocks SHOP-31: SHOP-30 reads "blocks SHOP-31", SHOP-31 "is blocked by SHOP-30"."""
    async with connect(jira_projects=SCOPE) as client:
        blocker = await client.call_tool("get_issue", {"key": DEEP, "comments": 0})
        blocked = await client.call_tool("get_issue", {"key": "SHOP-31", "comments": 0})
    mine = [(x["direction"], x["key"]) for x in blocker.structured_content["links"]]
    theirs = [(x["direction"], x["key"]) for x in blocked.structured_content["links"]]
    assert ("blocks", "SHOP-31") in mine
    assert ("is blocked by", "SHOP-30") in theirs


@DEPLOYMENTS
async def test_long_text_is_cut_with_a_marker_saying_how_to_read_more(
    connect: ClientFactory,
) -> None:
    """max_text=500 cuts the description and says to ask with a larger max_text."""
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("get_issue", {"key": DEEP, "max_text": 500})
    description = result.structured_content["description"]
    assert len(description) < 700
    assert "larger max_text" in description


@DEPLOYMENTS
async def test_no_comments_asked_costs_no_comment_request(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """comments=0 and changelog=0: one request, and no comment total is claimed."""
    async with connect(jira_projects=SCOPE) as client:
        sandbox_app.take()
        result = await client.call_tool("get_issue", {"key": "SHOP-2", "comments": 0})
    assert sandbox_app.take() == [on_site("GET /rest/api/3/issue/SHOP-2", deployment)]
    assert result.structured_content["comments_total"] is None
    assert "Comments:" not in text_of(result)


@DEPLOYMENTS
async def test_parent_in_a_forbidden_project_is_counted_not_named(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """A SHOP issue under an SEC parent shows no parent, only that one exists elsewhere."""
    site = site_of(sandbox_app)
    child, sec_parent = site.find_issue("SHOP-31"), site.find_issue("SEC-1")
    assert child is not None
    assert sec_parent is not None
    child.parent = sec_parent.id
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("get_issue", {"key": "SHOP-31"})
    out = result.structured_content
    assert out["parent"] is None
    assert out["outside_scope"]["parent"] == 1
    assert sec_parent.summary not in text_of(result)
    assert "parent is in a project outside the allowed projects" in text_of(result)


@DEPLOYMENTS
async def test_forbidden_and_moved_issues_are_refused_alike(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """SEC-1 is refused by its key; SHOP-12 moved to SEC answers like a missing issue."""
    site = site_of(sandbox_app)
    moved = site.find_issue("SHOP-12")
    assert moved is not None
    site.move_issue(moved, "SEC")
    async with connect(jira_projects=SCOPE) as client:
        forbidden = await client.call_tool("get_issue", {"key": "SEC-1"})
        gone = await client.call_tool("get_issue", {"key": "SHOP-12"})
        missing = await client.call_tool("get_issue", {"key": "SHOP-9999"})
    assert forbidden.is_error
    assert "outside the allowed projects" in text_of(forbidden)
    assert gone.is_error
    assert text_of(gone).replace("SHOP-12", "#") == text_of(missing).replace("SHOP-9999", "#")
    assert moved.summary not in text_of(gone)


async def _read_on(deployment: Deployment, key: str) -> tuple[Any, str]:
    """get_issue's structured answer and text for ``key`` from a sandbox of ``deployment``."""
    # One fixed clock: both sandboxes seed the same site at the same moment.
    app = create_app(SandboxConfig(rate_limit=None, deployment=deployment, clock=lambda: 1.8e9))
    server = build_server(tool_settings(jira_deployment=deployment), jira_app=app)
    async with Client(server, raise_exceptions=False) as client:
        result = await client.call_tool("get_issue", {"key": key, "comments": 100})
    assert not result.is_error, text_of(result)
    return result.structured_content, text_of(result)


@pytest.mark.parametrize("key", [DEEP, "SHOP-2", "OPS-3"])
async def test_an_issue_reads_the_same_from_data_center_wiki_markup(key: str) -> None:
    """Description and comments sent as wiki markup by Data Center read as the same Markdown
    as Cloud's ADF: headings, lists and code of the deep issue included."""
    cloud, datacenter = await _read_on("cloud", key), await _read_on("datacenter", key)
    assert datacenter == cloud
    assert cloud[0]["description"]


@DEPLOYMENTS
async def test_newest_changes_of_a_long_history(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """Of 150 history entries, changelog=5 shows the newest five, newest first, with two
    requests for the history (the first page says how long it is)."""
    site = site_of(sandbox_app)
    issue = site.find_issue("SHOP-2")
    assert issue is not None
    issue.changelog = [
        ChangeEntry(
            id=str(900_000 + n),
            author=issue.reporter,
            created=issue.created + timedelta(minutes=n),
            items=[ChangeItem(field="labels", field_id="labels", to_string=f"step-{n}")],
        )
        for n in range(150)
    ]
    async with connect(jira_projects=SCOPE) as client:
        sandbox_app.take()
        result = await client.call_tool(
            "get_issue", {"key": "SHOP-2", "comments": 0, "changelog": 5}
        )
        sent = sandbox_app.take()
    assert not result.is_error, text_of(result)
    changes = result.structured_content["changelog"]
    assert [c["to"] for c in changes] == [f"step-{n}" for n in range(149, 144, -1)]
    assert len(sent) == 3, sent  # the issue, then two pages of its history
