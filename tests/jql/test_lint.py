"""lint(): each rule fires on the mistake it names and suggests JQL that fixes it."""

from __future__ import annotations

import pytest

from server.jql import LintWarning, is_bounded, lint, parse


def rules(jql: str, *, scoped: bool = False) -> dict[str, str]:
    return {warning.rule: warning.suggestion for warning in lint(parse(jql), scoped=scoped)}


@pytest.mark.parametrize(
    ("jql", "rule", "suggestion"),
    [
        ("", "unbounded", "project = ABC"),
        ("ORDER BY created DESC", "unbounded", "project = ABC ORDER BY created DESC"),
        ("status = Open", "no-project", 'project = "ABC" AND status = "Open"'),
        (
            "status = Open OR labels = x ORDER BY key",
            "no-project",
            'project = "ABC" AND (status = "Open" OR labels = "x") ORDER BY key',
        ),
        (
            "project = A AND text ~ crash",
            "text-search",
            'summary ~ "crash" OR description ~ "crash"',
        ),
        (
            "project = A AND text !~ crash",
            "text-search",
            'summary !~ "crash" AND description !~ "crash"',
        ),
        (
            "project = A AND assignee != bob",
            "negative-misses-empty",
            '(assignee != "bob" OR assignee IS EMPTY)',
        ),
        (
            "project = A AND component not in (x)",
            "negative-misses-empty",
            '(component NOT IN ("x") OR component IS EMPTY)',
        ),
        ('project = A AND created >= "-7d"', "string-date", 'created >= startOfDay("-7d")'),
        ("project = A AND updated > '-2w'", "string-date", 'updated > startOfWeek("-2w")'),
        ('project = A AND duedate < "-1M"', "string-date", 'duedate < startOfMonth("-1M")'),
        ("project = A AND created > -1y", "string-date", 'created > startOfYear("-1y")'),
        ("project = A AND status = \u201cDone\u201d", "smart-quotes", 'status = "Done"'),
        (
            "project = A AND status in (\u2018Open\u2019, Done)",
            "smart-quotes",
            'status IN ("Open", "Done")',
        ),
        ('project = A AND "Epic Link" = A-1', "epic-link-deprecated", 'parent = "A-1"'),
        (
            "project = A AND cf[10014] in (A-1, A-2)",
            "epic-link-deprecated",
            'parent IN ("A-1", "A-2")',
        ),
        (
            "project = A AND labels != x AND labels != y",
            "not-equals-chain",
            'labels NOT IN ("x", "y")',
        ),
        (
            "project = A AND key in (" + ", ".join(f"A-{i}" for i in range(3_001)) + ")",
            "list-too-long",
            "3,000",
        ),
    ],
)
def test_each_rule_fires_with_a_suggestion(jql: str, rule: str, suggestion: str) -> None:
    """The named rule fires and its suggestion is the expected rewrite."""
    found = rules(jql)
    assert rule in found, found
    assert suggestion in found[rule]


@pytest.mark.parametrize(
    "jql",
    [
        'project = A AND summary ~ "crash" ORDER BY created DESC',
        "project = A AND status != Done",
        "project in (A, B) AND created >= startOfDay(-7d)",
        "project = A AND key in (" + ", ".join(f"A-{i}" for i in range(3_000)) + ")",
        "project = A AND (labels = x OR labels = y)",
        "project = A AND created >= -4h AND resolved >= '2024-01-01'",
    ],
)
def test_good_queries_have_no_warnings(jql: str) -> None:
    """Bounded, project-scoped queries with positive or always-set fields raise nothing."""
    assert lint(parse(jql)) == []


def test_scoped_queries_skip_the_project_and_unbounded_rules() -> None:
    """With an allowlist in force the scope adds the project clause, so those rules are quiet."""
    assert "no-project" not in rules("status = Open", scoped=True)
    assert rules("", scoped=True) == {}


def test_warnings_are_frozen_and_carry_a_message() -> None:
    """A warning is a frozen dataclass with rule, message and suggestion."""
    warning = lint(parse(""))[0]
    assert isinstance(warning, LintWarning)
    assert "every issue" in warning.message
    with pytest.raises(AttributeError):
        warning.rule = "x"  # type: ignore[misc]  # mutating a frozen dataclass is the test


@pytest.mark.parametrize(
    ("jql", "bounded"), [("", False), ("ORDER BY key", False), ("a = 1", True), ("NOT a = 1", True)]
)
def test_is_bounded(jql: str, *, bounded: bool) -> None:
    """Only a query with a condition is bounded (Jira refuses unbounded searches)."""
    assert is_bounded(parse(jql)) is bounded
