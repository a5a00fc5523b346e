"""Issues: get, create, bulk fetch and entity properties (edits: `edit`, comments: `comments`)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.routes import field_input as fi
from sandbox.routes.common import (
    ApiError,
    View,
    as_list,
    body,
    list_param,
    ok,
    view,
)
from sandbox.routes.edit import apply_update
from sandbox.routes.issue_shape import issue_bean, select
from sandbox.seed import TODO
from sandbox.site import Issue, Json

MAX_BULK = 100
_CREATE_ONLY = frozenset({"project", "issuetype", "parent"})


async def get_issue(request: Request) -> Response:
    """GET /rest/api/3/issue/{idOrKey}: all fields unless `fields` says otherwise."""
    v = view(request)
    issue = v.issue(request.path_params["key"])
    selection = select(v.site.data.fields, list_param(request, "fields"), "*all")
    expand = list_param(request, "expand") or []
    bean = issue_bean(v, issue, selection, expand)
    wanted = list_param(request, "properties")
    if wanted:
        bean["properties"] = _selected_properties(issue, wanted)
    return ok(bean)


def _selected_properties(issue: Issue, wanted: list[str]) -> Json:
    """The issue properties a `properties` parameter asks for (`*all`, keys, `-key`)."""
    keys = set(issue.properties) if "*all" in wanted else {k for k in wanted if k[0] != "-"}
    keys -= {k[1:] for k in wanted if k.startswith("-")}
    return {k: issue.properties[k] for k in sorted(keys) if k in issue.properties}


async def bulk_fetch(request: Request) -> Response:
    """POST /rest/api/3/issue/bulkfetch: up to 100 issues, ascending id; unknown ones absent."""
    data = await body(request)
    asked = data.get("issueIdsOrKeys")
    if not isinstance(asked, list) or not asked or not all(isinstance(x, str) for x in asked):
        raise ApiError(400, ["No issue IDs or keys were provided."])
    if len(asked) > MAX_BULK:
        raise ApiError(400, [f"The number of issue IDs or keys must not exceed {MAX_BULK}."])
    v = view(request)
    selection = select(v.site.data.fields, as_list(data.get("fields")), "*navigable")
    expand = as_list(data.get("expand")) or []
    found: dict[int, Issue] = {}
    for ref in asked:
        issue = v.site.find_issue(ref)
        if issue is not None and v.site.visible(v.account_id, issue):
            found[issue.id] = issue
    issues = [issue_bean(v, found[i], selection, expand) for i in sorted(found)]
    return ok({"issues": issues, "issueErrors": []})


def _required(data: Json) -> Json:
    fields = data.get("fields", {})
    if not isinstance(fields, dict):
        raise ApiError(400, ["'fields' must be an object."])
    update = data.get("update", {})
    if not isinstance(update, dict):
        raise ApiError(400, ["'update' must be an object."])
    both = sorted(set(fields) & {k for k, ops in update.items() if ops})
    if both:
        raise ApiError(
            400, [], dict.fromkeys(both, "Field cannot be set in both fields and update.")
        )
    return fields


def _new_issue(v: View, fields: Json) -> tuple[Issue, dict[str, str]]:
    """The issue a create request describes, and the errors found on the way."""
    errors: dict[str, str] = {}
    try:
        project = fi.project(v, fields.get("project"))
    except fi.Invalid as exc:
        raise ApiError(400, [], {"project": str(exc)}) from None
    if "issuetype" not in fields:
        raise ApiError(400, [], {"issuetype": "Specify an issue type"})
    try:
        itype = fi.issuetype(v, fields["issuetype"])
    except fi.Invalid as exc:
        raise ApiError(400, [], {"issuetype": str(exc)}) from None
    values, errors = fi.read_fields(v, project, fields, _CREATE_ONLY)
    if "summary" not in fields:
        errors["summary"] = "You must specify a summary of the issue."
    parent: int | None = None
    try:
        parent = fi.parent_for(v, itype, project, fields.get("parent"))
    except fi.Invalid as exc:
        errors["parent"] = str(exc)
    now = v.site.now
    issue = Issue(
        id=0,
        key="",
        project=project.key,
        issuetype=itype,
        summary="",
        status=TODO,
        priority="3",
        reporter=v.account_id,
        creator=v.account_id,
        created=now,
        updated=now,
        status_changed=now,
        parent=parent,
        rank=f"0|i{v.site.data.next_issue_id:05x}:",
    )
    if not errors:
        fi.apply(issue, values)
    return issue, errors


def _properties(data: Json) -> Json:
    raw = data.get("properties", [])
    if not isinstance(raw, list):
        raise ApiError(400, ["'properties' must be a list of {key, value}."])
    out: Json = {}
    for prop in raw:
        key = prop.get("key") if isinstance(prop, dict) else None
        if not isinstance(key, str) or not key or len(key) > 255:
            raise ApiError(400, ["The property key must be between 1 and 255 characters."])
        out[key] = prop.get("value")
    return out


async def create_issue(request: Request) -> Response:
    """POST /rest/api/3/issue: 201 `{id, key, self}` or Jira's 400 with per-field errors."""
    data = await body(request)
    fields = _required(data)
    v = view(request)
    properties = _properties(data)
    issue, errors = _new_issue(v, fields)
    if errors:
        raise ApiError(400, [], errors)
    issue.id, issue.key = v.site.allocate_issue(issue.project)
    issue.properties = properties
    errors = apply_update(v, issue, data.get("update", {}))
    if errors:
        raise ApiError(400, [], errors)
    v.site.add_issue(issue)
    v.site.committed()
    return ok({"id": str(issue.id), "key": issue.key, "self": v.api(f"issue/{issue.id}")}, 201)


async def get_property(request: Request) -> Response:
    """GET /rest/api/3/issue/{idOrKey}/properties/{propertyKey}."""
    v = view(request)
    issue = v.issue(request.path_params["key"])
    name = request.path_params["prop"]
    if name not in issue.properties:
        raise ApiError(404, [f"The property with key '{name}' does not exist."])
    return ok({"key": name, "value": issue.properties[name]})


async def put_property(request: Request) -> Response:
    """PUT /rest/api/3/issue/{idOrKey}/properties/{propertyKey}: 201 new, 200 replaced."""
    raw = await request.body()
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError(400, ["The property value must be valid JSON."]) from None
    v = view(request)
    issue = v.issue(request.path_params["key"])
    name = request.path_params["prop"]
    existed = name in issue.properties
    issue.properties[name] = value
    v.site.committed()
    return ok({}, 200 if existed else 201)


ROUTES = [
    Route("/rest/api/3/issue", create_issue, methods=["POST"]),
    Route("/rest/api/3/issue/bulkfetch", bulk_fetch, methods=["POST"]),
    Route("/rest/api/3/issue/{key}", get_issue, methods=["GET"]),
    Route("/rest/api/3/issue/{key}/properties/{prop}", get_property, methods=["GET"]),
    Route("/rest/api/3/issue/{key}/properties/{prop}", put_property, methods=["PUT"]),
]
