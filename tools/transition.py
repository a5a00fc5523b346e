"""transition: move an issue to a status by name, in as few requests as Jira allows.

The common case costs two requests: the issue read with its available transitions (which
also checks its project against the scope), then the transition. A transition with a screen
costs one more read when Jira does not put the screen's fields in the issue's answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from server.errors import JiraError, WriteOutcomeUnknown
from server.gateway import JiraGateway
from server.gateway.scope import ISSUE_KEY
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.resolve import (
    allowed_ref,
    field_id,
    field_value,
    listing,
    markdown_doc,
    missing_required,
)

# Real Jira fills each transition's screen fields under this expand; a site that does not
# leaves "fields" out, and the screen is then read from the transitions endpoint.
ISSUE_EXPAND = "transitions,transitions.fields"

Transition = Mapping[str, Any]


class Params(ToolParams):
    """What the model may ask of transition."""

    key: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="Issue key.")
    to: str = Field(min_length=1, max_length=100, description="Target status or transition name.")
    comment: str | None = Field(None, max_length=32_000, description="Comment, in Markdown.")
    resolution: str | None = Field(None, max_length=100, description="Resolution name, e.g. Done.")
    fields: dict[str, Any] | None = Field(None, description="More screen fields by name or id.")
    dry_run: bool = Field(False, description="Only show the request; change nothing.")


class Result(ToolResult):
    """The move made, or the dry_run request and missing fields."""

    key: str
    from_status: str
    to_status: str
    transition: str = ""  # empty when the issue was already there
    changed: bool
    dry_run: bool = False
    request: dict[str, Any] = Field(default_factory=dict)
    missing_fields: list[str] = Field(default_factory=list)


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Resolve ``to`` among the issue's transitions, check the screen, then transition once."""
    gateway = ctx.gateway
    key = params.key.upper()
    # The gateway refuses a key outside the scope, and checks the project Jira returns.
    issue = await gateway.get_issue(key, fields=("status",), expand=ISSUE_EXPAND)
    current = str(issue.get("fields", {}).get("status", {}).get("name", ""))
    if current.casefold() == params.to.strip().casefold():
        return Result(key=key, from_status=current, to_status=current, changed=False)
    listed = issue.get("transitions")
    if not isinstance(listed, list):  # a site that ignores the expand: ask the endpoint
        listed = await gateway.transitions(key, with_fields=True)
    available = [t for t in listed if isinstance(t, Mapping)]
    chosen = _choose(available, params.to, current)
    screen = await _screen(gateway, key, chosen)
    body = await _body(gateway, params, chosen, screen)
    target = _target(chosen)
    missing = missing_required(screen, body.get("fields", {}))
    if params.dry_run:
        path = f"/rest/api/3/issue/{key}/transitions"
        request = await gateway.preflight("POST", path, body)
        return Result(
            key=key,
            from_status=current,
            to_status=target,
            transition=str(chosen.get("name")),
            changed=False,
            dry_run=True,
            request=request,
            missing_fields=missing,
        )
    if missing:
        raise ToolInputError(
            f"Moving {key} to {target} needs: {'; '.join(missing)}. Nothing was changed; "
            "give them (resolution, or `fields` by name) and call again."
        )
    await _perform(gateway, key, body, target)
    return Result(
        key=key,
        from_status=current,
        to_status=target,
        transition=str(chosen.get("name")),
        changed=True,
    )


def _target(t: Transition) -> str:
    return str((t.get("to") or {}).get("name", ""))


def _choose(available: list[Transition], wanted: str, current: str) -> Transition:
    """By target status name first, then by transition name, ignoring case."""
    needle = wanted.strip().casefold()
    for matches in (
        [t for t in available if _target(t).casefold() == needle],
        [t for t in available if str(t.get("name", "")).casefold() == needle],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ToolInputError(
                f"{wanted!r} matches several transitions: {_choices(matches)}. "
                "Give the transition name."
            )
    raise ToolInputError(
        f"The issue is in {current} and cannot move to {wanted!r}. "
        f"Available: {_choices(available) or 'none'}."
    )


def _choices(transitions: list[Transition]) -> str:
    return listing(f"{t.get('name')} -> {_target(t)}" for t in transitions)


async def _screen(gateway: JiraGateway, key: str, chosen: Transition) -> dict[str, Any]:
    """The transition's screen fields by id; read only when the issue's answer lacked them."""
    fields = chosen.get("fields")
    if isinstance(fields, Mapping):
        return dict(fields)
    if chosen.get("hasScreen") is False:
        return {}
    for t in await gateway.transitions(key, with_fields=True):
        if str(t.get("id")) == str(chosen.get("id")):
            return dict(t.get("fields") or {})
    raise ToolInputError(
        f"The transition {chosen.get('name')!r} is no longer available (the issue changed "
        "meanwhile). Call transition again to choose among the transitions available now."
    )


async def _body(
    gateway: JiraGateway, params: Params, chosen: Transition, screen: dict[str, Any]
) -> dict[str, Any]:
    """The transition request: its id, screen fields and a comment, all in one request."""
    where = f"transition ({chosen.get('name')})"
    fields: dict[str, Any] = {}
    for name, value in (params.fields or {}).items():
        fid = await field_id(gateway, name, screen, where)
        fields[fid] = await field_value(gateway, screen[fid], value)
    if params.resolution:
        if "resolution" not in screen:
            raise ToolInputError(
                f"The {where} has no resolution field; call again without resolution."
            )
        fields["resolution"] = allowed_ref(screen["resolution"], params.resolution)
    body: dict[str, Any] = {"transition": {"id": str(chosen.get("id"))}}
    if fields:
        body["fields"] = fields
    if params.comment:
        if "comment" not in screen:
            raise ToolInputError(
                f"The {where} has no comment field; transition without a comment, then "
                "comment separately."
            )
        body["update"] = {"comment": [{"add": {"body": markdown_doc(params.comment, "comment")}}]}
    return body


async def _perform(gateway: JiraGateway, key: str, body: dict[str, Any], target: str) -> None:
    """Send the transition; a lost answer is settled by reading the status back."""
    try:
        await gateway.do_transition(key, body)
    except WriteOutcomeUnknown:
        try:
            issue = await gateway.get_issue(key, fields=("status",))
        except JiraError:
            raise ToolInputError(
                f"Jira's answer was lost and {key}'s status could not be read back: the "
                f"transition may or may not have happened. Check {key}'s status before calling "
                "again (a repeated comment would be added twice)."
            ) from None
        now = str(issue.get("fields", {}).get("status", {}).get("name", ""))
        if now.casefold() != target.casefold():
            raise ToolInputError(
                f"Jira's answer was lost and {key} was still in {now} when read back: the "
                "transition most likely did not happen. Calling again is safe (if it has "
                "moved meanwhile, nothing more is written)."
            ) from None


def render(result: Result) -> str:
    """One line: what moved where (or why nothing did)."""
    if not result.changed and not result.dry_run:
        return f"{result.key} is already in {result.to_status}; nothing was changed."
    move = f"{result.key}: {result.from_status} -> {result.to_status} (via {result.transition})"
    if not result.dry_run:
        return move
    request = result.request
    body = json.dumps(request.get("body"), separators=(",", ":"), ensure_ascii=False)
    lines = [
        f"Dry run, nothing changed. {move}",
        f"{request.get('method')} {request.get('path')} {body}",
    ]
    if result.missing_fields:
        lines.append(f"Missing required fields: {'; '.join(result.missing_fields)}")
    return "\n".join(lines)


SPEC = ToolSpec(
    name="transition",
    title="Transition issue",
    description=(
        "Move an issue to a status (with resolution, comment, screen fields); says what is "
        "missing or possible. dry_run shows the request."
    ),
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=False,
    destructive=True,
    idempotent=True,
    open_world=True,
)
