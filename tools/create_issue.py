"""create_issue: one new issue from names a person would use, created at most once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from server.gateway import JiraGateway
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.dedupe import create_once, new_request_id, with_request_id
from tools.support.resolve import (
    account_id,
    chosen_project,
    field_id,
    field_value,
    issue_type,
    markdown_doc,
    missing_required,
    priority_ref,
)

CREATE_PATH = "/rest/api/3/issue"
# Set by their own parameters; `fields` may not set them a second time.
NAMED = {
    "summary": "summary",
    "description": "description",
    "priority": "priority",
    "labels": "labels",
    "assignee": "assignee",
    "parent": "parent",
    "project": "project",
    "issuetype": "issue_type",
}

Screen = dict[str, Mapping[str, Any]]


class Params(ToolParams):
    """What the model may ask of create_issue."""

    summary: str = Field(min_length=1, max_length=255, description="One-line title.")
    project: str | None = Field(
        None, max_length=255, description="Project key; needed unless one is allowed."
    )
    issue_type: str = Field("Task", min_length=1, max_length=100, description="Issue type name.")
    description: str | None = Field(None, max_length=32_000, description="Body, in Markdown.")
    priority: str | None = Field(None, max_length=100, description="Priority name, e.g. High.")
    labels: list[Annotated[str, Field(min_length=1, max_length=255)]] | None = Field(
        None, max_length=50, description="Labels (no spaces)."
    )
    assignee: str | None = Field(None, max_length=255, description="accountId, email or name.")
    parent: str | None = Field(None, max_length=50, description="Parent issue key.")
    fields: dict[str, Any] | None = Field(
        None, description='More fields by name or id: {"Story Points": 3}.'
    )
    dry_run: bool = Field(False, description="Only show the request; create nothing.")


class Result(ToolResult):
    """The created issue, or the dry_run request and missing fields."""

    key: str = ""
    id: str = ""
    url: str = ""
    recovered: bool = Field(False, description="Answer lost; issue found by its request id.")
    dry_run: bool = False
    request: dict[str, Any] = Field(default_factory=dict)
    missing_fields: list[str] = Field(default_factory=list)


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Resolve every name, check required fields, then create once (or show the request)."""
    gateway = ctx.gateway
    project = await chosen_project(
        gateway, params.project, "Name the project to create the issue in (project=KEY)."
    )
    itype = await issue_type(gateway, project, params.issue_type)
    screen = await _create_screen(gateway, project, str(itype["id"]))
    where = f"create ({itype.get('name')} in {project})"
    fields = {
        "project": {"key": project},
        "issuetype": {"id": str(itype["id"])},
        **await _named_fields(gateway, params, screen),
        **await _extra_fields(gateway, params.fields or {}, screen, where),
    }
    missing = missing_required(screen, fields)
    request_id = new_request_id()
    payload = with_request_id({"fields": fields}, request_id)
    if params.dry_run:
        request = await gateway.preflight("POST", CREATE_PATH, payload)
        return Result(dry_run=True, request=request, missing_fields=missing)
    if missing:
        raise ToolInputError(
            f"Required fields are missing: {'; '.join(missing)}. "
            "Give them in `fields` (by name or id) and call again."
        )
    created = await create_once(gateway, payload, request_id)
    key = str(created.issue["key"])
    return Result(
        key=key,
        id=str(created.issue.get("id")),
        url=_browse_url(created.issue, key, ctx.settings.jira_url),
        recovered=created.recovered,
    )


async def _create_screen(gateway: JiraGateway, project: str, issuetype_id: str) -> Screen:
    """The create screen's fields by id (cached by the gateway)."""
    items = await gateway.meta.createmeta_fields(project, issuetype_id)
    return {str(f.get("fieldId") or f.get("key")): f for f in items}


async def _named_fields(gateway: JiraGateway, params: Params, screen: Screen) -> dict[str, Any]:
    """The fields given by their own parameters, in the form Jira wants."""
    fields: dict[str, Any] = {"summary": params.summary}
    if params.description:
        fields["description"] = markdown_doc(params.description, "description")
    if params.priority:
        fields["priority"] = await priority_ref(gateway, screen, params.priority)
    if params.labels:
        spaced = [label for label in params.labels if any(ch.isspace() for ch in label)]
        if spaced:
            raise ToolInputError(f"Labels cannot contain spaces: {spaced}. Use - or _ instead.")
        fields["labels"] = list(dict.fromkeys(params.labels))
    if params.assignee and params.assignee.strip():
        fields["assignee"] = {"accountId": await account_id(gateway, params.assignee)}
    if params.parent and params.parent.strip():
        fields["parent"] = {"key": params.parent.strip().upper()}
    return fields


async def _extra_fields(
    gateway: JiraGateway, given: Mapping[str, Any], screen: Screen, where: str
) -> dict[str, Any]:
    """The ``fields`` argument: names to ids, values to Jira's form."""
    fields: dict[str, Any] = {}
    for name, value in given.items():
        fid = await field_id(gateway, name, screen, where)
        if fid in NAMED:
            raise ToolInputError(f"Set {fid} with the `{NAMED[fid]}` parameter, not in `fields`.")
        fields[fid] = await field_value(gateway, screen[fid], value)
    return fields


def _browse_url(issue: Mapping[str, Any], key: str, jira_url: str | None) -> str:
    """The issue's page: the site of its ``self`` link (or the configured URL) + /browse/KEY."""
    link = issue.get("self")
    base = str(link).split("/rest/api/", 1)[0] if isinstance(link, str) and link else jira_url
    return f"{base}/browse/{key}" if base else ""


def render(result: Result) -> str:
    """One line for a created issue; the request and missing fields for a dry run."""
    if result.dry_run:
        lines = ["Dry run: nothing was created. Request that would be sent:"]
        request = result.request
        body = json.dumps(request.get("body"), separators=(",", ":"), ensure_ascii=False)
        lines.append(f"{request.get('method')} {request.get('path')} {body}")
        if result.missing_fields:
            lines.append(f"Missing required fields: {'; '.join(result.missing_fields)}")
        return "\n".join(lines)
    line = f"Created {result.key} (id {result.id}) {result.url}".rstrip()
    if result.recovered:
        line += "\nJira's answer was lost; the issue was found by its request id (not duplicated)."
    return line


SPEC = ToolSpec(
    name="create_issue",
    title="Create issue",
    description=(
        "Create an issue; type, priority, assignee and fields by name. dry_run shows the "
        "request and missing required fields. Never creates a duplicate."
    ),
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=True,
)
