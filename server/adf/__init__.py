"""Atlassian Document Format: Markdown in, compact Markdown and plain text out, checks."""

from server.adf.from_markdown import markdown_to_adf
from server.adf.plain import adf_text
from server.adf.to_markdown import adf_to_markdown
from server.adf.validate import validate_adf

__all__ = ["adf_text", "adf_to_markdown", "markdown_to_adf", "validate_adf"]
