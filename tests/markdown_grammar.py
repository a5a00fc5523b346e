"""A grammar of Markdown documents for the round-trip property tests (ADF and wiki markup).

Both converters read the same Markdown: paragraphs with emphasis, code and links, headings,
nested lists, code blocks, quotes, tables and rules; headings in ATX and setext form,
the setext ones with hard breaks. Each test chooses the words (the
characters that must survive) and the two variations its target can express.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st


@dataclass(frozen=True)
class Grammar:
    """Markdown built from ``words``.

    ``glued``: styled runs may touch their neighbours (no space between), as wiki markup's
    braced effects allow. ``list_starts``: ordered lists may start at any number (ADF keeps
    it; wiki markup always counts from 1).
    """

    words: st.SearchStrategy[str]
    glued: bool = False
    list_starts: bool = True

    @property
    def plain(self) -> st.SearchStrategy[str]:
        """A few words."""
        return st.lists(self.words, min_size=1, max_size=4).map(" ".join)

    def documents(self) -> st.SearchStrategy[str]:
        """Whole documents: up to five blocks."""
        return st.lists(self._block(), max_size=5).map("\n\n".join)

    def _inline(self) -> st.SearchStrategy[str]:
        @st.composite
        def inline(draw: st.DrawFn) -> str:
            parts: list[str] = []
            for _ in range(draw(st.integers(1, 5))):
                words = draw(self.plain)
                style = draw(st.sampled_from(["", "**", "*", "~~", "`", "link", "nested"]))
                if style == "link":
                    parts.append(f"[{words}](https://example.com/{draw(st.sampled_from('abc'))})")
                elif style == "nested":
                    parts.append(f"**{words} *{draw(self.plain)}* {draw(self.plain)}**")
                elif style == "`":
                    parts.append(f"`{words}`")
                else:
                    parts.append(f"{style}{words}{style}")
            joiner = draw(st.sampled_from([" ", ""])) if self.glued else " "
            return joiner.join(parts)

        return inline()

    def _paragraph(self, draw: st.DrawFn) -> str:
        lines = draw(st.lists(self._inline(), min_size=1, max_size=3))
        joiner = draw(st.sampled_from(["\n", "\\\n", "  \n"]))
        return joiner.join(lines)

    def _list(self, depth: int = 0) -> st.SearchStrategy[str]:
        @st.composite
        def items(draw: st.DrawFn) -> str:
            ordered = draw(st.booleans())
            start = draw(st.integers(0, 12)) if ordered and self.list_starts else 1
            lines: list[str] = []
            for index in range(draw(st.integers(1, 4))):
                marker = f"{start + index}." if ordered else "-"
                lines.append(f"{marker} {draw(self._inline())}")
                if depth < 2 and draw(st.booleans()):
                    nested = draw(self._list(depth + 1))
                    pad = " " * (len(marker) + 1)
                    lines.extend(pad + line for line in nested.split("\n"))
            return "\n".join(lines)

        return items()

    def _heading(self, draw: st.DrawFn) -> str:
        """An ATX heading, or a setext one (level 1 or 2) whose lines may end in hard breaks."""
        if draw(st.booleans()):
            return "#" * draw(st.integers(1, 6)) + " " + draw(self._inline())
        lines = draw(st.lists(self._inline(), min_size=1, max_size=3))
        joiner = draw(st.sampled_from(["\\\n", "  \n", "\n"]))
        return joiner.join(lines) + "\n" + draw(st.sampled_from(["===", "---"]))

    def _table(self, draw: st.DrawFn) -> str:
        width = draw(st.integers(1, 3))
        header = [draw(self.plain).replace("|", "") or "h" for _ in range(width)]
        rows = [
            [draw(self._inline()).replace("|", "\\|") for _ in range(width)]
            for _ in range(draw(st.integers(0, 3)))
        ]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
        lines.extend("| " + " | ".join(row) + " |" for row in rows)
        return "\n".join(lines)

    def _block(self) -> st.SearchStrategy[str]:
        @st.composite
        def block(draw: st.DrawFn) -> str:
            kind = draw(st.sampled_from(["p", "h", "list", "code", "quote", "table", "rule"]))
            if kind == "h":
                return self._heading(draw)
            if kind == "list":
                return draw(self._list())
            if kind == "code":
                language = draw(st.sampled_from(["", "python", "sql"]))
                body = "\n".join(draw(st.lists(self.plain, max_size=3)))
                return f"```{language}\n{body}\n```"
            if kind == "quote":
                return "\n".join("> " + line for line in self._paragraph(draw).split("\n"))
            if kind == "table":
                return self._table(draw)
            if kind == "rule":
                return "---"
            return self._paragraph(draw)

        return block()
