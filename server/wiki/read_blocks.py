"""Wiki markup -> an ADF document: the block structure (headings, lists, tables, macros).

Blocks are read line by line. A line's start says what it begins: `h1.`..`h6.` a heading, `bq.`
a one-line quote, `----` a rule, `*`/`#`/`-` and a blank a list item, `|` a table row, and a
macro tag with its closing tag further on a macro (`{code}` and `{noformat}` hold raw text,
`{quote}` and `{panel}` hold blocks, an unknown macro shows its body). Anything else is a
paragraph, running to a blank line or to a line that begins another block; a line end inside it
is a line break, as Jira renders it. A tag without its closing tag is text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from server.adf import nodes
from server.adf.canonical import canonical_inline
from server.adf.nodes import Node
from server.wiki.read_inline import RawIndex, Token, read_inline, read_tokens, tokenize

_HEADING = re.compile(r"h([1-6])\.(?:[ \t]+|$)(.*)")
_QUOTE_LINE = re.compile(r"bq\.(?:[ \t]+|$)(.*)")
_RULE = re.compile(r"----[ \t]*")
_LIST_ITEM = re.compile(r"([*#]+|-)(?:[ \t]+(.*))?")
_MACRO = re.compile(r"\{([A-Za-z][\w-]*)(?::([^{}\n]*))?\}")
_INLINE_MACROS = frozenset({"color", "anchor"})
_RAW_MACROS = frozenset({"code", "noformat"})
# Macros inside macros deeper than this are read as text: a bound on the reader's recursion.
_MAX_DEPTH = 16


def wiki_to_adf(wiki: object) -> Node:
    """An ADF document for wiki markup; anything but a string is an empty document."""
    text = wiki.replace("\r\n", "\n").replace("\r", "\n") if isinstance(wiki, str) else ""
    return nodes.doc(_Blocks(text, 0).read())


class _Blocks:
    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.pos = 0

    def read(self) -> list[Node]:
        blocks: list[Node] = []
        while self.pos < len(self.text):
            line = self._line().strip()
            if not line:
                self._next_line()
                continue
            blocks.extend(self._block(line))
        return blocks

    def _line(self) -> str:
        end = self.text.find("\n", self.pos)
        return self.text[self.pos : end if end >= 0 else len(self.text)]

    def _next_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = end + 1 if end >= 0 else len(self.text)

    def _block(self, line: str) -> list[Node]:
        macro = self._macro(line)
        if macro is not None:
            return macro
        heading = _HEADING.fullmatch(line)
        if heading:
            self._next_line()
            content = read_inline(heading.group(2))
            return [nodes.block("heading", content, {"level": int(heading.group(1))})]
        quote = _QUOTE_LINE.fullmatch(line)
        if quote:
            self._next_line()
            return [nodes.block("blockquote", [_paragraph(read_inline(quote.group(1)))])]
        if _RULE.fullmatch(line):
            self._next_line()
            return [{"type": "rule"}]
        if _LIST_ITEM.fullmatch(line):
            return self._list()
        if line.startswith("|"):
            return [self._table()]
        return [self._paragraph()]

    def _starts_block(self, line: str) -> bool:
        if not line or self._macro_closing(line) is not None:
            return True
        starts = (_HEADING, _QUOTE_LINE, _RULE, _LIST_ITEM)
        return line.startswith("|") or any(pattern.fullmatch(line) for pattern in starts)

    def _macro_closing(self, line: str) -> tuple[re.Match[str], int] | None:
        """The macro tag opening `line` and where its closing tag starts, when it has one."""
        tag = _MACRO.match(line)
        if tag is None or self.depth >= _MAX_DEPTH:
            return None
        if tag.group(1).lower() in _INLINE_MACROS:
            return None
        start = self.pos + self._line().index(tag.group())
        close = self.text.find("{" + tag.group(1) + "}", start + len(tag.group()))
        return (tag, close) if close >= 0 else None

    def _macro(self, line: str) -> list[Node] | None:
        found = self._macro_closing(line)
        if found is None:
            return None
        tag, close = found
        start = self.pos + self._line().index(tag.group()) + len(tag.group())
        body = self.text[start:close]
        self.pos = close + len(tag.group(1)) + 2
        if not self._line().strip():
            self._next_line()
        name = tag.group(1).lower()
        if name in _RAW_MACROS:
            return [_code_block(body, tag.group(2) if name == "code" else None)]
        inner = _Blocks(body, self.depth + 1).read()
        if name == "quote":
            return [nodes.block("blockquote", inner or [_paragraph([])])]
        title = _parameter(tag.group(2), "title")
        if title:
            inner.insert(0, _paragraph([nodes.text(title, [nodes.mark("strong")])]))
        return inner

    def _paragraph(self) -> Node:
        content: list[Node] = []
        first = True
        while self.pos < len(self.text):
            line = self._line().strip()
            if not line or (not first and self._starts_block(line)):
                break
            if not first:
                content.append({"type": "hardBreak"})
            content.extend(read_inline(line))
            first = False
            self._next_line()
        return _paragraph(canonical_inline(content))

    def _list(self) -> list[Node]:
        items: list[tuple[str, list[Node]]] = []
        while self.pos < len(self.text):
            line = self._line().strip()
            item = _LIST_ITEM.fullmatch(line)
            if item is not None and self._macro_closing(line) is None:
                items.append((item.group(1), read_inline(item.group(2) or "")))
            elif items and not self._starts_block(line):
                # A line that begins nothing continues the item above, after a line break.
                items[-1][1].extend([{"type": "hardBreak"}, *read_inline(line)])
            else:
                break
            self._next_line()
        return _lists(items)

    def _table(self) -> Node:
        rows: list[Node] = []
        while self.pos < len(self.text):
            line = self._line().strip()
            if not line.startswith("|"):
                break
            rows.append(_table_row(tokenize(line)))
            self._next_line()
        return nodes.block("table", rows)


def _paragraph(content: list[Node]) -> Node:
    return nodes.block("paragraph", content)


def _parameter(parameters: str | None, key: str) -> str:
    for part in (parameters or "").split("|"):
        name, _, value = part.partition("=")
        if name.strip().lower() == key:
            return value.strip()
    return ""


def _code_block(body: str, parameters: str | None) -> Node:
    """Raw text between the tags, without the line ends right inside them."""
    code = body.removeprefix("\n").removesuffix("\n")
    language = _parameter(parameters, "language")
    if not language and parameters:
        first = parameters.split("|")[0].strip()
        language = first if "=" not in first else ""
    content = [nodes.text(code)] if code else []
    return nodes.block("codeBlock", content, {"language": language} if language else None)


def _lists(items: Sequence[tuple[str, list[Node]]]) -> list[Node]:
    """Nested ADF lists for list lines, each given as its markers (`#*`) and its content."""
    blocks: list[Node] = []
    stack: list[tuple[str, Node]] = []
    for markers, content in items:
        for level, marker in enumerate(markers):
            if level < len(stack) and stack[level][0] == marker:
                continue
            del stack[level:]
            kind = "orderedList" if marker == "#" else "bulletList"
            new_list = nodes.block(kind, [])
            if level == 0:
                blocks.append(new_list)
            else:
                _children(_last_item(stack[level - 1][1])).append(new_list)
            stack.append((marker, new_list))
        del stack[len(markers) :]
        item = nodes.block("listItem", [_paragraph(content)])
        _children(stack[-1][1]).append(item)
    return blocks


def _last_item(list_node: Node) -> Node:
    """The last item of a list, made empty first when a deeper list opens before any item."""
    items = _children(list_node)
    if not items:
        items.append(nodes.block("listItem", [_paragraph([])]))
    return items[-1]


def _children(node: Node) -> list[Node]:
    content = node["content"]
    assert isinstance(content, list)  # every node built here has a content list
    return content


def _table_row(tokens: Sequence[Token]) -> Node:
    cells: list[Node] = []
    for header, cell in _cells(tokens):
        kind = "tableHeader" if header else "tableCell"
        cells.append(nodes.block(kind, [_paragraph(read_tokens(cell))]))
    return nodes.block("tableRow", cells)


def _cells(tokens: Sequence[Token]) -> list[tuple[bool, Sequence[Token]]]:
    """A row cut at its `|` and `||` delimiters, but not inside links or monospace."""
    raw = RawIndex(tokens)
    cells: list[tuple[bool, Sequence[Token]]] = []
    index = 0
    while index < len(tokens) and _is(tokens, index, "|"):
        header = _is(tokens, index + 1, "|")
        index += 2 if header else 1
        start = index
        while index < len(tokens) and not _is(tokens, index, "|"):
            index = _skip_span(tokens, raw, index)
        cells.append((header, tokens[start:index]))
    if cells and all(token.value.isspace() for token in cells[-1][1]):
        cells.pop()  # the closing delimiter
    return cells


def _skip_span(tokens: Sequence[Token], raw: RawIndex, index: int) -> int:
    """The index after a link or monospace span starting at `index`, else the next index."""
    close = -1
    if _is(tokens, index, "["):
        close = raw.next("]", index + 1, len(tokens))
    elif _is(tokens, index, "{") and _is(tokens, index + 1, "{"):
        close = raw.next("}}", index + 2, len(tokens))
        close = close + 1 if close >= 0 else -1
    return close + 1 if close >= 0 else index + 1


def _is(tokens: Sequence[Token], index: int, value: str) -> bool:
    return index < len(tokens) and tokens[index].kind == "raw" and tokens[index].value == value
