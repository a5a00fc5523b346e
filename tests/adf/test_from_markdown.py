"""Markdown -> ADF: each supported construct becomes the ADF node Jira expects."""

from typing import Any

from server.adf import markdown_to_adf, validate_adf


def _content(markdown: str) -> list[Any]:
    document = markdown_to_adf(markdown)
    assert validate_adf(document) == []
    content = document["content"]
    assert isinstance(content, list)
    return content


def _text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def _para(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def test_empty_input_gives_an_empty_document() -> None:
    """Empty Markdown is a valid document with no content, as Jira accepts."""
    assert markdown_to_adf("") == {"type": "doc", "version": 1, "content": []}
    assert markdown_to_adf("  \n\n ") == {"type": "doc", "version": 1, "content": []}


def test_headings_keep_their_level() -> None:
    """`#` to `######` become headings of level 1 to 6."""
    content = _content("# One\n\n###### Six")
    assert content == [
        {"type": "heading", "attrs": {"level": 1}, "content": [_text("One")]},
        {"type": "heading", "attrs": {"level": 6}, "content": [_text("Six")]},
    ]


def test_inline_marks() -> None:
    """Bold, italic, strike, inline code and links become marks on text nodes."""
    content = _content("**b** *i* ~~s~~ `c` [l](https://example.com)")
    assert content == [
        _para(
            _text("b", {"type": "strong"}),
            _text(" "),
            _text("i", {"type": "em"}),
            _text(" "),
            _text("s", {"type": "strike"}),
            _text(" "),
            _text("c", {"type": "code"}),
            _text(" "),
            _text("l", {"type": "link", "attrs": {"href": "https://example.com"}}),
        )
    ]


def test_code_mark_only_combines_with_link() -> None:
    """Inline code inside bold drops the bold, since ADF forbids code with other marks."""
    content = _content("**a `x`** [`y`](https://e.com)")
    link = {"type": "link", "attrs": {"href": "https://e.com"}}
    assert content == [
        _para(
            _text("a", {"type": "strong"}),
            _text(" "),
            _text("x", {"type": "code"}),
            _text(" "),
            _text("y", link, {"type": "code"}),
        )
    ]


def test_nested_emphasis_gives_the_same_marks_either_way_round() -> None:
    """`***x***` and `_**x**_` produce identical, canonically ordered marks."""
    assert _content("***x***") == _content("_**x**_")


def test_hard_break_and_soft_break() -> None:
    """A backslash line end is a hardBreak; a plain line end is a space."""
    assert _content("a\\\nb\nc") == [_para(_text("a"), {"type": "hardBreak"}, _text("b c"))]


def test_nested_lists_and_ordered_start() -> None:
    """Lists nest, and an ordered list not starting at 1 keeps its start as attrs.order."""
    content = _content("3. one\n   - inner\n4. two")
    inner = {
        "type": "bulletList",
        "content": [{"type": "listItem", "content": [_para(_text("inner"))]}],
    }
    assert content == [
        {
            "type": "orderedList",
            "attrs": {"order": 3},
            "content": [
                {"type": "listItem", "content": [_para(_text("one")), inner]},
                {"type": "listItem", "content": [_para(_text("two"))]},
            ],
        }
    ]


def test_ordered_list_from_one_has_no_order_attribute() -> None:
    """A list starting at 1 is a plain orderedList."""
    assert "attrs" not in _content("1. a\n2. b")[0]


def test_list_item_starting_with_code_opens_with_a_paragraph() -> None:
    """ADF wants a paragraph first in a list item, so an empty one is put in front."""
    item = _content("- ```\n  x\n  ```")[0]["content"][0]
    assert item["content"][0] == {"type": "paragraph", "content": []}
    assert item["content"][1]["type"] == "codeBlock"


def test_code_block_keeps_language_and_text() -> None:
    """A fenced block becomes a codeBlock with its language."""
    assert _content("```python\nprint(1)\n\nx = 2\n```") == [
        {
            "type": "codeBlock",
            "attrs": {"language": "python"},
            "content": [_text("print(1)\n\nx = 2")],
        }
    ]


def test_empty_code_block_has_no_empty_text_node() -> None:
    """An empty fence gives a codeBlock without content, never an empty text node."""
    assert _content("```\n```") == [{"type": "codeBlock", "content": []}]


def test_blockquote_and_rule() -> None:
    """`>` becomes a blockquote and `---` a rule."""
    assert _content("> quoted\n\n---") == [
        {"type": "blockquote", "content": [_para(_text("quoted"))]},
        {"type": "rule"},
    ]


def test_table_has_header_and_cells_with_paragraphs() -> None:
    """A pipe table becomes table > tableRow > tableHeader/tableCell > paragraph."""
    content = _content("| A | B |\n|---|---|\n| 1 |  |")
    header = [{"type": "tableHeader", "content": [_para(_text(v))]} for v in "AB"]
    cells = [
        {"type": "tableCell", "content": [_para(_text("1"))]},
        {"type": "tableCell", "content": [_para()]},
    ]
    assert content == [
        {
            "type": "table",
            "content": [
                {"type": "tableRow", "content": header},
                {"type": "tableRow", "content": cells},
            ],
        }
    ]


def test_image_degrades_to_a_link() -> None:
    """An image cannot be uploaded from Markdown, so its alt text links to its source."""
    link = {"type": "link", "attrs": {"href": "https://e.com/a.png"}}
    assert _content("![screenshot](https://e.com/a.png)") == [_para(_text("screenshot", link))]


def test_raw_html_is_kept_as_literal_text() -> None:
    """Inline and block HTML stay as text, so nothing the model wrote disappears."""
    assert _content("a <b>x</b>") == [_para(_text("a <b>x</b>"))]
    assert _content("<div>\nhi\n</div>") == [
        _para(_text("<div>"), {"type": "hardBreak"}, _text("hi"), {"type": "hardBreak"},
              _text("</div>"))
    ]  # fmt: skip


def test_heading_inside_a_list_becomes_a_paragraph() -> None:
    """Where ADF forbids a heading its text is kept as a paragraph."""
    item = _content("- # Title")[0]["content"][0]
    assert item == {"type": "listItem", "content": [_para(_text("Title"))]}


def test_javascript_links_are_not_made_into_links() -> None:
    """markdown-it refuses unsafe URLs, so such a link stays text."""
    content = _content("[x](javascript:alert(1))")
    assert all("marks" not in node for node in content[0]["content"])
