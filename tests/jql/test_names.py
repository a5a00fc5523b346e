"""names.check(): a parsed query's names compared with a site's catalogue."""

from __future__ import annotations

from typing import Any

import pytest

from server.jql import parse_located
from server.jql.catalogue import NameCatalogue, build_catalogue
from server.jql.names import NameFinding, check, needs_field_list, refusal, value_fields

FIELDS: list[dict[str, Any]] = [
    {"id": "status", "name": "Status", "clauseNames": ["status"]},
    {"id": "project", "name": "Project", "clauseNames": ["project"]},
    {"id": "assignee", "name": "Assignee", "clauseNames": ["assignee"]},
    {"id": "summary", "name": "Summary", "clauseNames": ["summary"]},
    {"id": "resolution", "name": "Resolution", "clauseNames": ["resolution"]},
    {"id": "priority", "name": "Priority", "clauseNames": ["priority"]},
    {
        "id": "customfield_10016",
        "name": "Story Points",
        "custom": True,
        "clauseNames": ["cf[10016]", "Story Points", "Story Points[Number]"],
    },
    {"id": "customfield_10040", "name": "Phase", "custom": True, "clauseNames": ["Phase"]},
]
STATUSES: list[dict[str, Any]] = [
    {"id": "1", "name": "To Do", "statusCategory": {"id": 2, "key": "new", "name": "To Do"}},
    {"id": "3", "name": "In Progress"},
    {"id": "10001", "name": "Done"},
]
CATALOGUE = build_catalogue(
    fields=FIELDS,
    values={
        "status": STATUSES,
        "project": [{"id": "10000", "key": "PROJ", "name": "Main Project"}],
        "resolution": [{"id": "1", "name": "Done"}, {"id": "2", "name": "Won't Do"}],
        "priority": [{"id": "1", "name": "High"}, {"id": "2", "name": "Low"}],
    },
)


def findings(jql: str, catalogue: NameCatalogue = CATALOGUE) -> list[NameFinding]:
    """What check() finds in ``jql``."""
    query, locations = parse_located(jql)
    return check(query, locations, catalogue)


@pytest.mark.parametrize(
    "jql",
    [
        "project = PROJ AND status IN ('To Do', 3, DONE) ORDER BY status",
        'project IN (proj, 10000, "Main Project")',
        '"Story Points" > 3 AND cf[10016] = 2 AND "story points[number]" < 8',
        'resolution = Unresolved OR resolution IS EMPTY OR resolution != "Won\'t Do"',
        "statusCategory IN (new, 'In Progress', 3, Done)",
        'Phase = "In Progres" AND Phase ~ anything',
        "assignee = currentUser() AND updated > startOfDay(-1) AND assignee IN membersOf(devs)",
        "issue.property[support].level = 1 AND text ~ crash AND watcher = currentUser()",
        "status WAS 'Some Old Status' AND priority >= High",
    ],
)
def test_good_names_find_nothing(jql: str) -> None:
    """Known fields, values (any case, by name or id), functions and Jira's words pass."""
    assert findings(jql) == []


def test_unknown_field_with_close_names() -> None:
    """A misspelt field is found where it is written, with the closest names."""
    [found] = findings("project = PROJ AND\n  asignee = currentUser()")
    assert (found.line, found.column, found.certain) == (2, 3, True)
    assert (
        found.message == "Field 'asignee' does not exist or you do not have permission to view it."
    )
    assert found.hint.startswith("Did you mean assignee")
    assert found.hint.endswith("Write assignee instead.")


def test_custom_field_suggestion_is_quoted() -> None:
    """A custom field name with a space is suggested in quotes, as JQL needs it."""
    [found] = findings('"Story Pionts" > 1')
    assert 'Write "Story Points" instead.' in found.hint


def test_unknown_custom_field_number() -> None:
    """cf[N] of a field the site does not have is reported."""
    [found] = findings("cf[99999] = 1")
    assert found.message.startswith("The custom field cf[99999] does not exist")
    assert (found.line, found.column) == (1, 1)


def test_unknown_order_by_field() -> None:
    """ORDER BY fields are checked too."""
    [found] = findings("project = PROJ ORDER BY cretaed DESC")
    assert found.column == 25
    assert "Write created instead." in found.hint


def test_function_near_miss_is_certain() -> None:
    """A near miss of a built-in function is a typo: certain, with the right name."""
    [found] = findings('updated > startOfWek("-1w")')
    assert found.certain
    assert found.message == "Jira has no function startOfWek()."
    assert found.hint.endswith('Write startOfWeek("-1w") instead.')


def test_far_function_may_be_an_app() -> None:
    """A function unlike any built-in is reported, but not certain (apps add functions)."""
    [found] = findings("issue IN subtasksOfEpic(PROJ-1)")
    assert not found.certain
    assert "remote=true" in found.hint


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ("assignee IN membersOf()", "membersOf() takes exactly 1 argument, not 0."),
        ("assignee = currentUser(me)", "currentUser() takes no arguments, not 1."),
        ('updated > startOfDay("-1d", "x")', "startOfDay() takes at most 1 argument, not 2."),
    ],
)
def test_function_arity(jql: str, message: str) -> None:
    """Arguments are counted where the function has a fixed arity."""
    [found] = findings(jql)
    assert found.message == f"The function {message}"


def test_values_in_lists_each_found() -> None:
    """Each wrong value of a list is found at its own position; right ones are not."""
    found = findings('status IN ("In Progres", Done, Tod)')
    assert [(f.column, f.value) for f in found] == [(12, "In Progres"), (32, "Tod")]
    assert 'Write "To Do" instead.' in found[1].hint


def test_value_without_close_name_lists_the_values() -> None:
    """A value like no other lists the values there are."""
    [found] = findings("status = Zebra")
    assert found.hint == "Use a status the site has. Values of status: To Do, In Progress, Done."


@pytest.mark.parametrize(
    ("jql", "operator", "field"),
    [
        ("status ~ Progress", "~", "status"),
        ("summary = crash", "=", "summary"),
        ("project > PROJ", ">", "project"),
        ("issuetype WAS Bug", "WAS", "issuetype"),
        ("priority !~ High", "!~", "priority"),
    ],
)
def test_unsupported_operators(jql: str, operator: str, field: str) -> None:
    """An operator the field does not take is reported at the operator."""
    [found] = findings(jql)
    assert found.message == f"The operator '{operator}' is not supported by the '{field}' field."
    assert found.column == len(field) + 2
    assert found.hint.startswith(f"{field} takes ")


def test_without_lists_nothing_is_judged_by_value() -> None:
    """Fields whose lists were not read are not judged; system clauses are still known."""
    bare = build_catalogue()
    assert findings('status = "In Progres" AND projekt = X', bare) == []
    assert [f.value for f in findings("statusCategory = Donne", bare)] == ["Donne"]


def test_what_a_query_needs_read() -> None:
    """Only value lists of named fields, and the field list only beyond system clauses."""
    query, _ = parse_located('project = A AND type = Bug AND "Story Points" > 1 ORDER BY key')
    assert value_fields(query) == frozenset({"project", "issuetype"})
    assert needs_field_list(query)
    query, _ = parse_located("assignee = currentUser() ORDER BY created")
    assert value_fields(query) == frozenset()
    assert not needs_field_list(query)


def test_refusal_lists_each_finding() -> None:
    """The refusal search_jql sends: one line, then a line per finding with its position."""
    text = refusal(findings('status = "In Progres"'))
    assert text.splitlines() == [
        "The query was not sent: Jira would refuse it. Fix these first:",
        "error (line 1, column 10): The value 'In Progres' does not exist for the field "
        '\'status\'. Hint: Did you mean "In Progress"? Write "In Progress" instead. '
        "Values of status: To Do, In Progress, Done.",
    ]
