"""Issue links and link types: create, read and delete a link; list the types.

How `inwardIssue`/`outwardIssue` map to the phrase each issue shows is in
`sandbox.routes.issue_shape.issue_links` (with its sources).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.routes import shapes
from sandbox.routes.comments import add_comment
from sandbox.routes.common import NO_ISSUE, ApiError, View, body, no_content, ok, view
from sandbox.routes.field_input import Invalid
from sandbox.routes.issue_shape import linked_ref
from sandbox.site import Issue, Link, LinkType


def _link_type(v: View, value: Any) -> LinkType:
    ref = value if isinstance(value, dict) else {}
    for t in v.site.data.link_types:
        if ref.get("id") == t.id or (isinstance(ref.get("name"), str) and ref["name"] == t.name):
            return t
    name = ref.get("name") or ref.get("id") or ""
    raise ApiError(404, [f"No issue link type with name '{name}' found."])


def _linked_issue(v: View, value: Any) -> Issue:
    ref = value if isinstance(value, dict) else {}
    text = ref.get("key") or ref.get("id")
    issue = v.site.find_issue(str(text)) if isinstance(text, str | int) and text else None
    if issue is None or not v.site.visible(v.account_id, issue):
        raise ApiError(404, [NO_ISSUE])
    return issue


async def create_link(request: Request) -> Response:
    """POST /rest/api/3/issueLink: 201 without a body; a link that exists is not made twice."""
    data = await body(request)
    v = view(request)
    kind = _link_type(v, data.get("type"))
    inward = _linked_issue(v, data.get("inwardIssue"))
    outward = _linked_issue(v, data.get("outwardIssue"))
    if inward.id == outward.id:
        raise ApiError(400, ["You cannot link an issue to itself."])
    exists = any(
        k.type_id == kind.id and k.inward == inward.id and k.outward == outward.id
        for k in v.site.data.links
    )
    if not exists:
        link = Link(
            id=v.site.allocate_link_id(), type_id=kind.id, inward=inward.id, outward=outward.id
        )
        v.site.data.links.append(link)
        inward.updated = outward.updated = v.site.now
    comment = data.get("comment")
    if isinstance(comment, dict):
        try:
            add_comment(v, outward, comment.get("body"))
        except Invalid as exc:
            raise ApiError(400, [], {"comment": str(exc)}) from None
    v.site.committed()
    return Response(status_code=201)


def _link(v: View, raw: str) -> Link:
    for link in v.site.data.links:
        if link.id == raw:
            ends = [v.site.by_id.get(link.inward), v.site.by_id.get(link.outward)]
            if all(e is not None and v.site.visible(v.account_id, e) for e in ends):
                return link
    raise ApiError(404, [f"No issue link with id '{raw}' exists."])


async def get_link(request: Request) -> Response:
    """GET /rest/api/3/issueLink/{linkId}: the link with both issues as they were posted."""
    v = view(request)
    link = _link(v, request.path_params["id"])
    types = {t.id: t for t in v.site.data.link_types}
    return ok(
        {
            "id": link.id,
            "self": v.api(f"issueLink/{link.id}"),
            "type": shapes.link_type(v, types[link.type_id]),
            "inwardIssue": linked_ref(v, v.site.by_id[link.inward]),
            "outwardIssue": linked_ref(v, v.site.by_id[link.outward]),
        }
    )


async def delete_link(request: Request) -> Response:
    """DELETE /rest/api/3/issueLink/{linkId}: 204."""
    v = view(request)
    link = _link(v, request.path_params["id"])
    v.site.data.links.remove(link)
    v.site.committed()
    return no_content()


async def link_types(request: Request) -> Response:
    """GET /rest/api/3/issueLinkType: every link type of the site."""
    v = view(request)
    return ok({"issueLinkTypes": [shapes.link_type(v, t) for t in v.site.data.link_types]})


ROUTES = [
    Route("/rest/api/3/issueLink", create_link, methods=["POST"]),
    Route("/rest/api/3/issueLink/{id}", get_link, methods=["GET"]),
    Route("/rest/api/3/issueLink/{id}", delete_link, methods=["DELETE"]),
    Route("/rest/api/3/issueLinkType", link_types, methods=["GET"]),
]
