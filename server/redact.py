"""The one redactor: finds a secret in any form that reveals it and replaces it.

A credential leaks in more shapes than itself: percent-encoded in a URL, as the base64 of
``email:token`` in a Basic header (with or without its ``=`` padding), cut short by a
truncation, split by a space or a line break, or escaped for Markdown (``\\_``). So the
redactor knows every *form* of every secret (``secret_forms``) and replaces any run of
``MIN_FRAGMENT`` or more characters of a form, ignoring whitespace and backslashes in the
text. Logs, errors and tool answers all pass the same redactor, built from
``Settings.secret_forms()``.

Why it is fast on megabytes: the text is read without its separators (one ``str.translate``)
and its UTF-8 bytes as 4-byte integers at multiples of 4 (a memoryview cast, no copy). Any
run of 12 characters of a form holds one whole aligned 4-byte chunk, and every 4-gram of every
form is in a set of integers: one C-level set test over the chunks says whether anything can
match. Only then is Python walking the text, from the 4-grams that hit.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Iterator
from itertools import compress, count
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
# A shorter run of a random token reveals too little to guess the rest; 12 is the documented
# promise (DESIGN.md section 2).
MIN_FRAGMENT = 12
# 4-byte chunks at multiples of 4: a run of 2 * 4 - 1 <= MIN_FRAGMENT bytes holds a whole one.
_GRAM = 4
# Shorter secrets cannot be matched by fragments; they are replaced whole when this long.
_MIN_SECRET = 4
# What may sit inside a secret without hiding it: whitespace (Unicode's too), zero-width
# characters and backslashes (Markdown and JSON escapes).
_WHITESPACE = (  # every character for which str.isspace() is true
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_SEPARATORS = _WHITESPACE + "\\" + _INVISIBLE
_DROP_SEPARATORS = str.maketrans("", "", _SEPARATORS)
_SEPARATOR_RUN = re.compile(f"[{re.escape(_SEPARATORS)}]+")
_PERCENT_HEX = re.compile(r"%[0-9A-F]{2}")


def secret_forms(secrets: Iterable[str], email: str | None = None) -> list[str]:
    """Every form in which a secret can leak: the value, its URL encodings, and the Basic
    header's base64 of ``email:value`` (padded, unpadded, URL-safe, URL-encoded)."""
    forms: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        forms.update(_url_forms(secret))
        if email:
            pair = f"{email}:{secret}".encode()
            for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
                text = encoded.decode()
                forms.update(_url_forms(text))
                forms.update(_url_forms(text.rstrip("=")))
    # Longest first, so a form that contains another is replaced whole.
    return sorted(forms, key=lambda form: (-len(form), form))


def _url_forms(value: str) -> set[str]:
    """``value`` and how URLs and form bodies encode it (either case of percent hex digits)."""
    encoded = {value, quote(value), quote(value, safe=""), quote_plus(value)}
    return encoded | {_PERCENT_HEX.sub(lambda m: m.group().lower(), form) for form in encoded}


class Redactor:
    """Replaces every secret form, and every run of 12 or more characters of one."""

    def __init__(self, forms: Iterable[str] = ()) -> None:
        stripped = {form.translate(_DROP_SEPARATORS) for form in forms}
        # Fragments are found by bytes, so only ASCII forms (every encoded form, and tokens
        # as issued) are matched by fragment; any other is replaced whole.
        long_forms = sorted(f for f in stripped if len(f) >= MIN_FRAGMENT and f.isascii())
        self._whole = sorted(
            (f for f in stripped if len(f) >= _MIN_SECRET and f not in long_forms),
            key=len,
            reverse=True,
        )
        # Each 4-gram of each long form, as the integer its bytes make -> where it sits.
        self._grams: dict[int, list[tuple[str, int]]] = {}
        for form in long_forms:
            for offset in range(len(form) - _GRAM + 1):
                gram = _chunk_int(form[offset : offset + _GRAM])
                self._grams.setdefault(gram, []).append((form, offset))
        self._gram_set = frozenset(self._grams)
        self.active = bool(self._grams or self._whole)

    def scrub_text(self, text: str) -> str:
        """``text`` with every secret form, and every long enough run of one, replaced."""
        if not self.active:
            return text
        if self._grams and len(text) >= MIN_FRAGMENT:
            text = self._replace_runs(text)
        for form in self._whole:
            text = text.replace(form, REDACTED)
        return text

    def scrub_value(self, value: object) -> object:
        """``value`` with every string scrubbed, walking dicts, lists and tuples (keys kept).

        The strings are checked together in one pass; the common answer, with no secret
        in it, comes back as the very same object.
        """
        if not self.active:
            return value
        joined = "\0".join(_strings(value))
        if self.scrub_text(joined) == joined:
            return value
        return self._rebuild(value)

    def _rebuild(self, value: object) -> object:
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, dict):
            return {key: self._rebuild(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._rebuild(item) for item in value]
        return value

    def _replace_runs(self, text: str) -> str:
        plain = _without_separators(text)
        data = plain.encode("utf-8", "surrogatepass")
        chunks = memoryview(data)[: len(data) - len(data) % _GRAM].cast("I")
        if self._gram_set.isdisjoint(chunks):
            return text
        runs = _merged(self._runs(plain, data, chunks))
        if not runs:
            return text
        if len(plain) != len(text):
            runs = _in_original(text, runs)
        pieces: list[str] = []
        done = 0
        for start, end in runs:
            pieces += [text[done:start], REDACTED]
            done = end
        pieces.append(text[done:])
        return "".join(pieces)

    def _runs(self, plain: str, data: bytes, chunks: memoryview) -> Iterator[tuple[int, int]]:
        """Each maximal run of ``plain`` that matches a form for MIN_FRAGMENT or more.

        Every such run holds an aligned chunk that is one of a form's 4-grams, so growing
        from those chunks along each form they belong to finds them all.
        """
        grown: dict[tuple[str, int], tuple[int, int]] = {}
        hits = compress(count(), map(self._gram_set.__contains__, chunks))
        for at, index in _char_positions(plain, data, (i * _GRAM for i in hits)):
            for form, offset in self._grams[chunks[index]]:
                # The same alignment of a form was already grown over this spot.
                alignment = (form, at - offset)
                known = grown.get(alignment)
                if known is not None and known[0] <= at < known[1]:
                    continue
                run = _grow(plain, at, form, offset)
                grown[alignment] = run
                if run[1] - run[0] >= MIN_FRAGMENT:
                    yield run


def _char_positions(
    plain: str, data: bytes, byte_offsets: Iterable[int]
) -> Iterator[tuple[int, int]]:
    """(index in ``plain``, chunk number) for each byte offset of a hit chunk, in order.

    A hit chunk is ASCII, so its offset is a character boundary and the UTF-8 before it
    decodes on its own.
    """
    if len(data) == len(plain):
        for offset in byte_offsets:
            yield offset, offset // _GRAM
        return
    char, byte = 0, 0
    for offset in byte_offsets:
        char += len(data[byte:offset].decode("utf-8", "surrogatepass"))
        byte = offset
        yield char, offset // _GRAM


def _without_separators(text: str) -> str:
    """``text`` without whitespace, backslashes and zero-width characters."""
    if text.isascii():
        return text.translate(_DROP_SEPARATORS)  # a table lookup per byte for ASCII
    # translate goes through a dict per character beyond ASCII: five times slower than this.
    plain = "".join(text.split()).replace("\\", "")
    for invisible in _INVISIBLE:
        if invisible in plain:
            plain = plain.replace(invisible, "")
    return plain


def _chunk_int(gram: str) -> int:
    """The integer a 4-byte chunk reads as through ``memoryview.cast("I")``."""
    return memoryview(gram.encode()).cast("I")[0]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _grow(plain: str, at: int, form: str, offset: int) -> tuple[int, int]:
    """The run around ``plain[at:at+4] == form[offset:offset+4]`` where both agree."""
    start, left = at, offset
    while start > 0 and left > 0 and plain[start - 1] == form[left - 1]:
        start, left = start - 1, left - 1
    end, right = at + _GRAM, offset + _GRAM
    while end < len(plain) and right < len(form) and plain[end] == form[right]:
        end, right = end + 1, right + 1
    return start, end


def _merged(runs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(runs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _in_original(text: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Map runs over the text without separators back onto ``text``.

    A run covers the separators inside it (a token split by a space goes whole), not those
    around it.
    """
    cursor = _Cursor(text)
    mapped = []
    for start, end in runs:
        first = cursor.index_of(start)
        mapped.append((first, cursor.index_of(end - 1) + 1))
    return mapped


class _Cursor:
    """Walks ``text`` forwards, finding where the i-th character that is not a separator is.

    Counting is done a window at a time by ``str.translate``, so a megabyte costs a few
    passes in C, not a Python loop over its characters.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0  # text[: self.at] holds exactly self.kept characters that are not separators
        self.kept = 0

    def index_of(self, position: int) -> int:
        """The index in ``text`` of non-separator character ``position`` (never behind)."""
        left = position - self.kept
        while left > 0:
            window = self.text[self.at : self.at + left]
            if not window:
                break
            self.at += len(window)
            self.kept += len(_without_separators(window))
            left = position - self.kept
        gap = _SEPARATOR_RUN.match(self.text, self.at)
        if gap is not None:
            self.at = gap.end()
        return self.at
