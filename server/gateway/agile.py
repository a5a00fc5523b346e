"""Agile 1.0: boards, their configuration, sprints and sprint issues, all scope-checked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.errors import InvalidResponse, OutOfScope
from server.gateway.core import JiraHttp, Json
from server.gateway.scope import ProjectScope

AGILE = "/rest/agile/1.0"


class AgileApi:
    """Boards and sprints; a board belongs to the project of its location."""

    def __init__(self, http: JiraHttp, scope: ProjectScope) -> None:
        self.http = http
        self.scope = scope
        self._board_project: dict[int, str | None] = {}

    async def boards(self, project: str, board_type: str | None = None) -> list[dict[str, Any]]:
        """Boards of ``project`` (scrum or kanban when ``board_type`` is given)."""
        self.scope.require_project(project)
        params: dict[str, str | int] = {"projectKeyOrId": project, "maxResults": 50}
        if board_type:
            params["type"] = board_type
        data = await self.http.request("GET", f"{AGILE}/board", params=params)
        boards = _values(data)
        for board in boards:
            self._board_project[int(board.get("id", 0))] = _board_location(board)
        return [b for b in boards if self.scope.allows(_board_location(b))]

    async def board(self, board_id: int) -> dict[str, Any]:
        """One board, refused when its project is outside the scope."""
        data = await self.http.request("GET", f"{AGILE}/board/{board_id}")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for board {board_id} was not a board.")
        project = _board_location(data)
        self._board_project[board_id] = project
        self._require_board_project(board_id, project)
        return data

    async def configuration(self, board_id: int) -> dict[str, Any]:
        """The board's configuration (columns, estimation field)."""
        await self.require_board(board_id)
        data = await self.http.request("GET", f"{AGILE}/board/{board_id}/configuration")
        return data if isinstance(data, dict) else {}

    async def sprints(self, board_id: int, state: str = "active") -> list[dict[str, Any]]:
        """Sprints of a board in ``state`` (active, future, closed; comma-separated)."""
        await self.require_board(board_id)
        sprints: list[dict[str, Any]] = []
        start = 0
        while True:
            data = await self.http.request(
                "GET",
                f"{AGILE}/board/{board_id}/sprint",
                params={"state": state, "startAt": start, "maxResults": 50},
            )
            page = _values(data)
            sprints.extend(page)
            if not page or not isinstance(data, dict) or data.get("isLast", True):
                return sprints
            start += len(page)

    async def sprint(self, sprint_id: int) -> dict[str, Any]:
        """One sprint, refused when its board's project is outside the scope."""
        data = await self.http.request("GET", f"{AGILE}/sprint/{sprint_id}")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for sprint {sprint_id} was not a sprint.")
        board_id = data.get("originBoardId")
        if self.scope.enabled:
            if not isinstance(board_id, int):
                raise OutOfScope(f"Sprint {sprint_id} belongs to no board this scope allows.")
            await self.require_board(board_id)
        return data

    async def sprint_issues_page(
        self, sprint_id: int, fields: Sequence[str], start_at: int, max_results: int = 50
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of a sprint's issues, limited to the scope; returns the next startAt."""
        params: dict[str, str | int] = {
            "fields": ",".join(dict.fromkeys([*fields, "project"])),
            "startAt": start_at,
            "maxResults": max_results,
        }
        if self.scope.enabled:
            quoted = ", ".join(f'"{p}"' for p in self.scope.projects)
            params["jql"] = f"project in ({quoted})"
        data = await self.http.request("GET", f"{AGILE}/sprint/{sprint_id}/issue", params=params)
        issues = _values(data, "issues")
        issues = [i for i in issues if self.scope.allows(_issue_project(i))]
        total = data.get("total") if isinstance(data, dict) else None
        following = start_at + max(len(_values(data, "issues")), 0)
        has_more = isinstance(total, int) and following < total and len(_values(data, "issues"))
        return issues, following if has_more else None

    async def require_board(self, board_id: int) -> None:
        """Raise OutOfScope unless the board's project is allowed (reads the board once)."""
        if not self.scope.enabled:
            return
        if board_id not in self._board_project:
            await self.board(board_id)
            return
        self._require_board_project(board_id, self._board_project[board_id])

    def _require_board_project(self, board_id: int, project: str | None) -> None:
        if self.scope.enabled and not self.scope.allows(project):
            raise OutOfScope(
                f"Board {board_id} belongs to a project outside the allowed projects "
                f"({', '.join(self.scope.projects)})."
            )


def _values(data: Json, name: str = "values") -> list[dict[str, Any]]:
    items = data.get(name) if isinstance(data, dict) else None
    return [item for item in items or [] if isinstance(item, dict)]


def _board_location(board: dict[str, Any]) -> str | None:
    location = board.get("location")
    if isinstance(location, dict):
        key = location.get("projectKey")
        return key if isinstance(key, str) else None
    return None


def _issue_project(issue: dict[str, Any]) -> str | None:
    fields = issue.get("fields")
    project = fields.get("project") if isinstance(fields, dict) else None
    key = project.get("key") if isinstance(project, dict) else None
    return key if isinstance(key, str) else None
