"""Shaping Jira's issue JSON into small, flat results and compact text for the model.

Jira returns self links, avatar URLs, status categories and dozens of null custom fields for
each issue; the model needs a handful of names and dates. Everything a tool shows passes through
here: which fields are asked for, how each value is flattened, where long text is cut, and how a
result is written as one line per item.
"""

from server.config import DEFAULT_FIELDS
from server.shaping.field_selection import ShapingError, select_fields
from server.shaping.issue import FlatIssue, FlatValue, flatten_issue
from server.shaping.table import render_table
from server.shaping.text import truncate
from server.shaping.values import flatten_value

__all__ = [
    "DEFAULT_FIELDS",
    "FlatIssue",
    "FlatValue",
    "ShapingError",
    "flatten_issue",
    "flatten_value",
    "render_table",
    "select_fields",
    "truncate",
]
