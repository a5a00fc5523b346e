"""Editing an issue: its edit screen (editmeta) and PUT with `fields` and `update` operations.

Like Jira, an edit is checked whole before anything is written: a field that is not on the
edit screen, an operation the field does not take, or a bad value answers 400 with Jira's
per-field `errors`, and the issue is unchanged. A successful edit adds a changelog entry.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.routes import field_input as fi
from sandbox.routes.comments import add_comment
from sandbox.routes.common import ApiError, View, body, no_content, ok, view
from sandbox.routes.meta import create_fields
from sandbox.site import ChangeEntry, ChangeItem, Issue, Json

# Fields a create may set that an edit may not (Jira moves issues with another API).
_NOT_EDITABLE = frozenset({"project", "issuetype"})
_MULTI = ("labels", "components", "fixVersions")
# Issue attribute -> (field id, field name) for the changelog.
_HISTORY = {
    "summary": ("summary", "summary"),
    "priority": ("priority", "priority"),
    "assignee": ("assignee", "assignee"),
    "duedate": ("duedate", "duedate"),
    "labels": ("labels", "labels"),
    "components": ("components", "Component"),
    "fix_versions": ("fixVersions", "Fix Version"),
    "story_points": ("customfield_10016", "Story Points"),
    "parent": ("parent", "Parent"),
    "sprints": ("customfield_10020", "Sprint"),
}


def edit_screen(v: View, issue: Issue) -> dict[str, Json]:
    """The edit screen's fields by id: the create screen's, less project and issue type,
    plus comment and issue links."""
    project = v.site.projects[issue.project]
    fields: dict[str, Json] = {}
    for created in create_fields(v, project, v.site.issuetypes[issue.issuetype]):
        fid = str(created["fieldId"])
        if fid in _NOT_EDITABLE:
            continue
        meta = {k: val for k, val in created.items() if k != "fieldId"}
        if fid in _MULTI:
            meta["operations"] = ["add", "set", "remove"]
        fields[fid] = meta
    fields["comment"] = {
        "required": False,
        "schema": {"type": "comments-page", "system": "comment"},
        "name": "Comment",
        "key": "comment",
        "operations": ["add", "edit", "remove"],
    }
    return fields


async def editmeta(request: Request) -> Response:
    """GET /rest/api/3/issue/{idOrKey}/editmeta."""
    v = view(request)
    issue = v.issue(request.path_params["key"])
    return ok({"fields": edit_screen(v, issue)})


def _item_id(value: Any) -> str:
    ref = value.get("id") or value.get("name") if isinstance(value, dict) else value
    if not isinstance(ref, str | int) or isinstance(ref, bool) or ref == "":
        raise fi.Invalid("Each value must be an object with an id or a name.")
    return str(ref)


def _update_op(v: View, issue: Issue, fid: str, op: Any) -> None:
    """One operation of `update` on the draft issue; `Invalid` with Jira's message."""
    if not isinstance(op, dict) or len(op) != 1:
        raise fi.Invalid("Each operation must be one of add, remove or set.")
    verb, value = next(iter(op.items()))
    if fid == "comment" and verb == "add":
        add = value if isinstance(value, dict) else {}
        add_comment(v, issue, add.get("body"), add.get("visibility"), add.get("properties"))
    elif fid == "labels" and verb in ("add", "remove"):
        if not isinstance(value, str):
            raise fi.Invalid("A label to add or remove must be text.")
        labels = set(issue.labels) | {value} if verb == "add" else set(issue.labels) - {value}
        issue.labels = fi.labels(v, sorted(labels))
    elif fid in ("components", "fixVersions") and verb in ("add", "remove"):
        _multi_item(v, issue, fid, verb, value)
    elif verb == "set":
        _set(v, issue, fid, value)
    else:
        raise fi.Invalid(f"The operation '{verb}' is not supported for '{fid}'.")


def _multi_item(v: View, issue: Issue, fid: str, verb: str, value: Any) -> None:
    attribute = "components" if fid == "components" else "fix_versions"
    current: list[str] = list(getattr(issue, attribute))
    project = v.site.projects[issue.project]
    found = fi.read_fields(v, project, {fid: [value]}, frozenset())
    if found[1]:
        raise fi.Invalid(found[1][fid])
    item = found[0][attribute][0] if verb == "add" else _item_id(value)
    if verb == "add" and item not in current:
        current.append(item)
    elif verb == "remove":
        names = {c.id: c.name for c in project.components} | {
            ver.id: ver.name for ver in project.versions
        }
        current = [x for x in current if item not in (x, names.get(x))]
    setattr(issue, attribute, current)


def _set(v: View, issue: Issue, fid: str, value: Any) -> None:
    project = v.site.projects[issue.project]
    if fid == "parent":
        issue.parent = fi.parent_for(v, issue.issuetype, project, value)
        return
    values, errors = fi.read_fields(v, project, {fid: value}, frozenset())
    if errors:
        raise fi.Invalid(errors[fid])
    fi.apply(issue, values)


def _check_screen(screen: dict[str, Json], data: Json) -> dict[str, str]:
    """Jira's errors for fields that are not on the edit screen or take no such operation."""
    errors: dict[str, str] = {}
    fields = data.get("fields") or {}
    update = data.get("update") or {}
    for fid in [*fields, *update]:
        if fid not in screen:
            errors[fid] = fi.NOT_SETTABLE.format(fid)
    for fid, ops in update.items():
        allowed = screen.get(fid, {}).get("operations", [])
        for op in ops if isinstance(ops, list) else [ops]:
            verb = next(iter(op), "") if isinstance(op, dict) else ""
            if fid in screen and verb not in allowed:
                errors[fid] = f"The operation '{verb}' is not supported for '{fid}'."
    return errors


def apply_update(v: View, issue: Issue, update: Any) -> dict[str, str]:
    """Apply `update` operations to `issue`; Jira's errors by field (the caller discards
    the issue when there are any)."""
    errors: dict[str, str] = {}
    if not update:
        return errors
    if not isinstance(update, dict):
        return {"update": "'update' must be an object."}
    for fid, ops in update.items():
        for op in ops if isinstance(ops, list) else [ops]:
            try:
                _update_op(v, issue, fid, op)
            except fi.Invalid as exc:
                errors[fid] = str(exc)
    return errors


def _fields(v: View, draft: Issue, fields: Json) -> dict[str, str]:
    errors: dict[str, str] = {}
    for fid, value in fields.items():
        try:
            _set(v, draft, fid, value)
        except fi.Invalid as exc:
            errors[fid] = str(exc)
    if "summary" in fields and not draft.summary:
        errors["summary"] = "You must specify a summary of the issue."
    return errors


def _shown(v: View, attribute: str, value: Any) -> tuple[str | None, str | None]:
    """A value as Jira's changelog holds it: the id (``from``) and the text (``fromString``)."""
    if value in (None, []):
        return None, None
    site = v.site
    names: dict[str, Any] = {
        "priority": lambda x: site.priorities[x].name,
        "assignee": lambda x: site.users[x].display_name if x in site.users else x,
        "labels": " ".join,
        "sprints": lambda ids: ", ".join(site.sprints[i].name for i in ids),
        "parent": lambda x: site.by_id[x].key if x in site.by_id else str(x),
    }
    ids: dict[str, Any] = {
        "labels": lambda _: None,
        "sprints": lambda ids: ", ".join(map(str, ids)),
    }
    text = names.get(attribute, str)(value)
    return ids.get(attribute, str)(value), text


def _record(v: View, before: Issue, after: Issue) -> None:
    items = []
    for attribute, (fid, name) in _HISTORY.items():
        old, new = getattr(before, attribute), getattr(after, attribute)
        if old != new:
            (old_id, old_text), (new_id, new_text) = (
                _shown(v, attribute, old),
                _shown(v, attribute, new),
            )
            items.append(
                ChangeItem(
                    field=name,
                    field_id=fid,
                    from_value=old_id,
                    from_string=old_text,
                    to_value=new_id,
                    to_string=new_text,
                )
            )
    if items:
        after.changelog.append(
            ChangeEntry(
                id=v.site.allocate_change_id(), author=v.account_id, created=v.site.now, items=items
            )
        )


async def edit_issue(request: Request) -> Response:
    """PUT /rest/api/3/issue/{idOrKey}: 204, or 400 with every field's error and no change."""
    data = await body(request)
    fields, update = data.get("fields") or {}, data.get("update") or {}
    if not isinstance(fields, dict) or not isinstance(update, dict):
        raise ApiError(400, ["'fields' and 'update' must be objects."])
    both = sorted(set(fields) & {k for k, ops in update.items() if ops})
    if both:
        raise ApiError(
            400, [], dict.fromkeys(both, "Field cannot be set in both fields and update.")
        )
    v = view(request)
    issue = v.issue(request.path_params["key"])
    errors = _check_screen(edit_screen(v, issue), data)
    if errors:
        raise ApiError(400, [], errors)
    draft = issue.model_copy(deep=True)
    errors = _fields(v, draft, fields) | apply_update(v, draft, update)
    if errors:
        raise ApiError(400, [], errors)
    _record(v, issue, draft)
    draft.updated = v.site.now
    for name in type(issue).model_fields:
        setattr(issue, name, getattr(draft, name))
    v.site.committed()
    return no_content()


ROUTES = [
    Route("/rest/api/3/issue/{key}", edit_issue, methods=["PUT"]),
    Route("/rest/api/3/issue/{key}/editmeta", editmeta, methods=["GET"]),
]
