"""ADF inline content -> wiki markup text (effects, monospace, links, line breaks).

Effects are written as a stack, as the Markdown writer in `server/adf/inline.py` does: an effect
running over several pieces opens once, the longest-running outside, and one ending sooner
than an effect opening inside it is split rather than the longer one. A link is one piece in
that stack: effects over all of its text wrap the brackets (`*[a|u]*`), effects over part of it go
inside (`[a *b*|u]`), so no delimiter pairs across a bracket. An effect that would open right
after a letter or digit, or close right before one, takes the braced form `{*}`; blanks at an
effect's edge are written outside its delimiters, where the renderer wants them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from server.adf.inline import inline_label
from server.wiki.escape import escape_text, is_word

_DELIMITERS = {"strong": "*", "em": "_", "strike": "-", "underline": "+"}
_ORDER = tuple(_DELIMITERS)
_URL_UNSAFE = re.compile(r"[\s|\[\]]")
# A target starting so is read as a mention (`~`) or an attachment (`^`), not a URL.
_URL_SPECIAL_START = re.compile(r"^[~^]")


@dataclass(frozen=True)
class Piece:
    """One run of inline content (text, monospace, a line break, or a link holding its own
    pieces), with its effects."""

    kind: str
    text: str = ""
    marks: tuple[str, ...] = ()
    href: str | None = None
    inner: tuple[Piece, ...] = ()


@dataclass
class _Token:
    kind: str  # "open", "close" or "text"
    value: str
    pair: int = -1


def write_inline(content: object, *, line_start: bool = False, at_end: bool = True) -> str:
    """Wiki markup for a list of ADF inline nodes; `line_start` when it opens a line, `at_end`
    when nothing follows it on the line."""
    pieces = _pieces(content)
    while pieces and pieces[-1].kind == "break":
        pieces.pop()
    return _effects(_with_links_folded(pieces), line_start=line_start, at_end=at_end)


def _pieces(content: object) -> list[Piece]:
    result: list[Piece] = []
    for node in content if isinstance(content, list) else []:
        if isinstance(node, Mapping):
            result.extend(_node_pieces(node))
    return result


def _node_pieces(node: Mapping[str, object]) -> list[Piece]:
    kind = node.get("type")
    if kind == "hardBreak":
        return [Piece("break")]
    if kind == "text":
        value = str(node.get("text") or "")
        marks, href, code = _marks(node.get("marks"))
        if not value:
            return []
        if code:
            return [Piece("code", value.replace("\n", " "), (), href)]
        lines = value.split("\n")
        result: list[Piece] = []
        for index, line in enumerate(lines):
            if index:
                result.append(Piece("break"))
            if line:
                result.append(Piece("text", line, marks, href))
        return result
    attrs = node.get("attrs")
    label = inline_label(str(kind), attrs if isinstance(attrs, Mapping) else {})
    return [Piece("text", label)] if label else []


def _marks(marks: object) -> tuple[tuple[str, ...], str | None, bool]:
    names: set[str] = set()
    href: str | None = None
    for mark in marks if isinstance(marks, list) else []:
        if not isinstance(mark, Mapping):
            continue
        kind = mark.get("type")
        if kind == "link":
            attrs = mark.get("attrs")
            href = str(attrs.get("href") or "") if isinstance(attrs, Mapping) else ""
        elif isinstance(kind, str):
            names.add(kind)
    effects = tuple(name for name in _ORDER if name in names)
    return effects, href, "code" in names


def _with_links_folded(pieces: Sequence[Piece]) -> list[Piece]:
    """Each run of pieces sharing a link as one `link` piece: the effects running over all of
    it stay outside the brackets, the others go inside."""
    result: list[Piece] = []
    start = 0
    for index in range(1, len(pieces) + 1):
        if index < len(pieces) and pieces[index].href == pieces[start].href:
            continue
        group = pieces[start:index]
        href = group[0].href
        if href is None:
            result.extend(group)
        else:
            outer = tuple(m for m in group[0].marks if all(m in p.marks for p in group[1:]))
            if any(p.kind == "code" for p in group):
                outer = ()
            inner = tuple(
                replace(p, marks=tuple(m for m in p.marks if m not in outer), href=None)
                for p in group
            )
            result.append(Piece("link", marks=outer, href=href, inner=inner))
        start = index
    return result


def _link(piece: Piece) -> str:
    # Percent-encoded, these name the same URL (RFC 3986, 2.1 and 6.2.2.2) and wiki reads
    # them as one.
    target = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", piece.href or "")
    target = _URL_SPECIAL_START.sub(lambda m: f"%{ord(m.group()):02X}", target)
    inner = piece.inner
    plain = len(inner) == 1 and inner[0].kind == "text" and not inner[0].marks
    if plain and inner[0].text == target:
        return f"[{target}]"
    return f"[{_effects(inner, line_start=False, at_end=False)}|{target}]"


def _effects(group: Sequence[Piece], *, line_start: bool, at_end: bool) -> str:
    tokens = _tokens(group, line_start=line_start, at_end=at_end)
    braced = _braced_pairs(tokens)
    out: list[str] = []
    for token in tokens:
        if token.kind == "text":
            out.append(token.value)
        else:
            delimiter = _DELIMITERS[token.value]
            out.append("{" + delimiter + "}" if token.pair in braced else delimiter)
    return "".join(out)


def _tokens(group: Sequence[Piece], *, line_start: bool, at_end: bool) -> list[_Token]:
    tokens: list[_Token] = []
    stack: list[tuple[str, int]] = []
    pairs = 0
    for index, piece in enumerate(group):
        wanted = _wanted(group, index)
        keep = _kept([name for name, _ in stack], wanted, group, index)
        _close(tokens, stack[keep:])
        del stack[keep:]
        opening = [name for name in wanted if name not in {n for n, _ in stack}]
        if piece.kind == "break":
            opening = []  # an effect cannot open before a line break, only run across it
        opening.sort(key=lambda name: (-_run_length(group, index, name), _ORDER.index(name)))
        first = line_start and not tokens
        ends_line = index + 1 == len(group) and at_end
        ends_line = ends_line or (index + 1 < len(group) and group[index + 1].kind == "break")
        text = _piece_text(piece, line_start=first, at_end=ends_line)
        if opening:
            # An effect opens before a non-blank, so blanks go before its delimiter.
            lead = text[: len(text) - len(text.lstrip(" "))]
            if lead:
                tokens.append(_Token("text", lead))
            text = text[len(lead) :]
        for name in opening:
            tokens.append(_Token("open", name, pairs))
            stack.append((name, pairs))
            pairs += 1
        tokens.append(_Token("text", text))
    _close(tokens, stack)
    return tokens


def _kept(stack: list[str], wanted: tuple[str, ...], group: Sequence[Piece], index: int) -> int:
    """How many effects of the stack stay open: those still wanted, each running at least as far
    as every effect opening inside it. One ending sooner is closed and opened again inside the
    longer one, so it is split where the longer one starts (on text), not the longer one where
    it ends (perhaps on a blank, which no delimiter can carry)."""
    keep = 0
    while keep < len(stack) and stack[keep] in wanted:
        reach = _run_length(group, index, stack[keep])
        inner = (name for name in wanted if name not in stack[: keep + 1])
        if any(_run_length(group, index, name) > reach for name in inner):
            break
        keep += 1
    return keep


def _close(tokens: list[_Token], stack: Sequence[tuple[str, int]]) -> None:
    """Close effects innermost first; blanks before them go after their delimiters."""
    if not stack:
        return
    trail = ""
    if tokens and tokens[-1].kind == "text":
        body = tokens[-1].value.rstrip(" ")
        trail = tokens[-1].value[len(body) :]
        tokens[-1].value = body
    tokens.extend(_Token("close", name, pair) for name, pair in reversed(stack))
    if trail:
        tokens.append(_Token("text", trail))


def _wanted(group: Sequence[Piece], index: int) -> tuple[str, ...]:
    piece = group[index]
    if piece.kind in ("text", "link"):
        return piece.marks
    if piece.kind == "code":
        return ()
    # A line break keeps only the effects running on both sides of it.
    before = group[index - 1].marks if index else ()
    after = group[index + 1].marks if index + 1 < len(group) else ()
    return tuple(name for name in before if name in after)


def _run_length(group: Sequence[Piece], start: int, name: str) -> int:
    length = 0
    for piece in group[start:]:
        if piece.kind != "break" and name not in piece.marks:
            break
        length += 1
    return length


def _piece_text(piece: Piece, *, line_start: bool, at_end: bool) -> str:
    if piece.kind == "break":
        return "\\\\"
    if piece.kind == "code":
        return "{{" + escape_text(piece.text) + "}}"
    if piece.kind == "link":
        return _link(piece)
    return escape_text(piece.text, line_start=line_start, at_end=at_end)


def _braced_pairs(tokens: Sequence[_Token]) -> set[int]:
    """Pairs with a delimiter next to a letter or digit, which only the braced form allows."""
    braced: set[int] = set()
    for index, token in enumerate(tokens):
        if token.kind == "open" and index and tokens[index - 1].kind == "text":
            previous = tokens[index - 1].value
            if previous and is_word(previous[-1]):
                braced.add(token.pair)
        if token.kind == "close" and index + 1 < len(tokens) and tokens[index + 1].kind == "text":
            following = tokens[index + 1].value
            if following and is_word(following[0]):
                braced.add(token.pair)
    return braced
