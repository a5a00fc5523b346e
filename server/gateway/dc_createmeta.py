"""Data Center's create metadata: its paged ``values`` named as Cloud names them.

Both Jiras serve ``GET /issue/createmeta/{project}/issuetypes`` and
``.../issuetypes/{issueTypeId}`` (Data Center since 8.4) with ``startAt``/``maxResults``/
``total``; Cloud names the list ``issueTypes`` or ``fields``, Data Center pages it as
``values`` with ``isLast`` (Jira Server REST API v2 reference, "Get create issue meta for
project" and "... for issue type"; jira.js ``src/server/api/issues.ts`` types both answers
as ``Page``). The items are the
same objects (issue types; field metadata with ``fieldId``, ``required``, ``schema``,
``allowedValues``), so only the list's name changes.
"""

from __future__ import annotations

import re

from server.gateway.dialect import Json, Wire

_CREATEMETA = re.compile(r"^/rest/api/3/issue/createmeta/[^/]+/issuetypes(?P<one>/[^/]+)?$")


class CreatemetaAdapter:
    """Create metadata pages: ``values`` becomes ``issueTypes`` or ``fields``."""

    def matches(self, request: Wire) -> bool:
        """A create-metadata read."""
        return request.method == "GET" and bool(_CREATEMETA.match(request.path))

    async def outbound(self, request: Wire) -> Wire:
        """Asked as it is (the path becomes v2 with every other)."""
        return request

    async def inbound(self, asked: Wire, sent: Wire, data: Json) -> Json:
        """The page with its list under Cloud's name."""
        if not isinstance(data, dict) or "values" not in data:
            return data
        found = _CREATEMETA.match(asked.path)
        name = "fields" if found is not None and found["one"] else "issueTypes"
        page = {key: value for key, value in data.items() if key != "values"}
        page[name] = data["values"]
        return page
