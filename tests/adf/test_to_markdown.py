"""ADF -> compact Markdown, tolerant of everything Jira may send."""

from typing import Any

import pytest

from server.adf import adf_to_markdown, markdown_to_adf


def _doc(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": list(content)}


def _para(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def test_common_constructs_read_like_hand_written_markdown() -> None:
    """Headings, marks, lists, code and tables come out as familiar compact Markdown."""
    markdown = (
        "## Plan\n\n"
        "Fix **now**, not *later*; see [docs](https://e.com) and `cfg.yml`.\n\n"
        "- one\n  1. inner\n- two\n\n"
        "```sql\nselect 1\n```\n\n"
        "| a | b |\n| --- | --- |\n| 1 | 2 |"
    )
    assert adf_to_markdown(markdown_to_adf(markdown)) == markdown


def test_mention_emoji_card_and_date() -> None:
    """Mentions show @name, emoji their character, cards their URL, dates YYYY-MM-DD."""
    doc = _doc(
        _para(
            {"type": "mention", "attrs": {"id": "1", "text": "@Mia Krystof"}},
            {"type": "text", "text": " "},
            {"type": "mention", "attrs": {"id": "2", "text": "Emma"}},
            {"type": "text", "text": " "},
            {"type": "emoji", "attrs": {"shortName": ":tada:", "text": "🎉"}},
            {"type": "emoji", "attrs": {"shortName": ":party:"}},
            {"type": "text", "text": " "},
            {"type": "inlineCard", "attrs": {"url": "https://e.atlassian.net/browse/P-1"}},
            {"type": "text", "text": " due "},
            {"type": "date", "attrs": {"timestamp": "1764547200000"}},
        )
    )
    assert adf_to_markdown(doc) == (
        "@Mia Krystof @Emma 🎉:party: <https://e.atlassian.net/browse/P-1> due 2025-12-01"
    )


def test_panel_reads_as_a_quote_and_media_as_attachment() -> None:
    """A panel becomes a quote; an embedded file becomes `[attachment]`."""
    doc = _doc(
        {"type": "panel", "attrs": {"panelType": "info"}, "content": [_para(
            {"type": "text", "text": "Heads up"})]},
        {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "x"}}]},
    )  # fmt: skip
    assert adf_to_markdown(doc) == "> Heads up\n\n[attachment]"


def test_unknown_nodes_show_their_text() -> None:
    """A node type this server does not know still shows the text inside it."""
    doc = _doc({"type": "futureWidget", "content": [_para({"type": "text", "text": "kept"})]})
    assert adf_to_markdown(doc) == "kept"


def test_task_list_shows_check_boxes() -> None:
    """Action items show as a checklist with their state."""
    doc = _doc({"type": "taskList", "content": [
        {"type": "taskItem", "attrs": {"state": "DONE"}, "content": [
            {"type": "text", "text": "ship"}]},
        {"type": "taskItem", "attrs": {"state": "TODO"}, "content": [
            {"type": "text", "text": "tell"}]},
    ]})  # fmt: skip
    assert adf_to_markdown(doc) == "- [x] ship\n- [ ] tell"


@pytest.mark.parametrize(
    "malformed",
    [
        None,
        "text",
        42,
        [],
        {},
        {"type": "doc"},
        {"type": "doc", "content": "nope"},
        {"type": "doc", "content": [None, 3, {"no": "type"}, {"type": "paragraph", "content": 5}]},
        {"type": "doc", "content": [{"type": "text", "text": None, "marks": "bold"}]},
        {"type": "doc", "content": [{"type": "heading", "attrs": {"level": "x"}}]},
        {"type": "doc", "content": [{"type": "orderedList", "attrs": {"order": "x"}}]},
        {"type": "doc", "content": [{"type": "date", "attrs": {"timestamp": "soon"}}]},
    ],
)
def test_malformed_input_never_raises(malformed: object) -> None:
    """Whatever Jira or a plugin sends, the converter returns a string."""
    assert isinstance(adf_to_markdown(malformed), str)


def test_limit_cuts_with_an_explicit_marker() -> None:
    """With a limit, long text is cut at a word and says how much was left out."""
    doc = markdown_to_adf("word " * 100)
    result = adf_to_markdown(doc, limit=40)
    assert result.startswith("word word")
    assert result.endswith("chars]")
    assert "…[+" in result
    assert adf_to_markdown(doc, limit=10_000) == adf_to_markdown(doc)


def test_text_with_markdown_syntax_is_escaped() -> None:
    """Literal asterisks, brackets and list-like starts are escaped, snake_case is not."""
    doc = _doc(_para({"type": "text", "text": "1. use *args [x] in my_func <br>"}))
    assert adf_to_markdown(doc) == "1\\. use \\*args \\[x\\] in my_func \\<br>"


def test_adjacent_lists_stay_separate() -> None:
    """Two lists in a row get different markers so they do not merge when read back."""
    markdown = "- a\n\n* b"
    assert adf_to_markdown(markdown_to_adf(markdown)) == markdown
