"""Agile 1.0: boards, configuration, sprints and sprint issues."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.app import create_app
from tests.sandbox.helpers import checked, config, conforms, sandbox, site_of


def sprint_page(response: httpx.Response) -> Any:
    """A sprint list; the spec gives these pages no schema, so each sprint is a SprintBean."""
    assert response.status_code == 200, response.text
    body = response.json()
    for sprint in body["values"]:
        conforms("SprintBean", sprint, "software")
    return body


def issue_page(response: httpx.Response) -> Any:
    """A sprint's issues, checked as the SearchResults the spec describes in prose."""
    assert response.status_code == 200, response.text
    body = response.json()
    conforms("SearchResults", body, "software")
    return body


@pytest.mark.anyio
async def test_boards_are_listed_and_filtered() -> None:
    """Three boards; `projectKeyOrId` and `type` filter them."""
    async with sandbox() as client:
        every = checked(await client.get("/rest/agile/1.0/board"), "/rest/agile/1.0/board")
        shop = checked(
            await client.get("/rest/agile/1.0/board", params={"projectKeyOrId": "SHOP"}),
            "/rest/agile/1.0/board",
        )
        kanban = checked(
            await client.get("/rest/agile/1.0/board", params={"type": "kanban"}),
            "/rest/agile/1.0/board",
        )
        one = checked(
            await client.get("/rest/agile/1.0/board/3"), "/rest/agile/1.0/board/{boardId}"
        )
        missing = await client.get("/rest/agile/1.0/board/99")
    assert [(b["id"], b["type"]) for b in every["values"]] == [
        (1, "scrum"),
        (2, "kanban"),
        (3, "scrum"),
    ]
    assert [b["id"] for b in shop["values"]] == [1]
    assert [b["location"]["projectKey"] for b in kanban["values"]] == ["OPS"]
    assert one["location"]["projectKey"] == "SEC"
    assert missing.status_code == 404


@pytest.mark.anyio
async def test_scrum_board_estimates_with_story_points() -> None:
    """The SHOP board's configuration names customfield_10016 as its estimation field."""
    async with sandbox() as client:
        conf = checked(
            await client.get("/rest/agile/1.0/board/1/configuration"),
            "/rest/agile/1.0/board/{boardId}/configuration",
        )
        kanban = checked(
            await client.get("/rest/agile/1.0/board/2/configuration"),
            "/rest/agile/1.0/board/{boardId}/configuration",
        )
    assert conf["estimation"]["field"] == {
        "fieldId": "customfield_10016",
        "displayName": "Story Points",
    }
    assert "estimation" not in kanban
    assert conf["columnConfig"]["columns"][-1]["name"] == "Done"


@pytest.mark.anyio
async def test_board_sprints_by_state() -> None:
    """Sprints come closed, active, future; `state` filters; kanban has none."""
    async with sandbox() as client:
        every = sprint_page(await client.get("/rest/agile/1.0/board/1/sprint"))
        active = sprint_page(
            await client.get("/rest/agile/1.0/board/1/sprint", params={"state": "active"})
        )
        sec = await client.get("/rest/agile/1.0/board/3/sprint", params={"state": "active"})
        kanban = await client.get("/rest/agile/1.0/board/2/sprint")
    assert [s["state"] for s in every["values"]] == ["closed"] * 4 + ["active", "future"]
    assert [s["id"] for s in active["values"]] == [5]
    assert "startDate" not in every["values"][-1]
    assert [s["id"] for s in sec.json()["values"]] == [8]
    assert checked(kanban, "/rest/agile/1.0/board/{boardId}/sprint", 400) == {
        "errorMessages": ["The board does not support sprints"],
        "errors": {},
    }


@pytest.mark.anyio
async def test_active_sprint_is_bigger_than_a_page_and_pages_cover_it() -> None:
    """The active SHOP sprint has more than 50 issues; startAt paging sees each once."""
    app = create_app(config())
    expected = {str(i.id) for i in site_of(app).issues() if 5 in i.sprints}
    seen: list[str] = []
    async with sandbox(app) as client:
        response = await client.get("/rest/agile/1.0/sprint/5")
        sprint = response.json()
        conforms("SprintBean", sprint, "software")
        start = 0
        while True:
            page = issue_page(
                await client.get(
                    "/rest/agile/1.0/sprint/5/issue",
                    params={"startAt": start, "maxResults": 500, "fields": "summary"},
                )
            )
            assert page["maxResults"] == 50
            seen += [i["id"] for i in page["issues"]]
            start += len(page["issues"])
            if start >= page["total"]:
                break
    assert sprint["state"] == "active"
    assert len(expected) > 50
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected


@pytest.mark.anyio
async def test_sprint_issues_take_jql_and_carry_agile_fields() -> None:
    """`jql` filters sprint issues; each carries sprint, closedSprints, flagged and epic."""
    app = create_app(config())
    site = site_of(app)
    expected = {
        i.key for i in site.issues() if 5 in i.sprints and site.statuses[i.status].name == "Done"
    }
    async with sandbox(app) as client:
        page = issue_page(
            await client.get(
                "/rest/agile/1.0/sprint/5/issue",
                params={"jql": "status = Done", "fields": "status"},
            )
        )
        bad = await client.get("/rest/agile/1.0/sprint/5/issue", params={"jql": "nope = 1"})
    assert {i["key"] for i in page["issues"]} == expected
    fields = page["issues"][0]["fields"]
    assert fields["sprint"]["id"] == 5
    assert {"closedSprints", "flagged", "epic"} <= set(fields)
    assert bad.status_code == 400
