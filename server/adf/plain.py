"""Plain text out of ADF (for word search and length checks) and cutting text to a limit."""

from __future__ import annotations

from collections.abc import Mapping

from server.adf.inline import inline_label
from server.adf.nodes import INLINE_TYPES


def adf_text(doc: object) -> str:
    """The words of an ADF document: inline text joined, blocks on their own lines."""
    return "\n".join(line for line in _lines(doc) if line)


def _lines(node: object) -> list[str]:
    if not isinstance(node, Mapping):
        return []
    content = node.get("content")
    children = [c for c in content if isinstance(c, Mapping)] if isinstance(content, list) else []
    if children and all(child.get("type") in INLINE_TYPES for child in children):
        return ["".join(_inline_text(child) for child in children)]
    if not children:
        return [_inline_text(node)]
    lines: list[str] = []
    for child in children:
        lines.extend(_lines(child))
    return lines


def _inline_text(node: Mapping[str, object]) -> str:
    kind = str(node.get("type"))
    if kind == "hardBreak":
        return "\n"
    attrs = node.get("attrs")
    attrs = attrs if isinstance(attrs, Mapping) else {}
    if kind == "inlineCard":
        return str(attrs.get("url") or "")
    label = inline_label(kind, attrs)
    if label is not None:
        return label
    text = node.get("text")
    return text if isinstance(text, str) else ""


def cut(text: str, limit: int, marker: str = "") -> str:
    """`text` when it fits in `limit` characters, else its start (at a word boundary where one
    is near) followed by `…[+N chars]`, with `marker` inside the brackets when given."""
    if len(text) <= limit:
        return text
    head = text[: max(limit, 0)]
    boundary = max(head.rfind(" "), head.rfind("\n"))
    # Only back off to a word boundary when that keeps most of the allowed text.
    if boundary > limit * 0.8:
        head = head[:boundary]
    head = head.rstrip()
    rest = len(text) - len(head)
    note = f"+{rest} chars; {marker}" if marker else f"+{rest} chars"
    return f"{head} …[{note}]"
