"""Jira wiki markup (Data Center and Server): Markdown in, compact Markdown and plain text out."""

from server.wiki.from_markdown import adf_to_wiki, markdown_to_wiki
from server.wiki.plain import wiki_text
from server.wiki.read_blocks import wiki_to_adf
from server.wiki.to_markdown import wiki_to_markdown

__all__ = ["adf_to_wiki", "markdown_to_wiki", "wiki_text", "wiki_to_adf", "wiki_to_markdown"]
