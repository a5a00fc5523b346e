"""ADF -> Jira wiki markup, for the rich text a Data Center sandbox sends.

The site keeps its seeded rich text as ADF; Jira Data Center sends wiki-markup strings, so in
that mode answers render the documents with this small writer. It knows the node types the
seed and the sandbox's own writes use (paragraphs, headings, lists, code, quotes, rules, line
breaks and the strong/em/code/strike/link marks); any other node contributes its text. The
notation is Atlassian's "Text Formatting Notation Help" for Jira Server.
"""

from __future__ import annotations

import re
from typing import Any

# Characters that start wiki markup; a backslash makes each literal.
_SPECIAL = re.compile(r"([\\*_{}\[\]|!^~+-])")
_MARKS = {"strong": "*", "em": "_", "strike": "-"}


def adf_to_wiki(document: Any) -> str:
    """The wiki markup of an ADF document (empty for anything else)."""
    if not isinstance(document, dict):
        return ""
    return _blocks(document.get("content"))


def _children(node: Any) -> list[Any]:
    content = node.get("content") if isinstance(node, dict) else None
    return [c for c in content if isinstance(c, dict)] if isinstance(content, list) else []


def _blocks(content: Any, separator: str = "\n\n") -> str:
    nodes = content if isinstance(content, list) else []
    return separator.join(_block(node) for node in nodes if isinstance(node, dict))


def _block(node: dict[str, Any]) -> str:
    kind = node.get("type")
    attrs = node.get("attrs") or {}
    if kind == "heading":
        return f"h{attrs.get('level', 1)}. {_inline(_children(node))}"
    if kind in ("bulletList", "orderedList"):
        return _list(node, "")
    if kind == "codeBlock":
        code = "".join(str(c.get("text", "")) for c in _children(node))
        language = attrs.get("language")
        opening = f"{{code:{language}}}" if language else "{code}"
        return f"{opening}\n{code}\n{{code}}"
    if kind == "blockquote":
        return f"{{quote}}\n{_blocks(node.get('content'))}\n{{quote}}"
    if kind == "rule":
        return "----"
    if any(c.get("type") not in _INLINE for c in _children(node)):
        return _blocks(node.get("content"))
    return _inline(_children(node))


def _list(node: dict[str, Any], prefix: str) -> str:
    marker = prefix + ("#" if node.get("type") == "orderedList" else "*")
    lines = []
    for item in _children(node):
        texts, nested = [], []
        for child in _children(item):
            if child.get("type") in ("bulletList", "orderedList"):
                nested.append(_list(child, marker))
            else:
                texts.append(_block(child))
        lines.append(f"{marker} {' '.join(texts)}")
        lines.extend(nested)
    return "\n".join(lines)


def _inline(nodes: list[dict[str, Any]]) -> str:
    return "".join(_inline_node(node) for node in nodes)


def _inline_node(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if kind == "hardBreak":
        return "\\\\\n"
    if kind != "text":
        return _inline(_children(node))
    text = str(node.get("text", ""))
    marks = [m for m in node.get("marks") or [] if isinstance(m, dict)]
    if any(m.get("type") == "code" for m in marks):
        return "{{" + text + "}}"
    text = _SPECIAL.sub(r"\\\1", text)
    for mark in marks:
        kind = mark.get("type")
        if kind in _MARKS:
            text = f"{_MARKS[kind]}{text}{_MARKS[kind]}"
        elif kind == "link":
            text = f"[{text}|{(mark.get('attrs') or {}).get('href', '')}]"
    return text


_INLINE = frozenset({"text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status"})
