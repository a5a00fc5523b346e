"""A credential that Jira content carries reaches the model in no form, cut or escaped."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sandbox.config import BasicCredential, SandboxConfig
from tests.tools.conftest import ClientFactory, text_of

pytestmark = pytest.mark.anyio

EMAIL = "ada@example.com"
# Shaped like an Atlassian API token; `_-` makes Markdown escape the underscore (`\_`).
TOKEN = "ATATT3xFfGF0_-Zq8mW2rK9pLx4vB7nC1dE5hJ6tY0uI3oP=A1B2C3D4"  # a test value


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """A sandbox that accepts the test credential, without a rate limit."""
    return SandboxConfig(rate_limit=None, credentials=(BasicCredential(EMAIL, TOKEN),))


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
    async with connect(jira_email=EMAIL, jira_api_token=TOKEN, **settings) as client:
        result = await client.call_tool(
            "search_jql", {"jql": jql, "fields": ["summary", "description"]}
        )
    assert not result.is_error, text_of(result)
    return text_of(result), str(result.structured_content)


async def test_token_split_by_a_space_is_hidden(connect: ClientFactory, sandbox_app: Any) -> None:
    """A token pasted with a space in it, in a summary, reaches the model in no part."""
    issue = next(iter(sandbox_app.state.site.issues()))
    issue.summary = f"login fails with {TOKEN[:20]} {TOKEN[20:]} pasted"
    text, structured = await _search_one(connect, issue)
    assert "login fails with" in text
    _assert_hidden(text)
    _assert_hidden(structured)


async def test_token_escaped_as_markdown_is_hidden(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """A token in a description, which Markdown rendering escapes as `\\_`, is hidden."""
    issue = next(iter(sandbox_app.state.site.issues()))
    issue.description = _paragraph(f"use {TOKEN} for the nightly job")
    text, structured = await _search_one(connect, issue)
    assert "nightly job" in text
    _assert_hidden(text)
    _assert_hidden(structured)


async def test_description_cut_inside_the_token_shows_none_of_it(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """A description cut by JIRA_TEXT_LIMIT inside the token shows not even its first characters."""
    issue = next(iter(sandbox_app.state.site.issues()))
    issue.description = _paragraph("a" * 72 + TOKEN)
    text, structured = await _search_one(connect, issue, jira_text_limit=80)
    assert "a" * 72 in text
    # The cut would leave 8 characters of the token: fewer than any fragment rule catches,
    # so only scrubbing before the cut hides them.
    _assert_hidden(text, size=6)
    _assert_hidden(structured, size=6)


async def test_argument_refusals_do_not_echo_the_token(connect: ClientFactory) -> None:
    """An argument error that repeats what was sent (a name, a value) shows no token."""
    async with connect(jira_email=EMAIL, jira_api_token=TOKEN) as client:
        unknown = await client.call_tool("search_jql", {"jql": "status = Done", TOKEN: 1})
        wrong = await client.call_tool("search_jql", {"jql": "status = Done", "limit": TOKEN})
    for result in (unknown, wrong):
        assert result.is_error
        _assert_hidden(text_of(result))
