"""Properties: Markdown -> wiki markup -> Markdown keeps the document; any text survives."""

from typing import Any
from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from server.adf import adf_to_markdown, markdown_to_adf
from server.wiki import markdown_to_wiki, wiki_text, wiki_to_adf, wiki_to_markdown
from tests.markdown_grammar import Grammar

# Words carry every character wiki markup gives meaning to, and Markdown's own punctuation.
_WIKI_SPECIALS = "*_-+?^~|%{}[]()!@#&\\:;"
# A word never starts a code fence (`~~~`): wiki list items hold no code blocks.
_WORD = st.text(alphabet="abcXYZ019.,<>='\"/" + _WIKI_SPECIALS, min_size=1, max_size=8).filter(
    lambda word: "~~" not in word and not word.startswith("~") and not word.endswith("~")
)
# Wiki markup's braced effects may touch words; its ordered lists always count from 1.
_GRAMMAR = Grammar(_WORD, glued=True, list_starts=False)
_DOCUMENT = _GRAMMAR.documents()


def _canonical(markdown: str) -> dict[str, object]:
    """The document a Markdown text stands for, after the ADF round trip's own canonicalisation
    (Markdown -> ADF -> Markdown -> ADF)."""
    return markdown_to_adf(adf_to_markdown(markdown_to_adf(markdown)))


_EMPTY_PARAGRAPH = {"type": "paragraph", "content": []}


def _normal(node: Any) -> Any:
    """A document without the differences wiki markup cannot write: an ordered list's start
    (`#` counts from 1), two lists of one kind in a row inside a list item (they are one list),
    effects on blanks at the edge of effects (invisible, and nested effects cannot always hold
    them), empty paragraphs between blocks, percent-encoding in link targets (the same URL;
    wiki needs it for blanks, `|`, brackets and a leading `~` or `^`), and links to an anchor
    (`#name`), which read back as their text: they have no address outside Jira."""
    if isinstance(node, list):
        return _merged([_normal(child) for child in node])
    if not isinstance(node, dict):
        return node
    result = {key: _normal(value) for key, value in node.items()}
    if result.get("type") in ("doc", "blockquote"):
        kept = [child for child in result["content"] if child != _EMPTY_PARAGRAPH]
        quote = result["type"] == "blockquote"
        result["content"] = kept or (result["content"][:1] if quote else [])
    if result.get("type") == "orderedList":
        result.pop("attrs", None)
    if isinstance(result.get("marks"), list):
        marks = [_href_normal(mark) for mark in result["marks"]]
        kept = [mark for mark in marks if not _anchor_link(mark)]
        if kept:
            result["marks"] = kept
        else:
            result.pop("marks")
    return result


def _href_normal(mark: Any) -> Any:
    if isinstance(mark, dict) and mark.get("type") == "link":
        return {**mark, "attrs": {"href": unquote(str(mark.get("attrs", {}).get("href")))}}
    return mark


def _anchor_link(mark: Any) -> bool:
    return (
        isinstance(mark, dict)
        and mark.get("type") == "link"
        and str(mark.get("attrs", {}).get("href", "")).startswith("#")
    )


def _unmarked_blanks(node: Any) -> list[Any]:
    """A text node with its edge blanks split off and unmarked (unless it is code)."""
    marks = node.get("marks", [])
    if node.get("type") != "text" or any(mark["type"] == "code" for mark in marks):
        return [node]
    text = str(node["text"])
    core = text.strip()
    if not core:
        return [{"type": "text", "text": text}]
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    parts = [
        {"type": "text", "text": lead},
        {**node, "text": core},
        {"type": "text", "text": trail},
    ]
    return [part for part in parts if part["text"]]


def _merged(children: list[Any]) -> list[Any]:
    result: list[Any] = []
    for child in (part for node in children for part in _unmarked_blanks(node)):
        previous = result[-1] if result else None
        if not (isinstance(child, dict) and isinstance(previous, dict)):
            result.append(child)
        elif child["type"] == previous["type"] in ("bulletList", "orderedList"):
            result[-1] = {**previous, "content": previous["content"] + child["content"]}
        elif child["type"] == previous["type"] == "text" and child.get("marks") == previous.get(
            "marks"
        ):
            result[-1] = {**previous, "text": previous["text"] + child["text"]}
        else:
            result.append(child)
    return result


@settings(max_examples=400, deadline=None)
@given(_DOCUMENT)
def test_markdown_survives_a_round_trip_through_wiki_markup(markdown: str) -> None:
    """Markdown written to wiki markup and read back as Markdown stands for the same document."""
    wiki = markdown_to_wiki(markdown)
    assert _normal(_canonical(wiki_to_markdown(wiki))) == _normal(_canonical(markdown)), wiki


@settings(max_examples=400, deadline=None)
@given(_DOCUMENT)
def test_wiki_markup_reads_back_as_the_document_it_was_written_from(markdown: str) -> None:
    """The document read from the written wiki markup is the one converted from Markdown."""
    document = markdown_to_adf(markdown)
    wiki = markdown_to_wiki(markdown)
    assert _normal(wiki_to_adf(wiki)) == _normal(document), wiki


_LITERAL = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
    )
    .map(str.strip)
    .filter(bool)
)


_SPECIALS = st.text(alphabet=_WIKI_SPECIALS + "ab1 h.", min_size=1).map(str.strip).filter(bool)


def _text_document(value: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": value}]}],
    }


@settings(max_examples=400, deadline=None)
@given(st.one_of(_LITERAL, _SPECIALS))
def test_any_text_is_escaped_so_it_reads_back_unchanged(value: str) -> None:
    """Text full of wiki and Markdown syntax comes back as the very same characters."""
    markdown = adf_to_markdown(_text_document(value))
    assert wiki_to_adf(markdown_to_wiki(markdown)) == _text_document(value)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_input_reads_without_raising(wiki: str) -> None:
    """Whatever a Jira field holds, reading it gives Markdown and plain text, never an error."""
    assert isinstance(wiki_to_markdown(wiki), str)
    assert isinstance(wiki_text(wiki), str)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="*_-+?^~|{}[]()!#&\\ \nabh1.:", max_size=60))
def test_markup_soup_reads_without_raising(wiki: str) -> None:
    """Dense, unbalanced markup is read as text where it does not pair up, never an error."""
    assert isinstance(wiki_to_markdown(wiki), str)
