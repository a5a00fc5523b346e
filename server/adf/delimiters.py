"""The characters each mark's delimiters are written with, chosen once a line is laid out.

Strong emphasis is `**`, struck text `~~`, a link `[...](...)`. Emphasis is `*`, except where it
meets strong emphasis (nested inside or around it, or written next to its delimiters): there it
is `_`, so the two never share a delimiter run such as `***`, which CommonMark splits by its own
rules and may pair differently from how it was written (`***0* :*: 0***` reads back as emphasis
over all of it). `_` is only kept where CommonMark's flanking rules let every delimiter around
it open or close as meant (`a**_b_**c` would be literal text); elsewhere `*` stays, as in
`a***b***c`, which reads back right.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Delimiter:
    """One end of a mark: `kind` is "strong", "em", "strike" or "link"; both ends of a pair
    share `pair`. A link's ends carry their text (`[`, `](url)`)."""

    kind: str
    pair: int
    closing: bool = False
    text: str = ""


def with_delimiters(out: Sequence[str | Delimiter]) -> str:
    """The written line: each delimiter replaced by its characters."""
    items = [item for item in out if item != ""]
    underscored = _underscored(items)
    return "".join(_written(item, underscored) for item in items)


def _written(item: str | Delimiter, underscored: set[int]) -> str:
    if isinstance(item, str):
        return item
    if item.kind == "em":
        return "_" if item.pair in underscored else "*"
    return {"strong": "**", "strike": "~~"}.get(item.kind, item.text)


def _underscored(items: list[str | Delimiter]) -> set[int]:
    """Emphasis pairs meeting strong emphasis, less those whose `_` some delimiter next to it
    could not be read as meant with (demoted to `*` until every `_` left reads right)."""
    boundaries = _boundaries(items)
    chosen = _meeting_strong(items, boundaries)
    while True:
        failing = {
            pair
            for start, end in boundaries
            if not _reads_as_meant(items, start, end, chosen)
            for pair in _em_pairs(items[start:end])
        }
        if not failing & chosen:
            return chosen
        chosen -= failing


def _boundaries(items: list[str | Delimiter]) -> list[tuple[int, int]]:
    """Each run of delimiters between two texts, as a slice of `items`."""
    result: list[tuple[int, int]] = []
    start = -1
    for index, item in enumerate([*items, ""]):
        if isinstance(item, Delimiter):
            start = index if start < 0 else start
        elif start >= 0:
            result.append((start, index))
            start = -1
    return result


def _em_pairs(items: Sequence[str | Delimiter]) -> set[int]:
    return {item.pair for item in items if isinstance(item, Delimiter) and item.kind == "em"}


def _meeting_strong(items: list[str | Delimiter], boundaries: list[tuple[int, int]]) -> set[int]:
    """Emphasis pairs open while strong emphasis is, or written next to its delimiters."""
    result: set[int] = set()
    open_kinds: dict[int, str] = {}
    for item in items:
        if not isinstance(item, Delimiter):
            continue
        if item.closing:
            open_kinds.pop(item.pair, None)
            continue
        open_em = {pair for pair, kind in open_kinds.items() if kind == "em"}
        if item.kind == "em" and "strong" in open_kinds.values():
            result.add(item.pair)
        elif item.kind == "strong":
            result |= open_em
        open_kinds[item.pair] = item.kind
    for start, end in boundaries:
        if any(isinstance(item, Delimiter) and item.kind == "strong" for item in items[start:end]):
            result |= _em_pairs(items[start:end])
    return result


def _reads_as_meant(items: list[str | Delimiter], start: int, end: int, chosen: set[int]) -> bool:
    """Whether each emphasis delimiter run between items[start:end] can open or close as it is
    meant to, by CommonMark's flanking rules, with the emphasis in `chosen` written `_`."""
    written = [_written(item, chosen) for item in items]
    for first, last in _emphasis_runs(written, start, end):
        char = written[first][0]
        if char == "_" and last - first > 1:
            return False  # two `_` in a row read as one strong emphasis delimiter
        previous = written[first - 1][-1] if first else ""
        following = written[last][0] if last < len(written) else ""
        if not _run_reads(char, previous, following, items[first:last]):
            return False
    return True


def _emphasis_runs(written: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """The runs of `*` or `_` delimiters in written[start:end]: what CommonMark pairs as one."""
    runs: list[tuple[int, int]] = []
    index = start
    while index < end:
        char = written[index][0]
        last = index + 1
        while char in "*_" and last < end and written[last][0] == char:
            last += 1
        if char in "*_":
            runs.append((index, last))
        index = last
    return runs


def _run_reads(char: str, previous: str, following: str, roles: list[str | Delimiter]) -> bool:
    left = _left_flanking(previous, following)
    right = _left_flanking(following, previous)
    if char == "_":
        can_open = left and (not right or _is_punctuation(previous))
        can_close = right and (not left or _is_punctuation(following))
    else:
        can_open, can_close = left, right
    for role in roles:
        closing = isinstance(role, Delimiter) and role.closing
        if (closing and not can_close) or (not closing and not can_open):
            return False
    return True


def _left_flanking(previous: str, following: str) -> bool:
    """CommonMark's left-flanking run (its mirror image, right-flanking, swaps the sides)."""
    if _is_space(following):
        return False
    return not _is_punctuation(following) or _is_space(previous) or _is_punctuation(previous)


def _is_space(char: str) -> bool:
    """A blank, or a line's edge (which CommonMark counts as one)."""
    return not char or char in " \t\n" or unicodedata.category(char) == "Zs"


def _is_punctuation(char: str) -> bool:
    return bool(char) and (char in string.punctuation or unicodedata.category(char)[0] == "P")
