"""Data Center's Sprint field values, turned into the objects Cloud sends.

Jira Software Server and Data Center give the Sprint custom field in REST v2 as the Java
``toString`` of each sprint:
``com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=7,rapidViewId=3,state=ACTIVE,
name=Sprint 7,startDate=2026-11-20T09:00:00.000Z,endDate=<null>,...,goal=<null>]``. Cloud moved
to JSON objects (Atlassian's deprecation notice "toString representation of sprints in Get
issue response", 2020, is Cloud's alone); Server answers in that form are quoted in public
issue threads (CognizantOneDevOps/Insights#114, ciandt/guru-dash-4teams#4).

Every answer from a Data Center site passes here before the scope guard, so the guard sees
Cloud's ``{id, name, state, boardId, ...}`` and masks other boards' sprints as on Cloud. A
sprint text that does not say its id, board and state cannot be checked: it is left out.
"""

from __future__ import annotations

import re
from typing import Any

from server.gateway.dialect import Json, Wire

_SPRINT = re.compile(
    r"^com\.atlassian\.greenhopper\.service\.sprint\.Sprint@[0-9a-fA-F]+\[(?P<body>.*)\]$",
    re.DOTALL,
)
# The attributes the bean prints; names and goals may hold commas, so a comma splits only
# before one of these.
_KEYS = (
    "id",
    "rapidViewId",
    "state",
    "name",
    "startDate",
    "endDate",
    "completeDate",
    "activatedDate",
    "sequence",
    "goal",
    "synced",
    "autoStartStop",
    "incompleteIssuesDestinationId",
)
_SPLIT = re.compile(r",(?=(?:" + "|".join(_KEYS) + r")=)")
_STATES = frozenset({"active", "closed", "future"})
_DATES = ("startDate", "endDate", "completeDate", "activatedDate")


def is_sprint_text(value: object) -> bool:
    """True for one sprint in Data Center's text form."""
    return isinstance(value, str) and _SPRINT.match(value) is not None


def sprint_object(text: str) -> dict[str, Any] | None:
    """The sprint as Cloud's Sprint field holds it; None when it cannot be read."""
    found = _SPRINT.match(text)
    if found is None:
        return None
    attributes = dict(part.partition("=")[::2] for part in _SPLIT.split(found["body"]))
    values = {k: v for k, v in attributes.items() if v != "<null>"}
    ident, board = values.get("id", ""), values.get("rapidViewId", "")
    state = values.get("state", "").lower()
    if not (ident.isdigit() and board.isdigit() and state in _STATES):
        return None
    out: dict[str, Any] = {"id": int(ident), "name": values.get("name", ""), "state": state}
    out["boardId"] = int(board)
    out["goal"] = values.get("goal", "")
    out.update({key: values[key] for key in _DATES if values.get(key)})
    return out


async def sprints_as_objects(asked: Wire, data: Json) -> Json:
    """``data`` with every sprint text made a sprint object (anywhere in the answer)."""
    return _rewrite(data)


def _rewrite(value: Json) -> Json:
    if isinstance(value, dict):
        return {key: _rewrite(item) for key, item in value.items()}
    if isinstance(value, list):
        # An unreadable sprint is left out, not passed on as text the guard cannot check.
        return [_rewrite(item) for item in value if not _unreadable(item)]
    if is_sprint_text(value):
        return sprint_object(value)
    return value


def _unreadable(value: object) -> bool:
    return is_sprint_text(value) and sprint_object(str(value)) is None
