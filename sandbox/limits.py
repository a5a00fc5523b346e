"""Jira's rate limits at the sandbox's edge.

On Cloud, two limits, both answering 429 the way Jira does (Retry-After, X-RateLimit-*,
RateLimit-Reason): a token bucket per credential (`jira-burst-based`) and a sliding window of
writes per issue (`jira-per-issue-on-write`, Atlassian's 20 writes per 2 seconds by default).

On Data Center, where an administrator may turn rate limiting on, one token bucket per user
and its own headers: X-RateLimit-Limit (the bucket's size), X-RateLimit-Remaining,
X-RateLimit-Interval-Seconds, X-RateLimit-FillRate and Retry-After; no RateLimit-Reason, no
X-RateLimit-Reset and no per-issue window (Atlassian's Data Center "Improving instance
stability with rate limiting" and its HTTP headers page).

Time comes from `config.clock`, so tests move it by hand.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.config import SandboxConfig

# Epoch seconds as floats carry ~1e-7 s of rounding: 0.1 s at 10/s may come out as 0.99999;
# a hair of slack counts that as the full token it is.
EPSILON = 1e-6
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POSTs that only read: their bodies carry a query, not a change.
READ_ONLY_POST = re.compile(
    r"^/rest/api/(?:2|3|latest)/(?:search(?:/jql|/approximate-count|/id)?|issue/bulkfetch"
    r"|jql/(?:parse|autocompletedata|match|sanitize|pdcleaner)|expression/eval(?:uate)?)/?$"
)
# Only paths naming one issue count against that issue; ids or keys like PROJ-12.
ISSUE_WRITE = re.compile(
    r"^/rest/api/(?:2|3|latest)/issue/(?P<issue>\d+|[A-Za-z][A-Za-z0-9_]*-\d+)(?:/.*)?$"
)


def is_write(method: str, path: str) -> bool:
    """Whether a request changes data (a POST that only reads is not a write)."""
    return method in WRITE_METHODS and not (method == "POST" and READ_ONLY_POST.match(path))


def written_issue(method: str, path: str) -> str | None:
    """The issue id or key a write request names, if it names one."""
    match = ISSUE_WRITE.match(path)
    return match["issue"] if match and method in WRITE_METHODS else None


def iso_utc(timestamp: float) -> str:
    """An instant as Jira's X-RateLimit-Reset writes it: 2026-01-01T01:01:01Z."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def datacenter_headers(bucket: TokenBucket) -> dict[str, str]:
    """Data Center's rate-limit headers for a user's bucket."""
    return {
        "X-RateLimit-Limit": f"{bucket.capacity:g}",
        "X-RateLimit-Remaining": str(bucket.remaining),
        "X-RateLimit-Interval-Seconds": "1",
        "X-RateLimit-FillRate": f"{bucket.rate:g}",
    }


def datacenter_too_many(wait: float, bucket: TokenBucket) -> JSONResponse:
    """Data Center's 429: its own headers, and Retry-After in whole seconds (at least 1)."""
    headers = {**datacenter_headers(bucket), "Retry-After": str(max(1, math.ceil(wait)))}
    body = {"errorMessages": ["Rate limit exceeded."], "errors": {}}
    return JSONResponse(body, status_code=429, headers=headers)


def too_many_requests(wait: float, now: float, limit: float, reason: str) -> JSONResponse:
    """Jira's 429, with Retry-After in whole seconds (at least 1)."""
    retry_after = max(1, math.ceil(wait))
    headers = {
        "Retry-After": str(retry_after),
        "X-RateLimit-Limit": f"{limit:g}",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": iso_utc(now + retry_after),
        "RateLimit-Reason": reason,
    }
    body = {"errorMessages": ["Rate limit exceeded."], "errors": {}}
    return JSONResponse(body, status_code=429, headers=headers)


class TokenBucket:
    """`capacity` tokens, refilled at `rate` per second; one request takes one token."""

    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = float(capacity)
        self.stamp = now

    def _refill(self, now: float) -> None:
        # A clock that steps back (a test rewinding it) must not mint tokens.
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(float(self.capacity), self.tokens + elapsed * self.rate)
        self.stamp = max(self.stamp, now)

    def take(self, now: float) -> bool:
        """Take a token if one is there."""
        self._refill(now)
        if self.tokens >= 1 - EPSILON:
            self.tokens = max(0.0, self.tokens - 1)
            return True
        return False

    def wait(self, now: float) -> float:
        """Seconds until the next token."""
        self._refill(now)
        return max(0.0, (1 - self.tokens) / self.rate)

    @property
    def remaining(self) -> int:
        """Whole requests left right now."""
        return math.floor(self.tokens + EPSILON)


class WriteWindow:
    """At most `limit` writes per issue in any `window` seconds (a sliding log)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.log: dict[str, deque[float]] = {}

    def admit(self, issue: str, now: float) -> float:
        """Record a write and return 0, or return the seconds until one is allowed."""
        stamps = self.log.setdefault(issue, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return stamps[0] + self.window - now
        stamps.append(now)
        return 0.0


def _issue_resolver(site: object | None) -> Callable[[str], str]:
    """Map an id or key to one name per issue, through the site when it can tell."""
    find = getattr(site, "find_issue", None)

    def resolve(id_or_key: str) -> str:
        issue = find(id_or_key) if callable(find) else None
        key = getattr(issue, "key", None)
        return key.upper() if isinstance(key, str) else id_or_key.upper()

    return resolve


class RateLimitMiddleware:
    """Applies the per-credential bucket, then the per-issue write window."""

    def __init__(self, app: ASGIApp, config: SandboxConfig, site: object | None = None) -> None:
        self.app = app
        self.clock = config.clock
        self.rate = config.rate_limit
        self.burst = config.burst
        self.counters = config.counters
        self.buckets: dict[str, TokenBucket] = {}
        # Times of the requests admitted within the last second (for busiest_second).
        self.recent: deque[float] = deque()
        self.datacenter = config.deployment == "datacenter"
        # Data Center has no per-issue write window.
        per_issue = None if self.datacenter else config.per_issue_writes
        self.writes = WriteWindow(*per_issue) if per_issue else None
        self.resolve = _issue_resolver(site)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = self.clock()
        bucket = self._bucket(scope, now)
        if bucket is not None and not bucket.take(now):
            self.counters.throttled_burst += 1
            wait = bucket.wait(now)
            if self.datacenter:
                refusal = datacenter_too_many(wait, bucket)
            else:
                refusal = too_many_requests(wait, now, bucket.rate, "jira-burst-based")
            await refusal(scope, receive, send)
            return
        if bucket is not None:
            self._count_busiest_second(now)
        if await self._refuse_write(scope, receive, send, now):
            return
        await self.app(scope, receive, self._with_headers(send, bucket, self.datacenter))

    def _count_busiest_second(self, now: float) -> None:
        """Keep the admitted requests of the last second; note the most there ever were."""
        recent = self.recent
        recent.append(now)
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        self.counters.busiest_second = max(self.counters.busiest_second, len(recent))

    def _bucket(self, scope: Scope, now: float) -> TokenBucket | None:
        if self.rate is None:
            return None
        credential = scope.get("sandbox.credential")
        name = str(getattr(credential, "label", "anonymous"))
        if name not in self.buckets:
            self.buckets[name] = TokenBucket(self.rate, self.burst, now)
        return self.buckets[name]

    async def _refuse_write(self, scope: Scope, receive: Receive, send: Send, now: float) -> bool:
        issue = written_issue(scope["method"], scope["path"])
        if self.writes is None or issue is None:
            return False
        wait = self.writes.admit(self.resolve(issue), now)
        if wait <= 0:
            return False
        self.counters.throttled_per_issue += 1
        limit = self.writes.limit
        await too_many_requests(wait, now, limit, "jira-per-issue-on-write")(scope, receive, send)
        return True

    @staticmethod
    def _with_headers(send: Send, bucket: TokenBucket | None, datacenter: bool) -> Send:
        if bucket is None:
            return send
        if datacenter:
            extra = datacenter_headers(bucket)
        else:
            extra = {
                "X-RateLimit-Limit": f"{bucket.rate:g}",
                "X-RateLimit-Remaining": str(bucket.remaining),
            }

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # An inner 429 (a fault's storm) already speaks for its own limit: keep it.
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers.setdefault(name, value)
            await send(message)

        return send_with_headers
