"""Jira Cloud's built-in JQL functions and how many arguments each takes.

Source: Atlassian, "JQL functions" (support.atlassian.com/jira-software-cloud/docs/
jql-functions/), which gives each function's syntax; optional arguments are shown there in
brackets, and "user1, user2, ..." style lists take one or more. Jira matches function names
without regard to case. Apps (Forge, Connect) may add functions of their own, so a name
missing here is only certainly wrong when it is a near miss of one listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ANY: Final = 10_000  # "one or more" / "zero or more": no upper bound worth stating


@dataclass(frozen=True, slots=True)
class JqlFunction:
    """A built-in function: its name as documented and its argument count bounds."""

    name: str
    min_args: int = 0
    max_args: int = 0

    @property
    def arity(self) -> str:
        """How many arguments it takes, in words."""
        low, high = self.min_args, self.max_args
        if high == 0:
            return "no arguments"
        if high >= ANY:
            return f"at least {low} argument{'s' * (low != 1)}" if low else "any arguments"
        if low == high:
            return f"exactly {low} argument{'s' * (low != 1)}"
        if low == 0:
            return f"at most {high} argument{'s' * (high != 1)}"
        return f"{low} to {high} arguments"

    def accepts(self, count: int) -> bool:
        """Whether a call with `count` arguments is allowed."""
        return self.min_args <= count <= self.max_args


def _offset(name: str) -> JqlFunction:
    # startOfDay(), startOfDay("-1d"): one optional increment.
    return JqlFunction(name, 0, 1)


_ALL: Final = (
    JqlFunction("approved"),
    JqlFunction("approver", 1, ANY),
    JqlFunction("breached"),
    JqlFunction("cascadeOption", 1, 2),
    JqlFunction("choiceOption", 1, ANY),
    JqlFunction("closedSprints"),
    JqlFunction("completed"),
    JqlFunction("componentsLeadByUser", 0, 1),
    JqlFunction("currentLogin"),
    JqlFunction("currentUser"),
    JqlFunction("earliestUnreleasedVersion", 0, 1),
    JqlFunction("elapsed", 0, 1),
    _offset("endOfDay"),
    _offset("endOfMonth"),
    _offset("endOfWeek"),
    _offset("endOfYear"),
    JqlFunction("everbreached"),
    JqlFunction("futureSprints"),
    JqlFunction("issueHistory"),
    JqlFunction("issuesWithRemoteLinksByGlobalId", 1, ANY),
    JqlFunction("lastLogin"),
    JqlFunction("latestReleasedVersion", 0, 1),
    JqlFunction("linkedIssues", 1, 2),
    JqlFunction("membersOf", 1, 1),
    JqlFunction("myApproval"),
    JqlFunction("myPending"),
    JqlFunction("now"),
    JqlFunction("openSprints"),
    JqlFunction("organizationMembers", 1, 1),
    JqlFunction("outdated"),
    JqlFunction("paused"),
    JqlFunction("pending"),
    JqlFunction("pendingBy", 1, ANY),
    JqlFunction("projectsLeadByUser", 0, 1),
    JqlFunction("projectsWhereUserHasPermission", 1, 1),
    JqlFunction("projectsWhereUserHasRole", 1, 1),
    JqlFunction("releasedVersions", 0, ANY),
    JqlFunction("remaining", 0, 1),
    JqlFunction("running"),
    JqlFunction("standardIssueTypes"),
    _offset("startOfDay"),
    _offset("startOfMonth"),
    _offset("startOfWeek"),
    _offset("startOfYear"),
    JqlFunction("subtaskIssueTypes"),
    JqlFunction("unreleasedVersions", 0, ANY),
    JqlFunction("updatedBy", 1, 3),
    JqlFunction("votedIssues"),
    JqlFunction("watchedIssues"),
    JqlFunction("withinCalendarHours"),
)

FUNCTIONS: Final[dict[str, JqlFunction]] = {f.name.lower(): f for f in _ALL}
