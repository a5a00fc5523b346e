"""The request loop: limiter, retries, error mapping and one log event per upstream call."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from server.errors import InvalidResponse, JiraError, WriteOutcomeUnknown
from server.gateway import headers as rate_headers
from server.gateway.audit import AuditTrail
from server.gateway.body import read_capped, stacked_encoding
from server.gateway.clock import Clock
from server.gateway.dialect import CLOUD, Dialect, Wire
from server.gateway.error_mapping import (
    error_from_exception,
    error_from_response,
    file_too_large,
    invalid_json,
    too_large,
)
from server.gateway.error_mapping import stacked_encoding as stacked_encoding_error
from server.gateway.guard import Outbound, ScopeGuard
from server.gateway.limiter import Limiter
from server.gateway.redirects import MAX_REDIRECTS, redirect_request
from server.gateway.retry import RETRY_STATUSES, Backoff, is_safe_to_repeat
from server.gateway.routes import Route
from server.gateway.scope import ProjectScope
from server.logging import get_logger
from server.redact import Redactor

if TYPE_CHECKING:
    # httpx itself is imported with the first request: start-up does not need it.
    import httpx

Json = Any  # what json.loads returns; callers check the shape they rely on

_PER_ISSUE_REASON = "jira-per-issue-on-write"
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
# An error answer is read only for Jira's messages, which fit in far less.
ERROR_BODY_LIMIT = 256 * 1024


@dataclass
class RequestLog:
    """Counts of upstream requests, by "METHOD path", for tests and benchmarks."""

    sent: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Every request sent, retries included."""
        return sum(self.sent.values())


class Observer(Protocol):
    """Told of every request attempt and retry (the server's metrics)."""

    def upstream_call(self, method: str, path: str, status: int | None, waited: float) -> None:
        """One attempt sent; ``status`` None when no answer came."""

    def retry(self) -> None:
        """A request about to be sent again."""


class _NoObserver:
    def upstream_call(self, method: str, path: str, status: int | None, waited: float) -> None:
        """Nobody is told."""

    def retry(self) -> None:
        """Nobody is told."""


@dataclass
class _Retry:
    delay: float


@dataclass(frozen=True)
class Download:
    """A file's bytes as Jira (or its media host) sent them."""

    content: bytes
    content_type: str


@dataclass(frozen=True)
class _Call:
    """One logical request and what is known about repeating it."""

    method: str
    path: str
    params: Mapping[str, str | int] | None
    body: Json
    safe: bool
    # Multipart parts (uploads) and extra headers, sent as they are.
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    headers: Mapping[str, str] | None = None
    # A download: the answer is bytes read up to this many, not JSON.
    download_cap: int | None = None


class JiraHttp:
    """Sends one logical request, retrying only what is safe to repeat."""

    def __init__(
        self,
        make_client: Callable[[], httpx.AsyncClient],
        limiter: Limiter,
        clock: Clock,
        *,
        timeout: float,
        max_retries: int,
        backoff: Backoff | None = None,
        secrets: Sequence[str] = (),
        scope: ProjectScope | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        # Built on the first request: TLS set-up costs tens of milliseconds that a server
        # answering only tools/list (or starting up) should not pay.
        self._make_client = make_client
        self._client: httpx.AsyncClient | None = None
        self._redactor = Redactor(secrets)
        self.limiter = limiter
        self.clock = clock
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self.backoff = backoff or Backoff()
        self.log = RequestLog()
        # The rate-limit headers of the latest answer, for `jira-mcp-gateway check`.
        self.rate_headers: dict[str, str] = {}
        # Every request passes it on the way out and every answer on the way back.
        self.guard = ScopeGuard(scope or ProjectScope(()), self.request, clock)
        self.observer: Observer = _NoObserver()
        # Every write attempt is recorded once its outcome is known.
        self.audit = AuditTrail(None, clock.wall)
        # How requests are said to this site (Cloud's words by default); the gateway sets it
        # to the site's deployment once that is known (``server.gateway.dialect``).
        self.dialect_of: Callable[[], Awaitable[Dialect]] = _cloud

    @property
    def client(self) -> httpx.AsyncClient:
        """The pooled HTTP client, created on first use."""
        if self._client is None:
            self._client = self._make_client()
        return self._client

    async def aclose(self) -> None:
        """Close the pooled connections, if any were opened."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Json = None,
        issue: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Json:
        """Send ``method path`` and return its JSON (None for an empty answer).

        ``issue`` names the issue a write changes, for Jira's per-issue write limit;
        ``files`` are multipart parts (name -> (filename, bytes, media type)).
        Raises a JiraError; for a write whose answer was lost, WriteOutcomeUnknown.
        The scope guard checks the request first and filters the answer before it returns.
        """
        checked, route = await self.guard.outbound(Outbound(method, path, params, body))
        asked = Wire(method, path, checked.params, checked.body)
        dialect = await self._dialect_for(path)
        sent = await dialect.outbound(asked)
        call = _Call(
            sent.method,
            sent.path,
            sent.params,
            sent.body,
            is_safe_to_repeat(sent.method, sent.path),
            files=files,
            headers=headers,
        )
        data = await self._send_guarded(call, issue, route)
        return await self.guard.inbound(route, await dialect.inbound(asked, sent, data))

    async def download(self, path: str, *, max_bytes: int) -> Download:
        """The bytes at ``GET path`` (a file), following a redirect to Atlassian's media host.

        Raises ResponseTooLarge past ``max_bytes``. The guard checks the request like any
        other; the bytes are the file's own and pass no JSON filter.
        """
        checked, route = await self.guard.outbound(Outbound("GET", path))
        dialect = await self._dialect_for(path)
        sent = await dialect.outbound(Wire("GET", path, checked.params))
        call = _Call("GET", sent.path, sent.params, None, safe=True, download_cap=max_bytes)
        data = await self._send_guarded(call, None, route)
        if not isinstance(data, Download):
            raise InvalidResponse(f"Jira sent no file for GET {path}.", method="GET", path=path)
        return data

    async def _dialect_for(self, path: str) -> Dialect:
        """The site's dialect; serverInfo, which tells the deployment, is asked as it is."""
        if path == SERVER_INFO:
            return CLOUD
        return await self.dialect_of()

    async def _send_guarded(self, call: _Call, issue: str | None, route: Route) -> Json:
        try:
            data = await self._send(call, issue)
        except JiraError as exc:
            replacement = self.guard.on_error(route, exc)
            if not call.safe:
                self.audit.record(call.method, call.path, call.body, _outcome(replacement), None)
            if replacement is exc:
                raise
            raise replacement from None
        if not call.safe:
            self.audit.record(call.method, call.path, call.body, "ok", data)
        return data

    async def check(self, method: str, path: str, *, body: Json = None) -> Wire:
        """Run the scope guard's checks on a request without sending it (dry runs), and
        return it as it would be sent to this site."""
        checked, _ = await self.guard.outbound(Outbound(method, path, None, body))
        return await self.as_sent(Wire(method, path, checked.params, checked.body))

    async def as_sent(self, request: Wire) -> Wire:
        """``request`` (in Cloud's words) as this site would be sent it."""
        dialect = await self._dialect_for(request.path)
        return await dialect.outbound(request)

    async def _send(self, call: _Call, issue: str | None) -> Json:
        """Send one checked request, with the limiter and the retries."""
        write_issue = None if call.safe else issue
        attempt = 0
        while True:
            attempt += 1
            async with self.limiter.slot(write_to_issue=write_issue) as waited:
                outcome = await self._attempt(call, attempt, waited)
            if not isinstance(outcome, _Retry):
                return outcome
            self.observer.retry()
            # The slot is released while waiting, so others are not held up by this retry.
            await self.clock.sleep(outcome.delay)

    async def _attempt(self, call: _Call, attempt: int, waited: float) -> Json | _Retry:
        started = self.clock.monotonic()
        self.log.sent[f"{call.method} {call.path}"] += 1
        status: int | None = None
        try:
            with self.clock.timeout(self.timeout):
                async with self.client.stream(
                    call.method,
                    call.path,
                    params=call.params,
                    json=call.body,
                    files=call.files,
                    headers=call.headers,
                ) as response:
                    status = response.status_code
                    if call.download_cap is not None and response.is_redirect:
                        return await self._follow(call, response, attempt, waited, started)
                    body = await self._read_body(call, response)
        except (_httpx().HTTPError, TimeoutError) as exc:
            self._log_call(
                call,
                status=status,
                attempt=attempt,
                waited=waited,
                started=started,
                error=type(exc).__name__,
            )
            return self._after_exception(call, exc, attempt)
        except InvalidResponse as exc:
            # Too large or compressed twice over: the same request would bring the same
            # answer, so it is never retried.
            self._log_call(
                call,
                status=status,
                attempt=attempt,
                waited=waited,
                started=started,
                error=type(exc).__name__,
            )
            raise self._unreadable(call, exc) from None
        self._log_call(
            call,
            status=response.status_code,
            attempt=attempt,
            waited=waited,
            started=started,
            error=None,
        )
        self.log.statuses[response.status_code] += 1
        retry_after = self._observe(response)
        if response.is_success and call.download_cap is not None:
            return Download(body, response.headers.get("content-type", ""))
        if response.is_success:
            return self._decode(call, response.status_code, body)
        return self._after_error_status(call, response.status_code, body, retry_after, attempt)

    async def _follow(
        self, call: _Call, redirect: httpx.Response, attempt: int, waited: float, started: float
    ) -> Download:
        """Follow a download's redirect: to Jira itself with its credentials, to Atlassian's
        media host without them, and nowhere else."""
        self._log_call(
            call,
            status=redirect.status_code,
            attempt=attempt,
            waited=waited,
            started=started,
            error=None,
        )
        self._observe(redirect)
        cap = call.download_cap or 0
        response = redirect
        for _ in range(MAX_REDIRECTS):
            request = redirect_request(self.client, response, call.method, call.path)
            response = await self.client.send(request, stream=True)
            try:
                if response.is_redirect:
                    continue
                if not response.is_success:
                    raise InvalidResponse(
                        f"The file's host answered {response.status_code} for the download. "
                        "Try again later, or open the attachment in Jira.",
                        method=call.method,
                        path=call.path,
                        status=response.status_code,
                    )
                body = await read_capped(response, cap)
                if not body.complete:
                    raise file_too_large(call.method, call.path, response.status_code, cap)
                return Download(body.data, response.headers.get("content-type", ""))
            finally:
                await response.aclose()
        raise InvalidResponse(
            f"The download was redirected more than {MAX_REDIRECTS} times; not followed further.",
            method=call.method,
            path=call.path,
        )

    async def _read_body(self, call: _Call, response: httpx.Response) -> bytes:
        """The decoded body, read as a stream under the size cap.

        A success body past the cap raises ResponseTooLarge; an error body is only cut,
        since its first bytes carry Jira's messages.
        """
        status = response.status_code
        encoding = stacked_encoding(response)
        if call.download_cap is not None and response.is_success:
            body = await read_capped(response, call.download_cap)
            if not body.complete:
                raise file_too_large(call.method, call.path, status, call.download_cap)
            return body.data
        if not response.is_success:
            if encoding is not None:
                return b""  # the status alone says what happened
            cut = min(ERROR_BODY_LIMIT, self.max_response_bytes)
            return (await read_capped(response, cut, keep_cut=True)).data
        if encoding is not None:
            raise stacked_encoding_error(call.method, call.path, status, encoding)
        body = await read_capped(response, self.max_response_bytes)
        if not body.complete:
            raise too_large(call.method, call.path, status, self.max_response_bytes)
        return body.data

    def _unreadable(self, call: _Call, error: InvalidResponse) -> JiraError:
        """``error`` for a read; for a write that succeeded, its outcome is to be settled."""
        self._scrubbed(error)
        if not call.safe and error.status is not None and 200 <= error.status < 300:
            # The write happened but its answer (the new key, say) could not be read.
            return _unknown_outcome(error)
        return error

    def _scrubbed(self, error: JiraError) -> JiraError:
        error.redact(self._redactor.scrub_text)
        return error

    def _after_exception(self, call: _Call, exc: BaseException, attempt: int) -> _Retry:
        error = self._scrubbed(error_from_exception(call.method, call.path, exc, self.timeout))
        httpx = _httpx()
        # Raised before any byte of the request left: a retry cannot duplicate anything.
        not_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        if (call.safe or not_sent) and attempt <= self.max_retries:
            return _Retry(self.backoff.delay(attempt))
        if not call.safe and not not_sent:
            raise _unknown_outcome(error) from exc
        raise error from exc

    def _after_error_status(
        self, call: _Call, status: int, body: bytes, retry_after: float | None, attempt: int
    ) -> _Retry:
        # A 429 means Jira refused the request without acting on it, so even a write may
        # be sent again; a 5xx after a write leaves its outcome unknown.
        may_repeat = call.safe or status == 429
        wait_is_short = retry_after is None or retry_after <= self.backoff.cap
        retryable = status in RETRY_STATUSES and may_repeat and wait_is_short
        if retryable and attempt <= self.max_retries:
            return _Retry(self.backoff.delay(attempt, retry_after))
        scrub = self._redactor.scrub_text
        error = self._scrubbed(
            error_from_response(call.method, call.path, status, body, retry_after, scrub=scrub)
        )
        if not call.safe and status >= 500:
            raise _unknown_outcome(error)
        raise error

    def _observe(self, response: httpx.Response) -> float | None:
        """Feed the limiter what Jira said about its limits; return any Retry-After."""
        headers = response.headers
        now = self.clock.wall()
        self.rate_headers = {
            name: headers[name]
            for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "ratelimit-reason")
            if name in headers
        }
        retry_after = rate_headers.retry_after_seconds(headers, now)
        reason = headers.get("ratelimit-reason", "")
        if response.status_code == 429 and reason == _PER_ISSUE_REASON:
            issue = _issue_in(response.request.url.path)
            if issue is not None:
                self.limiter.delay_issue_writes(issue, retry_after if retry_after else 2.0)
                return retry_after
        if retry_after is not None and response.status_code in RETRY_STATUSES:
            self.limiter.pause_all(max(retry_after, self.backoff.floor))
        self.limiter.observe_remaining(
            rate_headers.number(headers, "x-ratelimit-limit"),
            rate_headers.number(headers, "x-ratelimit-remaining"),
            rate_headers.reset_in_seconds(headers, now),
        )
        return retry_after

    def _decode(self, call: _Call, status: int, content: bytes) -> Json:
        if not content.strip():
            return None
        try:
            data = json.loads(content)
        except ValueError:
            error = invalid_json(
                call.method,
                call.path,
                status,
                content,
                scrub=self._redactor.scrub_text,
            )
            raise self._scrubbed(error) from None
        # Scrubbed before any tool cuts, escapes or renders a value: a secret that Jira's
        # content holds is then matched whole.
        return self._redactor.scrub_value(data)

    def _log_call(
        self,
        call: _Call,
        *,
        status: int | None,
        attempt: int,
        waited: float,
        started: float,
        error: str | None,
    ) -> None:
        self.observer.upstream_call(call.method, call.path, status, waited)
        get_logger("gateway").info(
            "jira_call",
            method=call.method,
            path=call.path,
            status=status,
            attempt=attempt,
            waited_ms=round(waited * 1000, 1),
            elapsed_ms=round((self.clock.monotonic() - started) * 1000, 1),
            error=error,
        )


# The one request whose path is the same on every Jira, and that says which Jira it is.
SERVER_INFO = "/rest/api/2/serverInfo"


async def _cloud() -> Dialect:
    return CLOUD


def _outcome(error: JiraError) -> str:
    """A write's outcome for the audit trail: ``unknown`` when its answer was lost."""
    return "unknown" if isinstance(error, WriteOutcomeUnknown) else type(error).__name__


def _httpx() -> Any:
    import httpx  # noqa: PLC0415  # see the TYPE_CHECKING import above

    return httpx


def _unknown_outcome(error: JiraError) -> WriteOutcomeUnknown:
    unknown = WriteOutcomeUnknown(
        "The write was sent but its answer was lost; it may or may not have happened. "
        "Read before writing again.",
        method=error.method,
        path=error.path,
        status=error.status,
    )
    unknown.cause = error
    return unknown


def _issue_in(path: str) -> str | None:
    """The issue key or id in /rest/api/N/issue/{key}/..., if any."""
    parts = path.strip("/").split("/")
    if len(parts) >= 5 and parts[:2] == ["rest", "api"] and parts[3] == "issue":
        return parts[4] if parts[4] not in ("bulkfetch", "createmeta", "") else None
    return None
