"""Wiki markup -> compact Markdown, for showing Data Center descriptions and comments.

The wiki markup is read into an ADF document (`read_blocks`), which the ADF converter writes as
Markdown: one Markdown writer serves both dialects, with the same escaping and the same short
forms. Input is whatever Jira returned, so nothing here trusts it: malformed markup is text.
"""

from __future__ import annotations

from server.adf import adf_to_markdown
from server.wiki.read_blocks import wiki_to_adf


def wiki_to_markdown(wiki: object, limit: int | None = None) -> str:
    """Markdown for wiki markup, cut to `limit` characters (with a marker) when given."""
    return adf_to_markdown(wiki_to_adf(wiki), limit)
