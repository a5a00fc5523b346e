"""Everyday issue calls: comments, changelog, edit metadata and edits, links, Agile moves.

Scope is the guard's, as everywhere: every path names an issue, sprint or link that the
guard checks (writes with a fresh read), and every answer is filtered before it gets here.
A comment is posted at most once: see ``server.gateway.settle``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from server.errors import InvalidResponse
from server.gateway.core import JiraHttp, Json
from server.gateway.meta import MetaApi
from server.gateway.settle import CommentSettler

AGILE = "/rest/agile/1.0"
EDITMETA_TTL = 60.0  # seconds; an edit screen changes rarely, and a stale one only errs
LINK_TYPES_TTL = 300.0  # seconds; like fields
MAX_COMMENTS_PAGE = 100
MAX_CHANGELOG_PAGE = 100
MAX_MOVED = 50  # issues per Agile move request


@dataclass(frozen=True)
class Page:
    """One page of comments or changelog entries, and how many there are in all."""

    items: list[dict[str, Any]]
    total: int
    start_at: int


@dataclass(frozen=True)
class DeepIssue:
    """An issue as Jira answered, and what the guard withheld from it, by field."""

    issue: dict[str, Any]
    withheld: Counter[str] = field(default_factory=Counter)


class IssuesApi:
    """Comments, changelog, editmeta, edits, links and Agile moves of single issues."""

    def __init__(self, http: JiraHttp, meta: MetaApi) -> None:
        self.http = http
        self.meta = meta
        # The edit screens and link types are cached with the site's other metadata.
        self.cache = meta.cache
        self.settler = CommentSettler(http, meta)

    async def read(self, key: str, *, fields: list[str], expand: str = "") -> DeepIssue:
        """``GET /issue/{key}`` with the fields asked, counting the links, sub-tasks and parent
        of other projects that the guard withheld (they are counted, never named)."""
        params: dict[str, str | int] = {"fields": ",".join(dict.fromkeys([*fields, "project"]))}
        if expand:
            params["expand"] = expand
        with self.http.guard.counting() as withheld:
            data = await self.http.request("GET", f"/rest/api/3/issue/{key}", params=params)
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for issue {key} was not an issue.")
        return DeepIssue(data, Counter(withheld))

    async def comments_page(
        self, key: str, *, start_at: int = 0, max_results: int = 50, newest_first: bool = True
    ) -> Page:
        """One page of the issue's comments (``GET /issue/{key}/comment``), newest first."""
        size = max(1, min(MAX_COMMENTS_PAGE, max_results))
        params: dict[str, str | int] = {
            "startAt": start_at,
            "maxResults": size,
            "orderBy": "-created" if newest_first else "created",
        }
        data = await self.http.request("GET", f"/rest/api/3/issue/{key}/comment", params=params)
        return _page(data, "comments", size, start_at)

    async def post_comment(
        self, key: str, adf_body: dict[str, Any], *, visibility: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Add a comment once; a lost answer is settled by reading (see ``CommentSettler``).

        The answer carries ``recovered`` True when the comment was found after a lost answer.
        """
        return await self.settler.post_once(key, adf_body, visibility)

    async def changelog_page(self, key: str, *, start_at: int = 0, max_results: int = 100) -> Page:
        """One page of the issue's history (``GET /issue/{key}/changelog``), oldest first."""
        size = max(1, min(MAX_CHANGELOG_PAGE, max_results))
        params: dict[str, str | int] = {"startAt": start_at, "maxResults": size}
        data = await self.http.request("GET", f"/rest/api/3/issue/{key}/changelog", params=params)
        return _page(data, "values", size, start_at)

    async def newest_changes(self, key: str, count: int) -> Page:
        """The newest ``count`` history entries, oldest of them first: one request when the
        whole history came in the first page, two otherwise (Jira may page by fewer than
        asked, so what came, not what was asked, decides)."""
        first = await self.changelog_page(key, max_results=MAX_CHANGELOG_PAGE)
        if first.total <= len(first.items):
            return Page(first.items[-count:] if count else [], first.total, 0)
        start = max(0, first.total - count)
        return await self.changelog_page(key, start_at=start, max_results=count)

    async def editmeta(
        self, key: str, *, project: str, issuetype: str
    ) -> dict[str, dict[str, Any]]:
        """The edit screen's fields by id (``GET /issue/{key}/editmeta``), cached for
        EDITMETA_TTL per project and issue type (the screen is theirs, not the issue's)."""

        async def read() -> dict[str, dict[str, Any]]:
            data = await self.http.request("GET", f"/rest/api/3/issue/{key}/editmeta")
            raw = data.get("fields") if isinstance(data, dict) else None
            if not isinstance(raw, dict):
                raise InvalidResponse(f"Jira's edit metadata for {key} had no fields.")
            return {str(k): v for k, v in raw.items() if isinstance(v, dict)}

        # Named as a JSON pair: no project key or issue type can run into another's name.
        screen = "editmeta:" + json.dumps([project, issuetype])
        return await self.cache.through(screen, EDITMETA_TTL, read)

    async def edit_issue(self, key: str, body: dict[str, Any]) -> None:
        """``PUT /issue/{key}`` with ``fields`` and ``update``: one request for all fields."""
        await self.http.request("PUT", f"/rest/api/3/issue/{key}", body=body, issue=key)

    async def link_types(self) -> list[dict[str, Any]]:
        """The site's issue link types (``GET /issueLinkType``), cached for LINK_TYPES_TTL."""
        path = "/rest/api/3/issueLinkType"

        async def read() -> list[dict[str, Any]]:
            data = await self.http.request("GET", path)
            items = data.get("issueLinkTypes") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise InvalidResponse("Jira's issue link types were not a list.")
            return [t for t in items if isinstance(t, dict)]

        return await self.cache.through(path, LINK_TYPES_TTL, read)

    async def create_link(self, type_name: str, inward: str, outward: str) -> None:
        """``POST /issueLink``; Jira answers without the link's id, and a link that already
        exists is not made twice. ``inward``/``outward`` are Jira's field values as sent."""
        body = {
            "type": {"name": type_name},
            "inwardIssue": {"key": inward},
            "outwardIssue": {"key": outward},
        }
        await self.http.request("POST", "/rest/api/3/issueLink", body=body, issue=inward)

    async def link(self, link_id: str) -> dict[str, Any]:
        """One link (``GET /issueLink/{id}``); a link to another project answers not found."""
        data = await self.http.request("GET", f"/rest/api/3/issueLink/{link_id}")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for link {link_id} was not a link.")
        return data

    async def move_to_sprint(self, sprint_id: int, keys: list[str]) -> None:
        """Put issues into an active or future sprint (Agile ``POST /sprint/{id}/issue``)."""
        for start in range(0, len(keys), MAX_MOVED):
            body = {"issues": keys[start : start + MAX_MOVED]}
            await self.http.request("POST", f"{AGILE}/sprint/{sprint_id}/issue", body=body)

    async def move_to_backlog(self, keys: list[str]) -> None:
        """Take issues out of their open sprints (Agile ``POST /backlog/issue``)."""
        for start in range(0, len(keys), MAX_MOVED):
            body = {"issues": keys[start : start + MAX_MOVED]}
            await self.http.request("POST", f"{AGILE}/backlog/issue", body=body)

    async def project_roles(self, project: str) -> list[str]:
        """The names of a project's roles (``GET /project/{key}/role``)."""
        data = await self.http.request("GET", f"/rest/api/3/project/{project}/role")
        return sorted(str(name) for name in data) if isinstance(data, dict) else []


def _page(data: Json, name: str, size: int, start_at: int) -> Page:
    items = data.get(name) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InvalidResponse(f"Jira's page of {name} had no list of {name}.")
    total = data.get("total") if isinstance(data, dict) else None
    kept = [item for item in items if isinstance(item, dict)][:size]  # never more than asked
    return Page(kept, total if isinstance(total, int) else len(kept), start_at)
