"""Deep issues for the everyday tools: long descriptions, many comments, history and links.

`deepen(data)` runs after the random seed and changes only the issues named here, so every
other issue stays as the seed made it. SHOP-30 is the deep one (a description of about 6,500
characters, 45 comments, 30 changelog entries, links inside SHOP, to OPS and to SEC); SHOP-31
and SHOP-32 are smaller. Text is fixed, not random: tests quote it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.site import ChangeEntry, ChangeItem, Comment, Issue, Json, Link, SiteData

DEEP = "SHOP-30"
DEEP_COMMENTS = 45
DEEP_CHANGES = 30
RESTRICTED_ROLE = "Developers"  # one of SHOP-30's comments is visible to this role only
# (issue sent as inwardIssue, issue sent as outwardIssue, link type id): see Link.
LINKS: list[tuple[str, str, str]] = [
    ("SHOP-30", "SHOP-31", "10000"),  # SHOP-30 blocks SHOP-31
    ("SHOP-32", "SHOP-30", "10000"),  # SHOP-30 is blocked by SHOP-32
    ("SHOP-30", "OPS-10", "10003"),  # SHOP-30 relates to OPS-10
    ("SEC-5", "SHOP-30", "10000"),  # SHOP-30 is blocked by SEC-5 (a forbidden project in tests)
    ("SHOP-30", "SEC-6", "10003"),  # SHOP-30 relates to SEC-6
    ("SHOP-31", "SHOP-33", "10001"),  # SHOP-31 clones SHOP-33
]
_TOPICS = [
    "payment provider",
    "address validation",
    "guest checkout",
    "order summary",
    "coupon handling",
    "tax calculation",
    "delivery slots",
    "error messages",
]
_REMARKS = [
    "The current flow asks for the same data twice, and customers drop out at that step.",
    "Support tickets about this part doubled since the last release.",
    "We agreed to keep the old behaviour behind a feature flag for two weeks.",
    "The mobile layout needs its own pass; the desktop design does not scale down well.",
    "Analytics events must keep their names so the funnel dashboards keep working.",
    "Accessibility review found missing labels on three inputs and a focus trap.",
]
_COMMENT_TEXTS = [
    "I went through the {t} part again and it matches the spec.",
    "Question on the {t}: do we keep the old API for one more release?",
    "Pushed a first version of the {t}, review welcome.",
    "QA found a regression in the {t} on Safari, looking into it.",
    "The {t} change is deployed to staging.",
    "Customer feedback on the {t} was positive in the usability test.",
]


def adf_doc(blocks: list[Json]) -> Json:
    """An ADF document of the given block nodes."""
    return {"type": "doc", "version": 1, "content": blocks}


def _paragraph(text: str) -> Json:
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


def _heading(text: str, level: int = 2) -> Json:
    return {
        "type": "heading",
        "attrs": {"level": level},
        "content": [{"type": "text", "text": text}],
    }


def _bullets(items: list[str]) -> Json:
    return {
        "type": "bulletList",
        "content": [{"type": "listItem", "content": [_paragraph(i)]} for i in items],
    }


def long_description(sections: int) -> Json:
    """A specification-like description: per section a heading, two paragraphs and a list."""
    blocks: list[Json] = [
        _paragraph(
            "This story collects everything we learned about the checkout redesign. "
            "Read it before picking up any of the linked work."
        )
    ]
    for n in range(sections):
        topic = _TOPICS[n % len(_TOPICS)]
        blocks.append(_heading(f"{n + 1}. The {topic}"))
        blocks.append(
            _paragraph(
                f"Today the {topic} is handled in the legacy checkout service. "
                + " ".join(_REMARKS[(n + i) % len(_REMARKS)] for i in range(3))
            )
        )
        blocks.append(
            _paragraph(
                f"Acceptance for the {topic}: it works on mobile and desktop, it is covered "
                "by automated tests, and the copy has been reviewed by the content team."
            )
        )
        blocks.append(
            _bullets([f"Measure the {topic} before and after", f"Document the {topic} API"])
        )
    blocks.append(
        {
            "type": "codeBlock",
            "attrs": {"language": "json"},
            "content": [{"type": "text", "text": '{"checkout": {"version": 2, "flag": true}}'}],
        }
    )
    return adf_doc(blocks)


def _spread(issue: Issue, n: int, count: int) -> datetime:
    """The n-th of `count` moments spread evenly between the issue's creation and update."""
    span = max((issue.updated - issue.created).total_seconds(), 3600.0)
    return issue.created + timedelta(seconds=span * (n + 1) / (count + 1))


def _comments(data: SiteData, issue: Issue, count: int, team: list[str]) -> None:
    issue.comments = []
    for n in range(count):
        data.next_comment_id += 1
        text = _COMMENT_TEXTS[n % len(_COMMENT_TEXTS)].format(t=_TOPICS[n % len(_TOPICS)])
        if n == count - 2:
            text += " The related audit finding is tracked in SEC-5."
        when = _spread(issue, n, count)
        issue.comments.append(
            Comment(
                id=str(data.next_comment_id),
                author=team[n % len(team)],
                body=adf_doc([_paragraph(f"({n + 1}) {text}")]),
                created=when,
                updated=when,
                visibility={"type": "role", "value": RESTRICTED_ROLE} if n == 3 else None,
            )
        )


def _changelog(data: SiteData, issue: Issue, team: list[str]) -> None:
    """Thirty changes: status, priority, labels, assignee, sprint and links (one to SEC)."""
    rows: list[tuple[str, str, str | None, str | None, str | None, str | None]] = []
    statuses = [("10000", "To Do"), ("3", "In Progress"), ("10002", "In Review")]
    names = {u.account_id: u.display_name for u in data.users}
    for n in range(DEEP_CHANGES):
        kind = n % 6
        if kind == 0:
            was, now = statuses[n % 3], statuses[(n + 1) % 3]
            rows.append(("status", "status", was[0], was[1], now[0], now[1]))
        elif kind == 1:
            rows.append(("priority", "priority", "3", "Medium", "2", "High"))
        elif kind == 2:
            rows.append(("labels", "labels", None, "", None, f"checkout-{n}"))
        elif kind == 3:
            rows.append(("assignee", "assignee", team[0], names[team[0]], team[1], names[team[1]]))
        elif kind == 4:
            # Sprints of SHOP's board only: tests add a change naming SEC's sprint themselves.
            rows.append(("customfield_10020", "Sprint", None, None, "3", "SHOP Sprint 3"))
        elif n == 5:
            rows.append(
                ("issuelinks", "Link", None, None, "SEC-5", "This issue is blocked by SEC-5")
            )
        else:
            rows.append(("issuelinks", "Link", None, None, "SHOP-31", "This issue blocks SHOP-31"))
    issue.changelog = []
    for n, (fid, name, old, old_text, new, new_text) in enumerate(rows):
        data.next_change_id += 1
        item = ChangeItem(
            field=name,
            field_id=fid,
            from_value=old,
            from_string=old_text,
            to_value=new,
            to_string=new_text,
        )
        issue.changelog.append(
            ChangeEntry(
                id=str(data.next_change_id),
                author=team[n % len(team)],
                created=_spread(issue, n, DEEP_CHANGES),
                items=[item],
            )
        )


def deepen(data: SiteData) -> None:
    """Give the named issues long text, many comments, history and links."""
    by_key = {i.key: i for i in data.issues}
    team = [u.account_id for u in data.users if "shop-team" in u.groups] or [
        data.users[0].account_id
    ]
    plan = [(DEEP, 11, DEEP_COMMENTS), ("SHOP-31", 4, 25), ("SHOP-32", 3, 12)]
    for key, sections, comments in plan:
        issue = by_key[key]
        issue.description = long_description(sections)
        _comments(data, issue, comments, team)
    _changelog(data, by_key[DEEP], team)
    for inward, outward, type_id in LINKS:
        data.next_link_id += 1
        data.links.append(
            Link(
                id=str(data.next_link_id),
                type_id=type_id,
                inward=by_key[inward].id,
                outward=by_key[outward].id,
            )
        )
