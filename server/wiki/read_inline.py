"""Wiki markup inline text -> ADF inline nodes (effects, monospace, links, mentions, images).

A line is first cut into tokens: characters that may be markup, literals (backslash escapes and
character references) and `\\\\` line breaks. The reader then walks the tokens: a delimiter that
may open an effect looks for the first delimiter after it that may close it, and the text between
is read again inside that effect. With no such partner the delimiter is only text, so unbalanced
markup reads as the characters written, and nothing here raises.

Effects follow the renderer's word rule: `*x*` opens after no letter or digit and closes before
none, `{*}` opens and closes anywhere. Effects Markdown has no word for (`+inserted+`,
`^superscript^`, `~subscript~`) keep their text only.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from server.adf import nodes
from server.adf.canonical import canonical_inline
from server.adf.nodes import Mark, Node
from server.wiki.escape import ESCAPABLE, is_word

_EFFECTS: dict[str, Mark] = {
    "*": nodes.mark("strong"),
    "_": nodes.mark("em"),
    "??": nodes.mark("em"),
    "-": nodes.mark("strike"),
    "+": nodes.mark("underline"),
    "^": nodes.mark("subsup", {"type": "sup"}),
    "~": nodes.mark("subsup", {"type": "sub"}),
}
_EMPTY_LINK = nodes.mark("link", {"href": ""})
_SINGLE = frozenset(key for key in _EFFECTS if len(key) == 1)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MACRO_TAG = re.compile(r"\{([A-Za-z][\w-]*)(?::[^{}\n]*)?\}")
# Inline macros whose tags are only styling: the text between them is kept, the tags dropped.
_STYLING_MACROS = frozenset({"color", "anchor"})


@dataclass(frozen=True)
class Token:
    """One character that may be markup (`raw`), a literal (`lit`) or a line break."""

    kind: str
    value: str
    source: str


class RawIndex:
    """Where each markup character occurs in a run of tokens, to find the next one at once
    (a line of a thousand unclosed `[` stays linear, not quadratic)."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.positions: dict[str, list[int]] = {}
        for index, token in enumerate(tokens):
            if token.kind == "raw":
                self.positions.setdefault(token.value, []).append(index)
        braces = self.positions.get("}", [])
        following = set(braces)
        # Where a `}}` starts: a `}` followed by another.
        self.positions["}}"] = [index for index in braces if index + 1 in following]

    def next(self, value: str, start: int, end: int) -> int:
        """The first index in [start, end) of the raw character (or `}}`), else -1."""
        positions = self.positions.get(value, [])
        found = bisect_left(positions, start)
        if found < len(positions) and positions[found] < end:
            return positions[found]
        return -1


def tokenize(line: str) -> list[Token]:
    """The tokens of one line of wiki markup."""
    tokens: list[Token] = []
    index = 0
    while index < len(line):
        char = line[index]
        following = line[index + 1 : index + 2]
        if char == "\\" and following == "\\":
            tokens.append(Token("break", "\n", "\\\\"))
            index += 2
        elif char == "\\" and following in ESCAPABLE and following:
            tokens.append(Token("lit", following, char + following))
            index += 2
        elif char == "&" and (entity := _ENTITY.match(line, index)):
            tokens.append(Token("lit", html.unescape(entity.group()), entity.group()))
            index = entity.end()
        else:
            tokens.append(Token("lit" if char == "\\" else "raw", char, char))
            index += 1
    return tokens


def read_inline(line: str) -> list[Node]:
    """ADF inline nodes for one line of wiki markup."""
    return read_tokens(tokenize(line))


def read_tokens(tokens: Sequence[Token]) -> list[Node]:
    """ADF inline nodes for a run of tokens (a line, or a table cell)."""
    reader = _Reader(tokens)
    return canonical_inline(reader.read(0, len(tokens), ()))


class _Reader:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.index = RawIndex(tokens)
        self.spans = self._spans()
        # Closers anywhere (for effects inside a link's text, whose reading ends at the link's
        # `|`), and closers outside links and monospace (for effects around them): an effect
        # never closes inside a link or monospace it did not open in.
        self.closers: dict[str, list[tuple[int, int]]] = {}
        self.outer_closers: dict[str, list[tuple[int, int]]] = {}
        for index in range(len(tokens)):
            closer = self._closer_at(index)
            if closer is not None:
                self.closers.setdefault(closer[0], []).append((index, closer[1]))
                if self._span_of(index) is None:
                    self.outer_closers.setdefault(closer[0], []).append((index, closer[1]))

    def _spans(self) -> list[tuple[int, int]]:
        """The links and monospace runs of the line, as (first, last) token indexes."""
        spans: list[tuple[int, int]] = []
        index = 0
        while index < len(self.tokens):
            close = -1
            if self._raw(index, "{") and self._raw(index + 1, "{"):
                close = self.index.next("}}", index + 3, len(self.tokens))
                close = close + 1 if close >= 0 else -1
            elif self._raw(index, "["):
                close = self.index.next("]", index + 1, len(self.tokens))
            if close >= 0:
                spans.append((index, close))
                index = close
            index += 1
        return spans

    def _span_of(self, index: int) -> tuple[int, int] | None:
        found = bisect_left(self.spans, (index + 1, -1)) - 1
        if found >= 0 and self.spans[found][0] < index <= self.spans[found][1]:
            return self.spans[found]
        return None

    def read(self, start: int, end: int, marks: tuple[Mark, ...]) -> list[Node]:
        result: list[Node] = []
        text: list[str] = []
        index = start
        while index < end:
            read = self._markup(index, end, marks)
            if read is None:
                text.append(self.tokens[index].value)
                index += 1
                continue
            produced, index = read
            if text:
                result.append(nodes.text("".join(text), marks))
                text = []
            result.extend(produced)
        if text:
            result.append(nodes.text("".join(text), marks))
        return result

    def _markup(
        self, index: int, end: int, marks: tuple[Mark, ...]
    ) -> tuple[list[Node], int] | None:
        """The nodes of the markup starting at `index`, and where it ends; None for text."""
        token = self.tokens[index]
        if token.kind == "break":
            return [{"type": "hardBreak"}], index + 1
        if token.kind != "raw":
            return None
        if self._raw(index, "{") and self._raw(index + 1, "{"):
            return self._monospace(index, end, marks)
        opener = self._opener_at(index)
        if opener is not None:
            return self._effect(index, end, marks, *opener)
        if token.value == "{":
            return self._macro_tag(index, end)
        if token.value == "[" and not any(m["type"] == "link" for m in marks):
            return self._link(index, end, marks)
        if token.value == "!":
            return self._image(index, end, marks)
        return None

    def _raw(self, index: int, value: str) -> bool:
        return (
            0 <= index < len(self.tokens)
            and self.tokens[index].kind == "raw"
            and (self.tokens[index].value == value)
        )

    def _char(self, index: int, *, last: bool = False) -> str:
        """The first (or last) character a token stands for; empty outside the line."""
        if not 0 <= index < len(self.tokens):
            return ""
        value = self.tokens[index].value
        return value[-1:] if last else value[:1]

    def _blank(self, index: int, *, last: bool = False) -> bool:
        char = self._char(index, last=last)
        return not char or char.isspace()

    def _braced(self, index: int) -> str | None:
        if self._raw(index, "{") and self._raw(index + 2, "}"):
            middle = self.tokens[index + 1]
            if middle.kind == "raw" and middle.value in _SINGLE:
                return middle.value
        return None

    def _opener_at(self, index: int) -> tuple[str, int] | None:
        braced = self._braced(index)
        if braced is not None:
            return braced, 3
        token = self.tokens[index]
        if is_word(self._char(index - 1, last=True)):
            return None
        if token.value == "?" and self._raw(index + 1, "?"):
            return ("??", 2) if not self._blank(index + 2) else None
        if token.value in _SINGLE and not self._blank(index + 1) and not self._dashes(index):
            return token.value, 1
        return None

    def _dashes(self, index: int) -> bool:
        """`--` and `---` are dashes, never a deleted-text delimiter."""
        return self._raw(index, "-") and (self._raw(index - 1, "-") or self._raw(index + 1, "-"))

    def _closer_at(self, index: int) -> tuple[str, int] | None:
        if self.tokens[index].kind != "raw":
            return None
        braced = self._braced(index)
        if braced is not None:
            return braced, 3
        value = self.tokens[index].value
        if self._blank(index - 1, last=True):
            return None
        if value == "?" and self._raw(index + 1, "?"):
            return ("??", 2) if not is_word(self._char(index + 2)) else None
        if value in _SINGLE and not is_word(self._char(index + 1)) and not self._dashes(index):
            return value, 1
        return None

    def _effect(
        self, index: int, end: int, marks: tuple[Mark, ...], delimiter: str, length: int
    ) -> tuple[list[Node], int] | None:
        inside = self._span_of(index) is not None
        candidates = (self.closers if inside else self.outer_closers).get(delimiter, [])
        position = bisect_left(candidates, (index + length + 1, 0))
        if position == len(candidates):
            return None
        close, close_length = candidates[position]
        if close + close_length > end:
            return None
        inner = self.read(index + length, close, (*marks, _EFFECTS[delimiter]))
        return inner, close + close_length

    def _find(self, value: str, start: int, end: int) -> int:
        return self.index.next(value, start, end)

    def _source(self, start: int, end: int) -> str:
        return "".join(token.source for token in self.tokens[start:end])

    def _monospace(
        self, index: int, end: int, marks: tuple[Mark, ...]
    ) -> tuple[list[Node], int] | None:
        close = self._find("}}", index + 3, end - 1)
        if close < 0:
            return None
        value = "".join(
            " " if token.kind == "break" else token.value
            for token in self.tokens[index + 2 : close]
        )
        kept = tuple(m for m in marks if m["type"] == "link")
        return [nodes.text(value, (*kept, nodes.mark("code")))], close + 2

    def _macro_tag(self, index: int, end: int) -> tuple[list[Node], int] | None:
        close = self._find("}", index + 1, min(end, index + 200))
        if close < 0:
            return None
        tag = _MACRO_TAG.fullmatch(self._source(index, close + 1))
        if tag is None or tag.group(1).lower() not in _STYLING_MACROS:
            return None
        return [], close + 1

    def _link(self, index: int, end: int, marks: tuple[Mark, ...]) -> tuple[list[Node], int] | None:
        close = self._find("]", index + 1, end)
        if close < 0:
            return None
        pipe = self._find("|", index + 1, close)
        target = self._source(pipe + 1 if pipe >= 0 else index + 1, close).strip()
        if not target:
            # `[text|]` is a link going nowhere, as Markdown's `[text]()` is; `[]` is text.
            label = self.read(index + 1, pipe, (*marks, _EMPTY_LINK)) if pipe > index + 1 else []
            return (label, close + 1) if label else None
        if target.startswith("~"):
            # `[~name]`, or `[Shown Name|~name]`: the shown name when there is one.
            name = target[1:]
            shown = self._source(index + 1, pipe).strip() if pipe >= 0 else ""
            mention: Node = {
                "type": "mention",
                "attrs": {"id": name, "text": "@" + (shown or name)},
            }
            return [mention], close + 1
        if target[0] in "^#":
            # An attachment or an anchor on the page: only its name means anything here.
            label = self.read(index + 1, pipe, marks) if pipe >= 0 else []
            return label or [nodes.text(target[1:] or target, marks)], close + 1
        link = nodes.mark("link", {"href": target})
        if pipe < 0:
            return [nodes.text(target, (*marks, link))], close + 1
        label = self.read(index + 1, pipe, (*marks, link))
        return label or [nodes.text(target, (*marks, link))], close + 1

    def _image(
        self, index: int, end: int, marks: tuple[Mark, ...]
    ) -> tuple[list[Node], int] | None:
        close = self._find("!", index + 2, end)
        if close < 0 or self._blank(index + 1) or self._blank(close - 1, last=True):
            return None
        if any(token.kind == "break" for token in self.tokens[index + 1 : close]):
            return None
        name = self._source(index + 1, close).split("|")[0].strip()
        if not name:
            return None
        if any(m["type"] == "link" for m in marks):
            return [nodes.text(name, marks)], close + 1
        # An image shows as a `!` before a link to the file (the Markdown writer escapes the
        # `!`, so the file is named, not fetched).
        link = nodes.mark("link", {"href": name})
        return [nodes.text("!", marks), nodes.text(name, (*marks, link))], close + 1
