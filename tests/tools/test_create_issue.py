"""create_issue through a real MCP client against the sandbox."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from sandbox.seed import EPIC
from sandbox.site import Issue, Site
from server.adf import adf_to_markdown, markdown_to_adf
from server.gateway.audit import REQUEST_PROPERTY
from server.gateway.meta import Deployment
from server.wiki import markdown_to_wiki
from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, on_site, text_of
from tools.support.resolve import listing

pytestmark = pytest.mark.anyio

SCOPE = "SHOP"  # one allowed project: the default when a call names none
RICH_MARKDOWN = """# Checkout fails

Paying with **saved cards** fails for *some* users; see [the log](https://example.com/log).

1. Add an item
2. Pay with `card-on-file`
   - nested note

```python
raise PaymentError("declined")
```

> Reported by support.

| browser | result |
| --- | --- |
| Firefox | fails |
"""


def snapshot(site: Site, project: str | None = None) -> list[dict[str, Any]]:
    """Every issue (of one project), as plain data, to prove nothing was written."""
    return [i.model_dump() for i in site.issues() if project is None or i.project == project]


def issues_titled(site: Site, summary: str) -> list[Issue]:
    """The issues whose summary is exactly ``summary``."""
    return [i for i in site.issues() if i.summary == summary]


def user_id(site: Site, display_name: str) -> str:
    """The account id of a seeded user."""
    return next(u.account_id for u in site.data.users if u.display_name == display_name)


@DEPLOYMENTS
async def test_creates_issue_with_rich_description_that_reads_back(
    connect: ClientFactory, sandbox_app: Any, deployment: Deployment
) -> None:
    """A rich Markdown description becomes ADF (wiki markup on Data Center) that Jira accepts
    and that reads back the same."""
    site = site_of(sandbox_app)
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue",
            {
                "summary": "Checkout fails with saved cards",
                "description": RICH_MARKDOWN,
                "priority": "high",
                "labels": ["checkout", "payments"],
                "assignee": "alice.johnson@example.com",
            },
        )
    assert not result.is_error, text_of(result)
    out = result.structured_content or {}
    created = site.find_issue(out["key"])
    assert created is not None
    assert created.project == "SHOP"
    assert out["id"] == str(created.id)
    assert out["url"].endswith(f"/browse/{created.key}")
    if deployment == "datacenter":
        assert created.description == markdown_to_wiki(RICH_MARKDOWN)
    else:
        assert created.description == markdown_to_adf(RICH_MARKDOWN)
    async with connect(jira_projects=SCOPE) as client:
        read = await client.call_tool("get_issue", {"key": created.key})
    assert read.structured_content is not None
    assert read.structured_content["description"] == adf_to_markdown(markdown_to_adf(RICH_MARKDOWN))
    assert site.priorities[created.priority].name == "High"
    assert created.labels == ["checkout", "payments"]
    assert created.assignee == user_id(site, "Alice Johnson")
    assert created.issuetype == next(t.id for t in site.data.issuetypes if t.name == "Task")
    assert created.key in text_of(result)


@DEPLOYMENTS
async def test_every_create_carries_a_fresh_request_id(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """Each create stores its own request id as an issue property."""
    site = site_of(sandbox_app)
    async with connect(jira_projects=SCOPE) as client:
        keys = []
        for _ in range(2):
            result = await client.call_tool("create_issue", {"summary": "Same title twice"})
            keys.append((result.structured_content or {})["key"])
    ids = []
    for key in keys:
        issue = site.find_issue(key)
        assert issue is not None
        ids.append(issue.properties[REQUEST_PROPERTY]["id"])
    assert len(set(ids)) == 2
    assert all(uuid.UUID(value).version == 4 for value in ids)


@DEPLOYMENTS
async def test_project_defaults_to_the_only_allowed_one(connect: ClientFactory) -> None:
    """Without a project, the issue goes to the one allowed project."""
    async with connect(jira_projects="OPS") as client:
        result = await client.call_tool("create_issue", {"summary": "Rotate the certificates"})
    key = (result.structured_content or {})["key"]
    assert key.startswith("OPS-")


@DEPLOYMENTS
async def test_with_several_allowed_projects_one_must_be_named(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """SHOP and OPS allowed and no project named: nothing is created, both are listed."""
    before = snapshot(site_of(sandbox_app))
    async with connect(jira_projects="OPS,SHOP") as client:
        result = await client.call_tool("create_issue", {"summary": "Rotate the certificates"})
    assert result.is_error
    assert text_of(result).endswith(
        "Name the project to create the issue in (project=KEY). "
        "Projects: SHOP (Webshop), OPS (Operations)."
    )
    assert snapshot(site_of(sandbox_app)) == before


@DEPLOYMENTS
async def test_fields_by_name_are_resolved(connect: ClientFactory, sandbox_app: Any) -> None:
    """Extra fields given by name (and option values by name) land in the right fields."""
    site = site_of(sandbox_app)
    component = site.projects["SHOP"].components[0]
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue",
            {
                "summary": "Estimate the cart rewrite",
                "issue_type": "story",
                "fields": {"Story Points": 5, "components": [component.name]},
            },
        )
    assert not result.is_error, text_of(result)
    created = site.find_issue((result.structured_content or {})["key"])
    assert created is not None
    assert created.story_points == 5
    assert created.components == [component.id]


@DEPLOYMENTS
async def test_parent_in_scope_is_accepted(connect: ClientFactory, sandbox_app: Any) -> None:
    """A story can be created under an epic of an allowed project."""
    site = site_of(sandbox_app)
    epic = next(i for i in site.issues() if i.project == "SHOP" and i.issuetype == EPIC)
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue",
            {"summary": "Child story", "issue_type": "Story", "parent": epic.key.lower()},
        )
    assert not result.is_error, text_of(result)
    created = site.find_issue((result.structured_content or {})["key"])
    assert created is not None
    assert created.parent == epic.id


@DEPLOYMENTS
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"issue_type": "Storyy"}, ["Epic", "Story", "Task", "Bug", "Sub-task"]),
        ({"priority": "urgent"}, ["Highest", "High", "Medium", "Low", "Lowest"]),
        ({"fields": {"Story Pointz": 3}}, ["Story Points", "Summary", "Labels"]),
    ],
)
async def test_unknown_names_list_the_valid_choices(
    connect: ClientFactory, sandbox_app: Any, arguments: dict[str, Any], expected: list[str]
) -> None:
    """An unknown issue type, priority or field answers with the valid choices; nothing is made."""
    before = snapshot(site_of(sandbox_app))
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("create_issue", {"summary": "Typo", **arguments})
    assert result.is_error
    text = text_of(result)
    assert all(choice in text for choice in expected), text
    assert snapshot(site_of(sandbox_app)) == before


@DEPLOYMENTS
async def test_ambiguous_assignee_lists_candidates(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """A name matching several users answers with each candidate; nothing is created."""
    before = snapshot(site_of(sandbox_app))
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("create_issue", {"summary": "Who?", "assignee": "jo"})
    assert result.is_error
    text = text_of(result)
    assert "Alice Johnson" in text
    assert "Jonas Berg" in text
    assert snapshot(site_of(sandbox_app)) == before


@DEPLOYMENTS
async def test_assignee_by_display_name(connect: ClientFactory, sandbox_app: Any) -> None:
    """A full display name picks that one user."""
    site = site_of(sandbox_app)
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue", {"summary": "For Jonas", "assignee": "jonas berg"}
        )
    created = site.find_issue((result.structured_content or {})["key"])
    assert created is not None
    assert created.assignee == user_id(site, "Jonas Berg")


@DEPLOYMENTS
async def test_missing_required_fields_are_listed_before_any_write(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """A sub-task without its parent is refused, naming the missing field; nothing is made."""
    before = snapshot(site_of(sandbox_app))
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue", {"summary": "Orphan", "issue_type": "Sub-task"}
        )
    assert result.is_error
    assert "Parent (parent)" in text_of(result)
    assert snapshot(site_of(sandbox_app)) == before


@DEPLOYMENTS
async def test_dry_run_shows_the_request_and_writes_nothing(
    connect: ClientFactory, sandbox_app: Any, deployment: Deployment
) -> None:
    """dry_run returns the exact request as this Jira would be sent it (REST v2 and wiki
    markup on Data Center) and the missing fields, and leaves Jira unchanged."""
    before = snapshot(site_of(sandbox_app))
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue",
            {
                "summary": "Just looking",
                "issue_type": "Sub-task",
                "description": "Some *text*",
                "dry_run": True,
            },
        )
    assert not result.is_error, text_of(result)
    out = result.structured_content or {}
    assert out["dry_run"] is True
    assert out["key"] == ""
    assert out["request"]["method"] == "POST"
    assert f"POST {out['request']['path']}" == on_site("POST /rest/api/3/issue", deployment)
    body = out["request"]["body"]
    assert body["fields"]["summary"] == "Just looking"
    assert body["fields"]["project"] == {"key": "SHOP"}
    rich_text = markdown_to_wiki if deployment == "datacenter" else markdown_to_adf
    assert body["fields"]["description"] == rich_text("Some *text*")
    assert body["properties"][0]["key"] == REQUEST_PROPERTY
    assert out["missing_fields"] == ["Parent (parent)"]
    assert "Dry run" in text_of(result)
    assert snapshot(site_of(sandbox_app)) == before


@DEPLOYMENTS
@pytest.mark.parametrize(
    "arguments",
    [
        {"project": "SEC"},
        {"project": "sec", "dry_run": True},
        {"parent": "SEC-1"},
        {"issue_type": "Sub-task", "parent": "SEC-2", "dry_run": True},
    ],
)
async def test_nothing_reaches_a_forbidden_project(
    connect: ClientFactory, sandbox_app: Any, arguments: dict[str, Any]
) -> None:
    """Creating in SEC, or under a SEC parent, is refused and SEC is left untouched."""
    site = site_of(sandbox_app)
    sec_before, count_before = snapshot(site, "SEC"), len(snapshot(site))
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("create_issue", {"summary": "Sneak in", **arguments})
    assert result.is_error
    assert "outside the allowed projects" in text_of(result)
    assert snapshot(site, "SEC") == sec_before
    assert len(snapshot(site)) == count_before


def test_an_empty_list_of_choices_reads_none() -> None:
    """An error listing choices says "none" when there are none, not an empty string."""
    assert listing([]) == "none"
    assert listing(["A", "", "B", "A"]) == "A, B"
