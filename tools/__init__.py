"""The tools, one module per tool; ``selected_tools`` applies read-only mode and filters."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from server.config import Settings
from tools.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec

# Tools after the first six, by module name (each exports SPEC), in tools/list order.
EVERYDAY = (
    "get_issue",
    "add_comment",
    "link_issues",
    "update_issue",
)


def all_tools() -> tuple[ToolSpec[Any, Any], ...]:
    """Every tool, in the order tools/list shows them."""
    # Imported here so that `import tools` stays cheap for code that only needs the base types.
    from tools.bulk_fetch import SPEC as BULK_FETCH  # noqa: PLC0415
    from tools.create_issue import SPEC as CREATE_ISSUE  # noqa: PLC0415
    from tools.search_jql import SPEC as SEARCH_JQL  # noqa: PLC0415
    from tools.sprint_progress import SPEC as SPRINT_PROGRESS  # noqa: PLC0415
    from tools.transition import SPEC as TRANSITION  # noqa: PLC0415
    from tools.validate_jql import SPEC as VALIDATE_JQL  # noqa: PLC0415

    first = (SEARCH_JQL, BULK_FETCH, CREATE_ISSUE, TRANSITION, SPRINT_PROGRESS, VALIDATE_JQL)
    return (*first, *(import_module(f"tools.{name}").SPEC for name in EVERYDAY))


def selected_tools(settings: Settings) -> list[ToolSpec[Any, Any]]:
    """The tools offered: JIRA_TOOLS / JIRA_EXCLUDE_TOOLS, minus writers when read-only."""
    chosen = []
    for spec in all_tools():
        if settings.jira_tools and spec.name not in settings.jira_tools:
            continue
        if spec.name in settings.jira_exclude_tools:
            continue
        if settings.jira_read_only and not spec.read_only:
            continue
        chosen.append(spec)
    return chosen


__all__ = [
    "ToolContext",
    "ToolInputError",
    "ToolParams",
    "ToolResult",
    "ToolSpec",
    "all_tools",
    "selected_tools",
]
