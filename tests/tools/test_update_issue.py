"""update_issue through a real MCP client: names to ids, one write, the edit screen checked
first, labels without a race, sprints, and nothing written outside the scope."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.recorder import RequestRecorder
from sandbox.records import adf_text
from sandbox.seed import STORY
from sandbox.site import Issue, Site
from server.gateway.meta import Deployment
from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, on_site, text_of

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
FIVE = {
    "summary": "Checkout: one page instead of three",
    "priority": "high",
    "add_labels": ["checkout"],
    "due_date": "2026-12-24",
    "description": "## Goal\n\nOne page. **No** surprises.",
}


@pytest.fixture
def sandbox_app(sandbox_app: Any) -> RequestRecorder:
    """The sandbox behind a recorder, to count the requests each call sends."""
    return RequestRecorder(sandbox_app)


def story(site: Site, n: int = 0) -> Issue:
    """The n-th SHOP story that is in no sprint and has no parent."""
    found = [
        i
        for i in site.issues()
        if i.project == "SHOP" and i.issuetype == STORY and not i.sprints and i.parent is None
    ]
    return found[n]


@DEPLOYMENTS
async def test_five_fields_in_one_write(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """Summary, priority, a label, due date and description: one PUT; the edit screen is
    read once per project and type, so a second story costs one read and the write."""
    site = site_of(sandbox_app)
    first, second = story(site, 0), story(site, 1)
    first.labels = ["ux"]
    async with connect(jira_projects=SCOPE) as client:
        sandbox_app.take()
        result = await client.call_tool("update_issue", {"key": first.key, **FIVE})
        cold = sandbox_app.take()
        await client.call_tool("update_issue", {"key": second.key, **FIVE})
        warm = sandbox_app.take()
    assert not result.is_error, text_of(result)
    assert first.summary == FIVE["summary"]
    assert site.priorities[first.priority].name == "High"
    assert first.labels == ["checkout", "ux"]
    assert first.duedate == "2026-12-24"
    if deployment == "datacenter":
        assert first.description == "h2. Goal\n\nOne page. *No* surprises."
    else:
        assert adf_text(first.description).startswith("Goal One page.")
    changed = result.structured_content["changed"]
    assert changed["Priority"] == "High"
    assert changed["Labels"] == ["+checkout"]
    put, get = (on_site(f"{verb} /rest/api/3/issue/{{}}", deployment) for verb in ("PUT", "GET"))
    assert [r for r in cold if not r.startswith("GET ")] == [put.format(first.key)]
    assert len(cold) == 3, cold
    assert warm == [get.format(second.key), put.format(second.key)]


@DEPLOYMENTS
async def test_labels_are_added_and_removed_without_losing_others(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """add_labels/remove_labels use Jira's update operations: a label added by someone else
    after the issue was read survives."""
    site = site_of(sandbox_app)
    issue = story(site)
    issue.labels = ["ux", "seo"]
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "update_issue",
            {"key": issue.key, "add_labels": ["mobile"], "remove_labels": ["seo"], "dry_run": True},
        )
        body = result.structured_content["request"]["body"]
        issue.labels = [*issue.labels, "a11y"]  # someone else, meanwhile
        await client.call_tool(
            "update_issue", {"key": issue.key, "add_labels": ["mobile"], "remove_labels": ["seo"]}
        )
    assert body == {"update": {"labels": [{"add": "mobile"}, {"remove": "seo"}]}}
    assert issue.labels == ["a11y", "mobile", "ux"]


@DEPLOYMENTS
async def test_a_field_off_the_edit_screen_writes_nothing(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """Customer Reference is not on a story's screen: refused with the fields that are, and
    the summary asked in the same call is not written either."""
    site = site_of(sandbox_app)
    issue = story(site)
    before = issue.model_dump_json()
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "update_issue",
            {"key": issue.key, "summary": "new", "fields": {"Customer Reference": "CS-1"}},
        )
    assert result.is_error
    assert "not on the edit screen" in text_of(result)
    assert "Story Points" in text_of(result)
    assert issue.model_dump_json() == before
    assert not sandbox_app.writes()


@DEPLOYMENTS
@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        ({"priority": "Urgentest"}, "Highest, High, Medium, Low, Lowest"),
        ({"assignee": "Jo"}, "Alice Johnson"),
        ({"components": ["Checkout", "Warehouse"]}, "Frontend, Checkout"),
        ({"due_date": "24.12.2026"}, "like 2026-12-31"),
        ({"sprint": "1"}, "is closed"),
        ({"sprint": "Sprint 99"}, "SHOP Sprint 6"),
        ({"labels": ["a"], "add_labels": ["b"]}, "not both"),
        ({}, "Nothing to update"),
    ],
)
async def test_wrong_names_answer_with_the_choices_and_write_nothing(
    connect: ClientFactory, sandbox_app: RequestRecorder, arguments: dict[str, Any], said: str
) -> None:
    """Unknown or ambiguous names, a bad date, a closed or unknown sprint: the choices, no write."""
    issue = story(site_of(sandbox_app))
    before = issue.model_dump_json()
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("update_issue", {"key": issue.key, **arguments})
    assert result.is_error
    assert said in text_of(result)
    assert issue.model_dump_json() == before
    assert not sandbox_app.writes()


@DEPLOYMENTS
async def test_assignee_by_email_name_me_and_none(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """Email, display name and me resolve to account ids; none unassigns."""
    site = site_of(sandbox_app)
    issue = story(site)
    by_email = {u.email: u.account_id for u in site.data.users}
    seen = []
    async with connect(jira_projects=SCOPE) as client:
        for who in ("bob.smith@example.com", "Alice Johnson", "me", "none"):
            result = await client.call_tool("update_issue", {"key": issue.key, "assignee": who})
            assert not result.is_error, text_of(result)
            seen.append(issue.assignee)
    demo = site.data.users[0].account_id
    alice = next(u.account_id for u in site.data.users if u.display_name == "Alice Johnson")
    assert seen == [by_email["bob.smith@example.com"], alice, demo, None]


@DEPLOYMENTS
async def test_sprint_by_name_then_backlog(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """A future sprint by name goes in the PUT (Sprint is on the screen); backlog uses the
    Agile API and takes the issue out again."""
    issue = story(site_of(sandbox_app))
    async with connect(jira_projects=SCOPE) as client:
        into = await client.call_tool("update_issue", {"key": issue.key, "sprint": "shop sprint 6"})
        assert issue.sprints == [6]
        sandbox_app.take()
        out = await client.call_tool("update_issue", {"key": issue.key, "sprint": "backlog"})
    assert not into.is_error, text_of(into)
    assert into.structured_content["changed"] == {"Sprint": "SHOP Sprint 6"}
    assert not out.is_error, text_of(out)
    assert issue.sprints == []
    assert "POST /rest/agile/1.0/backlog/issue" in sandbox_app.take()


@DEPLOYMENTS
async def test_custom_field_by_name(connect: ClientFactory, sandbox_app: RequestRecorder) -> None:
    """fields={"Story Points": 5} sets customfield_10016."""
    issue = story(site_of(sandbox_app))
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "update_issue", {"key": issue.key, "fields": {"story points": 5}}
        )
    assert not result.is_error, text_of(result)
    assert issue.story_points == 5
    assert result.structured_content["changed"] == {"Story Points": 5}


@DEPLOYMENTS
async def test_jira_refusal_is_passed_on_and_nothing_is_written(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """A value only Jira checks (a summary with a line break) comes back as Jira's message."""
    issue = story(site_of(sandbox_app))
    before = issue.model_dump_json()
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "update_issue", {"key": issue.key, "summary": "two\nlines", "priority": "Low"}
        )
    assert result.is_error
    assert "newline" in text_of(result)
    assert issue.model_dump_json() == before


@DEPLOYMENTS
async def test_nothing_outside_the_scope_is_written(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """An SEC key, an issue moved to SEC, an SEC parent and SEC's sprint: all refused."""
    site = site_of(sandbox_app)
    issue, moved = story(site, 0), story(site, 1)
    site.move_issue(moved, "SEC")
    old_key = next(k for k, v in site.data.old_keys.items() if v == moved.id)
    before = site.data.model_dump_json()
    calls: list[dict[str, Any]] = [
        {"key": "SEC-1", "summary": "probe"},
        {"key": old_key, "summary": "probe"},
        {"key": old_key, "summary": "probe", "dry_run": True},
        {"key": issue.key, "parent": "SEC-1"},
        {"key": issue.key, "sprint": "8"},
        {"key": issue.key, "sprint": "8", "dry_run": True},
    ]
    async with connect(jira_projects=SCOPE) as client:
        results = [await client.call_tool("update_issue", args) for args in calls]
    for args, result in zip(calls, results, strict=True):
        assert result.is_error, (args, text_of(result))
        assert "SEC Sprint" not in text_of(result)
        assert moved.summary not in text_of(result)
    assert site.data.model_dump_json() == before


@pytest.mark.parametrize("deployment", ["datacenter"])
async def test_data_center_users_are_named_by_username(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """On Data Center a username assigns too; the write names the user by username, as the
    site refuses accountIds there."""
    site = site_of(sandbox_app)
    issue = story(site)
    async with connect(jira_projects=SCOPE) as client:
        by_username = await client.call_tool("update_issue", {"key": issue.key, "assignee": "bob"})
        assigned = issue.assignee
        by_pat = await client.call_tool("update_issue", {"key": issue.key, "assignee": "pat"})
    assert not by_username.is_error, text_of(by_username)
    assert assigned == next(u.account_id for u in site.data.users if u.username == "bob")
    assert not by_pat.is_error, text_of(by_pat)
    assert issue.assignee == next(u.account_id for u in site.data.users if u.username == "pat")
