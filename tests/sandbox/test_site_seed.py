"""The seeded demo site: deterministic, realistic in size and shape, anchored to the clock."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from sandbox.config import DEMO_ACCOUNT_ID, SandboxConfig
from sandbox.seed import EPIC, SUBTASK, build_site
from sandbox.site import Site
from tests.sandbox.helpers import NOW

SITE = Site(build_site(7, NOW))


def test_same_seed_and_anchor_give_the_same_site() -> None:
    """Generation is deterministic; another seed gives other data."""
    assert build_site(7, NOW) == SITE.data
    assert build_site(8, NOW).issues != SITE.data.issues


def test_projects_have_the_advertised_sizes() -> None:
    """SHOP has 200 issues, OPS 80 and SEC 30."""
    counts = Counter(i.project for i in SITE.issues())
    assert counts == {"SHOP": 200, "OPS": 80, "SEC": 30}
    assert [p.name for p in SITE.data.projects] == ["Webshop", "Operations", "Security Incidents"]


def test_keys_are_unique_and_numbered_per_project() -> None:
    """Keys run from 1 in each project without gaps or duplicates."""
    for key in ("SHOP", "OPS", "SEC"):
        numbers = sorted(int(i.key.split("-")[1]) for i in SITE.issues() if i.project == key)
        assert numbers == list(range(1, len(numbers) + 1))


def test_parents_follow_the_hierarchy() -> None:
    """Sub-tasks sit under stories or tasks of their project; others only under epics."""
    for issue in SITE.issues():
        parent = SITE.by_id.get(issue.parent) if issue.parent else None
        if issue.issuetype == SUBTASK:
            assert parent is not None
            assert parent.project == issue.project
            assert parent.issuetype not in (EPIC, SUBTASK)
        elif parent is not None:
            assert parent.issuetype == EPIC


def test_users_look_like_atlassian_accounts() -> None:
    """About a dozen users with 24-hex account ids; the default caller is Demo User."""
    users = SITE.data.users
    assert 10 <= len(users) <= 14
    assert all(re.fullmatch(r"[0-9a-f]{24}", u.account_id) for u in users)
    demo = SITE.users[DEMO_ACCOUNT_ID]
    assert (demo.display_name, demo.email) == ("Demo User", "demo@example.com")


def test_sprints_around_the_anchor() -> None:
    """SHOP has closed sprints, one active sprint around now and a future one; SEC is active."""
    shop = [s for s in SITE.data.sprints if s.board_id == 1]
    assert Counter(s.state for s in shop) == {"closed": 4, "active": 1, "future": 1}
    active = next(s for s in shop if s.state == "active")
    assert active.start is not None
    assert active.end is not None
    assert active.start < NOW < active.end
    assert sum(1 for i in SITE.issues() if active.id in i.sprints) > 50
    assert any(s.state == "active" for s in SITE.data.sprints if s.board_id == 3)


def test_dates_are_before_the_anchor_and_consistent() -> None:
    """Issues were created before now, updated after creation, resolved only when done."""
    for issue in SITE.issues():
        assert issue.created < NOW
        assert issue.created <= issue.updated <= NOW + timedelta(seconds=1)
        done = SITE.category_of(issue).key == "done"
        assert (issue.resolution is not None) == done
        assert (issue.resolved is not None) == done


def test_demo_data_has_the_variety_queries_need() -> None:
    """Every status, priority and type occurs; some issues are flagged, pointed and labelled."""
    issues = list(SITE.issues())
    assert {i.status for i in issues} == set(SITE.statuses)
    assert {i.priority for i in issues} == set(SITE.priorities)
    assert {i.issuetype for i in issues} == set(SITE.issuetypes)
    assert any(i.flagged for i in issues)
    assert any(i.story_points for i in issues)
    assert any(i.labels for i in issues)
    assert any(i.comments for i in issues)
    assert sum(1 for i in issues if i.assignee == DEMO_ACCOUNT_ID) > 10


def test_site_clock_drives_now() -> None:
    """A site built with a clock reports that clock's time as now."""
    site = Site(build_site(7, NOW), clock=SandboxConfig(clock=lambda: 0.0).clock)
    assert site.now.timestamp() == 0.0
