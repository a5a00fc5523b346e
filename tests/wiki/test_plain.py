"""Plain text out of wiki markup, for search and length checks."""

from server.wiki import wiki_text


def test_wiki_text_gives_the_words_one_block_per_line() -> None:
    """Plain text drops all markup and puts each block on its own line."""
    wiki = (
        "h1. Title\n\nSome *bold* {{code}} [link|https://e.com]\n\n* item\n\n{code}\nx = 1\n{code}"
    )
    assert wiki_text(wiki) == "Title\nSome bold code link\nitem\nx = 1"


def test_wiki_text_of_mentions_tables_and_junk() -> None:
    """Mentions count as @name, table cells as lines; anything but text is empty."""
    assert wiki_text("[~mia] ||a||b||") == "@mia ||a||b||"
    assert wiki_text("||a||b||\n|1|2|") == "a\nb\n1\n2"
    assert wiki_text(None) == ""
    assert wiki_text("") == ""
