"""The compact text rendering of a result: a header line, then one line per item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SEPARATOR = " | "
MISSING = "-"


def render_table(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, object]],
    *,
    title: str | None = None,
) -> str:
    """An optional title line, a line naming the columns, and one line per row.

    Cells are separated by ` | `; lists are joined with `,`; None is `-`. Line breaks and `|`
    inside a cell are escaped, so each item stays on exactly one line.
    """
    lines = [title] if title else []
    lines.append(SEPARATOR.join(_escape(column) for column in columns))
    lines.extend(SEPARATOR.join(_cell(row.get(column)) for column in columns) for row in rows)
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return MISSING
    if isinstance(value, list | tuple):
        items = [_scalar(item).replace(",", "\\,") for item in value if item is not None]
        return ",".join(_escape(item) for item in items) or MISSING
    return _escape(_scalar(value))


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # story points come back as 5.0
    return str(value)


def _escape(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("|", "\\|").replace("\n", "\\n")
