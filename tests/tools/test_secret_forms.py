"""A credential that Jira content carries reaches the model in no form, cut or escaped: on
Cloud an email with an API token, on Data Center a username with a password (Basic) or a
personal access token (Bearer)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from sandbox.config import BasicCredential, BearerCredential, SandboxConfig
from server.gateway.meta import Deployment
from tests.tools.conftest import ClientFactory, text_of

pytestmark = pytest.mark.anyio

EMAIL = "ada@example.com"
# Shaped like an Atlassian API token; `_-` makes Markdown escape the underscore (`\_`).
TOKEN = "ATATT3xFfGF0_-Zq8mW2rK9pLx4vB7nC1dE5hJ6tY0uI3oP=A1B2C3D4"  # a test value
USERNAME = "ada"  # the Data Center username of EMAIL's account
# Every way the secret is sent: the site, and the settings that send it.
FORMS = pytest.mark.parametrize(
    ("deployment", "form"),
    [
        ("cloud", {"jira_email": EMAIL, "jira_api_token": TOKEN}),
        ("datacenter", {"jira_email": USERNAME, "jira_api_token": TOKEN}),
        ("datacenter", {"jira_pat": TOKEN}),
    ],
    ids=["cloud-api-token", "datacenter-password", "datacenter-pat"],
)


@pytest.fixture
def sandbox_config(deployment: Deployment) -> SandboxConfig:
    """A sandbox that accepts the test secret as an API token or password (Basic) and, on
    Data Center, as a personal access token (Bearer); without a rate limit."""
    return SandboxConfig(
        rate_limit=None,
        deployment=deployment,
        credentials=(BasicCredential(EMAIL, TOKEN), BearerCredential(TOKEN)),
    )


def _paragraph(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def _visible(text: str) -> str:
    """The text as a reader sees it: escapes and line breaks or spaces do not hide a token."""
    return re.sub(r"[\s\\]+", "", text)


def _assert_hidden(text: str, size: int = 12) -> None:
    visible = _visible(text)
    shown = [
        TOKEN[i : i + size] for i in range(len(TOKEN) - size + 1) if TOKEN[i : i + size] in visible
    ]
    assert not shown, f"{shown[0]!r} of the token is in {text!r}"


async def _search_one(connect: ClientFactory, issue: Any, **settings: object) -> tuple[str, str]:
    """The text and structured content search_jql answers for ``issue``."""
    jql = f"project = {issue.project} AND key = {issue.key}"
    async with connect(**settings) as client:
        result = await client.call_tool(
            "search_jql", {"jql": jql, "fields": ["summary", "description"]}
        )
    assert not result.is_error, text_of(result)
    return text_of(result), str(result.structured_content)


@FORMS
async def test_token_split_by_a_space_is_hidden(
    connect: ClientFactory, sandbox_app: Any, form: dict[str, str]
) -> None:
    """A token pasted with a space in it, in a summary, reaches the model in no part."""
    issue = next(iter(sandbox_app.state.site.issues()))
    issue.summary = f"login fails with {TOKEN[:20]} {TOKEN[20:]} pasted"
    text, structured = await _search_one(connect, issue, **form)
    assert "login fails with" in text
    _assert_hidden(text)
    _assert_hidden(structured)


@FORMS
async def test_token_escaped_as_markdown_is_hidden(
    connect: ClientFactory, sandbox_app: Any, form: dict[str, str]
) -> None:
    """A token in a description, which Markdown rendering escapes as `\\_`, is hidden."""
    issue = next(iter(sandbox_app.state.site.issues()))
    issue.description = _paragraph(f"use {TOKEN} for the nightly job")
    text, structured = await _search_one(connect, issue, **form)
    assert "nightly job" in text
    _assert_hidden(text)
    _assert_hidden(structured)


@FORMS
async def test_description_cut_inside_the_token_shows_none_of_it(
    connect: ClientFactory, sandbox_app: Any, form: dict[str, str]
) -> None:
    """A description cut by JIRA_TEXT_LIMIT inside the token shows not even its first characters."""
    issue = next(iter(sandbox_app.state.site.issues()))
    issue.description = _paragraph("a" * 72 + TOKEN)
    text, structured = await _search_one(connect, issue, jira_text_limit=80, **form)
    assert "a" * 72 in text
    # The cut would leave 8 characters of the token: fewer than any fragment rule catches,
    # so only scrubbing before the cut hides them.
    _assert_hidden(text, size=6)
    _assert_hidden(structured, size=6)


@FORMS
async def test_argument_refusals_do_not_echo_the_token(
    connect: ClientFactory, form: dict[str, str]
) -> None:
    """An argument error that repeats what was sent (a name, a value) shows no token."""
    async with connect(**form) as client:
        unknown = await client.call_tool("search_jql", {"jql": "status = Done", TOKEN: 1})
        wrong = await client.call_tool("search_jql", {"jql": "status = Done", "limit": TOKEN})
    for result in (unknown, wrong):
        assert result.is_error
        _assert_hidden(text_of(result))


def _authorization(form: dict[str, str]) -> str:
    """The Authorization header the settings ``form`` sends."""
    if "jira_pat" in form:
        return f"Bearer {form['jira_pat']}"
    pair = f"{form['jira_email']}:{form['jira_api_token']}".encode()
    return f"Basic {base64.b64encode(pair).decode()}"


@FORMS
async def test_pasted_authorization_header_is_hidden(
    connect: ClientFactory, sandbox_app: Any, form: dict[str, str]
) -> None:
    """The Authorization header as sent (Basic's base64 pair or Bearer's token), pasted into a
    summary, reaches the model in no part."""
    header = _authorization(form)
    credential = header.split(" ", 1)[1]
    issue = next(iter(sandbox_app.state.site.issues()))
    issue.summary = f"curl -H 'Authorization: {header}' works"
    text, structured = await _search_one(connect, issue, **form)
    assert "Authorization" in text
    for shown in (text, structured):
        _assert_hidden(shown)
        assert credential[:12] not in _visible(shown)


@FORMS
async def test_refusals_quoting_the_token_hide_it(
    connect: ClientFactory, form: dict[str, str]
) -> None:
    """A refusal that quotes a query's value (a status named like the token, which no status
    is) reaches the model without the token, from search_jql and validate_jql alike."""
    jql = f'project = SHOP AND status = "{TOKEN}"'
    async with connect(jira_projects="SHOP", **form) as client:
        searched = await client.call_tool("search_jql", {"jql": jql})
        checked = await client.call_tool("validate_jql", {"jql": jql, "remote": True})
    assert searched.is_error
    assert "does not exist for the field 'status'" in text_of(searched)
    assert "does not exist for the field 'status'" in text_of(checked)
    for result in (searched, checked):
        _assert_hidden(text_of(result))
        _assert_hidden(str(result.structured_content))
