"""The audit trail of writes: one JSON line per write attempt, at the gateway's choke point.

Every POST, PUT or DELETE the gateway sends (read-only POSTs such as searches aside) is
recorded once it has an outcome: the time, the tool and the MCP session or client that
asked, the issue, the fields touched (by name where the field catalogue is known, never their
values), the create's request id, and the outcome (``ok``, ``unknown`` for a write whose
answer was lost, else the error's class). Lines go to JIRA_AUDIT_LOG (appended, flushed per
line) or, unset, to the normal log stream as ``audit`` events.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from server.logging import get_logger

REQUEST_PROPERTY: Final = "jira-mcp-gateway.request"
_ISSUE_PATH: Final = "/issue/"
# What a write to these endpoints changes, beside the fields its body names.
_PATH_FIELDS: Final = (
    (re.compile(r"/transitions$"), "status"),
    (re.compile(r"/comment(?:/[0-9]+)?$"), "comment"),
    (re.compile(r"/attachments$"), "attachment"),
    (re.compile(r"/issueLink$"), "issuelinks"),
    (re.compile(r"^/rest/api/[23]/issue$"), "created"),
    (re.compile(r"^/rest/agile/1\.0/(?:sprint/[0-9]+|backlog)/issue$"), "sprint"),
)


@dataclass(frozen=True)
class Caller:
    """Who a write is made for: the tool and the MCP session (or client) calling it."""

    tool: str
    session: str | None = None


_CALLER: ContextVar[Caller | None] = ContextVar("audit_caller", default=None)


@contextmanager
def calling(tool: str, session: str | None) -> Iterator[None]:
    """Name the tool and session that the writes inside this block are made for."""
    token = _CALLER.set(Caller(tool, session))
    try:
        yield
    finally:
        _CALLER.reset(token)


class AuditTrail:
    """Writes one line per write attempt; ``field_names`` maps field ids to names (cached)."""

    def __init__(
        self,
        path: Path | None,
        wall: Callable[[], float],
        field_names: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self._path = path
        self._wall = wall
        self.field_names = field_names

    def record(self, method: str, path: str, body: object, outcome: str, answer: object) -> None:
        """Record one write attempt and its outcome."""
        caller = _CALLER.get()
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(self._wall(), UTC).isoformat(timespec="milliseconds"),
            "tool": caller.tool if caller else None,
            "session": caller.session if caller else None,
            "method": method,
            "endpoint": path,
            "issue": _issue_of(path, body, answer),
            "fields": self._fields(path, body),
            "request_id": _request_id(body),
            "outcome": outcome,
        }
        if self._path is None:
            get_logger("audit").info("audit", **entry)
            return
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        with self._path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()

    def _fields(self, path: str, body: object) -> list[str]:
        """The fields a write touches, by name where known; values are never recorded."""
        touched = [name for pattern, name in _PATH_FIELDS if pattern.search(path)]
        for part in ("fields", "update"):
            value = body.get(part) if isinstance(body, Mapping) else None
            if isinstance(value, Mapping):
                touched.extend(str(k) for k in value)
        names = self.field_names()
        return list(dict.fromkeys(names.get(f, f) for f in touched))


def _issue_of(path: str, body: object, answer: object) -> str | None:
    """The issue a write is about: in its path, both of a link's (space-separated), or in a
    create's answer."""
    if _ISSUE_PATH in path:
        rest = path.split(_ISSUE_PATH, 1)[1].split("/", 1)[0]
        if rest and rest not in ("bulkfetch", "createmeta"):
            return rest
    sides = (
        [body.get(side) for side in ("inwardIssue", "outwardIssue")]
        if isinstance(body, Mapping)
        else []
    )
    keys = [str(s.get("key") or s.get("id")) for s in sides if isinstance(s, Mapping)]
    if keys:
        return " ".join(keys)
    if isinstance(answer, Mapping) and isinstance(answer.get("key"), str):
        return str(answer["key"])
    return None


def _request_id(body: object) -> str | None:
    """The request id a create carries as an issue property, if any."""
    properties = body.get("properties") if isinstance(body, Mapping) else None
    for item in properties if isinstance(properties, list) else []:
        if isinstance(item, Mapping) and item.get("key") == REQUEST_PROPERTY:
            value = item.get("value")
            if isinstance(value, Mapping) and isinstance(value.get("id"), str):
                return str(value["id"])
    return None
