"""The heavy engines, each loaded the first time one of its names is used.

Starting the server and answering tools/list need neither the JQL engine, the Markdown/ADF
converter nor the text shaping; a tool call does. Code that uses them writes
``engines.parse(...)``: the attribute is looked up in ``HOMES`` on first use (PEP 562),
its module imported, and the name kept here so the next use costs nothing. This is the one
place where start-up cost is decided; ``from server.engines import parse`` would load the
engine at once, which tests/tools/test_tool_shape.py refuses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    # What mypy sees: each name as its home module defines it.
    from server.adf import markdown_to_adf, validate_adf
    from server.jql import JqlError, ScopeError, is_bounded, lint, parse, quote, render, scope
    from server.jql.names import check, needs_field_list, refusal, value_fields
    from server.jql.parser import parse_located
    from server.shaping import (
        ShapingError,
        detail,
        flatten_issue,
        render_table,
        select_fields,
        truncate,
    )
    from server.wiki import adf_to_wiki, wiki_to_adf

# Each heavy module and the names taken from it.
HOMES: Final = {
    "server.adf": ("markdown_to_adf", "validate_adf"),
    "server.jql": (
        "JqlError",
        "ScopeError",
        "is_bounded",
        "lint",
        "parse",
        "quote",
        "render",
        "scope",
    ),
    "server.jql.names": ("check", "needs_field_list", "refusal", "value_fields"),
    "server.jql.parser": ("parse_located",),
    "server.shaping": (
        "ShapingError",
        "flatten_issue",
        "render_table",
        "select_fields",
        "truncate",
    ),
    "server.wiki": ("adf_to_wiki", "wiki_to_adf"),
}
# Whole modules used by attribute (``engines.detail.when(...)``), under a short name.
MODULES: Final = {"detail": "server.shaping.detail"}
_HOME_OF: Final = {name: module for module, names in HOMES.items() for name in names}

__all__ = [
    "JqlError",
    "ScopeError",
    "ShapingError",
    "adf_to_wiki",
    "check",
    "detail",
    "flatten_issue",
    "is_bounded",
    "lint",
    "markdown_to_adf",
    "needs_field_list",
    "parse",
    "parse_located",
    "quote",
    "refusal",
    "render",
    "render_table",
    "scope",
    "select_fields",
    "truncate",
    "validate_adf",
    "value_fields",
    "wiki_to_adf",
]


def __getattr__(name: str) -> object:
    """``name`` from its heavy module, imported now if it was not yet."""
    if name in MODULES:
        value: object = importlib.import_module(MODULES[name])
        globals()[name] = value
        return value
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
