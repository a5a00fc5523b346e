"""quote(): the only way a string value enters JQL."""

from __future__ import annotations

import re
from typing import Final

from server.jql.error_types import JqlError

# What must not appear raw between double quotes: the backslash and the quote themselves, JQL
# control characters, lone surrogates, and invisible or format characters of the BMP (escaped
# so that logs and the model see exactly what is searched). Non-BMP characters stay raw.
_NEEDS_ESCAPE: Final = re.compile(
    '[\\\\"\x00-\x1f\x7f-\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u1680'
    "\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ud800-\udfff"
    "\ufdd0-\ufdef\ufeff\ufff9-\ufffb\ufffe\uffff]"
)
_NAMED: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMED.get(ch) or f"\\u{ord(ch):04x}"


def quote(value: str) -> str:
    """Return `value` as a double-quoted JQL string literal that decodes back to exactly `value`.

    The backslash is escaped first (so a trailing backslash cannot swallow the closing quote),
    then the double quote; newlines, tabs and other control or invisible characters become
    escapes. NUL is refused: no Jira field holds it, so it can only be an injection attempt.
    """
    if not isinstance(value, str):
        raise JqlError(f"Only text can be quoted into JQL, not {type(value).__name__}")
    nul = value.find("\x00")
    if nul >= 0:
        raise JqlError(
            "A value contains a NUL character",
            column=nul + 1,
            hint="Remove the NUL (\\x00) character from the value.",
        )
    if _NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'
