"""Property tests: rendering is exact, and parse() only ever raises JqlError."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server.jql import FieldName, JqlError, Operator, Query, Terminal, Value, parse, quote, render
from tests.jql.strategies import queries, texts


@settings(max_examples=400)
@given(queries)
def test_parse_of_render_gives_the_same_tree(query: Query) -> None:
    """Every syntax tree survives render -> parse unchanged."""
    assert parse(render(query)) == query


@given(queries)
def test_render_is_stable(query: Query) -> None:
    """Rendering a re-parsed query gives the same text again (the output is canonical)."""
    text = render(query)
    assert render(parse(text)) == text


@given(texts)
def test_a_quoted_value_reads_back_exactly(value: str) -> None:
    """quote() output parses as one value equal to the input, whatever it contains."""
    query = parse(f"summary ~ {quote(value)}")
    assert query.where == Terminal(FieldName("summary"), Operator.LIKE, Value(value))


_JQL_PIECES = st.sampled_from(
    ["(", ")", '"', "'", "\\", "\\u", "=", "!", "!=", "~", "|", "||", "&", "IN", "NOT", "IS",
     "EMPTY", "WAS", "CHANGED", "AFTER", "ORDER", "BY", "cf", "[", "]", "1", "-1", ",", "a", " ",
     "\n", "\t", "“", "user", "f()", "ASC", "\x00", "\u2028"]
)  # fmt: skip


@settings(max_examples=500)
@given(st.one_of(st.text(), st.lists(_JQL_PIECES, max_size=30).map("".join)))
def test_parse_raises_only_jql_errors(text: str) -> None:
    """Arbitrary text either parses or raises JqlError with a position, never anything else."""
    try:
        parse(text)
    except JqlError as error:
        caught = error
    else:
        return
    assert caught.line >= 1
    assert caught.column >= 1
    assert caught.message in str(caught)
