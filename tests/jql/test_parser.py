"""The parser: every construct of JQL to the expected tree, precedence and size caps."""

from __future__ import annotations

import pytest

from server.jql import (
    And,
    Clause,
    CustomField,
    Empty,
    EntityProperty,
    FieldName,
    Function,
    HistoryPredicate,
    JqlError,
    ListOperand,
    Not,
    Operator,
    Or,
    OrderField,
    PredicateKind,
    Query,
    SortDirection,
    Terminal,
    Value,
    parse,
    parse_located,
)
from server.jql.parser import MAX_CLAUSES, MAX_DEPTH


def eq(field: str, value: str) -> Terminal:
    return Terminal(FieldName(field), Operator.EQUALS, Value(value))


def num(text: str) -> Value:
    return Value(text, is_number=True)


A, B, C, D = eq("a", "x"), eq("b", "x"), eq("c", "x"), eq("d", "x")


@pytest.mark.parametrize(
    ("jql", "where"),
    [
        ("a = x OR b = x AND c = x", Or((A, And((B, C))))),
        ("a = x AND b = x OR c = x", Or((And((A, B)), C))),
        ("a = x || b = x && c = x", Or((A, And((B, C))))),
        ("a = x | b = x & c = x", Or((A, And((B, C))))),
        ("NOT a = x AND b = x", And((Not(A), B))),
        ("!a = x OR b = x", Or((Not(A), B))),
        ("not not a = x", Not(Not(A))),
        ("(a = x OR b = x) AND c = x", And((Or((A, B)), C))),
        ("NOT (a = x OR b = x)", Not(Or((A, B)))),
        ("a = x AND b = x AND c = x AND d = x", And((A, B, C, D))),
        ("a = x OR b = x OR c = x", Or((A, B, C))),
        ("((a = x))", A),
        ("(a = x AND b = x) AND c = x", And((And((A, B)), C))),
        ("a=x AND(b=x)", And((A, B))),
    ],
)
def test_precedence_is_not_then_and_then_or(jql: str, where: Clause) -> None:
    """NOT binds tightest, AND binds tighter than OR, parentheses group."""
    assert parse(jql) == Query(where)


S = FieldName("status")


@pytest.mark.parametrize(
    ("jql", "clause"),
    [
        ("status = Open", Terminal(S, Operator.EQUALS, Value("Open"))),
        ("status != 'Open'", Terminal(S, Operator.NOT_EQUALS, Value("Open"))),
        ("status < 5", Terminal(S, Operator.LESS_THAN, num("5"))),
        ("status <= -5", Terminal(S, Operator.LESS_THAN_EQUALS, num("-5"))),
        ("status > \"5\"", Terminal(S, Operator.GREATER_THAN, Value("5"))),
        ("status >= now()", Terminal(S, Operator.GREATER_THAN_EQUALS, Function("now"))),
        ("status ~ x", Terminal(S, Operator.LIKE, Value("x"))),
        ("status !~ x", Terminal(S, Operator.NOT_LIKE, Value("x"))),
        ("status = EMPTY", Terminal(S, Operator.EQUALS, Empty())),
        ("status ~ null", Terminal(S, Operator.LIKE, Empty())),
        ("status = \"EMPTY\"", Terminal(S, Operator.EQUALS, Value("EMPTY"))),
        ("status = currentUser", Terminal(S, Operator.EQUALS, Value("currentUser"))),
        ("status in (a, 1)", Terminal(S, Operator.IN, ListOperand((Value("a"), num("1"))))),
        ("status NOT IN (a)", Terminal(S, Operator.NOT_IN, ListOperand((Value("a"),)))),
        ("status in f()", Terminal(S, Operator.IN, Function("f"))),
        (
            "status in (EMPTY, (a, b), f(1, 'x'))",
            Terminal(S, Operator.IN, ListOperand((
                Empty(), ListOperand((Value("a"), Value("b"))), Function("f", ("1", "x")),
            ))),
        ),
        ("status is empty", Terminal(S, Operator.IS, Empty())),
        ("status IS NOT null", Terminal(S, Operator.IS_NOT, Empty())),
        ("status was Open", Terminal(S, Operator.WAS, Value("Open"))),
        ("status was not EMPTY", Terminal(S, Operator.WAS_NOT, Empty())),
        ("status was in (a)", Terminal(S, Operator.WAS_IN, ListOperand((Value("a"),)))),
        ("status was not in f()", Terminal(S, Operator.WAS_NOT_IN, Function("f"))),
        (
            "status was Open after -1d before '2024/01/01' on x during (a, b) by currentUser()",
            Terminal(S, Operator.WAS, Value("Open"), (
                HistoryPredicate(PredicateKind.AFTER, Value("-1d")),
                HistoryPredicate(PredicateKind.BEFORE, Value("2024/01/01")),
                HistoryPredicate(PredicateKind.ON, Value("x")),
                HistoryPredicate(PredicateKind.DURING, ListOperand((Value("a"), Value("b")))),
                HistoryPredicate(PredicateKind.BY, Function("currentUser")),
            )),
        ),
        ("status changed", Terminal(S, Operator.CHANGED, None)),
        (
            "status changed from Open to (Closed, Done) after -1d after -2d by EMPTY",
            Terminal(S, Operator.CHANGED, None, (
                HistoryPredicate(PredicateKind.FROM, Value("Open")),
                HistoryPredicate(PredicateKind.TO, ListOperand((Value("Closed"), Value("Done")))),
                HistoryPredicate(PredicateKind.AFTER, Value("-1d")),
                HistoryPredicate(PredicateKind.AFTER, Value("-2d")),
                HistoryPredicate(PredicateKind.BY, Empty()),
            )),
        ),
    ],
)  # fmt: skip
def test_each_operator_parses_to_its_terminal(jql: str, clause: Terminal) -> None:
    """Every operator, operand kind and history predicate lands in the right node."""
    assert parse(jql) == Query(clause)


@pytest.mark.parametrize(
    ("jql", "field"),
    [
        ('"Story Points" > 5', FieldName("Story Points")),
        ("'Story Points' > 5", FieldName("Story Points")),
        ('"Team[Team]" > 5', FieldName("Team[Team]")),
        ("cf[10010] > 5", CustomField(10010)),
        ("cf [ 10010 ] > 5", CustomField(10010)),
        ("123 > 5", FieldName("123")),
        ("customfield_10010 > 5", FieldName("customfield_10010")),
        ("issue.property[foo].bar > 5", EntityProperty(FieldName("issue.property"), "foo", ".bar")),
        (
            'issue.property["spaces here"].value > 5',
            EntityProperty(FieldName("issue.property"), "spaces here", ".value"),
        ),
        ("issue.property[foo] > 5", EntityProperty(FieldName("issue.property"), "foo")),
        ("cf[1][x].y > 5", EntityProperty(CustomField(1), "x", ".y")),
        ("project\u00a0 > 5", FieldName("project\u00a0")),
    ],
)
def test_every_field_form_parses(jql: str, field: FieldName) -> None:
    """Quoted names, cf[N], numbers and entity properties are all fields."""
    where = parse(jql).where
    assert isinstance(where, Terminal)
    assert where.field == field


@pytest.mark.parametrize(
    ("jql", "query"),
    [
        ("", Query(None)),
        ("  \n\t ", Query(None)),
        ("ORDER BY created", Query(None, (OrderField(FieldName("created")),))),
        (
            "a = x order by created DESC, key asc, cf[1], \"Story Points\"",
            Query(A, (
                OrderField(FieldName("created"), SortDirection.DESC),
                OrderField(FieldName("key"), SortDirection.ASC),
                OrderField(CustomField(1)),
                OrderField(FieldName("Story Points")),
            )),
        ),
        (
            'project = "ABC"ORDER BY key',
            Query(eq("project", "ABC"), (OrderField(FieldName("key")),)),
        ),
        ("order by created desc, -", Query(None, (
            OrderField(FieldName("created"), SortDirection.DESC), OrderField(FieldName("-")),
        ))),
    ],
)  # fmt: skip
def test_order_by_and_empty_queries(jql: str, query: Query) -> None:
    """ORDER BY takes several keys with directions; empty and ORDER-BY-only queries parse."""
    assert parse(jql) == query


@pytest.mark.parametrize(
    "jql",
    [
        "status = (a, b)",
        "status in Open",
        'status IN "Done"',
        "sprint in openSprints",
        "status IS Open",
        "status NOT = x",
        "status not was x",
        "status is not in (x)",
        "votes > EMPTY",
        "status in ()",
        "status in (a,)",
        "f(g())",
        "status = f(g())",
        "status = f((a))",
        "status = f(EMPTY)",
        "status changed Open",
        "status changed from Open and to Closed",
        "status was Open from a",
        "status = x after -1d",
        "status in (a) by x",
        "cf = x",
        "cf[-1] = x",
        "cf[abc] = x",
        'cf["10010"] = x',
        "cf[] = x",
        "Story Points > 5",
        "status = Open .",
        "a = 1 ORDER BY x ORDER BY y",
        "ORDER BY x,",
        "ORDER BY",
        "ORDER created",
        "(a = 1 ORDER BY x)",
        "a = 1 LIMIT 10",
        "a = 1 ORDER BY x NULLS LAST",
        "'it''s' = x",
        '"" = x',
        'status = ""()',
        "issue.property[foo]bar = 1",
        "status == Open",
        "status <> Open",
        "status =< 1",
        "status ! = x",
        'updatedBy("John Smith")',
        "a = 1 AND",
        "a = 1 OR",
        "AND a = 1",
        "()",
        "(a = 1",
        "a = 1)",
        "NOT",
    ],
)
def test_invalid_queries_are_refused(jql: str) -> None:
    """Constructs the JQL grammar rejects raise JqlError."""
    with pytest.raises(JqlError):
        parse(jql)


@pytest.mark.parametrize(
    "jql",
    [
        "labels = a",
        "1 = 1",
        "fixVersion = 1.0.1",
        "project = :project",
        "status = 123()",
        'x = "currentUser"()',
        "x < startOfMonth(-1M)",
        "issueFunction in subtasksOf(\"project = ABC AND status = 'In Progress'\")",
        "summary ~ “smart”",
        "project = \u2018ABC\u2019",
        "labels = a||b = c",
        "labels = foo(bar)",
        " ".join(["not"] * 50) + " a = 1",
    ],
)
def test_unusual_but_valid_queries_parse(jql: str) -> None:
    """Odd corners the grammar accepts (numbers as names, stacked NOTs, curly quotes) parse."""
    parse(jql)


def test_nesting_beyond_the_cap_is_a_clear_error() -> None:
    """Very deep parentheses fail with a nesting message, not a RecursionError."""
    parse("(" * MAX_DEPTH + "a = 1" + ")" * MAX_DEPTH)
    for depth in (MAX_DEPTH + 1, 5_000):
        with pytest.raises(JqlError, match="nests deeper"):
            parse("(" * depth + "a = 1" + ")" * depth)
    with pytest.raises(JqlError, match="nests deeper"):
        parse("NOT " * 5_000 + "a = 1")
    with pytest.raises(JqlError, match="nest deeper"):
        parse("a in " + "(" * 5_000 + "1" + ")" * 5_000)


def test_too_many_clauses_is_a_clear_error() -> None:
    """More than the clause cap fails with a message that suggests IN lists."""
    parse(" OR ".join(["a = 1"] * MAX_CLAUSES))
    with pytest.raises(JqlError, match="conditions") as caught:
        parse(" OR ".join(["a = 1"] * (MAX_CLAUSES + 1)))
    assert "IN" in (caught.value.hint or "")


def test_large_in_lists_are_accepted() -> None:
    """A 5,000-value IN list is not a clause-count problem (lint reports it instead)."""
    query = parse("key in (" + ", ".join(f"A-{i}" for i in range(5_000)) + ")")
    assert isinstance(query.where, Terminal)
    assert isinstance(query.where.operand, ListOperand)
    assert len(query.where.operand.items) == 5_000


def test_non_text_input_is_a_jql_error() -> None:
    """Passing something that is not a string raises JqlError, not TypeError."""
    with pytest.raises(JqlError):
        parse(None)  # type: ignore[arg-type]  # the wrong type is what is being tested


def test_trees_that_cannot_be_written_are_rejected() -> None:
    """AND/OR with fewer than two clauses and empty lists cannot be built."""
    with pytest.raises(ValueError, match="two clauses"):
        And((A,))
    with pytest.raises(ValueError, match="two clauses"):
        Or(())
    with pytest.raises(ValueError, match="at least one"):
        ListOperand(())


@pytest.mark.parametrize(
    "jql",
    [
        "project = ABC AND status IN (Done, 'To Do') ORDER BY key",
        'NOT (cf[10016] > 3 OR "Story Points" IS EMPTY) AND assignee WAS currentUser() BY x',
        "issue.property[a].b = 1 AND status CHANGED FROM Open TO Done AFTER startOfDay()",
    ],
)
def test_located_parse_gives_the_same_tree(jql: str) -> None:
    """parse_located builds exactly the tree parse builds."""
    assert parse_located(jql)[0] == parse(jql)


def test_locations_point_at_fields_operators_and_operands() -> None:
    """Fields and operands are found at their first character, a condition at its operator."""
    query, at = parse_located('project = ABC\n  AND status  IN ("To Do", now())')
    assert isinstance(query.where, And)
    first, second = query.where.clauses
    assert isinstance(first, Terminal)
    assert isinstance(second, Terminal)
    assert at.of(first.field) == (1, 1)
    assert at.of(first) == (1, 9)
    assert at.of(first.operand) == (1, 11)
    assert at.of(second.field) == (2, 7)
    assert at.of(second) == (2, 15)
    assert isinstance(second.operand, ListOperand)
    assert [at.of(item) for item in second.operand.items] == [(2, 19), (2, 28)]


def test_equal_nodes_keep_their_own_locations() -> None:
    """Two equal values of one query are told apart by where each was written."""
    query, at = parse_located("a = x OR b = x")
    assert isinstance(query.where, Or)
    left, right = query.where.clauses
    assert isinstance(left, Terminal)
    assert isinstance(right, Terminal)
    assert left.operand == right.operand
    assert (at.of(left.operand), at.of(right.operand)) == ((1, 5), (1, 14))
    assert at.of(Value("x")) == (1, 1)  # a node of no parse: the start
