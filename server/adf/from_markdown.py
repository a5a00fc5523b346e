"""Markdown -> ADF, for descriptions and comments written by the model.

markdown-it-py parses CommonMark plus tables and strikethrough; the syntax tree is then mapped
onto ADF nodes. Where Markdown can say something ADF cannot hold in that place (a heading inside
a list item, a table inside a quote), the construct is degraded to paragraphs rather than dropped,
so no text the model wrote is ever lost. Raw HTML is kept as literal text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from server.adf import nodes
from server.adf.canonical import canonical_inline
from server.adf.nodes import Mark, Node

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode


@cache
def _parser() -> MarkdownIt:
    # Imported on first use: markdown-it costs ~30 ms, which the server's start-up skips.
    from markdown_it import MarkdownIt  # noqa: PLC0415

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


# Block types ADF allows at the top of a document, and inside list items and quotes.
_TOP_LEVEL = frozenset(
    {
        "paragraph",
        "heading",
        "bulletList",
        "orderedList",
        "codeBlock",
        "blockquote",
        "rule",
        "table",
    }
)
_NESTED = frozenset({"paragraph", "bulletList", "orderedList", "codeBlock"})

_EMPHASIS_MARKS = {"strong": "strong", "em": "em", "s": "strike"}


def markdown_to_adf(text: str) -> dict[str, object]:
    """Convert Markdown to an ADF v1 document (`content` is empty for empty input)."""
    from markdown_it.tree import SyntaxTreeNode  # noqa: PLC0415  # see _parser

    tree = SyntaxTreeNode(_parser().parse(text))
    return nodes.doc(_blocks(tree.children, _TOP_LEVEL))


def _blocks(children: Iterable[SyntaxTreeNode], allowed: frozenset[str]) -> list[Node]:
    result: list[Node] = []
    for child in children:
        result.extend(_block(child, allowed))
    return result


def _block(node: SyntaxTreeNode, allowed: frozenset[str]) -> list[Node]:
    kind = node.type
    if kind == "paragraph":
        return [nodes.block("paragraph", _inline_of(node))]
    if kind == "heading":
        return _heading(node, allowed)
    if kind in ("bullet_list", "ordered_list"):
        return [_list(node)]
    if kind in ("fence", "code_block"):
        return [_code_block(node)]
    if kind == "blockquote":
        return _blockquote(node, allowed)
    if kind == "table":
        return _table(node, allowed)
    if kind == "hr":
        # A rule has no text, so leaving it out where ADF forbids it loses nothing.
        return [{"type": "rule"}] if "rule" in allowed else []
    if kind == "html_block":
        return [_literal_paragraph(node.content)]
    return _blocks(node.children, allowed)


def _heading(node: SyntaxTreeNode, allowed: frozenset[str]) -> list[Node]:
    content = _inline_of(node)
    if "heading" not in allowed:
        # An empty heading where headings may not go has nothing left to keep.
        return [nodes.block("paragraph", content)] if content else []
    return [nodes.block("heading", content, {"level": int(node.tag[1:])})]


def _list(node: SyntaxTreeNode) -> Node:
    items = [_list_item(child) for child in node.children]
    if node.type == "bullet_list":
        return nodes.block("bulletList", items)
    start = int(str(node.attrs.get("start", 1)))
    return nodes.block("orderedList", items, {"order": start} if start != 1 else None)


def _list_item(node: SyntaxTreeNode) -> Node:
    content = _blocks(node.children, _NESTED)
    if not content or content[0]["type"] != "paragraph":
        # ADF wants a list item to open with a paragraph; an empty one keeps the rest intact.
        content.insert(0, nodes.block("paragraph", []))
    return nodes.block("listItem", content)


def _code_block(node: SyntaxTreeNode) -> Node:
    language = node.info.strip().split(" ")[0] if node.type == "fence" else ""
    code = node.content.removesuffix("\n")
    content = [nodes.text(code)] if code else []
    return nodes.block("codeBlock", content, {"language": language} if language else None)


def _blockquote(node: SyntaxTreeNode, allowed: frozenset[str]) -> list[Node]:
    if "blockquote" not in allowed:
        return _blocks(node.children, allowed)
    content = _blocks(node.children, _NESTED) or [nodes.block("paragraph", [])]
    return [nodes.block("blockquote", content)]


def _table(node: SyntaxTreeNode, allowed: frozenset[str]) -> list[Node]:
    rows = [row for section in node.children for row in section.children]
    if "table" not in allowed:
        # One paragraph per row keeps every cell's text where a table may not go.
        return [_row_as_paragraph(row) for row in rows]
    return [nodes.block("table", [_table_row(row) for row in rows])]


def _table_row(row: SyntaxTreeNode) -> Node:
    cells = [
        nodes.block(
            "tableHeader" if cell.type == "th" else "tableCell",
            [nodes.block("paragraph", _inline_of(cell))],
        )
        for cell in row.children
    ]
    return nodes.block("tableRow", cells)


def _row_as_paragraph(row: SyntaxTreeNode) -> Node:
    content: list[Node] = []
    for index, cell in enumerate(row.children):
        if index:
            content.append(nodes.text(" | "))
        content.extend(_inline_of(cell))
    return nodes.block("paragraph", canonical_inline(content))


def _literal_paragraph(html: str) -> Node:
    content: list[Node] = []
    for index, line in enumerate(html.rstrip("\n").split("\n")):
        if index:
            content.append({"type": "hardBreak"})
        if line:
            content.append(nodes.text(line))
    return nodes.block("paragraph", canonical_inline(content))


def _inline_of(node: SyntaxTreeNode) -> list[Node]:
    """The inline content of a paragraph, heading or table cell."""
    content: list[Node] = []
    for child in node.children:
        if child.type == "inline":
            content.extend(_inline(child.children, ()))
    return canonical_inline(content)


def _inline(children: Sequence[SyntaxTreeNode], marks: tuple[Mark, ...]) -> list[Node]:
    result: list[Node] = []
    for child in children:
        result.extend(_inline_node(child, marks))
    return result


def _inline_node(node: SyntaxTreeNode, marks: tuple[Mark, ...]) -> list[Node]:
    kind = node.type
    if kind in _EMPHASIS_MARKS:
        return _inline(node.children, (*marks, nodes.mark(_EMPHASIS_MARKS[kind])))
    if kind == "link":
        return _inline(node.children, (*_without_link(marks), _link(node.attrs.get("href"))))
    if kind == "image":
        return _image(node, marks)
    if kind == "code_inline":
        kept = tuple(m for m in marks if m["type"] == "link")
        return _text(node.content, (*kept, nodes.mark("code")))
    if kind == "hardbreak":
        return [{"type": "hardBreak"}]
    if kind == "softbreak":
        return _text(" ", marks)
    # Inline HTML is kept as the text it is; a line break inside it reads as a space, as
    # everywhere else in a paragraph.
    return _text(node.content.replace("\n", " "), marks)


def _image(node: SyntaxTreeNode, marks: tuple[Mark, ...]) -> list[Node]:
    """An image cannot be embedded without an upload, so it becomes a link to its source."""
    source = str(node.attrs.get("src", ""))
    alt = "".join(child.content for child in node.walk() if child.type == "text")
    if any(m["type"] == "link" for m in marks):
        return _text(alt or source, marks)
    return _text(alt or source, (*marks, _link(source)))


def _link(href: object) -> Mark:
    return nodes.mark("link", {"href": str(href or "")})


def _without_link(marks: tuple[Mark, ...]) -> tuple[Mark, ...]:
    return tuple(m for m in marks if m["type"] != "link")


def _text(value: str, marks: tuple[Mark, ...]) -> list[Node]:
    return [nodes.text(value, marks)] if value else []
