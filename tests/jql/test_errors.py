"""Errors written for the model: position, caret line and a hint for each common mistake."""

from __future__ import annotations

import pytest

from server.jql import JqlError, ScopeError, parse


@pytest.mark.parametrize(
    ("jql", "column", "hint_part"),
    [
        ("status == Open", 9, "single '='"),
        ("summary LIKE 'x'", 9, "use ~"),
        ("project = A LIMIT 10", 13, "LIMIT"),
        ("SELECT * FROM issues", 1, "not SQL"),
        ("summary ~ “smart quotes”", 18, "straight quotes"),
        ("“Story Points” = 5", 8, "straight quotes"),
        ("status in (“In Progress”)", 16, "straight quotes"),
        ('status = "Open', 10, "Close the string"),
        ("status = 'Open", 10, "Close the string"),
        ("(status = Open", 15, "missing ')'"),
        ("status = Open)", 14, "extra ')'"),
        ("status in (Open", 16, "close the list"),
        ("status in Open", 11, "IN (Open)"),
        ("status = Open AND", 15, "trailing AND"),
        ("status = Open OR ", 15, "trailing OR"),
        ("status = Open ORDER BY key AND a = 1", 28, "ORDER BY must come last"),
        ("(status = Open ORDER BY key)", 16, "ORDER BY goes at the very end"),
        ("status = Open ORDER BY key DESC project = A", 33, "ORDER BY must come last"),
        ("ORDER BY created DESC priority", 23, "commas"),
        ("labels = user", 10, '"user"'),
        ("Story Points > 5", 7, '"Story Points"'),
        ("epic link in (1,2,3)", 6, '"epic link"'),
        ("status = In Progress", 10, '"In Progress"'),
        ("status = Open Done", 15, "must be quoted"),
        ("status = To Do", 13, '"To Do"'),
        ("status <> Open", 9, "operator"),
        ("status NOT = x", 12, "NOT IN"),
        ("status IS Open", 11, "IS only takes EMPTY"),
        ("status = (a, b)", 10, "IN (...)"),
        ("votes > EMPTY", 9, "IS EMPTY"),
        ("cf = x", 4, "cf[10010]"),
        ('updatedBy("John Smith")', 10, "bare function call"),
        ("status = f(g())", 13, "nested JQL goes in quotes"),
        ('summary ~ "\\[x\\]"', 12, "\\\\[example\\\\]"),
    ],
)
def test_common_mistakes_get_a_position_and_a_hint(jql: str, column: int, hint_part: str) -> None:
    """Each mistake agents make is reported at the right column with a hint that fixes it."""
    with pytest.raises(JqlError) as caught:
        parse(jql)
    error = caught.value
    assert (error.line, error.column) == (1, column), str(error)
    assert error.hint is not None
    assert hint_part in error.hint, error.hint


def test_the_error_text_has_message_position_caret_and_hint() -> None:
    """str(error) is complete: message with line/column, the offending line, a caret, the hint."""
    with pytest.raises(JqlError) as caught:
        parse("project = A\nAND status == Open")
    error = caught.value
    assert error.caret == "AND status == Open\n            ^"
    assert str(error) == (
        "JQL has no '==' operator (line 2, column 13)\n"
        "AND status == Open\n"
        "            ^\n"
        "Hint: Use a single '=': status = Done."
    )


def test_the_caret_keeps_tabs_aligned() -> None:
    """A tab before the error is kept in the caret line so the ^ stays under the character."""
    with pytest.raises(JqlError) as caught:
        parse("\tstatus == Open")
    assert caught.value.caret.splitlines()[1] == "\t        ^"


def test_a_scope_error_is_a_jql_error_with_names() -> None:
    """ScopeError subclasses JqlError and carries the refused projects and keys."""
    error = ScopeError("refused", projects=("X",), keys=("X-1",), hint="use A")
    assert isinstance(error, JqlError)
    assert (error.projects, error.keys) == (("X",), ("X-1",))
    assert str(error) == "refused\nHint: use A"
