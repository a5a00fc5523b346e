"""The compact text rendering of a result: a header line, then one line per item.

Every token of format is paid for in every row, so the rendering says once what every row
shares: a column with one value throughout is written above the table, the year (or the day)
shared by a column of dates is written in its header, and times are UTC, said in the header.
Dates read `9 Aug` (two tokens) rather than `2026-08-09 13:22` (ten); the structured content
keeps the full, typed values. Text that spans lines and lists of records (comments) follow
their row as indented blocks, so no cell needs escaped line breaks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

SEPARATOR = "|"
MISSING = "-"
INDENT = "  "
# Below this many rows, lifting a shared value or a year out of the rows saves nothing.
SHARED_MIN_ROWS = 3


def render_table(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, object]],
    *,
    title: str | None = None,
) -> str:
    """An optional title line, a line naming the columns, and one line per row.

    Cells are separated by `|` (a `|` inside a cell is written `\\|`); lists are joined with
    `, ` (an item holding a comma is quoted); None is `-`; true/false read yes/no.
    """
    lines = [title] if title else []
    shared = _shared_columns(columns, rows)
    if shared:
        lines.append(
            "all rows: " + "; ".join(f"{c} {_shared_text(rows[0].get(c))}" for c in shared)
        )
    blocks = [c for c in columns if c not in shared and _is_block_column(c, rows)]
    inline = [c for c in columns if c not in shared and c not in blocks]
    formats = {column: _moment_format(column, rows) for column in inline}
    header = SEPARATOR.join(_escape(_header(c, formats[c])) for c in inline)
    if blocks:
        header += f" (then {', '.join(blocks)} below each row)"
    lines.append(header)
    for row in rows:
        lines.append(SEPARATOR.join(_cell(row.get(c), formats[c]) for c in inline))
        lines.extend(_block(column, row.get(column)) for column in blocks if row.get(column))
    return "\n".join(lines)


def _header(column: str, moment: _MomentFormat | None) -> str:
    return moment.header if moment is not None else column


# -- columns every row shares ----------------------------------------------------------------


def _shared_columns(columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> list[str]:
    """Columns (after the first, which names the row) with one short value in every row."""
    if len(rows) < SHARED_MIN_ROWS:
        return []
    shared = []
    for column in columns[1:]:
        first = rows[0].get(column)
        if isinstance(first, datetime | list | dict) or _multiline(first):
            continue
        if all(row.get(column) == first for row in rows):
            shared.append(column)
    return shared


def _shared_text(value: object) -> str:
    return "none" if value is None else _cell(value, None)


# -- dates and times -------------------------------------------------------------------------


@dataclass(frozen=True)
class _MomentFormat:
    """How one column of dates or times is written: its header and the cell pattern."""

    header: str
    pattern: str


def _moment_format(column: str, rows: Sequence[Mapping[str, object]]) -> _MomentFormat | None:
    """For a column of dates or UTC times: what its cells leave out, said in its header."""
    values = [row.get(column) for row in rows]
    dates = [v for v in values if isinstance(v, date)]
    if not dates or len(dates) != sum(v is not None for v in values):
        return None
    moments = [v for v in dates if isinstance(v, datetime)]
    if moments and len(moments) != len(dates):
        return None  # dates mixed with times: each cell says what it is
    if any(m.tzinfo is None for m in moments):
        return None  # a time without its zone says nothing of UTC
    zone = ", UTC" if moments else ""
    days = {v.date() if isinstance(v, datetime) else v for v in dates}
    years = {day.year for day in days}
    if moments and len(rows) < SHARED_MIN_ROWS:
        return _MomentFormat(f"{column} (UTC)", "%-d %b %Y %H:%M")
    if moments and len(days) == 1 and len(rows) >= SHARED_MIN_ROWS:
        # All on one day: the day goes to the header and the minutes are what tells rows apart.
        return _MomentFormat(f"{column} ({_day(next(iter(days)))}{zone})", "%H:%M")
    if len(years) == 1 and len(rows) >= SHARED_MIN_ROWS:
        return _MomentFormat(f"{column} ({next(iter(years))}{zone})", "%-d %b")
    return _MomentFormat(f"{column} ({zone[2:]})" if zone else column, "%-d %b %Y")


def _day(day: date) -> str:
    return _strftime(day, "%-d %b %Y")


# -- cells and blocks ------------------------------------------------------------------------


def _cell(value: object, moment: _MomentFormat | None) -> str:
    if value is None:
        return MISSING
    if isinstance(value, date) and moment is not None:
        return _strftime(value, moment.pattern)
    if isinstance(value, list | tuple):
        items = [_list_item(item) for item in value if item is not None]
        return _escape(", ".join(items)) or MISSING
    return _escape(_scalar(value))


def _list_item(item: object) -> str:
    text = _scalar(item)
    # A comma inside an item would read as two items: such an item is quoted.
    return '"' + text.replace('"', '\\"') + '"' if "," in text or text.startswith('"') else text


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # story points come back as 5.0
    if isinstance(value, datetime):
        return _strftime(value, "%-d %b %Y %H:%M") + (" UTC" if value.tzinfo else "")
    if isinstance(value, date):
        return _strftime(value, "%-d %b %Y")
    return str(value)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _strftime(value: date, pattern: str) -> str:
    # %-d (day without a leading zero) is not portable and %b follows the process locale;
    # both are filled in here, so the text is the same on every machine.
    month = MONTHS[value.month - 1]
    return value.strftime(pattern.replace("%-d", str(value.day)).replace("%b", month))


def _is_block_column(column: str, rows: Sequence[Mapping[str, object]]) -> bool:
    """Text over several lines, or a list of records (comments), is shown under its row."""
    for row in rows:
        value = row.get(column)
        if _multiline(value):
            return True
        if isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
            return True
    return False


def _multiline(value: object) -> bool:
    return isinstance(value, str) and ("\n" in value or "\r" in value)


def _block(column: str, value: object) -> str:
    """`  column: text`, its further lines indented; records one per line under the name."""
    if isinstance(value, list):
        records = [item for item in value if item is not None]
        lines = [f"{INDENT}{column} ({len(records)}):"]
        lines.extend(_indented(_record(item), 2) for item in records)
        return "\n".join(lines)
    text = _scalar(value)
    if not _multiline(text):
        return f"{INDENT}{column}: {text}"
    return f"{INDENT}{column}:\n{_indented(text, 2)}"


def _record(item: object) -> str:
    """A record's values, the last one (its text) after a colon: `Ann, 9 Aug 2026 13:22 UTC: Hi`."""
    if not isinstance(item, Mapping):
        return _scalar(item)
    values = [_scalar(v) for v in item.values() if v is not None]
    if len(values) < 2:
        return ", ".join(values)
    return f"{', '.join(values[:-1])}: {values[-1]}"


def _indented(text: str, depth: int) -> str:
    prefix = INDENT * depth
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(prefix + line if line else "" for line in lines)


def _escape(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("|", "\\|").replace("\n", "\\n")
