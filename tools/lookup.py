"""lookup: what the site offers, so a model can name things instead of guessing them.

Metadata kinds (projects, issue types, statuses, priorities, resolutions, fields, link types,
me) come from the gateway's cached lists, the same ones the JQL name checks and the write
tools read, so a warm cache answers without a request. Users, boards and sprints are read
when asked (users by search; sprints through the board list). The scope is the gateway's:
with JIRA_PROJECTS set its guard has already dropped other projects, their boards and
sprints. Issue types and statuses are then those of the allowed projects (each project's
creatable types and workflow statuses), so none that exists only elsewhere is listed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Literal, get_args

from pydantic import Field

from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.resolve import listing

MAX_ITEMS: Final = 50  # items in one answer; more cost tokens a model rarely reads
CLOSED_SPRINTS: Final = 5  # closed sprints per board shown after active and future ones
SPRINT_BOARDS: Final = 5  # scrum boards whose sprints are read without a project named
STATE_ORDER: Final = {"active": 0, "future": 1, "closed": 2}
Item = dict[str, Any]


Kind = Literal[
    "projects",
    "issue_types",
    "statuses",
    "priorities",
    "resolutions",
    "fields",
    "users",
    "boards",
    "sprints",
    "link_types",
    "me",
]
KINDS: Final = get_args(Kind)
# Kinds read from Jira when asked (one request); the others come from cached metadata.
LIVE_KINDS: Final = frozenset({"users", "boards", "sprints"})
GUARD: Final = 1000  # a cap that only guards the server (not advertised: see lean_schema)


PER_PROJECT: Final = frozenset({"issue_types", "statuses", "boards", "sprints"})


class Params(ToolParams):
    """Input of lookup."""

    kind: Kind = Field(description="What to list.")
    query: str | None = Field(
        None, max_length=GUARD, description="Name filter (users: name or email)."
    )
    project: str | None = Field(
        None, max_length=GUARD, description="Project key (issue_types, statuses, boards, sprints)."
    )


class Result(ToolResult):
    """The items found, at most MAX_ITEMS."""

    kind: str
    items: list[dict[str, Any]]
    truncated: bool


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Read the kind's list (cached where the gateway caches it), filter by name, cap."""
    project = await _project(ctx, params)
    query = (params.query or "").strip()
    if params.kind == "users" and not query:
        raise ToolInputError("lookup users needs query: part of a name or an email address.")
    items = await READERS[params.kind](ctx, project, query)
    if query and params.kind != "users":  # Jira's user search has matched already
        items = [item for item in items if _matches(item, query)]
    return Result(kind=params.kind, items=items[:MAX_ITEMS], truncated=len(items) > MAX_ITEMS)


async def _project(ctx: ToolContext, params: Params) -> str | None:
    """The key of the project named (by key or name, any case), checked against the
    projects in scope; None when none was named."""
    wanted = (params.project or "").strip()
    if not wanted:
        return None
    if params.kind not in PER_PROJECT:
        raise ToolInputError(
            f"project applies to issue_types, statuses, boards and sprints, not {params.kind}. "
            "Call again without it."
        )
    projects = await ctx.gateway.meta.projects()
    for found in projects:
        if wanted.casefold() in (str(found.get("key")).casefold(), _name(found).casefold()):
            return str(found.get("key"))
    choices = listing(f"{p.get('key')} ({_name(p)})" for p in projects)
    raise ToolInputError(f"No project {wanted!r} is available. Projects: {choices}.")


def _matches(item: Item, query: str) -> bool:
    needle = query.casefold()
    return any(needle in str(item.get(k, "")).casefold() for k in ("name", "key"))


def _name(item: Mapping[str, Any]) -> str:
    return str(item.get("name") or item.get("displayName") or item.get("key") or "")


# -- readers, one per kind -------------------------------------------------------------------


async def _projects(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    return [
        _item(p, key=p.get("key"), type=p.get("projectTypeKey"))
        for p in await ctx.gateway.meta.projects()
    ]


async def _issue_types(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    """A project's creatable types (the create tools' cached list); with a scope and no
    project, those of every allowed project; else the site's list."""
    meta = ctx.gateway.meta
    if project is None and not ctx.gateway.scope.enabled:
        found = await meta.issuetypes()
    else:
        found = []
        for key in await _keys(ctx, project):
            found += await meta.createmeta_issuetypes(key)
    return _unique([_item(t, type=_level(t), project=_owner(t)) for t in found])


async def _keys(ctx: ToolContext, project: str | None) -> list[str]:
    """The project named, or every project in scope."""
    if project is not None:
        return [project]
    return [str(p.get("key")) for p in await ctx.gateway.meta.projects()]


def _unique(items: list[Item]) -> list[Item]:
    """Each id once, in the order first seen."""
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item["id"], item)
    return list(seen.values())


def _level(issue_type: Mapping[str, Any]) -> str:
    if issue_type.get("subtask"):
        return "subtask"
    return "epic" if issue_type.get("hierarchyLevel") == 1 else "standard"


def _owner(item: Mapping[str, Any]) -> str | None:
    """The project a team-managed status or issue type belongs to (None: the whole site)."""
    scope = item.get("scope")
    if not isinstance(scope, Mapping) or scope.get("type") != "PROJECT":
        return None
    owner = scope.get("project")
    return str(owner.get("key") or owner.get("id")) if isinstance(owner, Mapping) else "?"


async def _statuses(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    """The statuses a project's workflows use (with a scope and no project: those of every
    allowed project); with neither, the site's list, which the JQL name checks share."""
    meta = ctx.gateway.meta
    if project is None and not ctx.gateway.scope.enabled:
        found = await meta.statuses()
    else:
        found = []
        for key in await _keys(ctx, project):
            for issue_type in await meta.project_statuses(key):
                listed = issue_type.get("statuses")
                found += (
                    [s for s in listed if isinstance(s, dict)] if isinstance(listed, list) else []
                )
    return _unique([_status(s) for s in found])


def _status(status: Mapping[str, Any]) -> Item:
    category = status.get("statusCategory")
    name = category.get("name") if isinstance(category, Mapping) else None
    return _item(status, category=name, project=_owner(status))


async def _priorities(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    return [_item(p) for p in await ctx.gateway.meta.priorities()]


async def _resolutions(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    return [_item(r) for r in await ctx.gateway.meta.resolutions()]


async def _fields(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    items = []
    for field in await ctx.gateway.meta.fields():
        schema = field.get("schema")
        kind = schema.get("type") if isinstance(schema, Mapping) else None
        items.append(_item(field, type=kind, custom=True if field.get("custom") else None))
    return items


async def _users(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    found = await ctx.gateway.meta.search_users(query, max_results=MAX_ITEMS + 1)
    return [_user(u) for u in found]


def _user(user: Mapping[str, Any]) -> Item:
    return _item(
        {"id": user.get("accountId"), "name": user.get("displayName")},
        email=user.get("emailAddress"),
        active=False if user.get("active") is False else None,
    )


async def _boards(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    return [_board(b) for b in await ctx.gateway.agile.boards(project)]


def _board(board: Mapping[str, Any]) -> Item:
    location = board.get("location")
    key = location.get("projectKey") if isinstance(location, Mapping) else None
    return _item(board, type=board.get("type"), project=key)


async def _sprints(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    """Active and future sprints first, then each board's latest closed ones."""
    agile = ctx.gateway.agile
    boards = [
        board
        for board in await agile.known_boards(project)  # a boards lookup's list, if recent
        if board.get("type") == "scrum" and isinstance(board.get("id"), int)
    ]
    if len(boards) > SPRINT_BOARDS:
        names = listing(str(_board(b).get("project")) for b in boards)
        raise ToolInputError(
            f"{len(boards)} scrum boards have sprints; name one project to list its sprints. "
            f"Projects with scrum boards: {names}."
        )
    items: list[Item] = []
    for board in boards:
        sprints = await agile.sprints(int(board["id"]), "active,future,closed")
        closed = sorted(
            (s for s in sprints if s.get("state") == "closed"),
            key=lambda s: str(s.get("completeDate") or s.get("endDate") or ""),
            reverse=True,
        )
        kept = [s for s in sprints if s.get("state") != "closed"]
        kept += closed if query else closed[:CLOSED_SPRINTS]
        items += [_sprint(s, int(board["id"])) for s in kept]
    running = [s for s in items if s.get("state") != "closed"]
    closed = [s for s in items if s.get("state") == "closed"]
    running.sort(key=lambda s: STATE_ORDER.get(str(s.get("state")), len(STATE_ORDER)))
    closed.sort(key=lambda s: str(s.get("end") or ""), reverse=True)
    return running + closed


def _sprint(sprint: Mapping[str, Any], board: int) -> Item:
    return _item(
        sprint,
        state=sprint.get("state"),
        board=board,
        start=_day(sprint.get("startDate")),
        end=_day(sprint.get("endDate")),
    )


def _day(value: object) -> str | None:
    return value[:10] if isinstance(value, str) and value else None


async def _link_types(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    return [
        _item(t, inward=t.get("inward"), outward=t.get("outward"))
        for t in await ctx.gateway.issues.link_types()
    ]


async def _me(ctx: ToolContext, project: str | None, query: str) -> list[Item]:
    return [_user(await ctx.gateway.meta.myself())]


def _item(source: Mapping[str, Any], **extra: object) -> Item:
    """``id`` and ``name``, then the kind's own details that have a value."""
    item: Item = {"id": str(source.get("id", "")), "name": _name(source)}
    item.update({key: value for key, value in extra.items() if value not in (None, "")})
    return item


Reader = Callable[[ToolContext, str | None, str], Awaitable[list[Item]]]
READERS: Final[dict[str, Reader]] = {
    "projects": _projects,
    "issue_types": _issue_types,
    "statuses": _statuses,
    "priorities": _priorities,
    "resolutions": _resolutions,
    "fields": _fields,
    "users": _users,
    "boards": _boards,
    "sprints": _sprints,
    "link_types": _link_types,
    "me": _me,
}


def render(result: Result) -> str:
    """A count line, then one line per item: ``name [id] detail=value ...``."""
    if not result.items:
        return f"No {result.kind} found."
    head = f"{result.kind} ({len(result.items)})"
    if result.truncated:
        head += f" (the first {MAX_ITEMS}; narrow with query)"
    lines = [head + ":"]
    for item in result.items:
        details = " ".join(f"{k}={v}" for k, v in item.items() if k not in ("id", "name"))
        lines.append(f"{item['name']} [{item['id']}] {details}".rstrip())
    return "\n".join(lines)


SPEC = ToolSpec(
    name="lookup",
    title="Look up names and ids",
    description="Find the names and ids of Jira objects.",
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=True,
)
