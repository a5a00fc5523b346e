"""The page cursor: Jira's token wrapped, signed and bound to one query and field set; on
both flavours of the sandbox, the place inside (Cloud's nextPageToken, Data Center's startAt
position and anchors) cannot be edited by whoever holds the token."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from sandbox.config import SandboxConfig
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of
from tools.support.base import ToolInputError
from tools.support.cursor import FINGERPRINT_BYTES, MAC_BYTES, PageCursor

JQL = 'project IN ("SHOP")'
FIELDS = ("summary", "status")


def test_round_trip_gives_back_jiras_token() -> None:
    """A token unwrapped with the same query and fields yields Jira's token."""
    cursor = PageCursor(b"k" * 32)
    token = cursor.wrap("jira-token-1", JQL, FIELDS)
    assert cursor.unwrap(token, JQL, FIELDS) == "jira-token-1"
    assert "SHOP" not in token


def test_other_query_is_refused() -> None:
    """A token replayed with another query is refused, saying to rerun the first page."""
    cursor = PageCursor(b"k" * 32)
    token = cursor.wrap("t", JQL, FIELDS)
    with pytest.raises(ToolInputError, match=r"another query or other fields.*without page_token"):
        cursor.unwrap(token, 'project IN ("OPS")', FIELDS)


def test_other_fields_are_refused() -> None:
    """A token replayed with other fields (or the same fields reordered) is refused."""
    cursor = PageCursor(b"k" * 32)
    token = cursor.wrap("t", JQL, FIELDS)
    with pytest.raises(ToolInputError, match="another query or other fields"):
        cursor.unwrap(token, JQL, ("summary",))
    with pytest.raises(ToolInputError, match="another query or other fields"):
        cursor.unwrap(token, JQL, ("status", "summary"))


def test_token_from_another_process_is_refused() -> None:
    """A token signed under another key (a restarted server) is refused."""
    token = PageCursor(b"a" * 32).wrap("t", JQL, FIELDS)
    with pytest.raises(ToolInputError, match="not one this server issued"):
        PageCursor(b"b" * 32).unwrap(token, JQL, FIELDS)


@pytest.mark.parametrize(
    "token", ["", "garbage", "a.b", "...", "é.é", "eyJ0IjoidCJ9", "eyJ0IjoidCJ9.AAAA"]
)
def test_malformed_tokens_are_refused(token: str) -> None:
    """Anything that is not a token this cursor signed is refused as such."""
    with pytest.raises(ToolInputError, match="not one this server issued"):
        PageCursor(b"k" * 32).unwrap(token, JQL, FIELDS)


def test_edited_token_is_refused() -> None:
    """Changing one character of the token breaks the signature."""
    cursor = PageCursor(b"k" * 32)
    token = cursor.wrap("jira-token", JQL, FIELDS)
    middle = len(token) // 2
    edited = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    with pytest.raises(ToolInputError, match="not one this server issued"):
        cursor.unwrap(edited, JQL, FIELDS)


def test_default_keys_differ_per_cursor() -> None:
    """Without a key each cursor draws its own random one."""
    token = PageCursor().wrap("t", JQL, FIELDS)
    with pytest.raises(ToolInputError):
        PageCursor().unwrap(token, JQL, FIELDS)


def _jira_part(token: str) -> bytes:
    """The Jira token carried inside one of our page tokens (after the MAC and fingerprint)."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return raw[MAC_BYTES + FINGERPRINT_BYTES :]


def _with_jira_part(token: str, jira_part: bytes) -> str:
    """``token`` with the Jira token inside replaced, its MAC and fingerprint kept."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    edited = raw[: MAC_BYTES + FINGERPRINT_BYTES] + jira_part
    return base64.urlsafe_b64encode(edited).decode().rstrip("=")


@pytest.mark.anyio
@DEPLOYMENTS
async def test_editing_the_place_inside_a_real_token_is_refused(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A search_jql token whose Jira part is changed (to skip ahead, or to the first page's
    place) is refused as not issued here, and Jira is not asked."""
    arguments: dict[str, Any] = {"jql": "project = SHOP", "limit": 5}
    async with connect(jira_projects="SHOP") as client:
        first = await client.call_tool("search_jql", arguments)
        assert first.structured_content is not None
        token = first.structured_content["next_page_token"]
        inside = _jira_part(token)
        sandbox_config.counters.reset()
        edits = (inside.replace(b"5", b"9", 1), inside + b"0", b"0")
        refused = [
            await client.call_tool(
                "search_jql", {**arguments, "page_token": _with_jira_part(token, edit)}
            )
            for edit in edits
            if edit != inside
        ]
        honest = await client.call_tool("search_jql", {**arguments, "page_token": token})
    assert len(refused) >= 2
    for result in refused:
        assert result.is_error
        assert "not one this server issued" in text_of(result)
    assert sandbox_config.counters.requests == 1  # only the honest token reached Jira
    assert not honest.is_error, text_of(honest)
