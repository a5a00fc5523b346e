"""JIRA_PROJECTS as a hard boundary: the allowlist, the scoped query, and the refusal texts.

The checks themselves run in one place, ``server.gateway.guard``, on every request and every
answer. This module holds what they share: which projects are allowed, the one object a
search may send as its JQL, and the words a refusal uses. A refusal of an object the caller
named by id reads the same whether the object is missing or belongs elsewhere, so an answer
never tells whether something exists outside the scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from server import engines
from server.errors import NotVisible, OutOfScope

if TYPE_CHECKING:
    from server.jql import Query

ISSUE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]*)$")
ISSUE_ID = re.compile(r"^[1-9][0-9]{0,17}$")
HIDDEN = "(outside scope)"


class ProjectScope:
    """The allowed projects; empty means every project the account can see."""

    def __init__(self, projects: Iterable[str]) -> None:
        self.projects = tuple(dict.fromkeys(p.upper() for p in projects))
        self._allowed = frozenset(self.projects)

    @property
    def enabled(self) -> bool:
        """True when an allowlist is in force."""
        return bool(self._allowed)

    @property
    def listed(self) -> str:
        """The allowed projects as the refusals name them: ``SHOP, OPS``."""
        return ", ".join(self.projects)

    def allows(self, project_key: str | None) -> bool:
        """True when ``project_key`` may be read or written."""
        if not self._allowed:
            return True
        return project_key is not None and project_key.upper() in self._allowed

    def allows_key_prefix(self, key: str) -> bool:
        """False when an issue key's project prefix is plainly outside the scope."""
        match = ISSUE_KEY.match(key)
        return match is None or self.allows(match.group(1))

    def project_refused(self, project: str) -> OutOfScope:
        """The refusal of a project the caller named (naming it tells nothing new)."""
        return OutOfScope(
            f"Project {project} is outside the allowed projects ({self.listed}). Use one of those."
        )

    def issue_refused(self, ref: str) -> OutOfScope:
        """The refusal of an issue key whose own prefix names another project."""
        return OutOfScope(
            f"Issue {ref} is outside the allowed projects ({self.listed}). "
            "Use an issue of one of those projects."
        )

    def not_found(self, kind: str, ref: object) -> NotVisible:
        """Missing or outside the scope: one text for both, so nothing is revealed."""
        where = f", or is outside the allowed projects ({self.listed})" if self.enabled else ""
        what = "key or id" if kind == "issue" else "id"
        return NotVisible(
            f"{kind.capitalize()} {ref} was not found{where}. Check the {kind} {what}, "
            "or search for the one you mean."
        )


@dataclass(frozen=True)
class ScopedQuery:
    """A query parsed once and confined to the allowed projects.

    ``ast`` is the query as written (for lint), ``text`` the scoped query that is sent, shown
    and bound into page tokens. The guard sends no JQL that is not one of these.
    """

    ast: Query
    text: str

    def __str__(self) -> str:
        return self.text


def make_scoped_query(jql: str, scope: ProjectScope) -> ScopedQuery:
    """Parse ``jql`` and confine it; JqlError or ScopeError before anything is sent."""
    query = engines.parse(jql)
    scoped = engines.scope(query, list(scope.projects)) if scope.enabled else query
    return ScopedQuery(ast=query, text=engines.render(scoped))


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
