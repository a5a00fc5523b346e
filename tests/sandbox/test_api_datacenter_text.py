"""The Data Center sandbox's rich text (wiki-markup strings) and users (name and key)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from sandbox.app import create_app
from sandbox.config import DEMO_PAT, DEMO_TOKEN
from sandbox.middleware import SandboxEdges
from sandbox.seed import ACCEPTANCE
from tests.sandbox.helpers import config, sandbox, site_of

pytestmark = pytest.mark.anyio

API = "/rest/api/2"
ISSUE = "SHOP-2"
USER_KEYS = {"self", "name", "key", "emailAddress", "avatarUrls", "displayName", "active"}


def datacenter() -> SandboxEdges:
    """A sandbox playing Jira Data Center."""
    return create_app(replace(config(), deployment="datacenter"))


def story_key(app: SandboxEdges) -> str:
    """A story whose edit screen has the Acceptance Criteria textarea."""
    return next(i.key for i in site_of(app).issues() if ACCEPTANCE in i.custom)


def assert_dc_user(user: Any) -> None:
    """A user as Data Center sends it: name and key, a v2 self link, no accountId."""
    assert set(user) >= USER_KEYS
    assert "accountId" not in user
    assert user["self"].endswith(f"/rest/api/2/user?username={user['name']}")


async def test_an_issue_sends_wiki_markup_and_users_by_name() -> None:
    """Seeded ADF goes out as wiki markup (description, textarea, comments); every user
    (assignee, reporter, creator, comment authors) by name and key."""
    async with sandbox(datacenter()) as client:
        issue = (await client.get(f"{API}/issue/SHOP-30")).json()
    fields = issue["fields"]
    assert fields["description"].startswith("This story collects")
    assert "\nh2. 1. The payment provider\n" in fields["description"]
    assert "{code:json}" in fields["description"]
    for person in (fields["reporter"], fields["creator"]):
        assert_dc_user(person)
    for comment in fields["comment"]["comments"]:
        assert isinstance(comment["body"], str)
        assert_dc_user(comment["author"])


async def test_wiki_strings_are_stored_and_sent_as_given() -> None:
    """A description, a textarea field and a comment written as wiki markup come back as
    the same strings."""
    app = datacenter()
    key = story_key(app)
    wiki = "h2. Goal\n\n*bold* and {{code}}"
    async with sandbox(app) as client:
        edited = await client.put(
            f"{API}/issue/{key}", json={"fields": {"description": wiki, ACCEPTANCE: wiki}}
        )
        posted = await client.post(f"{API}/issue/{key}/comment", json={"body": wiki})
        fields = (await client.get(f"{API}/issue/{key}")).json()["fields"]
    assert edited.status_code == 204, edited.text
    assert posted.status_code == 201, posted.text
    assert posted.json()["body"] == wiki
    assert_dc_user(posted.json()["author"])
    assert (fields["description"], fields[ACCEPTANCE]) == (wiki, wiki)
    assert fields["comment"]["comments"][-1]["body"] == wiki


async def test_documents_where_strings_belong_are_refused_by_field() -> None:
    """ADF in a description, textarea or comment body: 400 with the field's error, nothing
    written."""
    app = datacenter()
    key = story_key(app)
    document = {"type": "doc", "version": 1, "content": []}
    before = site_of(app).data.model_dump_json()
    async with sandbox(app) as client:
        edited = await client.put(
            f"{API}/issue/{key}", json={"fields": {"description": document, ACCEPTANCE: "x"}}
        )
        posted = await client.post(f"{API}/issue/{key}/comment", json={"body": document})
    assert edited.status_code == 400
    assert edited.json()["errors"] == {"description": "Operation value must be a string"}
    assert posted.status_code == 400
    assert posted.json()["errors"] == {"comment": "Operation value must be a string"}
    assert site_of(app).data.model_dump_json() == before


async def test_users_are_written_by_name_and_account_ids_refused() -> None:
    """``{"name": "bob"}`` assigns Bob; ``{"accountId": ...}`` is refused under the field."""
    app = datacenter()
    site = site_of(app)
    bob = next(u for u in site.data.users if u.username == "bob")
    async with sandbox(app) as client:
        by_id = await client.put(
            f"{API}/issue/{ISSUE}", json={"fields": {"assignee": {"accountId": bob.account_id}}}
        )
        unknown = await client.put(
            f"{API}/issue/{ISSUE}", json={"fields": {"assignee": {"name": "nobody"}}}
        )
        by_name = await client.put(
            f"{API}/issue/{ISSUE}", json={"fields": {"assignee": {"name": "bob"}}}
        )
        assignee = (await client.get(f"{API}/issue/{ISSUE}")).json()["fields"]["assignee"]
    assert by_id.status_code == 400
    assert "username" in by_id.json()["errors"]["assignee"]
    assert unknown.json()["errors"] == {"assignee": "User 'nobody' does not exist."}
    assert by_name.status_code == 204, by_name.text
    assert assignee["name"] == "bob"


async def test_user_search_needs_a_username_and_matches_names_and_emails() -> None:
    """``username`` is required; it matches usernames, display names and emails by prefix,
    ignoring case."""
    async with sandbox(datacenter()) as client:
        missing = await client.get(f"{API}/user/search", params={"query": "carol"})
        by_name = (await client.get(f"{API}/user/search", params={"username": "CAR"})).json()
        by_word = (await client.get(f"{API}/user/search", params={"username": "martinez"})).json()
        by_email = await client.get(f"{API}/user/search", params={"username": "carol.m"})
    assert missing.status_code == 400
    assert missing.json()["errorMessages"] == ["The username query parameter was not provided"]
    assert [u["name"] for u in by_name] == [u["name"] for u in by_word] == ["carol"]
    assert [u["name"] for u in by_email.json()] == ["carol"]
    assert_dc_user(by_name[0])


async def test_jql_names_users_by_username() -> None:
    """``assignee = bob`` finds Bob's issues; currentUser() the caller's."""
    app = datacenter()
    site = site_of(app)
    bob = next(u for u in site.data.users if u.username == "bob")
    demo = site.data.users[0]
    expected = {
        name: sorted(i.key for i in site.issues() if i.project == "SHOP" and i.assignee == who)
        for name, who in (("bob", bob.account_id), ("currentUser()", demo.account_id))
    }
    found = {}
    async with sandbox(app) as client:
        for name in expected:
            body = {"jql": f"project = SHOP AND assignee = {name}", "maxResults": 100}
            page = (await client.post(f"{API}/search", json={**body, "fields": ["key"]})).json()
            found[name] = sorted(i["key"] for i in page["issues"])
    assert found == expected
    assert expected["bob"]


@pytest.mark.parametrize(
    ("auth", "name"),
    [
        (httpx.BasicAuth("demo", DEMO_TOKEN), "demo"),
        (httpx.BasicAuth("demo@example.com", DEMO_TOKEN), "demo"),
        ({"Authorization": f"Bearer {DEMO_PAT}"}, "pat"),
    ],
)
async def test_myself_by_username_email_or_personal_access_token(auth: Any, name: str) -> None:
    """Basic by username or email, and the demo PAT (Bearer), each answer as their user."""
    transport = httpx.ASGITransport(app=datacenter())
    headers, basic = (auth, None) if isinstance(auth, dict) else ({}, auth)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", auth=basic, headers=headers
    ) as client:
        me = await client.get(f"{API}/myself")
    assert me.status_code == 200, me.text
    assert me.json()["name"] == name
    assert_dc_user(me.json())


async def test_cloud_takes_neither_a_username_nor_the_demo_pat() -> None:
    """The Cloud sandbox still knows only its email and API token."""
    app = create_app(config())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        by_username = await client.get("/rest/api/3/myself", auth=("demo", DEMO_TOKEN))
        by_pat = await client.get(
            "/rest/api/3/myself", headers={"Authorization": f"Bearer {DEMO_PAT}"}
        )
    assert (by_username.status_code, by_pat.status_code) == (401, 401)
