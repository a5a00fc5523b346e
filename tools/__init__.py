"""The tools, one module per tool; ``selected_tools`` applies read-only mode and filters.

``TOOL_NAMES`` (kept in ``server.config``, which checks JIRA_TOOLS against it without importing
any tool) is the registry: adding a tool is adding its module ``tools/<name>.py``, in the shape
tests/tools/test_tool_shape.py checks, and its name there. Tool modules are imported by
``all_tools`` only, so ``import tools`` stays cheap for code that needs the base types; the
heavy engines a handler uses load on its first call (``server.engines``).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from server.config import TOOL_NAMES, Settings
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec


def tool_module(name: str) -> ModuleType:
    """The module of the tool called ``name`` (imported on first use)."""
    return importlib.import_module(f"{__name__}.{name}")


def all_tools() -> tuple[ToolSpec[Any, Any], ...]:
    """Every tool, in the order tools/list shows them."""
    return tuple(tool_module(name).SPEC for name in TOOL_NAMES)


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
    "TOOL_NAMES",
    "ToolContext",
    "ToolInputError",
    "ToolParams",
    "ToolResult",
    "ToolSpec",
    "all_tools",
    "selected_tools",
    "tool_module",
]
