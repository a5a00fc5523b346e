"""Wiki markup -> compact Markdown, tolerant of everything a Data Center field may hold."""

import pytest

from server.wiki import wiki_to_markdown


def test_common_constructs_read_like_hand_written_markdown() -> None:
    """Headings, effects, links, lists, code, quotes and tables come out as familiar Markdown."""
    wiki = (
        "h2. Plan\n\n"
        "Fix *now*, not _later_; -drop- see [docs|https://e.com] and {{cfg.yml}}.\n\n"
        "* one\n*# inner\n* two\n\n"
        "{code:sql}\nselect 1\n{code}\n\n"
        "{quote}\nquoted\n{quote}\n\n"
        "----\n\n"
        "||a||b||\n|1|2|"
    )
    assert wiki_to_markdown(wiki) == (
        "## Plan\n\n"
        "Fix **now**, not *later*; ~~drop~~ see [docs](https://e.com) and `cfg.yml`.\n\n"
        "- one\n  1. inner\n- two\n\n"
        "```sql\nselect 1\n```\n\n"
        "> quoted\n\n"
        "---\n\n"
        "| a | b |\n| --- | --- |\n| 1 | 2 |"
    )


@pytest.mark.parametrize(
    ("wiki", "markdown"),
    [
        ("h1. One\nh6. Six", "# One\n\n###### Six"),
        ("*bold* _it_ -del- {{mono}}", "**bold** *it* ~~del~~ `mono`"),
        ("+under+ ^sup^ ~sub~ ??cite??", "under sup sub *cite*"),
        ("*bold _both_*", "**bold _both_**"),
        ("un{*}believ{*}able", "un**believ**able"),
        ("[https://e.com/a]", "<https://e.com/a>"),
        ("[*bold* link|https://e.com]", "[**bold** link](https://e.com)"),
        ("line one\\\\line two", "line one\\\nline two"),
        ("line one\nline two", "line one\\\nline two"),
        ("bq. a short quote", "> a short quote"),
        ("# first\n# second", "1. first\n2. second"),
        ("- dash item", "- dash item"),
        ("{code}\nplain\n{code}", "```\nplain\n```"),
        ("{code:title=A.java|borderStyle=solid}\nx\n{code}", "```\nx\n```"),
        ("{code:java|title=A.java}\nx\n{code}", "```java\nx\n```"),
    ],
)
def test_each_construct(wiki: str, markdown: str) -> None:
    """Every supported construct has its Markdown counterpart."""
    assert wiki_to_markdown(wiki) == markdown


def test_effect_delimiters_inside_a_link_address_do_not_close_an_effect() -> None:
    """A `-` or `*` inside a link's address or monospace belongs to it, not to an effect."""
    assert wiki_to_markdown("-[mail|mailto:a-b@e.com]- *{{x*}} y*") == (
        "[~~mail~~](mailto:a-b@e.com) `x*` **y**"
    )


def test_header_cells_after_the_first_row_and_empty_cells() -> None:
    """A row of `|` cells, an empty cell and a link holding a `|` stay one table row each."""
    wiki = "||Key||Link||\n|A-1|[site|https://e.com]|\n| |x|"
    assert wiki_to_markdown(wiki) == (
        "| Key | Link |\n| --- | --- |\n| A-1 | [site](https://e.com) |\n|  | x |"
    )


def test_noformat_is_a_code_block_and_keeps_markup_raw() -> None:
    """`{noformat}` holds raw text, shown as a fenced block with its markup untouched."""
    assert wiki_to_markdown("{noformat}\n*not bold* [x]\n{noformat}") == (
        "```\n*not bold* [x]\n```"
    )


def test_panel_and_unknown_macros_show_their_body() -> None:
    """A panel shows its title and body; an unknown paired macro shows its body."""
    wiki = "{panel:title=Heads up|borderStyle=dashed}\nCheck *this*\n{panel}\n\n{tip}\nA tip\n{tip}"
    assert wiki_to_markdown(wiki) == "**Heads up**\n\nCheck **this**\n\nA tip"


def test_color_tags_are_dropped_and_their_text_kept() -> None:
    """Styling-only macros lose their tags, never their text."""
    assert wiki_to_markdown("{color:red}*Red* alert{color} now") == "**Red** alert now"


def test_mentions_and_images_stay_readable() -> None:
    """`[~user]` reads as @user; an image as a `!` and a link to its file (the `!` escaped,
    so no Markdown reader fetches it as an image)."""
    wiki = "Ask [~jsmith] and [~accountid:5b10ac8d82e05b22cc7d4ef5]: !shot.png|thumbnail!"
    assert wiki_to_markdown(wiki) == (
        "Ask @jsmith and @accountid:5b10ac8d82e05b22cc7d4ef5: \\![shot.png](shot.png)"
    )


def test_mention_with_a_shown_name_reads_as_that_name() -> None:
    """`[Shown Name|~user]` reads as @Shown Name."""
    assert wiki_to_markdown("ping [Winston Smith|~accountid:42]") == "ping @Winston Smith"


def test_long_lines_of_unclosed_markup_are_read() -> None:
    """Thousands of unclosed brackets, braces and delimiters on one line read as text."""
    for unit in ("[a ", "{{a ", "*a ", "!a ", "|[x", "{x "):
        markdown = wiki_to_markdown(unit * 5000)
        assert markdown.count("a") + markdown.count("x") == 5000


def test_attachment_and_anchor_links_show_their_names() -> None:
    """Links to an attachment or an anchor have no address outside Jira, so show the name."""
    assert wiki_to_markdown("See [^log.txt] and [the top|#top]") == "See log.txt and the top"


def test_list_item_continues_on_the_next_line() -> None:
    """A line that begins nothing continues the list item above it."""
    assert wiki_to_markdown("* one\ncontinued\n* two") == "- one\\\n  continued\n- two"


def test_mixed_nesting_and_a_deeper_item_first() -> None:
    """`#*` nests a bullet in a numbered item; a list opening two levels deep gets an empty
    item to hang from."""
    assert wiki_to_markdown("# a\n#* b\n#*# c") == "1. a\n   - b\n     1. c"
    assert wiki_to_markdown("** deep") == "- - deep"


def test_macro_content_on_the_tag_lines() -> None:
    """Text on the same line as a macro's tags belongs to the macro; text after it does not."""
    assert wiki_to_markdown("{quote}inside{quote} after") == "> inside\n\nafter"


@pytest.mark.parametrize(
    ("wiki", "markdown"),
    [
        ("*unclosed bold", "\\*unclosed bold"),
        ("a * b * c", "a \\* b \\* c"),
        ("snake_case_name and 2026-01-01", "snake_case_name and 2026-01-01"),
        ("a -- b --- c", "a -- b --- c"),
        ("{{open code", "{{open code"),
        ("[no close", "\\[no close"),
        ("[]", "\\[\\]"),
        ("{quote}never closed", "{quote}never closed"),
        ("{code}\nnever closed", "{code}\\\nnever closed"),
        ("wow! and !", "wow! and !"),
        ("\\*escaped\\* \\[x\\]", "\\*escaped\\* \\[x\\]"),
        ("&amp; &#92; &lt;b&gt; &bogus;", "& \\ \\<b> \\&bogus;"),
    ],
)
def test_malformed_or_escaped_markup_is_text(wiki: str, markdown: str) -> None:
    """Unbalanced markers, escapes and entities read as the characters they stand for."""
    assert wiki_to_markdown(wiki) == markdown


@pytest.mark.parametrize("malformed", [None, 42, b"h1. x", ["*a*"], {"body": "x"}])
def test_anything_but_text_is_empty(malformed: object) -> None:
    """A field that is not a string (a null description) reads as empty Markdown."""
    assert wiki_to_markdown(malformed) == ""


def test_windows_line_ends_are_line_ends() -> None:
    """CRLF line ends split blocks like LF ones."""
    assert wiki_to_markdown("h1. A\r\n\r\n* b\r\n* c") == "# A\n\n- b\n- c"


def test_limit_cuts_with_an_explicit_marker() -> None:
    """With a limit, long text is cut at a word and says how much was left out."""
    wiki = "word " * 100
    result = wiki_to_markdown(wiki, limit=40)
    assert result.startswith("word word")
    assert result.endswith("chars]")
    assert wiki_to_markdown(wiki, limit=10_000) == wiki_to_markdown(wiki)
