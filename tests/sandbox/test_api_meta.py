"""Site metadata: serverInfo, myself, fields, projects, createmeta, users, catalogues, jql/parse."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.app import create_app
from sandbox.config import DEMO_ACCOUNT_ID, SandboxConfig
from tests.sandbox.helpers import checked, conforms, sandbox, site_of

PARSE = "/rest/api/3/jql/parse"


def parsed(response: httpx.Response) -> Any:
    """A jql/parse answer, checked against the spec part by part.

    The spec's JqlQueryClause pairs `anyOf` with `additionalProperties: false`, which no
    clause can satisfy, so the tree is checked at its leaves and the rest as a whole.
    """
    assert response.status_code == 200, response.text
    body = response.json()
    bare = {"queries": [{k: v for k, v in q.items() if k != "structure"} for q in body["queries"]]}
    conforms("ParsedJqlQueries", bare)
    for query in body["queries"]:
        structure = query.get("structure", {})
        if "orderBy" in structure:
            conforms("JqlQueryOrderByClause", structure["orderBy"])
        for leaf in leaves(structure.get("where")):
            conforms("FieldValueClause", leaf)
    return body


def leaves(clause: Any) -> list[Any]:
    """The field-value clauses of a JqlQueryClause tree."""
    if clause is None:
        return []
    if "clauses" in clause:
        return [leaf for child in clause["clauses"] for leaf in leaves(child)]
    return [clause]


@pytest.mark.anyio
@pytest.mark.parametrize("version", ["2", "3"])
async def test_server_info_says_cloud(version: str) -> None:
    """serverInfo (v2 and v3) reports a Cloud deployment."""
    async with sandbox() as client:
        response = await client.get(f"/rest/api/{version}/serverInfo")
    assert checked(response, "/rest/api/3/serverInfo")["deploymentType"] == "Cloud"


@pytest.mark.anyio
async def test_myself_is_the_demo_user() -> None:
    """The demo credentials belong to Demo User, demo@example.com."""
    async with sandbox() as client:
        me = checked(await client.get("/rest/api/3/myself"), "/rest/api/3/myself")
    assert (me["accountId"], me["displayName"], me["emailAddress"]) == (
        DEMO_ACCOUNT_ID,
        "Demo User",
        "demo@example.com",
    )


@pytest.mark.anyio
async def test_fields_list_story_points_and_sprint() -> None:
    """The field list has Story Points and Sprint with their clause names and no Epic Link."""
    async with sandbox() as client:
        fields = checked(await client.get("/rest/api/3/field"), "/rest/api/3/field")
    by_id = {f["id"]: f for f in fields}
    assert by_id["customfield_10016"]["name"] == "Story Points"
    assert by_id["customfield_10016"]["clauseNames"] == [
        "cf[10016]",
        "Story Points",
        "Story Points[Number]",
    ]
    assert by_id["customfield_10020"]["schema"]["custom"] == "com.pyxis.greenhopper.jira:gh-sprint"
    assert by_id["customfield_10021"]["name"] == "Flagged"
    assert not any(f["name"] == "Epic Link" for f in fields)


@pytest.mark.anyio
async def test_flagged_field_can_have_another_id() -> None:
    """flagged_field renumbers Flagged: listed, searched, shown and set under the new id."""
    app = create_app(SandboxConfig(rate_limit=None, flagged_field="customfield_10077"))
    search = "/rest/api/3/search/jql"
    fields = ["customfield_10077"]
    flagged = sorted(str(i.id) for i in site_of(app).issues() if i.flagged and i.project == "SHOP")
    async with sandbox(app) as client:
        catalogue = checked(await client.get("/rest/api/3/field"), "/rest/api/3/field")
        by_clause = [
            checked(await client.post(search, json={"jql": jql, "maxResults": 500}), search)
            for jql in (
                "project = SHOP AND Flagged = Impediment",
                "project = SHOP AND cf[10077] is not EMPTY",
            )
        ]
        shown = checked(
            await client.post(search, json={"jql": f"id = {flagged[0]}", "fields": fields}), search
        )
        cleared = await client.put(
            f"/rest/api/3/issue/{flagged[0]}", json={"fields": {"customfield_10077": None}}
        )
    by_id = {f["id"]: f for f in catalogue}
    assert "customfield_10021" not in by_id
    assert by_id["customfield_10077"]["name"] == "Flagged"
    assert by_id["customfield_10077"]["clauseNames"][0] == "cf[10077]"
    for page in by_clause:
        assert sorted(i["id"] for i in page["issues"]) == flagged
    assert shown["issues"][0]["fields"]["customfield_10077"][0]["value"] == "Impediment"
    assert cleared.status_code == 204
    assert not site_of(app).by_id[int(flagged[0])].flagged


@pytest.mark.anyio
async def test_projects_list_search_and_get() -> None:
    """The three demo projects are listed, searchable, paged and readable by key."""
    async with sandbox() as client:
        listed = checked(await client.get("/rest/api/3/project"), "/rest/api/3/project")
        page = checked(
            await client.get("/rest/api/3/project/search", params={"maxResults": 2}),
            "/rest/api/3/project/search",
        )
        found = checked(
            await client.get("/rest/api/3/project/search", params={"query": "secur"}),
            "/rest/api/3/project/search",
        )
        one = checked(
            await client.get("/rest/api/3/project/OPS"), "/rest/api/3/project/{projectIdOrKey}"
        )
        missing = await client.get("/rest/api/3/project/NOPE")
    assert [p["key"] for p in listed] == ["SHOP", "OPS", "SEC"]
    assert (len(page["values"]), page["total"], page["isLast"]) == (2, 3, False)
    assert [p["key"] for p in found["values"]] == ["SEC"]
    assert one["name"] == "Operations"
    checked(missing, "/rest/api/3/project/{projectIdOrKey}", 404)


@pytest.mark.anyio
async def test_createmeta_lists_types_and_required_fields() -> None:
    """createmeta shows the issue types and, per type, the required fields."""
    types_path = "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes"
    fields_path = types_path + "/{issueTypeId}"
    async with sandbox() as client:
        types = checked(
            await client.get("/rest/api/3/issue/createmeta/SHOP/issuetypes"), types_path
        )
        sub_task = checked(
            await client.get("/rest/api/3/issue/createmeta/SHOP/issuetypes/10004"), fields_path
        )
        story = checked(
            await client.get("/rest/api/3/issue/createmeta/SHOP/issuetypes/10001"), fields_path
        )
        too_big = await client.get(
            "/rest/api/3/issue/createmeta/SHOP/issuetypes", params={"maxResults": 500}
        )
    assert [t["name"] for t in types["issueTypes"]] == ["Epic", "Story", "Task", "Bug", "Sub-task"]
    required = {f["fieldId"] for f in sub_task["fields"] if f["required"]}
    assert required == {"summary", "issuetype", "project", "parent"}
    by_id = {f["fieldId"]: f for f in story["fields"]}
    assert not by_id["parent"]["required"]
    assert by_id["priority"]["allowedValues"][0]["name"] == "Highest"
    assert "customfield_10016" in by_id
    checked(too_big, types_path, 400)


@pytest.mark.anyio
async def test_user_search_matches_name_and_email_prefixes() -> None:
    """User search finds people by the start of their name, surname or email."""
    async with sandbox() as client:
        by_name = checked(
            await client.get("/rest/api/3/user/search", params={"query": "ali"}),
            "/rest/api/3/user/search",
        )
        by_surname = await client.get("/rest/api/3/user/search", params={"query": "smith"})
        by_email = await client.get("/rest/api/3/user/search", params={"query": "demo@"})
    assert [u["displayName"] for u in by_name] == ["Alice Johnson"]
    assert [u["displayName"] for u in by_surname.json()] == ["Bob Smith"]
    assert [u["accountId"] for u in by_email.json()] == [DEMO_ACCOUNT_ID]


@pytest.mark.anyio
async def test_catalogues_priorities_statuses_resolutions() -> None:
    """Priorities run Highest..Lowest; statuses carry Jira's category keys and ids."""
    async with sandbox() as client:
        priorities = checked(await client.get("/rest/api/3/priority"), "/rest/api/3/priority")
        statuses = checked(await client.get("/rest/api/3/status"), "/rest/api/3/status")
        resolutions = checked(await client.get("/rest/api/3/resolution"), "/rest/api/3/resolution")
    assert [p["name"] for p in priorities] == ["Highest", "High", "Medium", "Low", "Lowest"]
    categories = {
        s["name"]: (s["statusCategory"]["key"], s["statusCategory"]["id"]) for s in statuses
    }
    assert categories == {
        "To Do": ("new", 2),
        "In Progress": ("indeterminate", 4),
        "In Review": ("indeterminate", 4),
        "Done": ("done", 3),
    }
    assert "Cannot Reproduce" in [r["name"] for r in resolutions]


@pytest.mark.anyio
async def test_issue_types_list_in_atlassian_shape() -> None:
    """GET /issuetype lists every issue type as IssueTypeDetails, the sub-task type marked."""
    async with sandbox() as client:
        types = checked(await client.get("/rest/api/3/issuetype"), "/rest/api/3/issuetype")
    assert [t["name"] for t in types] == ["Epic", "Story", "Task", "Bug", "Sub-task"]
    assert [t["name"] for t in types if t["subtask"]] == ["Sub-task"]


@pytest.mark.anyio
async def test_jql_parse_strict_reports_errors_without_structure() -> None:
    """Strict validation names unknown fields and functions and omits their structure."""
    queries = [
        "project = SHOP AND labels in (a, b) ORDER BY key DESC",
        "universe = 42",
        "assignee = whoever()",
        "invalid query",
        "project = INVALID",
    ]
    async with sandbox() as client:
        body = parsed(
            await client.post(PARSE, params={"validation": "strict"}, json={"queries": queries})
        )
    good, field, function, syntax, project = body["queries"]
    assert good["structure"]["where"]["operator"] == "and"
    assert good["structure"]["orderBy"]["fields"][0]["direction"] == "desc"
    assert field["errors"] == [
        "Field 'universe' does not exist or you do not have permission to view it."
    ]
    assert "structure" not in field
    assert function["errors"] == ["Unable to find JQL function 'whoever()'."]
    assert syntax["errors"][0].startswith("Error in the JQL Query:")
    assert project["warnings"] == ["The value 'INVALID' does not exist for the field 'project'."]
    assert "structure" in project


@pytest.mark.anyio
async def test_jql_parse_warn_and_none_keep_the_structure() -> None:
    """In warn mode errors come with the structure; `none` skips validation."""
    async with sandbox() as client:
        warn = await client.post(
            PARSE, params={"validation": "warn"}, json={"queries": ["universe = 42"]}
        )
        none = await client.post(
            PARSE, params={"validation": "none"}, json={"queries": ["universe = 42"]}
        )
        bad = await client.post(PARSE, json={"queries": []})
    warned = parsed(warn)["queries"][0]
    assert warned["errors"]
    assert warned["structure"]
    assert parsed(none)["queries"][0]["structure"]["where"]["field"]["name"] == "universe"
    checked(bad, PARSE, 400)


@pytest.mark.anyio
async def test_unknown_path_answers_in_jiras_error_shape() -> None:
    """A path the sandbox does not serve answers 404 with an ErrorCollection."""
    async with sandbox() as client:
        response = await client.get("/rest/api/3/nothing-here")
    assert response.status_code == 404
    assert set(response.json()) == {"errorMessages", "errors"}


@pytest.mark.anyio
async def test_project_statuses_group_the_workflow_by_issue_type() -> None:
    """Each issue type of a project comes with its workflow's statuses; another is 404."""
    async with sandbox() as client:
        found = checked(
            await client.get("/rest/api/3/project/SHOP/statuses"),
            "/rest/api/3/project/{projectIdOrKey}/statuses",
        )
        missing = await client.get("/rest/api/3/project/NOPE/statuses")
    assert [t["name"] for t in found] == ["Epic", "Story", "Task", "Bug", "Sub-task"]
    assert [s["name"] for s in found[0]["statuses"]] == [
        "To Do",
        "In Progress",
        "In Review",
        "Done",
    ]
    assert missing.status_code == 404
