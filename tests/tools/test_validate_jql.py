"""validate_jql through a real MCP client against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from server.app import build_server
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of, tool_settings

pytestmark = pytest.mark.anyio


async def validate(connect: ClientFactory, jql: str, **extra: Any) -> tuple[dict[str, Any], str]:
    """Call validate_jql under the SHOP,OPS scope; the structured result and the text."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("validate_jql", {"jql": jql, **extra})
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    return result.structured_content, text_of(result)


@DEPLOYMENTS
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


@DEPLOYMENTS
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


@DEPLOYMENTS
async def test_forbidden_project_is_a_scope_error(connect: ClientFactory) -> None:
    """A query naming a project outside the scope is invalid, and the error names it."""
    data, text = await validate(connect, "project = SEC OR key = OPS-1")
    assert data["valid"] is False
    assert "SEC" in data["errors"][0]["message"]
    assert data["normalized"] == 'project = "SEC" OR key = "OPS-1"'
    assert data["scoped"] is None
    assert "SEC" in text


@DEPLOYMENTS
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


@DEPLOYMENTS
async def test_no_project_is_not_a_warning_under_a_scope(connect: ClientFactory) -> None:
    """With an allowlist the scope adds the project, so 'no-project' is not reported."""
    data, _ = await validate(connect, "status = Done")
    assert "no-project" not in {w["rule"] for w in data["warnings"]}
    async with connect() as client:
        result = await client.call_tool("validate_jql", {"jql": "status = Done"})
    assert result.structured_content is not None
    assert "no-project" in {w["rule"] for w in result.structured_content["warnings"]}
    assert result.structured_content["scoped"] == 'status = "Done"'


@DEPLOYMENTS
async def test_remote_reports_unknown_fields(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """remote=true merges Jira's verdict: an unknown field makes the query invalid (1 request)."""
    data, text = await validate(connect, 'project = SHOP AND "Story Pointz" > 3', remote=True)
    assert data["valid"] is False
    assert any("Story Pointz" in e["message"] for e in data["errors"])
    assert "Story Pointz" in text
    assert sandbox_config.counters.requests == 1


@DEPLOYMENTS
async def test_remote_accepts_a_good_query(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """remote=true on a query Jira knows every part of stays valid (field list, then Jira)."""
    data, _ = await validate(connect, 'project = SHOP AND "Story Points" > 3', remote=True)
    assert data["valid"] is True, data["errors"]
    assert sandbox_config.counters.requests == 2


@DEPLOYMENTS
async def test_local_check_knows_the_site_fields(connect: ClientFactory) -> None:
    """Without remote, an unknown custom field is found from the cached field list."""
    data, _ = await validate(connect, 'project = SHOP AND "Story Pointz" > 3')
    assert data["valid"] is False
    [error] = data["errors"]
    assert (error["line"], error["column"]) == (1, 20)
    assert 'Write "Story Points" instead' in error["hint"]


@DEPLOYMENTS
async def test_scope_refusal_skips_remote(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A query the scope refuses is not sent to Jira even with remote=true."""
    data, _ = await validate(connect, "project = SEC", remote=True)
    assert data["valid"] is False
    assert sandbox_config.counters.requests == 0


@DEPLOYMENTS
async def test_validate_is_read_only_and_idempotent(connect: ClientFactory) -> None:
    """The tool announces itself as a read-only, idempotent, non-destructive tool."""
    async with connect() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    hints = tools["validate_jql"].annotations
    assert hints is not None
    assert hints.read_only_hint is True
    assert hints.idempotent_hint is True
    assert hints.destructive_hint is False


@DEPLOYMENTS
async def test_remote_reports_unknown_functions(connect: ClientFactory) -> None:
    """remote=true also reports a function Jira does not have."""
    data, _ = await validate(connect, "project = SHOP AND assignee = noSuchUser()", remote=True)
    assert data["valid"] is False
    assert any("noSuchUser" in e["message"] for e in data["errors"])
    assert data["scoped"] is not None


@DEPLOYMENTS
async def test_remote_reports_a_value_that_names_nothing(connect: ClientFactory) -> None:
    """remote=true reports a status the site does not have, in Jira's words: a warning
    from Cloud's parse, an error from Data Center's validated search."""
    data, _ = await validate(connect, 'project = SHOP AND status = "Nope"', remote=True)
    reported = [e["message"] for e in data["errors"]] + [w["message"] for w in data["warnings"]]
    assert any("The value 'Nope' does not exist for the field 'status'" in m for m in reported)


async def test_data_center_asks_a_validated_search_not_a_parse() -> None:
    """On Data Center remote=true is one POST /rest/api/2/search (it has no /jql/parse),
    and an unknown function comes back in Jira's words."""
    recorder = RequestRecorder(create_app(SandboxConfig(rate_limit=None, deployment="datacenter")))
    settings = tool_settings(jira_projects="SHOP,OPS", jira_deployment="datacenter")
    async with Client(build_server(settings, jira_app=recorder), raise_exceptions=False) as client:
        result = await client.call_tool(
            "validate_jql", {"jql": "project = SHOP AND assignee = noSuchUser()", "remote": True}
        )
    assert result.structured_content is not None
    messages = [e["message"] for e in result.structured_content["errors"]]
    assert "Unable to find JQL function 'noSuchUser()'." in messages
    assert [r for r in recorder.requests if r.startswith("POST")] == ["POST /rest/api/2/search"]
