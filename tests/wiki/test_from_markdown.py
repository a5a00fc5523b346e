"""Markdown -> wiki markup: each supported construct becomes the notation Jira renders."""

import pytest

from server.adf import markdown_to_adf
from server.wiki import markdown_to_wiki, wiki_to_adf, wiki_to_markdown


def test_empty_input_gives_empty_markup() -> None:
    """Empty Markdown is empty wiki markup."""
    assert markdown_to_wiki("") == ""
    assert markdown_to_wiki("  \n\n ") == ""


def test_headings_keep_their_level() -> None:
    """`#` to `######` become `h1.` to `h6.`."""
    assert markdown_to_wiki("# One\n\n###### Six") == "h1. One\n\nh6. Six"


def test_inline_effects() -> None:
    """Bold, italic, strike, inline code and links use wiki markup's delimiters."""
    markdown = "**b** *i* ~~s~~ `c` [docs](https://example.com)"
    assert markdown_to_wiki(markdown) == "*b* _i_ -s- {{c}} [docs|https://example.com]"


def test_link_whose_text_is_its_address_is_written_once() -> None:
    """An autolink is `[address]`, the shortest form."""
    assert markdown_to_wiki("<https://example.com/a>") == "[https://example.com/a]"


def test_effects_around_a_link_stay_outside_its_brackets() -> None:
    """Bold over a whole link wraps the link; bold over part of a link text goes inside."""
    assert markdown_to_wiki("**see [docs](https://e.com) now**") == "*see [docs|https://e.com] now*"
    assert markdown_to_wiki("[a **b**](https://e.com)") == "[a *b*|https://e.com]"


def test_nested_effects() -> None:
    """Italic inside bold nests the delimiters, the longer-running effect outside."""
    assert markdown_to_wiki("**bold *both* bold**") == "*bold _both_ bold*"


def test_effect_inside_a_word_uses_the_braced_form() -> None:
    """Next to a letter or digit a delimiter would not count, so `{*}` is written."""
    assert markdown_to_wiki("un**believ**able") == "un{*}believ{*}able"


def test_hard_break_and_soft_break() -> None:
    """A Markdown hard break is `\\\\`; a plain line end is a space."""
    assert markdown_to_wiki("a\\\nb\nc") == "a\\\\b c"


def test_nested_mixed_lists() -> None:
    """Lists nest by repeating markers, a numbered list inside a bullet as `*#`."""
    markdown = "- one\n  1. inner\n     - deep\n- two\n\n1. first"
    assert markdown_to_wiki(markdown) == "* one\n*# inner\n*#* deep\n* two\n\n# first"


def test_ordered_list_start_is_not_kept() -> None:
    """Wiki lists always count from 1."""
    assert markdown_to_wiki("3. c\n4. d") == "# c\n# d"


def test_list_item_paragraphs_and_code_continue_its_line() -> None:
    """A list item is one line: its later paragraphs and code follow after line breaks."""
    markdown = "- first\n\n  second\n\n  ```\n  x = 1\n  ```"
    assert markdown_to_wiki(markdown) == "* first\\\\second\\\\{{x = 1}}"


def test_code_block_with_and_without_language() -> None:
    """Fenced code becomes `{code:lang}`, or `{code}` without a language."""
    assert markdown_to_wiki("```python\nprint(1)\n\nx = 2\n```") == (
        "{code:python}\nprint(1)\n\nx = 2\n{code}"
    )
    assert markdown_to_wiki("```\n*raw* [x]\n```") == "{code}\n*raw* [x]\n{code}"


def test_code_holding_a_code_tag_uses_noformat() -> None:
    """The body of `{code}` ends at the first `{code}`, so such code goes in `{noformat}`."""
    assert markdown_to_wiki("```\na {code} b\n```") == "{noformat}\na {code} b\n{noformat}"


def test_blockquote_rule_and_table() -> None:
    """Quotes become `{quote}`, a rule `----`, a table `||head||` and `|cell|` rows."""
    markdown = "> quoted\n>\n> - item\n\n---\n\n| A | B |\n|---|---|\n| 1 |  |"
    assert markdown_to_wiki(markdown) == (
        "{quote}\nquoted\n\n* item\n{quote}\n\n----\n\n||A||B||\n|1| |"
    )


def test_table_cells_and_link_texts_escape_their_delimiters() -> None:
    """A `|` in a cell or a `]` in a link text is escaped, so neither ends its container."""
    markdown = "| a\\|b |\n|---|\n| [x\\]y](https://e.com) |"
    assert markdown_to_wiki(markdown) == "||a\\|b||\n|[x\\]y|https://e.com]|"


def test_image_becomes_a_link_to_its_source() -> None:
    """An image is not uploaded from Markdown, so it becomes a link, as for Cloud."""
    assert markdown_to_wiki("![shot](https://e.com/a.png)") == "[shot|https://e.com/a.png]"


def test_link_address_is_made_safe_for_the_brackets() -> None:
    """`|`, brackets and blanks in an address are percent-encoded."""
    assert markdown_to_wiki("[x](<https://e.com/a b>)") == "[x|https://e.com/a%20b]"


@pytest.mark.parametrize(
    ("markdown", "wiki"),
    [
        ("2 \\* 3 and a\\_b_c", "2 \\* 3 and a_b_c"),
        ("snake_case re-use 2026-01-01 PROJ-12", "snake_case re-use 2026-01-01 PROJ-12"),
        ("\\_lead -dash- a+b x^2 ~sub~", "\\_lead \\-dash\\- a\\+b x\\^2 \\~sub\\~"),
        ("{braces} \\[link\\] a\\|b", "\\{braces\\} \\[link\\] a\\|b"),
        ("\\# not a list, issue #12", "\\# not a list, issue #12"),
        ("\\- not a list", "\\- not a list"),
        ("h1. not a heading", "&#104;1. not a heading"),
        ("bq. not a quote", "&#98;q. not a quote"),
        ("why?? so!", "why\\?\\? so!"),
        ("!image!", "\\!image!"),
        ("smile :) ok (y) (i) :P", "smile :\\) ok \\(y) \\(i) &#58;P"),
        ("C:\\\\dir\\\\file and \\\\\\*", "C:\\dir\\file and &#92;\\*"),
        ("&amp;amp; \\&#35;", "&amp;amp; &amp;#35;"),
    ],
)
def test_text_with_wiki_syntax_is_escaped(markdown: str, wiki: str) -> None:
    """Characters that would be wiki markup are escaped, and only where they would be."""
    assert markdown_to_wiki(markdown) == wiki


def test_a_line_break_in_a_heading_is_written_as_a_forced_line_break() -> None:
    """A setext heading's hard break becomes `\\\\` in the `h1.` line and reads back as a break."""
    markdown = "first\\\nsecond\n==="
    wiki = markdown_to_wiki(markdown)
    assert wiki == "h1. first\\\\second"
    assert wiki_to_adf(wiki) == markdown_to_adf(markdown)


def test_a_heading_break_survives_wiki_markup_back_to_markdown_at_levels_one_and_two() -> None:
    """Markdown -> wiki -> Markdown keeps a level 2 heading's break in setext form."""
    assert wiki_to_markdown(markdown_to_wiki("a\\\nb\n---")) == "a\\\nb\n---"


def test_a_deeper_heading_keeps_its_break_in_wiki_but_not_in_markdown() -> None:
    """`h4. a\\\\b` holds the break; Markdown has no way to, so it reads back as a space."""
    heading = {"type": "text", "text": "a"}, {"type": "hardBreak"}, {"type": "text", "text": "b"}
    assert wiki_to_adf("h4. a\\\\b")["content"] == [
        {"type": "heading", "attrs": {"level": 4}, "content": list(heading)}
    ]
    assert wiki_to_markdown("h4. a\\\\b") == "#### a b"


def test_nested_emphasis_crossing_strong_keeps_the_strong_blank() -> None:
    """Emphasis ending inside strong emphasis is split, not the strong over the blank after it."""
    markdown = "_0 \\*\\*0_**_0_ _0_ 0**"
    wiki = markdown_to_wiki(markdown)
    assert wiki_to_adf(wiki) == markdown_to_adf(markdown), wiki
