"""flatten_issue and render_table: a realistic issue in a few dozen bytes."""

import json
from datetime import UTC, date, datetime

from server.shaping import DEFAULT_FIELDS, flatten_issue, render_table
from tests.shaping.fixtures import SUMMARY, issue


def _default_line(text_limit: int = 200) -> tuple[str, str]:
    raw = issue()
    flat = flatten_issue(raw, DEFAULT_FIELDS, text_limit=text_limit)
    text = render_table(["key", *DEFAULT_FIELDS], [flat])
    header, line = text.split("\n")
    return header, line


def test_flat_issue_has_key_first_then_fields_in_order() -> None:
    """The key leads, then each requested field in the order asked."""
    flat = flatten_issue(issue(), ["updated", "summary", "key", "status"], text_limit=100)
    assert list(flat) == ["key", "updated", "summary", "status"]
    assert flat == {
        "key": "PROJ-123",
        "updated": datetime(2025, 11, 20, 8, 14, 27, tzinfo=UTC),
        "summary": SUMMARY,
        "status": "In Progress",
    }


def test_display_names_replace_custom_field_ids() -> None:
    """With names given, custom fields are labelled as people know them."""
    names = {"customfield_10016": "Story Points", "customfield_10020": "Sprint"}
    flat = flatten_issue(issue(), ["customfield_10016", "customfield_10020"], text_limit=50,
                         names=names)  # fmt: skip
    assert flat == {"key": "PROJ-123", "Story Points": 5.0, "Sprint": ["Sprint 14"]}


def test_missing_fields_and_malformed_issue_give_none() -> None:
    """A field Jira left out is None; an issue without fields still yields its key."""
    assert flatten_issue({"key": "P-1"}, ["summary"], text_limit=10) == {
        "key": "P-1",
        "summary": None,
    }


def test_default_fields_line_is_small() -> None:
    """An issue with the default fields and a 50-character summary takes at most 115 bytes;
    a single row keeps its time to the minute, in UTC as the header says."""
    header, line = _default_line()
    assert header == "key|summary|status|assignee|priority|issuetype|updated (UTC)"
    assert line == f"PROJ-123|{SUMMARY}|In Progress|Mia Krystof|Medium|Task|20 Nov 2025 08:14"
    assert len(SUMMARY) == 50
    assert len(line.encode()) <= 115


def _moments(*values: datetime) -> list[str]:
    rows = [{"key": f"P-{n}", "updated": value} for n, value in enumerate(values, 1)]
    return render_table(["key", "updated"], rows).split("\n")


def test_a_year_every_row_shares_is_said_once_in_the_header() -> None:
    """Times of one year read `9 Aug`, the year and the zone written once in the header."""
    lines = _moments(
        datetime(2026, 8, 9, 13, 22, tzinfo=UTC),
        datetime(2026, 11, 24, 9, 8, tzinfo=UTC),
        datetime(2026, 1, 2, 0, 0, tzinfo=UTC),
    )
    assert lines == ["key|updated (2026, UTC)", "P-1|9 Aug", "P-2|24 Nov", "P-3|2 Jan"]


def test_times_of_one_day_keep_their_minutes() -> None:
    """When every row is on one day, the day goes to the header and the minutes stay."""
    lines = _moments(
        datetime(2026, 8, 9, 13, 22, tzinfo=UTC),
        datetime(2026, 8, 9, 9, 5, tzinfo=UTC),
        datetime(2026, 8, 9, 23, 59, tzinfo=UTC),
    )
    assert lines == ["key|updated (9 Aug 2026, UTC)", "P-1|13:22", "P-2|09:05", "P-3|23:59"]


def test_times_across_years_show_their_year() -> None:
    """Rows from several years show the year in each cell."""
    lines = _moments(
        datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
        datetime(2026, 1, 3, 1, 0, tzinfo=UTC),
    )
    assert lines == ["key|updated (UTC)", "P-1|31 Dec 2025", "P-2|1 Jan 2026", "P-3|3 Jan 2026"]


def test_a_value_every_row_shares_is_said_once_above_the_table() -> None:
    """A column with one value in every row leaves the table for one line above it."""
    rows = [
        {"key": f"P-{n}", "summary": f"Task {n}", "type": "Sub-task", "due": date(2026, 3, n)}
        for n in range(1, 4)
    ]
    text = render_table(["key", "summary", "type", "due"], rows)
    assert text.split("\n") == [
        "all rows: type Sub-task",
        "key|summary|due (2026)",
        "P-1|Task 1|1 Mar",
        "P-2|Task 2|2 Mar",
        "P-3|Task 3|3 Mar",
    ]


def test_flattened_text_is_a_tiny_fraction_of_raw_json() -> None:
    """Twenty issues as text cost under 5% of the JSON Jira sends for them."""
    issues = [issue(key=f"PROJ-{100 + n}") for n in range(20)]
    rows = [flatten_issue(raw, DEFAULT_FIELDS, text_limit=200) for raw in issues]
    text = render_table(["key", *DEFAULT_FIELDS], rows, title="20 issues")
    raw_bytes = len(json.dumps({"issues": issues}).encode())
    assert len(text.encode()) < 0.05 * raw_bytes


def test_lists_read_as_text_and_pipes_are_escaped() -> None:
    """Lists are joined with `, ` (an item with a comma is quoted), pipes escaped, None `-`."""
    rows = [{"key": "P-1", "summary": "a | b", "labels": ["x", "y"], "fix": ["1, 2"], "d": None}]
    text = render_table(["key", "summary", "labels", "fix", "d"], rows, title="1 issue")
    assert text.split("\n") == [
        "1 issue",
        "key|summary|labels|fix|d",
        'P-1|a \\| b|x, y|"1, 2"|-',
    ]


def test_text_over_lines_and_comments_follow_their_row() -> None:
    """Multi-line text and comments are indented blocks under their row, never `\\n`."""
    comment = {
        "author": "Ann",
        "created": datetime(2026, 8, 9, 13, 22, tzinfo=UTC),
        "body": "Looks good.\nShip it.",
    }
    rows: list[dict[str, object]] = [
        {"key": "P-1", "description": "line one\nline two", "comment": [comment]},
        {"key": "P-2", "description": "short", "comment": None},
    ]
    text = render_table(["key", "description", "comment"], rows)
    assert text.split("\n") == [
        "key (then description, comment below each row)",
        "P-1",
        "  description:",
        "    line one",
        "    line two",
        "  comment (1):",
        "    Ann, 9 Aug 2026 13:22 UTC: Looks good.",
        "    Ship it.",
        "P-2",
        "  description: short",
    ]


def test_table_shows_numbers_and_flags_plainly() -> None:
    """Whole floats drop `.0`, booleans read yes/no, missing columns show `-`."""
    text = render_table(["key", "points", "flagged", "gone"], [
        {"key": "P-1", "points": 5.0, "flagged": True},
        {"key": "P-2", "points": 0.5, "flagged": False, "gone": []},
    ])  # fmt: skip
    assert text.split("\n")[1:] == ["P-1|5|yes|-", "P-2|0.5|no|-"]


def test_no_indented_json_anywhere() -> None:
    """Even a full issue renders without JSON braces spread over lines."""
    raw = issue()
    fields = list(raw["fields"])
    text = render_table(["key", *fields], [flatten_issue(raw, fields, text_limit=100)])
    assert "{\n" not in text
    assert "\n}" not in text
