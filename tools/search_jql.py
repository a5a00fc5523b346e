"""search_jql: one page of a JQL search, scoped, with only the fields asked, as a compact table.

The query is parsed before anything is sent (a syntax error costs no request), scoped on its
syntax tree by the gateway, and linted. The page token handed out is our own cursor, bound to
the scoped query and the fields, so a page can only continue the search that produced it.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import Field

from server import engines
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.cursor import PageCursor
from tools.support.field_names import issue_row, resolve_fields, table
from tools.support.jql_warnings import MAX_JQL, JqlWarning, lint_warnings, warning_lines

MAX_LIMIT: Final = 100
MAX_TOKEN: Final = 4096


class Params(ToolParams):
    """Input of search_jql."""

    jql: str = Field(description="JQL query.", min_length=1, max_length=MAX_JQL)
    fields: list[str] | None = Field(
        None,
        description="Field ids or names; default: a standard set.",
        max_length=200,
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Issues per page.")
    page_token: str | None = Field(
        None, description="next_page_token of the same query.", max_length=MAX_TOKEN
    )
    count: bool = Field(False, description="Add approximate_total.")


class Result(ToolResult):
    """One page of issues and how to get the next."""

    issues: list[dict[str, Any]]
    next_page_token: str | None
    jql: str = Field(description="The scoped query that ran.")
    approximate_total: int | None = None
    warnings: list[JqlWarning]


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Check and scope the query, resolve the fields, fetch one page (and the count)."""
    query = ctx.gateway.query(params.jql)  # parsed and scoped once; nothing sent yet
    if not engines.is_bounded(query.ast) and not ctx.gateway.scope.enabled:
        # Jira refuses a search without a condition; say so without asking it, with a
        # project the caller can really use as the example.
        keys = [str(p["key"]) for p in await ctx.gateway.meta.projects() if p.get("key")]
        example = f"project = {keys[0]} {params.jql.strip()}".rstrip() if keys else ""
        projects = f" (projects: {', '.join(keys[:10])})" if keys else ""
        raise ToolInputError(
            "The query has no condition, and Jira refuses unbounded searches. Add one"
            + (f", e.g. {example}{projects}." if keys else ", such as project = KEY.")
        )
    warnings = lint_warnings(engines.lint(query.ast, scoped=ctx.gateway.scope.enabled))
    findings = await ctx.gateway.check_names(params.jql)
    if any(finding.certain for finding in findings):
        raise ToolInputError(engines.refusal([finding for finding in findings if finding.certain]))
    warnings += [JqlWarning(rule="names", message=finding.note) for finding in findings]
    selection = await resolve_fields(
        params.fields,
        default=ctx.settings.jira_default_fields,
        max_fields=ctx.settings.jira_max_fields,
        source=ctx.gateway.meta,
    )
    # The gateway's key: this process's own, or the replicas' one key in Redis.
    cursor = PageCursor(ctx.gateway.cursor_key)
    jira_token = None
    if params.page_token:
        jira_token = cursor.unwrap(params.page_token, query.text, selection.ids)
    page = await ctx.gateway.search_page(
        query, fields=selection.ids, max_results=params.limit, next_page_token=jira_token
    )
    # The total does not change from page to page: it is counted with the first page only,
    # from the page itself when Jira counted it there.
    total = None
    if params.count and not params.page_token:
        total = page.total if page.total is not None else await ctx.gateway.approximate_count(query)
    next_token = None
    if page.next_page_token is not None:
        next_token = cursor.wrap(page.next_page_token, page.jql, selection.ids)
    return Result(
        issues=[issue_row(issue, selection, ctx.settings.jira_text_limit) for issue in page.issues],
        next_page_token=next_token,
        jql=page.jql,
        approximate_total=total,
        warnings=warnings,
    )


def render(result: Result) -> str:
    """A table of the page; then the next token, the total and the warnings, if any."""
    if result.issues:
        lines = [table(result.issues)]
    else:
        lines = [f"No issues match this query: {result.jql}"]
    if result.approximate_total is not None:
        lines.append(f"approximate_total: {result.approximate_total}")
    if result.next_page_token is not None:
        lines.append(f"next_page_token: {result.next_page_token}")
    lines.extend(warning_lines(result.warnings))
    return "\n".join(lines)


SPEC = ToolSpec(
    name="search_jql",
    title="Search issues (JQL)",
    description=(
        "Search issues with JQL, one page per call; the query is checked and limited to the "
        "allowed projects."
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
