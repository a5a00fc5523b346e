"""JIRA_PROJECTS as a hard boundary for key-, id- and project-based calls.

Queries are scoped on their AST by ``server.jql.scope``; this module checks everything else
against the project that Jira returns, since an issue key can outlive a project move.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from server.errors import OutOfScope

ISSUE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]*)$")
ISSUE_ID = re.compile(r"^[1-9][0-9]{0,17}$")


class ProjectScope:
    """The allowed projects; empty means every project the account can see."""

    def __init__(self, projects: Iterable[str]) -> None:
        self.projects = tuple(dict.fromkeys(p.upper() for p in projects))
        self._allowed = frozenset(self.projects)

    @property
    def enabled(self) -> bool:
        """True when an allowlist is in force."""
        return bool(self._allowed)

    def allows(self, project_key: str | None) -> bool:
        """True when ``project_key`` may be read or written."""
        if not self._allowed:
            return True
        return project_key is not None and project_key.upper() in self._allowed

    def require_project(self, project_key: str) -> None:
        """Raise OutOfScope unless ``project_key`` is allowed."""
        if not self.allows(project_key):
            raise OutOfScope(
                f"Project {project_key} is outside the allowed projects "
                f"({', '.join(self.projects)}). Use one of those."
            )

    def allows_key_prefix(self, key: str) -> bool:
        """False when an issue key's project prefix is plainly outside the scope."""
        match = ISSUE_KEY.match(key)
        return match is None or self.allows(match.group(1))

    def require_issue(self, key: str, issue: Mapping[str, object]) -> None:
        """Raise OutOfScope unless the issue Jira returned lives in an allowed project."""
        project = project_of(issue)
        if not self.allows(project):
            raise OutOfScope(
                f"Issue {key} is outside the allowed projects ({', '.join(self.projects)}). "
                "Use an issue of one of those projects."
            )


def project_of(issue: Mapping[str, object]) -> str | None:
    """The project key of an issue as Jira returned it (fields.project.key)."""
    fields = issue.get("fields")
    if not isinstance(fields, Mapping):
        return None
    project = fields.get("project")
    if not isinstance(project, Mapping):
        return None
    key = project.get("key")
    return key if isinstance(key, str) else None
