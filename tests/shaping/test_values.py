"""flatten_value: each kind of Jira field becomes the one plain value the model needs."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from server.shaping import flatten_value
from tests.shaping.fixtures import description_adf, issue, status, user


def _flat(field_id: str, value: object, text_limit: int = 200) -> object:
    return flatten_value(field_id, value, text_limit=text_limit)


def test_named_objects_become_their_name() -> None:
    """Status, priority, issue type and resolution show only their name."""
    fields = issue()["fields"]
    assert _flat("status", status("Done", "done", "Done")) == "Done"
    assert _flat("priority", fields["priority"]) == "Medium"
    assert _flat("issuetype", fields["issuetype"]) == "Task"
    assert _flat("resolution", {"self": "https://x", "id": "1", "name": "Fixed"}) == "Fixed"


def test_project_and_parent_become_keys() -> None:
    """A project shows its key, a parent issue its key."""
    parent = {"id": "1", "key": "PROJ-7", "self": "https://x", "fields": {"summary": "Epic"}}
    assert _flat("project", issue()["fields"]["project"]) == "PROJ"
    assert _flat("parent", parent) == "PROJ-7"


def test_users_become_display_names() -> None:
    """Assignee, reporter and multi-user fields show display names."""
    assert _flat("assignee", user("abc", "Mia Krystof")) == "Mia Krystof"
    assert _flat("customfield_10100", [user("a", "Ann"), user("b", "Bo")]) == ["Ann", "Bo"]


def test_times_are_utc_datetimes_and_due_date_is_a_date() -> None:
    """Jira's offset timestamps become UTC datetimes to the second; duedate becomes a date."""
    assert _flat("updated", "2025-11-20T09:14:27.318+0100") == datetime(
        2025, 11, 20, 8, 14, 27, tzinfo=UTC
    )
    assert _flat("created", "2025-12-31T23:30:00.000-0200") == datetime(
        2026, 1, 1, 1, 30, tzinfo=UTC
    )
    assert _flat("resolutiondate", "2025-01-02T03:04:05.000+0000") == datetime(
        2025, 1, 2, 3, 4, 5, tzinfo=UTC
    )
    assert _flat("duedate", "2025-12-01") == date(2025, 12, 1)
    assert _flat("customfield_10200", "2025-11-20T09:14:27.318+0100") == datetime(
        2025, 11, 20, 8, 14, 27, tzinfo=UTC
    )


def test_a_time_without_zone_is_kept_as_written() -> None:
    """A time that does not say its zone is not guessed to be UTC."""
    assert _flat("updated", "2025-11-20T09:14:27") == "2025-11-20T09:14:27"


def test_rich_text_becomes_markdown() -> None:
    """Descriptions in ADF come out as compact Markdown."""
    assert _flat("description", description_adf()) == (
        "### Steps to reproduce\n\n1. Add a **gift card** to the cart\n2. Press `Pay now`\n\n"
        "Reported by @Mia Krystof after the 4.2 release."
    )


def test_long_rich_text_is_cut_with_a_hint_naming_the_field() -> None:
    """A cut description says how much is missing, the limit that cut it and where the rest is."""
    flat = _flat("description", description_adf(), text_limit=30)
    assert isinstance(flat, str)
    assert flat.startswith("### Steps to reproduce")
    assert flat.endswith("; description is cut at JIRA_TEXT_LIMIT=30; the full text is in Jira]")


def test_multi_value_fields_become_lists_of_names() -> None:
    """Components, versions, labels and sprints become plain lists of names."""
    fields = issue()["fields"]
    assert _flat("components", fields["components"]) == ["Payments"]
    assert _flat("fixVersions", fields["fixVersions"]) == ["4.3"]
    assert _flat("labels", ["checkout", "payments"]) == ["checkout", "payments"]
    assert _flat("customfield_10020", fields["customfield_10020"]) == ["Sprint 14"]


def test_server_style_sprint_strings_become_names() -> None:
    """Jira Server's sprint strings are reduced to the sprint name."""
    legacy = "com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=7,rapidViewId=2,name=S 7,x=1]"
    assert _flat("customfield_10020", [legacy]) == ["S 7"]


def test_options_become_their_value() -> None:
    """Select fields show the chosen value; cascading selects show both levels."""
    assert _flat("customfield_1", {"self": "x", "value": "High", "id": "10"}) == "High"
    cascading = {"value": "Hardware", "child": {"value": "Keyboard"}}
    assert _flat("customfield_2", cascading) == "Hardware / Keyboard"


def test_comments_become_records_of_author_time_and_text() -> None:
    """The comment field becomes one {author, created, body} record per comment."""
    comment = {
        "author": user("a", "Emma Richards"),
        "created": "2025-11-19T12:00:00.000+0100",
        "body": {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Reproduced."}]}]},
    }  # fmt: skip
    value = {"comments": [comment], "total": 1, "maxResults": 50, "startAt": 0}
    assert _flat("comment", value) == [
        {
            "author": "Emma Richards",
            "created": datetime(2025, 11, 19, 11, 0, tzinfo=UTC),
            "body": "Reproduced.",
        }
    ]


def test_issue_links_read_from_this_issue_side() -> None:
    """Links show the relation and the other issue's key."""
    link_type = {"name": "Blocks", "inward": "is blocked by", "outward": "blocks"}
    links = [
        {"id": "1", "type": link_type, "outwardIssue": {"key": "PROJ-2"}},
        {"id": "2", "type": link_type, "inwardIssue": {"key": "PROJ-3"}},
    ]
    assert _flat("issuelinks", links) == ["blocks PROJ-2", "is blocked by PROJ-3"]


@pytest.mark.parametrize("empty", [None, [], "", {}])
def test_empty_values_are_none(empty: object) -> None:
    """Empty fields become None (rendered as `-`)."""
    assert _flat("customfield_10030", empty) is None


def test_numbers_and_booleans_pass_through() -> None:
    """Story points and flags keep their type."""
    assert _flat("customfield_10016", 5.0) == 5.0
    assert _flat("workratio", -1) == -1
    assert _flat("customfield_3", True) is True


def test_counters_and_other_objects_are_compact() -> None:
    """Watches and votes become counts; other objects compact JSON without self links."""
    fields: dict[str, Any] = issue()["fields"]
    assert _flat("watches", fields["watches"]) == 2
    assert _flat("votes", fields["votes"]) == 0
    tracking = {"originalEstimate": "1d", "self": "https://x", "remainingEstimate": None}
    assert _flat("timetracking", tracking) == '{"originalEstimate":"1d"}'
    assert _flat("progress", {"progress": 10, "total": 20}) == '{"progress":10,"total":20}'


def test_long_plain_strings_are_cut() -> None:
    """Single-line text fields respect the text limit too."""
    flat = _flat("summary", "word " * 50, text_limit=20)
    assert isinstance(flat, str)
    assert flat.startswith("word word word")
    assert "…[+" in flat
