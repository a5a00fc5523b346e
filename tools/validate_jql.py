"""validate_jql: check a query without running it; an invalid query is an answer, not an error.

Locally: syntax (with line, column and a hint), the site's names (fields, functions, values
and operators, from cached metadata), lint warnings, the normalized query and the query the
scope would really run (a scope refusal is one of the errors). With ``remote=true`` Jira's
``/jql/parse`` (strict) adds its own verdict. Jira is not asked when the local checks failed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, Field

from server import engines
from tools.support.base import ToolContext, ToolParams, ToolResult, ToolSpec
from tools.support.jql_warnings import MAX_JQL, JqlWarning, lint_warnings, warning_lines

if TYPE_CHECKING:
    from server.jql import JqlError
    from server.jql.names import NameFinding

# Jira writes positions into its messages: "... (line 1, character 12)" or "line 1, column 12".
_POSITION: Final = re.compile(r"line (\d+), (?:character|column) (\d+)", re.IGNORECASE)
# Worded for both sites: Cloud answers through /jql/parse, Data Center through a validating
# search (server/gateway/dc_jql.py).
REMOTE_HINT: Final = "Reported by Jira itself: check the field, function or value named."


class JqlProblem(BaseModel):
    """Why a query cannot run, and where."""

    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None


class Params(ToolParams):
    """Input of validate_jql."""

    jql: str = Field(description="JQL to check.", min_length=1, max_length=MAX_JQL)
    remote: bool = Field(False, description="Also ask Jira (unknown fields, functions, values).")


class Result(ToolResult):
    """The verdict on one query."""

    valid: bool
    errors: list[JqlProblem]
    warnings: list[JqlWarning]
    normalized: str | None
    scoped: str | None = Field(description="The query search_jql would run.")


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Parse, lint and scope locally; then, if asked and still valid, ask Jira."""
    try:
        query = engines.parse(params.jql)
    except engines.JqlError as exc:
        return Result(
            valid=False, errors=[_local_problem(exc)], warnings=[], normalized=None, scoped=None
        )
    findings = await ctx.gateway.check_names(params.jql)
    # Findings that are not certain (a function an app may add) are left to Jira if asked.
    errors = [_local_problem(f) for f in findings if f.certain or not params.remote]
    warnings = lint_warnings(engines.lint(query, scoped=ctx.gateway.scope.enabled))
    scoped: str | None = None
    try:
        scoped = ctx.gateway.query(params.jql).text
    except engines.ScopeError as exc:
        errors.append(JqlProblem(message=exc.message, hint=exc.hint))
    if params.remote and not errors:
        # The scoped query: Jira validates nothing the scope would not let run. The
        # user's condition comes first in it, so Jira's positions still point into it.
        verdicts = await ctx.gateway.parse_jql([params.jql])
        for verdict in verdicts[:1]:
            errors.extend(_remote_problem(str(m)) for m in _texts(verdict, "errors"))
            warnings.extend(JqlWarning(rule="jira", message=m) for m in _texts(verdict, "warnings"))
    return Result(
        valid=not errors,
        errors=errors,
        warnings=warnings,
        normalized=engines.render(query),
        scoped=scoped,
    )


def _local_problem(exc: JqlError | NameFinding) -> JqlProblem:
    return JqlProblem(message=exc.message, line=exc.line, column=exc.column, hint=exc.hint)


def _remote_problem(message: str) -> JqlProblem:
    position = _POSITION.search(message)
    line, column = (int(position[1]), int(position[2])) if position else (None, None)
    return JqlProblem(message=message, line=line, column=column, hint=REMOTE_HINT)


def _texts(verdict: dict[str, Any], name: str) -> list[str]:
    items = verdict.get(name)
    return [str(item) for item in items] if isinstance(items, list) else []


def render(result: Result) -> str:
    """One line for the verdict, one per error and warning, then the queries."""
    lines = ["valid" if result.valid else "invalid"]
    for error in result.errors:
        where = f" (line {error.line}, column {error.column})" if error.line else ""
        hint = f" Hint: {error.hint}" if error.hint else ""
        lines.append(f"error{where}: {error.message}{hint}")
    lines.extend(warning_lines(result.warnings))
    if result.normalized is not None:
        lines.append(f"normalized: {result.normalized}")
    if result.scoped is not None:
        lines.append(f"scoped: {result.scoped}")
    return "\n".join(lines)


SPEC = ToolSpec(
    name="validate_jql",
    title="Validate JQL",
    description=(
        "Check JQL without running it: errors with line, column and hint, lint warnings "
        "with rewrites, the normalized and the scoped query."
    ),
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=True,
)
