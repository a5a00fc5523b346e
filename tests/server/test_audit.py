"""The audit trail: one JSON line per write attempt, with who, what and how it ended."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from mcp import Client
from starlette.types import Message, Receive, Scope, Send

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.site import Site
from server.app import build_server, session_manager, streamable_http_app
from server.config import Settings
from server.gateway.audit import REQUEST_PROPERTY
from server.http import build_http_app
from tests.tools.conftest import text_of, tool_settings

pytestmark = pytest.mark.anyio

DESCRIPTION = "The acquisition of Contoso closes on Friday"
CREATE = ("POST", "/rest/api/3/issue")


def lines(path: Path) -> list[dict[str, Any]]:
    """The audit file's entries."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class LoseFirstCreateAnswer:
    """The sandbox creates the issue; the client is answered 503 the first time."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lost = 0

    @property
    def state(self) -> Any:
        """The sandbox's state."""
        return self.app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_create = scope["type"] == "http" and (scope["method"], scope["path"]) == CREATE
        if not is_create or self.lost:
            await self.app(scope, receive, send)
            return
        self.lost += 1

        async def swallow(message: Message) -> None:
            pass

        await self.app(scope, receive, swallow)
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def test_each_write_is_one_line_with_fields_by_name_and_never_values(
    tmp_path: Path,
) -> None:
    """Creates, transitions and uploads are recorded; descriptions and texts are not."""
    audit = tmp_path / "audit.jsonl"
    app = create_app(SandboxConfig(rate_limit=None))
    server = build_server(tool_settings(jira_audit_log=audit), jira_app=app)
    async with Client(server, raise_exceptions=False) as client:
        created = await client.call_tool(
            "create_issue",
            {"summary": "Audit me", "project": "SHOP", "description": DESCRIPTION},
        )
        assert created.structured_content is not None
        key = created.structured_content["key"]
        await client.call_tool("transition", {"key": key, "to": "In Progress"})
        await client.call_tool(
            "add_attachment", {"key": key, "filename": "plan.txt", "text": DESCRIPTION}
        )
        await client.call_tool("add_comment", {"key": key, "body": DESCRIPTION})
        await client.call_tool("update_issue", {"key": key, "description": DESCRIPTION})
        await client.call_tool("link_issues", {"key": key, "to": "SHOP-1", "type": "blocks"})
        await client.call_tool("search_jql", {"jql": "project = SHOP", "limit": 1})
    entries = lines(audit)
    assert [(e["tool"], e["issue"], e["outcome"]) for e in entries] == [
        ("create_issue", key, "ok"),
        ("transition", key, "ok"),
        ("add_attachment", key, "ok"),
        ("add_comment", key, "ok"),
        ("update_issue", key, "ok"),
        ("link_issues", entries[5]["issue"], "ok"),
    ]
    assert sorted(entries[5]["issue"].split()) == sorted([key, "SHOP-1"])
    assert entries[3]["fields"] == ["comment"]
    assert "Description" in entries[4]["fields"]
    assert entries[5]["fields"] == ["issuelinks"]
    assert entries[0]["fields"] == ["created", "Project", "Issue Type", "Summary", "Description"]
    site: Site = app.state.site
    issue = site.find_issue(key)
    assert issue is not None
    assert entries[0]["request_id"] == issue.properties[REQUEST_PROPERTY]["id"]
    assert "status" in entries[1]["fields"]
    assert entries[2]["fields"] == ["attachment"]
    written = audit.read_text(encoding="utf-8")
    assert DESCRIPTION not in written
    assert "Audit me" not in written


async def test_a_lost_answer_is_recorded_as_unknown_then_settled(tmp_path: Path) -> None:
    """The write whose answer was lost is one "unknown" line; the settle reads add none."""
    audit = tmp_path / "audit.jsonl"
    app = LoseFirstCreateAnswer(create_app(SandboxConfig(rate_limit=None)))
    server = build_server(tool_settings(jira_audit_log=audit), jira_app=app)
    async with Client(server, raise_exceptions=False) as client:
        result = await client.call_tool("create_issue", {"summary": "Lost", "project": "SHOP"})
    assert not result.is_error, text_of(result)
    assert [e["outcome"] for e in lines(audit)] == ["unknown"]


async def test_a_refused_write_is_recorded_with_jira_s_error_class(tmp_path: Path) -> None:
    """A write Jira refuses is a line whose outcome names the error."""
    audit = tmp_path / "audit.jsonl"
    app = create_app(SandboxConfig(rate_limit=None))
    server = build_server(tool_settings(jira_audit_log=audit), jira_app=app)
    async with Client(server, raise_exceptions=False) as client:
        result = await client.call_tool(
            "create_issue",
            {"summary": "x", "project": "SHOP", "fields": {"duedate": "not a date"}},
        )
    assert result.is_error
    assert [e["outcome"] for e in lines(audit)] == ["BadRequest"]


async def test_without_a_file_the_lines_go_to_the_log() -> None:
    """JIRA_AUDIT_LOG unset: each write is an "audit" event of the normal log."""
    app = create_app(SandboxConfig(rate_limit=None))
    server = build_server(tool_settings(), jira_app=app)
    with structlog.testing.capture_logs() as logs:
        async with Client(server, raise_exceptions=False) as client:
            await client.call_tool("create_issue", {"summary": "Logged", "project": "SHOP"})
    events = [log for log in logs if log.get("event") == "audit"]
    assert [(e["tool"], e["outcome"]) for e in events] == [("create_issue", "ok")]


async def test_the_mcp_session_is_named_over_http(tmp_path: Path) -> None:
    """Over HTTP, each line carries the MCP session id the call came in."""
    audit = tmp_path / "audit.jsonl"
    settings = Settings.model_validate(
        {"jira_url": "sandbox", "mcp_transport": "http", "jira_audit_log": str(audit)}
    )
    mcp = build_server(settings)
    app = build_http_app(settings, streamable_http_app(mcp, settings), lambda: session_manager(mcp))
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "audit-test", "version": "0"},
        },
    }
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {
            "name": "create_issue",
            "arguments": {"summary": "Over HTTP", "project": "SHOP"},
        },
    }
    transport = httpx.ASGITransport(app=app)
    async with (
        session_manager(mcp),
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http,
    ):
        opened = await http.post("/mcp", json=initialize, headers=headers)
        session = opened.headers["mcp-session-id"]
        in_session = {**headers, "mcp-session-id": session}
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await http.post("/mcp", json=initialized, headers=in_session)
        answer = await http.post("/mcp", json=call, headers=in_session)
    assert answer.status_code == 200
    assert [(e["tool"], e["session"]) for e in lines(audit)] == [("create_issue", session)]
