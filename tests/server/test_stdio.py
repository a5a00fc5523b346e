"""stdio: a real client spawns the server and runs every tool against the sandbox."""

from __future__ import annotations

import pytest
from mcp import Client, StdioServerParameters
from mcp.types import TextContent

from tests.server.processes import EXECUTABLE, clean_env

pytestmark = pytest.mark.anyio

CALLS: list[tuple[str, dict[str, object]]] = [
    ("search_jql", {"jql": "project = SHOP ORDER BY key ASC", "limit": 3}),
    ("bulk_fetch", {"keys": ["SHOP-1", "SHOP-2", "OPS-1"]}),
    ("validate_jql", {"jql": "project = SHOP AND status = Done"}),
    ("lookup", {"kind": "sprints", "project": "SHOP"}),
    ("sprint_progress", {"project": "SHOP"}),
    ("create_issue", {"summary": "Filed over stdio", "project": "SHOP"}),
    ("transition", {"key": "SHOP-1", "to": "In Progress"}),
    ("get_issue", {"key": "SHOP-30", "comments": 5, "changelog": 5}),
    ("add_comment", {"key": "SHOP-1", "body": "Commented over *stdio*"}),
    ("link_issues", {"key": "SHOP-1", "to": "SHOP-2", "type": "relates to"}),
    ("update_issue", {"key": "SHOP-1", "add_labels": ["stdio"], "priority": "High"}),
    ("get_attachment", {"key": "SHOP-1", "attachment": "shop-screenshot.png"}),
    ("add_attachment", {"key": "SHOP-2", "filename": "stdio.txt", "text": "over stdio"}),
]


async def test_every_tool_over_stdio() -> None:
    """Each tool answers over stdio without an error, text and structure both; the
    instructions the client is given name the account."""
    params = StdioServerParameters(
        command=EXECUTABLE, args=["serve", "--sandbox"], env=clean_env(LOG_LEVEL="WARNING")
    )
    async with Client(params) as client:
        assert "Signed in as Demo User." in (client.instructions or "")
        listed = await client.list_tools()
        assert sorted(tool.name for tool in listed.tools) == sorted(name for name, _ in CALLS)
        for name, arguments in CALLS:
            result = await client.call_tool(name, arguments)
            text = "".join(b.text for b in result.content if isinstance(b, TextContent))
            assert not result.is_error, f"{name}: {text}"
            assert result.structured_content, name
            assert text.strip(), name
