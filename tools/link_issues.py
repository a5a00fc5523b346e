"""link_issues: link two issues by a type's name or the phrase a person reads on the issue.

"SHOP-1 blocks SHOP-2" and "SHOP-2 is blocked by SHOP-1" make the same link. Jira Cloud shows
the issue sent as ``inwardIssue`` with the type's *outward* phrase (widely reported as the
opposite of what the field names suggest: atlassian/atlassian-mcp-server#112,
mozilla/jira-bugzilla-integration#1285), so ``key`` goes out as ``inwardIssue`` when it is to
read the outward phrase ("blocks"), and as ``outwardIssue`` for the inward one.

Both issues are read in one request (which also checks their projects against the scope and
tells whether the link exists); a link that exists is a success that says so. Jira answers a
new link without its id, so the id is read back from ``key``'s links.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from server.errors import WriteOutcomeUnknown
from server.gateway import JiraGateway
from server.gateway.scope import ISSUE_KEY
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec

LINK_PATH = "/rest/api/3/issueLink"


class Params(ToolParams):
    """What the model may ask of link_issues."""

    key: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="Issue key.")
    to: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="The other issue.")
    type: str = Field(max_length=1000, description='Type or phrase, e.g. "is blocked by".')
    dry_run: bool = Field(False, description="Only show the request; link nothing.")


class Result(ToolResult):
    """The link as ``key`` reads it."""

    key: str
    to: str
    type: str
    direction: str = Field(description="The phrase read on key.")
    link_id: str = ""
    existed: bool = Field(False, description="Already there; nothing written.")
    dry_run: bool = False
    request: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Chosen:
    """A link type and the phrase ``key`` is to read."""

    name: str
    phrase: str
    key_is_inward: bool  # key goes out as inwardIssue (it then reads the outward phrase)


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Resolve the type, read both issues, then link once (or say it exists)."""
    key, to = params.key.upper(), params.to.upper()
    if key == to:
        raise ToolInputError(f"{key} cannot be linked to itself. Give two different issues.")
    gateway = ctx.gateway
    chosen = choose(await gateway.issues.link_types(), params.type)
    issue = await _read_both(gateway, key, to)
    found = existing(issue, chosen, to)
    result = Result(key=key, to=to, type=chosen.name, direction=chosen.phrase)
    if found is not None:
        return result.model_copy(update={"link_id": found, "existed": True})
    inward, outward = (key, to) if chosen.key_is_inward else (to, key)
    body = {
        "type": {"name": chosen.name},
        "inwardIssue": {"key": inward},
        "outwardIssue": {"key": outward},
    }
    if params.dry_run:
        request = await gateway.preflight("POST", LINK_PATH, body)
        return result.model_copy(update={"dry_run": True, "request": request})
    try:
        await gateway.issues.create_link(chosen.name, inward, outward)
    except WriteOutcomeUnknown:
        # Jira makes a link at most once whatever is sent, so one more try is safe.
        await gateway.issues.create_link(chosen.name, inward, outward)
    again = await gateway.get_issue(key, fields=("issuelinks",))
    return result.model_copy(update={"link_id": existing(again, chosen, to) or ""})


def choose(types: list[dict[str, Any]], wanted: str) -> Chosen:
    """The type whose name, outward or inward phrase is ``wanted`` (ignoring case)."""
    needle = " ".join(wanted.split()).casefold()
    by_name = [t for t in types if str(t.get("name", "")).casefold() == needle]
    if by_name:
        return Chosen(str(by_name[0]["name"]), str(by_name[0].get("outward") or ""), True)
    outward = [t for t in types if str(t.get("outward", "")).casefold() == needle]
    inward = [t for t in types if str(t.get("inward", "")).casefold() == needle]
    matches = [(t, True) for t in outward] + [(t, False) for t in inward if t not in outward]
    if len(matches) == 1:
        kind, key_is_inward = matches[0]
        return Chosen(str(kind["name"]), needle, key_is_inward)
    choices = "; ".join(f"{t.get('name')}: {t.get('outward')} / {t.get('inward')}" for t in types)
    what = "matches several link types" if matches else "is not a link type or phrase"
    raise ToolInputError(f"{wanted!r} {what}. Types (name: phrase / reverse): {choices}.")


async def _read_both(gateway: JiraGateway, key: str, to: str) -> dict[str, Any]:
    """``key`` with its links, after checking that both issues are visible and in scope."""
    found = await gateway.bulk_fetch([key, to], fields=["issuelinks", "summary"])
    for ref in [*found.denied, *found.not_found]:
        if ref in found.denied:
            raise gateway.scope.issue_refused(ref)
        raise gateway.scope.not_found("issue", ref)
    by_key = {str(i.get("key", "")).upper(): i for i in found.issues}
    return by_key[key]


def existing(issue: Mapping[str, Any], chosen: Chosen, to: str) -> str | None:
    """The id of the link ``key -> to`` of this type read the chosen way, if there is one."""
    for link in (issue.get("fields") or {}).get("issuelinks") or []:
        kind = link.get("type") or {}
        if kind.get("name") != chosen.name:
            continue
        # key reads the outward phrase of an entry that carries outwardIssue (and the other
        # way round); a type whose two phrases are the same reads alike from both sides.
        mine = "outwardIssue" if chosen.key_is_inward else "inwardIssue"
        symmetric = kind.get("inward") == kind.get("outward")
        for side in ("outwardIssue", "inwardIssue") if symmetric else (mine,):
            other = link.get(side) or {}
            if str(other.get("key", "")).upper() == to:
                return str(link.get("id") or "")
    return None


def render(result: Result) -> str:
    """One line: the link as ``key`` reads it."""
    line = f"{result.key} {result.direction} {result.to} ({result.type}"
    line += f", link {result.link_id})" if result.link_id else ")"
    if result.existed:
        return f"Already linked: {line}. Nothing was written."
    if result.dry_run:
        body = json.dumps(result.request.get("body"), separators=(",", ":"), ensure_ascii=False)
        return (
            f"Dry run, nothing linked: {line}\n"
            f"{result.request.get('method')} {result.request.get('path')} {body}"
        )
    return f"Linked: {line}"


SPEC = ToolSpec(
    name="link_issues",
    title="Link issues",
    description='Link key to another issue: "key blocks to", "relates to", "duplicates"...',
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=False,
    destructive=False,
    idempotent=True,
    open_world=True,
)
