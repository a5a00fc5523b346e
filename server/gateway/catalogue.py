"""The site's JQL names, from cached metadata, shared by every call.

A query naming only system clauses (project, status, assignee, ...) needs no field list; one
naming others is checked against GET /field (which search_jql reads for its columns anyway).
The value lists are read only for the fields the query names: `status = x` needs GET
/status, `priority = x` GET /priority, and so on. Every list is
cached by MetaApi for its TTL, and each catalogue built from them is kept for the same time,
so a second call within the TTL sends nothing. Builds run under a lock: concurrent first
calls wait for one build instead of each sending the same reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

import anyio

from server.errors import JiraError

if TYPE_CHECKING:
    from server.gateway.meta import MetaApi
    from server.jql.catalogue import NameCatalogue

CATALOGUE_TTL: Final = 300.0  # seconds; as the field cache: a new status waits at most this
Items = list[dict[str, Any]]


class CatalogueCache:
    """NameCatalogues of the site, one per set of value lists, rebuilt after CATALOGUE_TTL."""

    def __init__(self, meta: MetaApi, ttl: float = CATALOGUE_TTL) -> None:
        self.meta = meta
        self.ttl = ttl
        self._lock = anyio.Lock()
        self._built: dict[frozenset[str], tuple[float, NameCatalogue]] = {}

    async def get(
        self, values: frozenset[str] = frozenset(), *, fields: bool = True
    ) -> NameCatalogue:
        """The value lists named in ``values`` ("status", "project", ...), and the field
        list unless ``fields`` is False (the system clauses are known without it)."""
        # Imported on first use: the JQL engine is not needed to start the server.
        from server.jql.catalogue import build_catalogue  # noqa: PLC0415

        clock = self.meta.http.clock
        async with self._lock:
            key = values | {"fields"} if fields else values
            hit = self._built.get(key)
            if hit is not None and clock.monotonic() - hit[0] < self.ttl:
                return hit[1]
            if values & {"project", "status", "issuetype"}:
                # First: the guard learns project ids from this answer, and needs them to keep
                # the statuses and issue types of in-scope team-managed projects.
                await self.meta.projects()
            lists = await self._read(key)
            catalogue = build_catalogue(fields=lists.pop("fields", []), values=lists)
            self._built[key] = (clock.monotonic(), catalogue)
            return catalogue

    async def _read(self, values: frozenset[str]) -> dict[str, Items]:
        """The wanted lists ("fields" for the field list), read concurrently."""
        reads: dict[str, Callable[[], Awaitable[Items]]] = {
            "fields": self.meta.fields,
            "project": self.meta.projects,
            "status": self.meta.statuses,
            "priority": self.meta.priorities,
            "issuetype": self.meta.issuetypes,
            "resolution": self.meta.resolutions,
        }
        wanted = [name for name in reads if name in values]
        found: dict[str, Items] = {}
        failures: list[JiraError] = []

        async def read(name: str) -> None:
            try:
                found[name] = await reads[name]()
            except JiraError as exc:
                # Kept, not raised: a task group would wrap it in an ExceptionGroup.
                failures.append(exc)

        async with anyio.create_task_group() as group:
            for name in wanted:
                group.start_soon(read, name)
        if failures:
            raise failures[0]
        return found
