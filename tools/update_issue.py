"""update_issue: change fields of one issue by the names a person uses, in one write.

The issue is read once (its project and type, which also checks it against the scope) and
every requested field is checked against its edit screen (``editmeta``, cached per project
and type) before anything is sent: a field off the screen, a name that matches no value or
several, answers with the choices and writes nothing. All fields then go out in one PUT;
labels are added and removed with Jira's ``update`` operations, so no read-modify-write
race loses a label someone else added meanwhile. A sprint goes in the same PUT when the
Sprint field is on the screen, else through the Agile API; ``backlog`` takes the issue out
of its open sprints (Agile API). Both are checked before the PUT.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import Field

from server.gateway import JiraGateway
from server.gateway.scope import ISSUE_KEY
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec
from tools.support.resolve import (
    account_id,
    allowed_ref,
    field_id,
    field_value,
    listing,
    markdown_doc,
    pick,
)

Screen = dict[str, dict[str, Any]]
# Caps of 1000 or more guard the server and are not advertised (server.app.GUARD_LENGTH);
# Jira itself refuses what is too long for a field, naming the field.
GUARD = 1000
Label = Annotated[str, Field(max_length=GUARD)]
Name = Annotated[str, Field(max_length=GUARD)]
SPRINT_TYPE = ":gh-sprint"
# Set by their own parameters; `fields` may not set them a second time.
NAMED = {
    "summary": "summary",
    "description": "description",
    "priority": "priority",
    "assignee": "assignee",
    "labels": "labels",
    "components": "components",
    "fixVersions": "fix_versions",
    "duedate": "due_date",
    "parent": "parent",
}
NOT_SHOWN = 200  # characters of a new description shown back


class Params(ToolParams):
    """What the model may ask of update_issue (None means not given)."""

    key: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="Issue key.")
    summary: str | None = Field(None, max_length=255, description="New one-line title.")
    description: str | None = Field(None, max_length=32_000, description="New body, in Markdown.")
    priority: str | None = Field(None, max_length=GUARD, description="Priority name.")
    assignee: str | None = Field(
        None, max_length=GUARD, description="accountId, email, name, me or none."
    )
    labels: list[Label] | None = Field(None, max_length=50, description="Replace all labels.")
    add_labels: list[Label] | None = Field(None, max_length=50, description="Labels to add.")
    remove_labels: list[Label] | None = Field(None, max_length=50, description="Labels to remove.")
    components: list[Name] | None = Field(None, max_length=50, description="Replace components.")
    fix_versions: list[Name] | None = Field(
        None, max_length=50, description="Replace fix versions."
    )
    due_date: str | None = Field(None, max_length=GUARD, description="YYYY-MM-DD, or none.")
    parent: str | None = Field(None, max_length=GUARD, description="Parent issue key.")
    sprint: str | None = Field(None, max_length=GUARD, description="Sprint id or name, or backlog.")
    fields: dict[str, Any] | None = Field(
        None, description='More by name or id: {"Story Points": 5}.'
    )
    dry_run: bool = Field(False, description="Only show the request; change nothing.")


class Result(ToolResult):
    """What changed, as a person reads it."""

    key: str
    url: str = ""
    changed: dict[str, Any] = Field(description="Field name -> new value as shown.")
    dry_run: bool = False
    request: dict[str, Any] = Field(default_factory=dict)


@dataclass
class Edit:
    """The one PUT and the Agile moves around it, and what they change as shown."""

    fields: dict[str, Any] = field(default_factory=dict)
    update: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    changed: dict[str, Any] = field(default_factory=dict)
    sprint: int | None = None  # an Agile move into this sprint after the PUT
    backlog: bool = False

    def body(self) -> dict[str, Any]:
        """The PUT body: ``fields`` and ``update``, whichever are used."""
        body: dict[str, Any] = {}
        if self.fields:
            body["fields"] = self.fields
        if self.update:
            body["update"] = self.update
        return body


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Read the issue, check every field against its edit screen, then write once."""
    gateway = ctx.gateway
    issue = await gateway.get_issue(params.key.upper(), fields=("issuetype",))
    key = str(issue.get("key") or params.key.upper())
    fields = issue.get("fields") or {}
    project = str((fields.get("project") or {}).get("key") or "")
    issuetype = str((fields.get("issuetype") or {}).get("id") or "")
    screen = await gateway.issues.editmeta(key, project=project, issuetype=issuetype)
    edit = await _edit(gateway, params, screen, project)
    if not edit.changed:
        raise ToolInputError(
            "Nothing to update: give at least one field (summary, priority, assignee, labels, "
            "sprint, fields, ...)."
        )
    url = _browse_url(issue, key, ctx.settings.jira_url)
    path = f"/rest/api/3/issue/{key}"
    if params.dry_run:
        # Only a body that changes something has anything to check.
        show = gateway.preflight if edit.body() else gateway.as_sent
        request: dict[str, Any] = await show("PUT", path, edit.body())
        if edit.sprint is not None:
            request["then"] = f"POST /rest/agile/1.0/sprint/{edit.sprint}/issue"
        if edit.backlog:
            request["then"] = "POST /rest/agile/1.0/backlog/issue"
        return Result(key=key, url=url, changed=edit.changed, dry_run=True, request=request)
    if edit.body():
        await gateway.issues.edit_issue(key, edit.body())
    if edit.sprint is not None:
        await gateway.issues.move_to_sprint(edit.sprint, [key])
    if edit.backlog:
        await gateway.issues.move_to_backlog([key])
    return Result(key=key, url=url, changed=edit.changed)


async def _edit(gateway: JiraGateway, params: Params, screen: Screen, project: str) -> Edit:
    """Every requested field in Jira's form, each checked against the edit screen."""
    edit = Edit()
    check = _Checker(screen)
    if params.summary and check.settable("summary"):
        edit.fields["summary"] = params.summary
        edit.changed["Summary"] = params.summary
    if params.description and check.settable("description"):
        edit.fields["description"] = markdown_doc(params.description, "description")
        shown = params.description[:NOT_SHOWN] + (
            "…" if len(params.description) > NOT_SHOWN else ""
        )
        edit.changed["Description"] = shown
    if params.priority and check.settable("priority"):
        edit.fields["priority"] = await _priority(gateway, screen, params.priority)
        edit.changed["Priority"] = _named(screen["priority"], edit.fields["priority"])
    if params.assignee and check.settable("assignee"):
        who, shown = await _assignee(gateway, params.assignee)
        edit.fields["assignee"] = who
        edit.changed["Assignee"] = shown
    _labels(params, check, edit)
    for name, fid, given in (
        ("Components", "components", (params.components or [])),
        ("Fix versions", "fixVersions", (params.fix_versions or [])),
    ):
        if given and check.settable(fid):
            refs = [allowed_ref(screen[fid], item) for item in given]
            edit.fields[fid] = refs
            edit.changed[name] = [_named(screen[fid], ref) for ref in refs]
    _due_date(params, check, edit)
    if params.parent and check.settable("parent"):
        edit.fields["parent"] = {"key": (params.parent or "").strip().upper()}
        edit.changed["Parent"] = (params.parent or "").strip().upper()
    await _extra(gateway, (params.fields or {}), screen, edit)
    if params.sprint:
        await _sprint(gateway, params.sprint, screen, project, edit)
    check.done()
    return edit


@dataclass
class _Checker:
    """Collects fields that are not on the edit screen, to refuse them all at once."""

    screen: Screen
    missing: list[str] = field(default_factory=list)

    def settable(self, fid: str, operation: str = "set") -> bool:
        """True when the screen has the field with this operation; else it is noted."""
        meta = self.screen.get(fid)
        if meta is None or operation not in (meta.get("operations") or ["set"]):
            self.missing.append(fid)
            return False
        return True

    def done(self) -> None:
        if self.missing:
            on_screen = listing(str(m.get("name") or f) for f, m in self.screen.items())
            raise ToolInputError(
                f"Cannot set {', '.join(self.missing)} on this issue: not on its edit screen "
                f"(or not editable). Nothing was changed. Fields you can set: {on_screen}."
            )


def _labels(params: Params, check: _Checker, edit: Edit) -> None:
    """Replace all labels, or add and remove some with Jira's update operations."""
    every = [*(params.labels or []), *(params.add_labels or []), *(params.remove_labels or [])]
    spaced = [label for label in every if any(ch.isspace() for ch in label)]
    if spaced:
        raise ToolInputError(f"Labels cannot contain spaces: {spaced}. Use - or _ instead.")
    if params.labels and (params.add_labels or params.remove_labels):
        raise ToolInputError(
            "Give labels (replace all) or add_labels/remove_labels, not both. Nothing was changed."
        )
    if params.labels or []:
        if not check.settable("labels"):
            return
        edit.fields["labels"] = list(dict.fromkeys(params.labels or []))
        edit.changed["Labels"] = edit.fields["labels"]
        return
    operations = [{"add": label} for label in dict.fromkeys(params.add_labels or [])]
    operations += [{"remove": label} for label in dict.fromkeys(params.remove_labels or [])]
    for verb in {next(iter(op)) for op in operations}:
        check.settable("labels", verb)
    if operations:
        edit.update["labels"] = operations
        shown = [f"+{label}" for label in (params.add_labels or [])]
        edit.changed["Labels"] = shown + [f"-{label}" for label in (params.remove_labels or [])]


def _due_date(params: Params, check: _Checker, edit: Edit) -> None:
    if not params.due_date or not check.settable("duedate"):
        return
    text = (params.due_date or "").strip()
    if text.lower() == "none":
        edit.fields["duedate"] = None
    else:
        try:
            edit.fields["duedate"] = date.fromisoformat(text).isoformat()
        except ValueError:
            raise ToolInputError(
                f"due_date {text!r} is not a date like 2026-12-31 (or none to clear it)."
            ) from None
    edit.changed["Due date"] = edit.fields["duedate"]


async def _priority(gateway: JiraGateway, screen: Screen, name: str) -> dict[str, str]:
    meta = screen["priority"]
    if meta.get("allowedValues"):
        return allowed_ref(meta, name)

    chosen = pick(name, await gateway.meta.priorities(), "priority", keys=("name",))
    return {"id": str(chosen.get("id"))}


async def _assignee(gateway: JiraGateway, who: str) -> tuple[dict[str, str] | None, str]:
    """``none`` unassigns; ``me`` is the account of the credentials; else a user lookup."""
    text = who.strip()
    if text.lower() == "none":
        return None, "Unassigned"
    if text.lower() == "me":
        me = await gateway.meta.myself()
        return {"accountId": str(me.get("accountId"))}, str(me.get("displayName") or "me")
    return {"accountId": await account_id(gateway, text)}, text


async def _extra(
    gateway: JiraGateway, given: Mapping[str, Any], screen: Screen, edit: Edit
) -> None:
    """The ``fields`` argument: names to ids, values to Jira's form, each on the screen."""
    for name, value in given.items():
        fid = await field_id(gateway, name, screen, "edit")
        if fid in NAMED:
            raise ToolInputError(f"Set {fid} with the `{NAMED[fid]}` parameter, not in `fields`.")
        if str((screen[fid].get("schema") or {}).get("custom", "")).endswith(SPRINT_TYPE):
            raise ToolInputError("Set the sprint with the `sprint` parameter, not in `fields`.")
        edit.fields[fid] = await field_value(gateway, screen[fid], value)
        edit.changed[str(screen[fid].get("name") or fid)] = value


async def _sprint(
    gateway: JiraGateway, wanted: str, screen: Screen, project: str, edit: Edit
) -> None:
    """A sprint by id or name (checked in scope and open now), or the backlog."""
    if wanted.strip().lower() == "backlog":
        edit.backlog = True
        edit.changed["Sprint"] = "backlog"
        return
    sprint = await _find_sprint(gateway, wanted.strip(), project)
    if sprint.get("state") == "closed":
        raise ToolInputError(
            f"Sprint {sprint.get('name')} is closed; issues go only into active or future "
            "sprints. Nothing was changed."
        )
    sprint_id = int(sprint["id"])
    on_screen = [f for f, m in screen.items() if _is_sprint_field(m)]
    if on_screen:
        edit.fields[on_screen[0]] = sprint_id
    else:
        edit.sprint = sprint_id
    edit.changed["Sprint"] = str(sprint.get("name") or sprint_id)


def _is_sprint_field(meta: Mapping[str, Any]) -> bool:
    return str((meta.get("schema") or {}).get("custom", "")).endswith(SPRINT_TYPE)


async def _find_sprint(gateway: JiraGateway, wanted: str, project: str) -> dict[str, Any]:
    """The sprint with this id (read: the guard checks its board), or this name among the
    active and future sprints of the project's boards."""
    if re.fullmatch(r"[0-9]{1,12}", wanted):
        return await gateway.agile.sprint(int(wanted))
    found: list[dict[str, Any]] = []
    for board in await gateway.agile.boards(project, "scrum"):
        found += await gateway.agile.sprints(int(board["id"]), "active,future")
    matches = [s for s in found if str(s.get("name", "")).casefold() == wanted.casefold()]
    if len(matches) == 1:
        return matches[0]
    choices = listing(f"{s.get('name')} (id {s.get('id')})" for s in found)
    what = "matches several sprints" if matches else "is not an active or future sprint"
    raise ToolInputError(
        f"{wanted!r} {what} of {project}. Sprints: {choices}; or give backlog. Nothing was changed."
    )


def _named(meta: Mapping[str, Any], ref: Mapping[str, Any]) -> str:
    """The name of the allowed value ``ref`` points at."""
    for value in meta.get("allowedValues") or []:
        if isinstance(value, Mapping) and str(value.get("id")) == str(ref.get("id")):
            return str(value.get("name") or value.get("value") or ref.get("id"))
    return str(ref.get("id"))


def _browse_url(issue: Mapping[str, Any], key: str, jira_url: str | None) -> str:
    link = issue.get("self")
    base = str(link).split("/rest/api/", 1)[0] if isinstance(link, str) and link else jira_url
    return f"{base}/browse/{key}" if base else ""


def render(result: Result) -> str:
    """What changed, one field a line; the request for a dry run."""
    changes = [
        f"{name}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in result.changed.items()
    ]
    if result.dry_run:
        body = json.dumps(result.request.get("body"), separators=(",", ":"), ensure_ascii=False)
        head = f"Dry run, nothing changed on {result.key}. Would set:"
        request = f"{result.request.get('method')} {result.request.get('path')} {body}"
        then = [f"then {result.request['then']}"] if result.request.get("then") else []
        return "\n".join([head, *changes, request, *then])
    return "\n".join([f"Updated {result.key} {result.url}".rstrip(), *changes])


SPEC = ToolSpec(
    name="update_issue",
    title="Update issue",
    description="Change an issue's fields by name, in one write. dry_run shows the request.",
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=False,
    destructive=True,
    idempotent=True,
    open_world=True,
)
