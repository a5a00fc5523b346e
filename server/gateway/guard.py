"""The scope guard: the one choke point every request and every answer of the gateway passes.

Outbound, before a request leaves: its path must be a known route (``routes``) with a safe,
well-formed object reference; JQL may only be a ``ScopedQuery``; a path's issue, board,
sprint or project must be in scope; a write's field values that name other objects (sprint,
parent, Epic Link, links, versions, components, issue pickers) are each checked; and every
issue a write touches is checked with a fresh read (or one the same tool call already made).

Inbound, before a tool sees an answer: issues of other projects are removed from lists and a
single one answers "not found"; boards and sprints of other projects likewise; inside the
issues that remain, parents, sub-tasks, links, sprints and issue keys in text that belong
elsewhere are removed or replaced by a marker. Membership is decided by the project Jira
returns (an issue key can outlive a move), by a board's location for sprints, and by the
current key Jira shows for an issue it embeds in another.

Missing and out-of-scope objects answer alike, so no answer tells whether something exists
outside the scope. Tools call none of this: they inherit it by using the gateway.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Final

from server.errors import BadRequest, JiraError, NotFound, OutOfScope
from server.gateway.clock import Clock
from server.gateway.routes import Kind, Route, is_unsafe, match
from server.gateway.scope import (
    HIDDEN,
    ISSUE_ID,
    ISSUE_KEY,
    ProjectScope,
    ScopedQuery,
    project_of,
)
from server.gateway.write_refs import Reference, field_kind, field_values, references

Json = Any
Send = Callable[..., Awaitable[Json]]
FieldCatalogue = Callable[[], Awaitable[list[dict[str, Any]]]]

READ_TTL: Final = 30.0  # seconds an issue's project may serve a read's scope check
BOARD_TTL: Final = 300.0  # seconds a board's project is trusted (boards rarely move)
REMEMBERED: Final = 5_000  # issue projects kept for reads; the oldest go first
_KEY_IN_TEXT: Final = re.compile(r"\b([A-Z][A-Z0-9_]+)-[0-9]+\b")
_OBJECT_KINDS: Final = {
    Kind.ISSUE: "issue",
    Kind.ISSUE_PART: "issue",
    Kind.BOARD: "board",
    Kind.BOARD_PART: "board",
    Kind.SPRINT: "sprint",
    Kind.SPRINT_PART: "sprint",
    Kind.PROJECT: "project",
    Kind.VERSION: "version",
    Kind.COMPONENT: "component",
    Kind.CREATEMETA: "project",
    Kind.ATTACHMENT: "attachment",
    Kind.PROJECT_PART: "project",
    Kind.LINK_ID: "link",
}
WRITES: Final = frozenset({"POST", "PUT", "DELETE"})

# The issues read during the current tool call (ref -> project): a write may rely on these.
_CALL_READS: ContextVar[dict[str, str] | None] = ContextVar("call_reads", default=None)
# Attachment ids listed on in-scope issues read during the current tool call: Jira's
# attachment endpoints do not name the issue, so only these may be fetched.
_CALL_ATTACHMENTS: ContextVar[set[str] | None] = ContextVar("call_attachments", default=None)
# Inside ``ScopeGuard.counting()``: how many embedded objects were withheld, by field name.
_WITHHELD: ContextVar[Counter[str] | None] = ContextVar("withheld", default=None)


class UnscopedRequest(RuntimeError):
    """A request no scope rule covers: a defect in the gateway, never sent."""


@dataclass(frozen=True)
class Outbound:
    """One request as the gateway is about to send it."""

    method: str
    path: str
    params: Mapping[str, str | int] | None = None
    body: Json = None


@contextmanager
def tool_call() -> Iterator[None]:
    """Mark one tool call: issues read inside it may serve its writes' scope checks."""
    reads = _CALL_READS.set({})
    attachments = _CALL_ATTACHMENTS.set(set())
    try:
        yield
    finally:
        _CALL_ATTACHMENTS.reset(attachments)
        _CALL_READS.reset(reads)


class ScopeGuard:
    """Checks every request before it is sent and filters every answer before it is used."""

    def __init__(self, scope: ProjectScope, send: Send, clock: Clock) -> None:
        self.scope = scope
        self._send = send  # the gateway's own request path: lookups are guarded too
        self._clock = clock
        self.field_catalogue: FieldCatalogue | None = None
        self._issue_projects: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._board_projects: dict[int, tuple[float, str | None]] = {}
        self._sprint_boards: dict[int, object] = {}  # a sprint's origin board never changes
        self._project_keys: dict[str, str] = {}  # project id -> key, from answers
        # "METHOD path" of every request that passed outbound(), as RequestLog counts sends.
        self.checked: Counter[str] = Counter()

    # -- outbound ------------------------------------------------------------------------

    async def outbound(self, request: Outbound) -> tuple[Outbound, Route]:
        """The request to send (queries rendered), or an error; nothing unchecked leaves."""
        route = match(request.method, request.path)
        if route is None and is_unsafe(request.path):
            # An id or key that would change the path (../, %2e, ?): the caller's mistake.
            raise BadRequest(
                "The request names an object with characters that are not allowed in it "
                "(like ../ or %). Use an issue key like PROJ-123 or a numeric id; it is "
                "not an issue key otherwise."
            )
        if route is None:
            raise UnscopedRequest(f"no scope rule covers {request.method} {request.path}")
        request = _render_queries(request, route)
        _check_reference_syntax(route)
        if self.scope.enabled:
            request = await self._check(request, route)
        self.checked[f"{request.method} {request.path}"] += 1
        return request, route

    async def _check(self, request: Outbound, route: Route) -> Outbound:
        kind, ref, write = route.kind, route.ref, request.method in WRITES
        if kind in (Kind.ISSUE, Kind.ISSUE_PART):
            if not self.scope.allows_key_prefix(ref):
                raise self.scope.issue_refused(ref)
            if write or kind is Kind.ISSUE_PART:
                await self.require_issue(ref, fresh=write)
        elif kind is Kind.BULK:
            for ref in _list(request.body, "issueIdsOrKeys"):
                if not self.scope.allows_key_prefix(str(ref)):
                    raise self.scope.issue_refused(str(ref))
        elif kind is Kind.CREATE:
            project = _dict(_dict(request.body).get("fields")).get("project")
            if project is None:
                raise OutOfScope("Name the project of the new issue so its scope can be checked.")
        elif kind in (Kind.CREATEMETA, Kind.PROJECT) and not ref.isdigit():
            await self.require_project(ref)  # an id is checked by the project in the answer
        elif kind in (Kind.CREATEMETA, Kind.PROJECT_PART):
            await self.require_project(ref)
        elif kind is Kind.LINK_ID and write:
            # Read first: the answer passes inbound(), which refuses a link to elsewhere.
            await self._send("GET", f"/rest/api/3/issueLink/{ref}")
        elif kind is Kind.BOARDS and request.params and "projectKeyOrId" in request.params:
            await self.require_project(str(request.params["projectKeyOrId"]))
        elif kind is Kind.BOARD_PART:
            await self.require_board(int(ref))
        elif kind is Kind.SPRINT_PART:
            await self.require_sprint(int(ref))
        elif kind is Kind.ATTACHMENT and ref not in (_CALL_ATTACHMENTS.get() or set()):
            # Read the issue first (in this tool call): its attachment list vouches for ids.
            raise self.scope.not_found("attachment", ref)
        if write and kind in (Kind.SPRINT_PART, Kind.BACKLOG):
            # An Agile move names its issues in the body; each is checked with a fresh read.
            for moved in _list(request.body, "issues"):
                await self.require_issue(str(moved).upper(), fresh=True)
        if write and isinstance(request.body, Mapping):
            await self._check_write_values(request.body)
        return _with_project_field(request, kind)

    async def _check_write_values(self, body: Mapping[str, Any]) -> None:
        """Every object a write's field values name must be in scope (fresh reads)."""
        for side in ("inwardIssue", "outwardIssue"):  # POST /issueLink
            if side in body:
                for found in references(side, "issue", body[side]):
                    await self._require_reference(found)
        for field_id, value in field_values(body):
            kind = await self._kind_of_field(field_id)
            if kind is None:
                continue
            for found in references(field_id, kind, value):
                await self._require_reference(found)

    async def _kind_of_field(self, field_id: str) -> str | None:
        schema = None
        if field_id.startswith("customfield_") and self.field_catalogue is not None:
            for field in await self.field_catalogue():
                if field.get("id") == field_id:
                    schema = field.get("schema")
                    break
        return field_kind(field_id, schema if isinstance(schema, Mapping) else None)

    async def _require_reference(self, found: Reference) -> None:
        """One referenced object; missing or elsewhere are refused in the same words."""
        try:
            if found.ref == "?":
                raise OutOfScope("unreadable reference")
            if found.kind == "issue":
                await self.require_issue(found.ref.upper(), fresh=True)
            elif found.kind == "sprint":
                await self.require_sprint(int(found.ref))
            elif found.kind == "project":
                await self.require_project(found.ref)
            else:
                await self._send("GET", f"/rest/api/3/{found.kind}/{found.ref}")
        except (JiraError, ValueError):
            article = "an" if found.kind[0] in "aeiou" else "a"
            raise OutOfScope(
                f"The value of {found.field} names {found.kind} {found.ref}, which was not "
                f"found or is outside the allowed projects ({self.scope.listed}). Nothing was "
                f"written; use {article} {found.kind} of those projects."
            ) from None

    async def require_issue(self, ref: str, *, fresh: bool) -> None:
        """The issue lives in an allowed project, by the project Jira returns.

        A write (``fresh``) trusts only a read made in the same tool call; a read may also
        use one made in the last READ_TTL seconds. Otherwise the issue is read now.
        """
        if not (ISSUE_KEY.match(ref) or ISSUE_ID.match(ref)):
            raise self.scope.not_found("issue", ref)
        if not self.scope.allows_key_prefix(ref):
            raise self.scope.issue_refused(ref)
        project = (_CALL_READS.get() or {}).get(ref.upper())
        if project is None and not fresh:
            project = self._recent_issue_project(ref.upper())
        if project is None:
            # The answer passes inbound(), which records the project or refuses uniformly.
            await self._send("GET", f"/rest/api/3/issue/{ref}", params={"fields": "project"})
            return
        if not self.scope.allows(project):
            raise self.scope.not_found("issue", ref)

    async def require_project(self, ref: str) -> None:
        """A project named by key or id is allowed (an id is resolved by reading it)."""
        if not ref.isdigit():
            if not self.scope.allows(ref):
                raise self.scope.project_refused(ref)
            return
        key = self._project_keys.get(ref)
        if key is None:
            await self._send("GET", f"/rest/api/3/project/{ref}")
            return
        if not self.scope.allows(key):
            raise self.scope.not_found("project", ref)

    async def require_board(self, board_id: int) -> None:
        """The board's location is an allowed project (reads the board once per BOARD_TTL)."""
        hit = self._board_projects.get(board_id)
        if hit is None or self._clock.monotonic() - hit[0] >= BOARD_TTL:
            await self._send("GET", f"/rest/agile/1.0/board/{board_id}")
            return
        if not self.scope.allows(hit[1]):
            raise self.scope.not_found("board", board_id)

    async def require_sprint(self, sprint_id: int) -> None:
        """The sprint's board is in scope (reads the sprint once; the board per BOARD_TTL)."""
        if sprint_id not in self._sprint_boards:
            await self._send("GET", f"/rest/agile/1.0/sprint/{sprint_id}")
            return
        if not await self.board_allowed(self._sprint_boards[sprint_id]):
            raise self.scope.not_found("sprint", sprint_id)

    async def board_allowed(self, board_id: object) -> bool:
        """Whether a board is in scope, without raising (for filtering answers)."""
        if not isinstance(board_id, int) or isinstance(board_id, bool):
            return False
        try:
            await self.require_board(board_id)
        except JiraError:
            return False
        return True

    # -- inbound -------------------------------------------------------------------------

    async def inbound(self, route: Route, data: Json) -> Json:
        """The answer a tool may see: other projects' objects removed or marked."""
        if not self.scope.enabled:
            return data
        kind, ref = route.kind, route.ref
        if kind is Kind.ISSUE and isinstance(data, dict):
            self._require_answered_issue(ref, data)
        elif kind in (Kind.SEARCH, Kind.BULK, Kind.BOARD_PART, Kind.SPRINT_PART):
            data = await self._filter_lists(data)
        elif kind is Kind.BOARDS:
            data = self._filter_boards(data)
        elif kind is Kind.BOARD:
            self._require_answered_board(int(ref), data)
        elif kind is Kind.SPRINT:
            board = _dict(data).get("originBoardId")
            self._sprint_boards[int(ref)] = board
            if not await self.board_allowed(board):
                raise self.scope.not_found("sprint", ref)
        elif kind is Kind.PROJECTS:
            data = self._filter_projects(data)
        elif kind is Kind.SCOPED_LIST:
            data = self._filter_scoped_items(data)
        elif kind is Kind.PROJECT:
            self._require_answered_project(ref, data)
        elif kind in (Kind.VERSION, Kind.COMPONENT):
            await self._require_answered_part(route, data)
        elif kind is Kind.LINK_ID:
            await self._require_answered_link(ref, data)
        elif kind is Kind.ISSUE_PART and _is_changelog(data):
            data = await self._filter_changelog(data)
        return await self._sanitize(data)

    def on_error(self, route: Route, error: JiraError) -> JiraError:
        """A 404 for a named object reads like an out-of-scope one (no existence oracle)."""
        what = _OBJECT_KINDS.get(route.kind)
        if self.scope.enabled and what and isinstance(error, NotFound):
            return self.scope.not_found(what, route.ref)
        return error

    def _require_answered_issue(self, ref: str, issue: dict[str, Any]) -> None:
        project = project_of(issue)
        if project is None or not self.scope.allows(project):
            raise self.scope.not_found("issue", ref)
        self._remember_issue(issue, ref)

    async def _require_answered_link(self, ref: str, link: Json) -> None:
        """Both issues of a link are in scope, else the link answers "not found"."""
        for side in ("inwardIssue", "outwardIssue"):
            if await self._is_foreign(_dict(link).get(side)):
                raise self.scope.not_found("link", ref)

    def _require_answered_board(self, board_id: int, board: Json) -> None:
        project = _board_project(board)
        self._board_projects[board_id] = (self._clock.monotonic(), project)
        if not self.scope.allows(project):
            raise self.scope.not_found("board", board_id)

    def _require_answered_project(self, ref: str, project: Json) -> None:
        key = _dict(project).get("key")
        if not isinstance(key, str) or not self.scope.allows(key):
            raise (
                self.scope.project_refused(ref)
                if not ref.isdigit()
                else self.scope.not_found("project", ref)
            )
        self._project_keys[str(_dict(project).get("id"))] = key

    async def _require_answered_part(self, route: Route, data: Json) -> None:
        body = _dict(data)
        key = body.get("project") if isinstance(body.get("project"), str) else None
        if key is None:
            project_id = str(body.get("projectId", ""))
            key = self._project_keys.get(project_id)
            if key is None and project_id.isdigit():
                try:
                    await self.require_project(project_id)
                except JiraError:
                    raise self.scope.not_found(route.kind.value, route.ref) from None
                key = self._project_keys.get(project_id)
        if not self.scope.allows(key):
            raise self.scope.not_found(route.kind.value, route.ref)

    async def _filter_lists(self, data: Json) -> Json:
        """Issue lists keep in-scope issues; sprint lists keep sprints of in-scope boards."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        if isinstance(data.get("issues"), list):
            kept = []
            for issue in data["issues"]:
                if isinstance(issue, dict) and self.scope.allows(project_of(issue)):
                    self._remember_issue(issue, None)
                    kept.append(issue)
            out["issues"] = kept
        if isinstance(data.get("values"), list):
            out["values"] = [
                item
                for item in data["values"]
                if not _is_sprint(item) or not await self._is_foreign(item)
            ]
        return out

    def _filter_boards(self, data: Json) -> Json:
        values = _list(data, "values")
        kept = []
        for board in values:
            project = _board_project(board)
            if isinstance(board, dict) and isinstance(board.get("id"), int):
                self._board_projects[board["id"]] = (self._clock.monotonic(), project)
            if self.scope.allows(project):
                kept.append(board)
        return {**_dict(data), "values": kept}

    def remember_projects(self, projects: Json) -> None:
        """Learn project ids from a project list this guard did not filter itself (one that
        was cached, maybe by another replica); what is outside the scope teaches nothing."""
        self._filter_projects(projects)

    def _filter_projects(self, data: Json) -> Json:
        items = data if isinstance(data, list) else _list(data, "values")
        kept = []
        for project in items:
            key = _dict(project).get("key")
            if isinstance(key, str) and self.scope.allows(key):
                self._project_keys[str(_dict(project).get("id"))] = key
                kept.append(project)
        return kept if isinstance(data, list) else {**_dict(data), "values": kept}

    def _filter_scoped_items(self, data: Json) -> Json:
        """Statuses and issue types of team-managed projects name their project in `scope`:
        those of other projects go (an unknown project id counts as another project)."""
        if not isinstance(data, list):
            return data
        kept = []
        for item in data:
            scope = _dict(_dict(item).get("scope"))
            if scope.get("type") == "PROJECT":
                project = _dict(scope.get("project"))
                key = project.get("key") or self._project_keys.get(str(project.get("id")))
                if not isinstance(key, str) or not self.scope.allows(key):
                    continue
            kept.append(item)
        return kept

    @staticmethod
    @contextmanager
    def counting() -> Iterator[Counter[str]]:
        """Count, by field name, the embedded objects the answers read inside are withheld
        (links, sub-tasks, a parent or sprints of other projects): tools say how many."""
        counts: Counter[str] = Counter()
        token = _WITHHELD.set(counts)
        try:
            yield counts
        finally:
            _WITHHELD.reset(token)

    async def _sanitize(self, value: Json, name: str = "") -> Json:
        """Inside an answer: other projects' parents, sub-tasks, links, sprints and keys."""
        if isinstance(value, str):
            return _KEY_IN_TEXT.sub(lambda m: m[0] if self.scope.allows(m[1]) else HIDDEN, value)
        if isinstance(value, list):
            kept = []
            for item in value:
                if await self._is_foreign(item):
                    _withheld(name)
                    continue
                kept.append(await self._sanitize(item, name))
            return kept
        if not isinstance(value, dict):
            return value
        if await self._is_foreign(value):
            _withheld(name)
            return {"key": HIDDEN}
        return {key: await self._sanitize(item, key) for key, item in value.items()}

    async def _filter_changelog(self, data: dict[str, Any]) -> dict[str, Any]:
        """A history page whose Sprint changes name only sprints of allowed boards: another
        board's sprint is replaced by the marker (its id and name both)."""
        entries = []
        for entry in _list(data, "values"):
            items = []
            for item in _list(entry, "items"):
                if isinstance(item, dict) and str(item.get("field", "")).lower() == "sprint":
                    item = await self._sprint_change(item)  # noqa: PLW2901  # the filtered item
                items.append(item)
            entries.append({**_dict(entry), "items": items})
        return {**data, "values": entries}

    async def _sprint_change(self, item: dict[str, Any]) -> dict[str, Any]:
        out = dict(item)
        for ids, names in (("from", "fromString"), ("to", "toString")):
            refs = [r.strip() for r in str(item.get(ids) or "").split(",") if r.strip()]
            for ref in refs:
                if not (ref.isdigit() and await self._sprint_allowed(int(ref))):
                    out[ids], out[names] = HIDDEN, HIDDEN
                    break
        return out

    async def _sprint_allowed(self, sprint_id: int) -> bool:
        try:
            await self.require_sprint(sprint_id)
        except JiraError:
            return False
        return True

    async def _is_foreign(self, item: Json) -> bool:
        """An embedded issue, link or sprint that belongs to another project."""
        if not isinstance(item, dict):
            return False
        if _is_sprint(item):
            board = _sprint_board(item)
            if isinstance(item.get("id"), int):
                self._sprint_boards.setdefault(item["id"], board)  # a sprint never changes board
            return not await self.board_allowed(board)
        for side in ("inwardIssue", "outwardIssue"):
            if isinstance(item.get(side), dict):
                return await self._is_foreign(item[side])
        key = item.get("key")
        if isinstance(key, str) and ISSUE_KEY.match(key) and ("fields" in item or "self" in item):
            project = project_of(item) or ISSUE_KEY.match(key).group(1)  # type: ignore[union-attr]
            return not self.scope.allows(project)
        return False

    # -- memory --------------------------------------------------------------------------

    def _remember_issue(self, issue: dict[str, Any], asked: str | None) -> None:
        project = project_of(issue)
        if project is None:
            return
        refs = {str(issue.get("key", "")).upper(), str(issue.get("id", ""))}
        if asked:
            refs.add(asked.upper())
        reads = _CALL_READS.get()
        now = self._clock.monotonic()
        for ref in refs - {""}:
            if reads is not None:
                reads[ref] = project
            self._issue_projects[ref] = (now, project)
            self._issue_projects.move_to_end(ref)
        while len(self._issue_projects) > REMEMBERED:
            self._issue_projects.popitem(last=False)
        fields = _dict(issue.get("fields"))
        listed = _CALL_ATTACHMENTS.get()
        if listed is not None:
            listed.update(str(_dict(a).get("id")) for a in _list(fields, "attachment"))
        project_ref = _dict(fields.get("project"))
        if project_ref.get("id") is not None:
            self._project_keys[str(project_ref["id"])] = project

    def _recent_issue_project(self, ref: str) -> str | None:
        hit = self._issue_projects.get(ref)
        if hit is None or self._clock.monotonic() - hit[0] >= READ_TTL:
            return None
        return hit[1]


def _render_queries(request: Outbound, route: Route) -> Outbound:
    """JQL leaves only as the text of a ScopedQuery; plain text is a defect and refused."""
    params = dict(request.params) if request.params else None
    body = dict(request.body) if isinstance(request.body, Mapping) else request.body
    for container in (params, body):
        if container and "jql" in container:
            container["jql"] = _query_text(container["jql"], route)
    if isinstance(body, dict) and route.kind is Kind.PARSE:
        body["queries"] = [_query_text(q, route) for q in _list(body, "queries")]
    return replace(request, params=params, body=body)


def _query_text(query: object, route: Route) -> str:
    if not isinstance(query, ScopedQuery):
        raise UnscopedRequest(f"JQL for {route.kind} must be a ScopedQuery, not plain text")
    return query.text


def _check_reference_syntax(route: Route) -> None:
    """An issue reference in a path is a key or a numeric id, nothing else."""
    if route.kind in (Kind.ISSUE, Kind.ISSUE_PART) and not (
        ISSUE_KEY.match(route.ref) or ISSUE_ID.match(route.ref)
    ):
        raise OutOfScope(f"{route.ref!r} is not an issue key (like PROJ-123) or a numeric id.")


def _with_project_field(request: Outbound, kind: Kind) -> Outbound:
    """Issue reads always ask for the project, so every answer can be checked."""
    if kind in (Kind.ISSUE, Kind.BOARD_PART, Kind.SPRINT_PART) and request.method == "GET":
        params = dict(request.params or {})
        if "fields" in params:
            fields = str(params["fields"]).split(",")
            params["fields"] = ",".join(dict.fromkeys([*fields, "project"]))
        return replace(request, params=params)
    if kind in (Kind.SEARCH, Kind.BULK) and isinstance(request.body, dict):
        fields = [str(f) for f in _list(request.body, "fields")]
        return replace(
            request, body={**request.body, "fields": [*dict.fromkeys([*fields, "project"])]}
        )
    return request


def _withheld(name: str) -> None:
    counts = _WITHHELD.get()
    if counts is not None:
        counts[name or "items"] += 1


def _is_changelog(data: Json) -> bool:
    """A page of an issue's history (``values`` of entries with ``items``)."""
    values = _dict(data).get("values")
    return isinstance(values, list) and all(isinstance(_dict(v).get("items"), list) for v in values)


def _is_sprint(item: Json) -> bool:
    return (
        isinstance(item, dict)
        and ("boardId" in item or "originBoardId" in item)
        and item.get("state") in ("active", "closed", "future")
    )


def _sprint_board(sprint: dict[str, Any]) -> object:
    return sprint.get("originBoardId", sprint.get("boardId"))


def _board_project(board: Json) -> str | None:
    location = _dict(_dict(board).get("location"))
    key = location.get("projectKey")
    return key if isinstance(key, str) else None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object, name: str) -> list[Any]:
    items = _dict(value).get(name)
    return items if isinstance(items, list) else []
