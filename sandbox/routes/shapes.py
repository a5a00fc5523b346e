"""Jira's JSON shapes for the site's objects, with their self links and avatar bloat."""

from __future__ import annotations

import hashlib
from typing import Any

from sandbox.routes import dc_shapes
from sandbox.routes.common import View, jira_time
from sandbox.site import (
    Attachment,
    Board,
    ChangeEntry,
    Comment,
    Component,
    FieldDef,
    IssueType,
    Json,
    LinkType,
    Priority,
    Project,
    Resolution,
    Sprint,
    Status,
    StatusCategory,
    User,
    Version,
)
from sandbox.wiki_render import adf_to_wiki

_AVATAR_HOST = "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net"


def avatars(seed: str, kind: str = "user") -> Json:
    """Jira's four avatar sizes; real sites send all of them everywhere."""
    digest = hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()
    base = f"{_AVATAR_HOST}/{kind}/{digest}"
    return {f"{n}x{n}": f"{base}?size={n}" for n in (48, 24, 16, 32)}


def user(v: View, u: User) -> Json:
    """A UserDetails object; on Data Center a UserJsonBean (``name`` and ``key``, no
    ``accountId``)."""
    if v.datacenter:
        return datacenter_user(v, u)
    return {
        "self": v.api(f"user?accountId={u.account_id}"),
        "accountId": u.account_id,
        "emailAddress": u.email,
        "avatarUrls": avatars(u.account_id),
        "displayName": u.display_name,
        "active": u.active,
        "timeZone": u.time_zone,
        "accountType": "atlassian",
    }


def datacenter_user(v: View, u: User) -> Json:
    """A user as Jira Data Center sends it (Jira Server REST API v2, ``UserJsonBean``)."""
    return {
        "self": f"{v.base}/rest/api/2/user?username={u.username}",
        "name": u.username,
        "key": u.username,
        "emailAddress": u.email,
        "avatarUrls": avatars(u.account_id),
        "displayName": u.display_name,
        "active": u.active,
        "timeZone": u.time_zone,
    }


def rich(v: View, value: Any) -> Any:
    """A rich-text value as sent: ADF on Cloud, a wiki-markup string on Data Center (the
    site keeps seeded text as ADF and text written on Data Center as the string given)."""
    if v.datacenter and isinstance(value, dict) and value.get("type") == "doc":
        return adf_to_wiki(value)
    return value


def user_or_none(v: View, account_id: str | None) -> Json | None:
    """A user object, or None for an empty user field."""
    if account_id is None or account_id not in v.site.users:
        return None
    return user(v, v.site.users[account_id])


def full_user(v: View, u: User) -> Json:
    """A User object (myself, user search): UserDetails plus locale, groups and roles."""
    out = user(v, u)
    out["locale"] = "en_US"
    out["groups"] = {"size": len(u.groups), "items": []}
    out["applicationRoles"] = {"size": 1, "items": []}
    out["expand"] = "groups,applicationRoles"
    return out


def category(v: View, c: StatusCategory) -> Json:
    """A StatusCategory object."""
    return {
        "self": v.api(f"statuscategory/{c.id}"),
        "id": c.id,
        "key": c.key,
        "colorName": c.color,
        "name": c.name,
    }


def status(v: View, s: Status) -> Json:
    """A StatusDetails object with its category."""
    return {
        "self": v.api(f"status/{s.id}"),
        "description": s.description,
        "iconUrl": f"{v.base}/images/icons/statuses/generic.png",
        "name": s.name,
        "id": s.id,
        "statusCategory": category(v, v.site.categories[s.category]),
    }


def priority(v: View, p: Priority) -> Json:
    """A Priority object."""
    return {
        "self": v.api(f"priority/{p.id}"),
        "iconUrl": f"{v.base}/images/icons/priorities/{p.name.lower()}.svg",
        "name": p.name,
        "id": p.id,
    }


def priority_full(v: View, p: Priority) -> Json:
    """A Priority as `GET /priority` lists it."""
    return {
        **priority(v, p),
        "statusColor": p.color,
        "description": p.name,
        "isDefault": p.id == "3",
    }


def resolution(v: View, r: Resolution) -> Json:
    """A Resolution object."""
    return {
        "self": v.api(f"resolution/{r.id}"),
        "id": r.id,
        "description": r.description,
        "name": r.name,
    }


def issuetype(v: View, t: IssueType) -> Json:
    """An IssueTypeDetails object."""
    return {
        "self": v.api(f"issuetype/{t.id}"),
        "id": t.id,
        "description": t.description,
        "iconUrl": f"{v.base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/{t.id}",
        "name": t.name,
        "subtask": t.subtask,
        "avatarId": int(t.id),
        "hierarchyLevel": t.hierarchy,
    }


def component(v: View, c: Component) -> Json:
    """A component reference as issues carry it."""
    return {
        "self": v.api(f"component/{c.id}"),
        "id": c.id,
        "name": c.name,
        "description": c.description,
    }


def version(v: View, ver: Version) -> Json:
    """A version reference as issues carry it."""
    out: Json = {
        "self": v.api(f"version/{ver.id}"),
        "id": ver.id,
        "description": "",
        "name": ver.name,
        "archived": False,
        "released": ver.released,
    }
    if ver.release_date:
        out["releaseDate"] = ver.release_date
    return out


def project_ref(v: View, p: Project) -> Json:
    """A project as issues carry it."""
    return {
        "self": v.api(f"project/{p.id}"),
        "id": p.id,
        "key": p.key,
        "name": p.name,
        "projectTypeKey": "software",
        "simplified": False,
        "avatarUrls": avatars(p.key, "project"),
    }


def project(v: View, p: Project) -> Json:
    """A Project object with its description, lead, issue types, components and versions."""
    lead = v.site.users[p.lead]
    return {
        **project_ref(v, p),
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "description": p.description,
        "lead": user(v, lead),
        "components": [component(v, c) for c in p.components],
        "issueTypes": [issuetype(v, t) for t in v.site.data.issuetypes],
        "assigneeType": "UNASSIGNED",
        "versions": [version(v, ver) for ver in p.versions],
        "style": "classic",
        "isPrivate": False,
        "properties": {},
    }


def field(f: FieldDef) -> Json:
    """A FieldDetails object."""
    return {
        "id": f.id,
        "key": f.id,
        "name": f.name,
        "custom": f.custom,
        "orderable": f.orderable,
        "navigable": f.navigable,
        "searchable": f.searchable,
        "clauseNames": f.clause_names,
        "schema": f.type_schema,
    }


def comment(v: View, issue_id: int, c: Comment, *, properties: bool = False) -> Json:
    """A Comment object with an ADF body (and its properties under `expand=properties`)."""
    author = user_or_none(v, c.author)
    out: Json = {
        "self": v.api(f"issue/{issue_id}/comment/{c.id}"),
        "id": c.id,
        "author": author,
        "body": rich(v, c.body),
        "updateAuthor": author,
        "created": jira_time(c.created),
        "updated": jira_time(c.updated),
        "jsdPublic": True,
    }
    if c.visibility:
        # Jira's identifier is the role's name, or the group's id (here: its name too).
        out["visibility"] = {**c.visibility, "identifier": c.visibility.get("value")}
    if properties:
        out["properties"] = [{"key": k, "value": val} for k, val in sorted(c.properties.items())]
    return out


def link_type(v: View, t: LinkType) -> Json:
    """An IssueLinkType object."""
    return {
        "id": t.id,
        "name": t.name,
        "inward": t.inward,
        "outward": t.outward,
        "self": v.api(f"issueLinkType/{t.id}"),
    }


def change_entry(v: View, entry: ChangeEntry) -> Json:
    """A Changelog object (one entry of an issue's history)."""
    return {
        "id": entry.id,
        "author": user_or_none(v, entry.author),
        "created": jira_time(entry.created),
        "items": [
            {
                key: value
                for key, value in (
                    ("field", item.field),
                    ("fieldtype", "custom" if item.field_id.startswith("customfield_") else "jira"),
                    ("fieldId", item.field_id),
                    ("from", _changed(v, item.field_id, item.from_value)),
                    ("fromString", item.from_string),
                    ("to", _changed(v, item.field_id, item.to_value)),
                    ("toString", item.to_string),
                )
                if value is not None
            }
            for item in entry.items
        ],
    }


def _changed(v: View, field_id: str, value: str | None) -> str | None:
    """A changelog value: a user field's holds the accountId, on Data Center the username."""
    if v.datacenter and field_id in ("assignee", "reporter") and value in v.site.users:
        return v.site.users[value].username
    return value


def board(v: View, b: Board) -> Json:
    """An Agile Board object with its project location."""
    p = v.site.projects[b.project_key]
    return {
        "id": b.id,
        "self": f"{v.base}/rest/agile/1.0/board/{b.id}",
        "name": b.name,
        "type": b.type,
        "location": {
            "projectId": int(p.id),
            "displayName": f"{p.name} ({p.key})",
            "projectName": p.name,
            "projectKey": p.key,
            "projectTypeKey": "software",
            "avatarURI": avatars(p.key, "project")["48x48"],
            "name": f"{p.name} ({p.key})",
        },
        "isPrivate": False,
    }


def sprint(v: View, s: Sprint) -> Json:
    """An Agile SprintBean (future sprints have no dates)."""
    out: Json = {
        "id": s.id,
        "self": f"{v.base}/rest/agile/1.0/sprint/{s.id}",
        "state": s.state,
        "name": s.name,
    }
    for key, moment in (
        ("startDate", s.start),
        ("endDate", s.end),
        ("completeDate", s.complete),
        ("createdDate", s.created),
    ):
        if moment is not None:
            out[key] = jira_time(moment).replace("+0000", "Z")
    out["originBoardId"] = s.board_id
    out["goal"] = s.goal
    return out


def sprint_field(v: View, s: Sprint) -> Json:
    """A sprint as the Sprint custom field holds it."""
    out = sprint(v, s)
    del out["self"]
    out["boardId"] = out.pop("originBoardId")
    return out


def attachment(v: View, a: Attachment) -> Json:
    """An Attachment, as in an issue's ``attachment`` field and an upload's answer."""
    out: Json = {
        "self": v.api(f"attachment/{a.id}"),
        "id": str(a.id),
        "filename": a.filename,
        "author": user_or_none(v, a.author),
        "created": jira_time(a.created),
        "size": a.size,
        "mimeType": a.mime_type,
        "content": v.api(f"attachment/content/{a.id}"),
    }
    if a.mime_type.startswith("image/"):
        out["thumbnail"] = v.api(f"attachment/thumbnail/{a.id}")
    if v.datacenter:
        out.update(_dc_links(v, a))
    return out


def _dc_links(v: View, a: Attachment) -> Json:
    links = {"content": dc_shapes.content_url(v, a)}
    if a.mime_type.startswith("image/"):
        links["thumbnail"] = dc_shapes.thumbnail_url(v, a)
    return links


def attachment_metadata(v: View, a: Attachment) -> Json:
    """AttachmentMetadata (``GET /attachment/{id}``): the same details, with a numeric id."""
    out = attachment(v, a)
    out["id"] = a.id
    out["properties"] = {}
    return out
