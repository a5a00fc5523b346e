"""ADF inline content -> Markdown text (marks, escaping, code spans, links).

Marks are written as a stack: a mark that runs over several text nodes is opened once, and of the
marks opening together the longest-running one goes outside. Text is escaped just enough that
markdown-it reads back the same characters, and no more, to keep the output short.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from server.adf.delimiters import Delimiter, with_delimiters
from server.adf.nodes import MARK_ORDER

# A mark as a hashable pair: (type, href); href is empty except for links.
MarkKey = tuple[str, str]

_ESCAPES = re.compile(
    r"""
    \\(?=[!-/:-@\[-`{-~]|$)     # a backslash that would escape what follows it
    | [`*\[\]]                  # code, emphasis and link delimiters
    | ~(?=~) | (?<=~)~          # `~~` is strikethrough; a lone ~ is harmless
    | (?<![^\W_])_ | _(?![^\W_])  # `_` at a word edge; snake_case stays readable
    | &(?=\#|[A-Za-z0-9]+;)     # something an entity reference would swallow
    | <(?=[\w/!?.\#$%&'*+=^`{|}~-])  # an HTML tag, an autolink or an email autolink
    """,
    re.VERBOSE,
)
# Line starts that Markdown reads as block syntax: an ATX heading, a quote, a list item, or a
# line of only `-`/`=` (a rule, or a setext underline turning the line above into a heading).
_LINE_START = re.compile(
    r"^(?:\#{1,6}(?=[ \t]|$) | > | [-+](?=[ \t]|$) | \d{1,9}(?=[.)](?:[ \t]|$))"
    r" | -(?=[- \t]*$) | =(?=[= \t]*$))",
    re.VERBOSE,
)
_AUTOLINK_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*")


@dataclass(frozen=True)
class Piece:
    """One run of inline content: plain text, a code span, an autolink or a hard break."""

    kind: str
    text: str = ""
    marks: tuple[MarkKey, ...] = ()


def render_inline(content: object) -> str:
    """Markdown for a list of ADF inline nodes; hard breaks become backslash line ends."""
    pieces = _autolinks(_merge(_pieces(content)))
    while pieces and pieces[-1].kind == "break":
        pieces.pop()
    return _render(pieces)


def escape_line_starts(markdown: str) -> str:
    """Escape what would start a heading, list, quote or rule at the start of a line."""
    lines = (line.lstrip() for line in markdown.split("\n"))
    return "\n".join(_LINE_START.sub(lambda m: _escape_first(m.group()), line) for line in lines)


def _escape_first(prefix: str) -> str:
    if prefix[0].isdigit():
        return prefix + "\\"
    return "\\" + prefix


def _pieces(content: object) -> list[Piece]:
    result: list[Piece] = []
    for node in content if isinstance(content, list) else []:
        if isinstance(node, Mapping):
            result.extend(_node_pieces(node))
    return result


def _node_pieces(node: Mapping[str, object]) -> list[Piece]:
    kind = node.get("type")
    attrs = node.get("attrs")
    attrs = attrs if isinstance(attrs, Mapping) else {}
    if kind == "text":
        return _text_pieces(str(node.get("text") or ""), node.get("marks"))
    if kind == "hardBreak":
        return [Piece("break")]
    if kind == "inlineCard":
        url = str(attrs.get("url") or "")
        return [Piece("text", url, (("link", url),))] if url else []
    label = inline_label(str(kind), attrs)
    if label is None:
        label = _plain(node.get("content"))
    return [Piece("text", label)] if label else []


def inline_label(kind: str, attrs: Mapping[str, object]) -> str | None:
    """The text shown for an inline node that is not plain text, or None when unknown."""
    if kind == "mention":
        name = str(attrs.get("text") or attrs.get("id") or "someone")
        return name if name.startswith("@") else "@" + name
    if kind == "emoji":
        return str(attrs.get("text") or attrs.get("shortName") or "")
    if kind == "date":
        return _date(attrs.get("timestamp"))
    if kind in ("status", "placeholder"):
        return str(attrs.get("text") or "")
    if kind == "mediaInline":
        return "[attachment]"
    return None


def _date(timestamp: object) -> str:
    try:
        moment = datetime.fromtimestamp(int(str(timestamp)) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return str(timestamp or "")
    return moment.strftime("%Y-%m-%d")


def _plain(content: object) -> str:
    return "".join(piece.text for piece in _pieces(content))


def _text_pieces(value: str, marks: object) -> list[Piece]:
    if not value:
        return []
    keys = _mark_keys(marks)
    if ("code", "") in keys:
        return [Piece("code", value, tuple(k for k in keys if k[0] == "link"))]
    return [Piece("text", value, keys)]


def _mark_keys(marks: object) -> tuple[MarkKey, ...]:
    keys: list[MarkKey] = []
    for value in marks if isinstance(marks, list) else []:
        if not isinstance(value, Mapping) or value.get("type") not in MARK_ORDER:
            continue
        attrs = value.get("attrs")
        href = attrs.get("href") if isinstance(attrs, Mapping) else None
        key = (str(value["type"]), str(href or "") if value["type"] == "link" else "")
        if key not in keys:
            keys.append(key)
    return tuple(sorted(keys, key=lambda k: MARK_ORDER.index(k[0])))


def _merge(pieces: Iterable[Piece]) -> list[Piece]:
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        if last and last.kind == piece.kind != "break" and last.marks == piece.marks:
            result[-1] = replace(last, text=last.text + piece.text)
        else:
            result.append(piece)
    return result


def _autolinks(pieces: list[Piece]) -> list[Piece]:
    """A link whose text is its own address is written `<address>`, the shortest form."""
    result = list(pieces)
    for index, piece in enumerate(result):
        if piece.kind != "text" or piece.marks != (("link", piece.text),):
            continue
        if _AUTOLINK_SAFE.fullmatch(piece.text) and not _shares_link(result, index):
            result[index] = Piece("autolink", piece.text)
    return result


def _shares_link(pieces: list[Piece], index: int) -> bool:
    link = pieces[index].marks[0]
    neighbours = pieces[max(index - 1, 0) : index] + pieces[index + 1 : index + 2]
    return any(link in other.marks for other in neighbours)


def _render(pieces: list[Piece]) -> str:
    out: list[str | Delimiter] = []
    stack: list[tuple[MarkKey, int]] = []
    pairs = 0
    for index, piece in enumerate(pieces):
        wanted = _wanted_marks(pieces, index)
        keep = _kept([key for key, _ in stack], wanted, pieces, index)
        _close(out, stack[keep:])
        del stack[keep:]
        opening = [m for m in wanted if m not in (key for key, _ in stack)]
        opening.sort(key=lambda m: (-_run_length(pieces, index, m), MARK_ORDER.index(m[0])))
        text = _piece_text(piece)
        if opening:
            # Markdown ignores a delimiter next to a space, so blanks go outside the marks.
            lead = text[: len(text) - len(text.lstrip())]
            out.append(lead)
            text = text[len(lead) :]
            if any(m[0] == "link" for m in opening):
                _escape_image_bang(out)
            for mark_key in opening:
                out.append(_opener(mark_key, pairs))
                stack.append((mark_key, pairs))
                pairs += 1
        out.append(text)
    _close(out, stack)
    return with_delimiters(out)


def _kept(
    stack: list[MarkKey], wanted: tuple[MarkKey, ...], pieces: list[Piece], index: int
) -> int:
    """How many marks of the stack stay open: those still wanted, each running at least as far
    as every mark opening inside it. A mark that ends sooner is closed now and opened again
    inside the longer one, so that the shorter one is split where the longer one starts: on
    text that opens a mark, never on a blank, which no delimiter can mark."""
    keep = 0
    while keep < len(stack) and stack[keep] in wanted:
        reach = _run_length(pieces, index, stack[keep])
        inner = (m for m in wanted if m not in stack[: keep + 1])
        if any(_run_length(pieces, index, m) > reach for m in inner):
            break
        keep += 1
    return keep


def _escape_image_bang(out: list[str | Delimiter]) -> None:
    """A `!` right before a link's `[` would make it an image: escape it."""
    for index in range(len(out) - 1, -1, -1):
        written = out[index]
        if isinstance(written, Delimiter):
            return
        if written:
            backslashes = len(written[:-1]) - len(written[:-1].rstrip("\\"))
            if written.endswith("!") and backslashes % 2 == 0:
                out[index] = written[:-1] + "\\!"
            return


def _wanted_marks(pieces: list[Piece], index: int) -> tuple[MarkKey, ...]:
    piece = pieces[index]
    if piece.kind not in ("text", "code"):
        return ()
    if piece.kind == "code" or piece.text.strip():
        return piece.marks
    # Blanks alone cannot open or close emphasis in Markdown (`** **` is literal text), so they
    # keep only the marks running on both sides of them.
    before = pieces[index - 1].marks if index else ()
    after = pieces[index + 1].marks if index + 1 < len(pieces) else ()
    return tuple(m for m in piece.marks if m in before and m in after)


def _run_length(pieces: list[Piece], start: int, mark_key: MarkKey) -> int:
    length = 0
    for piece in pieces[start:]:
        if mark_key not in piece.marks:
            break
        length += 1
    return length


def _close(out: list[str | Delimiter], marks: list[tuple[MarkKey, int]]) -> None:
    if not marks:
        return
    last = out.pop() if out else ""
    if isinstance(last, Delimiter):  # every piece ends with its text; kept for the type only
        out.append(last)
        last = ""
    body = last.rstrip(" ")
    blanks = last[len(body) :]
    backslashes = len(body) - len(body.rstrip("\\"))
    if backslashes % 2 and blanks:
        # A backslash that a space followed is literal as written, but the closer moves up
        # against it and would be escaped by it: escape the backslash instead.
        body += "\\"
    out.append(body)
    out.extend(_closer(key, pair) for key, pair in reversed(marks))
    out.append(blanks)


def _opener(mark_key: MarkKey, pair: int) -> Delimiter:
    return Delimiter(mark_key[0], pair, text="[" if mark_key[0] == "link" else "")


def _closer(mark_key: MarkKey, pair: int) -> Delimiter:
    text = f"]({_destination(mark_key[1])})" if mark_key[0] == "link" else ""
    return Delimiter(mark_key[0], pair, closing=True, text=text)


def _destination(href: str) -> str:
    escaped = re.sub(r"([\\()])", r"\\\1", href)
    if re.search(r"[\s<>]", href):
        return "<" + re.sub(r"([<>])", r"\\\1", escaped) + ">"
    return escaped


def _piece_text(piece: Piece) -> str:
    if piece.kind == "break":
        return "\\\n"
    if piece.kind == "code":
        return _code_span(piece.text)
    if piece.kind == "autolink":
        return f"<{piece.text}>"
    return _ESCAPES.sub(lambda m: "\\" + m.group(), piece.text)


def _code_span(value: str) -> str:
    """A code span that holds `value` exactly, whatever backticks or spaces it contains."""
    value = value.replace("\n", " ")
    runs = [len(run) for run in re.findall(r"`+", value)]
    fence = "`" * (max(runs, default=0) + 1)
    padded = value.startswith("`") or value.endswith("`")
    if value.startswith(" ") and value.endswith(" ") and value.strip():
        padded = True
    return f"{fence} {value} {fence}" if padded else f"{fence}{value}{fence}"
