"""Prometheus metrics of one server: its tool calls, its Jira requests and its limiter.

Served as text at /metrics over HTTP (behind MCP_AUTH_TOKEN when it is set). Each server has
its own registry, so several servers in one process (tests, benchmarks) never mix counts.
Labels hold only tool names, outcomes, endpoint templates (ids replaced by ``{id}``) and
status codes: never a key, a query, a summary or a secret.
"""

from __future__ import annotations

import re
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from server.gateway.routes import match

_ID_SEGMENT: Final = re.compile(r"^(?:[0-9]+|[A-Za-z][A-Za-z0-9_]*-[0-9]+)$")
# Segments after these are names a caller chose (property keys), not endpoint parts.
_NAMED_AFTER: Final = frozenset({"properties"})
_PREFIX: Final = 4
TOOL_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
WAIT_BUCKETS: Final = (0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def endpoint_template(method: str, path: str) -> str:
    """``path`` with its ids and keys replaced by ``{id}``; "other" for an unknown route."""
    if match(method, path) is None:
        return "other"
    parts = path.split("/")
    # "", "rest", "api", "3" (or "agile", "1.0"): the API's own name and version stay.
    out = parts[:_PREFIX]
    for index in range(_PREFIX, len(parts)):
        named = parts[index - 1] in _NAMED_AFTER
        out.append("{id}" if named or _ID_SEGMENT.match(parts[index]) else parts[index])
    return "/".join(out)


class Metrics:
    """The server's counters and histograms, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.tool_calls = Counter(
            "jira_mcp_tool_calls",
            "Tool calls by tool and outcome (ok, tool_error, error).",
            ["tool", "outcome"],
            registry=self.registry,
        )
        self.tool_duration = Histogram(
            "jira_mcp_tool_duration_seconds",
            "Time to answer a tool call.",
            ["tool"],
            buckets=TOOL_BUCKETS,
            registry=self.registry,
        )
        self.upstream = Counter(
            "jira_mcp_upstream_requests",
            "Requests sent to Jira, by endpoint template and status (none: no answer).",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.retries = Counter(
            "jira_mcp_upstream_retries", "Requests sent again.", registry=self.registry
        )
        self.rate_limited = Counter(
            "jira_mcp_rate_limited", "429 answers received from Jira.", registry=self.registry
        )
        self.limiter_wait = Histogram(
            "jira_mcp_limiter_wait_seconds",
            "Time a request waited for the rate limiter.",
            buckets=WAIT_BUCKETS,
            registry=self.registry,
        )

    def tool_call(self, tool: str, outcome: str, seconds: float) -> None:
        """One finished tool call."""
        self.tool_calls.labels(tool=tool, outcome=outcome).inc()
        self.tool_duration.labels(tool=tool).observe(seconds)

    def upstream_call(self, method: str, path: str, status: int | None, waited: float) -> None:
        """One request attempt sent to Jira."""
        endpoint = f"{method} {endpoint_template(method, path)}"
        self.upstream.labels(endpoint=endpoint, status=str(status or "none")).inc()
        self.limiter_wait.observe(waited)
        if status == 429:
            self.rate_limited.inc()

    def retry(self) -> None:
        """A request about to be sent again."""
        self.retries.inc()

    def exposition(self) -> tuple[bytes, str]:
        """The Prometheus text format and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
