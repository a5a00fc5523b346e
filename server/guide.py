"""The server's MCP ``instructions``: where the model is and which tool does what.

Built from the settings and the account's display name: the allowed projects, who the
account is, read-only mode, and one line per family of the tools offered. Only /myself says
the display name, so start-up asks for it (waiting at most JIRA_IDENTITY_WAIT seconds); without
an answer the instructions name the email of the settings, if any.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from server.config import Settings

MAX_NAME: Final = 40  # characters of a display name, so a long one cannot crowd out the rest
NAMED_PROJECTS: Final = 5  # more would outgrow the instructions; lookup lists them all
WRITERS: Final = ("create_issue", "update_issue", "transition", "add_comment", "link_issues")
FAMILIES: Final = (
    ("Search, read", ("search_jql", "bulk_fetch", "get_issue", "validate_jql")),
    ("Write (dry_run previews)", WRITERS),
    ("Sprints", ("sprint_progress",)),
    ("Attachments", ("get_attachment", "add_attachment")),
    ("Ids of projects, users, sprints", ("lookup",)),
)


def instructions(settings: Settings, offered: Iterable[str], account: str | None = None) -> str:
    """The instructions for ``settings`` naming only the ``offered`` tools, and ``account``
    (the display name Jira gave) as the user the model acts for."""
    tools = set(offered)
    if settings.jira_projects:
        where = f"Allowed projects: {_projects(settings.jira_projects)}."
    else:
        where = "Every project the account can see is allowed."
    lines = [f"Jira via a scoped gateway. {where}"]
    # The display name is what the user calls themself; the email only when Jira gave none.
    who = account[:MAX_NAME] if account else settings.jira_email
    if who:
        lines.append(f"Signed in as {who}.")
    if settings.jira_read_only:
        lines.append("Read-only mode: nothing can be written.")
    for family, names in FAMILIES:
        present = [name for name in names if name in tools]
        if present:
            lines.append(f"{family}: {', '.join(present)}.")
    lines.append("Ask for extra fields only when needed.")
    return "\n".join(lines)


def _projects(keys: list[str]) -> str:
    """The allowed keys, the first NAMED_PROJECTS of a long list and how many more."""
    shown = ", ".join(keys[:NAMED_PROJECTS])
    more = len(keys) - NAMED_PROJECTS
    return f"{shown} and {more} more (lookup projects)" if more > 0 else shown
