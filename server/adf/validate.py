"""Structural checks of an ADF document before it is sent to Jira.

Jira answers a malformed document with a terse 400; finding the problem here lets the tool say
which node is wrong. The checks cover what the converters can get wrong and what a hand-written
`fields` value often gets wrong, not the whole ADF JSON schema.
"""

from __future__ import annotations

from collections.abc import Mapping

from server.adf.nodes import BLOCK_TYPES, INLINE_TYPES, MARK_TYPES

_INLINE_PARENTS = frozenset({"paragraph", "heading", "taskItem", "decisionItem", "caption"})
_LEAVES = frozenset({"rule", "media", "hardBreak", "text", "mention", "emoji", "date", "status"})
_REQUIRED_CHILDREN: dict[str, frozenset[str]] = {
    "bulletList": frozenset({"listItem"}),
    "orderedList": frozenset({"listItem"}),
    "table": frozenset({"tableRow"}),
    "tableRow": frozenset({"tableHeader", "tableCell"}),
    "codeBlock": frozenset({"text"}),
}


def validate_adf(doc: object) -> list[str]:
    """Problems found in an ADF document, each naming where it is; empty when it looks valid."""
    if not isinstance(doc, Mapping):
        return [f"document: expected an object, got {type(doc).__name__}"]
    problems: list[str] = []
    if doc.get("type") != "doc":
        problems.append('document: "type" must be "doc"')
    if doc.get("version") != 1:
        problems.append('document: "version" must be 1')
    if not isinstance(doc.get("content"), list):
        problems.append('document: "content" must be a list')
        return problems
    _check_children(doc, "doc", "content", problems)
    return problems


def _check_children(node: Mapping[str, object], kind: str, path: str, problems: list[str]) -> None:
    content = node.get("content", [])
    if not isinstance(content, list):
        problems.append(f'{path}: "content" must be a list')
        return
    for index, child in enumerate(content):
        _check_node(child, kind, f"{path}[{index}]", problems)


def _check_node(node: object, parent: str, path: str, problems: list[str]) -> None:
    if not isinstance(node, Mapping):
        problems.append(f"{path}: expected a node object")
        return
    kind = node.get("type")
    if not isinstance(kind, str) or kind not in BLOCK_TYPES | INLINE_TYPES:
        problems.append(f"{path}: unknown node type {kind!r}")
        return
    placement = _placement_problem(kind, parent)
    if placement:
        problems.append(f"{path}: {placement}")
    if kind == "text":
        _check_text(node, path, problems)
    elif kind == "heading":
        _check_heading(node, path, problems)
    if kind in _LEAVES:
        return
    _check_child_types(node, kind, path, problems)
    _check_children(node, kind, f"{path}.content", problems)


def _placement_problem(kind: str, parent: str) -> str | None:
    inline = kind in INLINE_TYPES
    if parent in _INLINE_PARENTS and not inline:
        return f"{kind} cannot be inside {parent} (inline content only)"
    if parent in ("doc", "blockquote", "listItem", "tableCell", "tableHeader") and inline:
        return f"{kind} must be inside a paragraph, not directly in {parent}"
    return None


def _check_text(node: Mapping[str, object], path: str, problems: list[str]) -> None:
    text = node.get("text")
    if not isinstance(text, str) or not text:
        problems.append(f"{path}: text nodes must have non-empty text")
    marks = node.get("marks", [])
    if not isinstance(marks, list):
        problems.append(f'{path}: "marks" must be a list')
        return
    kinds: list[str] = []
    for mark in marks:
        kind = mark.get("type") if isinstance(mark, Mapping) else None
        if not isinstance(kind, str) or kind not in MARK_TYPES:
            problems.append(f"{path}: unknown mark {kind!r}")
            continue
        kinds.append(kind)
        if kind == "link" and not _has_href(mark):
            problems.append(f"{path}: link mark needs attrs.href")
    if "code" in kinds and set(kinds) - {"code", "link"}:
        problems.append(f"{path}: the code mark combines only with link, not {sorted(kinds)}")
    if len(set(kinds)) != len(kinds):
        problems.append(f"{path}: a mark is repeated")


def _has_href(mark: object) -> bool:
    attrs = mark.get("attrs") if isinstance(mark, Mapping) else None
    return isinstance(attrs, Mapping) and isinstance(attrs.get("href"), str)


def _check_heading(node: Mapping[str, object], path: str, problems: list[str]) -> None:
    attrs = node.get("attrs")
    level = attrs.get("level") if isinstance(attrs, Mapping) else None
    if not isinstance(level, int) or not 1 <= level <= 6:
        problems.append(f"{path}: heading needs attrs.level between 1 and 6")


def _check_child_types(
    node: Mapping[str, object], kind: str, path: str, problems: list[str]
) -> None:
    content = node.get("content")
    children = content if isinstance(content, list) else []
    kinds = [child.get("type") for child in children if isinstance(child, Mapping)]
    allowed = _REQUIRED_CHILDREN.get(kind)
    if allowed is not None:
        wrong = sorted({str(k) for k in kinds if k not in allowed})
        if wrong:
            problems.append(f"{path}: {kind} cannot hold {', '.join(wrong)}")
    if kind == "listItem" and kinds[:1] not in (["paragraph"], ["codeBlock"], ["mediaSingle"]):
        problems.append(f"{path}: a listItem must start with a paragraph")
    if kind in ("bulletList", "orderedList", "table", "tableRow", "blockquote") and not kinds:
        problems.append(f"{path}: {kind} cannot be empty")
