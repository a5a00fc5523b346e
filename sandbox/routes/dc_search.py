"""Data Center's issue search: ``POST /rest/api/2/search``, paged by ``startAt`` with a ``total``.

Shapes from Atlassian's Jira Server / Data Center REST API v2 reference ("Search for issues
using JQL (POST)", docs.atlassian.com/software/jira/docs/api/REST/10.3.0/#api/2/search); no
machine-readable cut of v2 is kept in this repository, so only what that page documents and
the gateway reads is served:

- request: ``jql``, ``startAt`` (default 0), ``maxResults`` (default 50, at most 1000, the
  default ``jira.search.views.default.max``; 0 answers the total alone), ``fields`` (a list,
  default ``*navigable``), ``expand`` (``names``, ``schema``), ``validateQuery`` (a boolean,
  default true; Cloud's strings ``strict``/``warn`` are not accepted);
- answer: ``{expand, startAt, maxResults, total, issues}``, with ``warningMessages`` when a
  query Jira could not fully honour ran anyway (``validateQuery: false``).

The query is evaluated exactly as Cloud's ``/search/jql`` evaluates it (``search.run``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.records import JqlRejected, aliases, missing_values, parse_jql, unknown_fields
from sandbox.routes.common import ApiError, View, as_list, body, ok, view
from sandbox.routes.issue_shape import issue_bean, names, schemas, select
from sandbox.routes.jql_structure import unknown_functions
from sandbox.routes.search import run
from sandbox.site import Json

DEFAULT_PAGE = 50
MAX_PAGE = 1000  # Data Center's default jira.search.views.default.max


def _count(params: Json, name: str, default: int) -> int:
    value = params.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(400, [f"'{name}' must be a number."])
    if value < 0:
        raise ApiError(400, [f"'{name}' must not be negative."])
    return value


def _validate(params: Json) -> bool:
    value: Any = params.get("validateQuery", True)
    if not isinstance(value, bool):
        raise ApiError(400, ["'validateQuery' must be true or false."])
    return value


def search_page(request: Request, params: Json) -> Json:
    """One page of a v2 search: ``maxResults`` issues from ``startAt``, and the total."""
    jql = params.get("jql")
    if jql is not None and not isinstance(jql, str):
        raise ApiError(400, ["'jql' must be text."])
    start = _count(params, "startAt", 0)
    size = min(_count(params, "maxResults", DEFAULT_PAGE), MAX_PAGE)
    validate = _validate(params)
    v = view(request)
    selection = select(v.site.data.fields, as_list(params.get("fields")), "*navigable")
    expand = as_list(params.get("expand")) or []
    problems = _problems(v, jql) if validate else []
    if problems:
        raise ApiError(400, problems)
    try:
        found = run(v, jql)
    except ApiError as exc:
        if validate:
            raise
        # Without validation Jira runs what it can and says what it could not honour.
        return {"startAt": start, "maxResults": size, "total": 0, "issues": [], **_warn(exc)}
    chunk = found[start : start + size]
    out: Json = {
        "expand": "names,schema",
        "startAt": start,
        "maxResults": size,
        "total": len(found),
        "issues": [issue_bean(v, i, selection, expand) for i in chunk],
    }
    if "names" in expand:
        out["names"] = names(v, selection)
    if "schema" in expand:
        out["schema"] = schemas(v, selection)
    return out


def _problems(v: View, jql: str | None) -> list[str]:
    """Every problem a validated query has, one message each, as Data Center lists them:
    unknown fields ("Field 'x' does not exist or you do not have permission to view it."),
    unknown functions, and values that name nothing ("The value 'X' does not exist for the
    field 'project'."). A syntax error is the search's own 400."""
    try:
        query = parse_jql(jql, bounded=False)
    except JqlRejected:
        return []
    known = aliases(v.site.data.fields, v.site.data.field_roles)
    return unknown_fields(query, known) + unknown_functions(query) + missing_values(query, v.site)


def _warn(exc: ApiError) -> Json:
    return {"warningMessages": list(exc.messages)}


async def search_post(request: Request) -> Response:
    """POST /rest/api/2/search."""
    return ok(search_page(request, await body(request)))


async def missing(request: Request) -> Response:
    """A Cloud-only endpoint: Data Center has no such resource."""
    return ApiError(404, ["Null"]).response()


def routes(cloud_only: frozenset[str]) -> list[Route]:
    """v2 search, and a 404 for each Cloud-only path (before ``/issue/{key}`` could match)."""
    gone = [Route(p, missing, methods=["GET", "POST"]) for p in sorted(cloud_only)]
    return [Route("/rest/api/2/search", search_post, methods=["POST"]), *gone]
