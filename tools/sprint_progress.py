"""sprint_progress: where a sprint stands, from one pass over its issues.

It reads the board's estimation field from its configuration (cached by the gateway) and every
issue of the sprint with only the fields the figures need: by sprint id from the sprint's
issues, otherwise from the scrum board's issues in its active sprint, which name that sprint
themselves (so no separate sprint lookup is needed). Then ``tools.support.sprint_figures``
counts: issues by status category, story points, each assignee's share, the flagged issues.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from server import engines
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.resolve import chosen_project
from tools.support.sprint_figures import AGILE_FLAGGED, SprintFigures, as_dict, summarise

# Jira Software's "Flagged" field: checkboxes (an array of options) whose one option is
# Impediment. Its id differs between sites, so it is found by name and type in the catalogue.
FLAGGED_NAME = "flagged"
FLAGGED_SCHEMA = {"type": "array", "items": "option"}
SUMMARY_CHARS = 80
GOAL_CHARS = 160


class Params(ToolParams):
    """Which sprint: by id, by board (its active sprint) or by project (its scrum board)."""

    sprint_id: int | None = Field(None, ge=0, description="Sprint id; wins over the others.")
    board_id: int | None = Field(None, ge=0, description="Scrum board id: its active sprint.")
    project: str | None = Field(
        None,
        max_length=20,
        pattern=r"^([A-Za-z][A-Za-z0-9_]*)?$",
        description="Project key: its scrum board's active sprint; needed unless one is allowed.",
    )


class Result(ToolResult, SprintFigures):
    """Where the sprint stands."""


# -- finding the sprint ----------------------------------------------------------------------


# The board's issues in its active sprint; each carries that sprint in fields.sprint, so
# one search finds the sprint and reads its issues (no separate sprint lookup).
ACTIVE_SPRINT_JQL = "sprint in openSprints() AND sprint not in futureSprints()"


async def _locate_and_read(
    ctx: ToolContext, params: Params
) -> tuple[dict[str, Any], str | None, list[dict[str, Any]]]:
    """The sprint, its board's estimation field, and every issue of the sprint."""
    agile = ctx.gateway.agile
    if params.sprint_id:
        sprint = await agile.sprint(params.sprint_id)
        board_id = sprint.get("originBoardId")
        config = await agile.board_config(board_id) if isinstance(board_id, int) else None
        estimation = config.estimation_field if config else None
        return sprint, estimation, await _sprint_issues(ctx, int(sprint["id"]), estimation)
    board_id = params.board_id or await _scrum_board(ctx, await _project(ctx, params))
    config = await agile.board_config(board_id)
    if config.board_type != "scrum":
        raise ToolInputError(
            f"Board {board_id} is a {config.board_type or 'non-scrum'} board without sprints; "
            "pass a scrum board_id or a sprint_id."
        )
    estimation = config.estimation_field
    issues = await _active_sprint_issues(ctx, board_id, estimation)
    sprints = {int(s["id"]): s for s in (_sprint_of(i) for i in issues) if s is not None}
    if len(sprints) > 1:
        listed = ", ".join(f"{s.get('name')} (sprint_id {i})" for i, s in sorted(sprints.items()))
        raise ToolInputError(f"Board {board_id} has parallel active sprints: {listed}; pick one.")
    if sprints:
        sprint = next(iter(sprints.values()))
        # Issues of the board in another project's open sprint are not this sprint's.
        mine = [i for i in issues if (_sprint_of(i) or {}).get("id") == sprint["id"]]
        return sprint, estimation, mine
    # No issue is in an active sprint: an empty active sprint, or none at all.
    active = await agile.sprints(board_id, "active")
    if not active:
        raise ToolInputError(
            f"Board {board_id} has no active sprint; pass the sprint_id of a closed or future one."
        )
    return active[0], estimation, []


def _sprint_of(issue: dict[str, Any]) -> dict[str, Any] | None:
    sprint = as_dict(issue.get("fields")).get("sprint")
    if isinstance(sprint, dict) and sprint.get("state") == "active" and "id" in sprint:
        return sprint
    return None


async def _project(ctx: ToolContext, params: Params) -> str:
    ask = (
        "Name the project whose active sprint to show (project=KEY), or pass board_id or sprint_id."
    )
    return await chosen_project(ctx.gateway, params.project, ask)


async def _scrum_board(ctx: ToolContext, project: str) -> int:
    boards = await ctx.gateway.agile.boards(project, "scrum")
    if not boards:
        raise ToolInputError(
            f"Project {project} has no scrum board, so it has no sprints; "
            "pass a board_id or sprint_id, or another project."
        )
    return int(boards[0]["id"])


_FIELDS = ("summary", "status", "assignee", AGILE_FLAGGED)


async def _flagged_field(ctx: ToolContext) -> str | None:
    """The site's Flagged field id, by name and type (the catalogue is cached by the gateway)."""
    for field in await ctx.gateway.meta.fields():
        schema = as_dict(field.get("schema"))
        typed = all(schema.get(k) == v for k, v in FLAGGED_SCHEMA.items())
        if typed and str(field.get("name", "")).casefold() == FLAGGED_NAME and field.get("id"):
            return str(field["id"])
    return None


def _has_agile_flags(issues: list[dict[str, Any]]) -> bool:
    """Whether Jira sent the Agile API's boolean ``flagged`` with these issues."""
    return any(isinstance(as_dict(i.get("fields")).get(AGILE_FLAGGED), bool) for i in issues)


PageAt = Callable[[list[str], int], Awaitable[tuple[list[dict[str, Any]], int | None]]]


async def _all_pages(ctx: ToolContext, page_at: PageAt, fields: list[str]) -> list[dict[str, Any]]:
    """Every page of a sprint's issues. Where the Agile API leaves out its ``flagged``
    boolean, the Flagged field is found in the catalogue and the first page read again with it
    (so a site that sends the boolean never pays for the catalogue)."""
    page, start = await page_at(fields, 0)
    if page and not _has_agile_flags(page):
        flagged = await _flagged_field(ctx)
        if flagged:
            fields = [*fields, flagged]
            page, start = await page_at(fields, 0)
    issues = list(page)
    await ctx.progress(len(issues), None, f"read {len(issues)} issues of the sprint")
    while start is not None:
        page, start = await page_at(fields, start)
        issues.extend(page)
        await ctx.progress(len(issues), None, f"read {len(issues)} issues of the sprint")
    return issues


async def _sprint_issues(
    ctx: ToolContext, sprint_id: int, estimation: str | None
) -> list[dict[str, Any]]:
    """Every issue of the sprint (all pages), with only the fields the figures use."""
    fields = [*_FIELDS, *([estimation] if estimation else [])]

    async def page_at(wanted: list[str], start: int) -> tuple[list[dict[str, Any]], int | None]:
        return await ctx.gateway.agile.sprint_issues_page(sprint_id, wanted, start)

    return await _all_pages(ctx, page_at, fields)


async def _active_sprint_issues(
    ctx: ToolContext, board_id: int, estimation: str | None
) -> list[dict[str, Any]]:
    """Every issue of the board's active sprint (all pages), each with its sprint."""
    fields = [*_FIELDS, "sprint", *([estimation] if estimation else [])]

    async def page_at(wanted: list[str], start: int) -> tuple[list[dict[str, Any]], int | None]:
        return await ctx.gateway.agile.board_issues_page(board_id, wanted, start, ACTIVE_SPRINT_JQL)

    return await _all_pages(ctx, page_at, fields)


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Locate the sprint, read its issues, count."""
    sprint, estimation, issues = await _locate_and_read(ctx, params)
    # The catalogue is only needed (and then already cached) where Jira left out the boolean.
    flagged = None if not issues or _has_agile_flags(issues) else await _flagged_field(ctx)
    figures = summarise(sprint, estimation, issues, datetime.now(UTC), flagged_field=flagged)
    return Result(**dict(figures))


# -- text ------------------------------------------------------------------------------------


def render(result: Result) -> str:
    """A few header lines, then the category and assignee tables and the blocked list."""
    points = result.points
    point_columns = ["points"] if points else []
    categories = engines.render_table(
        ["category", "issues", *point_columns],
        [
            {"category": name, "issues": count, "points": points and points.by_category.get(name)}
            for name, count in result.by_category.items()
        ],
    )
    people = engines.render_table(
        ["assignee", "issues", "done", *(["points", "done_points"] if points else [])],
        [{"assignee": a.name, **a.model_dump(exclude={"name"})} for a in result.by_assignee],
    )
    parts = ["\n".join(_header(result)), categories, people, _blocked(result)]
    return "\n\n".join(parts)


def _header(result: Result) -> list[str]:
    s = result.sprint
    dates = f"{s.start or '?'} -> {s.end or '?'}"
    left = "" if s.days_left is None else f", {s.days_left} days left"
    lines = [f"{s.name} (sprint {s.id}, board {s.board_id}, {s.state}) {dates}{left}"]
    if s.goal:
        lines.append(f"goal: {engines.truncate(s.goal, GOAL_CHARS)}")
    progress = f"{result.percent_done:g}% done by {result.percent_basis}"
    progress += f"; {result.done}/{result.issues} issues done"
    if result.points is not None:
        p = result.points
        progress += (
            f"; points {p.done:g}/{p.total:g} done, {p.remaining:g} remaining"
            f", {p.unestimated} unestimated"
        )
    lines.append(progress)
    return lines


def _blocked(result: Result) -> str:
    title = f"blocked (flagged): {result.blocked_total}"
    if not result.blocked:
        return title
    rows = [
        {"key": key, "summary": engines.truncate(summary, SUMMARY_CHARS, hint="bulk_fetch the key")}
        for key, summary in result.blocked.items()
    ]
    text = engines.render_table(["key", "summary"], rows, title=title)
    hidden = result.blocked_total - len(result.blocked)
    if hidden:
        text += (
            f"\n[{hidden} more flagged; search_jql "
            f"'sprint = {result.sprint.id} AND Flagged is not EMPTY' lists them]"
        )
    return text


SPEC = ToolSpec(
    name="sprint_progress",
    title="Sprint progress",
    description=(
        "Sprint status: dates, days left, issues by status category, points, percent done, "
        "load per assignee, flagged issues."
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
