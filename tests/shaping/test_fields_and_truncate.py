"""select_fields and truncate."""

import pytest

from server.shaping import DEFAULT_FIELDS, ShapingError, select_fields, truncate


def test_no_fields_means_the_defaults() -> None:
    """Without a request the default fields are used."""
    assert select_fields(None, default=DEFAULT_FIELDS, max_fields=20) == DEFAULT_FIELDS
    assert select_fields([], default=DEFAULT_FIELDS, max_fields=20) == DEFAULT_FIELDS


def test_duplicates_are_dropped_case_insensitively() -> None:
    """Repeats differing only in case count once, in first-seen spelling and order."""
    requested = ["Summary", "status", "summary", " STATUS ", "key", "description"]
    selected = select_fields(requested, default=DEFAULT_FIELDS, max_fields=5)
    assert selected == ("Summary", "status", "description")


@pytest.mark.parametrize("everything", ["*all", "*navigable", "-comment"])
def test_all_fields_is_refused_with_advice(everything: str) -> None:
    """`*all` and friends are refused with text telling the model to name the fields."""
    with pytest.raises(ShapingError, match="Name the fields you need"):
        select_fields(["summary", everything], default=DEFAULT_FIELDS, max_fields=20)


def test_too_many_fields_names_the_cap() -> None:
    """Asking for more than the cap fails and says what the cap is."""
    with pytest.raises(ShapingError, match="the limit is 3 per request"):
        select_fields(["a", "b", "c", "d"], default=DEFAULT_FIELDS, max_fields=3)


def test_shaping_error_is_a_value_error() -> None:
    """Callers that catch ValueError also catch field selection errors."""
    assert issubclass(ShapingError, ValueError)


def test_short_text_is_unchanged() -> None:
    """Text within the limit comes back exactly."""
    assert truncate("short text", 10) == "short text"


def test_long_text_is_cut_at_a_word_with_marker_and_hint() -> None:
    """Cut text ends at a word boundary and says how many characters are missing and why."""
    text = "alpha beta gamma delta epsilon"
    assert truncate(text, 18, hint="ask for more") == "alpha beta gamma …[+14 chars; ask for more]"


def test_text_without_spaces_is_cut_at_the_limit() -> None:
    """A long token with no spaces is cut exactly at the limit."""
    assert truncate("x" * 30, 10) == "x" * 10 + " …[+20 chars]"
