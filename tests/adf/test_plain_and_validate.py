"""Plain text extraction and the ADF validator."""

from typing import Any

from server.adf import adf_text, markdown_to_adf, validate_adf


def _doc(*content: Any) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": list(content)}


def test_adf_text_gives_the_words_one_block_per_line() -> None:
    """Plain text drops all syntax and puts each block on its own line."""
    doc = markdown_to_adf("# Title\n\nSome **bold** `code`\n\n- item\n\n```\nx = 1\n```")
    assert adf_text(doc) == "Title\nSome bold code\nitem\nx = 1"


def test_adf_text_of_mentions_and_junk() -> None:
    """Mentions count as their name; malformed input gives an empty string."""
    mention = {"type": "mention", "attrs": {"text": "@Mia"}}
    assert adf_text(_doc({"type": "paragraph", "content": [mention]})) == "@Mia"
    assert adf_text(None) == ""
    assert adf_text({"content": 7}) == ""


def test_valid_document_has_no_problems() -> None:
    """A converted document passes validation."""
    assert validate_adf(markdown_to_adf("# a\n\n- b\n\n| c |\n|---|\n| d |")) == []


def test_missing_type_and_version_are_reported() -> None:
    """The root must say it is a version 1 doc."""
    problems = validate_adf({"content": []})
    assert any('"type"' in problem for problem in problems)
    assert any('"version"' in problem for problem in problems)
    assert validate_adf("x") == ["document: expected an object, got str"]


def test_unknown_node_and_empty_text_are_reported_with_their_place() -> None:
    """Each problem names the path of the node at fault."""
    doc = _doc(
        {"type": "paragraph", "content": [{"type": "text", "text": ""}]},
        {"type": "sparkle"},
    )
    assert validate_adf(doc) == [
        "content[0].content[0]: text nodes must have non-empty text",
        "content[1]: unknown node type 'sparkle'",
    ]


def test_bad_marks_are_reported() -> None:
    """Unknown marks, code with bold, and links without href are all caught."""
    text = {
        "type": "text",
        "text": "x",
        "marks": [{"type": "code"}, {"type": "strong"}, {"type": "glow"}, {"type": "link"}],
    }
    problems = validate_adf(_doc({"type": "paragraph", "content": [text]}))
    assert any("unknown mark 'glow'" in problem for problem in problems)
    assert any("code mark combines only with link" in problem for problem in problems)
    assert any("link mark needs attrs.href" in problem for problem in problems)


def test_misplaced_nodes_are_reported() -> None:
    """Text directly in the doc, or a list item not opening with a paragraph, is refused."""
    loose_text = {"type": "text", "text": "x"}
    bad_item = {"type": "bulletList", "content": [{"type": "listItem", "content": [
        {"type": "bulletList", "content": []}]}]}  # fmt: skip
    problems = validate_adf(_doc(loose_text, bad_item))
    assert any("must be inside a paragraph" in problem for problem in problems)
    assert any("must start with a paragraph" in problem for problem in problems)
    assert any("bulletList cannot be empty" in problem for problem in problems)


def test_heading_level_out_of_range_is_reported() -> None:
    """Heading levels must be 1 to 6."""
    doc = _doc({"type": "heading", "attrs": {"level": 7}, "content": []})
    assert validate_adf(doc) == ["content[0]: heading needs attrs.level between 1 and 6"]
