"""Issues: get, bulk fetch, create (with Jira's validation), edit, comments and properties."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.adf_check import NOT_ADF
from sandbox.app import create_app
from sandbox.config import DEMO_ACCOUNT_ID
from tests.sandbox.helpers import checked, config, sandbox, site_of

ISSUE = "/rest/api/3/issue/{issueIdOrKey}"
CREATE = "/rest/api/3/issue"
BULK = "/rest/api/3/issue/bulkfetch"
COMMENTS = "/rest/api/3/issue/{issueIdOrKey}/comment"
NO_ISSUE = {
    "errorMessages": ["Issue does not exist or you do not have permission to see it."],
    "errors": {},
}


def doc(text: str) -> dict[str, Any]:
    """A one-paragraph ADF document."""
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def task(**fields: Any) -> dict[str, Any]:
    """A create body for a SHOP task, with extra or replaced fields."""
    base: dict[str, Any] = {
        "project": {"key": "SHOP"},
        "issuetype": {"name": "Task"},
        "summary": "Write the release notes",
    }
    base.update(fields)
    return {"fields": {k: v for k, v in base.items() if v is not None}}


@pytest.mark.anyio
async def test_get_issue_returns_all_fields_by_default() -> None:
    """GET issue answers every field, with names and transitions when expanded."""
    async with sandbox() as client:
        response = await client.get(
            "/rest/api/3/issue/shop-12", params={"expand": "names,transitions,renderedFields"}
        )
    issue = checked(response, ISSUE)
    assert issue["key"] == "SHOP-12"
    assert issue["fields"]["project"]["key"] == "SHOP"
    assert "customfield_10020" in issue["fields"]
    assert issue["names"]["customfield_10016"] == "Story Points"
    assert issue["transitions"]


@pytest.mark.anyio
async def test_get_issue_by_id_and_fields_param() -> None:
    """An issue is found by id too, and `fields` limits what is sent."""
    async with sandbox() as client:
        response = await client.get("/rest/api/3/issue/10000", params={"fields": "summary"})
    issue = checked(response, ISSUE)
    assert issue["key"] == "SHOP-1"
    assert set(issue["fields"]) == {"summary"}


@pytest.mark.anyio
async def test_missing_issue_is_jiras_404() -> None:
    """An unknown key answers 404 with Jira's exact body."""
    async with sandbox() as client:
        response = await client.get("/rest/api/3/issue/SHOP-9999")
    assert checked(response, ISSUE, 404) == NO_ISSUE


@pytest.mark.anyio
async def test_bulkfetch_leaves_out_missing_issues_and_sorts_by_id() -> None:
    """bulkfetch returns found issues in ascending id order; unknown ones are simply absent."""
    async with sandbox() as client:
        response = await client.post(
            BULK,
            json={
                "issueIdsOrKeys": ["OPS-3", "NOPE-1", "shop-2", "10000"],
                "fields": ["summary", "status"],
            },
        )
    body = checked(response, BULK)
    assert [i["key"] for i in body["issues"]] == ["SHOP-1", "SHOP-2", "OPS-3"]
    assert body["issueErrors"] == []
    assert set(body["issues"][0]["fields"]) == {"summary", "status"}


@pytest.mark.anyio
async def test_bulkfetch_refuses_more_than_100_or_none() -> None:
    """More than 100 ids, or none at all, answers 400."""
    async with sandbox() as client:
        too_many = await client.post(
            BULK, json={"issueIdsOrKeys": [f"SHOP-{n}" for n in range(1, 102)]}
        )
        empty = await client.post(BULK, json={"issueIdsOrKeys": []})
    checked(too_many, BULK, 400)
    checked(empty, BULK, 400)


@pytest.mark.anyio
async def test_bulkfetch_defaults_to_navigable_fields() -> None:
    """Without `fields`, bulkfetch sends the navigable fields (no comments)."""
    async with sandbox() as client:
        body = checked(await client.post(BULK, json={"issueIdsOrKeys": ["SHOP-3"]}), BULK)
    fields = body["issues"][0]["fields"]
    assert "summary" in fields
    assert "comment" not in fields


@pytest.mark.anyio
async def test_create_issue_then_read_it_back() -> None:
    """A created issue gets the next key, answers 201 and is readable and searchable."""
    app = create_app(config())
    async with sandbox(app) as client:
        created = checked(
            await client.post(
                CREATE,
                json=task(
                    description=doc("Steps to follow"),
                    labels=["docs"],
                    priority={"name": "High"},
                    assignee={"accountId": DEMO_ACCOUNT_ID},
                    customfield_10016=3,
                    components=[{"name": "Checkout"}],
                ),
            ),
            CREATE,
            201,
        )
        issue = checked(await client.get(f"/rest/api/3/issue/{created['key']}"), ISSUE)
        count = await client.post(
            "/rest/api/3/search/approximate-count", json={"jql": "project = SHOP AND labels = docs"}
        )
    assert created["key"] == "SHOP-201"
    assert created["self"].endswith(f"/rest/api/3/issue/{created['id']}")
    fields = issue["fields"]
    assert fields["priority"]["name"] == "High"
    assert fields["assignee"]["displayName"] == "Demo User"
    assert fields["customfield_10016"] == 3
    assert fields["components"][0]["name"] == "Checkout"
    assert fields["status"]["name"] == "To Do"
    assert count.json()["count"] >= 1
    assert site_of(app).find_issue("SHOP-201") is not None


@pytest.mark.anyio
async def test_plain_string_description_is_refused_like_jira() -> None:
    """v3 wants ADF: a plain-text description answers 400 keyed by the field."""
    async with sandbox() as client:
        response = await client.post(CREATE, json=task(description="plain text"))
    assert checked(response, CREATE, 400) == {
        "errorMessages": [],
        "errors": {"description": NOT_ADF},
    }


@pytest.mark.anyio
async def test_plain_string_in_a_textarea_custom_field_is_refused() -> None:
    """A paragraph (textarea) custom field needs ADF as well."""
    async with sandbox() as client:
        bad = await client.post(CREATE, json=task(customfield_10030="just text"))
        good = await client.post(CREATE, json=task(customfield_10030=doc("Given, when, then")))
    assert checked(bad, CREATE, 400)["errors"] == {"customfield_10030": NOT_ADF}
    checked(good, CREATE, 201)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (task(summary=None), {"summary": "You must specify a summary of the issue."}),
        (
            {"fields": {"summary": "x", "issuetype": {"name": "Task"}}},
            {"project": "Specify a valid project ID or key"},
        ),
        (
            {"fields": {"summary": "x", "project": {"key": "SHOP"}}},
            {"issuetype": "Specify an issue type"},
        ),
        (
            task(issuetype={"name": "Incident"}),
            {"issuetype": "The issue type selected is invalid."},
        ),
        (task(project={"key": "NOPE"}), {"project": "Specify a valid project ID or key"}),
        (task(priority={"name": "Urgent"}), {"priority": "The priority selected is invalid."}),
        (
            task(customfield_10038="x"),
            {
                "customfield_10038": "Field 'customfield_10038' cannot be set. It is not on the "
                "appropriate screen, or unknown."
            },
        ),
        (
            task(labels=["two words"]),
            {"labels": "The label 'two words' contains spaces which is invalid."},
        ),
        (task(issuetype={"name": "Sub-task"}), {"parent": "Sub-task issues must have a parent."}),
        (
            task(parent={"key": "SHOP-1"}, issuetype={"name": "Sub-task"}),
            {"parent": "Given parent work item does not belong to appropriate hierarchy."},
        ),
        (
            task(assignee={"accountId": "nobody"}),
            {"assignee": "User 'nobody' cannot be assigned issues."},
        ),
        (task(duedate="tomorrow"), {"duedate": "Error parsing date string: tomorrow"}),
    ],
)
async def test_create_validation_errors(body: dict[str, Any], errors: dict[str, str]) -> None:
    """Bad create requests answer 400 with Jira's errors keyed by field id."""
    async with sandbox() as client:
        response = await client.post(CREATE, json=body)
    assert checked(response, CREATE, 400) == {"errorMessages": [], "errors": errors}


@pytest.mark.anyio
async def test_create_sub_task_under_a_story_by_ids() -> None:
    """A sub-task under a story, with project and type given by id, is created."""
    app = create_app(config())
    site = site_of(app)
    story = next(i for i in site.issues() if i.issuetype == "10001" and i.project == "SHOP")
    async with sandbox(app) as client:
        created = checked(
            await client.post(
                CREATE,
                json={
                    "fields": {
                        "project": {"id": "10000"},
                        "issuetype": {"id": "10004"},
                        "summary": "Check the copy",
                        "parent": {"key": story.key},
                    }
                },
            ),
            CREATE,
            201,
        )
    sub_task = site.find_issue(created["key"])
    assert sub_task is not None
    assert sub_task.parent == story.id


@pytest.mark.anyio
async def test_properties_are_stored_readable_and_searchable() -> None:
    """Issue properties given on create can be read back and found with JQL."""
    async with sandbox() as client:
        created = checked(
            await client.post(
                CREATE,
                json={
                    **task(),
                    "properties": [{"key": "origin", "value": {"tool": "mcp", "run": 7}}],
                },
            ),
            CREATE,
            201,
        )
        prop = await client.get(f"/rest/api/3/issue/{created['key']}/properties/origin")
        found = await client.post(
            "/rest/api/3/search/jql",
            json={"jql": "issue.property[origin].tool = mcp", "fields": ["summary"]},
        )
        missing = await client.get(f"/rest/api/3/issue/{created['key']}/properties/other")
        with_props = await client.get(
            f"/rest/api/3/issue/{created['key']}",
            params={"fields": "summary", "properties": "*all"},
        )
    assert checked(prop, "/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}") == {
        "key": "origin",
        "value": {"tool": "mcp", "run": 7},
    }
    assert [i["key"] for i in found.json()["issues"]] == [created["key"]]
    assert missing.status_code == 404
    assert checked(with_props, ISSUE)["properties"] == {"origin": {"tool": "mcp", "run": 7}}


@pytest.mark.anyio
async def test_edit_issue_answers_204_and_changes_fields() -> None:
    """PUT issue updates the given fields and answers 204 without a body."""
    app = create_app(config())
    async with sandbox(app) as client:
        response = await client.put(
            "/rest/api/3/issue/SHOP-5",
            json={
                "fields": {"summary": "Renamed", "labels": ["x"]},
                "update": {"comment": [{"add": {"body": doc("edited")}}]},
            },
        )
        bad = await client.put("/rest/api/3/issue/SHOP-5", json={"fields": {"description": "x"}})
    checked(response, ISSUE, 204)
    issue = site_of(app).find_issue("SHOP-5")
    assert issue is not None
    assert issue.summary == "Renamed"
    assert issue.labels == ["x"]
    assert issue.comments[-1].body == doc("edited")
    checked(bad, ISSUE, 400)


@pytest.mark.anyio
async def test_comments_are_listed_and_added_in_adf() -> None:
    """Comments page in ADF, and a new comment (ADF only) answers 201 and appears."""
    async with sandbox() as client:
        added = await client.post("/rest/api/3/issue/OPS-1/comment", json={"body": doc("hi")})
        plain = await client.post("/rest/api/3/issue/OPS-1/comment", json={"body": "hi"})
        page = await client.get("/rest/api/3/issue/OPS-1/comment")
    comment = checked(added, COMMENTS, 201)
    assert comment["author"]["accountId"] == DEMO_ACCOUNT_ID
    checked(plain, COMMENTS, 400)
    body = checked(page, COMMENTS)
    assert body["comments"][-1]["body"] == doc("hi")
    assert body["total"] == len(body["comments"])
