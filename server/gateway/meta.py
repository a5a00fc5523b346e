"""Site metadata: server info, deployment, fields (cached), create metadata (cached), users.

The caches are a ``SharedCache``: in process, or in Redis for every replica (REDIS_URL).
What they hold is what the scope guard let through, and the store is named by the scope.
"""

from __future__ import annotations

from typing import Any, Literal

import anyio

from server.errors import InvalidResponse
from server.gateway.core import JiraHttp, Json
from server.gateway.shared_cache import SharedCache

FIELD_TTL = 300.0  # seconds; custom fields change rarely, and a stale name only misses
Deployment = Literal["cloud", "datacenter"]


class MetaApi:
    """Metadata calls, with small TTL caches where Jira's answer rarely changes."""

    def __init__(
        self, http: JiraHttp, deployment: str = "auto", cache: SharedCache | None = None
    ) -> None:
        self.http = http
        self.cache = cache or SharedCache(http.clock)
        self._configured = deployment
        self._deployment: Deployment | None = None
        # Concurrent first searches wait for one serverInfo answer instead of each asking.
        self._detecting = anyio.Lock()
        # The latest field list and create screens seen, to name fields without a read.
        self._seen_fields: list[dict[str, Any]] = []
        self._seen_screens: dict[str, Json] = {}
        self._myself: tuple[float, dict[str, Any]] | None = None

    async def server_info(self) -> dict[str, Any]:
        """``GET /rest/api/2/serverInfo`` (v2 exists on Cloud and Data Center alike)."""
        data = await self.http.request("GET", "/rest/api/2/serverInfo")
        if not isinstance(data, dict):
            raise InvalidResponse("Jira's serverInfo answer was not an object.")
        return data

    async def deployment(self) -> Deployment:
        """cloud or datacenter: as configured, else from serverInfo's deploymentType."""
        if self._configured in ("cloud", "datacenter"):
            return self._configured  # type: ignore[return-value]  # narrowed by the check
        async with self._detecting:
            if self._deployment is None:
                info = await self.server_info()
                kind = str(info.get("deploymentType", "")).lower()
                self._deployment = "cloud" if kind == "cloud" else "datacenter"
            return self._deployment

    async def myself(self) -> dict[str, Any]:
        """The account the credentials belong to, cached for FIELD_TTL (it never changes
        for one set of credentials; a renamed display name waits at most that)."""
        now = self.http.clock.monotonic()
        if self._myself is None or now - self._myself[0] >= FIELD_TTL:
            data = await self.http.request("GET", "/rest/api/3/myself")
            if not isinstance(data, dict):
                raise InvalidResponse("Jira's myself answer was not an object.")
            self._myself = (now, data)
        return self._myself[1]

    def known_myself(self) -> dict[str, Any] | None:
        """The account as last read, however long ago, without a request (None: never read).

        For facts that do not change with a display name, such as the time zone.
        """
        return self._myself[1] if self._myself is not None else None

    async def my_groups(self) -> list[str]:
        """The names of the groups the account belongs to (``/myself?expand=groups``)."""
        data = await self.http.request("GET", "/rest/api/3/myself", params={"expand": "groups"})
        groups = data.get("groups") if isinstance(data, dict) else None
        items = groups.get("items") if isinstance(groups, dict) else None
        return [str(g["name"]) for g in items or [] if isinstance(g, dict) and g.get("name")]

    async def fields(self) -> list[dict[str, Any]]:
        """Every field of the site (``GET /rest/api/3/field``), cached for FIELD_TTL."""
        self._seen_fields = await self._cached_list("/rest/api/3/field")
        return self._seen_fields

    def field_names(self) -> dict[str, str]:
        """Field id -> name from what is cached (catalogue, create screens); reads nothing."""
        names: dict[str, str] = {}
        for data in self._seen_screens.values():
            items = data.get("fields") or data.get("results") if isinstance(data, dict) else None
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and item.get("fieldId") and item.get("name"):
                    names[str(item["fieldId"])] = str(item["name"])
        for field in self._seen_fields:
            if field.get("id") and field.get("name"):
                names[str(field["id"])] = str(field["name"])
        return names

    async def createmeta_issuetypes(self, project: str) -> list[dict[str, Any]]:
        """Issue types that can be created in ``project``."""
        data = await self._cached(f"/rest/api/3/issue/createmeta/{project}/issuetypes")
        items = data.get("issueTypes") if isinstance(data, dict) else None
        return [item for item in items or [] if isinstance(item, dict)]

    async def createmeta_fields(self, project: str, issuetype_id: str) -> list[dict[str, Any]]:
        """The create screen's fields for one issue type, with required and allowed values."""
        path = f"/rest/api/3/issue/createmeta/{project}/issuetypes/{issuetype_id}"
        data = await self._cached(path)
        self._seen_screens[path] = data
        items = data.get("fields") or data.get("results") if isinstance(data, dict) else None
        return [item for item in items or [] if isinstance(item, dict)]

    async def search_users(self, query: str, max_results: int = 20) -> list[dict[str, Any]]:
        """Users whose name or email starts with ``query``."""
        data = await self.http.request(
            "GET", "/rest/api/3/user/search", params={"query": query, "maxResults": max_results}
        )
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []

    async def priorities(self) -> list[dict[str, Any]]:
        """The site's priorities, most urgent first (``GET /priority``), cached for FIELD_TTL."""
        return await self._cached_list("/rest/api/3/priority")

    async def statuses(self) -> list[dict[str, Any]]:
        """Every status the scope may use (``GET /status``), cached for FIELD_TTL; the guard
        has dropped those of team-managed projects outside the scope."""
        return await self._cached_list("/rest/api/3/status")

    async def issuetypes(self) -> list[dict[str, Any]]:
        """Every issue type the scope may use (``GET /issuetype``), cached for FIELD_TTL."""
        return await self._cached_list("/rest/api/3/issuetype")

    async def resolutions(self) -> list[dict[str, Any]]:
        """The site's resolutions (``GET /resolution``), cached for FIELD_TTL."""
        return await self._cached_list("/rest/api/3/resolution")

    async def project_statuses(self, project: str) -> list[dict[str, Any]]:
        """The statuses ``project``'s workflows use, by issue type
        (``GET /project/{key}/statuses``), cached for FIELD_TTL."""
        return await self._cached_list(f"/rest/api/3/project/{project}/statuses")

    async def _cached_list(self, path: str) -> list[dict[str, Any]]:
        """``GET path``'s list of objects, cached for FIELD_TTL under the path."""

        async def read() -> list[dict[str, Any]]:
            data = await self.http.request("GET", path)
            if not isinstance(data, list):
                raise InvalidResponse(f"Jira's answer to {path} was not a list.")
            return [item for item in data if isinstance(item, dict)]

        return await self.cache.through(path, FIELD_TTL, read)

    async def project(self, key: str) -> dict[str, Any]:
        """One project (``GET /rest/api/3/project/{key}``)."""
        data = await self.http.request("GET", f"/rest/api/3/project/{key}")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for project {key} was not an object.")
        return data

    async def projects(self) -> list[dict[str, Any]]:
        """The projects the account can see in the scope (``GET /rest/api/3/project``),
        cached for FIELD_TTL: tools list them when a call must name one."""
        projects = await self._cached_list("/rest/api/3/project")
        # The guard has already dropped projects outside the scope. A list another replica
        # read, or read earlier, still teaches this one's guard their ids (it keeps the
        # statuses and issue types of in-scope team-managed projects by them).
        self.http.guard.remember_projects(projects)
        return projects

    async def _cached(self, path: str) -> Json:
        """``GET path`` (create metadata), cached for FIELD_TTL under the path."""

        async def read() -> Json:
            return await self.http.request("GET", path, params={"maxResults": 200})

        return await self.cache.through(path, FIELD_TTL, read)
