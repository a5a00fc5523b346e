"""Plain text out of wiki markup, for word search and length checks."""

from __future__ import annotations

from server.adf import adf_text
from server.wiki.read_blocks import wiki_to_adf


def wiki_text(wiki: object) -> str:
    """The words of wiki markup: no markup, each block on its own line."""
    return adf_text(wiki_to_adf(wiki))
