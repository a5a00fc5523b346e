"""An issue as Jira sends it: field selection (`*all`, `*navigable`, `-x`, names) and IssueBean."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sandbox.records import adf_text
from sandbox.routes import dc_shapes, shapes
from sandbox.routes.common import View, jira_time
from sandbox.routes.workflow import available
from sandbox.seed import FLAGGED, RANK, SPRINT, STORY_POINTS
from sandbox.site import FieldDef, Issue, Json

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
# Fields that JQL knows but that an issue never carries in `fields`.
_NOT_RENDERED = frozenset({"statusCategory", "issuekey"})
FLAG_OPTION = "10019"


@dataclass(frozen=True)
class Selection:
    """The field ids to render, in catalogue order; `ids_only` when nothing but id/key."""

    fields: tuple[str, ...]
    key: bool = False

    @property
    def ids_only(self) -> bool:
        """Whether the answer carries only the issue id (and perhaps its key)."""
        return not self.fields


def _lookup(catalogue: list[FieldDef]) -> dict[str, str]:
    table: dict[str, str] = {}
    for f in catalogue:
        for name in (f.name, *f.clause_names, f.id):
            table.setdefault(name.lower(), f.id)
    return table


def select(catalogue: list[FieldDef], asked: Iterable[str] | None, default: str) -> Selection:
    """Resolve a `fields` parameter; unknown names are ignored, as Jira ignores them."""
    items = list(asked) if asked else [default]
    table = _lookup(catalogue)
    renderable = [f for f in catalogue if f.id not in _NOT_RENDERED]
    chosen: set[str] = set()
    excluded: set[str] = set()
    key = False
    for item in items:
        name = item.strip()
        if name == "*all":
            chosen.update(f.id for f in renderable)
        elif name == "*navigable":
            chosen.update(f.id for f in renderable if f.navigable)
        elif name.startswith("-"):
            excluded.add(table.get(name[1:].lower(), name[1:]))
        elif name.lower() in ("id", "key"):
            key = key or name.lower() == "key"
        elif name.lower() in table and table[name.lower()] not in _NOT_RENDERED:
            chosen.add(table[name.lower()])
    order = [f.id for f in renderable if f.id in chosen and f.id not in excluded]
    return Selection(tuple(order), key)


def _ref(v: View, issue: Issue) -> Json:
    """A parent or sub-task reference with its four summary fields."""
    return {
        "id": str(issue.id),
        "key": issue.key,
        "self": v.api(f"issue/{issue.id}"),
        "fields": {
            "summary": issue.summary,
            "status": shapes.status(v, v.site.statuses[issue.status]),
            "priority": shapes.priority(v, v.site.priorities[issue.priority]),
            "issuetype": shapes.issuetype(v, v.site.issuetypes[issue.issuetype]),
        },
    }


def issue_links(v: View, issue: Issue) -> list[Json]:
    """The `issuelinks` field: each link as this issue's page shows it.

    Jira Cloud labels the issue sent as `inwardIssue` with the type's *outward* phrase: after
    POST /issueLink {type: Blocks, inwardIssue: A, outwardIssue: B}, A's page reads "blocks B"
    and its `issuelinks` entry carries `outwardIssue: B`; B's reads "is blocked by A" with
    `inwardIssue: A`. The field names suggest the opposite, and this is widely reported
    (atlassian/atlassian-mcp-server#112, mozilla/jira-bugzilla-integration#1285); how a
    GET answer is labelled is Atlassian's "Jira issue linking model" guide.
    """
    out: list[Json] = []
    types = {t.id: t for t in v.site.data.link_types}
    for link in v.site.links_of(issue):
        mine_is_inward = link.inward == issue.id
        other = v.site.by_id.get(link.outward if mine_is_inward else link.inward)
        if other is None or not v.site.visible(v.account_id, other):
            continue
        side = "outwardIssue" if mine_is_inward else "inwardIssue"
        out.append(
            {
                "id": link.id,
                "self": v.api(f"issueLink/{link.id}"),
                "type": shapes.link_type(v, types[link.type_id]),
                side: linked_ref(v, other),
            }
        )
    return out


def linked_ref(v: View, issue: Issue) -> Json:
    """An issue as links, parents and sub-tasks carry it (with four summary fields)."""
    return _ref(v, issue)


def _parent(v: View, i: Issue) -> Json | None:
    parent = v.site.by_id.get(i.parent) if i.parent else None
    return _ref(v, parent) if parent else None


def _comments(v: View, i: Issue) -> Json:
    items = [shapes.comment(v, i.id, c) for c in i.comments]
    return {
        "comments": items,
        "self": v.api(f"issue/{i.id}/comment"),
        "maxResults": len(items),
        "total": len(items),
        "startAt": 0,
    }


def _sprints(v: View, i: Issue) -> list[Any] | None:
    if v.datacenter:
        return [dc_shapes.sprint_text(v.site.sprints[s]) for s in i.sprints] or None
    return [shapes.sprint_field(v, v.site.sprints[s]) for s in i.sprints] or None


def _flag(v: View, i: Issue) -> list[Json] | None:
    if not i.flagged:
        return None
    return [
        {
            "self": v.api(f"customFieldOption/{FLAG_OPTION}"),
            "value": "Impediment",
            "id": FLAG_OPTION,
        }
    ]


def _project_items(v: View, i: Issue, ids: list[str], kind: str) -> list[Json]:
    p = v.site.projects[i.project]
    if kind == "component":
        return [shapes.component(v, c) for c in p.components if c.id in ids]
    return [shapes.version(v, ver) for ver in p.versions if ver.id in ids]


def _time(moment: Any) -> str | None:
    return jira_time(moment) if moment is not None else None


_ZERO_PROGRESS = {"progress": 0, "total": 0}
Renderer = Callable[[View, Issue], Any]
RENDERERS: dict[str, Renderer] = {
    "summary": lambda v, i: i.summary,
    "description": lambda v, i: shapes.rich(v, i.description),
    "issuetype": lambda v, i: shapes.issuetype(v, v.site.issuetypes[i.issuetype]),
    "project": lambda v, i: shapes.project_ref(v, v.site.projects[i.project]),
    "status": lambda v, i: shapes.status(v, v.site.statuses[i.status]),
    "priority": lambda v, i: shapes.priority(v, v.site.priorities[i.priority]),
    "resolution": lambda v, i: (
        shapes.resolution(v, v.site.resolutions[i.resolution]) if i.resolution else None
    ),
    "resolutiondate": lambda v, i: _time(i.resolved),
    "assignee": lambda v, i: shapes.user_or_none(v, i.assignee),
    "reporter": lambda v, i: shapes.user_or_none(v, i.reporter),
    "creator": lambda v, i: shapes.user_or_none(v, i.creator),
    "created": lambda v, i: jira_time(i.created),
    "updated": lambda v, i: jira_time(i.updated),
    "statuscategorychangedate": lambda v, i: jira_time(i.status_changed),
    "duedate": lambda v, i: i.duedate,
    "labels": lambda v, i: list(i.labels),
    "components": lambda v, i: _project_items(v, i, i.components, "component"),
    "fixVersions": lambda v, i: _project_items(v, i, i.fix_versions, "version"),
    "versions": lambda v, i: [],
    "parent": _parent,
    "subtasks": lambda v, i: [_ref(v, c) for c in v.site.children(i) if c.issuetype == "10004"],
    "issuelinks": issue_links,
    "comment": _comments,
    "watches": lambda v, i: {
        "self": v.api(f"issue/{i.key}/watchers"),
        "watchCount": 1,
        "isWatching": False,
    },
    "votes": lambda v, i: {"self": v.api(f"issue/{i.key}/votes"), "votes": 0, "hasVoted": False},
    "worklog": lambda v, i: {"startAt": 0, "maxResults": 20, "total": 0, "worklogs": []},
    "attachment": lambda v, i: [shapes.attachment(v, a) for a in i.attachments],
    "timetracking": lambda v, i: {},
    "progress": lambda v, i: dict(_ZERO_PROGRESS),
    "aggregateprogress": lambda v, i: dict(_ZERO_PROGRESS),
    "workratio": lambda v, i: -1,
    "issuerestriction": lambda v, i: {"issuerestrictions": {}, "shouldDisplay": False},
    STORY_POINTS: lambda v, i: i.story_points,
    SPRINT: _sprints,
    FLAGGED: _flag,
    RANK: lambda v, i: i.rank,
}


def render_fields(v: View, issue: Issue, selection: Selection) -> Json:
    """The `fields` object for the selected field ids; unset custom fields are null."""
    out: Json = {}
    for fid in selection.fields:
        renderer = RENDERERS.get(v.site.role_of(fid))
        out[fid] = renderer(v, issue) if renderer else shapes.rich(v, issue.custom.get(fid))
    return out


def issue_bean(v: View, issue: Issue, selection: Selection, expand: Iterable[str] = ()) -> Json:
    """An IssueBean: `{id}` alone when only ids were asked, else the full object."""
    if selection.ids_only:
        minimal: Json = {"id": str(issue.id)}
        if selection.key:
            minimal["key"] = issue.key
        return minimal
    bean: Json = {
        "expand": ISSUE_EXPAND,
        "id": str(issue.id),
        "self": v.api(f"issue/{issue.id}"),
        "key": issue.key,
        "fields": render_fields(v, issue, selection),
    }
    wanted = set(expand)
    if "names" in wanted:
        bean["names"] = names(v, selection)
    if "schema" in wanted:
        bean["schema"] = schemas(v, selection)
    if "renderedFields" in wanted:
        bean["renderedFields"] = rendered(issue, selection)
    if "changelog" in wanted and v.datacenter:
        history = sorted(issue.changelog, key=lambda e: e.created)
        bean["changelog"] = dc_shapes.changelog([shapes.change_entry(v, e) for e in history])
    if "transitions" in wanted or "transitions.fields" in wanted:
        # As on Jira Cloud: transitions.fields also lists each transition's screen fields.
        bean["transitions"] = available(v, issue, with_fields="transitions.fields" in wanted)
    return bean


def names(v: View, selection: Selection) -> dict[str, str]:
    """Field id -> name, for `expand=names`."""
    return {fid: v.site.fields[fid].name for fid in selection.fields}


def schemas(v: View, selection: Selection) -> dict[str, Json]:
    """Field id -> JsonTypeBean, for `expand=schema`."""
    return {fid: v.site.fields[fid].type_schema for fid in selection.fields}


def rendered(issue: Issue, selection: Selection) -> Json:
    """HTML renderings of the rich-text fields, for `expand=renderedFields`."""
    out: Json = {}
    for fid in selection.fields:
        if fid == "description":
            text = adf_text(issue.description)
            out[fid] = f"<p>{text}</p>" if text else None
    return out
