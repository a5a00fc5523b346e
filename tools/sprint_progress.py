"""sprint_progress: where a sprint stands, from one pass over its issues.

It reads the board's estimation field from its configuration (cached by the gateway) and every
issue of the sprint with only the fields the figures need: by sprint id from the sprint's
issues, otherwise from the scrum board's issues in its active sprint, which name that sprint
themselves (so no separate sprint lookup is needed). Then it counts: issues by status
category, story points, a per-assignee breakdown and the flagged (blocked) issues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec

# Jira Software's "Flagged" field: checkboxes (an array of options) whose one option is
# Impediment. Its id differs between sites, so it is found by name and type in the catalogue.
FLAGGED_NAME = "flagged"
FLAGGED_SCHEMA = {"type": "array", "items": "option"}
AGILE_FLAGGED = "flagged"  # the Agile API's own boolean on each issue
IMPEDIMENT = "Impediment"
CATEGORY_ORDER = {"new": 0, "indeterminate": 1, "done": 2}
BLOCKED_SHOWN = 20  # more flagged issues than this are counted, not listed
SUMMARY_CHARS = 80
GOAL_CHARS = 160


class SprintProgressParams(ToolParams):
    """Which sprint: by id, by board (its active sprint) or by project (its scrum board).

    0 and "" mean "not given", which keeps the input schema free of nullable unions.
    """

    sprint_id: int = Field(0, ge=0, description="Sprint id; wins over the others.")
    board_id: int = Field(0, ge=0, description="Scrum board id: its active sprint.")
    project: str = Field(
        "",
        max_length=20,
        pattern=r"^([A-Za-z][A-Za-z0-9_]*)?$",
        description="Project key: its scrum board's active sprint; needed unless one is allowed.",
    )


class SprintInfo(BaseModel):
    """The sprint itself; days_left counts calendar days to the end (0 once past)."""

    id: int
    name: str
    state: str
    goal: str = ""
    board_id: int | None = None
    start: date | None = None
    end: date | None = None
    days_left: int | None = None


class Points(BaseModel):
    """Story points by the board's estimation field."""

    total: float
    done: float
    remaining: float
    unestimated: int
    by_category: dict[str, float]


class Assignee(BaseModel):
    """One assignee's share of the sprint."""

    name: str
    account_id: str | None = None
    issues: int
    done: int
    points: float = 0.0
    done_points: float = 0.0


class SprintProgressResult(ToolResult):
    """Where the sprint stands."""

    sprint: SprintInfo
    issues: int
    done: int
    by_category: dict[str, int]
    points: Points | None = None  # None when the board does not estimate
    percent_done: float
    percent_basis: Literal["points", "issues"]
    by_assignee: list[Assignee]
    blocked: dict[str, str]  # key -> summary of at most BLOCKED_SHOWN flagged issues
    blocked_total: int


# -- finding the sprint ----------------------------------------------------------------------


# The board's issues in its active sprint; each carries that sprint in fields.sprint, so
# one search finds the sprint and reads its issues (no separate sprint lookup).
ACTIVE_SPRINT_JQL = "sprint in openSprints() AND sprint not in futureSprints()"


async def _locate_and_read(
    ctx: ToolContext, params: SprintProgressParams
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
    sprint = _dict(issue.get("fields")).get("sprint")
    if isinstance(sprint, dict) and sprint.get("state") == "active" and "id" in sprint:
        return sprint
    return None


async def _project(ctx: ToolContext, params: SprintProgressParams) -> str:
    from tools.resolve import chosen_project  # noqa: PLC0415  # only this path needs it

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
        schema = _dict(field.get("schema"))
        typed = all(schema.get(k) == v for k, v in FLAGGED_SCHEMA.items())
        if typed and str(field.get("name", "")).casefold() == FLAGGED_NAME and field.get("id"):
            return str(field["id"])
    return None


async def _flag_fields(ctx: ToolContext) -> list[str]:
    flagged = await _flagged_field(ctx)
    return [flagged] if flagged else []


async def _sprint_issues(
    ctx: ToolContext, sprint_id: int, estimation: str | None
) -> list[dict[str, Any]]:
    """Every issue of the sprint (all pages), with only the fields the figures use."""
    fields = [*_FIELDS, *await _flag_fields(ctx), *([estimation] if estimation else [])]
    issues: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None:
        page, start = await ctx.gateway.agile.sprint_issues_page(sprint_id, fields, start)
        issues.extend(page)
        await ctx.progress(len(issues), None, f"read {len(issues)} issues of the sprint")
    return issues


async def _active_sprint_issues(
    ctx: ToolContext, board_id: int, estimation: str | None
) -> list[dict[str, Any]]:
    """Every issue of the board's active sprint (all pages), each with its sprint."""
    fields = [*_FIELDS, *await _flag_fields(ctx), "sprint", *([estimation] if estimation else [])]
    issues: list[dict[str, Any]] = []
    start: int | None = 0
    while start is not None:
        page, start = await ctx.gateway.agile.board_issues_page(
            board_id, fields, start, ACTIVE_SPRINT_JQL
        )
        issues.extend(page)
        await ctx.progress(len(issues), None, f"read {len(issues)} issues of the sprint")
    return issues


async def handler(ctx: ToolContext, params: SprintProgressParams) -> SprintProgressResult:
    """Locate the sprint, read its issues, count."""
    sprint, estimation, issues = await _locate_and_read(ctx, params)
    flagged = await _flagged_field(ctx)
    return summarise(sprint, estimation, issues, datetime.now(UTC), flagged_field=flagged)


# -- counting --------------------------------------------------------------------------------


def summarise(
    sprint: dict[str, Any],
    estimation: str | None,
    issues: list[dict[str, Any]],
    now: datetime,
    *,
    flagged_field: str | None = None,
) -> SprintProgressResult:
    """The figures of a sprint from its issues as Jira returned them."""
    rows = _in_category_order([_IssueRow.of(issue, estimation, flagged_field) for issue in issues])
    done = [r for r in rows if r.done]
    points = _points(rows) if estimation else None
    if points is not None and points.total > 0:
        basis: Literal["points", "issues"] = "points"
        percent = 100 * points.done / points.total
    else:
        basis, percent = "issues", (100 * len(done) / len(rows) if rows else 0.0)
    blocked = [r for r in rows if r.flagged]
    by_category: dict[str, int] = {}
    for row in rows:
        by_category[row.category] = by_category.get(row.category, 0) + 1
    return SprintProgressResult(
        sprint=_sprint_info(sprint, now),
        issues=len(rows),
        done=len(done),
        by_category=by_category,
        points=points,
        percent_done=round(percent, 1),
        percent_basis=basis,
        by_assignee=_by_assignee(rows),
        blocked={r.key: r.summary for r in blocked[:BLOCKED_SHOWN]},
        blocked_total=len(blocked),
    )


@dataclass(frozen=True)
class _IssueRow:
    """The few facts of one issue that the figures use."""

    key: str
    summary: str
    status: str
    category_key: str
    category: str
    account_id: str | None
    assignee: str
    points: float | None
    flagged: bool

    @property
    def done(self) -> bool:
        return self.category_key == "done"

    @classmethod
    def of(
        cls, issue: dict[str, Any], estimation: str | None, flagged_field: str | None = None
    ) -> _IssueRow:
        fields = _dict(issue.get("fields"))
        status = _dict(fields.get("status"))
        category = _dict(status.get("statusCategory"))
        assignee = _dict(fields.get("assignee"))
        account_id = assignee.get("accountId")
        return cls(
            key=str(issue.get("key", "")),
            summary=str(fields.get("summary") or ""),
            status=str(status.get("name") or "?"),
            category_key=str(category.get("key") or "undefined"),
            category=str(category.get("name") or "No category"),
            account_id=account_id if isinstance(account_id, str) else None,
            assignee=str(assignee.get("displayName") or "Unassigned"),
            points=_number(fields.get(estimation)) if estimation else None,
            flagged=_is_flagged(fields, flagged_field),
        )


def _in_category_order(rows: list[_IssueRow]) -> list[_IssueRow]:
    """To Do, In Progress, Done (then anything else), keeping Jira's rank within each."""
    return sorted(rows, key=lambda r: CATEGORY_ORDER.get(r.category_key, len(CATEGORY_ORDER)))


def _points(rows: list[_IssueRow]) -> Points:
    total = sum(r.points or 0.0 for r in rows)
    done = sum(r.points or 0.0 for r in rows if r.done)
    by_category: dict[str, float] = {}
    for row in rows:
        by_category[row.category] = by_category.get(row.category, 0.0) + (row.points or 0.0)
    return Points(
        total=total,
        done=done,
        remaining=total - done,
        unestimated=sum(1 for r in rows if r.points is None),
        by_category=by_category,
    )


def _by_assignee(rows: list[_IssueRow]) -> list[Assignee]:
    people: dict[str | None, list[_IssueRow]] = {}
    for row in rows:
        people.setdefault(row.account_id, []).append(row)
    loads = [
        Assignee(
            name=mine[0].assignee,
            account_id=account_id,
            issues=len(mine),
            done=sum(1 for r in mine if r.done),
            points=sum(r.points or 0.0 for r in mine),
            done_points=sum(r.points or 0.0 for r in mine if r.done),
        )
        for account_id, mine in people.items()
    ]
    # Unassigned work last: it is the row a lead reads as "still to hand out".
    return sorted(loads, key=lambda a: (a.account_id is None, -a.issues, a.name))


def _sprint_info(sprint: dict[str, Any], now: datetime) -> SprintInfo:
    start, end = _moment(sprint.get("startDate")), _moment(sprint.get("endDate"))
    state = str(sprint.get("state", ""))
    days_left = None
    if end is not None:
        days_left = 0 if state == "closed" else max(0, (end.date() - now.date()).days)
    board = sprint.get("originBoardId")
    return SprintInfo(
        id=int(sprint["id"]),
        name=str(sprint.get("name", "")),
        state=state,
        goal=str(sprint.get("goal") or ""),
        board_id=board if isinstance(board, int) else None,
        start=start.date() if start else None,
        end=end.date() if end else None,
        days_left=days_left,
    )


def _is_flagged(fields: dict[str, Any], flagged_field: str | None) -> bool:
    """The Agile API's ``flagged`` where Jira returns it, else the Flagged field's Impediment."""
    agile = fields.get(AGILE_FLAGGED)
    if isinstance(agile, bool):
        return agile
    options = fields.get(flagged_field) if flagged_field else None
    return isinstance(options, list) and any(
        isinstance(o, dict) and o.get("value") == IMPEDIMENT for o in options
    )


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# -- text ------------------------------------------------------------------------------------


def render(result: SprintProgressResult) -> str:
    """A few header lines, then the category and assignee tables and the blocked list."""
    # The shaping library loads with the first answer, not at server start-up.
    from server.shaping import render_table  # noqa: PLC0415

    points = result.points
    point_columns = ["points"] if points else []
    categories = render_table(
        ["category", "issues", *point_columns],
        [
            {"category": name, "issues": count, "points": points and points.by_category.get(name)}
            for name, count in result.by_category.items()
        ],
    )
    people = render_table(
        ["assignee", "issues", "done", *(["points", "done_points"] if points else [])],
        [{"assignee": a.name, **a.model_dump(exclude={"name"})} for a in result.by_assignee],
    )
    parts = ["\n".join(_header(result)), categories, people, _blocked(result)]
    return "\n\n".join(parts)


def _header(result: SprintProgressResult) -> list[str]:
    from server.shaping import truncate  # noqa: PLC0415  # see render

    s = result.sprint
    dates = f"{s.start or '?'} -> {s.end or '?'}"
    left = "" if s.days_left is None else f", {s.days_left} days left"
    lines = [f"{s.name} (sprint {s.id}, board {s.board_id}, {s.state}) {dates}{left}"]
    if s.goal:
        lines.append(f"goal: {truncate(s.goal, GOAL_CHARS)}")
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


def _blocked(result: SprintProgressResult) -> str:
    from server.shaping import render_table, truncate  # noqa: PLC0415  # see render

    title = f"blocked (flagged): {result.blocked_total}"
    if not result.blocked:
        return title
    rows = [
        {"key": key, "summary": truncate(summary, SUMMARY_CHARS, hint="bulk_fetch the key")}
        for key, summary in result.blocked.items()
    ]
    text = render_table(["key", "summary"], rows, title=title)
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
    params=SprintProgressParams,
    result=SprintProgressResult,
    handler=handler,
    render=render,
    read_only=True,
    destructive=False,
    idempotent=True,
)
