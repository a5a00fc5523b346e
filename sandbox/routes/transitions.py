"""Workflow transitions: list them (with screen fields on request) and perform one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.routes import field_input as fi
from sandbox.routes.comments import add_comment
from sandbox.routes.common import ApiError, View, body, list_param, no_content, ok, view
from sandbox.routes.workflow import available
from sandbox.seed import DONE
from sandbox.site import Issue, Json, Transition


async def get_transitions(request: Request) -> Response:
    """GET /rest/api/3/issue/{idOrKey}/transitions[?expand=transitions.fields]."""
    v = view(request)
    issue = v.issue(request.path_params["key"])
    with_fields = "transitions.fields" in (list_param(request, "expand") or [])
    items = available(v, issue, with_fields=with_fields)
    wanted = request.query_params.get("transitionId")
    if wanted:
        items = [t for t in items if t["id"] == wanted]
    return ok({"expand": "transitions", "transitions": items})


def _chosen(v: View, issue: Issue, data: Json) -> Transition:
    ref = data.get("transition")
    tid = ref.get("id") if isinstance(ref, dict) else None
    if tid is None:
        raise ApiError(400, ["Missing 'transition' identifier."])
    for t in v.site.data.transitions:
        if t.id == str(tid) and t.to_status != issue.status:
            return t
    raise ApiError(
        400,
        [f"Transition id '{tid}' is not valid for this issue."],
    )


def _screen_values(v: View, t: Transition, data: Json) -> tuple[str | None, Any]:
    """The resolution id and comment body given on the screen, or Jira's 400."""
    fields = data.get("fields") or {}
    update = data.get("update") or {}
    if not isinstance(fields, dict) or not isinstance(update, dict):
        raise ApiError(400, ["'fields' and 'update' must be objects."])
    errors = {fid: fi.NOT_SETTABLE.format(fid) for fid in [*fields, *update] if fid not in t.screen}
    resolution = None
    if "resolution" in fields:
        try:
            resolution = _resolution(v, fields["resolution"])
        except fi.Invalid as exc:
            errors["resolution"] = str(exc)
    elif "resolution" in t.required:
        errors["resolution"] = "Resolution is required."
    if errors:
        raise ApiError(400, [], errors)
    comments = update.get("comment") or []
    body_ = comments[0].get("add", {}).get("body") if comments else None
    return resolution, body_


def _resolution(v: View, value: Any) -> str:
    ref = value.get("id") or value.get("name") if isinstance(value, dict) else None
    for r in v.site.data.resolutions:
        if ref is not None and str(ref).lower() in (r.id, r.name.lower()):
            return r.id
    raise fi.Invalid(f"Resolution '{ref}' is not valid.")


async def do_transition(request: Request) -> Response:
    """POST /rest/api/3/issue/{idOrKey}/transitions: 204, or 400 naming the missing field."""
    data = await body(request)
    v = view(request)
    issue = v.issue(request.path_params["key"])
    t = _chosen(v, issue, data)
    resolution, comment_body = _screen_values(v, t, data)
    if comment_body is not None:
        try:
            add_comment(v, issue, comment_body)
        except fi.Invalid as exc:
            raise ApiError(400, [], {"comment": str(exc)}) from None
    now = v.site.now
    old_category = v.site.statuses[issue.status].category
    issue.status = t.to_status
    if v.site.statuses[t.to_status].category != old_category:
        issue.status_changed = now
    done = t.to_status == DONE
    issue.resolution = resolution if done else None
    issue.resolved = now if done else None
    issue.updated = now
    v.site.committed()
    return no_content()


ROUTES = [
    Route("/rest/api/3/issue/{key}/transitions", get_transitions, methods=["GET"]),
    Route("/rest/api/3/issue/{key}/transitions", do_transition, methods=["POST"]),
]
