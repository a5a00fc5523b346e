"""add_comment: a Markdown comment on an issue, posted at most once.

The comment carries a request id (a comment property); when Jira's answer is lost, the
gateway settles the outcome by reading the issue's newest comments, so a comment is never
posted twice nor reported failed when it exists (``server.gateway.settle``).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from server import engines
from server.errors import BadRequest
from server.gateway import JiraGateway
from server.gateway.scope import ISSUE_KEY
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.resolve import listing

VISIBILITY_KINDS = ("role", "group")


class Params(ToolParams):
    """What the model may ask of add_comment."""

    key: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="Issue key.")
    body: str = Field(min_length=1, max_length=32_000, description="Comment, in Markdown.")
    visibility: str | None = Field(
        None, max_length=255, description="Restrict to role:NAME or group:NAME."
    )
    dry_run: bool = Field(False, description="Only show the request; post nothing.")


class Result(ToolResult):
    """The posted comment, or the dry_run request."""

    key: str
    comment_id: str = ""
    url: str = ""
    recovered: bool = Field(False, description="Answer lost; found, not reposted.")
    dry_run: bool = False
    request: dict[str, Any] = Field(default_factory=dict)


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Convert the Markdown, check the visibility, then post once (or show the request)."""
    key = params.key.upper()
    doc = _adf(params.body)
    visibility = _visibility(params.visibility or "")
    gateway = ctx.gateway
    if params.dry_run:
        body: dict[str, Any] = {"body": doc, **({"visibility": visibility} if visibility else {})}
        path = f"/rest/api/3/issue/{key}/comment"
        request = await gateway.preflight("POST", path, body)
        return Result(key=key, dry_run=True, request=request)
    try:
        posted = await gateway.issues.post_comment(key, doc, visibility=visibility)
    except BadRequest as exc:
        if visibility and "commentLevel" in exc.errors:
            raise ToolInputError(
                await _visibility_choices(gateway, key, params.visibility or "")
            ) from None
        raise
    comment_id = str(posted.get("id") or "")
    return Result(
        key=key,
        comment_id=comment_id,
        url=_comment_url(posted, key, comment_id, ctx.settings.jira_url),
        recovered=bool(posted.get("recovered")),
    )


def _adf(markdown: str) -> dict[str, Any]:
    """The comment as an ADF document, checked before anything is sent."""

    doc = engines.markdown_to_adf(markdown)
    problems = engines.validate_adf(doc)
    if problems:
        raise ToolInputError(
            f"The comment could not be converted to ADF: {'; '.join(problems[:3])}. "
            "Simplify that part of the Markdown (plain paragraphs, lists, code) and call again."
        )
    return doc


def _visibility(text: str) -> dict[str, str] | None:
    """``role:Developers`` -> ``{"type": "role", "value": "Developers"}``."""
    if not text.strip():
        return None
    kind, _, name = text.partition(":")
    if kind.strip().lower() not in VISIBILITY_KINDS or not name.strip():
        raise ToolInputError(
            f"visibility {text!r} is not role:NAME or group:NAME (e.g. role:Developers). "
            "Leave it empty for a comment everyone who sees the issue can read."
        )
    return {"type": kind.strip().lower(), "value": name.strip()}


async def _visibility_choices(gateway: JiraGateway, key: str, asked: str) -> str:
    """The refusal of an unknown role or group, with the ones that can be used."""

    issue = await gateway.issues.read(key, fields=["project"])
    project = str(((issue.issue.get("fields") or {}).get("project") or {}).get("key") or "")
    roles = await gateway.issues.project_roles(project) if project else []
    groups = await gateway.meta.my_groups()
    return (
        f"Jira refused the visibility {asked!r}. Nothing was posted. Roles of {project}: "
        f"{listing(f'role:{r}' for r in roles)}; your groups: "
        f"{listing(f'group:{g}' for g in groups)}."
    )


def _comment_url(comment: dict[str, Any], key: str, comment_id: str, jira_url: str | None) -> str:
    """The comment's permalink: the issue page focused on the comment."""
    link = comment.get("self")
    base = str(link).split("/rest/api/", 1)[0] if isinstance(link, str) and link else jira_url
    if not base:
        return ""
    return f"{base}/browse/{key}?focusedCommentId={comment_id}" if comment_id else ""


def render(result: Result) -> str:
    """One line for a posted comment; the request for a dry run."""
    if result.dry_run:
        body = json.dumps(result.request.get("body"), separators=(",", ":"), ensure_ascii=False)
        return (
            "Dry run: nothing was posted. Request that would be sent:\n"
            f"{result.request.get('method')} {result.request.get('path')} {body}"
        )
    line = f"Commented on {result.key} (comment {result.comment_id}) {result.url}".rstrip()
    if result.recovered:
        line += (
            "\nJira's answer was lost; the comment was found by its request id (not posted twice)."
        )
    return line


SPEC = ToolSpec(
    name="add_comment",
    title="Comment on issue",
    description="Comment on an issue in Markdown; never posts twice. dry_run shows the request.",
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=True,
)
