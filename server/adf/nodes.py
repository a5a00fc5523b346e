"""Small constructors and the vocabulary of Atlassian Document Format (ADF) v1.

ADF nodes are plain JSON dicts; these helpers keep the shapes in one place so the converters and
the validator agree on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

Node: TypeAlias = dict[str, object]
Mark: TypeAlias = dict[str, object]

# The order marks are listed in on a text node. ADF does not care, but a fixed order makes two
# conversions of the same Markdown compare equal, whatever the nesting of `**` and `*` was.
MARK_ORDER = ("link", "strong", "em", "strike", "code")

BLOCK_TYPES = frozenset(
    {
        "paragraph", "heading", "bulletList", "orderedList", "listItem", "codeBlock",
        "blockquote", "rule", "table", "tableRow", "tableHeader", "tableCell", "panel",
        "mediaSingle", "mediaGroup", "media", "expand", "nestedExpand", "taskList", "taskItem",
        "decisionList", "decisionItem", "blockCard", "embedCard", "extension",
        "bodiedExtension", "multiBodiedExtension", "extensionFrame", "layoutSection",
        "layoutColumn", "caption",
    }
)  # fmt: skip
INLINE_TYPES = frozenset(
    {
        "text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status",
        "mediaInline", "placeholder", "inlineExtension",
    }
)  # fmt: skip
MARK_TYPES = frozenset(
    {
        "strong", "em", "strike", "code", "link", "underline", "textColor", "backgroundColor",
        "subsup", "alignment", "indentation", "border", "annotation", "breakout",
        "dataConsumer", "fragment",
    }
)  # fmt: skip


def doc(content: Sequence[Node]) -> Node:
    """The root node of every ADF document."""
    return {"type": "doc", "version": 1, "content": list(content)}


def block(
    node_type: str, content: Sequence[Node], attrs: Mapping[str, object] | None = None
) -> Node:
    """A node with children, and attrs only when there are some."""
    node: Node = {"type": node_type}
    if attrs:
        node["attrs"] = dict(attrs)
    node["content"] = list(content)
    return node


def text(value: str, marks: Sequence[Mark] = ()) -> Node:
    """A text node; callers never pass an empty string (ADF forbids empty text nodes)."""
    node: Node = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def mark(mark_type: str, attrs: Mapping[str, object] | None = None) -> Mark:
    """A mark, with attrs only for the marks that carry them (link)."""
    result: Mark = {"type": mark_type}
    if attrs:
        result["attrs"] = dict(attrs)
    return result


def mark_sort_key(value: Mark) -> int:
    """Position of a mark in the canonical order; unknown marks go last."""
    kind = value.get("type")
    return MARK_ORDER.index(kind) if kind in MARK_ORDER else len(MARK_ORDER)
