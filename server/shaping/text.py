"""Cutting long text so the model can tell it was cut and how to get the rest."""

from __future__ import annotations

from server.adf.plain import cut


def truncate(text: str, limit: int, *, hint: str = "") -> str:
    """`text` unchanged when it fits in `limit` characters; otherwise its start, cut at a word
    boundary where one is near, and a marker such as ` …[+1234 chars; {hint}]`."""
    return cut(text, limit, hint)
