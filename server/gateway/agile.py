"""Agile 1.0: boards, their configuration, sprints and sprint issues, all scope-checked.

A board belongs to the project of its location. The board list and a board answer name the
project by key; a board configuration names it by id (``projectKeyOrId``), so the ids seen in
answers are remembered and a configuration can double as the board's scope check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from server.errors import InvalidResponse, OutOfScope
from server.gateway.core import JiraHttp, Json
from server.gateway.scope import ProjectScope, project_of

AGILE = "/rest/agile/1.0"
LIST_PAGE = 50  # boards or sprints asked per request
CONFIG_TTL = 300.0  # seconds; a board's estimation and location change rarely (like fields)


@dataclass(frozen=True)
class BoardConfig:
    """What a board's configuration says: its type, project and estimation field."""

    board_id: int
    board_type: str
    project: str | None
    estimation_field: str | None


class AgileApi:
    """Boards and sprints; a board belongs to the project of its location."""

    def __init__(self, http: JiraHttp, scope: ProjectScope) -> None:
        self.http = http
        self.scope = scope
        self._board_project: dict[int, str | None] = {}
        self._project_key_of_id: dict[str, str] = {}
        self._configs: dict[int, tuple[float, BoardConfig]] = {}

    async def boards(self, project: str, board_type: str | None = None) -> list[dict[str, Any]]:
        """Boards of ``project`` (scrum or kanban when ``board_type`` is given)."""
        self.scope.require_project(project)
        params: dict[str, str | int] = {"projectKeyOrId": project, "maxResults": LIST_PAGE}
        if board_type:
            params["type"] = board_type
        data = await self.http.request("GET", f"{AGILE}/board", params=params)
        boards = _values(data)[:LIST_PAGE]  # never more than asked
        for board in boards:
            self._remember_board(int(board.get("id", 0)), board)
        return [b for b in boards if self.scope.allows(_board_location(b))]

    async def board(self, board_id: int) -> dict[str, Any]:
        """One board, refused when its project is outside the scope."""
        data = await self.http.request("GET", f"{AGILE}/board/{board_id}")
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for board {board_id} was not a board.")
        self._remember_board(board_id, data)
        self._require_board_project(board_id, self._board_project[board_id])
        return data

    async def board_config(self, board_id: int) -> BoardConfig:
        """The board's type, project and estimation field, cached for CONFIG_TTL.

        Refused when the board's project is outside the scope. The configuration's location
        is the scope check when its project id is known; otherwise the board is read once.
        """
        now = self.http.clock.monotonic()
        hit = self._configs.get(board_id)
        if hit is None or now - hit[0] >= CONFIG_TTL:
            data = await self.http.request("GET", f"{AGILE}/board/{board_id}/configuration")
            if not isinstance(data, dict):
                raise InvalidResponse(f"Jira's configuration of board {board_id} was not one.")
            hit = (now, await self._parse_config(board_id, data))
            self._configs[board_id] = hit
        config = hit[1]
        self._require_board_project(board_id, config.project)
        return config

    async def sprints(self, board_id: int, state: str = "active") -> list[dict[str, Any]]:
        """Sprints of a board in ``state`` (active, future, closed; comma-separated)."""
        await self.require_board(board_id)
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
        path = f"{AGILE}/sprint/{sprint_id}/issue"
        return await self._issue_page(path, fields, start_at, max_results, None)

    async def board_issues_page(
        self,
        board_id: int,
        fields: Sequence[str],
        start_at: int,
        jql: str,
        max_results: int = 50,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of a board's issues matching ``jql``, limited to the scope."""
        await self.require_board(board_id)
        path = f"{AGILE}/board/{board_id}/issue"
        return await self._issue_page(path, fields, start_at, max_results, jql)

    async def _issue_page(
        self,
        path: str,
        fields: Sequence[str],
        start_at: int,
        max_results: int,
        jql: str | None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        params: dict[str, str | int] = {
            "fields": ",".join(dict.fromkeys([*fields, "project"])),
            "startAt": start_at,
            "maxResults": max_results,
        }
        scoped = self._scoped_jql(jql or "")
        if scoped:
            params["jql"] = scoped
        data = await self.http.request("GET", path, params=params)
        # Never more rows than asked; the next page starts after the last one kept.
        answered = _values(data, "issues")[:max_results]
        for issue in answered:
            self._remember_project(_issue_project_ref(issue))
        issues = [i for i in answered if self.scope.allows(project_of(i))]
        total = data.get("total") if isinstance(data, dict) else None
        following = start_at + len(answered)
        has_more = isinstance(total, int) and following < total and bool(answered)
        return issues, following if has_more else None

    def _scoped_jql(self, jql: str) -> str:
        """``jql`` scoped on its syntax tree, as every search of the gateway is."""
        # The JQL engine is imported on first use, not at start-up.
        from server.jql import parse, render, scope  # noqa: PLC0415

        query = parse(jql)
        if self.scope.enabled:
            query = scope(query, list(self.scope.projects))
        return render(query)

    async def require_board(self, board_id: int) -> None:
        """Raise OutOfScope unless the board's project is allowed (reads the board once)."""
        if not self.scope.enabled:
            return
        if board_id in self._board_project:
            self._require_board_project(board_id, self._board_project[board_id])
            return
        hit = self._configs.get(board_id)
        if hit is not None:
            self._require_board_project(board_id, hit[1].project)
            return
        await self.board(board_id)

    async def _parse_config(self, board_id: int, data: dict[str, Any]) -> BoardConfig:
        project = self._config_project(data)
        if project is None and board_id in self._board_project:
            project = self._board_project[board_id]
        if project is None and self.scope.enabled:
            # A project id not seen yet: the board's own answer names the project by key.
            await self.board(board_id)
            project = self._board_project[board_id]
        estimation = data.get("estimation")
        field = estimation.get("field") if isinstance(estimation, dict) else None
        field_id = field.get("fieldId") if isinstance(field, dict) else None
        return BoardConfig(
            board_id=board_id,
            board_type=str(data.get("type", "")),
            project=project,
            estimation_field=field_id if isinstance(field_id, str) and field_id else None,
        )

    def _config_project(self, data: dict[str, Any]) -> str | None:
        """The project key of a configuration's location, when it can be told offline."""
        location = data.get("location")
        if not isinstance(location, dict) or location.get("type") != "project":
            return None
        ref = str(location.get("projectKeyOrId") or location.get("key") or "")
        if ref.isdigit():
            return self._project_key_of_id.get(ref)
        return ref.upper() or None

    def _remember_board(self, board_id: int, board: dict[str, Any]) -> None:
        location = board.get("location")
        self._board_project[board_id] = _board_location(board)
        if isinstance(location, dict):
            self._remember_project(
                {"id": location.get("projectId"), "key": location.get("projectKey")}
            )

    def _remember_project(self, project: dict[str, Any] | None) -> None:
        if project is None:
            return
        project_id, key = project.get("id"), project.get("key")
        if project_id is not None and isinstance(key, str):
            self._project_key_of_id[str(project_id)] = key

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


def _issue_project_ref(issue: dict[str, Any]) -> dict[str, Any] | None:
    fields = issue.get("fields")
    project = fields.get("project") if isinstance(fields, dict) else None
    return project if isinstance(project, dict) else None
