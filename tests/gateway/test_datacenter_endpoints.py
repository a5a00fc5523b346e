"""Endpoints that differ on Data Center answer the gateway exactly as Cloud's do."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import fields, is_dataclass, replace
from typing import Any

import pytest

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from server.config import Settings
from server.gateway import JiraGateway
from server.gateway.dc_sprints import sprint_object
from server.gateway.guard import tool_call
from server.gateway.meta import Deployment

pytestmark = pytest.mark.anyio

Read = Callable[[JiraGateway], Awaitable[Any]]
NOW = 1_790_000_000.0
# Links into the REST API, which Data Center writes with /rest/api/2.
LINKS = frozenset({"self", "autoCompleteUrl"})
SPRINT_TEXT = (
    "com.atlassian.greenhopper.service.sprint.Sprint@77c19629[id=318,rapidViewId=174,"
    "state=CLOSED,name=Sprint 30, the last one,startDate=2018-05-01T09:24:47.212-07:00,"
    "endDate=2018-05-15T09:00:00.000-07:00,completeDate=<null>,sequence=318,"
    "goal=Define scope, then ship,]"
)


@asynccontextmanager
async def gateway_on(
    deployment: Deployment, projects: str = "SHOP,OPS"
) -> AsyncIterator[tuple[JiraGateway, RequestRecorder]]:
    """A gateway told its deployment, on a sandbox playing it; and the requests it sends."""
    # One moment for both sandboxes, so their seeded dates are the same.
    config = SandboxConfig(rate_limit=None, deployment=deployment, clock=lambda: NOW)
    recorder = RequestRecorder(create_app(config))
    settings = Settings.model_validate(
        {
            "jira_url": "sandbox",
            "jira_projects": projects,
            "jira_rate_limit": 1000,
            "jira_deployment": deployment,
        }
    )
    async with JiraGateway.open(settings, asgi_app=recorder) as gateway:
        yield gateway, recorder


def as_cloud_links(value: Any) -> Any:
    """``value`` with Data Center's REST v2 self links written as Cloud's v3 ones."""
    if isinstance(value, list):
        return [as_cloud_links(item) for item in value]
    if isinstance(value, dict):
        return {
            key: item.replace("/rest/api/2/", "/rest/api/3/")
            if key in LINKS and isinstance(item, str)
            else as_cloud_links(item)
            for key, item in value.items()
        }
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: as_cloud_links(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changed)
    return value


# What both sites say alike of a person. Their ids differ by design: Data Center names a user
# by username where Cloud has an accountId (server/gateway/dc_users.py), in user objects and
# in the from/to of a changelog item of a user field.
PERSON = ("displayName", "emailAddress", "active", "timeZone")
USER_FIELDS = frozenset({"assignee", "reporter"})


def as_people(value: Any) -> Any:
    """``value`` with user objects cut to PERSON and user ids left out of changelog items."""
    if isinstance(value, list):
        return [as_people(item) for item in value]
    if isinstance(value, dict):
        if "displayName" in value and "accountId" in value:
            return {key: value[key] for key in PERSON if key in value}
        ids = ("from", "to") if value.get("fieldId") in USER_FIELDS else ()
        return {key: as_people(item) for key, item in value.items() if key not in ids}
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: as_people(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changed)
    return value


async def _content(gateway: JiraGateway) -> bytes:
    with tool_call():
        await gateway.attachments.listed("SHOP-1")
        return (await gateway.attachments.content("30001", max_bytes=1_000_000)).content


# What each rewritten read returns, and the request Data Center is sent for it.
READS: dict[str, tuple[Read, str]] = {
    "changelog page": (
        lambda g: g.issues.changelog_page("SHOP-30", start_at=10, max_results=7),
        "GET /rest/api/2/issue/SHOP-30",
    ),
    "newest changes": (
        lambda g: g.issues.newest_changes("SHOP-30", 4),
        "GET /rest/api/2/issue/SHOP-30",
    ),
    "create issue types": (
        lambda g: g.meta.createmeta_issuetypes("SHOP"),
        "GET /rest/api/2/issue/createmeta/SHOP/issuetypes",
    ),
    "create screen": (
        lambda g: g.meta.createmeta_fields("SHOP", "10001"),
        "GET /rest/api/2/issue/createmeta/SHOP/issuetypes/10001",
    ),
    "attachment content": (_content, "GET /secure/attachment/30001/shop-screenshot.png"),
    "comments page": (
        lambda g: g.issues.comments_page("SHOP-30", start_at=5, max_results=10),
        "GET /rest/api/2/issue/SHOP-30/comment",
    ),
}


@pytest.mark.parametrize("name", sorted(READS))
async def test_data_center_answers_as_cloud_does(name: str) -> None:
    """The same call gives the same result on both sandboxes; Data Center is sent its own
    endpoint, and every request sent had passed the scope guard."""
    read, expected = READS[name]
    async with gateway_on("cloud") as (cloud, _):
        on_cloud = await read(cloud)
    async with gateway_on("datacenter") as (datacenter, recorder):
        on_datacenter = await read(datacenter)
        checked = sum(datacenter.http.guard.checked.values())
    assert as_people(as_cloud_links(on_datacenter)) == as_people(on_cloud)
    assert expected in recorder.requests
    assert not [r for r in recorder.requests if "/rest/api/3/" in r or r.endswith("/changelog")]
    assert len(recorder.requests) == checked


async def test_jql_verdicts_say_what_is_wrong_on_data_center() -> None:
    """parse_jql on Data Center: a valid query has no errors, a bad one Jira's messages."""
    async with gateway_on("datacenter") as (gateway, recorder):
        good, bad = await gateway.parse_jql(
            ["status = Done", 'status = "Nope" AND nosuchfield = 1']
        )
    assert "errors" not in good
    assert good["query"] == 'status = "Done" AND project IN ("SHOP", "OPS")'
    assert bad["errors"] == [
        "Field 'nosuchfield' does not exist or you do not have permission to view it.",
        "The value 'Nope' does not exist for the field 'status'.",
    ]
    assert recorder.requests == ["POST /rest/api/2/search"] * 2


async def test_sprint_field_reads_as_cloud_objects() -> None:
    """An issue's Sprint field on Data Center holds the sprints Cloud's does."""
    keys = ("id", "name", "state", "boardId", "startDate", "endDate", "completeDate")
    issues = {}
    for deployment in ("cloud", "datacenter"):
        async with gateway_on(deployment) as (gateway, _):
            field = next(f["id"] for f in await gateway.meta.fields() if f["name"] == "Sprint")
            page = await gateway.search_page(
                'project = SHOP AND "Sprint" is not EMPTY ORDER BY key',
                fields=(field,),
                max_results=20,
            )
            # One order on both sites: without it Data Center's pages sort by key as well
            # (server/gateway/dc_paging.py) and the first 20 are other issues than Cloud's.
            issues[deployment] = {
                i["key"]: [{k: s.get(k) for k in keys} for s in i["fields"][field]]
                for i in page.issues
            }
    assert issues["datacenter"] == issues["cloud"]
    assert any(issues["cloud"].values())


def test_sprint_text_with_commas_in_its_name_and_goal() -> None:
    """Names and goals may hold commas; <null> dates are left out; the state is lower case."""
    assert sprint_object(SPRINT_TEXT) == {
        "id": 318,
        "name": "Sprint 30, the last one",
        "state": "closed",
        "boardId": 174,
        "goal": "Define scope, then ship,",
        "startDate": "2018-05-01T09:24:47.212-07:00",
        "endDate": "2018-05-15T09:00:00.000-07:00",
    }


@pytest.mark.parametrize(
    "text",
    [
        SPRINT_TEXT.replace("rapidViewId=174,", ""),
        SPRINT_TEXT.replace("state=CLOSED", "state=ARCHIVED"),
        SPRINT_TEXT.replace("id=318,", "id=x,"),
    ],
)
def test_a_sprint_text_without_its_board_or_state_cannot_be_read(text: str) -> None:
    """Without a board, a known state or a numeric id the sprint cannot be checked: None."""
    assert sprint_object(text) is None
