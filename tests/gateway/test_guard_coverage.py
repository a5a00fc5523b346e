"""Every request the gateway can send passes the scope guard: checked method by method."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from server.config import Settings
from server.errors import JiraError
from server.gateway import JiraGateway
from server.gateway.agile import AgileApi
from server.gateway.attachments import AttachmentsApi
from server.gateway.guard import tool_call
from server.gateway.issues import IssuesApi
from server.gateway.meta import Deployment, MetaApi

pytestmark = pytest.mark.anyio

Call = Callable[[JiraGateway], Awaitable[Any]]
DOC = {"type": "doc", "version": 1, "content": []}


async def _all_pages(gateway: JiraGateway) -> None:
    async for _ in gateway.search_all("status = Done", fields=("summary",)):
        pass


async def _listed_then_content(gateway: JiraGateway) -> None:
    # Content is only fetched for an attachment listed on an issue read in the same call.
    with tool_call():
        await gateway.attachments.listed("SHOP-1")
        await gateway.attachments.content("30001", max_bytes=1_000_000)


# One call per public method that talks to Jira; a new method must be added here.
CALLS: dict[str, Call] = {
    "search_page": lambda g: g.search_page("project = SHOP", fields=("summary",)),
    # A dry run's request as the site would be sent it: rewritten, never sent.
    "search_all": _all_pages,
    "approximate_count": lambda g: g.approximate_count("project = SHOP"),
    "parse_jql": lambda g: g.parse_jql(["status = Done"]),
    "check_names": lambda g: g.check_names('status = "In Progres"'),
    "bulk_fetch": lambda g: g.bulk_fetch(["SHOP-1", "SEC-1", "SHOP-2"], fields=("summary",)),
    "get_issue": lambda g: g.get_issue("SHOP-1"),
    "create_issue": lambda g: g.create_issue(
        {"fields": {"project": {"key": "SHOP"}, "issuetype": {"id": "10001"}, "summary": "x"}}
    ),
    "preflight": lambda g: g.preflight("PUT", "/rest/api/3/issue/SHOP-1", {"fields": {}}),
    "as_sent": lambda g: g.as_sent("PUT", "/rest/api/3/issue/SHOP-1", {}),
    "get_issue_property": lambda g: g.get_issue_property("SHOP-1", "absent.property"),
    "transitions": lambda g: g.transitions("SHOP-1"),
    "do_transition": lambda g: g.do_transition("SHOP-1", {"transition": {"id": "999"}}),
    "add_comment": lambda g: g.add_comment("SHOP-1", {"type": "doc", "version": 1, "content": []}),
    "meta.server_info": lambda g: g.meta.server_info(),
    "meta.deployment": lambda g: g.meta.deployment(),
    "meta.myself": lambda g: g.meta.myself(),
    "meta.my_groups": lambda g: g.meta.my_groups(),
    "meta.fields": lambda g: g.meta.fields(),
    "meta.createmeta_issuetypes": lambda g: g.meta.createmeta_issuetypes("SHOP"),
    "meta.createmeta_fields": lambda g: g.meta.createmeta_fields("SHOP", "10001"),
    "meta.search_users": lambda g: g.meta.search_users("a"),
    "meta.priorities": lambda g: g.meta.priorities(),
    "meta.statuses": lambda g: g.meta.statuses(),
    "meta.issuetypes": lambda g: g.meta.issuetypes(),
    "meta.resolutions": lambda g: g.meta.resolutions(),
    "meta.project": lambda g: g.meta.project("SHOP"),
    "meta.projects": lambda g: g.meta.projects(),
    "meta.project_statuses": lambda g: g.meta.project_statuses("SHOP"),
    "attachments.listed": lambda g: g.attachments.listed("SHOP-1"),
    "attachments.content": _listed_then_content,
    "attachments.upload_once": lambda g: g.attachments.upload_once(
        "SHOP-1", "notes.txt", b"x", "text/plain"
    ),
    "agile.boards": lambda g: g.agile.boards("SHOP"),
    "agile.known_boards": lambda g: g.agile.known_boards(None),
    "agile.board": lambda g: g.agile.board(1),
    "agile.board_config": lambda g: g.agile.board_config(1),
    "agile.sprints": lambda g: g.agile.sprints(1, "active,closed"),
    "agile.sprint": lambda g: g.agile.sprint(5),
    "agile.sprint_issues_page": lambda g: g.agile.sprint_issues_page(5, ("summary",), 0),
    "agile.board_issues_page": lambda g: g.agile.board_issues_page(
        1, ("summary",), 0, "status = Done"
    ),
    "issues.read": lambda g: g.issues.read("SHOP-30", fields=["issuelinks", "subtasks"]),
    "issues.comments_page": lambda g: g.issues.comments_page("SHOP-30", max_results=5),
    "issues.post_comment": lambda g: g.issues.post_comment("SHOP-1", DOC),
    "issues.changelog_page": lambda g: g.issues.changelog_page("SHOP-30"),
    "issues.newest_changes": lambda g: g.issues.newest_changes("SHOP-30", 5),
    "issues.editmeta": lambda g: g.issues.editmeta("SHOP-1", project="SHOP", issuetype="10001"),
    "issues.edit_issue": lambda g: g.issues.edit_issue("SHOP-1", {"fields": {"summary": "x"}}),
    "issues.link_types": lambda g: g.issues.link_types(),
    "issues.create_link": lambda g: g.issues.create_link("Blocks", "SHOP-1", "SEC-1"),
    "issues.link": lambda g: g.issues.link("20001"),
    "issues.move_to_sprint": lambda g: g.issues.move_to_sprint(6, ["SHOP-1", "SEC-1"]),
    "issues.move_to_backlog": lambda g: g.issues.move_to_backlog(["SHOP-1"]),
    "issues.project_roles": lambda g: g.issues.project_roles("SHOP"),
}


def public_methods() -> set[str]:
    """The coroutine methods of the gateway and its parts, by dotted name."""
    found = set()
    parts = (
        ("", JiraGateway),
        ("meta.", MetaApi),
        ("agile.", AgileApi),
        ("attachments.", AttachmentsApi),
        ("issues.", IssuesApi),
    )
    for prefix, cls in parts:
        for name, member in inspect.getmembers(cls):
            if name.startswith("_") or name == "open":
                continue
            if inspect.iscoroutinefunction(member) or inspect.isasyncgenfunction(member):
                found.add(prefix + name)
    return found


def test_every_public_method_is_exercised() -> None:
    """The table below covers every method that can reach Jira (none is forgotten)."""
    assert public_methods() == set(CALLS)


# The methods whose endpoints differ on Data Center (POST /rest/api/2/search instead).
DATACENTER_CALLS = ("search_page", "search_all", "approximate_count", "bulk_fetch")


async def _sent(
    name: str, projects: str, deployment: Deployment = "cloud"
) -> tuple[list[str], Any]:
    """What ``CALLS[name]`` sent to a sandbox of that deployment (the gateway detects it
    from serverInfo), and what the guard checked."""
    config = SandboxConfig(rate_limit=None, deployment=deployment)
    recorder = RequestRecorder(create_app(config))
    settings = Settings.model_validate(
        {
            "jira_url": "sandbox",
            "jira_projects": projects,
            "jira_rate_limit": 1000,
        }
    )
    async with JiraGateway.open(settings, asgi_app=recorder) as gateway:
        # A refusal or Jira's error is fine: what was sent is what is checked.
        with contextlib.suppress(JiraError):
            await CALLS[name](gateway)
        checked = gateway.http.guard.checked
    return list(recorder.requests), checked


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("projects", ["", "SHOP,OPS"])
async def test_every_request_passed_the_guard(name: str, projects: str) -> None:
    """Whatever the method sends reached the wire only after the guard checked it."""
    requests, checked = await _sent(name, projects)
    # A dry run's request shown without a check, or checked without a scope, reads nothing.
    if name != "as_sent" and (name, projects) != ("preflight", ""):
        assert requests, f"{name} sent nothing, so it proves nothing"
    # The media host's download is the second leg of a checked attachment request, not a
    # Jira endpoint (server.gateway.redirects decides where it may go).
    unchecked = [
        request
        for request in requests
        if checked[request] < 1 and not request.startswith("GET /file/")
    ]
    assert not unchecked, f"{name} sent requests the guard never saw: {unchecked}"


@pytest.mark.parametrize("name", DATACENTER_CALLS)
@pytest.mark.parametrize("projects", ["", "SHOP,OPS"])
async def test_data_center_searches_passed_the_guard(name: str, projects: str) -> None:
    """On Data Center the same methods search through v2, and the guard saw every request."""
    requests, checked = await _sent(name, projects, "datacenter")
    assert "POST /rest/api/2/search" in requests
    unchecked = [request for request in requests if checked[request] < 1]
    assert not unchecked, f"{name} sent requests the guard never saw: {unchecked}"
