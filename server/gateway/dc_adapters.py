"""Data Center endpoints whose parameters differ from Cloud's.

User search: Cloud's ``GET /rest/api/3/user/search?query=`` is Data Center's
``GET /rest/api/2/user/search?username=`` (a required parameter there, matched against the
username, display name and email address; Atlassian's Jira Server REST API v2 reference,
``UserResource.findUsers``).
"""

from __future__ import annotations

from dataclasses import replace

from server.gateway.dialect import Json, Wire

USER_SEARCH = "/rest/api/3/user/search"


class UserSearch:
    """``query`` is said ``username``; the answer is a list of users either way."""

    def matches(self, request: Wire) -> bool:
        """The user search."""
        return request.method == "GET" and request.path == USER_SEARCH

    async def outbound(self, request: Wire) -> Wire:
        """The same search, its text under ``username``."""
        params = dict(request.params or {})
        if "query" in params:
            params["username"] = params.pop("query")
        return replace(request, params=params)

    async def inbound(self, asked: Wire, sent: Wire, data: Json) -> Json:
        """Unchanged: the users are reshaped with every other answer's."""
        return data
