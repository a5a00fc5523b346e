"""JQL through `/search/jql` agrees with answers computed by hand from the site's data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from sandbox.app import create_app
from sandbox.config import DEMO_ACCOUNT_ID
from sandbox.site import Issue, Site
from tests.sandbox.helpers import NOW, checked, config, sandbox, site_of

SEARCH = "/rest/api/3/search/jql"
APP = create_app(config())
SITE = site_of(APP)


def status(site: Site, issue: Issue) -> str:
    """The issue's status name."""
    return site.statuses[issue.status].name


def in_sprint_state(site: Site, issue: Issue, *states: str) -> bool:
    """Whether any of the issue's sprints is in one of the states."""
    return any(site.sprints[s].state in states for s in issue.sprints)


def parent_key(site: Site, issue: Issue) -> str | None:
    """The key of the issue's parent."""
    return site.by_id[issue.parent].key if issue.parent else None


Check = Callable[[Site, Issue], bool]
TABLE: list[tuple[str, Check]] = [
    ("project = SHOP", lambda s, i: i.project == "SHOP"),
    ("project = webshop", lambda s, i: i.project == "SHOP"),
    (
        "project in (OPS, SEC) AND status = Done",
        lambda s, i: i.project in ("OPS", "SEC") and status(s, i) == "Done",
    ),
    (
        "project = SHOP AND statusCategory != Done",
        lambda s, i: i.project == "SHOP" and s.category_of(i).key != "done",
    ),
    (
        "project = SHOP AND issuetype = Bug AND priority in (Highest, High)",
        lambda s, i: i.project == "SHOP" and i.issuetype == "10003" and i.priority in ("1", "2"),
    ),
    ("assignee = currentUser()", lambda s, i: i.assignee == DEMO_ACCOUNT_ID),
    ("project = OPS AND assignee is EMPTY", lambda s, i: i.project == "OPS" and not i.assignee),
    ("assignee = 'demo@example.com'", lambda s, i: i.assignee == DEMO_ACCOUNT_ID),
    (
        'assignee = "Demo User" AND project = SEC',
        lambda s, i: i.assignee == DEMO_ACCOUNT_ID and i.project == "SEC",
    ),
    ("sprint in openSprints()", lambda s, i: in_sprint_state(s, i, "active", "future")),
    (
        "sprint in closedSprints() AND project = SHOP",
        lambda s, i: i.project == "SHOP" and in_sprint_state(s, i, "closed"),
    ),
    ("sprint = 5", lambda s, i: 5 in i.sprints),
    (
        'sprint = "SHOP Sprint 5" AND resolution is EMPTY',
        lambda s, i: 5 in i.sprints and i.resolution is None,
    ),
    ('"Story Points" >= 5', lambda s, i: (i.story_points or 0) >= 5),
    ("cf[10016] = 3 AND project = SHOP", lambda s, i: i.story_points == 3 and i.project == "SHOP"),
    (
        "project = SHOP AND labels = frontend",
        lambda s, i: i.project == "SHOP" and "frontend" in i.labels,
    ),
    ("project = SHOP AND labels is EMPTY", lambda s, i: i.project == "SHOP" and not i.labels),
    (
        "project = SHOP AND component = Checkout",
        lambda s, i: i.project == "SHOP" and "100001" in i.components,
    ),
    ("fixVersion = 1.0", lambda s, i: "100000" in i.fix_versions),
    ("created >= -30d", lambda s, i: i.created >= NOW - timedelta(days=30)),
    (
        "project = SHOP AND updated < -60d",
        lambda s, i: i.project == "SHOP" and i.updated < NOW - timedelta(days=60),
    ),
    (
        "resolved >= startOfMonth()",
        lambda s, i: i.resolved is not None and i.resolved >= NOW.replace(day=1, hour=0, minute=0),
    ),
    (
        "duedate < now() AND statusCategory != Done",
        lambda s, i: (
            i.duedate is not None
            and i.duedate <= NOW.date().isoformat()
            and s.category_of(i).key != "done"
        ),
    ),
    ("parent = SHOP-1", lambda s, i: parent_key(s, i) == "SHOP-1"),
    ("project = SHOP AND parent is EMPTY", lambda s, i: i.project == "SHOP" and i.parent is None),
    ("flagged = Impediment", lambda s, i: i.flagged),
    ("summary ~ checkout", lambda s, i: "checkout" in i.summary.lower().split()),
    (
        'project = SHOP AND NOT status = "To Do"',
        lambda s, i: i.project == "SHOP" and status(s, i) != "To Do",
    ),
    (
        "project = SEC OR (project = OPS AND priority = Highest)",
        lambda s, i: i.project == "SEC" or (i.project == "OPS" and i.priority == "1"),
    ),
    (
        'assignee in membersOf("security-team")',
        lambda s, i: i.assignee is not None and "security-team" in s.users[i.assignee].groups,
    ),
    ("key in (SHOP-1, OPS-2, SEC-3)", lambda s, i: i.key in ("SHOP-1", "OPS-2", "SEC-3")),
]


def expected_ids(check: Check) -> set[str]:
    """The ids of the issues the hand-written check accepts."""
    return {str(i.id) for i in SITE.issues() if check(SITE, i)}


@pytest.mark.anyio
@pytest.mark.parametrize(("jql", "check"), TABLE, ids=[row[0] for row in TABLE])
async def test_jql_matches_hand_computed_answer(jql: str, check: Check) -> None:
    """The search returns exactly the issues a direct look at the data finds."""
    async with sandbox(APP) as client:
        page = checked(await client.post(SEARCH, json={"jql": jql, "maxResults": 5000}), SEARCH)
    found = [issue["id"] for issue in page["issues"]]
    assert len(found) == len(set(found))
    assert set(found) == expected_ids(check)
    assert found, "each row of the table should match something"


@pytest.mark.anyio
async def test_order_by_priority_then_key() -> None:
    """ORDER BY priority DESC, key sorts by priority rank, then by issue number."""
    async with sandbox(APP) as client:
        page = checked(
            await client.post(
                SEARCH,
                json={
                    "jql": "project = SEC ORDER BY priority DESC, key ASC",
                    "fields": ["priority"],
                    "maxResults": 100,
                },
            ),
            SEARCH,
        )
    ranks = {p.name: p.rank for p in SITE.data.priorities}
    got = [
        (ranks[i["fields"]["priority"]["name"]], int(i["key"].split("-")[1]))
        for i in page["issues"]
    ]
    assert got == sorted(got)


@pytest.mark.anyio
async def test_order_by_created_descending() -> None:
    """ORDER BY created DESC returns the newest issue first."""
    async with sandbox(APP) as client:
        page = checked(
            await client.post(
                SEARCH,
                json={
                    "jql": "project = OPS ORDER BY created DESC",
                    "fields": ["created"],
                    "maxResults": 100,
                },
            ),
            SEARCH,
        )
    created = [i["fields"]["created"] for i in page["issues"]]
    assert created == sorted(created, reverse=True)
    assert len(created) == 80
