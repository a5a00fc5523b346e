"""Holes an adversarial review found in the scope, each reproduced through a real MCP client.

Scope SHOP,OPS; SEC is forbidden. Sprint 8 is SEC's active sprint (board 3), sprint 5 SHOP's.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
SEC_SPRINT = 8
SHOP_SPRINT = 5
SEC_VERSION = "100020"
SEC_COMPONENT = "100020"


def said(result: Any) -> str:
    """Everything the model receives: text and structured content."""
    return text_of(result) + json.dumps(result.structured_content or {})


def without_ids(text: str) -> str:
    """A refusal with its numbers and keys blanked, to compare two refusals' wording."""
    return re.sub(r"[A-Z]+-\d+|\d+", "#", text)


@pytest.mark.parametrize(
    "fields",
    [
        {"Sprint": SEC_SPRINT},
        {"Sprint": 99_999},
        {"fixVersions": [{"id": SEC_VERSION}]},
        {"components": [{"id": SEC_COMPONENT}]},
    ],
)
@DEPLOYMENTS
async def test_field_values_cannot_reach_another_project(
    connect: ClientFactory, sandbox_app: Any, fields: dict[str, Any]
) -> None:
    """A create whose field values name another project's sprint, version, component or
    issue is refused before it is sent, and the site is unchanged."""
    site = site_of(sandbox_app)
    before = site.data.model_dump_json()
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue", {"summary": "probe", "project": "SHOP", "fields": fields}
        )
    assert result.is_error
    assert "outside the allowed projects" in text_of(result)
    assert "SEC Sprint" not in said(result)
    assert site.data.model_dump_json() == before


@DEPLOYMENTS
async def test_forbidden_and_missing_sprints_are_refused_alike(connect: ClientFactory) -> None:
    """Sprint 8 (SEC) and sprint 99999 (none) get the same refusal: no existence oracle."""
    texts = []
    async with connect(jira_projects=SCOPE) as client:
        for sprint in (SEC_SPRINT, 99_999):
            result = await client.call_tool(
                "create_issue", {"summary": "probe", "fields": {"Sprint": sprint}}
            )
            texts.append(without_ids(text_of(result)))
            progress = await client.call_tool("sprint_progress", {"sprint_id": sprint})
            texts.append(without_ids(text_of(progress)))
    assert texts[0] == texts[2]
    assert texts[1] == texts[3]
    assert "active" not in " ".join(texts)


@DEPLOYMENTS
async def test_in_scope_sprint_is_accepted(connect: ClientFactory, sandbox_app: Any) -> None:
    """The check lets a sprint of an allowed board through (the refusals are not blanket)."""
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "create_issue",
            {"summary": "in the sprint", "project": "SHOP", "fields": {"Sprint": SHOP_SPRINT}},
        )
    assert not result.is_error, text_of(result)
    created = site_of(sandbox_app).find_issue(str(result.structured_content["key"]))
    assert created is not None
    assert created.sprints == [SHOP_SPRINT]


@DEPLOYMENTS
async def test_write_checks_a_fresh_read_not_a_remembered_one(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """An issue read in scope and then moved to SEC cannot become a parent afterwards."""
    site = site_of(sandbox_app)
    async with connect(jira_projects=SCOPE) as client:
        seen = await client.call_tool("bulk_fetch", {"keys": ["SHOP-12"]})
        assert "SHOP-12" in text_of(seen)
        site.find_issue("SHOP-12").project = "SEC"  # type: ignore[union-attr]  # it exists
        count = len(list(site.issues()))
        result = await client.call_tool(
            "create_issue", {"summary": "child", "project": "SHOP", "parent": "SHOP-12"}
        )
    assert result.is_error
    assert "outside the allowed projects" in text_of(result)
    assert len(list(site.issues())) == count


@DEPLOYMENTS
async def test_shop_issues_in_a_sec_sprint_do_not_show_it(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """SHOP issues placed in SEC's active sprint: neither sprint_progress, nor a search with
    the Sprint field, nor get_issue shows that sprint's name, goal or board (on Data Center
    the Sprint field is text that the gateway reads before the scope guard)."""
    site = site_of(sandbox_app)
    sec_sprint = site.sprints[SEC_SPRINT]
    moved = [i for i in site.issues() if i.project == "SHOP" and SHOP_SPRINT in i.sprints][:3]
    for issue in moved:
        issue.sprints = [SEC_SPRINT]
    async with connect(jira_projects=SCOPE) as client:
        progress = await client.call_tool("sprint_progress", {"project": "SHOP"})
        search = await client.call_tool(
            "search_jql",
            {"jql": f"key in ({', '.join(i.key for i in moved)})", "fields": ["Sprint"]},
        )
        one = await client.call_tool("get_issue", {"key": moved[0].key, "fields": ["Sprint"]})
    assert "com.atlassian" not in said(search) + said(one)
    for result in (progress, search, one):
        assert not result.is_error, text_of(result)
        assert sec_sprint.name not in said(result)
        if sec_sprint.goal:
            assert sec_sprint.goal not in said(result)
    assert progress.structured_content["sprint"]["id"] == SHOP_SPRINT
    # The moved issues are not counted as the SHOP sprint's.
    in_shop_sprint = [i for i in site.issues() if SHOP_SPRINT in i.sprints]
    assert progress.structured_content["issues"] == len(
        [i for i in in_shop_sprint if i.project in ("SHOP", "OPS")]
    )


@DEPLOYMENTS
async def test_app_function_subquery_is_scoped(connect: ClientFactory) -> None:
    """A query inside an app function's argument runs only over the allowed projects, and one
    that cannot be parsed is refused instead of being sent unchecked."""
    async with connect(jira_projects=SCOPE) as client:
        checked = await client.call_tool(
            "validate_jql",
            {"jql": 'issueFunction in linkedIssuesOf("project != SHOP AND summary ~ breach")'},
        )
        deep = "(" * 70 + "summary ~ x" + ")" * 70
        refused = await client.call_tool(
            "search_jql", {"jql": f"issueFunction in subtasksOf('{deep}')"}
        )
    scoped = str(checked.structured_content["scoped"])
    inner = scoped.split("linkedIssuesOf(", 1)[1]
    assert 'project IN (\\"SHOP\\", \\"OPS\\")' in inner, scoped
    assert refused.is_error
    assert "cannot be checked against the allowed projects" in text_of(refused)


@DEPLOYMENTS
async def test_missing_and_forbidden_ids_answer_alike(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """The id of an SEC issue and an id that does not exist get the same answer."""
    site = site_of(sandbox_app)
    sec_id = next(i.id for i in site.issues() if i.project == "SEC")
    async with connect(jira_projects=SCOPE) as client:
        fetched = await client.call_tool("bulk_fetch", {"keys": [str(sec_id), "987654"]})
        moves = [
            await client.call_tool("transition", {"key": str(ref), "to": "Done"})
            for ref in (sec_id, 987_654)
        ]
        boards = [
            await client.call_tool("sprint_progress", {"board_id": board}) for board in (3, 77)
        ]
    assert fetched.structured_content["not_found"] == [str(sec_id), "987654"]
    assert fetched.structured_content["denied"] == []
    assert without_ids(text_of(moves[0])) == without_ids(text_of(moves[1]))
    assert without_ids(text_of(boards[0])) == without_ids(text_of(boards[1]))
