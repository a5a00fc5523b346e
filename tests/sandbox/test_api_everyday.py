"""Everyday issue work: comments, changelog, editmeta and edits, links, Agile moves, users."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.app import create_app
from sandbox.config import DEMO_ACCOUNT_ID
from sandbox.records import adf_text
from sandbox.seed_deep import DEEP, RESTRICTED_ROLE
from tests.sandbox.helpers import checked, config, sandbox, site_of

pytestmark = pytest.mark.anyio

ISSUE = "/rest/api/3/issue/{issueIdOrKey}"
COMMENTS = "/rest/api/3/issue/{issueIdOrKey}/comment"
CHANGELOG = "/rest/api/3/issue/{issueIdOrKey}/changelog"
EDITMETA = "/rest/api/3/issue/{issueIdOrKey}/editmeta"
LINK = "/rest/api/3/issueLink"
LINK_ID = "/rest/api/3/issueLink/{linkId}"


def doc(text: str) -> dict[str, Any]:
    """A one-paragraph ADF document."""
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


async def links_of(client: Any, key: str) -> list[dict[str, Any]]:
    """The issuelinks field of an issue."""
    response = await client.get(f"/rest/api/3/issue/{key}", params={"fields": "issuelinks"})
    links: list[dict[str, Any]] = checked(response, ISSUE)["fields"]["issuelinks"]
    return links


def phrases(links: list[dict[str, Any]]) -> list[str]:
    """Each link as the issue's page reads it: "blocks SHOP-2", "is blocked by SHOP-1"."""
    out = []
    for link in links:
        side = "outwardIssue" if "outwardIssue" in link else "inwardIssue"
        phrase = link["type"]["outward" if side == "outwardIssue" else "inward"]
        out.append(f"{phrase} {link[side]['key']}")
    return out


async def test_seeded_deep_issue_has_long_text_comments_history_and_links() -> None:
    """SHOP-30 has a description of over 6,000 characters, 45 comments, 30 changes and
    links into OPS and SEC."""
    async with sandbox() as client:
        issue = checked(await client.get(f"/rest/api/3/issue/{DEEP}"), ISSUE)
    assert len(adf_text(issue["fields"]["description"])) > 6000
    assert issue["fields"]["comment"]["total"] == 45
    linked = {
        link.get("outwardIssue", link.get("inwardIssue"))["key"]
        for link in issue["fields"]["issuelinks"]
    }
    assert {"SHOP-31", "SHOP-32", "OPS-10", "SEC-5", "SEC-6"} <= linked


async def test_comments_are_paged_newest_first_with_visibility() -> None:
    """orderBy=-created pages from the newest; a restricted comment shows its role."""
    async with sandbox() as client:
        first = checked(
            await client.get(
                f"/rest/api/3/issue/{DEEP}/comment",
                params={"orderBy": "-created", "maxResults": 10},
            ),
            COMMENTS,
        )
        everything = checked(
            await client.get(f"/rest/api/3/issue/{DEEP}/comment", params={"startAt": 0}),
            COMMENTS,
        )
    assert first["total"] == 45
    assert len(first["comments"]) == 10
    assert first["comments"][0]["id"] == everything["comments"][-1]["id"]
    restricted = [c for c in everything["comments"] if "visibility" in c]
    assert [c["visibility"]["value"] for c in restricted] == [RESTRICTED_ROLE]


async def test_comment_with_visibility_and_property_round_trips() -> None:
    """A posted comment keeps its group restriction and its property (expand=properties)."""
    async with sandbox() as client:
        posted = await client.post(
            "/rest/api/3/issue/SHOP-2/comment",
            json={
                "body": doc("only for admins"),
                "visibility": {"type": "group", "value": "site-admins"},
                "properties": [{"key": "gateway.request", "value": {"id": "r-1"}}],
            },
        )
        created = checked(posted, COMMENTS, 201)
        page = checked(
            await client.get(
                "/rest/api/3/issue/SHOP-2/comment",
                params={"orderBy": "-created", "maxResults": 1, "expand": "properties"},
            ),
            COMMENTS,
        )
    assert created["visibility"]["value"] == "site-admins"
    newest = page["comments"][0]
    assert newest["id"] == created["id"]
    assert newest["properties"] == [{"key": "gateway.request", "value": {"id": "r-1"}}]


@pytest.mark.parametrize(
    ("visibility", "said"),
    [
        ({"type": "role", "value": "Wizards"}, "Invalid role level specified: Wizards."),
        ({"type": "group", "value": "ops-team"}, "not a member of the group: ops-team"),
    ],
)
async def test_unknown_role_or_foreign_group_is_refused(
    visibility: dict[str, str], said: str
) -> None:
    """A role the site lacks or a group the caller is not in: 400 under commentLevel."""
    app = create_app(config())
    before = len(site_of(app).find_issue("SHOP-2").comments)  # type: ignore[union-attr]
    async with sandbox(app) as client:
        response = await client.post(
            "/rest/api/3/issue/SHOP-2/comment", json={"body": doc("x"), "visibility": visibility}
        )
    body = checked(response, COMMENTS, 400)
    assert said in body["errors"]["commentLevel"]
    assert len(site_of(app).find_issue("SHOP-2").comments) == before  # type: ignore[union-attr]


async def test_changelog_is_paged_oldest_first() -> None:
    """GET changelog pages through the 30 entries with startAt, total and isLast."""
    async with sandbox() as client:
        first = checked(
            await client.get(f"/rest/api/3/issue/{DEEP}/changelog", params={"maxResults": 20}),
            CHANGELOG,
        )
        last = checked(
            await client.get(
                f"/rest/api/3/issue/{DEEP}/changelog", params={"startAt": 20, "maxResults": 20}
            ),
            CHANGELOG,
        )
    assert (first["total"], len(first["values"]), first["isLast"]) == (30, 20, False)
    assert (len(last["values"]), last["isLast"]) == (10, True)
    assert first["values"][0]["created"] <= last["values"][-1]["created"]
    assert {"field", "fieldId", "toString"} <= set(first["values"][0]["items"][0])


async def test_editmeta_lists_the_edit_screen() -> None:
    """editmeta has summary and labels (with add/remove), and not project or issue type."""
    async with sandbox() as client:
        meta = checked(await client.get("/rest/api/3/issue/SHOP-12/editmeta"), EDITMETA)
    fields = meta["fields"]
    assert fields["summary"]["required"] is True
    assert set(fields["labels"]["operations"]) == {"add", "set", "remove"}
    assert "project" not in fields
    assert "issuetype" not in fields


async def test_edit_with_fields_and_update_operations() -> None:
    """One PUT sets fields and adds and removes labels; the changelog records it."""
    app = create_app(config())
    issue = site_of(app).find_issue("SHOP-12")
    assert issue is not None
    issue.labels = ["ux", "seo"]
    async with sandbox(app) as client:
        response = await client.put(
            "/rest/api/3/issue/SHOP-12",
            json={
                "fields": {"summary": "Sharper title", "priority": {"name": "High"}},
                "update": {"labels": [{"add": "mobile"}, {"remove": "seo"}]},
            },
        )
    checked(response, ISSUE, 204)
    assert (issue.summary, issue.priority, issue.labels) == ("Sharper title", "2", ["mobile", "ux"])
    assert {i.field for i in issue.changelog[-1].items} >= {"summary", "priority", "labels"}


async def test_a_bad_edit_changes_nothing_and_names_each_field() -> None:
    """A field off the screen and a bad value: Jira's errors by field, and no write at all."""
    app = create_app(config())
    issue = site_of(app).find_issue("SHOP-12")
    assert issue is not None
    before = issue.model_dump_json()
    async with sandbox(app) as client:
        off_screen = await client.put(
            "/rest/api/3/issue/SHOP-12",
            json={"fields": {"summary": "new", "customfield_10031": "CS-1"}},
        )
        bad_value = await client.put(
            "/rest/api/3/issue/SHOP-12",
            json={"fields": {"summary": "new", "priority": {"name": "Urgentest"}}},
        )
    assert "cannot be set" in checked(off_screen, ISSUE, 400)["errors"]["customfield_10031"]
    assert checked(bad_value, ISSUE, 400)["errors"] == {
        "priority": "The priority selected is invalid."
    }
    assert issue.model_dump_json() == before


async def test_link_direction_reads_as_jira_cloud_shows_it() -> None:
    """inwardIssue=A, outwardIssue=B with Blocks: A reads "blocks B", B "is blocked by A"."""
    async with sandbox() as client:
        body = {
            "type": {"name": "Blocks"},
            "inwardIssue": {"key": "SHOP-2"},
            "outwardIssue": {"key": "SHOP-3"},
        }
        checked(await client.post("/rest/api/3/issueLink", json=body), LINK, 201)
        checked(await client.post("/rest/api/3/issueLink", json=body), LINK, 201)
        on_a = await links_of(client, "SHOP-2")
        on_b = await links_of(client, "SHOP-3")
        link = checked(await client.get(f"/rest/api/3/issueLink/{on_a[0]['id']}"), LINK_ID)
    assert phrases(on_a) == ["blocks SHOP-3"]
    assert phrases(on_b) == ["is blocked by SHOP-2"]
    assert (link["inwardIssue"]["key"], link["outwardIssue"]["key"]) == ("SHOP-2", "SHOP-3")


async def test_link_can_be_deleted_and_types_listed() -> None:
    """DELETE removes the link from both issues; the four standard types are listed."""
    async with sandbox() as client:
        types = checked(await client.get("/rest/api/3/issueLinkType"), "/rest/api/3/issueLinkType")
        link_id = (await links_of(client, "SHOP-31"))[0]["id"]
        checked(await client.delete(f"/rest/api/3/issueLink/{link_id}"), LINK_ID, 204)
        gone = await client.get(f"/rest/api/3/issueLink/{link_id}")
        remaining = [x["id"] for x in await links_of(client, DEEP)]
    names = [t["name"] for t in types["issueLinkTypes"]]
    assert names == ["Blocks", "Cloners", "Duplicate", "Relates"]
    assert gone.status_code == 404
    assert link_id not in remaining


async def test_sprint_and_backlog_moves() -> None:
    """An issue moves into the future sprint, then to the backlog, keeping closed sprints."""
    app = create_app(config())
    site = site_of(app)
    issue = next(i for i in site.issues() if i.project == "SHOP" and i.sprints == [5])
    async with sandbox(app) as client:
        moved = await client.post("/rest/agile/1.0/sprint/6/issue", json={"issues": [issue.key]})
        checked(moved, "/rest/agile/1.0/sprint/{sprintId}/issue", 204)
        assert issue.sprints == [6]
        back = await client.post("/rest/agile/1.0/backlog/issue", json={"issues": [issue.key]})
        checked(back, "/rest/agile/1.0/backlog/issue", 204)
        closed = await client.post("/rest/agile/1.0/sprint/1/issue", json={"issues": [issue.key]})
    assert issue.sprints == []
    assert closed.status_code == 400


async def test_users_are_found_by_name_and_email_and_myself_has_groups() -> None:
    """user/search finds by a name's word and an email's start; myself expands groups."""
    async with sandbox() as client:
        by_name = checked(
            await client.get("/rest/api/3/user/search", params={"query": "johnson"}),
            "/rest/api/3/user/search",
        )
        by_email = checked(
            await client.get("/rest/api/3/user/search", params={"query": "bob.smith@"}),
            "/rest/api/3/user/search",
        )
        me = checked(
            await client.get("/rest/api/3/myself", params={"expand": "groups"}),
            "/rest/api/3/myself",
        )
        roles = checked(
            await client.get("/rest/api/3/project/SHOP/role"),
            "/rest/api/3/project/{projectIdOrKey}/role",
        )
    assert [u["displayName"] for u in by_name] == ["Alice Johnson"]
    assert [u["displayName"] for u in by_email] == ["Bob Smith"]
    assert me["accountId"] == DEMO_ACCOUNT_ID
    assert "site-admins" in [g["name"] for g in me["groups"]["items"]]
    assert RESTRICTED_ROLE in roles
