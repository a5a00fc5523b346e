"""What Jira's wiki renderer reads as markup in plain text, and how text is kept literal.

Facts this module relies on, with their sources:

- The notation: text effects `*strong*`, `_emphasis_`, `??citation??`, `-deleted-`,
  `+inserted+`, `^superscript^`, `~subscript~`, `{{monospaced}}`; headings `h1.`..`h6.`; `bq.`
  and `{quote}` quotes; `\\\\` a line break; `----` a rule, `---` and `--` dashes; `*`/`#`
  lists; `||head||`/`|cell|` tables; `[text|url]` links, `[~user]` mentions, `!file.png!`
  images; emoticons such as `:)` and `(y)`. This is the notation of Jira's "Text Formatting
  Notation Help" (served by Jira at /secure/WikiRendererHelpAction.jspa), as Atlassian lists it
  for wiki markup in "Confluence Storage Format"
  (https://confluence.atlassian.com/display/CONF60/Confluence+Storage+Format).
- A backslash makes the next character literal when that character is one of
  ``- # * _ + ? ^ ~ | % { } [ ] ( ) ! @``; a backslash after a backslash is no escape (the
  pair is the line break). That is the pattern of Jira's BackslashEscapeRendererComponent, as
  Atlassian's own `@atlaskit/editor-wikimarkup-transformer` quotes it (parser/utils/escape.js,
  https://unpkg.com/@atlaskit/editor-wikimarkup-transformer@11.20.13/).
- A text effect does not open right after a letter or digit, and the braced form `{*}` opens
  and closes anywhere (same package, parser/tokenize/common-formatter.js).
- A character no backslash can protect (a backslash before markup, the `h` of a line reading
  `h1. `, the colon of `:P`) is written as a numeric character reference such as `&#92;`. That
  rests on the renderer keeping existing HTML entities when it escapes HTML, which the sources
  above do not state and which has not been checked against a live Data Center site.
"""

from __future__ import annotations

import re

# Characters a backslash makes literal (Jira's BackslashEscapeRendererComponent).
ESCAPABLE = frozenset("-#*_+?^~|%{}[]()!@")

# Phrase delimiters: a lone one is harmless between two letters or digits (snake_case,
# well-known, 2026-01-01, PROJ-12), since an effect neither opens after nor closes before one.
_INWORD_SAFE = frozenset("_-")
_ALWAYS = frozenset("*+^~{}[]|")
_EMOTICON_PAREN = re.compile(r"\((?:y|n|i|/|x|!|\+|-|\?|on|off|\*[rgby]?|flag|flagoff)\)")
_EMOTICON_FACE = re.compile(r"[:;][()]")
# `:P` and `:D` are emoticons too; their letters cannot be escaped, so the colon is written as a
# character reference instead.
_FACE_LETTER = re.compile(r":(?=[PDpd](?![A-Za-z0-9]))")
_ENTITY_LIKE = re.compile(r"&(?=#|[A-Za-z0-9]+;)")
_LINE_START_WORD = re.compile(r"(?:h[1-6]|bq)\.(?:\s|$)")


def is_word(char: str) -> bool:
    """A letter or digit: an effect delimiter next to one does not open (before) or close
    (after)."""
    return char.isalnum()


def escape_text(text: str, *, line_start: bool = False, at_end: bool = False) -> str:
    """`text` written so Jira's renderer shows exactly these characters.

    `line_start` says the text begins a line (where `#`, `h1. ` and `bq. ` are block syntax);
    `at_end` says nothing follows on the line (so a trailing `!` cannot open an image).
    """
    out: list[str] = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if char == "#" and line_start and not index:
            out.append("\\#")  # a numbered list item
        else:
            out.append(_escape_char(text, index, char, before, after, at_end=at_end))
    escaped = _FACE_LETTER.sub("&#58;", "".join(out))
    if line_start and _LINE_START_WORD.match(escaped):
        escaped = f"&#{ord(escaped[0])};" + escaped[1:]
    return escaped


def _escape_char(text: str, index: int, char: str, before: str, after: str, *, at_end: bool) -> str:
    if char == "\\":
        # A backslash stays one only before a character it cannot escape or join.
        if after and after != "\\" and after not in ESCAPABLE:
            return char
        return "&#92;"
    if char == "&" and _ENTITY_LIKE.match(text, index):
        return "&amp;"
    if char in _ALWAYS:
        return "\\" + char
    if char in _INWORD_SAFE:
        return char if is_word(before) and is_word(after) else "\\" + char
    if char == "?":
        return "\\?" if "?" in (before, after) else char
    if char == "!":
        # `!name!` is an image; a `!` before a blank (or ending the line) cannot open one.
        return char if after.isspace() or (not after and at_end) else "\\!"
    if char in "()":
        return _escape_paren(text, index, char)
    return char


def _escape_paren(text: str, index: int, char: str) -> str:
    if char == "(" and _EMOTICON_PAREN.match(text, index):
        return "\\("
    if index and _EMOTICON_FACE.match(text, index - 1):
        return "\\" + char
    return char
