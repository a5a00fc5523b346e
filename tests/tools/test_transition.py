"""transition through a real MCP client against the sandbox, counting upstream requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client

from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.seed import DONE, IN_PROGRESS, IN_REVIEW, TODO
from sandbox.site import Issue, Site, Transition
from server.adf import markdown_to_adf
from server.app import build_server
from server.wiki import markdown_to_wiki
from tests.gateway.fakes import FakeClock
from tests.tools.conftest import DEPLOYMENTS, on_site, text_of, tool_settings

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
TRANSITIONS_PATH = "/rest/api/3/issue/{}/transitions"
RESOLUTIONS = "Done, Won't Do, Duplicate, Cannot Reproduce"


@pytest.fixture
def counter(sandbox_app: Any) -> RequestRecorder:
    """The sandbox, with its requests counted."""
    return RequestRecorder(sandbox_app)


@pytest.fixture
def site(sandbox_app: Any) -> Site:
    """The sandbox's live data."""
    live: Site = sandbox_app.state.site
    return live


@asynccontextmanager
async def client_for(counter: RequestRecorder) -> AsyncIterator[Client]:
    """An MCP client to a server scoped to SHOP and OPS, talking to the counted sandbox and
    told the deployment it plays."""
    settings = tool_settings(jira_projects=SCOPE, jira_deployment=counter.state.deployment)
    server = build_server(settings, jira_app=counter)
    async with Client(server, raise_exceptions=False) as client:
        yield client


def first_issue(site: Site, project: str, status: str) -> Issue:
    """The first issue of a project in a status."""
    return next(i for i in site.issues() if i.project == project and i.status == status)


def snapshot(site: Site) -> list[dict[str, Any]]:
    """Every issue as plain data, to prove nothing was written."""
    return [i.model_dump() for i in site.issues()]


@DEPLOYMENTS
async def test_moves_to_a_status_named_in_any_case(counter: RequestRecorder, site: Site) -> None:
    """`to` names the target status case-insensitively; the issue moves and the result says so."""
    issue = first_issue(site, "SHOP", TODO)
    async with client_for(counter) as client:
        result = await client.call_tool("transition", {"key": issue.key, "to": "in progress"})
    assert not result.is_error, text_of(result)
    assert result.structured_content == {
        "key": issue.key,
        "from_status": "To Do",
        "to_status": "In Progress",
        "transition": "In Progress",
        "changed": True,
        "dry_run": False,
        "request": {},
        "missing_fields": [],
    }
    assert issue.status == IN_PROGRESS
    assert text_of(result) == f"{issue.key}: To Do -> In Progress (via In Progress)"


@DEPLOYMENTS
async def test_moves_by_transition_name(counter: RequestRecorder, site: Site) -> None:
    """A transition's own name is found when no status has that name."""
    site.data.transitions.append(Transition(id="51", name="Start work", to_status=IN_PROGRESS))
    issue = first_issue(site, "SHOP", TODO)
    async with client_for(counter) as client:
        result = await client.call_tool("transition", {"key": issue.key, "to": "START WORK"})
    assert not result.is_error, text_of(result)
    assert (result.structured_content or {})["transition"] == "Start work"
    assert issue.status == IN_PROGRESS


@DEPLOYMENTS
async def test_ambiguous_target_lists_the_transitions(counter: RequestRecorder, site: Site) -> None:
    """Two transitions to the same status: the answer names both and nothing moves."""
    site.data.transitions.append(Transition(id="51", name="Start work", to_status=IN_PROGRESS))
    issue = first_issue(site, "SHOP", TODO)
    async with client_for(counter) as client:
        result = await client.call_tool("transition", {"key": issue.key, "to": "In Progress"})
    assert result.is_error
    assert "Start work -> In Progress" in text_of(result)
    assert "In Progress -> In Progress" in text_of(result)
    assert counter.writes() == []


@DEPLOYMENTS
async def test_unavailable_target_lists_the_available_ones(
    counter: RequestRecorder, site: Site
) -> None:
    """A status the issue cannot reach answers with the transitions it can take."""
    issue = first_issue(site, "SHOP", TODO)
    async with client_for(counter) as client:
        result = await client.call_tool("transition", {"key": issue.key, "to": "Blocked"})
    assert result.is_error
    text = text_of(result)
    assert "Blocked" in text
    assert "In Progress -> In Progress" in text
    assert "Done -> Done" in text
    assert issue.status == TODO
    assert counter.writes() == []


@DEPLOYMENTS
async def test_done_without_resolution_lists_resolutions_and_writes_nothing(
    counter: RequestRecorder, site: Site
) -> None:
    """Done needs a resolution: the allowed ones are listed and nothing is written."""
    issue = first_issue(site, "SHOP", IN_PROGRESS)
    before = snapshot(site)
    async with client_for(counter) as client:
        result = await client.call_tool("transition", {"key": issue.key, "to": "Done"})
    assert result.is_error
    assert f"Resolution (resolution): {RESOLUTIONS}" in text_of(result)
    assert counter.writes() == []
    assert snapshot(site) == before


@DEPLOYMENTS
async def test_done_with_resolution_and_comment_in_one_request(
    counter: RequestRecorder, site: Site
) -> None:
    """Resolution by name and a Markdown comment (ADF on Cloud, wiki markup on Data Center)
    go with the transition, in one write."""
    issue = first_issue(site, "SHOP", IN_PROGRESS)
    comments_before = len(issue.comments)
    comment = "Closing: **not needed** after the `v2` launch."
    async with client_for(counter) as client:
        result = await client.call_tool(
            "transition",
            {"key": issue.key, "to": "done", "resolution": "won't do", "comment": comment},
        )
    assert not result.is_error, text_of(result)
    assert issue.status == DONE
    assert site.resolutions[issue.resolution or ""].name == "Won't Do"
    assert len(issue.comments) == comments_before + 1
    datacenter = counter.state.deployment == "datacenter"
    rich_text = markdown_to_wiki if datacenter else markdown_to_adf
    assert issue.comments[-1].body == rich_text(comment)
    endpoint = on_site(TRANSITIONS_PATH.format(issue.key), counter.state.deployment)
    assert counter.writes() == ["POST " + endpoint]


@DEPLOYMENTS
async def test_screen_fields_by_name(counter: RequestRecorder, site: Site) -> None:
    """A screen field given by name in `fields`, with its value by name, is set."""
    issue = first_issue(site, "OPS", IN_PROGRESS)
    async with client_for(counter) as client:
        result = await client.call_tool(
            "transition", {"key": issue.key, "to": "Done", "fields": {"Resolution": "duplicate"}}
        )
    assert not result.is_error, text_of(result)
    assert site.resolutions[issue.resolution or ""].name == "Duplicate"


@DEPLOYMENTS
async def test_unknown_resolution_lists_the_choices(counter: RequestRecorder, site: Site) -> None:
    """A resolution that does not exist answers with the allowed ones."""
    issue = first_issue(site, "SHOP", IN_PROGRESS)
    async with client_for(counter) as client:
        result = await client.call_tool(
            "transition", {"key": issue.key, "to": "Done", "resolution": "Fixed"}
        )
    assert result.is_error
    assert RESOLUTIONS in text_of(result)
    assert issue.status == IN_PROGRESS


@DEPLOYMENTS
async def test_comment_without_a_comment_screen_is_refused(
    counter: RequestRecorder, site: Site
) -> None:
    """A comment on a transition without a screen is refused before any write."""
    issue = first_issue(site, "SHOP", TODO)
    async with client_for(counter) as client:
        result = await client.call_tool(
            "transition", {"key": issue.key, "to": "In Progress", "comment": "Starting"}
        )
    assert result.is_error
    assert "no comment field" in text_of(result)
    assert counter.writes() == []


@DEPLOYMENTS
async def test_already_in_the_status_is_a_success_without_a_write(
    counter: RequestRecorder, site: Site
) -> None:
    """Asking for the status the issue is in succeeds, says so, and writes nothing."""
    issue = first_issue(site, "SHOP", DONE)
    async with client_for(counter) as client:
        result = await client.call_tool("transition", {"key": issue.key, "to": "DONE"})
    assert not result.is_error, text_of(result)
    out = result.structured_content or {}
    assert (out["changed"], out["from_status"], out["to_status"]) == (False, "Done", "Done")
    assert "already in Done" in text_of(result)
    assert counter.writes() == []


@DEPLOYMENTS
async def test_dry_run_shows_the_request_and_writes_nothing(
    counter: RequestRecorder, site: Site
) -> None:
    """dry_run returns the request as this site would be sent it (and what is missing) and
    changes nothing."""
    issue = first_issue(site, "SHOP", IN_PROGRESS)
    before = snapshot(site)
    async with client_for(counter) as client:
        full = await client.call_tool(
            "transition",
            {"key": issue.key, "to": "Done", "resolution": "Done", "dry_run": True},
        )
        bare = await client.call_tool(
            "transition", {"key": issue.key, "to": "Done", "dry_run": True}
        )
    assert not full.is_error, text_of(full)
    out = full.structured_content or {}
    assert out["request"] == {
        "method": "POST",
        "path": on_site(TRANSITIONS_PATH.format(issue.key), counter.state.deployment),
        "body": {"transition": {"id": "41"}, "fields": {"resolution": {"id": "10000"}}},
    }
    assert (out["dry_run"], out["changed"], out["missing_fields"]) == (True, False, [])
    assert (bare.structured_content or {})["missing_fields"] == [
        f"Resolution (resolution): {RESOLUTIONS}"
    ]
    assert counter.writes() == []
    assert snapshot(site) == before


@DEPLOYMENTS
async def test_forbidden_issue_is_refused_before_any_request(
    counter: RequestRecorder, site: Site
) -> None:
    """SEC-1 is outside the scope: refused with no request to Jira and SEC unchanged."""
    before = snapshot(site)
    async with client_for(counter) as client:
        result = await client.call_tool(
            "transition", {"key": "SEC-1", "to": "Done", "resolution": "Done"}
        )
    assert result.is_error
    assert "outside the allowed projects" in text_of(result)
    assert counter.requests == []
    assert snapshot(site) == before


@DEPLOYMENTS
async def test_upstream_requests_per_transition(counter: RequestRecorder, site: Site) -> None:
    """Two requests, screen or not, on Cloud and Data Center alike: one read carries status,
    project and the transitions with their screen fields, then the transition itself."""
    todo = first_issue(site, "SHOP", TODO)
    doing = first_issue(site, "OPS", IN_PROGRESS)
    async with client_for(counter) as client:
        counter.take()
        await client.call_tool("transition", {"key": todo.key, "to": "In Progress"})
        plain = counter.take()
        await client.call_tool("transition", {"key": doing.key, "to": "Done", "resolution": "Done"})
        screened = counter.take()
    assert len(plain) == 2, plain
    assert len(screened) == 2, screened
    endpoint = on_site(TRANSITIONS_PATH.format(doing.key), counter.state.deployment)
    assert sum(1 for request in screened if request.endswith(f" {endpoint}")) == 1, screened
    assert (todo.status, doing.status) == (IN_PROGRESS, DONE)


async def _move_all(sandbox_app: Any, issues: list[Any], faults: Any) -> list[tuple[bool, bool]]:
    """(reported failed, really moved) for each issue sent to In Review, one seed each."""
    settings = tool_settings(jira_projects=SCOPE, jira_deployment=sandbox_app.state.deployment)
    server = build_server(settings, jira_app=sandbox_app, clock=FakeClock())
    outcomes = []
    async with Client(server, raise_exceptions=False) as client:
        for seed, issue in enumerate(issues):
            faults.seed = seed
            result = await client.call_tool("transition", {"key": issue.key, "to": "In Review"})
            outcomes.append((result.is_error, issue.status == IN_REVIEW))
    return outcomes


@DEPLOYMENTS
async def test_lost_answers_are_settled_by_reading_the_status(
    sandbox_config: SandboxConfig, sandbox_app: Any, site: Site
) -> None:
    """503s after the write: every move happened, and every one is reported as done."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), True
    issues = [i for i in site.issues() if i.project == "SHOP" and i.status == TODO][:20]
    outcomes = await _move_all(sandbox_app, issues, faults)
    assert outcomes == [(False, True)] * 20
    assert sandbox_config.counters.injected_errors > 0


@DEPLOYMENTS
async def test_reported_failures_did_not_happen(
    sandbox_config: SandboxConfig, sandbox_app: Any, site: Site
) -> None:
    """503s before the write, often: some moves fail, and none reported failed happened."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.8, (503,), False
    issues = [i for i in site.issues() if i.project == "SHOP" and i.status == TODO][:20]
    outcomes = await _move_all(sandbox_app, issues, faults)
    assert any(failed for failed, _ in outcomes)
    assert all(moved for failed, moved in outcomes if not failed)
    assert not any(moved for failed, moved in outcomes if failed)
