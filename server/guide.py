"""The server's MCP ``instructions``: where the model is and which tool does what.

Built from the settings alone, so initialize never waits for Jira: the allowed projects, the
account's email when the settings name it, read-only mode, and one line per family of the
tools offered. The account's display name is not here: only /myself says it, and the
instructions are sent before any request may be made (``lookup`` kind ``me`` answers it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from server.config import Settings

FAMILIES: Final = (
    ("Search and read", ("search_jql", "bulk_fetch", "get_issue", "validate_jql"), ""),
    (
        "Write",
        ("create_issue", "update_issue", "transition", "add_comment", "link_issues"),
        " (dry_run previews)",
    ),
    ("Sprints", ("sprint_progress",), ""),
    ("Attachments", ("get_attachment", "add_attachment"), ""),
    ("Ids and names (projects, statuses, users, boards, sprints...)", ("lookup",), ""),
)


def instructions(settings: Settings, offered: Iterable[str]) -> str:
    """The instructions for ``settings`` naming only the ``offered`` tools."""
    tools = set(offered)
    if settings.jira_projects:
        where = (
            f"Allowed projects: {', '.join(settings.jira_projects)} (nothing else is reachable)."
        )
    else:
        where = "Every project the account can see is allowed."
    lines = [f"Jira through a scoped gateway. {where}"]
    if settings.jira_email:
        lines.append(f"Signed in as {settings.jira_email}.")
    if settings.jira_read_only:
        lines.append("Read-only mode: nothing can be written.")
    for family, names, note in FAMILIES:
        present = [name for name in names if name in tools]
        if present:
            lines.append(f"{family}: {', '.join(present)}{note}.")
    lines.append("Answers are compact; ask for more fields only when needed.")
    return "\n".join(lines)
