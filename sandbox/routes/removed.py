"""The search endpoints Atlassian removed from Jira Cloud: 410 Gone with Jira's own text."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.routes.common import ApiError

REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at "
    "https://developer.atlassian.com/changelog/#CHANGE-2046"
)


async def gone(request: Request) -> Response:
    """Any call to a removed search endpoint; clients must not retry it."""
    return ApiError(410, [REMOVED]).response()


ROUTES = [
    Route(path, gone, methods=["GET", "POST"])
    for path in (
        "/rest/api/2/search",
        "/rest/api/3/search",
        "/rest/api/2/search/id",
        "/rest/api/3/search/id",
    )
]
