"""The state of one simulated Jira Cloud site: catalogue, people, projects, sprints and issues.

Everything is a pydantic model so the whole site can be written to and read from JSON
(`SiteData`) for `--data` persistence. `Site` wraps that data with the indexes and the
few mutations the routes need, and tells its listeners after every write.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

Json = dict[str, Any]


class StatusCategory(BaseModel):
    """A status category (To Do/new, In Progress/indeterminate, Done/done)."""

    id: int
    key: str
    name: str
    color: str


class Status(BaseModel):
    """A workflow status and the key of its category."""

    id: str
    name: str
    category: str
    description: str = ""


class Transition(BaseModel):
    """A workflow transition to a status; `screen` lists the screen's field ids."""

    id: str
    name: str
    to_status: str
    screen: list[str] = Field(default_factory=list)
    required: list[str] = Field(default_factory=list)


class Priority(BaseModel):
    """A priority; `rank` 1 is the most urgent."""

    id: str
    name: str
    rank: int
    color: str


class Resolution(BaseModel):
    """An issue resolution."""

    id: str
    name: str
    description: str


class IssueType(BaseModel):
    """An issue type (Epic 1, standard 0, sub-task -1)."""

    id: str
    name: str
    description: str
    subtask: bool = False
    hierarchy: int = 0


class FieldDef(BaseModel):
    """A field as `GET /rest/api/3/field` describes it."""

    id: str
    name: str
    custom: bool
    type_schema: Json
    clause_names: list[str] = Field(default_factory=list)
    navigable: bool = True
    orderable: bool = True
    searchable: bool = True


class User(BaseModel):
    """An Atlassian account."""

    account_id: str
    display_name: str
    email: str
    active: bool = True
    time_zone: str = "Europe/Berlin"
    groups: list[str] = Field(default_factory=list)

    @property
    def username(self) -> str:
        """The Data Center username (``name`` and ``key``): the email's first word, lowercase."""
        return self.email.split("@", 1)[0].split(".", 1)[0].lower()


class Component(BaseModel):
    """A project component."""

    id: str
    name: str
    description: str = ""


class Version(BaseModel):
    """A project version (fix version)."""

    id: str
    name: str
    released: bool
    release_date: str | None = None


class Project(BaseModel):
    """A software project with its board style, components and versions."""

    id: str
    key: str
    name: str
    style: str
    description: str
    lead: str
    components: list[Component] = Field(default_factory=list)
    versions: list[Version] = Field(default_factory=list)


class Board(BaseModel):
    """An Agile board on one project."""

    id: int
    name: str
    type: str
    project_key: str
    estimation_field: str | None = None


class Sprint(BaseModel):
    """A sprint of a scrum board."""

    id: int
    name: str
    state: str
    board_id: int
    goal: str = ""
    start: datetime | None = None
    end: datetime | None = None
    complete: datetime | None = None
    created: datetime | None = None


class Comment(BaseModel):
    """An issue comment with an ADF body, its visibility restriction and its properties."""

    id: str
    author: str
    # ADF; on a Data Center sandbox a body written there is kept as its wiki-markup string.
    body: Json | str
    created: datetime
    updated: datetime
    visibility: Json | None = None  # {"type": "role"|"group", "value": name}
    properties: Json = Field(default_factory=dict)


class ChangeItem(BaseModel):
    """One field change of a changelog entry, as Jira's ChangeDetails carries it."""

    field: str
    field_id: str
    from_value: str | None = None
    from_string: str | None = None
    to_value: str | None = None
    to_string: str | None = None


class ChangeEntry(BaseModel):
    """One changelog entry: who changed what, when."""

    id: str
    author: str
    created: datetime
    items: list[ChangeItem]


class LinkType(BaseModel):
    """An issue link type with its two phrases (Blocks: "blocks" / "is blocked by")."""

    id: str
    name: str
    inward: str
    outward: str


class Link(BaseModel):
    """A link between two issues, stored as `POST /issueLink` named them.

    `inward` is the issue sent as `inwardIssue`, `outward` the one sent as `outwardIssue`.
    On Jira Cloud the inward one shows the type's *outward* phrase ("A blocks B") and the
    outward one the inward phrase ("B is blocked by A"): see `sandbox.routes.links`.
    """

    id: str
    type_id: str
    inward: int
    outward: int


class Attachment(BaseModel):
    """A file attached to an issue; its bytes are kept as base64 so the site stays JSON."""

    id: int
    filename: str
    mime_type: str
    author: str
    created: datetime
    content_base64: str

    @property
    def content(self) -> bytes:
        """The file's bytes."""
        return base64.b64decode(self.content_base64)

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.content)


class Issue(BaseModel):
    """One issue; people are account ids, catalogue entries are ids."""

    id: int
    key: str
    project: str
    issuetype: str
    summary: str
    status: str
    priority: str
    reporter: str
    creator: str
    created: datetime
    updated: datetime
    status_changed: datetime
    description: Json | str | None = None  # ADF, or wiki markup written on Data Center
    assignee: str | None = None
    resolution: str | None = None
    resolved: datetime | None = None
    duedate: str | None = None
    labels: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    fix_versions: list[str] = Field(default_factory=list)
    story_points: float | None = None
    sprints: list[int] = Field(default_factory=list)
    flagged: bool = False
    parent: int | None = None
    rank: str = ""
    comments: list[Comment] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    changelog: list[ChangeEntry] = Field(default_factory=list)
    properties: Json = Field(default_factory=dict)
    custom: Json = Field(default_factory=dict)


def default_link_types() -> list[LinkType]:
    """The four link types every Jira Cloud site starts with."""
    return [
        LinkType(id="10000", name="Blocks", inward="is blocked by", outward="blocks"),
        LinkType(id="10001", name="Cloners", inward="is cloned by", outward="clones"),
        LinkType(id="10002", name="Duplicate", inward="is duplicated by", outward="duplicates"),
        LinkType(id="10003", name="Relates", inward="relates to", outward="relates to"),
    ]


class SiteData(BaseModel):
    """Everything a site holds; the unit that is seeded, saved and loaded."""

    anchor: datetime
    categories: list[StatusCategory]
    statuses: list[Status]
    transitions: list[Transition]
    priorities: list[Priority]
    resolutions: list[Resolution]
    issuetypes: list[IssueType]
    fields: list[FieldDef]
    users: list[User]
    projects: list[Project]
    boards: list[Board]
    sprints: list[Sprint]
    issues: list[Issue]
    next_issue_id: int
    next_comment_id: int = 10000
    next_attachment_id: int = 30000
    link_types: list[LinkType] = Field(default_factory=default_link_types)
    links: list[Link] = Field(default_factory=list)
    next_link_id: int = 20000
    next_change_id: int = 50000
    # Project roles a comment may be restricted to (the same on every project of the site).
    roles: list[str] = Field(default_factory=lambda: ["Administrators", "Developers", "Users"])
    # accountId -> project keys that account may not browse (the permission hook).
    hidden_projects: dict[str, list[str]] = Field(default_factory=dict)
    # Keys issues had before a project move -> issue id: Jira still finds them by these.
    old_keys: dict[str, int] = Field(default_factory=dict)
    # Field id on this site -> the sandbox's own id for the field it is, where they differ
    # (custom field ids differ between real sites: Flagged is not customfield_10021 everywhere).
    field_roles: dict[str, str] = Field(default_factory=dict)


class Site:
    """A live site: `SiteData` plus lookups, visibility and write notification."""

    def __init__(
        self,
        data: SiteData,
        base_url: str = "http://sandbox",
        clock: Callable[[], float] | None = None,
        search_lag: float = 0.0,
        *,
        agile_flagged: bool = True,
        media_url: str = "https://api.media.atlassian.com",
        deployment: str = "cloud",
    ) -> None:
        self.data = data
        # Data Center's JQL names users by username too (``assignee = alice``).
        self.deployment = deployment
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.search_lag = search_lag
        self.agile_flagged = agile_flagged
        self.media_url = media_url.rstrip("/")
        self._listeners: list[Callable[[Site], None]] = []
        self._reindex()

    # Lookups -------------------------------------------------------------------------------

    def _reindex(self) -> None:
        d = self.data
        self.by_id = {i.id: i for i in d.issues}
        self.by_key = {i.key.upper(): i for i in d.issues}
        for old, issue_id in d.old_keys.items():
            self.by_key.setdefault(old.upper(), self.by_id[issue_id])
        self.users = {u.account_id: u for u in d.users}
        self.statuses = {s.id: s for s in d.statuses}
        self.categories = {c.key: c for c in d.categories}
        self.priorities = {p.id: p for p in d.priorities}
        self.resolutions = {r.id: r for r in d.resolutions}
        self.issuetypes = {t.id: t for t in d.issuetypes}
        self.fields = {f.id: f for f in d.fields}
        self.projects = {p.key: p for p in d.projects}
        self.boards = {b.id: b for b in d.boards}
        self.sprints = {s.id: s for s in d.sprints}

    @property
    def now(self) -> datetime:
        """The site's current time: its clock's, or the seed anchor for a site without one."""
        if self.clock is None:
            return self.data.anchor
        return datetime.fromtimestamp(self.clock(), UTC)

    def role_of(self, field_id: str) -> str:
        """The sandbox's own id for a field of this site (the routes' tables use it)."""
        return self.data.field_roles.get(field_id, field_id)

    def field_for(self, role: str) -> str:
        """This site's id for the field the sandbox knows as `role`."""
        return next((fid for fid, r in self.data.field_roles.items() if r == role), role)

    def issues(self) -> Iterator[Issue]:
        """Every issue of the site, in creation order."""
        return iter(self.data.issues)

    def find_issue(self, id_or_key: str) -> Issue | None:
        """An issue by id or (case-insensitive) key."""
        text = id_or_key.strip()
        if text.isdigit():
            return self.by_id.get(int(text))
        return self.by_key.get(text.upper())

    def project(self, id_or_key: str) -> Project | None:
        """A project by id or key (keys are case sensitive, as in Jira)."""
        for p in self.data.projects:
            if id_or_key in (p.id, p.key):
                return p
        return None

    def children(self, issue: Issue) -> list[Issue]:
        """The issues whose parent is `issue`."""
        return [i for i in self.data.issues if i.parent == issue.id]

    def category_of(self, issue: Issue) -> StatusCategory:
        """The status category of an issue's status."""
        return self.categories[self.statuses[issue.status].category]

    def indexed(self, issue: Issue, reconciled: Collection[int] = ()) -> bool:
        """Whether search sees the issue yet.

        Jira's search is eventually consistent: a new issue reaches it `search_lag` seconds
        after its creation, unless the caller names its id in `reconcileIssues`.
        """
        if self.search_lag <= 0 or self.clock is None or issue.id in reconciled:
            return True
        return issue.created.timestamp() <= self.clock() - self.search_lag

    # Visibility ----------------------------------------------------------------------------

    def can_browse(self, account_id: str, project_key: str) -> bool:
        """Whether the account has Browse Projects on the project (all may, by default)."""
        return project_key not in self.data.hidden_projects.get(account_id, [])

    def visible(self, account_id: str, issue: Issue) -> bool:
        """Whether the account can see the issue; invisible issues do not exist for it."""
        return self.can_browse(account_id, issue.project)

    # Writes --------------------------------------------------------------------------------

    def add_issue(self, issue: Issue) -> None:
        """Store a new issue and index it."""
        self.data.issues.append(issue)
        self.by_id[issue.id] = issue
        self.by_key[issue.key.upper()] = issue

    def allocate_issue(self, project_key: str) -> tuple[int, str]:
        """The id and key for the next issue of a project."""
        issue_id = self.data.next_issue_id
        self.data.next_issue_id += 1
        numbers = [int(i.key.split("-")[1]) for i in self.data.issues if i.project == project_key]
        return issue_id, f"{project_key}-{max(numbers, default=0) + 1}"

    def move_issue(self, issue: Issue, project_key: str) -> None:
        """Move an issue to another project as Jira does: it gets that project's next key,
        and its old key still finds it."""
        _, new_key = self.allocate_issue(project_key)
        self.data.old_keys[issue.key] = issue.id
        issue.project, issue.key = project_key, new_key
        self.by_key[new_key.upper()] = issue

    def find_attachment(self, attachment_id: int) -> tuple[Issue, Attachment] | None:
        """An attachment by id, with the issue it is attached to."""
        for issue in self.data.issues:
            for attachment in issue.attachments:
                if attachment.id == attachment_id:
                    return issue, attachment
        return None

    def attach(
        self, issue: Issue, filename: str, mime_type: str, content: bytes, author: str
    ) -> Attachment:
        """Attach a file to an issue, as an upload does."""
        self.data.next_attachment_id += 1
        attachment = Attachment(
            id=self.data.next_attachment_id,
            filename=filename,
            mime_type=mime_type,
            author=author,
            created=self.now,
            content_base64=base64.b64encode(content).decode(),
        )
        issue.attachments.append(attachment)
        issue.updated = self.now
        return attachment

    def links_of(self, issue: Issue) -> list[Link]:
        """The links that name `issue` on either side, oldest first."""
        return [k for k in self.data.links if issue.id in (k.inward, k.outward)]

    def allocate_link_id(self) -> str:
        """The id for the next issue link."""
        self.data.next_link_id += 1
        return str(self.data.next_link_id)

    def allocate_change_id(self) -> str:
        """The id for the next changelog entry."""
        self.data.next_change_id += 1
        return str(self.data.next_change_id)

    def allocate_comment_id(self) -> str:
        """The id for the next comment."""
        self.data.next_comment_id += 1
        return str(self.data.next_comment_id)

    def on_write(self, listener: Callable[[Site], None]) -> None:
        """Call `listener` after every committed write (used by `--data` persistence)."""
        self._listeners.append(listener)

    def committed(self) -> None:
        """Tell the listeners that a write has finished."""
        for listener in self._listeners:
            listener(self)
