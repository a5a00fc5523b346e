"""The lexer: token kinds, positions, strings, escapes, numbers, keywords and reserved words."""

from __future__ import annotations

import pytest

from server.jql import JqlError
from server.jql import tokens as t
from server.jql.lexer import tokenize


def kinds(text: str) -> list[str]:
    return [token.kind for token in tokenize(text)][:-1]


def texts(text: str) -> list[str]:
    return [token.text for token in tokenize(text)][:-1]


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("a=b", [t.STRING, t.EQ, t.STRING]),
        ("a!=b", [t.STRING, t.NE, t.STRING]),
        ("a<=1", [t.STRING, t.LE, t.NUMBER]),
        ("a>=1", [t.STRING, t.GE, t.NUMBER]),
        ("a<1", [t.STRING, t.LT, t.NUMBER]),
        ("a>1", [t.STRING, t.GT, t.NUMBER]),
        ("a~b", [t.STRING, t.LIKE, t.STRING]),
        ("a!~b", [t.STRING, t.NOT_LIKE, t.STRING]),
        ("a&b", [t.STRING, t.AND, t.STRING]),
        ("a&&b", [t.STRING, t.AND, t.STRING]),
        ("a|b", [t.STRING, t.OR, t.STRING]),
        ("a||b", [t.STRING, t.OR, t.STRING]),
        ("!a", [t.NOT, t.STRING]),
        ("&&&", [t.AND, t.AND]),
        ("(a,b)", [t.LPAREN, t.STRING, t.COMMA, t.STRING, t.RPAREN]),
        ("cf[10010]", [t.CF, t.LBRACKET, t.NUMBER, t.RBRACKET]),
        ("cf [ 10010 ]", [t.CF, t.LBRACKET, t.NUMBER, t.RBRACKET]),
        ("CF[1]", [t.CF, t.LBRACKET, t.NUMBER, t.RBRACKET]),
        ('x="a"AND', [t.STRING, t.EQ, t.QUOTED, t.AND]),
    ],
)
def test_operators_and_punctuation_need_no_spaces(jql: str, expected: list[str]) -> None:
    """Operators, &&, ||, ! and brackets split tokens without any whitespace."""
    assert kinds(jql) == expected


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("and", t.AND), ("AnD", t.AND), ("OR", t.OR), ("not", t.NOT), ("in", t.IN), ("is", t.IS),
        ("was", t.WAS), ("changed", t.CHANGED), ("empty", t.EMPTY), ("NULL", t.EMPTY),
        ("after", t.AFTER), ("before", t.BEFORE), ("during", t.DURING), ("on", t.ON),
        ("by", t.BY), ("from", t.FROM), ("to", t.TO), ("order", t.ORDER), ("asc", t.ASC),
        ("DESC", t.DESC), ("cf", t.CF),
        ("android", t.STRING), ("ornament", t.STRING), ("notable", t.STRING),
        ("in-progress", t.STRING), ("to-do", t.STRING), ("is_empty", t.STRING),
        ("wasabi", t.STRING), ("cfo", t.STRING), ("ORDERBY", t.STRING), ("is:open", t.STRING),
        ("IS_NOT", t.STRING), ("cf10010", t.STRING), ("customfield_10010", t.STRING),
    ],
)  # fmt: skip
def test_keywords_are_case_insensitive_whole_tokens(word: str, kind: str) -> None:
    """A keyword is recognised in any case, but only as a whole token."""
    assert kinds(word) == [kind]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("123", t.NUMBER), ("-5", t.NUMBER), ("007", t.NUMBER),
        ("1.0", t.STRING), ("1e3", t.STRING), ("-1d", t.STRING), ("--5", t.STRING),
        ("2024-01-01", t.STRING), ("ABC-123", t.STRING), ("123abc", t.STRING), ("-", t.STRING),
    ],
)  # fmt: skip
def test_numbers_are_only_optional_minus_and_digits(text: str, kind: str) -> None:
    """Only -?[0-9]+ is a number; anything longer is an unquoted string."""
    assert kinds(text) == [kind]


@pytest.mark.parametrize(
    ("jql", "value"),
    [
        ('"it\'s"', "it's"),
        ("'say \"hi\"'", 'say "hi"'),
        (r'"a\"b"', 'a"b'),
        (r"'a\'b'", "a'b"),
        (r'"tab\there"', "tab\there"),
        (r'"\n\r"', "\n\r"),
        (r'"back\\slash"', "back\\slash"),
        (r'"\ "', " "),
        (r'"\u0041\u00e9"', "Aé"),
        (r'"\uD83D\uDE00"', "\U0001f600"),
        ('"line\nbreak"', "line\nbreak"),
        (r"In\ Progress", "In Progress"),
        (r"a\"b", 'a"b'),
        ("“smart”", "“smart”"),
        ("\u2018ABC\u2019", "\u2018ABC\u2019"),
        ("Open.", "Open."),
        (":project", ":project"),
        ("a\u00a0b\u200bc\u3000", "a\u00a0b\u200bc\u3000"),
    ],
)
def test_strings_decode_their_escapes(jql: str, value: str) -> None:
    """Quoted and unquoted strings decode exactly JQL's escapes into one token."""
    assert texts(jql) == [value]


@pytest.mark.parametrize(
    ("jql", "column", "hint_part"),
    [
        (r'x = "\["', 6, "\\\\"),
        (r'x = "\/"', 6, "\\\\"),
        (r'x = "\d"', 6, "\\\\"),
        (r'x = "\U0041"', 6, "\\uXXXX"),
        (r'x = "\x41"', 6, "\\uXXXX"),
        (r'x = "\u004"', 6, "\\uXXXX"),
        ("x = a\\", 6, "\\\\"),
        (r"x = a\*", 6, "\\\\"),
        ('x = "a\tb"', 7, "\\t"),
        ('x = "a\x00b"', 7, "escape"),
        ('x = "open', 5, "Close the string"),
        ("x = 'open", 5, "Close the string"),
        ("x = a+b", 6, "quotes"),
        ("x = a*", 6, "quotes"),
        ("x = {a}", 5, "quotes"),
        ("endOfWeek(+1)", 11, "+1d"),
        ("x = a\x01", 6, "Remove it"),
    ],
)
def test_bad_characters_and_escapes_are_errors(jql: str, column: int, hint_part: str) -> None:
    """Invalid escapes, raw tabs or NULs in quotes, unclosed quotes and reserved characters fail."""
    with pytest.raises(JqlError) as caught:
        tokenize(jql)
    assert caught.value.column == column
    assert hint_part in (caught.value.hint or "")


@pytest.mark.parametrize(
    "word", ["user", "date", "field", "start", "do", "select", "Limit", "LIKE", "all", "isnull"]
)
def test_reserved_words_are_refused_unquoted(word: str) -> None:
    """An unquoted reserved word is an error whose hint tells how to quote it."""
    with pytest.raises(JqlError) as caught:
        tokenize(f"labels = {word}")
    assert caught.value.column == 10
    assert "reserved" in caught.value.message


@pytest.mark.parametrize("word", ['"user"', "'date'", "users", "selected", '"select"'])
def test_quoted_or_longer_reserved_words_are_plain_strings(word: str) -> None:
    """Quoting a reserved word, or a longer word containing one, makes it an ordinary value."""
    assert kinds(f"labels = {word}")[-1] in (t.STRING, t.QUOTED)


def test_every_token_has_its_line_and_column() -> None:
    """Tokens on later lines report the 1-based line and column where they start."""
    tokens = tokenize('project = A\n  AND "x y"\n~ b')
    positions = [(token.text, token.line, token.column) for token in tokens[:-1]]
    assert positions == [
        ("project", 1, 1), ("=", 1, 9), ("A", 1, 11), ("AND", 2, 3), ("x y", 2, 7),
        ("~", 3, 1), ("b", 3, 3),
    ]  # fmt: skip


def test_an_error_on_a_later_line_points_there() -> None:
    """A lexer error on line 3 names line 3 and the column within it."""
    with pytest.raises(JqlError) as caught:
        tokenize('a = 1\nAND\n  b = "x\\q"')
    assert (caught.value.line, caught.value.column) == (3, 9)


def test_an_overlong_query_is_refused() -> None:
    """A query beyond the length cap fails with a clear message instead of being processed."""
    with pytest.raises(JqlError, match="limit"):
        tokenize("a" * 300_000)


def test_numbers_beyond_a_java_long_are_refused() -> None:
    """Jira reads numbers as longs, so 9223372036854775808 is an error."""
    assert kinds("9223372036854775807") == [t.NUMBER]
    with pytest.raises(JqlError, match="too large"):
        tokenize("votes = 9223372036854775808")
