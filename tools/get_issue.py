"""get_issue: one issue in depth, in as few requests as Jira allows.

One read of the issue (its fields, links, sub-tasks, parent, attachments and the transitions
it can take), then, when asked and at the same time, the newest comments (one page) and the
newest history entries (one page, or two past a hundred). Description and comments are
Markdown, whole up to ``max_text``. Links, sub-tasks and a parent in projects outside the
scope are never named, only counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import anyio
from pydantic import BaseModel, ConfigDict, Field

from server import engines
from server.gateway.issues import DeepIssue, Page
from server.gateway.scope import ISSUE_KEY
from tools.support.base import ToolContext, ToolParams, ToolResult, ToolSpec
from tools.support.field_names import issue_row, resolve_fields

DEPTH = ["description", "issuelinks", "subtasks", "parent", "attachment"]
# The guard's names for what it withheld -> the words the model reads.
WITHHELD = {"issuelinks": "links", "subtasks": "subtasks", "parent": "parent"}


class Params(ToolParams):
    """What the model may ask of get_issue."""

    key: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="Issue key.")
    fields: list[str] | None = Field(
        None, description="Extra fields by name or id.", max_length=200
    )
    comments: int = Field(10, ge=0, le=100, description="Newest comments to show.")
    changelog: int = Field(0, ge=0, le=100, description="Newest history entries to show.")
    max_text: int = Field(20_000, ge=200, le=100_000, description="Text cut per body.")


class Comment(BaseModel):
    """One comment."""

    id: str
    author: str
    created: datetime | None
    body: str


class Change(BaseModel):
    """One changed field of a history entry."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    author: str
    created: datetime | None
    field: str
    from_: str = Field(alias="from")
    to: str


class Link(BaseModel):
    """A link as this issue's page reads it ("blocks SHOP-2")."""

    type: str
    direction: str
    key: str
    summary: str
    status: str


class Result(ToolResult):
    """The issue in depth."""

    key: str
    url: str
    fields: dict[str, Any]
    description: str
    comments: list[Comment]
    comments_total: int | None
    changelog: list[Change]
    links: list[Link]
    subtasks: list[dict[str, str]]
    parent: dict[str, str] | None
    attachments: list[dict[str, Any]]
    transitions: list[dict[str, str]]
    outside_scope: dict[str, int] = Field(description="Counts hidden by the scope.")


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Read the issue, then its newest comments and history together."""
    detail = engines.detail

    gateway = ctx.gateway
    selection = await resolve_fields(
        params.fields or [],
        default=ctx.settings.jira_default_fields,
        max_fields=ctx.settings.jira_max_fields,
        source=gateway.meta,
    )
    wanted = [f for f in selection.ids if f not in DEPTH]
    deep = await gateway.issues.read(
        params.key.upper(), fields=[*wanted, *DEPTH], expand="transitions"
    )
    key = str(deep.issue.get("key") or params.key.upper())
    comments, changes = await _comments_and_history(ctx, key, params)
    fields = deep.issue.get("fields") or {}
    row = issue_row(deep.issue, selection, ctx.settings.jira_text_limit)
    row.pop("key", None)
    limit = params.max_text
    return Result(
        key=key,
        url=detail.browse_url(deep.issue, key, ctx.settings.jira_url),
        fields={k: v for k, v in row.items() if k != "description"},
        description=detail.markdown(fields.get("description"), limit, "description"),
        comments=[Comment(**detail.comment(c, limit)) for c in comments.items] if comments else [],
        comments_total=comments.total if comments else None,
        changelog=[Change(**c) for c in detail.changes(changes.items)] if changes else [],
        links=[Link(**link) for link in detail.links(fields)],
        subtasks=detail.subtasks(fields),
        parent=detail.parent(fields),
        attachments=detail.attachments(fields),
        transitions=detail.transitions(deep.issue),
        outside_scope=_outside(deep),
    )


async def _comments_and_history(
    ctx: ToolContext, key: str, params: Params
) -> tuple[Page | None, Page | None]:
    """The newest comments and history entries asked for, fetched at the same time."""
    found: dict[str, Page] = {}
    issues = ctx.gateway.issues

    async def comments() -> None:
        found["comments"] = await issues.comments_page(key, max_results=params.comments)

    async def history() -> None:
        found["changelog"] = await issues.newest_changes(key, params.changelog)

    async with anyio.create_task_group() as group:
        if params.comments:
            group.start_soon(comments)
        if params.changelog:
            group.start_soon(history)
    return found.get("comments"), found.get("changelog")


def _outside(deep: DeepIssue) -> dict[str, int]:
    counts = {WITHHELD[name]: n for name, n in deep.withheld.items() if name in WITHHELD and n}
    return dict(sorted(counts.items()))


def render(result: Result) -> str:
    """Fields and links first, then the description, comments (newest first) and history."""
    detail = engines.detail

    lines = [f"{result.key} {result.url}".rstrip()]
    if result.fields:
        lines.append(engines.render_table(list(result.fields), [result.fields]))
    lines.extend(_relations(result))
    lines.append("\nDescription:\n" + (result.description or "(none)"))
    if result.comments_total is not None:
        shown = len(result.comments)
        lines.append(f"\nComments: {shown} of {result.comments_total}, newest first")
        for c in result.comments:
            lines.append(f"[{detail.when(c.created)}] {c.author} (id {c.id}):\n{c.body}")
    if result.changelog:
        lines.append("\nHistory, newest first:")
        lines.extend(
            f"{detail.when(c.created)} {c.author}: {c.field}: {c.from_ or '-'} -> {c.to or '-'}"
            for c in result.changelog
        )
    return "\n".join(lines)


def _relations(result: Result) -> list[str]:
    lines = []
    if result.parent:
        lines.append(f"parent: {result.parent['key']} {result.parent['summary']}")
    if result.links:
        lines.append(
            "links: "
            + "; ".join(f"{x.direction} {x.key} {x.summary} ({x.status})" for x in result.links)
        )
    if result.subtasks:
        lines.append(
            "subtasks: "
            + "; ".join(f"{s['key']} {s['summary']} ({s['status']})" for s in result.subtasks)
        )
    if result.attachments:
        lines.append(
            "attachments: "
            + "; ".join(
                f"{a['filename']} ({a['size']} B, id {a['id']})" for a in result.attachments
            )
        )
    if result.transitions:
        lines.append(
            "transitions: " + "; ".join(f"{t['name']} -> {t['to']}" for t in result.transitions)
        )
    for what, count in result.outside_scope.items():
        noun = {"links": "link", "subtasks": "subtask", "parent": "parent"}[what]
        plural = "s" if count > 1 and noun != "parent" else ""
        lines.append(
            f"{count} {noun}{plural} to issues outside the allowed projects (not shown)"
            if noun != "parent"
            else "the parent is in a project outside the allowed projects (not shown)"
        )
    return lines


SPEC = ToolSpec(
    name="get_issue",
    title="Read issue",
    description="One issue in depth: Markdown text, comments, history, links, transitions.",
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=True,
)
