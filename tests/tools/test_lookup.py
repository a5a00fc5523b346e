"""lookup through a real MCP client against the sandbox, compared with the sandbox's own data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from sandbox.app import create_app
from sandbox.config import DEMO_DISPLAY_NAME, DEMO_PAT, SandboxConfig
from sandbox.recorder import RequestRecorder
from server.app import build_server
from server.gateway.meta import Deployment
from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, on_site, text_of, tool_settings
from tools.lookup import KINDS, LIVE_KINDS

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
METADATA_KINDS = tuple(kind for kind in KINDS if kind not in LIVE_KINDS)
EVERY_KIND = KINDS


def items(result: CallToolResult) -> list[dict[str, Any]]:
    """The structured items of a successful lookup."""
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    found: list[dict[str, Any]] = result.structured_content["items"]
    return found


def names(result: CallToolResult) -> list[str]:
    """The names of a successful lookup's items, in order."""
    return [str(item["name"]) for item in items(result)]


def arguments(kind: str) -> dict[str, str]:
    """The least a kind needs: users need a name to search for."""
    return {"kind": kind, "query": "a"} if kind == "users" else {"kind": kind}


@DEPLOYMENTS
async def test_every_kind_without_a_scope_lists_the_sites_data(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """Without JIRA_PROJECTS each kind lists what the site holds, by id and name."""
    site = site_of(sandbox_app)
    async with connect() as client:
        found = {kind: await client.call_tool("lookup", arguments(kind)) for kind in EVERY_KIND}
    assert [i["key"] for i in items(found["projects"])] == [p.key for p in site.data.projects]
    assert names(found["issue_types"]) == [t.name for t in site.data.issuetypes]
    assert names(found["statuses"]) == [s.name for s in site.data.statuses]
    assert names(found["priorities"]) == [p.name for p in site.data.priorities]
    assert names(found["resolutions"]) == [r.name for r in site.data.resolutions]
    assert names(found["link_types"]) == [t.name for t in site.data.link_types]
    assert names(found["boards"]) == [b.name for b in site.data.boards]
    assert sorted(names(found["sprints"])) == sorted(s.name for s in site.data.sprints)
    assert items(found["me"])[0]["name"] == DEMO_DISPLAY_NAME
    assert {u["email"] for u in items(found["users"])} <= {u.email for u in site.data.users}
    fields = items(found["fields"])
    assert [f["id"] for f in fields] == [f.id for f in site.data.fields][: len(fields)]


@DEPLOYMENTS
@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_with_a_scope_nothing_of_sec_appears(
    connect: ClientFactory, sandbox_app: Any, kind: str
) -> None:
    """With JIRA_PROJECTS=SHOP,OPS no kind names SEC, its project, board or sprints."""
    site = site_of(sandbox_app)
    sec = site.projects["SEC"]
    sec_boards = {b.id for b in site.data.boards if b.project_key == "SEC"}
    secrets = [sec.name, *(b.name for b in site.data.boards if b.id in sec_boards)]
    secrets += [s.name for s in site.data.sprints if s.board_id in sec_boards]
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool("lookup", arguments(kind))
    said = text_of(result) + json.dumps(result.structured_content)
    assert not result.is_error, said
    assert "SEC" not in said
    for secret in secrets:
        assert secret not in said


@DEPLOYMENTS
async def test_with_a_scope_the_projects_boards_and_sprints_are_the_allowed_ones(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """The scope keeps exactly the allowed projects, their boards and their boards' sprints."""
    site = site_of(sandbox_app)
    allowed_boards = [b for b in site.data.boards if b.project_key in ("SHOP", "OPS")]
    async with connect(jira_projects=SCOPE) as client:
        projects = await client.call_tool("lookup", {"kind": "projects"})
        boards = await client.call_tool("lookup", {"kind": "boards"})
        sprints = await client.call_tool("lookup", {"kind": "sprints"})
    assert [p["key"] for p in items(projects)] == ["SHOP", "OPS"]
    assert names(boards) == [b.name for b in allowed_boards]
    board_ids = {b.id for b in allowed_boards}
    expected = [s.name for s in site.data.sprints if s.board_id in board_ids]
    assert sorted(names(sprints)) == sorted(expected)


@DEPLOYMENTS
async def test_sprints_come_active_then_future_then_the_latest_closed(
    connect: ClientFactory,
) -> None:
    """Active and future sprints lead; closed ones follow, newest first, with their dates."""
    async with connect() as client:
        result = await client.call_tool("lookup", {"kind": "sprints", "project": "SHOP"})
    found = items(result)
    assert [s["state"] for s in found] == ["active", "future", *["closed"] * 4]
    closed_ends = [s["end"] for s in found if s["state"] == "closed"]
    assert closed_ends == sorted(closed_ends, reverse=True)
    assert found[0]["board"] == 1
    assert "SHOP Sprint 5 [5] state=active board=1 start=" in text_of(result)


@DEPLOYMENTS
async def test_the_query_filters_names_ignoring_case(connect: ClientFactory) -> None:
    """query keeps the items whose name (or project key) contains it, in any case."""
    async with connect() as client:
        statuses = await client.call_tool("lookup", {"kind": "statuses", "query": "IN "})
        project = await client.call_tool("lookup", {"kind": "projects", "query": "shop"})
        fields = await client.call_tool("lookup", {"kind": "fields", "query": "story point"})
        nothing = await client.call_tool("lookup", {"kind": "priorities", "query": "urgent"})
    assert names(statuses) == ["In Progress", "In Review"]
    assert [p["key"] for p in items(project)] == ["SHOP"]
    assert names(fields) == ["Story Points"]
    assert items(nothing) == []
    assert text_of(nothing) == "No priorities found."


@DEPLOYMENTS
async def test_users_are_found_by_name_or_email_and_need_a_query(
    connect: ClientFactory, sandbox_app: Any, deployment: Deployment
) -> None:
    """users searches Jira by a name or an email; without a query it says what to give. On
    Data Center a user's id is its username."""
    person = site_of(sandbox_app).data.users[2]
    person_id = person.username if deployment == "datacenter" else person.account_id
    async with connect() as client:
        by_name = await client.call_tool(
            "lookup", {"kind": "users", "query": person.display_name.split()[0].lower()}
        )
        by_email = await client.call_tool("lookup", {"kind": "users", "query": person.email})
        bare = await client.call_tool("lookup", {"kind": "users"})
    assert person.display_name in names(by_name)
    assert items(by_email) == [
        {"id": person_id, "name": person.display_name, "email": person.email}
    ]
    assert bare.is_error
    assert "needs query" in text_of(bare)


@pytest.mark.parametrize("deployment", ["datacenter"])
async def test_data_center_users_and_me_are_named_by_username(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """On Data Center users are found by username too, and me is the token's own user: the
    demo user by Basic, the PAT user by a personal access token (Bearer)."""
    carol = next(u for u in site_of(sandbox_app).data.users if u.username == "carol")
    async with connect() as client:
        by_username = await client.call_tool("lookup", {"kind": "users", "query": "CAROL"})
        me = await client.call_tool("lookup", {"kind": "me"})
    async with connect(jira_pat=DEMO_PAT) as client:
        me_by_pat = await client.call_tool("lookup", {"kind": "me"})
    assert items(by_username) == [{"id": "carol", "name": carol.display_name, "email": carol.email}]
    assert items(me) == [{"id": "demo", "name": DEMO_DISPLAY_NAME, "email": "demo@example.com"}]
    assert items(me_by_pat) == [{"id": "pat", "name": "PAT User", "email": "pat@example.com"}]


@DEPLOYMENTS
async def test_long_lists_are_cut_with_a_hint_to_narrow_them(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """More than 50 fields: the first 50, truncated, and the text says to narrow with query."""
    assert len(site_of(sandbox_app).data.fields) > 50
    async with connect() as client:
        result = await client.call_tool("lookup", {"kind": "fields"})
        narrowed = await client.call_tool("lookup", {"kind": "fields", "query": "time"})
    assert len(items(result)) == 50
    assert result.structured_content is not None
    assert result.structured_content["truncated"] is True
    assert "narrow with query" in text_of(result)
    assert narrowed.structured_content is not None
    assert narrowed.structured_content["truncated"] is False


@DEPLOYMENTS
async def test_the_project_filter_narrows_per_project_kinds(connect: ClientFactory) -> None:
    """project narrows boards and sprints; a kanban project has no sprints."""
    async with connect() as client:
        boards = await client.call_tool("lookup", {"kind": "boards", "project": "ops"})
        sprints = await client.call_tool("lookup", {"kind": "sprints", "project": "Operations"})
        types = await client.call_tool("lookup", {"kind": "issue_types", "project": "SHOP"})
        statuses = await client.call_tool("lookup", {"kind": "statuses", "project": "SHOP"})
    assert items(boards) == [{"id": "2", "name": "OPS board", "type": "kanban", "project": "OPS"}]
    assert items(sprints) == []
    assert "Story" in names(types)
    assert "Done" in names(statuses)


@DEPLOYMENTS
async def test_a_project_outside_the_scope_or_misplaced_is_refused_with_choices(
    connect: ClientFactory,
) -> None:
    """An unknown or forbidden project names the allowed ones; project on a site-wide kind is
    refused with what to do."""
    async with connect(jira_projects=SCOPE) as client:
        forbidden = await client.call_tool("lookup", {"kind": "boards", "project": "SEC"})
        misplaced = await client.call_tool("lookup", {"kind": "priorities", "project": "SHOP"})
    assert forbidden.is_error
    assert "SHOP (Webshop), OPS (Operations)" in text_of(forbidden)
    assert misplaced.is_error
    assert "Call again without it" in text_of(misplaced)


async def test_a_warm_cache_answers_metadata_without_requests() -> None:
    """Once read, each metadata kind answers with no request; users, boards and sprints
    with one."""
    recorder = RequestRecorder(create_app(SandboxConfig(rate_limit=None)))
    server = build_server(tool_settings(jira_projects=SCOPE), jira_app=recorder)
    sent: dict[str, list[str]] = {}
    async with Client(server, raise_exceptions=False) as client:
        for kind in EVERY_KIND:
            await client.call_tool("lookup", arguments(kind))
        for kind in EVERY_KIND:
            recorder.take()
            result = await client.call_tool("lookup", arguments(kind))
            assert not result.is_error, text_of(result)
            sent[kind] = recorder.take()
    assert {kind: sent[kind] for kind in METADATA_KINDS} == {kind: [] for kind in METADATA_KINDS}
    assert sent["users"] == ["GET /rest/api/3/user/search"]
    assert sent["boards"] == ["GET /rest/agile/1.0/board"]
    assert sent["sprints"] == ["GET /rest/agile/1.0/board/1/sprint"]


@DEPLOYMENTS
async def test_a_projects_statuses_and_types_come_from_that_project(
    deployment: Deployment,
) -> None:
    """statuses and issue_types of a project read its workflow statuses and create types
    (each once), not the whole site's lists."""
    recorder = RequestRecorder(create_app(SandboxConfig(rate_limit=None, deployment=deployment)))
    server = build_server(tool_settings(jira_deployment=deployment), jira_app=recorder)
    async with Client(server, raise_exceptions=False) as client:
        statuses = await client.call_tool("lookup", {"kind": "statuses", "project": "SHOP"})
        types = await client.call_tool("lookup", {"kind": "issue_types", "project": "SHOP"})
    site = site_of(recorder)
    assert names(statuses) == [s.name for s in site.data.statuses]
    assert names(types) == [t.name for t in site.data.issuetypes]
    assert recorder.requests == [
        on_site("GET /rest/api/3/project", deployment),
        on_site("GET /rest/api/3/project/SHOP/statuses", deployment),
        on_site("GET /rest/api/3/issue/createmeta/SHOP/issuetypes", deployment),
    ]
