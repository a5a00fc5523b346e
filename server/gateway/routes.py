"""What each Jira endpoint names: the route table the scope guard reads.

Every request the gateway sends must match one of these routes; a request that matches none
is refused before it leaves (a new endpoint needs a route, and so a scope rule, first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a request reads or writes, for the scope rules."""

    ISSUE = "issue"  # /issue/{ref}
    ISSUE_PART = "issue_part"  # /issue/{ref}/transitions, /comment, /properties/...
    CREATE = "create"  # POST /issue
    BULK = "bulk"  # POST /issue/bulkfetch
    SEARCH = "search"  # /search/jql; on Data Center POST /rest/api/2/search
    COUNT = "count"  # /search/approximate-count
    PARSE = "parse"  # /jql/parse
    CREATEMETA = "createmeta"  # /issue/createmeta/{project}/...
    PROJECT = "project"  # /project/{ref}
    PROJECTS = "projects"  # /project, /project/search
    SITE = "site"  # fields, priorities, resolutions, users, myself, serverInfo
    SCOPED_LIST = "scoped_list"  # /status, /issuetype: items may belong to one project
    LINK = "link"  # POST /issueLink
    LINK_ID = "link_id"  # /issueLink/{id}
    VERSION = "version"  # /version/{id}
    COMPONENT = "component"  # /component/{id}
    BOARDS = "boards"  # /board
    BOARD = "board"  # /board/{id}
    BOARD_PART = "board_part"  # /board/{id}/configuration, /sprint, /issue
    SPRINT = "sprint"  # /sprint/{id}
    SPRINT_PART = "sprint_part"  # /sprint/{id}/issue (read, or an Agile move into it)
    BACKLOG = "backlog"  # POST /backlog/issue (an Agile move out of sprints)
    PROJECT_PART = "project_part"  # /project/{ref}/role, /project/{ref}/statuses
    ATTACHMENT = "attachment"  # /attachment/{id}, /attachment/content/{id}, /secure/attachment/


@dataclass(frozen=True)
class Route:
    """A matched request: its kind and the object reference in its path, if any."""

    kind: Kind
    ref: str = ""


_API = r"/rest/api/[23]"
_AGILE = r"/rest/agile/1\.0"
_SEGMENT = r"(?P<ref>[^/]+)"
_NUMBER = r"(?P<ref>[0-9]+)"
_READ = frozenset({"GET"})
# A file name as the gateway writes it into a path: no separators, escapes or spaces.
SAFE_FILENAME = r"[A-Za-z0-9._-]+"
_ANY = frozenset({"GET", "POST", "PUT", "DELETE"})

# Order matters: the fixed paths under /issue come before /issue/{ref}.
_TABLE: tuple[tuple[frozenset[str], str, Kind], ...] = (
    (frozenset({"POST"}), rf"{_API}/issue", Kind.CREATE),
    (frozenset({"POST"}), rf"{_API}/issue/bulkfetch", Kind.BULK),
    (_READ, rf"{_API}/issue/createmeta/{_SEGMENT}/issuetypes(?:/[0-9]+)?", Kind.CREATEMETA),
    (_ANY, rf"{_API}/issue/{_SEGMENT}", Kind.ISSUE),
    (_ANY, rf"{_API}/issue/{_SEGMENT}/[A-Za-z]+(?:/[A-Za-z0-9_.-]+)?", Kind.ISSUE_PART),
    (frozenset({"GET", "POST"}), rf"{_API}/search/jql", Kind.SEARCH),
    (frozenset({"POST"}), r"/rest/api/2/search", Kind.SEARCH),  # Data Center's search
    (frozenset({"POST"}), rf"{_API}/search/approximate-count", Kind.COUNT),
    (frozenset({"POST"}), rf"{_API}/jql/parse", Kind.PARSE),
    (_READ, rf"{_API}/project(?:/search)?", Kind.PROJECTS),
    (_READ, rf"{_API}/project/{_SEGMENT}", Kind.PROJECT),
    (_READ, rf"{_API}/project/{_SEGMENT}/(?:role|statuses)", Kind.PROJECT_PART),
    (_READ, rf"{_API}/(?:status|issuetype)", Kind.SCOPED_LIST),
    (
        _READ,
        rf"{_API}/(?:field|priority|resolution|myself|serverInfo|user/search|issueLinkType)",
        Kind.SITE,
    ),
    (frozenset({"POST"}), rf"{_API}/issueLink", Kind.LINK),
    (frozenset({"GET", "DELETE"}), rf"{_API}/issueLink/{_NUMBER}", Kind.LINK_ID),
    (_READ, rf"{_API}/attachment/(?:content/)?{_NUMBER}", Kind.ATTACHMENT),
    # Data Center's attachment content (the ``content`` link of its attachments).
    (_READ, rf"/secure/attachment/{_NUMBER}/{SAFE_FILENAME}", Kind.ATTACHMENT),
    (_READ, rf"{_API}/version/{_NUMBER}", Kind.VERSION),
    (_READ, rf"{_API}/component/{_NUMBER}", Kind.COMPONENT),
    (_READ, rf"{_AGILE}/board", Kind.BOARDS),
    (_READ, rf"{_AGILE}/board/{_NUMBER}", Kind.BOARD),
    (_READ, rf"{_AGILE}/board/{_NUMBER}/(?:configuration|sprint|issue)", Kind.BOARD_PART),
    (_READ, rf"{_AGILE}/sprint/{_NUMBER}", Kind.SPRINT),
    (frozenset({"GET", "POST"}), rf"{_AGILE}/sprint/{_NUMBER}/issue", Kind.SPRINT_PART),
    (frozenset({"POST"}), rf"{_AGILE}/backlog/issue", Kind.BACKLOG),
)
_COMPILED = tuple((methods, re.compile(pattern), kind) for methods, pattern, kind in _TABLE)
# Segments and characters that a client or proxy could turn into another path.
_UNSAFE = re.compile(r"(?:^|/)\.{1,2}(?:/|$)|[%\\?#\s]|//")


def is_unsafe(path: str) -> bool:
    """True for a path that a client or proxy could rewrite into another one."""
    return bool(_UNSAFE.search(path))


def match(method: str, path: str) -> Route | None:
    """The route of ``method path``; None for a path that is unsafe or unknown."""
    if is_unsafe(path):
        return None
    for methods, pattern, kind in _COMPILED:
        found = pattern.fullmatch(path)
        if found and method in methods:
            return Route(kind, found.groupdict().get("ref") or "")
    return None
