"""One canonical form for inline ADF content produced from Markdown.

Markdown can write the same text several ways (`***a***` nests either way round, blanks at the
edge of `**bold **` cannot be written at all), so the converter settles each such choice the way
the Markdown writer in `inline.py` makes it. Converting a document's Markdown back then gives the
very same document.
"""

from __future__ import annotations

from server.adf import nodes
from server.adf.nodes import Mark, Node

_BLANKS = " \t"


def canonical_inline(content: list[Node]) -> list[Node]:
    """Sorted marks, blanks moved out of marks that start or end there, lines trimmed, and
    neighbouring text with the same marks merged into one node."""
    sorted_marks = [_with_sorted_marks(node) for node in content]
    # Merged first: a run split over several nodes has its edge blanks in a middle node.
    merged = _merge(_unmark_edge_blanks(_merge(sorted_marks)))
    return _merge(_trim_line_edges(merged))


def _with_sorted_marks(node: Node) -> Node:
    marks = node.get("marks")
    if not isinstance(marks, list):
        return node
    unique: list[Mark] = []
    for value in marks:
        if value not in unique:
            unique.append(value)
    if any(m["type"] == "code" for m in unique):
        # ADF lets `code` combine with `link` only.
        unique = [m for m in unique if m["type"] in ("code", "link")]
    result = {key: value for key, value in node.items() if key != "marks"}
    if unique:
        result["marks"] = sorted(unique, key=nodes.mark_sort_key)
    return result


def _marks(node: Node | None) -> list[Mark]:
    marks = node.get("marks") if node is not None else None
    return marks if isinstance(marks, list) else []


def _unmark_edge_blanks(content: list[Node]) -> list[Node]:
    """Leading blanks keep only the marks the previous node shares, trailing blanks only those
    the next node shares: Markdown writes them outside the delimiters that open or close."""
    result: list[Node] = []
    for index, node in enumerate(content):
        value = node.get("text")
        marks = _marks(node)
        if node["type"] != "text" or not isinstance(value, str) or not _splittable(marks):
            result.append(node)
            continue
        before = _marks(content[index - 1] if index else None)
        after = _marks(content[index + 1] if index + 1 < len(content) else None)
        lead = value[: len(value) - len(value.lstrip(_BLANKS))]
        core = value[len(lead) :].rstrip(_BLANKS)
        trail = value[len(lead) + len(core) :]
        lead_marks = _shared(marks, before, after) if not core else _shared(marks, before)
        parts = ((lead, lead_marks), (core, marks), (trail, _shared(marks, after)))
        result.extend(nodes.text(part, part_marks) for part, part_marks in parts if part)
    return result


def _splittable(marks: list[Mark]) -> bool:
    # Code keeps its blanks: inside backticks they are written and read back exactly.
    return bool(marks) and all(m["type"] != "code" for m in marks)


def _shared(marks: list[Mark], *others: list[Mark]) -> list[Mark]:
    return [m for m in marks if all(m in other for other in others)]


def _trim_line_edges(content: list[Node]) -> list[Node]:
    """Drop blanks at the start and end of each line: Markdown cannot keep them there."""
    result: list[Node] = []
    for index, node in enumerate(content):
        value = node.get("text")
        if node["type"] == "text" and isinstance(value, str):
            if index == 0 or content[index - 1]["type"] == "hardBreak":
                value = value.lstrip(_BLANKS)
            if index == len(content) - 1 or content[index + 1]["type"] == "hardBreak":
                value = value.rstrip(_BLANKS)
            if value:
                result.append({**node, "text": value})
        else:
            result.append(node)
    return result


def _merge(content: list[Node]) -> list[Node]:
    result: list[Node] = []
    for node in content:
        previous = result[-1] if result else None
        if previous is not None and _same_text_run(previous, node):
            result[-1] = {**previous, "text": str(previous["text"]) + str(node["text"])}
        else:
            result.append(node)
    return result


def _same_text_run(left: Node, right: Node) -> bool:
    return left["type"] == "text" == right["type"] and _marks(left) == _marks(right)
