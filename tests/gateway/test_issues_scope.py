"""The everyday issue calls through the guard: nothing of SEC comes out, nothing goes in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.site import ChangeEntry, ChangeItem
from server.config import Settings
from server.errors import NotVisible, OutOfScope
from server.gateway import JiraGateway, tool_call
from server.gateway.meta import Deployment
from server.gateway.scope import HIDDEN
from tests.sandbox.helpers import site_of

pytestmark = pytest.mark.anyio

DEEP = "SHOP-30"


@asynccontextmanager
async def scoped(
    projects: str = "SHOP,OPS", deployment: Deployment = "cloud"
) -> AsyncIterator[tuple[JiraGateway, RequestRecorder]]:
    """A gateway scoped to ``projects`` over a recorded sandbox playing ``deployment``."""
    recorder = RequestRecorder(create_app(SandboxConfig(rate_limit=None, deployment=deployment)))
    settings = Settings.model_validate(
        {"jira_url": "sandbox", "jira_projects": projects, "jira_rate_limit": 1000}
    )
    async with JiraGateway.open(settings, asgi_app=recorder) as gateway:
        yield gateway, recorder


async def test_links_to_forbidden_issues_are_counted_not_shown() -> None:
    """SHOP-30's links to SEC are withheld and counted; those to SHOP and OPS stay."""
    async with scoped() as (gateway, _):
        deep = await gateway.issues.read(DEEP, fields=["issuelinks", "summary"])
    links = deep.issue["fields"]["issuelinks"]
    keys = {link.get("outwardIssue", link.get("inwardIssue"))["key"] for link in links}
    assert keys == {"SHOP-31", "SHOP-32", "OPS-10"}
    assert deep.withheld["issuelinks"] == 2


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
async def test_comment_text_naming_a_forbidden_issue_is_masked(deployment: Deployment) -> None:
    """A comment that names SEC-5 reaches the caller with the key replaced."""
    async with scoped(deployment=deployment) as (gateway, _):
        page = await gateway.issues.comments_page(DEEP, max_results=5)
    text = str(page.items)
    assert page.total == 45
    assert "SEC-5" not in text
    assert HIDDEN in text


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
async def test_changelog_hides_forbidden_sprints_and_keys(deployment: Deployment) -> None:
    """A Sprint change from SEC's sprint and a link change to SEC-5 show neither (on Data
    Center too, where the history comes inside the issue)."""
    async with scoped(deployment=deployment) as (gateway, recorder):
        issue = site_of(recorder).find_issue(DEEP)
        assert issue is not None
        item = ChangeItem(
            field="Sprint",
            field_id="customfield_10020",
            from_value="8",
            from_string="SEC Sprint 2",
            to_value="3",
            to_string="SHOP Sprint 3",
        )
        when = issue.changelog[-1].created + timedelta(minutes=1)
        issue.changelog.append(
            ChangeEntry(id="1", author=issue.reporter, created=when, items=[item])
        )
        page = await gateway.issues.newest_changes(DEEP, 31)
    text = str(page.items)
    assert page.total == 31
    assert "SEC Sprint 2" not in text
    assert "SEC-5" not in text
    assert "SHOP Sprint 3" in text


async def test_link_to_a_forbidden_issue_is_refused_before_sending() -> None:
    """create_link to SEC-1 is refused and no link is made."""
    async with scoped() as (gateway, recorder):
        before = len(site_of(recorder).data.links)
        with pytest.raises(OutOfScope):
            await gateway.issues.create_link("Blocks", "SHOP-1", "SEC-1")
    assert len(site_of(recorder).data.links) == before
    assert not recorder.writes()


async def test_a_link_naming_a_forbidden_issue_reads_as_not_found() -> None:
    """GET issueLink of SHOP-30 <-> SEC-5 answers like a missing link."""
    async with scoped() as (gateway, recorder):
        site = site_of(recorder)
        sec = site.find_issue("SEC-5")
        link = next(
            k for k in site.data.links if sec is not None and sec.id in (k.inward, k.outward)
        )
        with pytest.raises(NotVisible) as forbidden:
            await gateway.issues.link(link.id)
        with pytest.raises(NotVisible) as missing:
            await gateway.issues.link("99999")
    assert str(forbidden.value).replace(link.id, "#") == str(missing.value).replace("99999", "#")


async def test_agile_moves_check_the_sprint_and_every_issue() -> None:
    """SEC's sprint, or an SEC issue among the moved ones, is refused; nothing moves."""
    async with scoped() as (gateway, recorder):
        with pytest.raises(NotVisible):
            await gateway.issues.move_to_sprint(8, ["SHOP-1"])
        with pytest.raises(OutOfScope):
            await gateway.issues.move_to_sprint(6, ["SHOP-1", "SEC-1"])
        with pytest.raises(OutOfScope):
            await gateway.issues.move_to_backlog(["SEC-1"])
    assert not recorder.writes()


async def test_editmeta_is_cached_per_project_and_type() -> None:
    """A second issue of the same project and type reuses the edit screen: no request."""
    async with scoped() as (gateway, recorder):
        with tool_call():
            await gateway.issues.editmeta("SHOP-30", project="SHOP", issuetype="10001")
            recorder.take()
            await gateway.issues.editmeta("SHOP-31", project="SHOP", issuetype="10001")
    assert recorder.take() == []


async def test_newest_history_past_a_page_costs_a_second_request() -> None:
    """130 entries: the newest 30 come from a second page that starts at entry 100."""
    async with scoped() as (gateway, recorder):
        issue = site_of(recorder).find_issue(DEEP)
        assert issue is not None
        last = issue.changelog[-1]
        for n in range(100):
            created = last.created + timedelta(minutes=n + 1)
            issue.changelog.append(last.model_copy(update={"id": f"x{n}", "created": created}))
        with tool_call():
            await gateway.issues.read(DEEP, fields=["summary"])
            recorder.take()
            page = await gateway.issues.newest_changes(DEEP, 30)
    assert page.total == 130
    assert [entry["id"] for entry in page.items] == [f"x{n}" for n in range(70, 100)]
    history = [r for r in recorder.take() if r.endswith("/changelog")]
    assert history == [f"GET /rest/api/3/issue/{DEEP}/changelog"] * 2
