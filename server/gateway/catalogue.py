"""The site's JQL names, from cached metadata, shared by every call.

A query naming only system clauses (project, status, assignee, ...) needs no field list; one
naming others is checked against GET /field (which search_jql reads for its columns anyway).
The value lists are read only for the fields the query names: `status = x` needs GET
/status, `priority = x` GET /priority, and so on. Every list is
cached by MetaApi for its TTL (in Redis for every replica, with REDIS_URL), so a second call
within the TTL sends nothing. A catalogue built from the lists is used again while the cache
still holds those very lists, and no longer than the TTL: when Redis expires a list, every
replica's catalogue built from it goes with it. Builds run under a lock: concurrent first
calls wait for one build instead of each sending the same reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import anyio

from server.errors import JiraError

if TYPE_CHECKING:
    from server.gateway.meta import MetaApi
    from server.jql.catalogue import NameCatalogue

CATALOGUE_TTL: Final = 300.0  # seconds; as the field cache: a new status waits at most this
Items = list[dict[str, Any]]


@dataclass(frozen=True)
class _Built:
    """A catalogue, when it was built, and the cached lists it was built from."""

    at: float
    catalogue: NameCatalogue
    sources: dict[str, Items]

    def current(self, lists: dict[str, Items], now: float, ttl: float) -> bool:
        """True while young enough and built from the lists the cache holds now."""
        same = lists.keys() == self.sources.keys() and all(
            lists[name] is self.sources[name] for name in lists
        )
        return same and now - self.at < ttl


class CatalogueCache:
    """NameCatalogues of the site, one per set of value lists, rebuilt when a list was read
    again or after CATALOGUE_TTL."""

    def __init__(self, meta: MetaApi, ttl: float = CATALOGUE_TTL) -> None:
        self.meta = meta
        self.ttl = ttl
        self._lock = anyio.Lock()
        self._built: dict[frozenset[str], _Built] = {}

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
            if values & {"project", "status", "issuetype"}:
                # First: the guard learns project ids from this answer, and needs them to keep
                # the statuses and issue types of in-scope team-managed projects.
                await self.meta.projects()
            # Cached lists: nothing is sent within their TTL.
            lists = await self._read(key)
            hit = self._built.get(key)
            if hit is not None and hit.current(lists, clock.monotonic(), self.ttl):
                return hit.catalogue
            catalogue = build_catalogue(
                fields=lists.get("fields", []),
                values={name: items for name, items in lists.items() if name != "fields"},
            )
            self._built[key] = _Built(clock.monotonic(), catalogue, lists)
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
