"""Lint findings on a query, as search_jql and validate_jql both return and show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pydantic import BaseModel

if TYPE_CHECKING:
    from collections.abc import Iterable

    from server.jql import LintWarning

MAX_JQL: Final = 20_000  # characters of JQL a tool takes; no real query comes near it


class JqlWarning(BaseModel):
    """A query that runs but probably does not do what was meant."""

    rule: str  # a lint rule id, or "jira" for Jira's own warnings
    message: str
    suggestion: str = ""


def lint_warnings(found: Iterable[LintWarning]) -> list[JqlWarning]:
    """The JQL engine's lint findings as result items."""
    return [JqlWarning(rule=w.rule, message=w.message, suggestion=w.suggestion) for w in found]


def warning_lines(warnings: Iterable[JqlWarning]) -> list[str]:
    """One text line per warning, with its rewrite when there is one."""
    lines = []
    for warning in warnings:
        suggestion = f" Try: {warning.suggestion}" if warning.suggestion else ""
        lines.append(f"warning [{warning.rule}]: {warning.message}{suggestion}")
    return lines
