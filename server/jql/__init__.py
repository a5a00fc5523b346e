"""The JQL engine: lexer -> parser -> frozen AST -> renderer, plus quote(), scope() and lint().

Other code uses only what is exported here.
"""

from server.jql.ast import (
    And,
    Clause,
    CustomField,
    Empty,
    EntityProperty,
    Field,
    FieldName,
    Function,
    HistoryPredicate,
    ListOperand,
    Not,
    Operand,
    Operator,
    Or,
    OrderField,
    PredicateKind,
    Query,
    SortDirection,
    Terminal,
    Value,
)
from server.jql.error_types import JqlError, ScopeError
from server.jql.lint import LintWarning, is_bounded, lint
from server.jql.parser import Locations, parse, parse_located
from server.jql.quote import quote
from server.jql.render import render
from server.jql.scope import scope

__all__ = [
    "And",
    "Clause",
    "CustomField",
    "Empty",
    "EntityProperty",
    "Field",
    "FieldName",
    "Function",
    "HistoryPredicate",
    "JqlError",
    "LintWarning",
    "ListOperand",
    "Locations",
    "Not",
    "Operand",
    "Operator",
    "Or",
    "OrderField",
    "PredicateKind",
    "Query",
    "ScopeError",
    "SortDirection",
    "Terminal",
    "Value",
    "is_bounded",
    "lint",
    "parse",
    "parse_located",
    "quote",
    "render",
    "scope",
]
