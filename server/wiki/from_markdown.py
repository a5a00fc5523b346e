"""Markdown -> Jira wiki markup, for descriptions and comments written on Data Center.

The Markdown is read by the same markdown-it-py reading the ADF converter uses
(`markdown_to_adf`), so both dialects understand the model's Markdown alike, degrade what their
target cannot hold alike, and settle Markdown's spelling choices alike; the document tree is
then written as wiki markup. What wiki markup has no word for is degraded, never dropped: an
ordered list's start number is not kept (`#` always counts from 1), further paragraphs and code
of a list item continue its line after a line break, and an image becomes a link to its source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from server.adf import markdown_to_adf
from server.wiki.write_inline import write_inline

_LANGUAGE = re.compile(r"[^\s{}|=]+")
_LIST_MARKERS = {"bulletList": "*", "orderedList": "#"}
_LINE_BREAK = "\\\\"


def markdown_to_wiki(markdown: str) -> str:
    """Convert Markdown to Jira wiki markup (empty for empty input)."""
    return adf_to_wiki(markdown_to_adf(markdown))


def adf_to_wiki(document: Mapping[str, object]) -> str:
    """Write an ADF document as Jira wiki markup (empty for an empty document)."""
    return _container(_content(document))


def _content(node: object) -> list[Mapping[str, object]]:
    content = node.get("content") if isinstance(node, Mapping) else None
    if not isinstance(content, list):
        return []
    return [child for child in content if isinstance(child, Mapping)]


def _attrs(node: Mapping[str, object]) -> Mapping[str, object]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, Mapping) else {}


def _container(children: Sequence[Mapping[str, object]]) -> str:
    """Blocks separated by blank lines: the only separator every wiki block ends at."""
    parts = (_block(child) for child in children)
    return "\n\n".join(part for part in parts if part)


def _block(node: Mapping[str, object]) -> str:
    kind = str(node.get("type"))
    if kind in _LIST_MARKERS:
        return _list(node, "")
    renderer = _RENDERERS.get(kind)
    if renderer is not None:
        return renderer(node)
    children = _content(node)
    if any(child.get("type") in _BLOCKS for child in children):
        return _container(children)
    return write_inline(children or [node], line_start=True)


def _paragraph(node: Mapping[str, object]) -> str:
    return write_inline(node.get("content"), line_start=True)


def _heading(node: Mapping[str, object]) -> str:
    """`h1.` to `h6.` and the heading's text, on one line. A line break inside it is written as
    wiki markup's forced line break (two backslashes), which may stand anywhere in a line's text,
    so a heading keeps its breaks at every level; the reader here reads them back the same."""
    level = _attrs(node).get("level")
    level = level if isinstance(level, int) and 1 <= level <= 6 else 1
    return f"h{level}. {write_inline(_content(node))}".rstrip()


def _code_block(node: Mapping[str, object]) -> str:
    code = "".join(str(child.get("text") or "") for child in _content(node))
    language = str(_attrs(node).get("language") or "")
    # The body of {code} and {noformat} is raw text ending at the first closing tag, so a body
    # that holds `{code}` is written as {noformat}.
    if "{code}" in code and "{noformat}" not in code:
        return f"{{noformat}}\n{code}\n{{noformat}}"
    opening = f"{{code:{language}}}" if _LANGUAGE.fullmatch(language) else "{code}"
    return f"{opening}\n{code}\n{{code}}"


def _quote(node: Mapping[str, object]) -> str:
    body = _container(_content(node))
    return f"{{quote}}\n{body}\n{{quote}}" if body else "{quote}\n{quote}"


def _rule(_node: Mapping[str, object]) -> str:
    return "----"


def _list(node: Mapping[str, object], prefix: str) -> str:
    marker = prefix + _LIST_MARKERS.get(str(node.get("type")), "*")
    return "\n".join(_list_item(item, marker) for item in _content(node))


def _list_item(item: Mapping[str, object], marker: str) -> str:
    """The item's text on the marker's line, its nested lists on the lines after it."""
    texts: list[str] = []
    nested: list[str] = []
    for child in _content(item):
        kind = str(child.get("type"))
        if kind in _LIST_MARKERS:
            nested.append(_list(child, marker))
        elif kind == "codeBlock":
            texts.append(_code_lines(child))
        elif child.get("type") in _BLOCKS:
            texts.append(write_inline(_inline_of(child)))
        else:
            texts.append(write_inline([child]))
    text = _LINE_BREAK.join(text for text in texts if text)
    line = f"{marker} {text}".rstrip()
    return "\n".join([line, *nested])


def _code_lines(node: Mapping[str, object]) -> str:
    """A code block inside a list item, as monospace lines: a list item is one line."""
    code = "".join(str(child.get("text") or "") for child in _content(node))
    lines = [
        {"type": "text", "text": line, "marks": [{"type": "code"}]} for line in code.split("\n")
    ]
    content: list[Mapping[str, object]] = []
    for index, line in enumerate(lines):
        if index:
            content.append({"type": "hardBreak"})
        if line["text"]:
            content.append(line)
    return write_inline(content)


def _inline_of(node: Mapping[str, object]) -> list[Mapping[str, object]]:
    """A block's inline content, its inner blocks joined by line breaks."""
    children = _content(node)
    if not any(child.get("type") in _BLOCKS for child in children):
        return children
    result: list[Mapping[str, object]] = []
    for child in children:
        if result:
            result.append({"type": "hardBreak"})
        result.extend(_inline_of(child))
    return result


def _table(node: Mapping[str, object]) -> str:
    rows = [_table_row(row) for row in _content(node)]
    return "\n".join(row for row in rows if row)


def _table_row(row: Mapping[str, object]) -> str:
    cells: list[str] = []
    delimiter = ""
    for cell in _content(row):
        delimiter = "||" if cell.get("type") == "tableHeader" else "|"
        # An empty cell still needs a character between its delimiters.
        cells.append(delimiter + (write_inline(_inline_of(cell), at_end=False) or " "))
    return "".join(cells) + delimiter if cells else ""


_RENDERERS: dict[str, Callable[[Mapping[str, object]], str]] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "codeBlock": _code_block,
    "blockquote": _quote,
    "rule": _rule,
    "table": _table,
}
_BLOCKS = frozenset(
    {*_RENDERERS, *_LIST_MARKERS, "listItem", "tableRow", "tableCell", "tableHeader"}
)
