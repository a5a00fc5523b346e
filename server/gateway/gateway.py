"""JiraGateway: the typed Jira calls every tool goes through.

One instance per process owns the pooled HTTP client and the shared rate limiter
(``JiraGateway.open`` is an async context manager the server lifespan enters once); with
REDIS_URL the limiter, the page-cursor key and the metadata caches are shared by the replicas
(``sharing``).
Scope is not checked here: every request these methods send passes the scope guard
(``server.gateway.guard``) inside ``JiraHttp.request``, and so does every answer.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import anyio

from server import engines
from server.config import Settings
from server.errors import BadRequest, InvalidResponse, JiraError
from server.gateway import dc_jql, dc_search
from server.gateway.agile import AgileApi
from server.gateway.attachments import AttachmentsApi
from server.gateway.audit import AuditTrail
from server.gateway.catalogue import CatalogueCache
from server.gateway.clock import Clock, SystemClock
from server.gateway.core import JiraHttp, Json
from server.gateway.datacenter import datacenter_dialect
from server.gateway.dialect import CLOUD, Dialect, Wire
from server.gateway.issues import IssuesApi
from server.gateway.meta import MetaApi
from server.gateway.retry import Backoff
from server.gateway.scope import ProjectScope, ScopedQuery, make_scoped_query
from server.gateway.sharing import HealthProblem, Sharing, sharing

if TYPE_CHECKING:
    import httpx

    from server.jql.names import NameFinding

PROPERTY_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")
BULK_BATCH = 100  # /issue/bulkfetch takes at most 100 ids or keys per call
MAX_PAGE = 100


@dataclass(frozen=True)
class SearchPage:
    """One page of a search, as Jira returned it."""

    issues: list[dict[str, Any]]
    next_page_token: str | None
    jql: str
    names: dict[str, str] = field(default_factory=dict)
    # How many issues match, when Jira says so with the page (Data Center's ``total``; the
    # first page's is the query's own, later ones count the result frozen at the first).
    total: int | None = None

    @property
    def is_last(self) -> bool:
        """True when no page follows."""
        return self.next_page_token is None


@dataclass(frozen=True)
class BulkResult:
    """Issues of a bulk fetch in the order asked, and what did not come back."""

    issues: list[dict[str, Any]]
    not_found: list[str]
    denied: list[str]
    errors: list[str] = field(default_factory=list)


class JiraGateway:
    """Typed Jira calls through one rate-limited, retrying, scope-checking HTTP client."""

    def __init__(self, settings: Settings, http: JiraHttp, shared: Sharing | None = None) -> None:
        self.settings = settings
        self.http = http
        shared = shared or Sharing(http.limiter, secrets.token_bytes(32))
        # Signs the page tokens search_jql hands out (shared by the replicas with REDIS_URL).
        self.cursor_key = shared.cursor_key
        # Why /healthz should say "degraded" (Redis lost), or None.
        self.health_problem: HealthProblem = shared.health_problem
        self.scope = ProjectScope(settings.jira_projects)
        # The metadata caches: in Redis for every replica with REDIS_URL, else in process.
        self.meta = MetaApi(http, settings.jira_deployment, shared.cache)
        self.agile = AgileApi(http, self.scope)
        self.attachments = AttachmentsApi(http, http.clock, self.meta.deployment)
        self.catalogue = CatalogueCache(self.meta)
        self.issues = IssuesApi(http, self.meta)
        # The guard reads field schemas to tell which write values name other objects.
        http.guard.field_catalogue = self.meta.fields
        http.audit = AuditTrail(settings.jira_audit_log, http.clock.wall, self.meta.field_names)
        self._datacenter: Dialect | None = None
        http.dialect_of = self._dialect

    async def _dialect(self) -> Dialect:
        """How requests are said to this site: Cloud's words, or Data Center's."""
        if await self.meta.deployment() == "cloud":
            return CLOUD
        if self._datacenter is None:
            self._datacenter = datacenter_dialect(self.meta)
        return self._datacenter

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        asgi_app: object | None = None,
        clock: Clock | None = None,
        backoff: Backoff | None = None,
    ) -> AsyncIterator[JiraGateway]:
        """Open the process's gateway; ``asgi_app`` serves Jira in-process (the sandbox)."""
        clock = clock or SystemClock()

        def make_client() -> httpx.AsyncClient:
            # Imported on first use, so that starting the server does not load httpx.
            from server.gateway.client import asgi_transport, build_client  # noqa: PLC0415

            used = asgi_transport(asgi_app) if asgi_app is not None else transport
            return build_client(settings, transport=used)

        async with sharing(settings, clock) as shared:
            http = JiraHttp(
                make_client,
                shared.limiter,
                clock,
                timeout=settings.jira_timeout,
                max_retries=settings.jira_max_retries,
                backoff=backoff,
                secrets=settings.secret_forms(),
                scope=ProjectScope(settings.jira_projects),
                max_response_bytes=settings.jira_max_response_bytes,
            )
            try:
                yield cls(settings, http, shared)
            finally:
                await http.aclose()

    # -- search -------------------------------------------------------------------------

    def query(self, jql: str | ScopedQuery) -> ScopedQuery:
        """The query that will really run: parsed once, scoped to JIRA_PROJECTS.

        Raises JqlError (unparsable) or ScopeError (names a forbidden project or key)
        before anything is sent. Its ``text`` is what searches, counts and page tokens use.
        """
        return jql if isinstance(jql, ScopedQuery) else make_scoped_query(jql, self.scope)

    async def search_page(
        self,
        jql: str | ScopedQuery,
        *,
        fields: Sequence[str] = ("id",),
        max_results: int = 50,
        next_page_token: str | None = None,
        names: bool = False,
    ) -> SearchPage:
        """One page of the scoped query: ``POST /rest/api/3/search/jql`` on Cloud, and on
        Data Center ``POST /rest/api/2/search``, whose page token is a place that neither
        repeats nor skips issues while the result changes (``dc_paging``)."""
        query = self.query(jql)
        page_size = max(1, min(MAX_PAGE, max_results))
        if await self.meta.deployment() == "datacenter":
            asked = dc_search.PageRequest(query, fields, page_size, names)
            found = await dc_search.page(
                self.http, asked, next_page_token, now=self.http.clock.wall(), zone_of=self._zone
            )
            return SearchPage(found.issues, found.next_token, query.text, found.names, found.total)
        body: dict[str, Any] = {
            "jql": query,
            "fields": list(dict.fromkeys(fields)),
            "maxResults": page_size,
        }
        if next_page_token:
            body["nextPageToken"] = next_page_token
        if names:
            body["expand"] = "names"
        data = await self.http.request("POST", "/rest/api/3/search/jql", body=body)
        if not isinstance(data, dict):
            raise InvalidResponse("Jira's search answer was not a page of issues. Try again.")
        # Never more rows than asked, whatever a broken upstream sends.
        issues = self._issue_list(data, "issues", "/rest/api/3/search/jql")[:page_size]
        token = data.get("nextPageToken")
        is_last = bool(data.get("isLast", token is None))
        return SearchPage(
            issues=issues,
            next_page_token=None if is_last or not token else str(token),
            jql=query.text,
            names=dict(data.get("names") or {}),
        )

    async def _zone(self, ask: bool) -> tzinfo | None:
        """The account's time zone, in which Jira reads JQL dates; None when unknown.

        Without ``ask`` only an account already read counts (no request).
        """
        known = self.meta.known_myself()
        try:
            account = known if known is not None or not ask else await self.meta.myself()
        except JiraError:
            return None  # pages stay exact by their anchors, only not frozen
        name = account.get("timeZone") if account else None
        try:
            return ZoneInfo(name) if isinstance(name, str) and name else None
        except (ZoneInfoNotFoundError, ValueError):
            return None

    async def search_all(
        self, jql: str | ScopedQuery, *, fields: Sequence[str] = ("id",), page_size: int = MAX_PAGE
    ) -> AsyncIterator[SearchPage]:
        """Every page of a search, one after the other."""
        token: str | None = None
        query = self.query(jql)
        while True:
            page = await self.search_page(
                query, fields=fields, max_results=page_size, next_page_token=token
            )
            yield page
            if page.next_page_token is None:
                return
            token = page.next_page_token

    async def approximate_count(self, jql: str | ScopedQuery) -> int:
        """Jira's approximate number of issues matching the scoped query (on Data Center the
        exact ``total`` of a search for no issues)."""
        if await self.meta.deployment() == "datacenter":
            return await dc_search.count(self.http, self.query(jql))
        data = await self.http.request(
            "POST", "/rest/api/3/search/approximate-count", body={"jql": self.query(jql)}
        )
        count = data.get("count") if isinstance(data, dict) else None
        if not isinstance(count, int):
            raise InvalidResponse("Jira's approximate count had no number in it.")
        return count

    async def parse_jql(
        self, queries: Sequence[str | ScopedQuery], validation: str = "strict"
    ) -> list[dict[str, Any]]:
        """Jira's own verdict on each scoped query (``POST /rest/api/3/jql/parse``; on Data
        Center, which has none, a validated search for no issues per query)."""
        if await self.meta.deployment() == "datacenter":
            return await dc_jql.verdicts(self.http, [self.query(q) for q in queries])
        data = await self.http.request(
            "POST",
            "/rest/api/3/jql/parse",
            params={"validation": validation},
            body={"queries": [self.query(q) for q in queries]},
        )
        return self._issue_list(data, "queries", "/rest/api/3/jql/parse")

    async def check_names(self, jql: str) -> list[NameFinding]:
        """Fields, functions, values and operators of ``jql`` the site does not have, each
        with its position and what to write instead; from the cached catalogue, so only the
        first call per TTL reads metadata. Raises JqlError for a query that does not parse.
        """
        query, locations = engines.parse_located(jql)
        wanted = engines.value_fields(query)
        if self.scope.enabled:
            # Under a scope the projects are the allowlist's, and its refusal names them.
            wanted -= {"project"}
        try:
            catalogue = await self.catalogue.get(wanted, fields=engines.needs_field_list(query))
        except JiraError:
            # Names are a courtesy check: a site whose metadata cannot be read is searched
            # anyway, and Jira's own answer says what is wrong.
            return []
        return engines.check(query, locations, catalogue)

    # -- issues -------------------------------------------------------------------------

    async def bulk_fetch(
        self,
        keys: Sequence[str],
        *,
        fields: Sequence[str],
        on_batch: Callable[[int, int], Awaitable[None]] | None = None,
    ) -> BulkResult:
        """Issues by key or id, in the order asked; batches of 100 sent concurrently
        (on Data Center as ``issuekey in (...)`` searches).

        Keys whose own prefix names a project outside the scope are denied without a
        request; issues the guard withholds (another project, or moved there) come back as
        not found, exactly like missing ones.
        """
        wanted = list(dict.fromkeys(k.strip().upper() for k in keys if k.strip()))
        denied = [k for k in wanted if not self.scope.allows_key_prefix(k)]
        asked = [k for k in wanted if k not in denied]
        batches = [asked[i : i + BULK_BATCH] for i in range(0, len(asked), BULK_BATCH)]
        wanted_fields = list(dict.fromkeys(fields))
        found: list[dict[str, Any]] = []
        errors: list[str] = []
        done = 0

        failures: list[JiraError] = []
        # Asked only when something will be sent: denied keys alone cost no request.
        datacenter = bool(batches) and await self.meta.deployment() == "datacenter"

        async def fetch(batch: list[str]) -> None:
            nonlocal done
            try:
                issues, batch_errors = await self._fetch_batch(batch, wanted_fields, datacenter)
            except JiraError as exc:
                # Kept, not raised: a task group would wrap it in an ExceptionGroup.
                failures.append(exc)
                return
            found.extend(issues[: len(batch)])  # never more than asked
            errors.extend(batch_errors)
            done += 1
            if on_batch is not None:
                await on_batch(done, len(batches))

        # Concurrent within the shared limiter: the limiter, not this loop, sets the pace.
        async with anyio.create_task_group() as group:
            for batch in batches:
                group.start_soon(fetch, batch)
        if failures:
            raise failures[0]
        result = self._order_bulk(wanted, asked, denied, found)
        return BulkResult(result.issues, result.not_found, result.denied, errors)

    async def _fetch_batch(
        self, batch: list[str], fields: list[str], datacenter: bool
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """One batch of a bulk fetch: Cloud's ``/issue/bulkfetch``, or on Data Center an
        ``issuekey in (...)`` search (Data Center has no bulk fetch)."""
        if datacenter:
            query = self.query(dc_search.keys_query(batch))
            return await dc_search.by_keys(self.http, query, len(batch), fields), []
        body = {"issueIdsOrKeys": batch, "fields": fields}
        data = await self.http.request("POST", "/rest/api/3/issue/bulkfetch", body=body)
        return self._issue_list(data, "issues", "/rest/api/3/issue/bulkfetch"), _issue_errors(data)

    @staticmethod
    def _order_bulk(
        wanted: list[str],
        asked: list[str],
        denied: list[str],
        found: list[dict[str, Any]],
    ) -> BulkResult:
        by_ref: dict[str, dict[str, Any]] = {}
        for issue in found:
            by_ref[str(issue.get("key", "")).upper()] = issue
            by_ref[str(issue.get("id", ""))] = issue
        issues: list[dict[str, Any]] = []
        not_found: list[str] = []
        seen: set[str] = set()
        for ref in asked:
            match = by_ref.get(ref)
            if match is None:
                not_found.append(ref)
            elif str(match.get("id")) not in seen:
                seen.add(str(match.get("id")))
                issues.append(match)
        return BulkResult(issues, not_found, [k for k in wanted if k in set(denied)])

    async def get_issue(
        self, key: str, *, fields: Sequence[str] = ("summary", "status"), expand: str = ""
    ) -> dict[str, Any]:
        """One issue (``GET /issue/{key}``); outside the scope it answers "not found"."""
        params: dict[str, str | int] = {"fields": ",".join(dict.fromkeys([*fields, "project"]))}
        if expand:
            params["expand"] = expand
        data = await self.http.request("GET", f"/rest/api/3/issue/{key}", params=params)
        if not isinstance(data, dict):
            raise InvalidResponse(f"Jira's answer for issue {key} was not an issue.")
        return data

    async def create_issue(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``POST /rest/api/3/issue``. Raises WriteOutcomeUnknown when the answer is lost."""
        data = await self.http.request("POST", "/rest/api/3/issue", body=payload)
        if not isinstance(data, dict) or "key" not in data:
            raise InvalidResponse("Jira accepted the create but did not say which issue it made.")
        return data

    async def preflight(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Check a write as if it were sent (scope, references), sending nothing: dry runs
        refuse exactly what the real write would, and show the request as this site would
        be sent it (on Data Center: its v2 path, wiki markup, users by name)."""
        return _shown(await self.http.check(method, path, body=body))

    async def as_sent(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """The request as this site would be sent it, without the checks (nothing to check)."""
        return _shown(await self.http.as_sent(Wire(method, path, None, body)))

    async def get_issue_property(self, key: str, property_key: str) -> Json:
        """An issue property's value (``GET /issue/{key}/properties/{propertyKey}``)."""
        if not PROPERTY_KEY.match(property_key):
            raise BadRequest(
                f"{property_key!r} is not an issue property key (letters, digits, . - _)."
            )
        data = await self.http.request("GET", f"/rest/api/3/issue/{key}/properties/{property_key}")
        return data.get("value") if isinstance(data, dict) else None

    async def transitions(self, key: str, *, with_fields: bool = True) -> list[dict[str, Any]]:
        """The transitions available to the issue, with their screen fields."""
        params: dict[str, str | int] = {"expand": "transitions.fields"} if with_fields else {}
        data = await self.http.request("GET", f"/rest/api/3/issue/{key}/transitions", params=params)
        return self._issue_list(data, "transitions", f"/rest/api/3/issue/{key}/transitions")

    async def do_transition(self, key: str, body: dict[str, Any]) -> None:
        """Perform a transition (``POST /issue/{key}/transitions``, 204)."""
        await self.http.request(
            "POST", f"/rest/api/3/issue/{key}/transitions", body=body, issue=key
        )

    async def add_comment(self, key: str, adf_body: dict[str, Any]) -> dict[str, Any]:
        """Add a comment whose body is an ADF document."""
        data = await self.http.request(
            "POST", f"/rest/api/3/issue/{key}/comment", body={"body": adf_body}, issue=key
        )
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _issue_list(data: Json, name: str, path: str) -> list[dict[str, Any]]:
        items = data.get(name) if isinstance(data, dict) else None
        if items is None:
            return []
        if not isinstance(items, list):
            raise InvalidResponse(f"Jira's answer to {path} had no list of {name}.")
        return [item for item in items if isinstance(item, dict)]


def _shown(request: Wire) -> dict[str, Any]:
    """A request as a dry run shows it."""
    return {"method": request.method, "path": request.path, "body": request.body}


def _issue_errors(data: Json) -> list[str]:
    """Jira's issueErrors of a bulk fetch, as text."""
    raw = data.get("issueErrors") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return []
    texts: list[str] = []
    for item in raw:
        if isinstance(item, dict):
            messages = item.get("errorMessages") or [item.get("message") or str(item)]
            texts.extend(str(m) for m in messages)
        else:
            texts.append(str(item))
    return texts
