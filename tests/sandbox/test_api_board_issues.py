"""Agile board issues: a board's issues filtered by JQL, each carrying its current sprint."""

from __future__ import annotations

import pytest

from sandbox.app import create_app
from tests.sandbox.helpers import config, sandbox, site_of
from tests.sandbox.test_api_agile import issue_page

pytestmark = pytest.mark.anyio

ACTIVE_ONLY = "sprint in openSprints() AND sprint not in futureSprints()"


async def test_active_sprint_issues_of_a_board() -> None:
    """The JQL finds exactly the issues of SHOP's active sprint, each with that sprint."""
    app = create_app(config())
    site = site_of(app)
    active = next(s for s in site.data.sprints if s.board_id == 1 and s.state == "active")
    expected = {i.key for i in site.issues() if i.project == "SHOP" and active.id in i.sprints}
    found: list[str] = []
    async with sandbox(app) as client:
        start = 0
        while True:
            page = issue_page(
                await client.get(
                    "/rest/agile/1.0/board/1/issue",
                    params={"jql": ACTIVE_ONLY, "fields": "summary", "startAt": start},
                )
            )
            for issue in page["issues"]:
                assert issue["fields"]["sprint"]["id"] == active.id
                found.append(issue["key"])
            start += len(page["issues"])
            if not page["issues"] or start >= page["total"]:
                break
    assert sorted(found) == sorted(expected)
    assert len(found) == len(set(found)) > 50


async def test_future_sprints_function() -> None:
    """futureSprints() matches the issues of sprints that have not started."""
    app = create_app(config())
    site = site_of(app)
    future = {s.id for s in site.data.sprints if s.state == "future"}
    expected = {i.key for i in site.issues() if set(i.sprints) & future}
    async with sandbox(app) as client:
        response = await client.post(
            "/rest/api/3/search/jql",
            json={"jql": "sprint in futureSprints()", "fields": ["summary"], "maxResults": 100},
        )
    assert response.status_code == 200, response.text
    assert {i["key"] for i in response.json()["issues"]} == expected
    assert expected
