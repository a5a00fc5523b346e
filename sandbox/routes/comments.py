"""Comments (paged, with visibility and properties) and an issue's changelog (paged)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.adf_check import NOT_ADF, is_adf
from sandbox.routes import field_input as fi
from sandbox.routes import shapes
from sandbox.routes.common import ApiError, View, body, int_param, list_param, ok, view
from sandbox.site import Comment, Issue, Json

MAX_COMMENTS = 5000
MAX_CHANGELOG = 100
ORDERS = ("created", "+created", "-created")
EMPTY_COMMENT = "Comment body can not be empty!"


def _visibility(v: View, value: Any) -> Json | None:
    """A comment's restriction: a project role, or a group the caller belongs to.

    Jira puts these refusals under `errors.commentLevel`.
    """
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    name = value.get("value") or value.get("identifier") if isinstance(value, dict) else None
    if kind not in ("role", "group") or not isinstance(name, str) or not name:
        raise fi.Invalid("Visibility must name a type (role or group) and a value.")
    if kind == "role" and name not in v.site.data.roles:
        raise fi.Invalid(f"Invalid role level specified: {name}.")
    me = v.site.users.get(v.account_id)
    if kind == "group" and (me is None or name not in me.groups):
        raise fi.Invalid(f"You are currently not a member of the group: {name}.")
    return {"type": kind, "value": name}


def _properties(value: Any) -> Json:
    if value is None:
        return {}
    if not isinstance(value, list) or not all(
        isinstance(p, dict) and isinstance(p.get("key"), str) and p["key"] for p in value
    ):
        raise fi.Invalid("Comment properties must be a list of {key, value}.")
    return {p["key"]: p.get("value") for p in value}


def add_comment(
    v: View, issue: Issue, adf: Any, visibility: Any = None, properties: Any = None
) -> Json:
    """Add an ADF comment (on Data Center a wiki-markup string) by the caller; `Invalid`
    when the body or visibility is wrong."""
    _check_body(v, adf)
    restricted = _visibility(v, visibility)
    props = _properties(properties)
    now = v.site.now
    created = Comment(
        id=v.site.allocate_comment_id(),
        author=v.account_id,
        body=adf,
        created=now,
        updated=now,
        visibility=restricted,
        properties=props,
    )
    issue.comments.append(created)
    issue.updated = now
    return shapes.comment(v, issue.id, created, properties=bool(props))


def _check_body(v: View, body: Any) -> None:
    if v.datacenter:
        if not isinstance(body, str):
            raise fi.Invalid(fi.NOT_STRING)
        if not body.strip():
            raise fi.Invalid(EMPTY_COMMENT)
    elif not is_adf(body) or not body.get("content"):
        raise fi.Invalid(NOT_ADF if not is_adf(body) else EMPTY_COMMENT)


async def get_comments(request: Request) -> Response:
    """GET /rest/api/3/issue/{idOrKey}/comment: a PageOfComments (orderBy, expand=properties).

    Data Center pages comments the same way, with the same startAt, maxResults and orderBy
    and the same answer (jira.js ``src/server/parameters/getComments.ts`` and
    ``src/server/models/commentsWithPaginationJson.ts``), so one handler serves both.
    """
    v = view(request)
    issue = v.issue(request.path_params["key"])
    start = int_param(request, "startAt", 0)
    size = min(int_param(request, "maxResults", 100), MAX_COMMENTS)
    order = request.query_params.get("orderBy", "created")
    if order not in ORDERS:
        raise ApiError(
            400, ["The 'orderBy' parameter accepts only created, +created and -created."]
        )
    expand = list_param(request, "expand") or []
    items = sorted(issue.comments, key=lambda c: c.created, reverse=order == "-created")
    chunk = items[start : start + size]
    comments = [shapes.comment(v, issue.id, c, properties="properties" in expand) for c in chunk]
    return ok({"startAt": start, "maxResults": size, "total": len(items), "comments": comments})


async def post_comment(request: Request) -> Response:
    """POST /rest/api/3/issue/{idOrKey}/comment: 201 with the Comment."""
    data = await body(request)
    v = view(request)
    issue = v.issue(request.path_params["key"])
    try:
        created = add_comment(
            v, issue, data.get("body"), data.get("visibility"), data.get("properties")
        )
    except fi.Invalid as exc:
        field = "commentLevel" if "role" in str(exc) or "group" in str(exc) else "comment"
        raise ApiError(400, [], {field: str(exc)}) from None
    v.site.committed()
    return ok(created, 201)


async def get_changelog(request: Request) -> Response:
    """GET /rest/api/3/issue/{idOrKey}/changelog: a PageBeanChangelog, oldest first."""
    v = view(request)
    issue = v.issue(request.path_params["key"])
    start = int_param(request, "startAt", 0)
    size = min(int_param(request, "maxResults", MAX_CHANGELOG), MAX_CHANGELOG)
    entries = sorted(issue.changelog, key=lambda e: e.created)
    chunk = entries[start : start + size]
    return ok(
        {
            "self": v.api(f"issue/{issue.key}/changelog?maxResults={size}&startAt={start}"),
            "maxResults": size,
            "startAt": start,
            "total": len(entries),
            "isLast": start + len(chunk) >= len(entries),
            "values": [shapes.change_entry(v, e) for e in chunk],
        }
    )


ROUTES = [
    Route("/rest/api/3/issue/{key}/comment", get_comments, methods=["GET"]),
    Route("/rest/api/3/issue/{key}/comment", post_comment, methods=["POST"]),
    Route("/rest/api/3/issue/{key}/changelog", get_changelog, methods=["GET"]),
]
