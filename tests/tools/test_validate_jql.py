"""validate_jql through a real MCP client against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.config import SandboxConfig
from tests.tools.conftest import ClientFactory, text_of

pytestmark = pytest.mark.anyio


async def validate(connect: ClientFactory, jql: str, **extra: Any) -> tuple[dict[str, Any], str]:
    """Call validate_jql under the SHOP,OPS scope; the structured result and the text."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("validate_jql", {"jql": jql, **extra})
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    return result.structured_content, text_of(result)


async def test_valid_query_is_normalized_and_scoped(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A valid query comes back normalized and scoped; Jira is asked only for the statuses."""
    data, text = await validate(connect, "project=SHOP and status='In Progress' order by key")
    assert data["valid"] is True
    assert data["errors"] == []
    assert data["normalized"] == 'project = "SHOP" AND status = "In Progress" ORDER BY key'
    assert data["scoped"] == (
        '(project = "SHOP" AND status = "In Progress") AND project IN ("SHOP", "OPS") ORDER BY key'
    )
    assert text.splitlines()[0] == "valid"
    assert f"scoped: {data['scoped']}" in text
    # The status list (checking "In Progress"), after the projects the guard keeps it for.
    assert sandbox_config.counters.requests == 2


async def test_syntax_error_is_a_result_with_position_and_hint(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A syntax error is a normal answer: valid=false, line, column, hint; remote is not asked."""
    data, text = await validate(connect, "project = SHOP AND (status = Done", remote=True)
    assert data["valid"] is False
    [error] = data["errors"]
    assert error["line"] == 1
    assert error["column"] >= 20
    assert error["hint"]
    assert data["normalized"] is None
    assert data["scoped"] is None
    assert text.startswith("invalid\nerror (line 1, column")
    assert sandbox_config.counters.requests == 0


async def test_forbidden_project_is_a_scope_error(connect: ClientFactory) -> None:
    """A query naming a project outside the scope is invalid, and the error names it."""
    data, text = await validate(connect, "project = SEC OR key = OPS-1")
    assert data["valid"] is False
    assert "SEC" in data["errors"][0]["message"]
    assert data["normalized"] == 'project = "SEC" OR key = "OPS-1"'
    assert data["scoped"] is None
    assert "SEC" in text


async def test_lint_warnings_carry_a_suggestion(connect: ClientFactory) -> None:
    """Valid but doubtful JQL comes back valid, with the rule, and a rewrite only where it
    means the same; an alternative that matches other issues is in the message."""
    data, text = await validate(
        connect, "project = SHOP AND assignee != alice AND labels != a AND labels != b"
    )
    assert data["valid"] is True
    rules = {w["rule"]: w for w in data["warnings"]}
    assert "IS EMPTY" in rules["negative-misses-empty"]["message"]
    assert rules["negative-misses-empty"]["suggestion"] == ""
    assert rules["not-equals-chain"]["suggestion"] == 'labels NOT IN ("a", "b")'
    assert "warning [negative-misses-empty]" in text
    assert 'Try: labels NOT IN ("a", "b")' in text


async def test_no_project_is_not_a_warning_under_a_scope(connect: ClientFactory) -> None:
    """With an allowlist the scope adds the project, so 'no-project' is not reported."""
    data, _ = await validate(connect, "status = Done")
    assert "no-project" not in {w["rule"] for w in data["warnings"]}
    async with connect() as client:
        result = await client.call_tool("validate_jql", {"jql": "status = Done"})
    assert result.structured_content is not None
    assert "no-project" in {w["rule"] for w in result.structured_content["warnings"]}
    assert result.structured_content["scoped"] == 'status = "Done"'


async def test_remote_reports_unknown_fields(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """remote=true merges Jira's verdict: an unknown field makes the query invalid (1 request)."""
    data, text = await validate(connect, 'project = SHOP AND "Story Pointz" > 3', remote=True)
    assert data["valid"] is False
    assert any("Story Pointz" in e["message"] for e in data["errors"])
    assert "Story Pointz" in text
    assert sandbox_config.counters.requests == 1


async def test_remote_accepts_a_good_query(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """remote=true on a query Jira knows every part of stays valid (field list, then Jira)."""
    data, _ = await validate(connect, 'project = SHOP AND "Story Points" > 3', remote=True)
    assert data["valid"] is True, data["errors"]
    assert sandbox_config.counters.requests == 2


async def test_local_check_knows_the_site_fields(connect: ClientFactory) -> None:
    """Without remote, an unknown custom field is found from the cached field list."""
    data, _ = await validate(connect, 'project = SHOP AND "Story Pointz" > 3')
    assert data["valid"] is False
    [error] = data["errors"]
    assert (error["line"], error["column"]) == (1, 20)
    assert 'Write "Story Points" instead' in error["hint"]


async def test_scope_refusal_skips_remote(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A query the scope refuses is not sent to Jira even with remote=true."""
    data, _ = await validate(connect, "project = SEC", remote=True)
    assert data["valid"] is False
    assert sandbox_config.counters.requests == 0


async def test_validate_is_read_only_and_idempotent(connect: ClientFactory) -> None:
    """The tool announces itself as a read-only, idempotent, non-destructive tool."""
    async with connect() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    hints = tools["validate_jql"].annotations
    assert hints is not None
    assert hints.read_only_hint is True
    assert hints.idempotent_hint is True
    assert hints.destructive_hint is False


async def test_remote_reports_unknown_functions(connect: ClientFactory) -> None:
    """remote=true also reports a function Jira does not have."""
    data, _ = await validate(connect, "project = SHOP AND assignee = noSuchUser()", remote=True)
    assert data["valid"] is False
    assert any("noSuchUser" in e["message"] for e in data["errors"])
    assert data["scoped"] is not None
