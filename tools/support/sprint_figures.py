"""The figures of a sprint, counted from its issues as Jira returned them.

Issues by status category, story points by the board's estimation field, each assignee's
share and the flagged (blocked) issues; percent done by points where the board estimates
and any issue carries points, otherwise by issues. Pure: reading the sprint is the tool's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

from pydantic import BaseModel

AGILE_FLAGGED: Final = "flagged"  # the Agile API's own boolean on each issue
IMPEDIMENT: Final = "Impediment"  # the one option of the Flagged checkbox field
CATEGORY_ORDER: Final = {"new": 0, "indeterminate": 1, "done": 2}
BLOCKED_SHOWN: Final = 20  # more flagged issues than this are counted, not listed


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


class SprintFigures(BaseModel):
    """Where a sprint stands, as counted from its issues."""

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


def summarise(
    sprint: dict[str, Any],
    estimation: str | None,
    issues: list[dict[str, Any]],
    now: datetime,
    *,
    flagged_field: str | None = None,
) -> SprintFigures:
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
    return SprintFigures(
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
        fields = as_dict(issue.get("fields"))
        status = as_dict(fields.get("status"))
        category = as_dict(status.get("statusCategory"))
        assignee = as_dict(fields.get("assignee"))
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


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
