"""ADF -> compact Markdown, for showing descriptions and comments to the model.

Jira documents hold nodes that Markdown has no word for (mentions, panels, media, cards); each is
written as the closest short text. Input is whatever Jira returned, so nothing here trusts its
shape: a malformed node is skipped or read for its text, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from server.adf.inline import escape_line_starts, render_inline
from server.adf.nodes import INLINE_TYPES
from server.adf.plain import cut

_LISTS = ("bulletList", "orderedList", "taskList", "decisionList")
# Blocks that may follow a paragraph on the next line; anything else needs a blank line between.
# (A list that starts at another number than 1, or with an empty item, would join the paragraph.)
_INTERRUPTS_PARAGRAPH = re.compile(r"(?:[-*]|1[.)]) \S|```|~~~")


def adf_to_markdown(doc: object, limit: int | None = None) -> str:
    """Markdown for an ADF document, cut to `limit` characters (with a marker) when given."""
    markdown = _container(_content(doc))
    return cut(markdown, limit) if limit is not None else markdown


def _content(node: object) -> list[Mapping[str, object]]:
    content = node.get("content") if isinstance(node, Mapping) else None
    if not isinstance(content, list):
        return []
    return [child for child in content if isinstance(child, Mapping)]


def _attrs(node: Mapping[str, object]) -> Mapping[str, object]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, Mapping) else {}


def _container(children: Sequence[Mapping[str, object]], *, tight: bool = False) -> str:
    """Blocks separated by blank lines; in a tight list item a nested list follows directly."""
    parts: list[str] = []
    previous_type: object = None
    alternate = False
    for child in children:
        kind = child.get("type")
        # Two lists in a row would read back as one unless the second uses another marker.
        alternate = not alternate if kind == previous_type and kind in _LISTS else False
        rendered = _block(child, alternate=alternate)
        previous_type = kind
        if not rendered:
            continue
        joiner = "\n" if tight and _INTERRUPTS_PARAGRAPH.match(rendered) else "\n\n"
        parts.append(joiner + rendered if parts else rendered)
    return "".join(parts)


def _block(node: Mapping[str, object], *, alternate: bool = False) -> str:
    kind = node.get("type")
    if kind in _LISTS:
        return _list(node, alternate=alternate)
    renderer = _RENDERERS.get(str(kind))
    if renderer is not None:
        return renderer(node)
    if kind in INLINE_TYPES:
        return escape_line_starts(render_inline([node]))
    return _unknown(node)


def _paragraph(node: Mapping[str, object]) -> str:
    return escape_line_starts(render_inline(node.get("content")))


def _heading(node: Mapping[str, object]) -> str:
    """An ATX heading (`## Title`), which is one line; a level 1 or 2 heading holding a line
    break is written in setext form (its lines underlined with `===` or `---`), which keeps the
    break. Levels 3 to 6 have no setext form and no other way to hold a break in Markdown, so
    there each break becomes a space: the text and the level survive, the break does not."""
    level = _attrs(node).get("level")
    level = level if isinstance(level, int) and 1 <= level <= 6 else 1
    text = render_inline(node.get("content"))
    if "\n" in text and level <= 2:
        return escape_line_starts(text) + ("\n===" if level == 1 else "\n---")
    text = " ".join(text.replace("\\\n", " ").split("\n"))
    if text.endswith("#"):
        text = text[:-1] + "\\#"  # a trailing `#` would be read as a closing sequence
    return ("#" * level + " " + text).rstrip()


def _code_block(node: Mapping[str, object]) -> str:
    code = "".join(str(child.get("text") or "") for child in _content(node))
    language = str(_attrs(node).get("language") or "")
    longest = max((len(run) for run in re.findall(r"^ {0,3}(`+)", code, re.M)), default=0)
    fence = "`" * max(3, longest + 1)
    if "`" in language:
        fence = "~" * max(3, longest + 1)
    body = code + "\n" if code else ""
    return f"{fence}{language}\n{body}{fence}"


def _quote(node: Mapping[str, object]) -> str:
    body = _container(_content(node))
    return "\n".join("> " + line if line else ">" for line in body.split("\n"))


def _rule(_node: Mapping[str, object]) -> str:
    return "---"


def _media(node: Mapping[str, object]) -> str:
    names = [str(_attrs(child).get("alt") or "") for child in _content(node)]
    named = [name for name in names if name]
    return f"[attachment: {', '.join(named)}]" if named else "[attachment]"


def _card(node: Mapping[str, object]) -> str:
    url = str(_attrs(node).get("url") or "")
    return f"<{url}>" if url else ""


def _expand(node: Mapping[str, object]) -> str:
    title = str(_attrs(node).get("title") or "")
    body = _container(_content(node))
    return f"{title}:\n\n{body}" if title else body


def _table(node: Mapping[str, object]) -> str:
    rows = [[_cell(cell) for cell in _content(row)] for row in _content(node)]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    lines = [_table_line(row + [""] * (width - len(row))) for row in rows]
    lines.insert(1, _table_line(["---"] * width))
    return "\n".join(lines)


def _table_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cell(cell: Mapping[str, object]) -> str:
    text = " ".join(_flat_block(child) for child in _content(cell))
    return text.strip().replace("|", "\\|")


def _flat_block(node: Mapping[str, object]) -> str:
    """A block squeezed onto one line, for table cells."""
    if node.get("type") in ("paragraph", "heading"):
        return render_inline(node.get("content")).replace("\\\n", " ")
    return " ".join(_block(node).split())


def _list(node: Mapping[str, object], *, alternate: bool) -> str:
    kind = node.get("type")
    order = _attrs(node).get("order")
    number = order if isinstance(order, int) and order >= 0 else 1
    lines: list[str] = []
    for index, item in enumerate(_content(node)):
        if kind == "orderedList":
            marker = f"{number + index}{')' if alternate else '.'}"
        else:
            marker = "*" if alternate else "-"
        lines.append(_list_item(item, marker))
    return "\n".join(lines)


def _list_item(item: Mapping[str, object], marker: str) -> str:
    if item.get("type") == "taskItem":
        done = _attrs(item).get("state") == "DONE"
        marker += " [x]" if done else " [ ]"
    children = _content(item)
    if item.get("type") in ("taskItem", "decisionItem") or not _has_blocks(children):
        body = escape_line_starts(render_inline(children))
    else:
        body = _container(children, tight=True)
    indent = " " * (len(marker.split(" ")[0]) + 1)
    lines = body.split("\n")
    first = f"{marker} {lines[0]}".rstrip()
    rest = [indent + line if line else "" for line in lines[1:]]
    return "\n".join([first, *rest])


def _has_blocks(children: Sequence[Mapping[str, object]]) -> bool:
    return any(child.get("type") not in INLINE_TYPES for child in children)


def _unknown(node: Mapping[str, object]) -> str:
    """An unknown node shows its text: its blocks when it holds blocks, else its inline text."""
    children = _content(node)
    if _has_blocks(children):
        return _container(children)
    if children:
        return escape_line_starts(render_inline(children))
    return escape_line_starts(render_inline([{"type": "text", "text": node.get("text")}]))


_RENDERERS: dict[str, Callable[[Mapping[str, object]], str]] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "codeBlock": _code_block,
    "blockquote": _quote,
    "panel": _quote,
    "rule": _rule,
    "table": _table,
    "mediaSingle": _media,
    "mediaGroup": _media,
    "media": lambda node: _media({"content": [node]}),
    "blockCard": _card,
    "embedCard": _card,
    "expand": _expand,
    "nestedExpand": _expand,
}
