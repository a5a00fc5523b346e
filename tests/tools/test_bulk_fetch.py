"""bulk_fetch through a real MCP client against the sandbox."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from sandbox.config import SandboxConfig
from sandbox.site import Comment
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"


def keys_of(sandbox_app: Any, *projects: str) -> list[str]:
    """Every key of the projects, straight from the sandbox's data."""
    return [issue.key for issue in sandbox_app.state.site.issues() if issue.project in projects]


async def fetch(client: Client, keys: list[str], **extra: Any) -> CallToolResult:
    """Call bulk_fetch; the raw result."""
    return await client.call_tool("bulk_fetch", {"keys": keys, **extra})


def data_of(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a call that must have succeeded."""
    assert not result.is_error, text_of(result)
    data: dict[str, Any] | None = result.structured_content
    assert data is not None
    return data


@DEPLOYMENTS
async def test_250_keys_in_one_call_and_three_requests(
    connect: ClientFactory, sandbox_app: Any, sandbox_config: SandboxConfig
) -> None:
    """250 keys: 3 upstream requests, order kept, SEC keys denied, unknown keys not found."""
    in_scope = keys_of(sandbox_app, "SHOP", "OPS")
    sec = keys_of(sandbox_app, "SEC")[:5]
    unknown = ["SHOP-9001", "OPS-9002", "SHOP-9003", "OPS-9004", "SHOP-9005"]
    asked = random.Random(3).sample(in_scope, 240) + sec + unknown
    random.Random(4).shuffle(asked)
    reports: list[tuple[float, float | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        reports.append((progress, total))

    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "bulk_fetch", {"keys": asked}, progress_callback=on_progress
        )
    data = data_of(result)
    expected = [key for key in asked if key not in sec and key not in unknown]
    assert [issue["key"] for issue in data["issues"]] == expected
    assert data["denied"] == [key for key in asked if key in sec]
    assert data["not_found"] == [key for key in asked if key in unknown]
    assert sandbox_config.counters.requests == 3
    assert [done for done, _ in reports] == [1, 2, 3]
    assert {total for _, total in reports} == {3}
    text = text_of(result)
    assert text.splitlines()[0].startswith("key|summary|status|assignee|priority|type|updated")
    assert [line.split("|")[0] for line in text.splitlines()[1:241]] == expected
    assert f"not_found (5): {', '.join(data['not_found'])}" in text
    assert "denied, outside the allowed projects (5)" in text


@DEPLOYMENTS
async def test_values_match_the_site(connect: ClientFactory, sandbox_app: Any) -> None:
    """Fields come back flattened: summary, status name, assignee name, story points."""
    site = sandbox_app.state.site
    keys = keys_of(sandbox_app, "SHOP")[:10]
    async with connect(jira_projects=SCOPE) as client:
        data = data_of(await fetch(client, keys, fields=["summary", "status", "Story Points"]))
    for issue in data["issues"]:
        stored = site.find_issue(issue["key"])
        assert set(issue) == {"key", "summary", "status", "Story Points"}
        assert issue["summary"] == stored.summary
        assert issue["status"] == site.statuses[stored.status].name
        assert issue["Story Points"] == stored.story_points


@DEPLOYMENTS
async def test_duplicates_and_case_are_folded(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """The same key written three ways is fetched and returned once."""
    async with connect(jira_projects=SCOPE) as client:
        data = data_of(await fetch(client, ["SHOP-1", "shop-1", " SHOP-1 ", "OPS-2"]))
    assert [issue["key"] for issue in data["issues"]] == ["SHOP-1", "OPS-2"]
    assert sandbox_config.counters.requests == 1


@DEPLOYMENTS
async def test_numeric_ids_are_accepted(connect: ClientFactory, sandbox_app: Any) -> None:
    """A numeric issue id fetches that issue."""
    issue = sandbox_app.state.site.find_issue("OPS-3")
    async with connect(jira_projects=SCOPE) as client:
        data = data_of(await fetch(client, [str(issue.id)], fields=["summary"]))
    assert data["issues"] == [{"key": "OPS-3", "summary": issue.summary}]


@DEPLOYMENTS
async def test_malformed_keys_are_listed_and_the_good_ones_fetched(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """Malformed keys among good ones: the good ones come back, the malformed are named."""
    async with connect(jira_projects=SCOPE) as client:
        result = await fetch(client, ["SHOP-1", "SHOP 2", "PROJ-", "-3", "shop-3"])
    assert not result.is_error, text_of(result)
    data = data_of(result)
    assert [issue["key"] for issue in data["issues"]] == ["SHOP-1", "SHOP-3"]
    assert data["malformed"] == ["SHOP 2", "PROJ-", "-3"]
    assert (
        "malformed, not issue keys, not fetched (3): SHOP 2, PROJ-, -3. "
        "Use keys like PROJ-123 or numeric issue ids."
    ) in text_of(result)
    assert sandbox_config.counters.requests == 1


@DEPLOYMENTS
async def test_only_malformed_keys_are_refused_by_name(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """When no key is well-formed, the error names them and the expected form."""
    async with connect(jira_projects=SCOPE) as client:
        result = await fetch(client, ["SHOP 2", "PROJ-", "-3"])
    assert result.is_error
    text = text_of(result)
    assert "'SHOP 2', 'PROJ-', '-3'" in text
    assert "PROJ-123" in text
    assert sandbox_config.counters.requests == 0


@DEPLOYMENTS
async def test_only_sec_keys_cost_no_request(
    connect: ClientFactory, sandbox_app: Any, sandbox_config: SandboxConfig
) -> None:
    """Keys that are all outside the scope are denied without asking Jira."""
    sec = keys_of(sandbox_app, "SEC")[:3]
    async with connect(jira_projects=SCOPE) as client:
        result = await fetch(client, sec)
    data = data_of(result)
    assert data == {"issues": [], "not_found": [], "denied": sec, "malformed": []}
    assert "No issues returned." in text_of(result)
    assert sandbox_config.counters.requests == 0


@DEPLOYMENTS
async def test_issue_moved_out_of_scope_reads_as_missing(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """An issue whose key looks in scope but which Jira says lives in SEC is not shown."""
    site = sandbox_app.state.site
    moved = site.find_issue("SHOP-7")
    moved.project = "SEC"  # a project move: the old key still finds the issue
    async with connect(jira_projects=SCOPE) as client:
        result = await fetch(client, ["SHOP-6", "SHOP-7", "SHOP-8"])
    data = data_of(result)
    assert [issue["key"] for issue in data["issues"]] == ["SHOP-6", "SHOP-8"]
    # Moved away reads exactly like missing: the answer does not tell that SHOP-7 exists.
    assert data["not_found"] == ["SHOP-7"]
    assert data["denied"] == []
    assert moved.summary not in text_of(result)


@DEPLOYMENTS
async def test_unknown_field_is_refused_with_close_matches(connect: ClientFactory) -> None:
    """bulk_fetch resolves field names like search_jql and refuses unknown ones helpfully."""
    async with connect(jira_projects=SCOPE) as client:
        result = await fetch(client, ["SHOP-1"], fields=["Storypoints"])
    assert result.is_error
    assert "Story Points (customfield_10016)" in text_of(result)


@DEPLOYMENTS
async def test_more_than_1000_keys_are_refused(connect: ClientFactory) -> None:
    """The 1000-key limit is part of the schema: a longer list is refused."""
    async with connect(jira_projects=SCOPE) as client:
        result = await fetch(client, [f"SHOP-{n}" for n in range(1, 1002)])
    assert result.is_error


@DEPLOYMENTS
async def test_comments_read_as_blocks_and_hide_other_projects(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """Comments come as records under their row; a key outside the scope in one is hidden."""
    site = sandbox_app.state.site
    issue = site.find_issue("SHOP-1")
    author = issue.reporter or next(iter(site.users))
    moment = datetime(2026, 8, 9, 13, 22, tzinfo=UTC)
    body = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "Same as SEC-1, see OPS-1."}]}]}  # fmt: skip
    issue.comments.append(
        Comment(id="99001", author=author, body=body, created=moment, updated=moment)
    )
    async with connect(jira_projects=SCOPE) as client:
        result = await fetch(client, ["SHOP-1"], fields=["summary", "comment"])
    data = data_of(result)
    record = data["issues"][0]["comment"][-1]
    assert record["created"] == "2026-08-09T13:22:00Z"
    assert record["body"] == "Same as (outside scope), see OPS-1."
    lines = text_of(result).splitlines()
    assert lines[0] == "key|summary (then comment below each row)"
    assert lines[-1].endswith("9 Aug 2026 13:22 UTC: Same as (outside scope), see OPS-1.")
    assert "\\," not in text_of(result)
