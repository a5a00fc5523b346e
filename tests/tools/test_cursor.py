"""The page cursor: Jira's token wrapped, signed and bound to one query and field set."""

from __future__ import annotations

import pytest

from tools.support.base import ToolInputError
from tools.support.cursor import PageCursor

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
