"""The workflow as transitions show it: IssueTransition objects and their screen fields."""

from __future__ import annotations

from sandbox.routes import shapes
from sandbox.routes.common import View
from sandbox.site import Issue, Json, Transition

_SCREEN_SCHEMA: dict[str, Json] = {
    "resolution": {"type": "resolution", "system": "resolution"},
    "comment": {"type": "comments-page", "system": "comment"},
}


def _screen_field(v: View, t: Transition, fid: str) -> Json:
    meta: Json = {
        "required": fid in t.required,
        "schema": _SCREEN_SCHEMA[fid],
        "name": v.site.fields[fid].name,
        "key": fid,
        "operations": ["set"] if fid == "resolution" else ["add", "edit", "remove"],
    }
    if fid == "resolution":
        meta["allowedValues"] = [shapes.resolution(v, r) for r in v.site.data.resolutions]
        meta["hasDefaultValue"] = False
    return meta


def transition_json(v: View, t: Transition, with_fields: bool) -> Json:
    """An IssueTransition object."""
    out: Json = {
        "id": t.id,
        "name": t.name,
        "to": shapes.status(v, v.site.statuses[t.to_status]),
        "hasScreen": bool(t.screen),
        "isGlobal": True,
        "isInitial": False,
        "isAvailable": True,
        "isConditional": False,
        "isLooped": False,
    }
    if with_fields:
        out["fields"] = {fid: _screen_field(v, t, fid) for fid in t.screen}
    return out


def available(v: View, issue: Issue, *, with_fields: bool) -> list[Json]:
    """The transitions out of the issue's status (every workflow status but its own)."""
    return [
        transition_json(v, t, with_fields)
        for t in v.site.data.transitions
        if t.to_status != issue.status
    ]
