"""Agile moves: issues into a sprint (`POST /sprint/{id}/issue`) or to the backlog.

An issue is in at most one open sprint: moving it replaces its active or future sprint and
keeps the closed ones, as its history; the backlog keeps only the closed ones.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.routes.common import ApiError, View, body, no_content, view
from sandbox.site import ChangeEntry, ChangeItem, Issue, Sprint

MAX_MOVED = 50


def _sprint(v: View, raw: str) -> Sprint:
    found = v.site.sprints.get(int(raw)) if raw.isdigit() else None
    if found is None or not v.site.can_browse(
        v.account_id, v.site.boards[found.board_id].project_key
    ):
        raise ApiError(404, [f"Sprint with id {raw} does not exist or you do not have permission."])
    return found


def _issues(v: View, data: dict[str, Any]) -> list[Issue]:
    refs = data.get("issues")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        raise ApiError(400, ["The request must name the issues to move in 'issues'."])
    if len(refs) > MAX_MOVED:
        raise ApiError(400, [f"At most {MAX_MOVED} issues can be moved at once."])
    found = []
    for ref in refs:
        issue = v.site.find_issue(ref)
        if issue is None or not v.site.visible(v.account_id, issue):
            raise ApiError(400, [f"Issue '{ref}' does not exist or you do not have permission."])
        found.append(issue)
    return found


def _move(v: View, issue: Issue, sprint: Sprint | None) -> None:
    closed = [s for s in issue.sprints if v.site.sprints[s].state == "closed"]
    after = closed + ([sprint.id] if sprint and sprint.id not in closed else [])
    if after == issue.sprints:
        return
    name = ", ".join(v.site.sprints[s].name for s in issue.sprints) or None
    item = ChangeItem(
        field="Sprint",
        field_id="customfield_10020",
        from_value=", ".join(map(str, issue.sprints)) or None,
        from_string=name,
        to_value=", ".join(map(str, after)) or None,
        to_string=", ".join(v.site.sprints[s].name for s in after) or None,
    )
    issue.changelog.append(
        ChangeEntry(
            id=v.site.allocate_change_id(), author=v.account_id, created=v.site.now, items=[item]
        )
    )
    issue.sprints = after
    issue.updated = v.site.now


async def move_to_sprint(request: Request) -> Response:
    """POST /rest/agile/1.0/sprint/{sprintId}/issue: 204; only into active or future sprints."""
    data = await body(request)
    v = view(request)
    sprint = _sprint(v, request.path_params["id"])
    if sprint.state == "closed":
        raise ApiError(400, ["Issues cannot be moved to a closed sprint."])
    for issue in _issues(v, data):
        _move(v, issue, sprint)
    v.site.committed()
    return no_content()


async def move_to_backlog(request: Request) -> Response:
    """POST /rest/agile/1.0/backlog/issue: 204; the issues leave their open sprints."""
    data = await body(request)
    v = view(request)
    for issue in _issues(v, data):
        _move(v, issue, None)
    v.site.committed()
    return no_content()


ROUTES = [
    Route("/rest/agile/1.0/sprint/{id}/issue", move_to_sprint, methods=["POST"]),
    Route("/rest/agile/1.0/backlog/issue", move_to_backlog, methods=["POST"]),
]
