"""flatten_issue and render_table: a realistic issue in a few dozen bytes."""

import json

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
        "updated": "2025-11-20 08:14",
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
    """An issue with the default fields and a 50-character summary takes at most 125 bytes."""
    header, line = _default_line()
    assert header == "key | summary | status | assignee | priority | issuetype | updated"
    assert line == (
        f"PROJ-123 | {SUMMARY} | In Progress | Mia Krystof | Medium | Task | 2025-11-20 08:14"
    )
    assert len(SUMMARY) == 50
    assert len(line.encode()) <= 125


def test_flattened_text_is_a_tiny_fraction_of_raw_json() -> None:
    """Twenty issues as text cost under 5% of the JSON Jira sends for them."""
    issues = [issue(key=f"PROJ-{100 + n}") for n in range(20)]
    rows = [flatten_issue(raw, DEFAULT_FIELDS, text_limit=200) for raw in issues]
    text = render_table(["key", *DEFAULT_FIELDS], rows, title="20 issues")
    raw_bytes = len(json.dumps({"issues": issues}).encode())
    assert len(text.encode()) < 0.05 * raw_bytes


def test_table_cells_stay_on_one_line() -> None:
    """Newlines and pipes inside cells are escaped, lists joined, None shown as `-`."""
    rows = [{"key": "P-1", "summary": "a | b\nc", "labels": ["x", "y,z"], "due": None}]
    text = render_table(["key", "summary", "labels", "due"], rows, title="1 issue")
    assert text.split("\n") == [
        "1 issue",
        "key | summary | labels | due",
        "P-1 | a \\| b\\nc | x,y\\,z | -",
    ]


def test_table_shows_numbers_and_flags_plainly() -> None:
    """Whole floats drop `.0`, booleans read yes/no, missing columns show `-`."""
    text = render_table(["key", "points", "flagged", "gone"], [
        {"key": "P-1", "points": 5.0, "flagged": True},
        {"key": "P-2", "points": 0.5, "flagged": False, "gone": []},
    ])  # fmt: skip
    assert text.split("\n")[1:] == ["P-1 | 5 | yes | -", "P-2 | 0.5 | no | -"]


def test_no_indented_json_anywhere() -> None:
    """Even a full issue renders without indented JSON or braces spread over lines."""
    raw = issue()
    fields = list(raw["fields"])
    text = render_table(["key", *fields], [flatten_issue(raw, fields, text_limit=100)])
    assert "\n  " not in text
    assert len(text.split("\n")) == 2
