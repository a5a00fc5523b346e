"""The gateway's name catalogue: what it reads, how long it keeps it, what the scope lets in."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
import respx

from tests.gateway.conftest import JIRA, GatewayFactory
from tests.gateway.fakes import FakeClock

pytestmark = pytest.mark.anyio

API = f"{JIRA}/rest/api/3"
PROJECTS = [
    {"id": "10000", "key": "SHOP", "name": "Shop"},
    {"id": "10001", "key": "SEC", "name": "Security"},
]


def team_status(name: str, project_id: str, key: str | None) -> dict[str, Any]:
    """A status of a team-managed project, as GET /status answers (scope names the project)."""
    project: dict[str, Any] = {"id": project_id}
    if key:
        project["key"] = key
    return {"id": name, "name": name, "scope": {"type": "PROJECT", "project": project}}


def mock_site(statuses: list[dict[str, Any]]) -> dict[str, respx.Route]:
    """Metadata routes of a small site; the routes, to count their calls."""
    return {
        "project": respx.get(f"{API}/project").mock(
            return_value=httpx.Response(200, json=PROJECTS)
        ),
        "status": respx.get(f"{API}/status").mock(return_value=httpx.Response(200, json=statuses)),
        "field": respx.get(f"{API}/field").mock(return_value=httpx.Response(200, json=[])),
    }


async def test_statuses_of_other_projects_are_dropped(open_gateway: GatewayFactory) -> None:
    """Under a scope, a team-managed project's status is kept only if its project is allowed,
    whether Jira names the project by key or only by id."""
    statuses = [
        {"id": "1", "name": "Done"},
        team_status("Shop Review", "10000", None),
        team_status("Shop QA", "10000", "SHOP"),
        team_status("Secret Triage", "10001", "SEC"),
        team_status("Unknown Place", "99999", None),
    ]
    with respx.mock:
        mock_site(statuses)
        async with open_gateway(jira_projects="SHOP") as gateway:
            await gateway.meta.projects()  # the guard learns 10000 -> SHOP
            kept = await gateway.meta.statuses()
            findings = await gateway.check_names('status = "Secret Triage"')
    assert [s["name"] for s in kept] == ["Done", "Shop Review", "Shop QA"]
    assert [f.value for f in findings] == ["Secret Triage"]


async def test_catalogue_is_read_once_per_ttl(
    open_gateway: GatewayFactory, clock: FakeClock
) -> None:
    """Within the TTL a check sends nothing; after it, the lists are read again."""
    with respx.mock:
        routes = mock_site([{"id": "1", "name": "Done"}])
        async with open_gateway() as gateway:
            async with anyio.create_task_group() as group:
                for _ in range(5):  # concurrent first calls share one build
                    group.start_soon(gateway.check_names, "status = Done")
            await gateway.check_names("status = Dnoe")
            calls_within = routes["status"].call_count
            clock.advance(301)
            await gateway.check_names("status = Done")
    assert calls_within == 1
    assert routes["status"].call_count == 2


async def test_unreadable_metadata_finds_nothing(open_gateway: GatewayFactory) -> None:
    """When a list cannot be read the check finds nothing: the search goes to Jira, which
    says itself what is wrong."""
    with respx.mock:
        respx.get(f"{API}/project").mock(return_value=httpx.Response(200, json=PROJECTS))
        respx.get(f"{API}/status").mock(return_value=httpx.Response(403, json={}))
        async with open_gateway(jira_max_retries=0) as gateway:
            assert await gateway.check_names('status = "In Progres"') == []
