"""Checks that a value is an Atlassian Document Format document, as Jira's v3 API demands.

Jira answers a plain string (or a malformed document) in `description`, `environment`, a
comment body or a textarea custom field with 400 and this message keyed by the field.
"""

from __future__ import annotations

from typing import Any

NOT_ADF = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"

_BLOCKS = frozenset(
    {
        "paragraph",
        "heading",
        "bulletList",
        "orderedList",
        "listItem",
        "codeBlock",
        "blockquote",
        "rule",
        "panel",
        "table",
        "tableRow",
        "tableHeader",
        "tableCell",
        "mediaSingle",
        "mediaGroup",
        "media",
        "expand",
        "nestedExpand",
        "taskList",
        "taskItem",
        "decisionList",
        "decisionItem",
        "blockCard",
        "embedCard",
        "extension",
        "bodiedExtension",
        "layoutSection",
        "layoutColumn",
        "multiBodiedExtension",
    }
)
_INLINES = frozenset(
    {
        "text",
        "hardBreak",
        "mention",
        "emoji",
        "inlineCard",
        "date",
        "status",
        "mediaInline",
        "placeholder",
        "inlineExtension",
    }
)
_MARKS = frozenset(
    {
        "strong",
        "em",
        "code",
        "strike",
        "underline",
        "link",
        "subsup",
        "textColor",
        "backgroundColor",
        "alignment",
        "indentation",
        "border",
        "annotation",
        "breakout",
        "dataConsumer",
        "fragment",
    }
)
_MAX_DEPTH = 64


def is_adf(value: Any) -> bool:
    """Whether `value` is a version-1 ADF document made of known nodes and marks."""
    return (
        isinstance(value, dict)
        and value.get("type") == "doc"
        and value.get("version") == 1
        and isinstance(value.get("content"), list)
        and all(_node_ok(child, 1) for child in value["content"])
    )


def _node_ok(node: Any, depth: int) -> bool:
    if depth > _MAX_DEPTH or not isinstance(node, dict):
        return False
    kind = node.get("type")
    if kind not in _BLOCKS and kind not in _INLINES:
        return False
    if kind == "text" and not (isinstance(node.get("text"), str) and node["text"]):
        return False
    if not _marks_ok(node.get("marks", [])):
        return False
    content = node.get("content", [])
    return isinstance(content, list) and all(_node_ok(c, depth + 1) for c in content)


def _marks_ok(marks: Any) -> bool:
    return isinstance(marks, list) and all(
        isinstance(m, dict) and m.get("type") in _MARKS for m in marks
    )
