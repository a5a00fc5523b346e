"""sprint_progress through a real MCP client against the sandbox, checked against its data."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from mcp import Client

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.site import Issue, Site
from server.app import build_server
from server.gateway.meta import Deployment
from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, on_site, text_of, tool_settings

pytestmark = pytest.mark.anyio

SCOPE = ("SHOP", "OPS")
ACTIVE_SHOP_SPRINT = 5
CLOSED_SHOP_SPRINT = 4
SEC_SPRINT = 8
SEC_BOARD = 3
PAGE = 50  # the Agile sprint-issue endpoint answers at most 50 issues a page


def sprint_issues(site: Site, sprint_id: int, allowed: tuple[str, ...] = SCOPE) -> list[Issue]:
    return [i for i in site.issues() if sprint_id in i.sprints and i.project in allowed]


def expected_figures(
    site: Site, sprint_id: int, allowed: tuple[str, ...] = SCOPE
) -> dict[str, Any]:
    """The sprint's figures computed directly from the sandbox's data."""
    issues = sprint_issues(site, sprint_id, allowed)
    estimates = site.boards[site.sprints[sprint_id].board_id].estimation_field is not None

    def done(i: Issue) -> bool:
        return site.category_of(i).key == "done"

    def points(items: list[Issue]) -> float:
        return float(sum(i.story_points or 0 for i in items)) if estimates else 0.0

    total, done_points = points(issues), points([i for i in issues if done(i)])
    done_count = sum(1 for i in issues if done(i))
    if estimates and total > 0:
        percent = round(100 * done_points / total, 1)
    else:
        percent = round(100 * done_count / len(issues), 1) if issues else 0.0
    people: dict[str | None, list[Issue]] = {}
    for issue in issues:
        people.setdefault(issue.assignee, []).append(issue)
    return {
        "issues": len(issues),
        "done": done_count,
        "categories": Counter(site.category_of(i).name for i in issues),
        "category_points": {
            name: points([i for i in issues if site.category_of(i).name == name])
            for name in {site.category_of(i).name for i in issues}
        },
        "points": (total, done_points, total - done_points) if estimates else None,
        "percent": percent,
        "assignees": {
            acc: (len(mine), points(mine), points([i for i in mine if done(i)]))
            for acc, mine in people.items()
        },
        "flagged": {i.key: i.summary for i in issues if i.flagged},
        # Data Center names a user by username where Cloud has an accountId.
        "account_ids": {u.username: u.account_id for u in site.data.users},
    }


def assert_matches(result: dict[str, Any], want: dict[str, Any]) -> None:
    assert result["issues"] == want["issues"]
    assert result["done"] == want["done"]
    assert result["by_category"] == want["categories"]
    assert result["percent_done"] == want["percent"]
    if want["points"] is None:
        assert result["points"] is None
    else:
        p = result["points"]
        assert (p["total"], p["done"], p["remaining"]) == want["points"]
        assert p["by_category"] == want["category_points"]
    ids = want["account_ids"]
    got_people = {
        ids.get(a["account_id"], a["account_id"]): (a["issues"], a["points"], a["done_points"])
        for a in result["by_assignee"]
    }
    assert got_people == want["assignees"]
    assert result["blocked"] == want["flagged"]
    assert result["blocked_total"] == len(want["flagged"])


@DEPLOYMENTS
async def test_default_is_the_active_sprint_of_the_first_projects_board(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """With SHOP the only allowed project, no arguments report its active sprint, exactly."""
    site = site_of(sandbox_app)
    async with connect(jira_projects="SHOP") as client:
        result = await client.call_tool("sprint_progress", {})
    assert not result.is_error, text_of(result)
    data = result.structured_content
    assert data is not None
    sprint = site.sprints[ACTIVE_SHOP_SPRINT]
    assert data["sprint"]["id"] == sprint.id
    assert data["sprint"]["name"] == sprint.name
    assert data["sprint"]["state"] == "active"
    assert data["sprint"]["goal"] == sprint.goal
    assert sprint.end is not None
    days = (sprint.end.astimezone(UTC).date() - datetime.now(UTC).date()).days
    assert data["sprint"]["days_left"] == max(0, days)
    assert data["percent_basis"] == "points"
    assert_matches(data, expected_figures(site, ACTIVE_SHOP_SPRINT))


@DEPLOYMENTS
async def test_sprint_with_more_than_one_page_is_read_whole(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """The active sprint has more issues than one page holds; all of them are counted."""
    site = site_of(sandbox_app)
    assert len(sprint_issues(site, ACTIVE_SHOP_SPRINT)) > PAGE
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"project": "shop"})
    assert result.structured_content is not None
    assert result.structured_content["issues"] == len(sprint_issues(site, ACTIVE_SHOP_SPRINT))


@DEPLOYMENTS
async def test_closed_sprint_by_id_has_exact_figures_and_no_days_left(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """A closed sprint given by id is reported as closed, with zero days left."""
    site = site_of(sandbox_app)
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"sprint_id": CLOSED_SHOP_SPRINT})
    data = result.structured_content
    assert data is not None
    assert data["sprint"]["state"] == "closed"
    assert data["sprint"]["days_left"] == 0
    assert_matches(data, expected_figures(site, CLOSED_SHOP_SPRINT))


@DEPLOYMENTS
async def test_board_without_estimation_reports_percent_by_issue_count(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """When the board does not estimate, there are no points and percent is by issue count."""
    site = site_of(sandbox_app)
    site.boards[1].estimation_field = None
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"board_id": 1})
    data = result.structured_content
    assert data is not None
    assert data["percent_basis"] == "issues"
    assert_matches(data, expected_figures(site, ACTIVE_SHOP_SPRINT))
    assert "points" not in text_of(result)


@DEPLOYMENTS
async def test_text_is_compact_with_header_tables_and_blocked_list(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """The text names the sprint, days left and percent, then small tables, under 2 KB."""
    site = site_of(sandbox_app)
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"project": "SHOP"})
    text = text_of(result)
    assert len(text.encode()) <= 2048, len(text.encode())
    lines = text.splitlines()
    assert site.sprints[ACTIVE_SHOP_SPRINT].name in lines[0]
    assert "days left" in lines[0]
    assert "% done by points" in text
    assert "category|issues|points" in lines
    assert "assignee|issues|done|points|done_points" in lines
    for key in expected_figures(site, ACTIVE_SHOP_SPRINT)["flagged"]:
        assert any(line.startswith(f"{key}|") for line in lines)
    assert "{" not in text


@DEPLOYMENTS
async def test_upstream_requests_stay_within_two_plus_pages(
    sandbox_app: Any, deployment: Deployment
) -> None:
    """By project: board list, configuration and the pages of the board's active-sprint
    issues (2 + pages) on the first call, where Jira sends the Agile API's `flagged`; the
    configuration is cached."""
    counter = RequestRecorder(sandbox_app)
    pages = math.ceil(len(sprint_issues(site_of(sandbox_app), ACTIVE_SHOP_SPRINT)) / PAGE)
    server = build_server(
        tool_settings(jira_projects="SHOP,OPS", jira_deployment=deployment), jira_app=counter
    )
    async with Client(server, raise_exceptions=False) as client:
        counter.take()
        await client.call_tool("sprint_progress", {"project": "SHOP"})
        first = counter.take()
        await client.call_tool("sprint_progress", {"project": "SHOP"})
        later = counter.take()
        await client.call_tool("sprint_progress", {"sprint_id": ACTIVE_SHOP_SPRINT})
        by_id = counter.take()
    issue_pages = "GET /rest/agile/1.0/board/1/issue"
    assert first.count(issue_pages) == pages
    assert first.count(on_site("GET /rest/api/3/field", deployment)) == 0
    assert len(first) == 2 + pages, first
    assert len(later) == 1 + pages, later
    assert len(by_id) <= 2 + pages, by_id


@DEPLOYMENTS
async def test_without_the_agile_flag_the_catalogue_is_read_once(deployment: Deployment) -> None:
    """A site that leaves out `flagged`: one catalogue read and the first page read again
    with the Flagged field, on the first call only."""
    app = create_app(SandboxConfig(rate_limit=None, agile_flagged=False, deployment=deployment))
    counter = RequestRecorder(app)
    pages = math.ceil(len(sprint_issues(site_of(app), ACTIVE_SHOP_SPRINT)) / PAGE)
    server = build_server(
        tool_settings(jira_projects="SHOP,OPS", jira_deployment=deployment), jira_app=counter
    )
    async with Client(server, raise_exceptions=False) as client:
        counter.take()
        await client.call_tool("sprint_progress", {"project": "SHOP"})
        first = counter.take()
        await client.call_tool("sprint_progress", {"project": "SHOP"})
        later = counter.take()
    assert first.count(on_site("GET /rest/api/3/field", deployment)) == 1
    assert len(first) == 4 + pages, first
    assert len(later) == 2 + pages, later


@DEPLOYMENTS
async def test_sprint_id_first_call_costs_at_most_four_plus_pages(
    sandbox_app: Any, deployment: Deployment
) -> None:
    """A sprint id on a fresh server: sprint, board scope check, configuration, catalogue, pages."""
    counter = RequestRecorder(sandbox_app)
    pages = math.ceil(len(sprint_issues(site_of(sandbox_app), CLOSED_SHOP_SPRINT)) / PAGE)
    server = build_server(
        tool_settings(jira_projects="SHOP,OPS", jira_deployment=deployment), jira_app=counter
    )
    async with Client(server, raise_exceptions=False) as client:
        counter.take()
        result = await client.call_tool("sprint_progress", {"sprint_id": CLOSED_SHOP_SPRINT})
        first = counter.take()
    assert not result.is_error
    assert len(first) <= 4 + pages, first


@DEPLOYMENTS
@pytest.mark.parametrize(
    "arguments",
    [
        {"sprint_id": SEC_SPRINT},
        {"board_id": SEC_BOARD},
        {"project": "SEC"},
        {"project": "sec"},
        {"board_id": SEC_BOARD, "project": "SHOP"},
    ],
)
async def test_sec_sprint_or_board_is_refused_without_sec_data(
    connect: ClientFactory, sandbox_app: Any, arguments: dict[str, Any]
) -> None:
    """A sprint, board or project of SEC is refused and nothing of SEC shows in the answer."""
    site = site_of(sandbox_app)
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", arguments)
    assert result.is_error
    text = text_of(result)
    assert "outside the allowed projects" in text
    assert "SEC-" not in text
    sec_sprint = site.sprints[SEC_SPRINT]
    assert sec_sprint.name not in text
    assert sec_sprint.goal not in text
    assert site.boards[SEC_BOARD].name not in text


@DEPLOYMENTS
async def test_sec_issue_put_in_a_shop_sprint_is_not_counted(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """An SEC issue moved into the SHOP sprint stays out of every figure and the text."""
    site = site_of(sandbox_app)
    intruder = next(i for i in site.issues() if i.project == "SEC" and not i.sprints)
    intruder.sprints = [ACTIVE_SHOP_SPRINT]
    intruder.flagged = True
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"project": "SHOP"})
    assert result.structured_content is not None
    assert_matches(result.structured_content, expected_figures(site, ACTIVE_SHOP_SPRINT))
    assert "SEC-" not in text_of(result)
    assert intruder.summary not in str(result.structured_content)


@DEPLOYMENTS
async def test_kanban_project_and_board_explain_there_are_no_sprints(
    connect: ClientFactory,
) -> None:
    """OPS (kanban) has no sprints: the error says so and what to pass instead."""
    async with connect(jira_projects="SHOP,OPS") as client:
        by_project = await client.call_tool("sprint_progress", {"project": "OPS"})
        by_board = await client.call_tool("sprint_progress", {"board_id": 2})
    assert by_project.is_error
    assert "no scrum board" in text_of(by_project)
    assert by_board.is_error
    assert "kanban" in text_of(by_board)


@DEPLOYMENTS
async def test_without_a_scope_a_project_must_be_named(connect: ClientFactory) -> None:
    """With no allowed-project list there is no default project; the error lists them."""
    async with connect() as client:
        result = await client.call_tool("sprint_progress", {})
    assert result.is_error
    text = text_of(result)
    assert "Name the project" in text
    assert "board_id or sprint_id" in text
    assert "Projects: SHOP (Webshop), OPS (Operations), SEC (Security Incidents)." in text


@DEPLOYMENTS
async def test_with_several_allowed_projects_the_choices_are_listed(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """SHOP and OPS allowed and no project named: the allowed ones are listed, SEC is not."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {})
    assert result.is_error
    text = text_of(result)
    assert text.endswith("Projects: SHOP (Webshop), OPS (Operations).")
    assert "SEC" not in text
    assert sandbox_config.counters.requests == 1


@DEPLOYMENTS
async def test_future_sprint_has_no_dates_and_nothing_done(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """A future sprint has no dates or days left, and its figures are still exact."""
    site = site_of(sandbox_app)
    future = next(s for s in site.data.sprints if s.state == "future" and s.board_id == 1)
    async with connect(jira_projects="SHOP") as client:
        result = await client.call_tool("sprint_progress", {"sprint_id": future.id})
    data = result.structured_content
    assert data is not None
    assert data["sprint"]["start"] is None
    assert data["sprint"]["days_left"] is None
    assert_matches(data, expected_figures(site, future.id))


@DEPLOYMENTS
async def test_is_announced_read_only_and_idempotent(connect: ClientFactory) -> None:
    """The tool's annotations say it only reads and may be repeated."""
    async with connect(jira_projects="SHOP,OPS") as client:
        listed = await client.list_tools()
    tool = next(t for t in listed.tools if t.name == "sprint_progress")
    assert tool.annotations is not None
    assert tool.annotations.read_only_hint is True
    assert tool.annotations.destructive_hint is False
    assert tool.annotations.idempotent_hint is True


@DEPLOYMENTS
@pytest.mark.parametrize("arguments", [{"sprint_id": -1}, {"project": "SHOP OR 1=1"}])
async def test_malformed_arguments_are_refused(
    connect: ClientFactory, arguments: dict[str, Any]
) -> None:
    """A negative id or a project that is not a project key is refused."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", arguments)
    assert result.is_error


@DEPLOYMENTS
async def test_unknown_sprint_is_an_error_the_model_can_read(connect: ClientFactory) -> None:
    """A sprint id that does not exist fails with Jira's reason, not a crash."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"sprint_id": 999})
    assert result.is_error
    assert "999" in text_of(result)


@DEPLOYMENTS
@pytest.mark.parametrize("agile_flagged", [False, True])
async def test_flagged_field_is_found_by_name_on_a_site_that_numbers_it_otherwise(
    agile_flagged: bool, deployment: Deployment
) -> None:
    """Flagged as customfield_10077: blocked issues come from it, or from Agile's `flagged`."""
    config = SandboxConfig(
        rate_limit=None,
        flagged_field="customfield_10077",
        agile_flagged=agile_flagged,
        deployment=deployment,
    )
    app = create_app(config)
    want = expected_figures(site_of(app), ACTIVE_SHOP_SPRINT)["flagged"]
    server = build_server(
        tool_settings(jira_projects="SHOP,OPS", jira_deployment=deployment), jira_app=app
    )
    async with Client(server, raise_exceptions=False) as client:
        result = await client.call_tool("sprint_progress", {"project": "SHOP"})
    data = result.structured_content
    assert data is not None, text_of(result)
    assert want
    assert (data["blocked"], data["blocked_total"]) == (want, len(want))
