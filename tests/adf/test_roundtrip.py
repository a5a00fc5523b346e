"""Property: Markdown -> ADF -> Markdown -> ADF gives the same ADF as the first conversion."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.adf import adf_to_markdown, markdown_to_adf, validate_adf
from server.adf.canonical import canonical_inline
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


def _at_level(node: Any, level: int) -> Any:
    """The document with every heading moved to `level`."""
    if isinstance(node, list):
        return [_at_level(child, level) for child in node]
    if not isinstance(node, dict):
        return node
    result = {key: _at_level(value, level) for key, value in node.items()}
    if result.get("type") == "heading":
        result["attrs"] = {"level": level}
    return result


def _as_markdown_keeps_it(node: Any) -> Any:
    """What Markdown keeps of a document: everything, except that a line break in a heading of
    level 3 to 6 (which has no setext form) reads back as a space."""
    if isinstance(node, list):
        return [_as_markdown_keeps_it(child) for child in node]
    if not isinstance(node, dict):
        return node
    result = {key: _as_markdown_keeps_it(value) for key, value in node.items()}
    if result.get("type") == "heading" and result["attrs"]["level"] >= 3:
        spaced: list[dict[str, object]] = [
            {"type": "text", "text": " "} if child["type"] == "hardBreak" else child
            for child in result["content"]
        ]
        result["content"] = canonical_inline(spaced)
    return result


@settings(max_examples=200, deadline=None)
@given(_DOCUMENT, st.integers(1, 6))
def test_headings_keep_their_line_breaks_where_markdown_can(markdown: str, level: int) -> None:
    """Headings at every level read back the same, their line breaks kept at levels 1 and 2."""
    document = _at_level(markdown_to_adf(markdown), level)
    assert markdown_to_adf(adf_to_markdown(document)) == _as_markdown_keeps_it(document)


def _heading(level: int, *content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": [
        {"type": "heading", "attrs": {"level": level}, "content": list(content)}]}  # fmt: skip


_BROKEN = ({"type": "text", "text": "0"}, {"type": "hardBreak"}, {"type": "text", "text": "0\\"})


def test_a_line_break_in_a_level_one_heading_is_kept_in_setext_form() -> None:
    """A level 1 heading holding a line break is written underlined, and keeps the break."""
    markdown = adf_to_markdown(_heading(1, *_BROKEN))
    assert markdown == "0\\\n0\\\\\n==="
    assert markdown_to_adf(markdown) == _heading(1, *_BROKEN)


def test_a_line_break_in_a_level_two_heading_is_kept_in_setext_form() -> None:
    """A level 2 heading holding a line break is underlined with dashes, lines escaped."""
    lines = ({"type": "text", "text": "- a"}, {"type": "hardBreak"}, {"type": "text", "text": "="})
    markdown = adf_to_markdown(_heading(2, *lines))
    assert markdown == "\\- a\\\n\\=\n---"
    assert markdown_to_adf(markdown) == _heading(2, *lines)


@pytest.mark.parametrize("level", [3, 4, 5, 6])
def test_a_line_break_in_a_deeper_heading_becomes_a_space(level: int) -> None:
    """Levels 3 to 6 are one line in Markdown: the text and level stay, the break is a space."""
    markdown = adf_to_markdown(_heading(level, *_BROKEN))
    assert markdown == "#" * level + " 0 0\\\\"
    assert markdown_to_adf(markdown) == _heading(level, {"type": "text", "text": "0 0\\"})
