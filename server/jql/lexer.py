"""The JQL lexer: text -> tokens, each with its 1-based line and column.

One compiled regular expression finds the next token; the per-character work stays in C.
Longest match decides, as in Atlassian's grammars: `android`, `in-progress` and `ORDERBY` are
strings, and keywords count only as whole tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from server.jql import tokens as t
from server.jql.error_types import JqlError

MAX_QUERY_LENGTH: Final = 200_000

# JQL control characters (never raw in a query, except LF and CR inside quotes).
_CTRL: Final = "\\x00-\\x09\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufdd0-\\ufdef\\ufffe\\uffff"
_ESCAPE: Final = r"\\(?:[tnr\"'\\ ]|u[0-9a-fA-F]{4})"
_RESERVED_CHARS: Final = "{}*/%+^$#@?;"
_UNQUOTED_CHARS: Final = rf"[^ \t\r\n{_CTRL}\"'=!<>()~,\[\]|&{{}}*/%+^$#@?;\\]"
# Possessive quantifiers: an unterminated quote fails in linear time instead of backtracking.
_TOKEN: Final = re.compile(
    rf"""[ \t\r\n]*+(?:
      (?P<w>(?:{_UNQUOTED_CHARS}++|{_ESCAPE})++)
    | (?P<q>"(?:[^"\\{_CTRL}]++|{_ESCAPE})*+")
    | (?P<s>'(?:[^'\\{_CTRL}]++|{_ESCAPE})*+')
    | (?P<p>!=|!~|<=|>=|&&|\|\||[=<>~!&|(),\[\]])
    )""",
    re.VERBOSE,
)
# Jira reads numbers as Java longs.
_MAX_LONG: Final = 2**63 - 1
_MIN_LONG: Final = -(2**63)
_SPACE: Final = re.compile(r"[ \t\r\n]*")
_NUMBER: Final = re.compile(r"-?[0-9]+")
_ESCAPE_RE: Final = re.compile(_ESCAPE)
_VALID_ESCAPE_AT: Final = re.compile(_ESCAPE)
_SIMPLE_ESCAPES: Final = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'", "\\": "\\", " ": " "}
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_CONTROL_CHAR: Final = re.compile(f"[{_CTRL}]")

_WORD_KINDS: Final = frozenset({t.STRING, t.NUMBER}) | frozenset(t.KEYWORDS.values())
_RESERVED_HINTS: Final[dict[str, str]] = {
    "like": 'JQL has no LIKE: use ~ for text search, e.g. summary ~ "login error".',
    "limit": (
        "JQL has no LIMIT: remove it and ask the tool for fewer results (its limit parameter)."
    ),
    "select": (
        "JQL is not SQL: write only the condition, e.g. project = ABC AND status = Done "
        "ORDER BY created DESC."
    ),
    "where": "JQL is not SQL: drop WHERE and write only the condition.",
}


class Token:
    """One token: its kind, decoded text, offsets into the query and 1-based line/column."""

    __slots__ = ("column", "end", "kind", "line", "start", "text")

    # Positional on purpose: one Token is built per token in the lexer's hot loop.
    def __init__(  # noqa: PLR0917
        self, kind: str, text: str, start: int, end: int, line: int, column: int
    ) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.line = line
        self.column = column

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.line}:{self.column})"


class _Positions:
    """Maps offsets to 1-based (line, column); cheap when the query has no newline."""

    __slots__ = ("newlines",)

    def __init__(self, text: str) -> None:
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"] if "\n" in text else []

    def at(self, offset: int) -> tuple[int, int]:
        if not self.newlines:
            return 1, offset + 1
        index = bisect_right(self.newlines, offset - 1)
        line_start = self.newlines[index - 1] + 1 if index else 0
        return index + 1, offset - line_start + 1


def error_at(
    text: str,
    offset: int,
    message: str,
    hint: str | None = None,
    positions: _Positions | None = None,
) -> JqlError:
    """Build a JqlError pointing at an offset of the query text."""
    line, column = (positions or _Positions(text)).at(offset)
    return JqlError(message, line=line, column=column, hint=hint, source=text)


def decode(body: str) -> str:
    """Decode JQL escapes in already-validated text (a \\uXXXX surrogate pair becomes one char)."""
    decoded = _ESCAPE_RE.sub(_decode_one, body)
    if "\\u" in body:
        decoded = _SURROGATE_PAIR.sub(_join_pair, decoded)
    return decoded


def _decode_one(match: re.Match[str]) -> str:
    escape = match.group()
    return _SIMPLE_ESCAPES[escape[1]] if len(escape) == 2 else chr(int(escape[2:], 16))


def _join_pair(match: re.Match[str]) -> str:
    pair = match.group()
    high, low = pair[0], pair[1]
    return chr(0x10000 + ((ord(high) - 0xD800) << 10) + (ord(low) - 0xDC00))


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens, ending with an EOF token; raise JqlError on bad input."""
    if len(text) > MAX_QUERY_LENGTH:
        raise JqlError(
            f"The query is {len(text):,} characters long; the limit is {MAX_QUERY_LENGTH:,}.",
            hint="Split the search into several smaller queries.",
        )
    positions = _Positions(text)
    at = positions.at
    match = _TOKEN.match
    keywords = t.KEYWORDS
    punctuation = t.PUNCTUATION
    reserved = t.RESERVED_WORDS
    number = _NUMBER.fullmatch
    out: list[Token] = []
    append = out.append
    pos = 0
    while True:
        m = match(text, pos)
        if m is None:
            space = _SPACE.match(text, pos)
            pos = space.end() if space else pos
            if pos >= len(text):
                line, column = at(len(text))
                append(Token(t.EOF, "", pos, pos, line, column))
                return out
            raise _diagnose(text, pos, positions)
        kind_group = m.lastgroup or ""
        start = m.start(kind_group)
        end = pos = m.end()
        raw = m.group(kind_group)
        line, column = at(start)
        if kind_group == "w":
            if "\\" in raw:
                value = decode(raw)
                kind = t.STRING
            else:
                value = raw
                kind = keywords.get(raw.lower(), t.STRING)
                if kind == t.STRING and number(raw):
                    kind = t.NUMBER
                    if len(raw) > 18 and not _MIN_LONG <= int(raw) <= _MAX_LONG:
                        raise error_at(
                            text, start, f"The number {raw} is too large for JQL", None, positions
                        )
            if kind == t.STRING and value.lower() in reserved:
                previous = out[-1] if out else None
                raise _reserved_word(
                    text, start, raw=raw, value=value, previous=previous, positions=positions
                )
            append(Token(kind, value, start, end, line, column))
        elif kind_group == "p":
            append(Token(punctuation[raw], raw, start, end, line, column))
        else:
            body = raw[1:-1]
            value = decode(body) if "\\" in body else body
            append(Token(t.QUOTED, value, start, end, line, column))


def _reserved_word(
    text: str, start: int, *, raw: str, value: str, previous: Token | None, positions: _Positions
) -> JqlError:
    hint = _RESERVED_HINTS.get(value.lower())
    if hint is None and previous is not None and previous.kind in _WORD_KINDS:
        # `status = To Do`: the reserved word is most likely part of an unquoted phrase.
        phrase = text[previous.start : start + len(raw)]
        hint = f'Quote the whole value or name: "{phrase}" ("{value}" is reserved in JQL).'
    if hint is None:
        hint = (
            f'"{value}" is reserved in JQL: put it in quotes, e.g. "{value}"; a name with '
            'spaces is quoted whole, e.g. "Story Points".'
        )
    return error_at(text, start, f"'{raw}' is a reserved JQL word", hint, positions)


def _diagnose(text: str, pos: int, positions: _Positions) -> JqlError:
    """Explain why no token starts at `pos`."""
    ch = text[pos]
    if ch in "\"'":
        return _diagnose_quoted(text, pos, positions)
    if ch == "\\":
        return _bad_escape(text, pos, positions)
    if ch in _RESERVED_CHARS:
        hint = 'Reserved characters are only allowed inside quotes, e.g. summary ~ "a+b".'
        if ch == "+":
            hint = 'Write a positive offset in quotes, e.g. endOfDay("+1d"), or leave out the +.'
        return error_at(text, pos, f"The character '{ch}' is reserved in JQL", hint, positions)
    return error_at(
        text,
        pos,
        f"The control character U+{ord(ch):04X} is not allowed in JQL",
        "Remove it, or write it as an escape inside quotes, e.g. \\t for a tab.",
        positions,
    )


def _diagnose_quoted(text: str, pos: int, positions: _Positions) -> JqlError:
    quote_char = text[pos]
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == quote_char:
            break
        if ch == "\\":
            if not _VALID_ESCAPE_AT.match(text, i):
                return _bad_escape(text, i, positions)
            i += 6 if text[i + 1] == "u" else 2
            continue
        if _CONTROL_CHAR.match(ch):
            hint = "Write a tab as \\t." if ch == "\t" else "Write it as an escape: \\uXXXX."
            return error_at(
                text, i, f"The control character U+{ord(ch):04X} is not allowed", hint, positions
            )
        i += 1
    return error_at(
        text,
        pos,
        f"Unterminated string: the {quote_char} here is never closed",
        f"Close the string with a matching {quote_char}; write a {quote_char} inside it as "
        f"\\{quote_char}.",
        positions,
    )


def _bad_escape(text: str, pos: int, positions: _Positions) -> JqlError:
    shown = text[pos : pos + 2] if pos + 1 < len(text) else "\\"
    return error_at(
        text,
        pos,
        f"Invalid escape '{shown}'",
        "JQL allows only \\t \\n \\r \\\" \\' \\\\ \\<space> and \\uXXXX; for a literal "
        'backslash write \\\\ (text search: summary ~ "\\\\[example\\\\]").',
        positions,
    )
