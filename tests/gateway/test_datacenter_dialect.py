"""The Data Center dialect's rewrites: rich text as wiki markup out and ADF in, users by name
out and with accountId = name in, user search by username."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import given, settings

from server.adf import adf_to_markdown, markdown_to_adf
from server.gateway.datacenter import dialect_with
from server.gateway.dialect import DataCenterDialect, Wire
from server.wiki import markdown_to_wiki
from tests.wiki.test_roundtrip import _DOCUMENT, _canonical, _normal

pytestmark = pytest.mark.anyio

TEXTAREA = "customfield_10030"
SHORT_TEXT = "customfield_10040"
BOLD = "Ship **now**"
BOLD_WIKI = "Ship *now*"


class Textareas:
    """The site's textarea custom fields, counting how often the dialect asks for them."""

    def __init__(self) -> None:
        self.asked = 0

    async def __call__(self) -> frozenset[str]:
        self.asked += 1
        return frozenset({TEXTAREA})


def dc_user(name: str) -> dict[str, Any]:
    """A user as Data Center sends it (UserJsonBean)."""
    return {
        "self": f"http://dc/rest/api/2/user?username={name}",
        "name": name,
        "key": name,
        "displayName": name.title(),
        "emailAddress": f"{name}@example.com",
        "active": True,
    }


def doc(markdown: str) -> dict[str, Any]:
    """The ADF document the tools send for ``markdown``."""
    return markdown_to_adf(markdown)


async def test_every_document_in_a_write_goes_out_as_wiki_markup() -> None:
    """Fields, update operations, comment bodies of transitions and links: wiki strings; the
    rest of the body, the issue named and the v2 path as asked."""
    dialect = dialect_with(Textareas())
    body = {
        "fields": {
            "project": {"key": "SHOP"},
            "summary": "**not markup in a summary**",
            "description": doc(BOLD),
            "environment": doc("`prod`"),
            TEXTAREA: doc("- one\n- two"),
            "labels": ["a"],
        },
        "update": {"comment": [{"add": {"body": doc(BOLD)}}]},
        "transition": {"id": "31"},
        "comment": {"body": doc(BOLD)},
    }
    sent = await dialect.outbound(Wire("PUT", "/rest/api/3/issue/SHOP-7", None, body))
    assert sent.path == "/rest/api/2/issue/SHOP-7"
    assert sent.body == {
        "fields": {
            "project": {"key": "SHOP"},
            "summary": "**not markup in a summary**",
            "description": BOLD_WIKI,
            "environment": "{{prod}}",
            TEXTAREA: "* one\n* two",
            "labels": ["a"],
        },
        "update": {"comment": [{"add": {"body": BOLD_WIKI}}]},
        "transition": {"id": "31"},
        "comment": {"body": BOLD_WIKI},
    }


async def test_users_in_a_write_are_named_by_username() -> None:
    """``{"accountId": X}`` goes out as ``{"name": X}``, in fields and update operations."""
    dialect = dialect_with(Textareas())
    body = {
        "fields": {"assignee": {"accountId": "dana"}, "customfield_10050": [{"accountId": "al"}]},
        "update": {"reporter": [{"set": {"accountId": "bo"}}]},
    }
    sent = await dialect.outbound(Wire("POST", "/rest/api/3/issue", None, body))
    assert sent.body == {
        "fields": {"assignee": {"name": "dana"}, "customfield_10050": [{"name": "al"}]},
        "update": {"reporter": [{"set": {"name": "bo"}}]},
    }


async def test_an_issue_answer_reads_its_wiki_strings_as_documents() -> None:
    """Description, environment, textarea fields and comment bodies become ADF; a short
    text field stays a string; users get accountId = name."""
    textareas = Textareas()
    dialect = dialect_with(textareas)
    answer = {
        "key": "SHOP-7",
        "fields": {
            "summary": "*stays*",
            "description": BOLD_WIKI,
            "environment": "{{prod}}",
            TEXTAREA: "* one\n* two",
            SHORT_TEXT: "*stays too*",
            "assignee": dc_user("dana"),
            "comment": {"comments": [{"id": "1", "author": dc_user("al"), "body": BOLD_WIKI}]},
        },
    }
    asked = Wire("GET", "/rest/api/3/issue/SHOP-7")
    fields = (await dialect.inbound(asked, asked, answer))["fields"]
    assert fields["summary"] == "*stays*"
    assert fields["description"] == doc(BOLD)
    assert adf_to_markdown(fields["environment"]) == "`prod`"
    assert fields[TEXTAREA]["content"][0]["type"] == "bulletList"
    assert fields[SHORT_TEXT] == "*stays too*"
    assert fields["assignee"]["accountId"] == "dana"
    comment = fields["comment"]["comments"][0]
    assert (comment["body"], comment["author"]["accountId"]) == (doc(BOLD), "al")
    assert textareas.asked == 1


async def test_textareas_are_not_asked_without_a_custom_string() -> None:
    """An answer without custom text fields costs no field knowledge; nor does the field list."""
    textareas = Textareas()
    dialect = dialect_with(textareas)
    issue = Wire("GET", "/rest/api/3/issue/SHOP-7")
    await dialect.inbound(issue, issue, {"fields": {"description": "x", "customfield_1": 3}})
    fields = Wire("GET", "/rest/api/3/field")
    field_list = [{"id": TEXTAREA, "schema": {"custom": "x:textarea"}}]
    assert await dialect.inbound(fields, fields, field_list) == field_list
    assert textareas.asked == 0


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        (Wire("POST", "/rest/api/3/issue/SHOP-7/comment"), {"id": "9", "body": BOLD_WIKI}),
        (
            Wire("GET", "/rest/api/3/issue/SHOP-7/comment", {"startAt": 0}),
            {"startAt": 0, "total": 1, "comments": [{"id": "9", "body": BOLD_WIKI}]},
        ),
        (Wire("GET", "/rest/api/3/issue/SHOP-7/comment/9"), {"id": "9", "body": BOLD_WIKI}),
    ],
)
async def test_comment_endpoint_answers_read_as_documents(asked: Wire, answer: Any) -> None:
    """A posted comment, a page of comments and one comment: their bodies become ADF."""
    data = await dialect_with(Textareas()).inbound(asked, asked, answer)
    comment = data["comments"][0] if "comments" in data else data
    assert comment["body"] == doc(BOLD)


async def test_user_search_asks_by_username() -> None:
    """Cloud's ``query`` is Data Center's required ``username``; the users come back with
    accountId = name."""
    dialect = dialect_with(Textareas())
    asked = Wire("GET", "/rest/api/3/user/search", {"query": "da", "maxResults": 5})
    sent = await dialect.outbound(asked)
    assert (sent.path, sent.params) == (
        "/rest/api/2/user/search",
        {"username": "da", "maxResults": 5},
    )
    users = await dialect.inbound(asked, sent, [dc_user("dana")])
    assert users[0]["accountId"] == "dana"


async def _through(dialect: DataCenterDialect, markdown: str) -> dict[str, Any]:
    """A description written as ``markdown``, sent to Data Center and read back."""
    body = {"fields": {"description": markdown_to_adf(markdown)}}
    sent = await dialect.outbound(Wire("PUT", "/rest/api/3/issue/SHOP-7", None, body))
    asked = Wire("GET", "/rest/api/3/issue/SHOP-7")
    answer = {"fields": {"description": sent.body["fields"]["description"]}}
    read: dict[str, Any] = (await dialect.inbound(asked, asked, answer))["fields"]["description"]
    return read


@settings(max_examples=300, deadline=None)
@given(_DOCUMENT)
def test_markdown_through_the_dialect_reads_as_on_cloud(markdown: str) -> None:
    """Markdown -> ADF -> wiki (out) -> ADF (in) -> Markdown stands for the same document as
    Cloud's Markdown -> ADF -> Markdown, up to what wiki markup cannot write."""
    read = anyio.run(_through, dialect_with(Textareas()), markdown)
    cloud = adf_to_markdown(markdown_to_adf(markdown))
    dc = adf_to_markdown(read)
    assert _normal(_canonical(dc)) == _normal(_canonical(cloud)), markdown_to_wiki(markdown)
