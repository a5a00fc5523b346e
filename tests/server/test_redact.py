"""The redactor finds a secret in every form that reveals it, and leaves other text alone."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.redact import MIN_FRAGMENT, REDACTED, Redactor, secret_forms

EMAIL = "ada@example.com"
TOKEN = "ATATT3xFfGF0_-Zq8mW2rK9pL/x4vB7+nC1dE5hJ6tY0uI3oP=A1B2C3D4"  # a test value
BASIC = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
REDACTOR = Redactor(secret_forms([TOKEN], EMAIL))


def _hidden(text: str, secret: str) -> bool:
    """No run of MIN_FRAGMENT characters of ``secret`` is in ``text``."""
    size = MIN_FRAGMENT
    return all(secret[i : i + size] not in text for i in range(len(secret) - size + 1))


@pytest.mark.parametrize(
    "form",
    [
        TOKEN,
        quote(TOKEN),
        quote(TOKEN, safe=""),
        quote_plus(TOKEN),
        re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(TOKEN, safe="")),
        BASIC,
        BASIC.rstrip("="),
        quote(BASIC, safe=""),
        base64.urlsafe_b64encode(f"{EMAIL}:{TOKEN}".encode()).decode(),
    ],
)
def test_every_encoding_is_replaced_whole(form: str) -> None:
    """The raw token, its URL encodings and the Basic base64 are each replaced by one marker."""
    assert REDACTOR.scrub_text(f"before {form} after") == f"before {REDACTED} after"


@pytest.mark.parametrize(
    ("start", "end"), [(0, 12), (0, 20), (17, 40), (len(TOKEN) - 12, len(TOKEN))]
)
def test_a_cut_piece_of_twelve_or_more_is_replaced(start: int, end: int) -> None:
    """Any piece of 12 or more characters of the token, as a cut leaves it, is replaced."""
    piece = TOKEN[start:end]
    assert REDACTOR.scrub_text(f"cut: {piece}…[+40 chars]") == f"cut: {REDACTED}…[+40 chars]"


def test_a_cut_piece_of_the_basic_header_is_replaced() -> None:
    """The start of the Basic base64, cut 20 characters in, is replaced."""
    assert REDACTOR.scrub_text(f"Authorization: Basic {BASIC[:20]}") == (
        f"Authorization: Basic {REDACTED}"
    )


def test_eleven_characters_are_left_alone() -> None:
    """A piece shorter than 12 characters is not treated as the secret."""
    text = f"see {TOKEN[:11]} here"
    assert REDACTOR.scrub_text(text) == text


@pytest.mark.parametrize(
    "shown",
    [
        TOKEN[:20] + " " + TOKEN[20:],
        TOKEN[:20] + "\n  " + TOKEN[20:],
        TOKEN.replace("_", "\\_"),
        "".join(f"\\{ch}" if ch in "_+/=" else ch for ch in TOKEN),
        TOKEN[:30] + "\u200b" + TOKEN[30:],
    ],
)
def test_split_or_escaped_token_is_replaced_with_what_splits_it(shown: str) -> None:
    """A token split by spaces, a line break or a zero-width space, or Markdown-escaped,
    is replaced whole, the separators inside it too."""
    assert REDACTOR.scrub_text(f"key: {shown}.") == f"key: {REDACTED}."


def test_text_without_secrets_is_unchanged() -> None:
    """Ordinary text, with long words and base64 of other things, comes back as it was."""
    text = (
        "Deploy internationalization-configuration to production \\_now\\_; "
        + base64.b64encode(b"someone@elsewhere.org:another-token-value").decode()
    ) * 50
    assert REDACTOR.scrub_text(text) == text


def test_many_occurrences_in_a_long_text() -> None:
    """Every one of many occurrences in a long text is replaced, cut or whole."""
    text = " ".join(f"line {i}: {TOKEN[i % 20 :]} {BASIC[: 12 + i % 30]}" for i in range(2000))
    scrubbed = REDACTOR.scrub_text(text)
    assert _hidden(scrubbed, TOKEN)
    assert _hidden(scrubbed, BASIC)
    assert all(f"line {i}: " in scrubbed for i in range(2000))


def test_short_secret_is_replaced_whole() -> None:
    """A secret shorter than 12 characters is still replaced where it appears whole."""
    redactor = Redactor(secret_forms(["s3cr3t-x"]))
    assert redactor.scrub_text("pass s3cr3t-x now") == f"pass {REDACTED} now"


def test_structured_values_are_walked_and_clean_ones_kept() -> None:
    """Strings inside dicts and lists are scrubbed; a clean value is returned as it was."""
    value = {"issues": [{"summary": f"has {TOKEN[5:30]}", "n": 3}], "token_name": "x"}
    assert REDACTOR.scrub_value(value) == {
        "issues": [{"summary": f"has {REDACTED}", "n": 3}],
        "token_name": "x",
    }
    clean = {"issues": [{"summary": "nothing here", "n": 3}]}
    assert REDACTOR.scrub_value(clean) is clean


def test_no_secrets_means_no_work() -> None:
    """Without secrets the redactor returns the text itself."""
    text = TOKEN * 3
    assert Redactor([]).scrub_text(text) is text


@given(
    around=st.tuples(st.text(max_size=40), st.text(max_size=40)),
    start=st.integers(0, len(TOKEN) - MIN_FRAGMENT),
    size=st.integers(MIN_FRAGMENT, len(TOKEN)),
    cuts=st.lists(st.integers(1, len(TOKEN) - 1), max_size=3),
    separator=st.sampled_from([" ", "\n", "\\", "\t", " \\"]),
)
def test_any_piece_split_anywhere_is_hidden(
    around: tuple[str, str], start: int, size: int, cuts: list[int], separator: str
) -> None:
    """Any piece of 12+ characters, split at random places, leaves no 12-character run."""
    piece = TOKEN[start : start + size]
    for cut in sorted(set(cuts), reverse=True):
        piece = piece[:cut] + separator + piece[cut:]
    scrubbed = REDACTOR.scrub_text(around[0] + piece + around[1])
    plain = scrubbed.replace(" ", "").replace("\n", "").replace("\\", "").replace("\t", "")
    assert _hidden(plain, TOKEN)


def test_secret_after_non_ascii_text_is_found_in_place() -> None:
    """Text in other scripts before and around the secret does not shift what is replaced."""
    text = f"Grüße; 日本語 {TOKEN[:25]} ün {TOKEN[25:]}; done"
    assert REDACTOR.scrub_text(text) == f"Grüße; 日本語 {REDACTED} ün {REDACTED}; done"


def test_text_of_only_separators_is_unchanged() -> None:
    """A text of spaces and backslashes only is returned as it was."""
    text = " \\ \n" * 10
    assert REDACTOR.scrub_text(text) == text


def test_every_unicode_space_is_a_separator() -> None:
    """A token split by any character Python counts as whitespace is still found."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    for space in spaces:
        text = f"x {TOKEN[:9]}{space}{TOKEN[9:17]} y"
        assert REDACTOR.scrub_text(text) == f"x {REDACTED} y", repr(space)
