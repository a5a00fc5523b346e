"""Property: Markdown -> ADF -> Markdown -> ADF gives the same ADF as the first conversion."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.adf import adf_to_markdown, markdown_to_adf, validate_adf
from tests.markdown_grammar import Grammar

# Words carry the punctuation Markdown gives meaning to at a line start or as a tag or entity;
# the delimiters of emphasis, code and links are what the grammar itself adds around words.
_WORD = st.text(alphabet="abcXYZ019_.,:;!?()#&<>-+=|\\'\"/@", min_size=1, max_size=8)
_GRAMMAR = Grammar(_WORD)
_DOCUMENT = _GRAMMAR.documents()


@settings(max_examples=400, deadline=None)
@given(_DOCUMENT)
def test_markdown_survives_a_round_trip_through_adf(markdown: str) -> None:
    """Re-reading the Markdown written for a document yields that same document."""
    document = markdown_to_adf(markdown)
    assert markdown_to_adf(adf_to_markdown(document)) == document


# Emphasis nested in strong emphasis where a delimiter run like `***` met punctuation, and
# emphasis and strong emphasis crossing where a blank keeps only the strong: both once read back
# with the marks regrouped (found by the property test above).
NESTED_EMPHASIS = ["# **_0_ :_: 0_**", "*0\n**0****0* *0* 0****0**0"]


@pytest.mark.parametrize("markdown", NESTED_EMPHASIS)
def test_nested_emphasis_next_to_punctuation_survives_a_round_trip(markdown: str) -> None:
    """Strong emphasis holding emphasis that meets punctuation reads back the same."""
    document = markdown_to_adf(markdown)
    assert markdown_to_adf(adf_to_markdown(document)) == document


@settings(max_examples=200, deadline=None)
@given(_DOCUMENT)
def test_generated_documents_are_valid_adf(markdown: str) -> None:
    """Every document converted from the supported Markdown passes the validator."""
    assert validate_adf(markdown_to_adf(markdown)) == []


_LITERAL = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=400, deadline=None)
@given(_LITERAL)
def test_any_plain_text_is_escaped_so_it_reads_back_unchanged(value: str) -> None:
    """Text full of Markdown syntax is escaped, so Jira text reads back as the same characters."""
    document = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": value}]}],
    }
    assert markdown_to_adf(adf_to_markdown(document)) == document
