"""lint(): each rule fires on the mistake it names; suggestions never change the meaning."""

from __future__ import annotations

import pytest

from server.jql import LintWarning, is_bounded, lint, parse


def rules(jql: str, *, scoped: bool = False) -> dict[str, str]:
    return {warning.rule: warning.suggestion for warning in lint(parse(jql), scoped=scoped)}


@pytest.mark.parametrize(
    ("jql", "rule", "suggestion"),
    [
        ("", "unbounded", "Add a condition"),
        ("ORDER BY created DESC", "unbounded", "Add a condition"),
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
    """The named rule fires and its suggestion is the expected rewrite (or advice)."""
    found = rules(jql)
    assert rule in found, found
    assert suggestion in found[rule]


@pytest.mark.parametrize(
    ("jql", "rule", "alternative"),
    [
        ("status = Open", "no-project", "add a project condition with its key"),
        (
            "project = A AND text ~ crash",
            "text-search",
            'search only them: summary ~ "crash" OR description ~ "crash"',
        ),
        (
            "project = A AND text !~ crash",
            "text-search",
            'summary !~ "crash" AND description !~ "crash"',
        ),
        (
            "project = A AND assignee != bob",
            "negative-misses-empty",
            'to match them too, write (assignee != "bob" OR assignee IS EMPTY)',
        ),
        (
            "project = A AND component not in (x)",
            "negative-misses-empty",
            '(component NOT IN ("x") OR component IS EMPTY)',
        ),
        ("project = A AND status = \u201cDone\u201d", "smart-quotes", 'status = "Done"'),
        (
            "project = A AND status in (\u2018Open\u2019, Done)",
            "smart-quotes",
            'status IN ("Open", "Done")',
        ),
    ],
)
def test_a_query_meaning_otherwise_is_only_shown(jql: str, rule: str, alternative: str) -> None:
    """Where the better query would match other issues it is in the message, as an
    alternative, and never offered as the suggested rewrite."""
    [warning] = [w for w in lint(parse(jql)) if w.rule == rule]
    assert alternative in warning.message
    assert warning.suggestion == ""


@pytest.mark.parametrize(
    "jql",
    [
        'created >= "-7d"',
        "updated > -1w",
        'project = A AND duedate < "-1M" AND created > -1y',
        "status = Open OR labels = x ORDER BY key",
        "",
    ],
)
def test_no_suggestion_names_a_placeholder_or_moves_a_date(jql: str) -> None:
    """No warning proposes a made-up project like ABC, nor turns -1w into startOfWeek."""
    for warning in lint(parse(jql)):
        text = warning.message + warning.suggestion
        assert "ABC" not in text
        assert "startOf" not in text


@pytest.mark.parametrize(
    "jql",
    [
        "key = SHOP-1",
        "issuekey IN (SHOP-1, OPS-2) AND status = Done",
        "parent = SHOP-10",
        "sprint = 5 AND assignee = currentUser()",
        "filter = 10001",
        "project = A OR labels = x",
    ],
)
def test_no_project_is_quiet_where_issues_are_already_pinned(jql: str) -> None:
    """A query that names its issues (key, parent, sprint, filter) or a project gets no
    'no-project' warning: a project condition would add nothing."""
    assert "no-project" not in rules(jql)


@pytest.mark.parametrize(
    "jql",
    [
        'project = A AND summary ~ "crash" ORDER BY created DESC',
        "project = A AND status != Done",
        "project in (A, B) AND created >= startOfDay(-7d)",
        "project = A AND key in (" + ", ".join(f"A-{i}" for i in range(3_000)) + ")",
        "project = A AND (labels = x OR labels = y)",
        "project = A AND created >= -4h AND resolved >= '2024-01-01'",
        'project = A AND created >= "-7d" AND updated > -1w',
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
