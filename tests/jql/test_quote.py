"""quote(): always double-quoted, backslash first, control characters escaped, NUL refused."""

from __future__ import annotations

import unicodedata

import pytest

from server.jql import And, FieldName, JqlError, Operator, Terminal, Value, parse, quote


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("", '""'),
        ("Open", '"Open"'),
        ("In Progress", '"In Progress"'),
        ("it's", '"it\'s"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\", '"back\\\\"'),
        (
            'x\\" OR project = SECRET OR summary ~ x\\',
            '"x\\\\\\" OR project = SECRET OR summary ~ x\\\\"',
        ),
        ("a\nb\rc\td", '"a\\nb\\rc\\td"'),
        ("bell\x07", '"bell\\u0007"'),
        ("nbsp\u00a0zw\u200bbidi\u202e", '"nbsp\\u00a0zw\\u200bbidi\\u202e"'),
        ("EMPTY", '"EMPTY"'),
        ("currentUser()", '"currentUser()"'),
        ("ABC ORDER BY created", '"ABC ORDER BY created"'),
        ("ünïcödé ✓ \U0001f600", '"ünïcödé ✓ \U0001f600"'),
    ],
)
def test_values_are_quoted_and_escaped(value: str, quoted: str) -> None:
    """Values come out double-quoted with backslashes, quotes and controls escaped."""
    assert quote(value) == quoted


@pytest.mark.parametrize(
    "value",
    [
        'x" OR project = SECRET OR summary ~ "',
        'x\\" OR project = SECRET OR summary ~ x\\',
        "ABC OR project = SECRET",
        "a) OR (project = SECRET",
        "\\",
        '\\\\"',
        "line\nORDER BY key",
    ],
)
def test_injection_attempts_stay_one_value(value: str) -> None:
    """A quoted hostile value parses back as exactly one value of one clause."""
    query = parse(f"summary ~ {quote(value)} AND project = A")
    assert query.where == And(
        (
            Terminal(FieldName("summary"), Operator.LIKE, Value(value)),
            Terminal(FieldName("project"), Operator.EQUALS, Value("A")),
        )
    )


def test_nul_is_refused() -> None:
    """A NUL character cannot be quoted; the error names its position."""
    with pytest.raises(JqlError) as caught:
        quote("ab\x00c")
    assert caught.value.column == 3


def test_non_text_is_refused() -> None:
    """quote() refuses anything that is not a string instead of converting it silently."""
    with pytest.raises(JqlError):
        quote(42)  # type: ignore[arg-type]  # the wrong type is what is being tested


def test_every_invisible_bmp_character_is_escaped() -> None:
    """Format, separator and control characters of the BMP never appear raw in the output."""
    invisible = [
        chr(code)
        for code in range(1, 0x10000)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        or (unicodedata.category(chr(code)) == "Zs" and code > 0x20)
    ]
    for ch in invisible:
        assert quote(ch) == f'"\\u{ord(ch):04x}"' or quote(ch) in ('"\\n"', '"\\r"', '"\\t"')
