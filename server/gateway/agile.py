"""Agile 1.0: boards, their configuration, sprints and sprint issues.

Scope is the guard's: a board, a sprint, or a page of their issues outside the allowed
projects never reaches these methods (see ``server.gateway.guard``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from server.errors import InvalidResponse
from server.gateway.core import JiraHttp, Json
from server.gateway.scope import ProjectScope, ScopedQuery, make_scoped_query

AGILE = "/rest/agile/1.0"
LIST_PAGE = 50  # boards or sprints asked per request
CONFIG_TTL = 300.0  # seconds; a board's estimation and location change rarely (like fields)


@dataclass(frozen=True)
class BoardConfig:
    """What a board's configuration says: its type and estimation field."""

    board_id: int
    board_type: str
    estimation_field: str | None


class AgileApi:
    """Boards and sprints."""

    def __init__(self, http: JiraHttp, scope: ProjectScope) -> None:
        self.http = http
        self.scope = scope
        self._configs: dict[int, tuple[float, BoardConfig]] = {}
        self._board_lists: dict[
            tuple[str | None, str | None], tuple[float, list[dict[str, Any]]]
        ] = {}

    async def boards(
        self, project: str | None, board_type: str | None = None
    ) -> list[dict[str, Any]]:
        """Boards of ``project`` (every board in scope for None; scrum or kanban when
        ``board_type`` is given)."""
        params: dict[str, str | int] = {"maxResults": LIST_PAGE}
        if project:
            params["projectKeyOrId"] = project
        if board_type:
            params["type"] = board_type
        data = await self.http.request("GET", f"{AGILE}/board", params=params)
        boards = _values(data)[:LIST_PAGE]  # never more than asked
        self._board_lists[(project, board_type)] = (self.http.clock.monotonic(), boards)
        return boards

    async def known_boards(self, project: str | None) -> list[dict[str, Any]]:
        """Boards of ``project`` as last read, if within CONFIG_TTL, else read now: a board
        list changes as rarely as a board's configuration. The guard filtered the list when
        it was read, and it checks each board again before anything of the board is read."""
        hit = self._board_lists.get((project, None))
        if hit is not None and self.http.clock.monotonic() - hit[0] < CONFIG_TTL:
            return hit[1]
        return await self.boards(project)

    async def board(self, board_id: int) -> dict[str, Any]:
        """One board."""
        data = await self.http.request("GET", f"{AGILE}/board/{board_id}")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for board {board_id} was not a board.")
        return data

    async def board_config(self, board_id: int) -> BoardConfig:
        """The board's type and estimation field, cached for CONFIG_TTL."""
        now = self.http.clock.monotonic()
        hit = self._configs.get(board_id)
        if hit is not None and now - hit[0] < CONFIG_TTL:
            # The cache must not outlive the scope check: the guard checks the board again.
            await self.http.guard.require_board(board_id)
            return hit[1]
        data = await self.http.request("GET", f"{AGILE}/board/{board_id}/configuration")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's configuration of board {board_id} was not one.")
        config = _parse_config(board_id, data)
        self._configs[board_id] = (now, config)
        return config

    async def sprints(self, board_id: int, state: str = "active") -> list[dict[str, Any]]:
        """Sprints of a board in ``state`` (active, future, closed; comma-separated)."""
        sprints: list[dict[str, Any]] = []
        start = 0
        while True:
            data = await self.http.request(
                "GET",
                f"{AGILE}/board/{board_id}/sprint",
                params={"state": state, "startAt": start, "maxResults": LIST_PAGE},
            )
            page = _values(data)[:LIST_PAGE]  # never more than asked
            sprints.extend(page)
            if not isinstance(data, dict) or data.get("isLast", True):
                return sprints
            # Counted by what Jira sent, before the guard dropped other boards' sprints.
            start += int(data.get("maxResults") or LIST_PAGE)

    async def sprint(self, sprint_id: int) -> dict[str, Any]:
        """One sprint."""
        data = await self.http.request("GET", f"{AGILE}/sprint/{sprint_id}")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for sprint {sprint_id} was not a sprint.")
        return data

    async def sprint_issues_page(
        self, sprint_id: int, fields: Sequence[str], start_at: int, max_results: int = 50
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of a sprint's issues; returns the next startAt."""
        path = f"{AGILE}/sprint/{sprint_id}/issue"
        return await self._issue_page(path, fields, start_at, max_results, None)

    async def board_issues_page(
        self,
        board_id: int,
        fields: Sequence[str],
        start_at: int,
        jql: str | ScopedQuery,
        max_results: int = 50,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of a board's issues matching ``jql``."""
        query = jql if isinstance(jql, ScopedQuery) else make_scoped_query(jql, self.scope)
        path = f"{AGILE}/board/{board_id}/issue"
        return await self._issue_page(path, fields, start_at, max_results, query)

    async def _issue_page(
        self,
        path: str,
        fields: Sequence[str],
        start_at: int,
        max_results: int,
        query: ScopedQuery | None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        params: dict[str, Any] = {
            "fields": ",".join(dict.fromkeys(fields)),
            "startAt": start_at,
            "maxResults": max_results,
        }
        if query is not None and query.text:
            params["jql"] = query
        data = await self.http.request("GET", path, params=params)
        issues = _values(data, "issues")[:max_results]  # never more rows than asked
        # The guard drops other projects' issues, so the position comes from the page size
        # Jira says it used (it may cap what was asked), never more than asked.
        answered = data.get("maxResults") if isinstance(data, dict) else None
        used = answered if isinstance(answered, int) and answered > 0 else max_results
        size = min(used, max_results)
        total = data.get("total") if isinstance(data, dict) else None
        following = start_at + size
        has_more = isinstance(total, int) and following < total
        return issues, following if has_more else None


def _parse_config(board_id: int, data: dict[str, Any]) -> BoardConfig:
    estimation = data.get("estimation")
    field = estimation.get("field") if isinstance(estimation, dict) else None
    field_id = field.get("fieldId") if isinstance(field, dict) else None
    return BoardConfig(
        board_id=board_id,
        board_type=str(data.get("type", "")),
        estimation_field=field_id if isinstance(field_id, str) and field_id else None,
    )


def _values(data: Json, name: str = "values") -> list[dict[str, Any]]:
    items = data.get(name) if isinstance(data, dict) else None
    return [item for item in items or [] if isinstance(item, dict)]
