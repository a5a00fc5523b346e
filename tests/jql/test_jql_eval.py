"""The sandbox's JQL evaluator: Jira's matching rules over in-memory records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from sandbox.jql_eval import EvalContext, JqlScalar, Unsupported, compile_where, sort_records
from server.jql import parse

NOW = datetime(2026, 1, 28, 15, 30, tzinfo=UTC)  # a Wednesday


@dataclass(frozen=True)
class Issue:
    key: str
    values: dict[str, tuple[JqlScalar, ...]] = field(default_factory=dict)

    def jql_values(self, name: str) -> Sequence[JqlScalar]:
        if name == "issuekey":
            return (self.key,)
        if name == "project":
            return (self.key.split("-")[0], "10000", "Project " + self.key.split("-")[0])
        return self.values.get(name, ())

    def jql_sort_value(self, name: str) -> object:
        values = self.jql_values(name)
        return values[0] if values else None


ISSUES = [
    Issue("A-1", {
        "status": ("Open",), "assignee": ("u1", "Ann Lee"), "labels": ("x", "y"),
        "summary": ("Login error on the start page",),
        "created": (datetime(2026, 1, 27, 9, 0, tzinfo=UTC),),
        "customfield_10016": (5,), "sprint": ("1",), "issuetype": ("Bug",),
    }),
    Issue("A-2", {
        "status": ("Done",), "labels": ("y",), "summary": ("Logout works",),
        "created": (datetime(2026, 1, 1, tzinfo=UTC),), "customfield_10016": (8,),
        "sprint": ("2",), "issuetype": ("Task",),
    }),
    Issue("B-3", {
        "status": ("In Progress",), "assignee": ("u2", "Bo Ma"), "summary": ("Slow search",),
        "created": (datetime(2025, 12, 1, tzinfo=UTC),), "issuetype": ("Bug",),
    }),
]  # fmt: skip
CONTEXT = EvalContext(
    now=NOW,
    current_user="u1",
    open_sprints=frozenset({"1"}),
    closed_sprints=frozenset({"2"}),
    groups={"devs": frozenset({"u2"})},
    aliases={"key": "issuekey", "type": "issuetype", "story points": "customfield_10016",
             "cf[10016]": "customfield_10016"},
)  # fmt: skip


def matching(jql: str) -> list[str]:
    matches = compile_where(parse(jql), CONTEXT)
    return [issue.key for issue in ISSUES if matches(issue)]


@pytest.mark.parametrize(
    ("jql", "keys"),
    [
        ("", ["A-1", "A-2", "B-3"]),
        ("status = open", ["A-1"]),
        ("project = a", ["A-1", "A-2"]),
        ("project = 10000", ["A-1", "A-2", "B-3"]),
        ('project = "Project B"', ["B-3"]),
        ("key = a-2", ["A-2"]),
        ("status != Open", ["A-2", "B-3"]),
        ("assignee != u1", ["B-3"]),
        ("labels not in (x)", ["A-2"]),
        ("labels in (x, EMPTY)", ["A-1", "B-3"]),
        ("labels = EMPTY", ["B-3"]),
        ("labels is empty", ["B-3"]),
        ("labels is not empty", ["A-1", "A-2"]),
        ("assignee = currentUser()", ["A-1"]),
        ("assignee in membersOf(DEVS)", ["B-3"]),
        ("sprint in openSprints()", ["A-1"]),
        ("sprint in closedSprints()", ["A-2"]),
        ('summary ~ "login"', ["A-1"]),
        ('summary ~ "log*"', ["A-1", "A-2"]),
        ('summary ~ "error login"', ["A-1"]),
        ('summary ~ "\\"start page\\""', ["A-1"]),
        ('summary ~ "\\"page start\\""', []),
        ('summary !~ "login"', ["A-2", "B-3"]),
        ('summary ~ "start-page"', ["A-1"]),
        ('summary ~ "page-start"', []),
        ('"Story Points" > 5', ["A-2"]),
        ("cf[10016] <= 5", ["A-1"]),
        ("created >= -2d", ["A-1"]),
        ("created >= '2026-01-01'", ["A-1", "A-2"]),
        ("created < '2026/01/01 00:01'", ["A-2", "B-3"]),
        ("created = '2026-01-01'", ["A-2"]),
        ("created >= startOfDay(-1)", ["A-1"]),
        ("created >= startOfWeek()", ["A-1"]),
        ("created >= startOfMonth()", ["A-1", "A-2"]),
        ('created <= startOfMonth("-1M")', ["B-3"]),
        ('created < startOfMonth("-1M")', []),
        ("created <= endOfDay()", ["A-1", "A-2", "B-3"]),
        ("created > endOfWeek(-1w)", ["A-1"]),
        ("created < endOfMonth(-1M)", ["B-3"]),
        ("created < endOfMonth(-2M)", []),
        ("created <= now()", ["A-1", "A-2", "B-3"]),
        ("created >= startOfYear()", ["A-1", "A-2"]),
        ("created > endOfYear(-1y)", ["A-1", "A-2"]),
        ("type = bug AND NOT status = Open", ["B-3"]),
        ("status = Done OR assignee = u2 AND type = Bug", ["A-2", "B-3"]),
    ],
)
def test_queries_match_like_jira(jql: str, keys: list[str]) -> None:
    """Each operator and function selects exactly the issues Jira would."""
    assert matching(jql) == keys


@pytest.mark.parametrize(
    ("jql", "named"),
    [
        ("status was Open", "WAS"),
        ("status changed", "CHANGED"),
        ("issue.property[x].y = 1", "Entity properties"),
        ("assignee in watchedIssues()", "watchedIssues"),
        ("assignee in membersOf(nobody)", "nobody"),
        ("status > Open", "text field"),
        ("created > soon", "not a date"),
        ('summary ~ "a?b"', "Text search syntax"),
        ('summary ~ "-login"', "Text search syntax"),
        ('summary ~ "a OR b"', "Text search syntax"),
        ('summary ~ "lo*g"', "Text search syntax"),
        ("created > startOfDay(1x)", "offset"),
    ],
)
def test_unsupported_constructs_say_what_they_are(jql: str, named: str) -> None:
    """Anything the evaluator cannot answer exactly raises Unsupported naming the construct."""
    with pytest.raises(Unsupported, match=named):
        matching(jql)


def test_sorting_follows_order_by_with_empty_values_last() -> None:
    """ORDER BY sorts by each key in turn, DESC reverses, and missing values always go last."""
    ordered = sort_records(ISSUES, parse("ORDER BY assignee DESC, key"), CONTEXT)
    assert [issue.key for issue in ordered] == ["B-3", "A-1", "A-2"]
    ordered = sort_records(ISSUES, parse("ORDER BY type, created"), CONTEXT)
    assert [issue.key for issue in ordered] == ["B-3", "A-1", "A-2"]


def test_without_order_by_the_input_order_is_kept() -> None:
    """No ORDER BY means the records come back in the order given."""
    reversed_issues = list(reversed(ISSUES))
    assert sort_records(reversed_issues, parse("status = Open"), CONTEXT) == reversed_issues


def test_incomparable_sort_values_are_unsupported() -> None:
    """Sorting by a field whose values cannot be compared is reported, not guessed."""
    mixed = [Issue("A-1", {"x": (1,)}), Issue("A-2", {"x": ("a",)})]
    with pytest.raises(Unsupported, match="not comparable"):
        sort_records(mixed, parse("ORDER BY x"), CONTEXT)
