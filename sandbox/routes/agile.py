"""Jira Software (Agile 1.0): boards, their configuration, sprints, sprint and board issues."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.records import JqlRejected, matching, parse_jql
from sandbox.routes import shapes
from sandbox.routes.common import ApiError, View, int_param, list_param, ok, view
from sandbox.routes.issue_shape import Selection, issue_bean, select
from sandbox.seed import EPIC
from sandbox.site import Board, Issue, Json, Sprint

MAX_SPRINT_ISSUES = 50
NO_SPRINTS = "The board does not support sprints"
STATE_ORDER = {"closed": 0, "active": 1, "future": 2}


def _board(v: View, raw: str) -> Board:
    found = v.site.boards.get(int(raw)) if raw.isdigit() else None
    if found is None or not v.site.can_browse(v.account_id, found.project_key):
        raise ApiError(404, [f"Board with id {raw} does not exist or you do not have permission."])
    return found


def _sprint(v: View, raw: str) -> Sprint:
    found = v.site.sprints.get(int(raw)) if raw.isdigit() else None
    if found is None or not v.site.can_browse(
        v.account_id, v.site.boards[found.board_id].project_key
    ):
        raise ApiError(404, [f"Sprint with id {raw} does not exist or you do not have permission."])
    return found


def _paged(request: Request, items: list[Json], default: int = 50) -> Json:
    start = int_param(request, "startAt", 0)
    size = min(int_param(request, "maxResults", default), 50)
    chunk = items[start : start + size]
    return {
        "maxResults": size,
        "startAt": start,
        "total": len(items),
        "isLast": start + len(chunk) >= len(items),
        "values": chunk,
    }


async def boards(request: Request) -> Response:
    """GET /rest/agile/1.0/board, filtered by projectKeyOrId, type and name."""
    v = view(request)
    project = request.query_params.get("projectKeyOrId")
    types = list_param(request, "type")
    name = request.query_params.get("name", "").lower()
    found = []
    for b in v.site.data.boards:
        p = v.site.projects[b.project_key]
        if not v.site.can_browse(v.account_id, p.key):
            continue
        if project and project not in (p.key, p.id):
            continue
        if (types and b.type not in types) or name not in b.name.lower():
            continue
        found.append(shapes.board(v, b))
    return ok(_paged(request, found))


async def board(request: Request) -> Response:
    """GET /rest/agile/1.0/board/{id}."""
    v = view(request)
    return ok(shapes.board(v, _board(v, request.path_params["id"])))


def _columns(v: View, b: Board) -> list[Json]:
    ids = {"To Do": ["10000"], "In Progress": ["3"], "In Review": ["10002"], "Done": ["10001"]}
    return [
        {"name": name, "statuses": [{"id": s, "self": v.api(f"status/{s}")} for s in sids]}
        for name, sids in ids.items()
    ]


async def configuration(request: Request) -> Response:
    """GET /rest/agile/1.0/board/{id}/configuration (estimation on scrum boards)."""
    v = view(request)
    b = _board(v, request.path_params["id"])
    p = v.site.projects[b.project_key]
    out: Json = {
        "id": b.id,
        "name": b.name,
        "type": b.type,
        "self": f"{v.base}/rest/agile/1.0/board/{b.id}/configuration",
        "location": {"type": "project", "projectKeyOrId": p.id},
        "filter": {"id": str(10000 + b.id), "self": v.api(f"filter/{10000 + b.id}")},
        "columnConfig": {"columns": _columns(v, b), "constraintType": "issueCount"},
        "ranking": {"rankCustomFieldId": 10019},
    }
    if b.type == "kanban":
        out["subQuery"] = {"query": "fixVersion in unreleasedVersions() OR fixVersion is EMPTY"}
    elif b.estimation_field:
        field = v.site.fields[b.estimation_field]
        out["estimation"] = {
            "type": "field",
            "field": {"fieldId": field.id, "displayName": field.name},
        }
    return ok(out)


async def board_sprints(request: Request) -> Response:
    """GET /rest/agile/1.0/board/{id}/sprint?state=...: closed, active, then future."""
    v = view(request)
    b = _board(v, request.path_params["id"])
    if b.type != "scrum":
        raise ApiError(400, [NO_SPRINTS])
    states = list_param(request, "state") or ["future", "active", "closed"]
    unknown = [s for s in states if s not in STATE_ORDER]
    if unknown:
        raise ApiError(400, [f"The sprint state '{unknown[0]}' is not valid."])
    found = sorted(
        (s for s in v.site.data.sprints if s.board_id == b.id and s.state in states),
        key=lambda s: (STATE_ORDER[s.state], s.id),
    )
    return ok(_paged(request, [shapes.sprint(v, s) for s in found]))


async def sprint(request: Request) -> Response:
    """GET /rest/agile/1.0/sprint/{id}."""
    v = view(request)
    return ok(shapes.sprint(v, _sprint(v, request.path_params["id"])))


def _agile_fields(v: View, issue: Issue, selection: Selection, fields: Json) -> None:
    """The Agile extras on sprint issues: sprint, closedSprints, flagged and epic."""
    if not selection.fields:
        return
    sprints = [v.site.sprints[s] for s in issue.sprints]
    current = next((s for s in sprints if s.state != "closed"), None)
    fields["sprint"] = shapes.sprint(v, current) if current else None
    fields["closedSprints"] = [shapes.sprint(v, s) for s in sprints if s.state == "closed"]
    if v.site.agile_flagged:
        fields["flagged"] = issue.flagged
    parent = v.site.by_id.get(issue.parent) if issue.parent else None
    fields["epic"] = _epic(v, parent) if parent and parent.issuetype == EPIC else None


def _epic(v: View, epic: Issue) -> Json:
    return {
        "id": epic.id,
        "key": epic.key,
        "self": f"{v.base}/rest/agile/1.0/epic/{epic.id}",
        "name": epic.summary,
        "summary": epic.summary,
        "done": epic.status == "10001",
    }


def _issues_where(v: View, jql: str | None, keep: Callable[[Issue], bool]) -> list[Issue]:
    # Issues in rank order unless the JQL brings its own ORDER BY.
    try:
        query = parse_jql(jql, bounded=False)
        found = matching(v.site, v.account_id, query)
    except JqlRejected as exc:
        raise ApiError(400, [str(exc)]) from None
    mine = [i for i in found if keep(i)]
    return mine if query.order_by else sorted(mine, key=lambda i: i.rank)


async def sprint_issues(request: Request) -> Response:
    """GET /rest/agile/1.0/sprint/{id}/issue: paged by startAt, at most 50 a page."""
    v = view(request)
    s = _sprint(v, request.path_params["id"])
    issues = _issues_where(v, request.query_params.get("jql"), lambda i: s.id in i.sprints)
    return _issue_page(v, request, issues)


async def board_issues(request: Request) -> Response:
    """GET /rest/agile/1.0/board/{id}/issue: the board's issues (its project's), paged."""
    v = view(request)
    b = _board(v, request.path_params["id"])
    issues = _issues_where(v, request.query_params.get("jql"), lambda i: i.project == b.project_key)
    return _issue_page(v, request, issues)


def _issue_page(v: View, request: Request, issues: list[Issue]) -> Response:
    start = int_param(request, "startAt", 0)
    size = min(int_param(request, "maxResults", MAX_SPRINT_ISSUES), MAX_SPRINT_ISSUES)
    selection = select(v.site.data.fields, list_param(request, "fields"), "*navigable")
    expand = list_param(request, "expand") or []
    beans = []
    for issue in issues[start : start + size]:
        bean = issue_bean(v, issue, selection, expand)
        if "fields" in bean:
            _agile_fields(v, issue, selection, bean["fields"])
        beans.append(bean)
    return ok(
        {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(issues),
            "issues": beans,
        }
    )


ROUTES = [
    Route("/rest/agile/1.0/board", boards, methods=["GET"]),
    Route("/rest/agile/1.0/board/{id}", board, methods=["GET"]),
    Route("/rest/agile/1.0/board/{id}/configuration", configuration, methods=["GET"]),
    Route("/rest/agile/1.0/board/{id}/sprint", board_sprints, methods=["GET"]),
    Route("/rest/agile/1.0/board/{id}/issue", board_issues, methods=["GET"]),
    Route("/rest/agile/1.0/sprint/{id}", sprint, methods=["GET"]),
    Route("/rest/agile/1.0/sprint/{id}/issue", sprint_issues, methods=["GET"]),
]
