"""Site metadata: server info, myself, fields, projects, create metadata, users and catalogues."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.routes import shapes
from sandbox.routes.common import ApiError, View, int_param, jira_time, list_param, ok, view
from sandbox.seed import (
    ACCEPTANCE,
    BUG,
    CUSTOMER_REF,
    EPIC,
    FLAGGED,
    SPRINT,
    STORY,
    STORY_POINTS,
    SUBTASK,
)
from sandbox.site import IssueType, Json, Project

MAX_CREATEMETA = 200
NO_PROJECT = "No project could be found with key '{}'."


async def server_info(request: Request) -> Response:
    """GET /rest/api/{2,3}/serverInfo: Cloud, or Data Center 10.3 when the sandbox plays it."""
    v = view(request)
    if v.datacenter:
        version = getattr(request.app.state, "datacenter_version", "10.3.4")
        return ok(_datacenter_info(v.base, jira_time(v.site.now), version))
    return ok(
        {
            "baseUrl": v.base,
            "displayUrl": v.base,
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": 100_300,
            "buildDate": "2026-11-01T00:00:00.000+0000",
            "serverTime": jira_time(v.site.now),
            "scmInfo": "9d700605f271b9e38f3e73c4116a686dae8d11d7",
            "serverTitle": "Jira Sandbox",
            "serverTimeZone": "Etc/UTC",
        }
    )


def _datacenter_info(base: str, now: str, version: str) -> Json:
    """Data Center's ServerInfo (Jira Server REST API v2 reference, ``/serverInfo``)."""
    numbers = [int(part) for part in version.split(".") if part.isdigit()]
    return {
        "baseUrl": base,
        "version": version,
        "versionNumbers": numbers,
        "deploymentType": "DataCenter",
        "buildNumber": sum(n * 1000**i for i, n in enumerate(reversed(numbers))),
        "buildDate": "2026-10-01T00:00:00.000+0000",
        "serverTime": now,
        "scmInfo": "5c1b2a6e0f9d4c3b8a7e6d5c4b3a2f1e0d9c8b7a",
        "serverTitle": "Jira Sandbox",
    }


async def myself(request: Request) -> Response:
    """GET /rest/api/3/myself."""
    v = view(request)
    me = v.site.users.get(v.account_id)
    if me is None:
        raise ApiError(404, [f"The user with account ID '{v.account_id}' does not exist."])
    out = shapes.full_user(v, me)
    if "groups" in (list_param(request, "expand") or []):
        items = [{"name": g, "groupId": g, "self": v.api(f"group?groupId={g}")} for g in me.groups]
        out["groups"] = {"size": len(items), "items": items}
    return ok(out)


async def project_roles(request: Request) -> Response:
    """GET /rest/api/3/project/{idOrKey}/role: role name -> its URL."""
    v = view(request)
    p = _project(v, request.path_params["key"])
    return ok(
        {
            name: v.api(f"project/{p.id}/role/{10000 + n}")
            for n, name in enumerate(v.site.data.roles)
        }
    )


async def fields(request: Request) -> Response:
    """GET /rest/api/3/field: every field, as a plain array."""
    return ok([shapes.field(f) for f in view(request).site.data.fields])


def _visible_projects(v: View) -> list[Project]:
    return [p for p in v.site.data.projects if v.site.can_browse(v.account_id, p.key)]


def _project(v: View, ref: str) -> Project:
    found = v.site.project(ref)
    if found is None or not v.site.can_browse(v.account_id, found.key):
        raise ApiError(404, [NO_PROJECT.format(ref)])
    return found


async def projects(request: Request) -> Response:
    """GET /rest/api/3/project: every browsable project."""
    v = view(request)
    return ok([shapes.project(v, p) for p in _visible_projects(v)])


async def project_search(request: Request) -> Response:
    """GET /rest/api/3/project/search: a PageBeanProject, filtered by `query`."""
    v = view(request)
    start = int_param(request, "startAt", 0)
    size = min(int_param(request, "maxResults", 50), 100)
    query = request.query_params.get("query", "").lower()
    found = [p for p in _visible_projects(v) if query in p.key.lower() or query in p.name.lower()]
    chunk = found[start : start + size]
    return ok(
        {
            "self": v.api(f"project/search?startAt={start}&maxResults={size}"),
            "maxResults": size,
            "startAt": start,
            "total": len(found),
            "isLast": start + len(chunk) >= len(found),
            "values": [shapes.project(v, p) for p in chunk],
        }
    )


async def project(request: Request) -> Response:
    """GET /rest/api/3/project/{idOrKey}."""
    v = view(request)
    return ok(shapes.project(v, _project(v, request.path_params["key"])))


async def project_statuses(request: Request) -> Response:
    """GET /rest/api/3/project/{idOrKey}/statuses: each issue type of the project with the
    statuses of its workflow (one workflow serves every issue type and project here)."""
    v = view(request)
    _project(v, request.path_params["key"])
    statuses = [shapes.status(v, s) for s in v.site.data.statuses]
    return ok(
        [
            {
                "self": v.api(f"issuetype/{t.id}"),
                "id": t.id,
                "name": t.name,
                "subtask": t.subtask,
                "statuses": statuses,
            }
            for t in v.site.data.issuetypes
        ]
    )


async def component(request: Request) -> Response:
    """GET /rest/api/3/component/{id}: a component with the project it belongs to."""
    v = view(request)
    ref = request.path_params["id"]
    for p in _visible_projects(v):
        for c in p.components:
            if c.id == ref:
                return ok({**shapes.component(v, c), "project": p.key, "projectId": int(p.id)})
    raise ApiError(404, [f"The component with id {ref} does not exist."])


async def version(request: Request) -> Response:
    """GET /rest/api/3/version/{id}: a version with the id of its project."""
    v = view(request)
    ref = request.path_params["id"]
    for p in _visible_projects(v):
        for ver in p.versions:
            if ver.id == ref:
                return ok({**shapes.version(v, ver), "projectId": int(p.id)})
    raise ApiError(404, [f"Could not find version for id '{ref}'"])


def _meta(
    fid: str,
    name: str,
    schema: Json,
    *,
    required: bool = False,
    operations: tuple[str, ...] = ("set",),
) -> Json:
    return {
        "required": required,
        "schema": schema,
        "name": name,
        "fieldId": fid,
        "key": fid,
        "hasDefaultValue": False,
        "operations": list(operations),
    }


def create_fields(v: View, p: Project, t: IssueType) -> list[Json]:
    """The create screen of an issue type in a project, in screen order."""
    site = v.site
    wanted = [
        "summary",
        "issuetype",
        "project",
        "parent",
        "description",
        "priority",
        "assignee",
        "reporter",
        "labels",
        "components",
        "fixVersions",
        "duedate",
    ]
    extra = {
        STORY_POINTS: t.id not in (EPIC, SUBTASK),
        SPRINT: p.style == "scrum" and t.id != EPIC,
        FLAGGED: True,
        ACCEPTANCE: t.id == STORY,
        CUSTOMER_REF: t.id == BUG,
        "environment": t.id == BUG,
        "customfield_10015": t.id == EPIC,
    }
    ids = [f for f in wanted if not (f == "parent" and t.id == EPIC)]
    ids += [site.field_for(f) for f, on in extra.items() if on]
    out = []
    for fid in ids:
        f = site.fields[fid]
        required = fid in ("summary", "issuetype", "project") or (fid == "parent" and t.subtask)
        meta = _meta(
            fid,
            f.name,
            f.type_schema,
            required=required,
            operations=("add", "set", "remove") if fid == "labels" else ("set",),
        )
        allowed = _allowed(v, p, t, fid)
        if allowed is not None:
            meta["allowedValues"] = allowed
        if fid == "priority":
            meta["hasDefaultValue"] = True
            meta["defaultValue"] = shapes.priority(v, site.priorities["3"])
        if fid in ("assignee", "reporter"):
            meta["autoCompleteUrl"] = v.api("user/search?query=")
        out.append(meta)
    return out


def _allowed(v: View, p: Project, t: IssueType, fid: str) -> list[Json] | None:
    site = v.site
    table: dict[str, list[Json]] = {
        "issuetype": [shapes.issuetype(v, t)],
        "project": [shapes.project_ref(v, p)],
        "priority": [shapes.priority(v, x) for x in site.data.priorities],
        "components": [shapes.component(v, c) for c in p.components],
        "fixVersions": [shapes.version(v, x) for x in p.versions],
        FLAGGED: [{"self": v.api("customFieldOption/10019"), "value": "Impediment", "id": "10019"}],
    }
    return table.get(site.role_of(fid))


def _issuetype_meta(v: View, t: IssueType) -> Json:
    out = shapes.issuetype(v, t)
    out.pop("avatarId", None)
    return out


async def createmeta_types(request: Request) -> Response:
    """GET /rest/api/3/issue/createmeta/{project}/issuetypes."""
    v = view(request)
    _project(v, request.path_params["key"])
    start, size = _createmeta_page(request)
    types = v.site.data.issuetypes
    chunk = [_issuetype_meta(v, t) for t in types[start : start + size]]
    return ok(_createmeta_page_of(v, "issueTypes", chunk, start=start, size=size, total=len(types)))


def _createmeta_page_of(
    v: View, name: str, chunk: list[Json], *, start: int, size: int, total: int
) -> Json:
    """Cloud names the list (``issueTypes``, ``fields``); Data Center pages it as ``values``
    with ``isLast`` (Jira Server REST API v2 reference, "Get create issue meta")."""
    if v.datacenter:
        last = start + len(chunk) >= total
        return {
            "maxResults": size,
            "startAt": start,
            "total": total,
            "isLast": last,
            "values": chunk,
        }
    return {name: chunk, "maxResults": size, "startAt": start, "total": total}


def _createmeta_page(request: Request) -> tuple[int, int]:
    size = int_param(request, "maxResults", 50)
    if size > MAX_CREATEMETA:
        raise ApiError(
            400, [f"Parameter 'maxResults' must not exceed the limit '{MAX_CREATEMETA}'"]
        )
    return int_param(request, "startAt", 0), size


async def createmeta_fields(request: Request) -> Response:
    """GET /rest/api/3/issue/createmeta/{project}/issuetypes/{id}: the create screen."""
    v = view(request)
    p = _project(v, request.path_params["key"])
    t = v.site.issuetypes.get(request.path_params["type"])
    if t is None:
        raise ApiError(404, ["The issue type could not be found."])
    start, size = _createmeta_page(request)
    items = create_fields(v, p, t)
    return ok(
        _createmeta_page_of(
            v, "fields", items[start : start + size], start=start, size=size, total=len(items)
        )
    )


async def user_search(request: Request) -> Response:
    """GET /rest/api/3/user/search?query=: display names and emails starting with the query."""
    v = view(request)
    if v.datacenter:
        return ok(datacenter_users(v, request))
    query = request.query_params.get("query", "").strip().lower()
    account = request.query_params.get("accountId")
    if not query and not account:
        raise ApiError(400, ["The query parameter 'query' or 'accountId' is required."])
    start = int_param(request, "startAt", 0)
    size = min(int_param(request, "maxResults", 50), 1000)
    found = [
        u
        for u in v.site.data.users
        if (account and u.account_id == account)
        or (
            query
            and (
                u.email.lower().startswith(query)
                or any(w.startswith(query) for w in u.display_name.lower().split())
                or u.display_name.lower().startswith(query)
            )
        )
    ]
    return ok([shapes.full_user(v, u) for u in found[start : start + size]])


def datacenter_users(v: View, request: Request) -> list[Json]:
    """Data Center's ``GET /rest/api/2/user/search?username=``: users whose username, display
    name (or a word of it) or email starts with the text, case-insensitively (Jira Server REST
    API v2, ``UserResource.findUsers``); the parameter is required there."""
    text = request.query_params.get("username", "").strip().lower()
    if not text:
        raise ApiError(400, [DC_NO_USERNAME])
    start = int_param(request, "startAt", 0)
    size = min(int_param(request, "maxResults", 50), 1000)
    found = [
        u
        for u in v.site.data.users
        if u.username.startswith(text)
        or u.email.lower().startswith(text)
        or u.display_name.lower().startswith(text)
        or any(w.startswith(text) for w in u.display_name.lower().split())
    ]
    return [shapes.full_user(v, u) for u in found[start : start + size]]


DC_NO_USERNAME = "The username query parameter was not provided"


async def priorities(request: Request) -> Response:
    """GET /rest/api/3/priority."""
    v = view(request)
    return ok([shapes.priority_full(v, p) for p in v.site.data.priorities])


async def statuses(request: Request) -> Response:
    """GET /rest/api/3/status."""
    v = view(request)
    return ok([shapes.status(v, s) for s in v.site.data.statuses])


async def issuetypes(request: Request) -> Response:
    """GET /rest/api/3/issuetype: every issue type (the site's are all company-managed)."""
    v = view(request)
    return ok([shapes.issuetype(v, t) for t in v.site.data.issuetypes])


async def resolutions(request: Request) -> Response:
    """GET /rest/api/3/resolution."""
    v = view(request)
    return ok([shapes.resolution(v, r) for r in v.site.data.resolutions])


ROUTES = [
    Route("/rest/api/3/serverInfo", server_info, methods=["GET"]),
    Route("/rest/api/2/serverInfo", server_info, methods=["GET"]),
    Route("/rest/api/3/myself", myself, methods=["GET"]),
    Route("/rest/api/3/field", fields, methods=["GET"]),
    Route("/rest/api/3/project", projects, methods=["GET"]),
    Route("/rest/api/3/project/search", project_search, methods=["GET"]),
    Route("/rest/api/3/project/{key}", project, methods=["GET"]),
    Route("/rest/api/3/project/{key}/role", project_roles, methods=["GET"]),
    Route("/rest/api/3/project/{key}/statuses", project_statuses, methods=["GET"]),
    Route("/rest/api/3/component/{id}", component, methods=["GET"]),
    Route("/rest/api/3/version/{id}", version, methods=["GET"]),
    Route("/rest/api/3/issue/createmeta/{key}/issuetypes", createmeta_types, methods=["GET"]),
    Route(
        "/rest/api/3/issue/createmeta/{key}/issuetypes/{type}", createmeta_fields, methods=["GET"]
    ),
    Route("/rest/api/3/user/search", user_search, methods=["GET"]),
    Route("/rest/api/3/priority", priorities, methods=["GET"]),
    Route("/rest/api/3/status", statuses, methods=["GET"]),
    Route("/rest/api/3/resolution", resolutions, methods=["GET"]),
    Route("/rest/api/3/issuetype", issuetypes, methods=["GET"]),
]
