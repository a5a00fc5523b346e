"""The demo site: a webshop team (SHOP, scrum), operations (OPS, kanban) and security (SEC).

`build_site(seed, anchor)` is deterministic: the same seed and anchor give the same site, down
to every id, date and comment. Dates are spread before the anchor (the site's "now") so that
relative JQL (`created >= -7d`) and sprint days-left read naturally.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from sandbox.config import DEMO_ACCOUNT_ID, DEMO_DISPLAY_NAME, DEMO_EMAIL, PAT_ACCOUNT_ID
from sandbox.seed_deep import deepen
from sandbox.seed_files import attach_seed_files
from sandbox.site import (
    Board,
    Comment,
    Component,
    FieldDef,
    Issue,
    IssueType,
    Json,
    Priority,
    Project,
    Resolution,
    SiteData,
    Sprint,
    Status,
    StatusCategory,
    Transition,
    User,
    Version,
)

STORY_POINTS = "customfield_10016"
SPRINT = "customfield_10020"
FLAGGED = "customfield_10021"
RANK = "customfield_10019"
ACCEPTANCE = "customfield_10030"
CUSTOMER_REF = "customfield_10031"
TODO, IN_PROGRESS, IN_REVIEW, DONE = "10000", "3", "10002", "10001"
EPIC, STORY, TASK, BUG, SUBTASK = "10000", "10001", "10002", "10003", "10004"
CUSTOM_RANGE = range(10000, 10041)


def _categories() -> list[StatusCategory]:
    return [
        StatusCategory(id=2, key="new", name="To Do", color="blue-gray"),
        StatusCategory(id=4, key="indeterminate", name="In Progress", color="yellow"),
        StatusCategory(id=3, key="done", name="Done", color="green"),
    ]


def _statuses() -> list[Status]:
    return [
        Status(id=TODO, name="To Do", category="new", description="Work that has not started."),
        Status(id=IN_PROGRESS, name="In Progress", category="indeterminate"),
        Status(id=IN_REVIEW, name="In Review", category="indeterminate"),
        Status(id=DONE, name="Done", category="done", description="Work that is finished."),
    ]


def _transitions() -> list[Transition]:
    # Done has a screen on which the resolution must be chosen, as on many real sites.
    return [
        Transition(id="11", name="To Do", to_status=TODO),
        Transition(id="21", name="In Progress", to_status=IN_PROGRESS),
        Transition(id="31", name="In Review", to_status=IN_REVIEW),
        Transition(
            id="41",
            name="Done",
            to_status=DONE,
            screen=["resolution", "comment"],
            required=["resolution"],
        ),
    ]


def _priorities() -> list[Priority]:
    rows = [
        ("1", "Highest", "#d04437"),
        ("2", "High", "#f15c75"),
        ("3", "Medium", "#f79232"),
        ("4", "Low", "#707070"),
        ("5", "Lowest", "#999999"),
    ]
    return [Priority(id=i, name=n, rank=int(i), color=c) for i, n, c in rows]


def _resolutions() -> list[Resolution]:
    rows = [
        ("10000", "Done", "Work has been completed on this issue."),
        ("10001", "Won't Do", "This issue won't be actioned."),
        ("10002", "Duplicate", "The problem is a duplicate of an existing issue."),
        ("10003", "Cannot Reproduce", "This issue couldn't be reproduced."),
    ]
    return [Resolution(id=i, name=n, description=d) for i, n, d in rows]


def _issuetypes() -> list[IssueType]:
    return [
        IssueType(id=EPIC, name="Epic", description="A big user story.", hierarchy=1),
        IssueType(id=STORY, name="Story", description="Functionality or a feature."),
        IssueType(id=TASK, name="Task", description="A small, distinct piece of work."),
        IssueType(id=BUG, name="Bug", description="A problem or error."),
        IssueType(
            id=SUBTASK,
            name="Sub-task",
            description="A small piece of work that's part of a larger task.",
            subtask=True,
            hierarchy=-1,
        ),
    ]


def _system(fid: str, name: str, schema: Json, clauses: list[str], **flags: bool) -> FieldDef:
    return FieldDef(
        id=fid, name=name, custom=False, type_schema=schema, clause_names=clauses, **flags
    )


def _system_fields() -> list[FieldDef]:
    def s(kind: str, system: str, items: str | None = None) -> Json:
        out: Json = {"type": kind, "system": system}
        if items:
            out["items"] = items
        return out

    return [
        _system("summary", "Summary", s("string", "summary"), ["summary"]),
        _system("description", "Description", s("string", "description"), ["description"]),
        _system("issuetype", "Issue Type", s("issuetype", "issuetype"), ["issuetype", "type"]),
        _system("project", "Project", s("project", "project"), ["project"]),
        _system("status", "Status", s("status", "status"), ["status"]),
        _system("priority", "Priority", s("priority", "priority"), ["priority"]),
        _system("resolution", "Resolution", s("resolution", "resolution"), ["resolution"]),
        _system(
            "resolutiondate",
            "Resolved",
            s("datetime", "resolutiondate"),
            ["resolutiondate", "resolved"],
        ),
        _system("assignee", "Assignee", s("user", "assignee"), ["assignee"]),
        _system("reporter", "Reporter", s("user", "reporter"), ["reporter"]),
        _system("creator", "Creator", s("user", "creator"), ["creator"]),
        _system("created", "Created", s("datetime", "created"), ["created", "createdDate"]),
        _system("updated", "Updated", s("datetime", "updated"), ["updated", "updatedDate"]),
        _system("duedate", "Due date", s("date", "duedate"), ["due", "duedate"]),
        _system("labels", "Labels", s("array", "labels", "string"), ["labels"]),
        _system("components", "Components", s("array", "components", "component"), ["component"]),
        _system(
            "fixVersions", "Fix versions", s("array", "fixVersions", "version"), ["fixVersion"]
        ),
        _system(
            "versions", "Affects versions", s("array", "versions", "version"), ["affectedVersion"]
        ),
        _system("parent", "Parent", s("issuelink", "parent"), ["parent"]),
        _system("subtasks", "Sub-tasks", s("array", "subtasks", "issuelinks"), ["subtasks"]),
        _system(
            "issuelinks", "Linked Issues", s("array", "issuelinks", "issuelinks"), ["issueLink"]
        ),
        _system("comment", "Comment", s("comments-page", "comment"), ["comment"], navigable=False),
        _system("environment", "Environment", s("string", "environment"), ["environment"]),
        _system("watches", "Watchers", s("watches", "watches"), ["watchers"]),
        _system("votes", "Votes", s("votes", "votes"), ["votes"]),
        _system("worklog", "Log Work", s("array", "worklog", "worklog"), [], navigable=False),
        _system(
            "attachment", "Attachment", s("array", "attachment", "attachment"), ["attachments"]
        ),
        _system("timetracking", "Time tracking", s("timetracking", "timetracking"), []),
        _system("progress", "Progress", s("progress", "progress"), ["progress"]),
        _system("aggregateprogress", "Σ Progress", s("progress", "aggregateprogress"), []),
        _system("timespent", "Time Spent", s("number", "timespent"), ["timespent"]),
        _system("timeestimate", "Remaining Estimate", s("number", "timeestimate"), []),
        _system(
            "timeoriginalestimate", "Original estimate", s("number", "timeoriginalestimate"), []
        ),
        _system("aggregatetimespent", "Σ Time Spent", s("number", "aggregatetimespent"), []),
        _system(
            "aggregatetimeestimate",
            "Σ Remaining Estimate",
            s("number", "aggregatetimeestimate"),
            [],
        ),
        _system(
            "aggregatetimeoriginalestimate",
            "Σ Original Estimate",
            s("number", "aggregatetimeoriginalestimate"),
            [],
        ),
        _system("workratio", "Work Ratio", s("number", "workratio"), ["workratio"]),
        _system("security", "Security Level", s("securitylevel", "security"), ["level"]),
        _system("lastViewed", "Last Viewed", s("datetime", "lastViewed"), ["lastViewed"]),
        _system(
            "statuscategorychangedate",
            "Status Category Changed",
            s("datetime", "statuscategorychangedate"),
            ["statusCategoryChangedDate"],
        ),
        _system(
            "statusCategory",
            "Status Category",
            s("statusCategory", "statusCategory"),
            ["statusCategory"],
        ),
        _system("issuerestriction", "Restrict to", s("issuerestriction", "issuerestriction"), []),
        _system(
            "issuekey",
            "Key",
            {"type": "string"},
            ["id", "issue", "issuekey", "key"],
            navigable=False,
        ),
    ]


_PLUGIN = "com.atlassian.jira.plugin.system.customfieldtypes:"
# (name, schema type, items, custom type); the ids run from customfield_10000 upwards.
_CUSTOM: dict[int, tuple[str, str, str | None, str]] = {
    10000: (
        "Development",
        "any",
        None,
        "com.atlassian.jira.plugins.jira-development-integration-plugin:devsummarycf",
    ),
    10001: (
        "Team",
        "team",
        None,
        "com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team",
    ),
    10015: ("Start date", "date", None, _PLUGIN + "datepicker"),
    10016: ("Story Points", "number", None, _PLUGIN + "float"),
    10017: ("Issue color", "string", None, "com.pyxis.greenhopper.jira:jsw-issue-color"),
    10019: ("Rank", "any", None, "com.pyxis.greenhopper.jira:gh-lexo-rank"),
    10020: ("Sprint", "array", "json", "com.pyxis.greenhopper.jira:gh-sprint"),
    10021: ("Flagged", "array", "option", _PLUGIN + "multicheckboxes"),
    10030: ("Acceptance Criteria", "string", None, _PLUGIN + "textarea"),
    10031: ("Customer Reference", "string", None, _PLUGIN + "textfield"),
}
_FILLER_TYPES = [
    ("option", None, _PLUGIN + "select"),
    ("string", None, _PLUGIN + "textfield"),
    ("date", None, _PLUGIN + "datepicker"),
    ("number", None, _PLUGIN + "float"),
    ("user", None, _PLUGIN + "userpicker"),
    ("array", "string", _PLUGIN + "labels"),
]
_CLAUSE_TYPE = {
    "float": "Number",
    "textarea": "Paragraph",
    "textfield": "Short text",
    "datepicker": "Date",
    "multicheckboxes": "Checkboxes",
    "select": "Dropdown",
    "userpicker": "User Picker (single user)",
    "labels": "Labels",
}


def _custom_field(number: int, names: list[str]) -> FieldDef:
    if number in _CUSTOM:
        name, kind, items, custom = _CUSTOM[number]
    else:
        kind, items, custom = _FILLER_TYPES[number % len(_FILLER_TYPES)]
        spare = [n for n in CUSTOM_RANGE if n not in _CUSTOM].index(number)
        name = names[spare % len(names)] + (" (legacy)" if spare >= len(names) else "")
    schema: Json = {"type": kind, "custom": custom, "customId": number}
    if items:
        schema["items"] = items
    clauses = [f"cf[{number}]", name]
    suffix = _CLAUSE_TYPE.get(custom.rsplit(":", 1)[-1])
    if suffix:
        clauses.append(f"{name}[{suffix}]")
    return FieldDef(
        id=f"customfield_{number}", name=name, custom=True, type_schema=schema, clause_names=clauses
    )


def field_catalogue() -> list[FieldDef]:
    """Every field of the site: Jira's system fields and customfield_10000..10040."""
    names = FILLER_FIELD_NAMES
    return _system_fields() + [_custom_field(n, names) for n in CUSTOM_RANGE]


def account_id(email: str) -> str:
    """A stable, Atlassian-looking (24 hex digit) account id for an email address."""
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def _users() -> list[User]:
    users = [
        User(
            account_id=DEMO_ACCOUNT_ID,
            display_name=DEMO_DISPLAY_NAME,
            email=DEMO_EMAIL,
            groups=["jira-software-users", "site-admins"],
        ),
        User(
            account_id=PAT_ACCOUNT_ID,
            display_name="PAT User",
            email="pat@example.com",
            groups=["jira-software-users"],
        ),
    ]
    for name, zone, groups in PEOPLE:
        email = name.lower().replace(" ", ".") + "@example.com"
        users.append(
            User(
                account_id=account_id(email),
                display_name=name,
                email=email,
                time_zone=zone,
                groups=groups,
            )
        )
    return users


def _projects(users: list[User]) -> list[Project]:
    out = []
    for n, (key, name, style, description, components, versions) in enumerate(PROJECTS):
        pid = 10000 + n
        out.append(
            Project(
                id=str(pid),
                key=key,
                name=name,
                style=style,
                description=description,
                lead=users[2 + n].account_id,
                components=[
                    Component(id=str(pid * 10 + i), name=c) for i, c in enumerate(components)
                ],
                versions=[
                    Version(id=str(pid * 10 + i), name=v, released=r, release_date=d)
                    for i, (v, r, d) in enumerate(versions)
                ],
            )
        )
    return out


def _boards() -> list[Board]:
    return [
        Board(
            id=1, name="SHOP board", type="scrum", project_key="SHOP", estimation_field=STORY_POINTS
        ),
        Board(id=2, name="OPS board", type="kanban", project_key="OPS"),
        Board(
            id=3, name="SEC board", type="scrum", project_key="SEC", estimation_field=STORY_POINTS
        ),
    ]


def _sprint(sid: int, name: str, board: int, start: datetime | None, state: str) -> Sprint:
    end = start + timedelta(days=14) if start else None
    return Sprint(
        id=sid,
        name=name,
        state=state,
        board_id=board,
        goal=SPRINT_GOALS[sid % 6],
        start=start,
        end=end,
        complete=end if state == "closed" else None,
        created=start - timedelta(days=2) if start else None,
    )


def _sprints(anchor: datetime) -> list[Sprint]:
    day = anchor.replace(hour=9, minute=0, second=0, microsecond=0)
    active = day - timedelta(days=6)
    out = [
        _sprint(n, f"SHOP Sprint {n}", 1, active - timedelta(days=14 * (5 - n)), "closed")
        for n in range(1, 5)
    ]
    out.append(_sprint(5, "SHOP Sprint 5", 1, active, "active"))
    out.append(_sprint(6, "SHOP Sprint 6", 1, None, "future"))
    sec = day - timedelta(days=3)
    out.append(_sprint(7, "SEC Sprint 1", 3, sec - timedelta(days=14), "closed"))
    out.append(_sprint(8, "SEC Sprint 2", 3, sec, "active"))
    return out


def catalogue(anchor: datetime) -> SiteData:
    """A site with its catalogue, people, projects, boards and sprints but no issues."""
    users = _users()
    return SiteData(
        anchor=anchor,
        categories=_categories(),
        statuses=_statuses(),
        transitions=_transitions(),
        priorities=_priorities(),
        resolutions=_resolutions(),
        issuetypes=_issuetypes(),
        fields=field_catalogue(),
        users=users,
        projects=_projects(users),
        boards=_boards(),
        sprints=_sprints(anchor),
        issues=[],
        next_issue_id=10000,
    )


def build_site(seed: int, anchor: datetime, flagged_field: str = FLAGGED) -> SiteData:
    """The whole demo site for a seed, with dates relative to `anchor`.

    `flagged_field` gives the Flagged field another id, as on sites where Jira numbered
    it differently.
    """
    data = catalogue(anchor)
    IssueFactory(data, random.Random(seed)).populate()
    attach_seed_files(data)
    deepen(data)
    if flagged_field != FLAGGED:
        renumber_field(data, FLAGGED, flagged_field)
    return data


def renumber_field(data: SiteData, old: str, new: str) -> None:
    """Give custom field `old` the id `new` (with its cf[N] clause and customId)."""
    if any(f.id == new for f in data.fields) or not new.startswith("customfield_"):
        raise ValueError(f"{new!r} is not a free custom field id on this site.")
    number = int(new.removeprefix("customfield_"))
    for f in data.fields:
        if f.id == old:
            f.id = new
            f.type_schema = {**f.type_schema, "customId": number}
            f.clause_names = [f"cf[{number}]" if c.startswith("cf[") else c for c in f.clause_names]
    data.field_roles[new] = old


def adf(*paragraphs: str) -> Json:
    """An ADF document with one paragraph per string."""
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs
        ],
    }


def comment(cid: str, author: str, body: str, when: datetime) -> Comment:
    """A comment with a one-paragraph ADF body."""
    return Comment(id=cid, author=author, body=adf(body), created=when, updated=when)


# Demo text ------------------------------------------------------------------------------------

PEOPLE = [
    ("Alice Johnson", "Europe/Berlin", ["jira-software-users", "shop-team"]),
    ("Bob Smith", "Europe/London", ["jira-software-users", "shop-team"]),
    ("Carol Martinez", "America/New_York", ["jira-software-users", "ops-team"]),
    ("David Chen", "Asia/Singapore", ["jira-software-users", "shop-team"]),
    ("Emma Wilson", "Europe/Berlin", ["jira-software-users", "shop-team"]),
    ("Farid Haddad", "Europe/Paris", ["jira-software-users", "ops-team"]),
    ("Grace Okafor", "Africa/Lagos", ["jira-software-users", "security-team"]),
    ("Hiro Tanaka", "Asia/Tokyo", ["jira-software-users", "ops-team"]),
    ("Isabel Rossi", "Europe/Rome", ["jira-software-users", "security-team"]),
    ("Jonas Berg", "Europe/Stockholm", ["jira-software-users", "shop-team"]),
]
TEAMS = {"SHOP": "shop-team", "OPS": "ops-team", "SEC": "security-team"}
PROJECTS: list[tuple[str, str, str, str, list[str], list[tuple[str, bool, str | None]]]] = [
    (
        "SHOP",
        "Webshop",
        "scrum",
        "The customer-facing webshop: catalogue, cart and checkout.",
        ["Frontend", "Checkout", "Payments", "Catalogue", "Search", "Accounts"],
        [
            ("1.0", True, "2026-06-30"),
            ("1.1", True, "2026-09-15"),
            ("1.2", False, "2026-12-15"),
            ("2.0", False, None),
        ],
    ),
    (
        "OPS",
        "Operations",
        "kanban",
        "Infrastructure, deployments and on-call work.",
        ["Infrastructure", "Monitoring", "Databases", "CI/CD", "Networking"],
        [("2026.Q3", True, "2026-09-30"), ("2026.Q4", False, "2026-12-31")],
    ),
    (
        "SEC",
        "Security Incidents",
        "scrum",
        "Security incidents, findings and their follow-up.",
        ["Incident Response", "Vulnerability Management", "Access Control"],
        [("Audit 2026", False, "2026-12-01")],
    ),
]
SPRINT_GOALS = [
    "Stabilise checkout before the holiday season",
    "Ship guest checkout and saved carts",
    "Faster catalogue search",
    "Payment provider migration",
    "Close the remaining audit findings",
    "Reduce page load time below two seconds",
]
FILLER_FIELD_NAMES = [
    "Environment details",
    "Change type",
    "Impact",
    "Urgency",
    "Approvers",
    "Request language",
    "Target start",
    "Target end",
    "Category",
    "Severity",
    "Affected services",
    "Root cause",
    "Customer tier",
    "Region",
    "Release notes",
    "Risk",
    "Cost centre",
    "Vendor",
]
LABELS = {
    "SHOP": ["frontend", "backend", "ux", "performance", "tech-debt", "mobile", "a11y", "seo"],
    "OPS": ["oncall", "kubernetes", "postgres", "terraform", "monitoring", "cost", "backup"],
    "SEC": ["phishing", "cve", "audit", "access-review", "pentest", "gdpr"],
}
SUBJECTS = {
    "SHOP": [
        "checkout page",
        "shopping cart",
        "product page",
        "search results",
        "wishlist",
        "order history",
        "payment form",
        "address book",
        "coupon codes",
        "gift cards",
        "product reviews",
        "category menu",
        "newsletter signup",
        "invoice PDF",
        "delivery options",
        "login form",
        "password reset",
        "mobile navigation",
    ],
    "OPS": [
        "Kubernetes cluster",
        "Postgres primary",
        "CI runners",
        "TLS certificates",
        "backup jobs",
        "log pipeline",
        "CDN config",
        "DNS records",
        "VPN gateway",
        "Grafana dashboards",
        "alert rules",
        "staging environment",
        "Redis cache",
    ],
    "SEC": [
        "SSO configuration",
        "admin accounts",
        "S3 buckets",
        "VPN access",
        "laptop fleet",
        "API keys",
        "vendor access",
        "mail gateway",
        "WAF rules",
        "audit logs",
    ],
}
TEMPLATES = {
    "Epic": ["{S} overhaul", "Rework the {s}", "{S} for the new season", "Modernise {s}"],
    "Story": [
        "As a shopper I can use the {s} on mobile",
        "Show saved data in the {s}",
        "Make the {s} faster",
        "Add filters to the {s}",
        "Let customers share the {s}",
    ],
    "Task": [
        "Upgrade dependencies of the {s}",
        "Document the {s}",
        "Add metrics for the {s}",
        "Clean up the {s} configuration",
        "Automate checks of the {s}",
    ],
    "Bug": [
        "{S} shows an error after login",
        "{S} breaks on Safari",
        "Wrong totals in the {s}",
        "{S} times out under load",
        "Typo in the {s}",
        "{S} loses data on refresh",
    ],
    "Sub-task": [
        "Write tests for the {s}",
        "Review the {s} change",
        "Update copy of the {s}",
        "Deploy the {s} change",
    ],
}
SEC_TEMPLATES = {
    "Epic": ["Harden {s}", "Quarterly review of {s}"],
    "Task": [
        "Rotate {s}",
        "Review access to {s}",
        "Phishing report about {s}",
        "Patch CVE affecting {s}",
        "Investigate alert on {s}",
    ],
    "Bug": ["Misconfigured {s}", "{S} exposed publicly", "Weak policy on {s}"],
    "Sub-task": ["Notify owners of {s}", "Collect evidence on {s}"],
}
COMMENTS = [
    "I can reproduce this on staging.",
    "Looks good to me, merging.",
    "Can we split this into two tickets?",
    "Blocked until the API change is deployed.",
    "Added screenshots to the description.",
    "Customer reported this again today.",
    "Moved to the next sprint, we ran out of time.",
    "Fixed in the latest build, please verify.",
]
# (issue type, count) per project, in creation order: epics first so parents exist.
PLAN = {
    "SHOP": [(EPIC, 8), (STORY, 70), (TASK, 40), (BUG, 42), (SUBTASK, 40)],
    "OPS": [(EPIC, 4), (STORY, 6), (TASK, 44), (BUG, 20), (SUBTASK, 6)],
    "SEC": [(EPIC, 2), (TASK, 14), (BUG, 10), (SUBTASK, 4)],
}


# Issues ---------------------------------------------------------------------------------------


class IssueFactory:
    """Fills a catalogue with issues; every choice comes from one seeded `Random`."""

    def __init__(self, data: SiteData, rng: random.Random) -> None:
        self.data = data
        self.rng = rng
        self.anchor = data.anchor
        self.sprints = {s.id: s for s in data.sprints}
        self.numbers: dict[str, int] = {}

    def populate(self) -> None:
        """Create every project's issues, then place them in sprints and statuses."""
        for project in self.data.projects:
            created = [
                self._issue(project, itype)
                for itype, count in PLAN[project.key]
                for _ in range(count)
            ]
            self._plan_project(project, created)
        for n, issue in enumerate(self.data.issues):
            issue.rank = f"0|i{n:05x}:"

    # One issue --------------------------------------------------------------------------------

    def _team(self, project: Project) -> list[User]:
        team = [u for u in self.data.users if TEAMS[project.key] in u.groups]
        return [self.data.users[0], *team]

    def _issue(self, project: Project, itype: str) -> Issue:
        rng = self.rng
        self.numbers[project.key] = number = self.numbers.get(project.key, 0) + 1
        created = self.anchor - timedelta(days=rng.uniform(20, 150), minutes=rng.randint(0, 600))
        type_name = next(t.name for t in self.data.issuetypes if t.id == itype)
        issue = Issue(
            id=self.data.next_issue_id,
            key=f"{project.key}-{number}",
            project=project.key,
            issuetype=itype,
            summary=self._summary(project.key, type_name),
            status=TODO,
            priority=rng.choices(["1", "2", "3", "4", "5"], [5, 20, 50, 20, 5])[0],
            reporter=rng.choice(self._team(project)).account_id,
            creator=DEMO_ACCOUNT_ID,
            created=created,
            updated=created,
            status_changed=created,
            description=self._description(type_name),
            parent=self._parent(project, itype),
            labels=sorted(set(rng.sample(LABELS[project.key], rng.choice([0, 0, 1, 1, 2, 3])))),
            components=[c.id for c in rng.sample(project.components, rng.choice([0, 1, 1, 2]))],
        )
        issue.creator = issue.reporter
        self._extras(issue, type_name)
        self.data.next_issue_id += 1
        self.data.issues.append(issue)
        return issue

    def _summary(self, project: str, type_name: str) -> str:
        table = SEC_TEMPLATES if project == "SEC" else TEMPLATES
        subject = self.rng.choice(SUBJECTS[project])
        template = self.rng.choice(table.get(type_name, TEMPLATES[type_name]))
        return template.format(s=subject, S=subject[0].upper() + subject[1:])

    def _description(self, type_name: str) -> Json | None:
        rng = self.rng
        if rng.random() < 0.15:
            return None
        doc = adf(
            f"This {type_name.lower()} was raised during planning.",
            rng.choice(COMMENTS) + " " + rng.choice(COMMENTS),
        )
        if type_name == "Story":
            items = ["Works on mobile and desktop", "Covered by tests", "Copy reviewed"]
            doc["content"].append(
                {
                    "type": "bulletList",
                    "content": [
                        {"type": "listItem", "content": [adf(i)["content"][0]]} for i in items
                    ],
                }
            )
        return doc

    def _parent(self, project: Project, itype: str) -> int | None:
        mine = [i for i in self.data.issues if i.project == project.key]
        if itype == SUBTASK:
            candidates = [i for i in mine if i.issuetype in (STORY, TASK)]
            return self.rng.choice(candidates).id
        epics = [i for i in mine if i.issuetype == EPIC]
        if itype == EPIC or not epics or self.rng.random() < 0.3:
            return None
        return self.rng.choice(epics).id

    def _extras(self, issue: Issue, type_name: str) -> None:
        rng = self.rng
        if type_name in ("Story", "Task", "Bug") and issue.project != "OPS":
            issue.story_points = rng.choice([None, 1, 2, 3, 3, 5, 5, 8, 13])
        if type_name == "Story" and rng.random() < 0.4:
            issue.custom[ACCEPTANCE] = adf("Given a shopper, when they check out, it works.")
        if type_name == "Bug" and issue.project == "SHOP" and rng.random() < 0.5:
            issue.custom[CUSTOMER_REF] = f"CS-{rng.randint(1000, 9999)}"
        if type_name == "Epic":
            issue.custom["customfield_10015"] = issue.created.date().isoformat()
            issue.custom["customfield_10017"] = rng.choice(["purple", "blue", "green", "orange"])
        if rng.random() < 0.25:
            issue.duedate = (self.anchor + timedelta(days=rng.randint(-20, 40))).date().isoformat()
        team = self._team(next(p for p in self.data.projects if p.key == issue.project))
        # The demo user owns a fair share, so `assignee = currentUser()` has answers.
        if rng.random() < 0.85:
            issue.assignee = rng.choice(team).account_id

    # Sprints, statuses and history ----------------------------------------------------------

    def _plan_project(self, project: Project, issues: list[Issue]) -> None:
        standard = [i for i in issues if i.issuetype not in (EPIC, SUBTASK)]
        if project.key == "SHOP":
            self._place(standard, [(5, 56), (1, 15), (2, 15), (3, 15), (4, 15), (6, 16)])
        elif project.key == "SEC":
            self._place(standard, [(8, 10), (7, 8)])
        by_id = {i.id: i for i in issues}
        for issue in issues:
            parent = by_id.get(issue.parent) if issue.parent else None
            if issue.issuetype == SUBTASK and parent:
                issue.sprints = list(parent.sprints)
            self._progress(issue)
            self._comments(issue, project)

    def _place(self, issues: list[Issue], plan: list[tuple[int, int]]) -> None:
        pool = list(issues)
        self.rng.shuffle(pool)
        for sprint_id, count in plan:
            for issue in pool[:count]:
                issue.sprints = [sprint_id]
                # Unfinished work from closed sprints rolls over into the active sprint.
                if self.sprints[sprint_id].state == "closed" and self.rng.random() < 0.12:
                    active = 5 if sprint_id < 5 else 8
                    issue.sprints.append(active)
            pool = pool[count:]

    def _target_status(self, issue: Issue) -> str:
        rng = self.rng
        states = [self.sprints[s].state for s in issue.sprints]
        if states and states[-1] == "closed":
            return DONE
        if "active" in states:
            return rng.choices([TODO, IN_PROGRESS, IN_REVIEW, DONE], [35, 30, 15, 20])[0]
        if states:
            return TODO
        return rng.choices([TODO, IN_PROGRESS, IN_REVIEW, DONE], [45, 15, 5, 35])[0]

    def _fit_to_sprints(self, issue: Issue) -> None:
        """Sprint work was created before its first sprint and finished inside its last."""
        if not issue.sprints:
            return
        first, last = self.sprints[issue.sprints[0]], self.sprints[issue.sprints[-1]]
        if first.start is not None:
            before = first.start - timedelta(hours=self.rng.randint(2, 400))
            issue.created = issue.updated = issue.status_changed = min(issue.created, before)
        if issue.status == DONE and last.state == "closed" and last.start and last.end:
            window = (last.end - last.start).total_seconds()
            issue.status_changed = last.start + timedelta(seconds=window * self.rng.random())

    def _progress(self, issue: Issue) -> None:
        rng = self.rng
        issue.status = self._target_status(issue)
        self._fit_to_sprints(issue)
        span = max((self.anchor - issue.created).total_seconds(), 3600.0)
        if issue.status != TODO and issue.status_changed == issue.created:
            issue.status_changed = issue.created + timedelta(seconds=span * rng.uniform(0.3, 0.9))
        if issue.status == DONE:
            issue.resolution = rng.choices(["10000", "10001", "10002", "10003"], [85, 7, 5, 3])[0]
            issue.resolved = issue.status_changed
            released = [
                v.id
                for p in self.data.projects
                if p.key == issue.project
                for v in p.versions
                if v.released
            ]
            if released and rng.random() < 0.6:
                issue.fix_versions = [rng.choice(released)]
        elif "active" in [self.sprints[s].state for s in issue.sprints]:
            issue.flagged = rng.random() < 0.1
        issue.updated = max(
            issue.status_changed, issue.created + timedelta(seconds=span * rng.uniform(0.0, 1.0))
        )

    def _comments(self, issue: Issue, project: Project) -> None:
        rng = self.rng
        team = self._team(project)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            when = issue.created + (issue.updated - issue.created) * rng.random()
            self.data.next_comment_id += 1
            issue.comments.append(
                comment(
                    str(self.data.next_comment_id),
                    rng.choice(team).account_id,
                    rng.choice(COMMENTS),
                    when,
                )
            )
        issue.comments.sort(key=lambda c: c.created)
