"""Issue search: `/search/jql` (token paging), `/search/approximate-count` and `/jql/parse`."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.records import JqlRejected, matching, parse_jql
from sandbox.routes import jql_structure
from sandbox.routes.common import ApiError, View, as_list, body, int_param, list_param, ok, view
from sandbox.routes.issue_shape import issue_bean, names, schemas, select
from sandbox.site import Issue, Json

DEFAULT_PAGE = 50
MAX_IDS_PAGE = 5000
MAX_FIELDS_PAGE = 100
MAX_RECONCILE = 50
EXPIRED_PAGE = "The provided next page token is invalid or expired."


def run(v: View, jql: str | None, reconciled: list[int] | None = None) -> list[Issue]:
    """The issues a bounded query finds for the caller, or Jira's 400.

    Only issues already in the search index count, and those named in `reconciled`.
    """
    try:
        found = matching(v.site, v.account_id, parse_jql(jql))
    except JqlRejected as exc:
        raise ApiError(400, [str(exc)]) from None
    return [i for i in found if v.site.indexed(i, reconciled or ())]


def _fingerprint(jql: str) -> str:
    return hashlib.sha256(jql.encode()).hexdigest()[:16]


def make_token(jql: str, offset: int) -> str:
    """An opaque token for the page starting at `offset`, valid only with the same JQL."""
    raw = json.dumps({"q": _fingerprint(jql), "o": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(token: str, jql: str) -> int:
    """The offset a token stands for, or Jira's 400 when it belongs to another query."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = int(data["o"])
        same = data["q"] == _fingerprint(jql)
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, [EXPIRED_PAGE]) from None
    if not same or offset < 0:
        raise ApiError(400, [EXPIRED_PAGE])
    return offset


def _reconcile(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, int) for x in value):
        raise ApiError(400, ["'reconcileIssues' must be a list of issue ids."])
    if len(value) > MAX_RECONCILE:
        raise ApiError(400, [f"'reconcileIssues' accepts at most {MAX_RECONCILE} issue ids."])
    return value


def _page_size(asked: int | None, ids_only: bool) -> int:
    if asked is None:
        return DEFAULT_PAGE
    if asked < 0:
        raise ApiError(400, ["'maxResults' must not be negative."])
    # A page of zero would hand back a token to the same offset: a client would loop forever.
    return max(1, min(asked, MAX_IDS_PAGE if ids_only else MAX_FIELDS_PAGE))


def search_page(v: View, params: Json) -> Json:
    """One page of `/search/jql` for GET or POST parameters (already decoded)."""
    jql = params.get("jql")
    if jql is not None and not isinstance(jql, str):
        raise ApiError(400, ["'jql' must be text."])
    reconciled = _reconcile(params.get("reconcileIssues"))
    selection = select(v.site.data.fields, as_list(params.get("fields")), "id")
    expand = as_list(params.get("expand")) or []
    size = _page_size(params.get("maxResults"), selection.ids_only)
    found = run(v, jql, reconciled)
    token = params.get("nextPageToken")
    start = read_token(token, jql or "") if token else 0
    chunk = found[start : start + size]
    last = start + len(chunk) >= len(found)
    out: Json = {"issues": [issue_bean(v, i, selection, expand) for i in chunk], "isLast": last}
    if not last:
        out["nextPageToken"] = make_token(jql or "", start + len(chunk))
    if "names" in expand:
        out["names"] = names(v, selection)
    if "schema" in expand:
        out["schema"] = schemas(v, selection)
    return out


async def search_get(request: Request) -> Response:
    """GET /rest/api/3/search/jql."""
    q = request.query_params
    params: Json = {
        "jql": q.get("jql"),
        "nextPageToken": q.get("nextPageToken"),
        "fields": list_param(request, "fields"),
        "expand": q.get("expand"),
        "maxResults": int_param(request, "maxResults", DEFAULT_PAGE),
        "reconcileIssues": [
            int(x) for x in list_param(request, "reconcileIssues") or [] if x.isdigit()
        ]
        or None,
    }
    return ok(search_page(view(request), params))


async def search_post(request: Request) -> Response:
    """POST /rest/api/3/search/jql."""
    params = await body(request)
    size = params.get("maxResults", DEFAULT_PAGE)
    if not isinstance(size, int) or isinstance(size, bool):
        raise ApiError(400, ["'maxResults' must be a number."])
    return ok(search_page(view(request), params))


async def approximate_count(request: Request) -> Response:
    """POST /rest/api/3/search/approximate-count."""
    data = await body(request)
    jql = data.get("jql")
    if jql is not None and not isinstance(jql, str):
        raise ApiError(400, ["'jql' must be text."])
    return ok({"count": len(run(view(request), jql))})


async def jql_parse(request: Request) -> Response:
    """POST /rest/api/3/jql/parse?validation=strict|warn|none."""
    mode = request.query_params.get("validation", "strict")
    if mode not in ("strict", "warn", "none"):
        raise ApiError(400, [f"The value '{mode}' is not valid for the parameter 'validation'."])
    data = await body(request)
    queries = data.get("queries")
    if not isinstance(queries, list) or not queries or not all(isinstance(q, str) for q in queries):
        raise ApiError(400, ["'queries' must be a non-empty list of JQL queries."])
    v = view(request)
    return ok({"queries": [jql_structure.parse_one(v.site, q, mode) for q in queries]})


ROUTES = [
    Route("/rest/api/3/search/jql", search_get, methods=["GET"]),
    Route("/rest/api/3/search/jql", search_post, methods=["POST"]),
    Route("/rest/api/3/search/approximate-count", approximate_count, methods=["POST"]),
    Route("/rest/api/3/jql/parse", jql_parse, methods=["POST"]),
]
