"""scope(): the allowlist is enforced on the tree, and queries naming other projects are refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.jql_eval import EvalContext, JqlScalar, Unsupported, compile_where
from server.jql import (
    And,
    Empty,
    FieldName,
    JqlError,
    ListOperand,
    Not,
    Operator,
    Or,
    Query,
    ScopeError,
    Terminal,
    Value,
    parse,
    render,
    scope,
)
from tests.jql.strategies import clauses

ALLOWED = ["ALPHA", "beta"]
RESTRICTION = Terminal(
    FieldName("project"), Operator.IN, ListOperand((Value("ALPHA"), Value("BETA")))
)


def scoped_text(jql: str) -> str:
    return render(scope(parse(jql), ALLOWED))


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("status = Open", 'status = "Open" AND project IN ("ALPHA", "BETA")'),
        ("", 'project IN ("ALPHA", "BETA")'),
        ("ORDER BY created", 'project IN ("ALPHA", "BETA") ORDER BY created'),
        (
            "a = 1 OR b = 2 ORDER BY key DESC",
            '(a = 1 OR b = 2) AND project IN ("ALPHA", "BETA") ORDER BY key DESC',
        ),
        ("a = 1 || b = 2", '(a = 1 OR b = 2) AND project IN ("ALPHA", "BETA")'),
        ("!a = 1", 'NOT a = 1 AND project IN ("ALPHA", "BETA")'),
        (
            'summary ~ "x) OR (project = SECRET ORDER BY key"',
            'summary ~ "x) OR (project = SECRET ORDER BY key" AND project IN ("ALPHA", "BETA")',
        ),
        ("project = alpha", 'project = "alpha" AND project IN ("ALPHA", "BETA")'),
        (
            "key in (ALPHA-1, beta-2)",
            'key IN ("ALPHA-1", "beta-2") AND project IN ("ALPHA", "BETA")',
        ),
        ("issue = 10042", 'issue = 10042 AND project IN ("ALPHA", "BETA")'),
        (
            'assignee in membersOf("jira-users") OR issue in linkedIssues(ALPHA-1, "blocks")',
            '(assignee IN membersOf("jira-users") OR issue IN linkedIssues("ALPHA-1", "blocks"))'
            ' AND project IN ("ALPHA", "BETA")',
        ),
    ],
)
def test_scoped_queries_render_with_the_project_clause(jql: str, expected: str) -> None:
    """The user's condition becomes one AND operand next to project IN (allowlist)."""
    assert scoped_text(jql) == expected


@pytest.mark.parametrize(
    ("jql", "projects", "keys"),
    [
        ("project = SECRET", ("SECRET",), ()),
        ("project in (ALPHA, SECRET, 'Other')", ("SECRET", "Other"), ()),
        ("project != SECRET", ("SECRET",), ()),
        ("NOT project = SECRET", ("SECRET",), ()),
        ("status = Open OR project = SECRET", ("SECRET",), ()),
        ("project was SECRET", ("SECRET",), ()),
        ("project changed from ALPHA to SECRET", ("SECRET",), ()),
        ('"project" = SECRET', ("SECRET",), ()),
        ("project = \u0455ECRET", ("\u0455ECRET",), ()),
        ('project = "ALPHA\u200b"', ("ALPHA\u200b",), ()),
        ("key = SECRET-1", (), ("SECRET-1",)),
        ("issuekey in (ALPHA-1, SECRET-2)", (), ("SECRET-2",)),
        ("issueKey = secret-9", (), ("secret-9",)),
        ("id = SECRET-5", (), ("SECRET-5",)),
        ("issue = SECRET-5", (), ("SECRET-5",)),
        ("parent = X-1", (), ("X-1",)),
        ('"Epic Link" = X-1', (), ("X-1",)),
        ("cf[10014] = X-1", (), ("X-1",)),
        ("project = SECRET AND key = PROJ-1", ("SECRET",), ("PROJ-1",)),
        ('issue in linkedIssues("SECRET-1", "blocks")', (), ("SECRET-1",)),
        ('issueFunction in subtasksOf("project = SECRET")', ("SECRET",), ()),
        ("status was Open by x before f(SECRET-3)", (), ("SECRET-3",)),
    ],
)
def test_queries_naming_other_projects_are_refused(
    jql: str, projects: tuple[str, ...], keys: tuple[str, ...]
) -> None:
    """Projects and issue keys outside the allowlist are refused, and the error names them."""
    with pytest.raises(ScopeError) as caught:
        scope(parse(jql), ALLOWED)
    assert caught.value.projects == projects
    assert caught.value.keys == keys
    for name in projects + keys:
        assert name in str(caught.value)


def test_project_ids_are_refused_with_a_hint_to_use_keys() -> None:
    """A numeric project id cannot be checked locally, so it is refused with a key hint."""
    with pytest.raises(ScopeError) as caught:
        scope(parse("project in (10000, ALPHA)"), ALLOWED)
    assert caught.value.projects == ("10000",)
    assert "project = ALPHA" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "jql",
    [
        "project = SECRET) OR (key = PROJ-1",
        'status = Open" OR project = SECRET OR summary ~ "',
        "status = Open ORDER BY key OR project = SECRET",
    ],
)
def test_splicing_attacks_do_not_parse(jql: str) -> None:
    """Inputs built to escape a string template are not valid JQL and are refused outright."""
    with pytest.raises(JqlError):
        scope(parse(jql), ALLOWED)


def test_an_empty_allowlist_means_no_scope() -> None:
    """With no allowed projects configured the query is returned unchanged."""
    query = parse("project = SECRET ORDER BY key")
    assert scope(query, []) is query
    assert scope(query, ["", "  "]) is query


def test_the_allowlist_is_normalised() -> None:
    """Allowlist keys are trimmed, upper-cased and de-duplicated, in their given order."""
    assert render(scope(Query(None), [" b ", "a", "B"])) == 'project IN ("B", "A")'


def test_scoping_twice_keeps_both_restrictions() -> None:
    """Scoping an already scoped query (also after a render/parse trip) stays correct."""
    once = scope(parse("status = Open ORDER BY key"), ALLOWED)
    twice = scope(parse(render(once)), ALLOWED)
    assert once.where is not None
    assert twice.where == And((once.where, RESTRICTION))
    assert twice.order_by == once.order_by
    narrower = scope(parse(render(once)), ["ALPHA", "BETA", "GAMMA"])
    assert isinstance(narrower.where, And)
    with pytest.raises(ScopeError, match="BETA"):
        scope(once, ["ALPHA"])


# The property: whatever the input, nothing outside the allowlist can match. ----------------


@dataclass(frozen=True)
class _Issue:
    project: str
    number: int
    values: dict[str, tuple[JqlScalar, ...]] = field(default_factory=dict)

    def jql_values(self, name: str) -> Sequence[JqlScalar]:
        if name == "project":
            return (self.project, str(10_000 + len(self.project)), f"{self.project} project")
        if name == "issuekey":
            return (f"{self.project}-{self.number}",)
        return self.values.get(name, ())

    def jql_sort_value(self, name: str) -> object:
        values = self.jql_values(name)
        return values[0] if values else None


_PROJECTS = ["ALPHA", "BETA", "SECRET", "GAMMA", "ALPHA\u200b", "\u0391LPHA", "PROJ"]
_ISSUES = [
    _Issue(
        project,
        number,
        {
            "status": (("Open", "Done", "In Progress")[number % 3],),
            "summary": (f"login error {project} ORDER BY key",),
            "labels": (("a", "b") if number % 2 else ()),
            "assignee": (("bob", "Bob Smith") if number % 3 else ()),
            "created": (datetime(2026, 1, number, tzinfo=UTC),),
        },
    )
    for project in _PROJECTS
    for number in range(1, 5)
]
_CONTEXT = EvalContext(
    now=datetime(2026, 2, 1, tzinfo=UTC),
    current_user="bob",
    aliases={"key": "issuekey", "issue": "issuekey", "id": "issuekey", "type": "issuetype"},
)
_FRAGMENTS = st.sampled_from(
    [
        "status = Open", "project = SECRET", "project in (ALPHA, SECRET)", "key = SECRET-1",
        "project = ALPHA", "project = \u0391LPHA", 'project = "ALPHA\u200b"', "key = PROJ-1",
        "labels = a", 'summary ~ "login"', "assignee = currentUser()", "created < -3d",
        "(", ")", '"', "'", "\\", '\\"', "ORDER BY key", '"ORDER BY created"', "||", "|", "&&",
        "&", "!", "NOT", "AND", "OR", "\n", "\u2028", "\uff08", "\uff09", "\u201c", "\u201d",
        "project = SECRET) OR (key = PROJ-1", '" OR project = SECRET OR summary ~ "',
        'x\\" OR project = SECRET OR summary ~ x\\', "status in (Open, Done)", "labels is EMPTY",
        "status != Done", "project is not EMPTY", "project != BETA",
    ]
)  # fmt: skip
_SEPARATORS = st.sampled_from([" ", "", "\n", " AND ", " OR ", " || "])
_adversarial = st.lists(st.tuples(_FRAGMENTS, _SEPARATORS), max_size=8).map(
    lambda pairs: "".join(fragment + separator for fragment, separator in pairs)
)
_NAMES = st.sampled_from(
    ["Open", "Done", "a", "b", "bob", "ALPHA", "beta", "SECRET", "\u0391LPHA", "ALPHA-1",
     "SECRET-2", "PROJ-1", "10005", "x) OR (project = SECRET", 'ORDER BY key"', "\\"]
)  # fmt: skip
_SUPPORTED_FIELDS = st.sampled_from(
    ["status", "labels", "assignee", "project", "key", "issuekey", "summary"]
).map(FieldName)
_supported_terminals = st.one_of(
    st.builds(
        Terminal,
        _SUPPORTED_FIELDS,
        st.sampled_from([Operator.EQUALS, Operator.NOT_EQUALS]),
        st.one_of(_NAMES.map(Value), st.just(Empty())),
    ),
    st.builds(
        Terminal,
        _SUPPORTED_FIELDS,
        st.sampled_from([Operator.IN, Operator.NOT_IN]),
        st.lists(_NAMES.map(Value), min_size=1, max_size=3).map(
            lambda items: ListOperand(tuple(items))
        ),
    ),
    st.builds(
        Terminal,
        _SUPPORTED_FIELDS,
        st.sampled_from([Operator.IS, Operator.IS_NOT]),
        st.just(Empty()),
    ),
)
_supported_clauses = st.recursive(
    _supported_terminals,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda items: And(tuple(items))),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
        inner.map(Not),
    ),
    max_leaves=6,
)
_generated = st.one_of(
    _supported_clauses.map(lambda clause: render(Query(clause))),
    clauses.map(lambda clause: render(Query(clause))),
    st.just(""),
)
_inputs = st.one_of(
    _adversarial,
    _generated,
    st.tuples(_generated, _SEPARATORS, _adversarial).map("".join),
)


def _outside_matches(query: Query) -> list[str]:
    matches = compile_where(query, _CONTEXT)
    return [
        f"{issue.project}-{issue.number}"
        for issue in _ISSUES
        if issue.project not in ("ALPHA", "BETA") and matches(issue)
    ]


@settings(max_examples=600)
@given(_inputs)
def test_no_issue_outside_the_allowlist_ever_matches(text: str) -> None:
    """Every input is refused or scoped, and a scoped query never matches a forbidden issue."""
    try:
        scoped = scope(parse(text), ALLOWED)
    except JqlError:
        return  # refused: nothing is searched
    # What reaches Jira is the rendered text; it must mean exactly the scoped tree.
    sent = parse(render(scoped))
    assert sent == scoped
    assert isinstance(sent.where, Terminal | And)
    if isinstance(sent.where, And):
        assert sent.where.clauses[-1] == RESTRICTION
    else:
        assert sent.where == RESTRICTION
    try:
        assert _outside_matches(sent) == []
    except Unsupported:
        # The evaluator cannot judge history or add-on functions; the restriction alone can.
        assert _outside_matches(Query(RESTRICTION)) == []
