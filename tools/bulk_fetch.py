"""bulk_fetch: many issues by key or id in one call, in the order asked.

Keys are checked and deduplicated first; malformed keys are listed by name in the result (a
typo should be fixed, not reported as missing) while the well-formed ones are fetched. The
gateway denies keys of projects outside the scope before any request, denies issues Jira
returns from such projects, and sends batches of 100 concurrently within the shared rate
limiter; each finished batch is reported as progress.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import Field

from server.gateway.scope import ISSUE_ID, ISSUE_KEY
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.field_names import issue_row, resolve_fields, table

MAX_KEYS: Final = 1000
SHOWN_BAD_KEYS: Final = 10
SHOWN_KEY_CHARS: Final = 40


class Params(ToolParams):
    """Input of bulk_fetch."""

    splittable = ("keys",)

    keys: list[str] = Field(
        description="Issue keys (PROJ-123) or ids.", min_length=1, max_length=MAX_KEYS
    )
    fields: list[str] | None = Field(None, description="As in search_jql.", max_length=200)


class Result(ToolResult):
    """The issues found, in the order asked, and the keys that were not."""

    issues: list[dict[str, Any]]
    not_found: list[str]
    denied: list[str] = Field(description="Outside the allowed projects.")
    malformed: list[str]  # not issue keys or ids, so not fetched


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Check the keys, resolve the fields, fetch in concurrent batches of 100."""
    keys, malformed = _checked_keys(params.keys)
    selection = await resolve_fields(
        params.fields,
        default=ctx.settings.jira_default_fields,
        max_fields=ctx.settings.jira_max_fields,
        source=ctx.gateway.meta,
    )

    reported = 0

    async def report(done: int, total: int) -> None:
        # Batches finish concurrently; progress must only ever go up, so a late one is dropped.
        nonlocal reported
        if done > reported:
            reported = done
            await ctx.progress(done, total, f"fetched batch {done} of {total}")

    found = await ctx.gateway.bulk_fetch(keys, fields=selection.ids, on_batch=report)
    limit = ctx.settings.jira_text_limit
    return Result(
        issues=[issue_row(issue, selection, limit) for issue in found.issues],
        not_found=found.not_found,
        denied=found.denied,
        malformed=malformed,
    )


def _checked_keys(keys: list[str]) -> tuple[list[str], list[str]]:
    """Well-formed keys (upper-cased, deduplicated, in order) and the malformed ones as given;
    ToolInputError when no key is well-formed, as there is nothing to fetch."""
    good: list[str] = []
    bad: list[str] = []
    for key in dict.fromkeys(key.strip() for key in keys):
        upper = key.upper()
        if ISSUE_KEY.match(upper) or ISSUE_ID.match(upper):
            good.append(upper)
        else:  # shown as given, cut: a wrong "key" may be a pasted paragraph
            bad.append(key if len(key) <= SHOWN_KEY_CHARS else key[:SHOWN_KEY_CHARS] + "…")
    good = list(dict.fromkeys(good))
    if not good:
        shown = ", ".join(repr(key) for key in bad[:SHOWN_BAD_KEYS])
        more = f" and {len(bad) - SHOWN_BAD_KEYS} more" if len(bad) > SHOWN_BAD_KEYS else ""
        raise ToolInputError(
            f"Not issue keys: {shown}{more}. Use keys like PROJ-123 or numeric issue ids."
        )
    return good, bad


def render(result: Result) -> str:
    """A table of the issues; then what was not found and what was denied."""
    lines = [table(result.issues)] if result.issues else ["No issues returned."]
    if result.not_found:
        lines.append(f"not_found ({len(result.not_found)}): {', '.join(result.not_found)}")
    if result.denied:
        lines.append(
            f"denied, outside the allowed projects ({len(result.denied)}): "
            + ", ".join(result.denied)
        )
    if result.malformed:
        lines.append(
            f"malformed, not issue keys, not fetched ({len(result.malformed)}): "
            + ", ".join(result.malformed)
            + ". Use keys like PROJ-123 or numeric issue ids."
        )
    return "\n".join(lines)


SPEC = ToolSpec(
    name="bulk_fetch",
    title="Fetch issues by key",
    description="Read up to 1000 issues by key in one call, in the order given.",
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=True,
)
