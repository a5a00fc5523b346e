"""Reading `fields` of create, edit and transition requests, with Jira's per-field errors.

Each reader turns a request value into the stored form or raises `Invalid` with the message
Jira puts under the field's id in `errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sandbox.adf_check import NOT_ADF, is_adf
from sandbox.routes.common import View
from sandbox.seed import ACCEPTANCE, CUSTOMER_REF, FLAGGED, SPRINT, STORY_POINTS, SUBTASK
from sandbox.site import Issue, Project

NOT_STRING = "Operation value must be a string"
NO_ACCOUNT_IDS = (
    "Unrecognized field 'accountId': Jira Data Center names a user by username, "
    '{"name": "<username>"}.'
)
NOT_SETTABLE = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."


class Invalid(ValueError):
    """A field value Jira refuses; the text is the message for `errors[field]`."""


def _ref(value: Any, keys: tuple[str, ...]) -> str:
    """The first identifying attribute of a `{"id": ...}`-style reference."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for k in keys:
            if isinstance(value.get(k), str | int) and value[k] != "":
                return str(value[k])
    raise Invalid("")


def project(v: View, value: Any) -> Project:
    """A project by id or key."""
    try:
        found = v.site.project(_ref(value, ("id", "key")))
    except Invalid:
        found = None
    if found is None or not v.site.can_browse(v.account_id, found.key):
        raise Invalid("Specify a valid project ID or key")
    return found


def issuetype(v: View, value: Any) -> str:
    """An issue type id, by id or name."""
    try:
        ref = _ref(value, ("id", "name")).lower()
    except Invalid:
        ref = ""
    for t in v.site.data.issuetypes:
        if ref in (t.id, t.name.lower()):
            return t.id
    raise Invalid("The issue type selected is invalid.")


def summary(v: View, value: Any) -> str:
    """A one-line summary under 255 characters."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("You must specify a summary of the issue.")
    if len(value) > 255:
        raise Invalid("Summary must be less than 255 characters.")
    if "\n" in value or "\r" in value:
        raise Invalid("The summary is invalid because it contains newline characters.")
    return value


def rich_text(v: View, value: Any) -> Any:
    """An ADF document (or null): v3 refuses plain strings. Data Center takes a wiki-markup
    string, kept as given, and refuses anything else."""
    if v.datacenter:
        if value is None or isinstance(value, str):
            return value
        raise Invalid(NOT_STRING)
    if value is None or is_adf(value):
        return value
    raise Invalid(NOT_ADF)


def priority(v: View, value: Any) -> str:
    """A priority id, by id or name."""
    try:
        ref = _ref(value, ("id", "name")).lower()
    except Invalid:
        ref = ""
    for p in v.site.data.priorities:
        if ref in (p.id, p.name.lower()):
            return p.id
    raise Invalid("The priority selected is invalid.")


def user(v: View, value: Any) -> str | None:
    """An account id, by accountId/id, email or display name; null clears the field.

    Data Center names a user by username alone (``{"name": ...}``) and knows no accountId.
    """
    if value is None:
        return None
    if v.datacenter:
        return _user_by_name(v, value)
    try:
        ref = _ref(value, ("accountId", "id", "emailAddress", "name")).lower()
    except Invalid:
        raise Invalid("Specify a valid value for the user (accountId).") from None
    for u in v.site.data.users:
        if ref in (u.account_id, u.email.lower(), u.display_name.lower()) and u.active:
            return u.account_id
    raise Invalid(f"User '{ref}' cannot be assigned issues.")


def _user_by_name(v: View, value: Any) -> str:
    if isinstance(value, dict) and "accountId" in value and "name" not in value:
        raise Invalid(NO_ACCOUNT_IDS)
    try:
        ref = _ref(value, ("name", "key")).lower()
    except Invalid:
        raise Invalid("Specify a valid value for the user (name).") from None
    for u in v.site.data.users:
        if ref == u.username:
            if not u.active:
                raise Invalid(f"User '{ref}' cannot be assigned issues.")
            return u.account_id
    raise Invalid(f"User '{ref}' does not exist.")


def labels(v: View, value: Any) -> list[str]:
    """Labels: text without spaces."""
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise Invalid("Labels must be a list of text.")
    for label in value:
        if any(ch.isspace() for ch in label):
            raise Invalid(f"The label '{label}' contains spaces which is invalid.")
        if len(label) > 255:
            raise Invalid("The label must not exceed 255 characters.")
    return sorted(set(value))


def _named(value: Any, items: list[Any], what: str) -> list[str]:
    if not isinstance(value, list):
        raise Invalid(f"{what.capitalize()}s must be a list.")
    out = []
    for entry in value:
        ref = _ref(entry, ("id", "name"))
        match = next((i.id for i in items if ref in (i.id, i.name)), None)
        if match is None:
            raise Invalid(f"{what.capitalize()} name '{ref}' is not valid")
        out.append(match)
    return out


def due(v: View, value: Any) -> str | None:
    """A due date `yyyy-MM-dd`, or null."""
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise Invalid(f"Error parsing date string: {value}") from None


def number(v: View, value: Any) -> float | None:
    """A number field (Story Points), or null."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid("Operation value must be a number")
    return float(value)


def short_text(v: View, value: Any) -> str | None:
    """A single-line text custom field (a plain string)."""
    if value is None or (isinstance(value, str) and len(value) <= 255):
        return value
    raise Invalid("Operation value must be a string")


def sprint(v: View, value: Any) -> list[int]:
    """The sprint id to put the issue in (active or future only), or null."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("Number value expected as the Sprint id.")
    found = v.site.sprints.get(value)
    if found is None:
        raise Invalid(f"Sprint with id {value} does not exist or you do not have permission.")
    if found.state == "closed":
        raise Invalid("Issue can be assigned only active or future sprints.")
    return [value]


def flag(v: View, value: Any) -> bool:
    """The Flagged checkbox: `[{"value": "Impediment"}]` or null/[]."""
    if not value:
        return False
    if isinstance(value, list) and all(
        _ref(x, ("value", "id")) in ("Impediment", "10019") for x in value
    ):
        return True
    raise Invalid("Option value 'Impediment' is the only valid option.")


Reader = Callable[[View, Any], Any]
# Field id -> (reader, Issue attribute or "custom:<id>").
SETTABLE: dict[str, tuple[Reader, str]] = {
    "summary": (summary, "summary"),
    "description": (rich_text, "description"),
    "environment": (rich_text, "custom:environment"),
    "priority": (priority, "priority"),
    "assignee": (user, "assignee"),
    "reporter": (user, "reporter"),
    "labels": (labels, "labels"),
    "duedate": (due, "duedate"),
    STORY_POINTS: (number, "story_points"),
    SPRINT: (sprint, "sprints"),
    FLAGGED: (flag, "flagged"),
    ACCEPTANCE: (rich_text, f"custom:{ACCEPTANCE}"),
    CUSTOMER_REF: (short_text, f"custom:{CUSTOMER_REF}"),
    "customfield_10015": (due, "custom:customfield_10015"),
}


def read_fields(
    v: View, project_: Project, fields: dict[str, Any], skip: frozenset[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Stored values by attribute, and Jira's errors by field id, for the settable fields."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for fid, raw in fields.items():
        if fid in skip:
            continue
        try:
            values.update(_read_one(v, project_, fid, raw))
        except Invalid as exc:
            errors[fid] = str(exc)
    return values, errors


def _read_one(v: View, project_: Project, fid: str, raw: Any) -> dict[str, Any]:
    if fid == "components":
        return {"components": _named(raw, list(project_.components), "component")}
    if fid == "fixVersions":
        return {"fix_versions": _named(raw, list(project_.versions), "version")}
    role = v.site.role_of(fid)
    if role not in SETTABLE:
        raise Invalid(NOT_SETTABLE.format(fid))
    reader, attribute = SETTABLE[role]
    return {attribute: reader(v, raw)}


def parent_for(v: View, issue_type: str, project_: Project, value: Any) -> int | None:
    """The parent's id if it may be the parent of this issue type, else `Invalid`."""
    if value is None:
        if issue_type == SUBTASK:
            raise Invalid("Sub-task issues must have a parent.")
        return None
    try:
        found = v.site.find_issue(_ref(value, ("key", "id")))
    except Invalid:
        found = None
    if found is None or not v.site.visible(v.account_id, found):
        raise Invalid("Could not find issue by id or key.")
    parent_level = v.site.issuetypes[found.issuetype].hierarchy
    own_level = v.site.issuetypes[issue_type].hierarchy
    if parent_level != own_level + 1 or (issue_type == SUBTASK and found.project != project_.key):
        raise Invalid("Given parent work item does not belong to appropriate hierarchy.")
    return found.id


def apply(issue: Issue, values: dict[str, Any]) -> None:
    """Write read values onto an issue."""
    for attribute, value in values.items():
        if attribute.startswith("custom:"):
            issue.custom[attribute.removeprefix("custom:")] = value
        else:
            setattr(issue, attribute, value)
