"""/metrics: what a run of every tool leaves in the Prometheus counters, and who may read it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from mcp import Client

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from server.app import build_server, session_manager, streamable_http_app
from server.config import TOOL_NAMES, Settings
from server.http import build_http_app
from server.metrics import Metrics, endpoint_template
from tests.tools.conftest import tool_settings

pytestmark = pytest.mark.anyio

TOKEN = "metrics-test-token-0123456789"
EVERY_TOOL: list[tuple[str, dict[str, Any]]] = [
    ("search_jql", {"jql": "project = SHOP", "limit": 3}),
    ("bulk_fetch", {"keys": ["SHOP-1", "SHOP-2"]}),
    ("validate_jql", {"jql": "project = SHOP"}),
    ("sprint_progress", {"project": "SHOP"}),
    ("create_issue", {"summary": "Counted by the metrics", "project": "SHOP"}),
    ("transition", {"key": "SHOP-3", "to": "In Progress"}),
    ("get_attachment", {"key": "SHOP-1", "attachment": "shop-service.log"}),
    ("add_attachment", {"key": "SHOP-2", "filename": "m.txt", "text": "metrics"}),
    ("get_issue", {"key": "SHOP-30", "comments": 3}),
    ("add_comment", {"key": "SHOP-2", "body": "Counted"}),
    ("update_issue", {"key": "SHOP-2", "add_labels": ["metrics"]}),
    ("link_issues", {"key": "SHOP-2", "to": "SHOP-3", "type": "relates to"}),
    ("lookup", {"kind": "priorities"}),
]


def test_every_registered_tool_is_in_the_run() -> None:
    """The run below calls every tool the server has."""
    assert sorted(name for name, _ in EVERY_TOOL) == sorted(TOOL_NAMES)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition text (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            found = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
            if found and found[1] == name and (found[2] or "") == wanted:
                return float(found[3])
    return 0.0


@asynccontextmanager
async def counted(config: SandboxConfig | None = None) -> AsyncIterator[tuple[Client, Metrics]]:
    """An MCP client to a server that keeps metrics."""
    metrics = Metrics()
    app = create_app(config or SandboxConfig(rate_limit=None))
    server = build_server(tool_settings(), jira_app=app, metrics=metrics)
    async with Client(server, raise_exceptions=False) as client:
        yield client, metrics


async def test_every_tool_is_counted_with_its_outcome_and_duration() -> None:
    """Each tool's calls are counted ok or tool_error, and timed."""
    async with counted() as (client, metrics):
        for name, arguments in EVERY_TOOL:
            result = await client.call_tool(name, arguments)
            assert not result.is_error, name
        refused = await client.call_tool("bulk_fetch", {"keys": ["not a key"]})
    assert refused.is_error
    text = metrics.exposition()[0].decode()
    for name, _ in EVERY_TOOL:
        assert sample(text, "jira_mcp_tool_calls_total", tool=name, outcome="ok") >= 1, name
        assert sample(text, "jira_mcp_tool_duration_seconds_count", tool=name) >= 1, name
    assert sample(text, "jira_mcp_tool_calls_total", tool="bulk_fetch", outcome="tool_error") == 1


async def test_jira_requests_are_counted_by_endpoint_template_and_status() -> None:
    """Upstream requests carry endpoint templates, never keys, queries or summaries."""
    async with counted() as (client, metrics):
        for name, arguments in EVERY_TOOL:
            await client.call_tool(name, arguments)
    text = metrics.exposition()[0].decode()
    search = sample(
        text,
        "jira_mcp_upstream_requests_total",
        endpoint="POST /rest/api/3/search/jql",
        status="200",
    )
    assert search >= 1
    created = sample(
        text, "jira_mcp_upstream_requests_total", endpoint="POST /rest/api/3/issue", status="201"
    )
    assert created == 1
    assert 'endpoint="GET /rest/api/3/issue/{id}"' in text
    assert sample(text, "jira_mcp_limiter_wait_seconds_count") >= len(EVERY_TOOL)
    for private in ("SHOP-1", "SHOP-2", "SHOP-3", "project = SHOP", "Counted by the metrics"):
        assert private not in text, private
    assert "sandbox-token" not in text


async def test_429s_and_retries_are_counted() -> None:
    """A 429 from Jira is counted, and so is the retry it causes."""
    config = SandboxConfig(rate_limit=None)
    config.faults.storm_429 = 1
    async with counted(config) as (client, metrics):
        result = await client.call_tool("search_jql", {"jql": "project = SHOP", "limit": 1})
    assert not result.is_error
    text = metrics.exposition()[0].decode()
    assert sample(text, "jira_mcp_rate_limited_total") == 1
    assert sample(text, "jira_mcp_upstream_retries_total") == 1


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/rest/api/3/issue/SHOP-12", "/rest/api/3/issue/{id}"),
        ("GET", "/rest/api/3/issue/10042/comment", "/rest/api/3/issue/{id}/comment"),
        (
            "PUT",
            "/rest/api/3/issue/SHOP-1/properties/secret.name",
            "/rest/api/3/issue/{id}/properties/{id}",
        ),
        ("GET", "/rest/agile/1.0/sprint/5/issue", "/rest/agile/1.0/sprint/{id}/issue"),
        ("GET", "/rest/api/3/attachment/content/30001", "/rest/api/3/attachment/content/{id}"),
        ("GET", "/somewhere/else/SHOP-1", "other"),
    ],
)
def test_endpoint_templates_hide_ids_keys_and_names(method: str, path: str, template: str) -> None:
    """Ids, keys and property names become {id}; unknown paths are "other"."""
    assert endpoint_template(method, path) == template


async def test_metrics_over_http_need_the_bearer_token() -> None:
    """GET /metrics answers the text format with MCP_AUTH_TOKEN, 401 without it."""
    settings = Settings.model_validate(
        {"jira_url": "sandbox", "mcp_transport": "http", "mcp_auth_token": TOKEN}
    )
    metrics = Metrics()
    mcp = build_server(settings, metrics=metrics)
    app = build_http_app(
        settings, streamable_http_app(mcp, settings), lambda: session_manager(mcp), metrics=metrics
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http:
        anonymous = await http.get("/metrics")
        allowed = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert anonymous.status_code == 401
    assert allowed.status_code == 200
    assert allowed.headers["content-type"].startswith("text/plain")
    assert "# TYPE jira_mcp_tool_calls_total counter" in allowed.text
