"""validate_jql and search_jql know the site's names: through a real MCP client to the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from server.gateway.meta import Deployment
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, on_site, text_of

pytestmark = pytest.mark.anyio

# The search request each flavour receives: Cloud's enhanced search, Data Center's v2 search.
SEARCH = {"cloud": "POST /rest/api/3/search/jql", "datacenter": "POST /rest/api/2/search"}
# Where each flavour is asked for its verdict on a query.
VERDICT = {"cloud": "POST /rest/api/3/jql/parse", "datacenter": "POST /rest/api/2/search"}


@pytest.fixture
def sandbox_app(sandbox_config: SandboxConfig) -> RequestRecorder:
    """The sandbox behind a recorder, so tests see which requests were sent."""
    return RequestRecorder(create_app(sandbox_config))


async def validate(client: Client, jql: str) -> dict[str, Any]:
    """validate_jql with default arguments; the structured result."""
    result = await client.call_tool("validate_jql", {"jql": jql})
    assert not result.is_error, text_of(result)
    data: dict[str, Any] | None = result.structured_content
    assert data is not None
    return data


async def only_error(connect: ClientFactory, jql: str) -> dict[str, Any]:
    """The single error validate_jql reports for ``jql`` (which must be invalid)."""
    async with connect(jira_projects="SHOP,OPS") as client:
        data = await validate(client, jql)
    assert data["valid"] is False
    [error] = data["errors"]
    found: dict[str, Any] = error
    return found


@DEPLOYMENTS
async def test_unbalanced_quote_is_invalid_with_position(connect: ClientFactory) -> None:
    """summary ~ "abc: invalid, pointing at the opening quote, saying how to close it."""
    error = await only_error(connect, 'summary ~ "abc')
    assert (error["line"], error["column"]) == (1, 11)
    assert "never closed" in error["message"]
    assert 'Close the string with a matching "' in error["hint"]


@DEPLOYMENTS
async def test_unknown_field_suggests_the_closest(connect: ClientFactory) -> None:
    """projekt = SHOP: the field does not exist; write project instead."""
    error = await only_error(connect, "projekt = SHOP")
    assert (error["line"], error["column"]) == (1, 1)
    assert error["message"] == (
        "Field 'projekt' does not exist or you do not have permission to view it."
    )
    assert error["hint"].startswith("Did you mean project")
    assert "Write project instead." in error["hint"]


@DEPLOYMENTS
async def test_unknown_function_suggests_the_closest(connect: ClientFactory) -> None:
    """assignee = currentUsr(): Jira has no such function; write currentUser() instead."""
    error = await only_error(connect, "project = SHOP AND assignee = currentUsr()")
    assert (error["line"], error["column"]) == (1, 31)
    assert error["message"] == "Jira has no function currentUsr()."
    assert "Write currentUser() instead." in error["hint"]


@DEPLOYMENTS
async def test_misspelt_status_suggests_the_status(connect: ClientFactory) -> None:
    """status = "In Progres": no status has that name; write "In Progress" instead."""
    error = await only_error(connect, 'project = SHOP\n  AND status = "In Progres"')
    assert (error["line"], error["column"]) == (2, 16)
    assert error["message"] == "The value 'In Progres' does not exist for the field 'status'."
    assert 'Write "In Progress" instead.' in error["hint"]
    assert "To Do, In Progress, In Review, Done" in error["hint"]


@DEPLOYMENTS
async def test_like_on_status_is_an_unsupported_operator(connect: ClientFactory) -> None:
    """status ~ Progress: '~' is not an operator of status; the hint gives the right clause."""
    error = await only_error(connect, "status ~ Progress")
    assert (error["line"], error["column"]) == (1, 8)
    assert error["message"] == "The operator '~' is not supported by the 'status' field."
    assert 'Write status = "In Progress" instead.' in error["hint"]


@DEPLOYMENTS
async def test_wrong_values_of_catalogue_fields(connect: ClientFactory) -> None:
    """Priority, issue type, resolution and status category values are checked by name."""
    async with connect(jira_projects="SHOP,OPS") as client:
        data = await validate(
            client,
            "priority = Hihg AND type = Bgu AND resolution = Dnoe AND statusCategory = Donne",
        )
    hints = [error["hint"] for error in data["errors"]]
    assert [error["column"] for error in data["errors"]] == [12, 28, 49, 75]
    assert "Write High instead." in hints[0]
    assert "Write Bug instead." in hints[1]
    assert "Write Done instead." in hints[2]
    assert "Write Done instead." in hints[3]


@DEPLOYMENTS
async def test_custom_fields_and_jira_words_are_known(connect: ClientFactory) -> None:
    """Custom fields by name and cf[N], Jira's special values and functions: no false errors,
    and values of custom fields (whose options are not catalogued) are not judged."""
    jql = (
        'project = SHOP AND "Story Points" > 3 AND cf[10016] >= 2 AND "Story Points[Number]" < 9'
        ' AND resolution = Unresolved AND statusCategory = "To Do" AND priority >= High'
        ' AND issuetype IN standardIssueTypes() AND updated > startOfWeek("-1w")'
        ' AND Flagged = "In Progres" AND cf[10030] ~ "Done" AND status IN (10001, Done)'
        " ORDER BY Rank, cf[10016] DESC"
    )
    async with connect(jira_projects="SHOP,OPS") as client:
        data = await validate(client, jql)
    assert data["valid"] is True, data["errors"]


@DEPLOYMENTS
async def test_search_refuses_a_misspelt_status_before_sending(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """search_jql with status = "In Progres" refuses with validate_jql's message; no search is
    sent, so the model is not told that nothing matches."""
    jql = 'project = SHOP AND status = "In Progres"'
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("search_jql", {"jql": jql})
        verdict = await client.call_tool("validate_jql", {"jql": jql})
    assert result.is_error
    refusal = text_of(result)
    error_line = next(line for line in text_of(verdict).splitlines() if line.startswith("error"))
    assert error_line in refusal
    assert error_line.startswith("error (line 1, column 29): The value 'In Progres' does not")
    assert not [line for line in sandbox_app.requests if "/search" in line]


@DEPLOYMENTS
async def test_search_with_good_names_runs(connect: ClientFactory) -> None:
    """A search naming real values runs and finds issues, with no name warnings."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool(
            "search_jql", {"jql": 'project = SHOP AND status = "In Progress"', "limit": 5}
        )
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert len(result.structured_content["issues"]) == 5
    assert "names" not in {w["rule"] for w in result.structured_content["warnings"]}


@DEPLOYMENTS
async def test_unknown_non_builtin_function_is_reported_but_not_certain(
    connect: ClientFactory,
) -> None:
    """A function far from every built-in may be an app's: validate_jql reports it and says
    how to ask Jira."""
    error = await only_error(connect, "project = SHOP AND issue IN portfolioChildrenOf(SHOP-1)")
    assert error["message"] == "portfolioChildrenOf() is not one of Jira's built-in functions."
    assert "remote=true" in error["hint"]


@DEPLOYMENTS
async def test_metadata_is_read_once_per_ttl(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """The first check reads the lists it needs once; later calls send no metadata request."""
    jql = 'project = SHOP AND status = Done AND priority = High AND "Story Points" > 1'
    async with connect(jira_projects="SHOP,OPS") as client:
        await validate(client, jql)
        first = sandbox_app.take()
        await validate(client, jql)
        await validate(client, 'status = "In Progres"')
        await client.call_tool("search_jql", {"jql": jql, "limit": 1})
        later = sandbox_app.take()
    assert sorted(first) == [
        on_site(f"GET /rest/api/3/{name}", deployment)
        for name in ("field", "priority", "project", "status")
    ]
    assert later == [SEARCH[deployment]]


@DEPLOYMENTS
async def test_system_fields_alone_need_no_metadata(
    connect: ClientFactory, sandbox_app: RequestRecorder
) -> None:
    """A query naming only system fields without catalogued values sends nothing to check."""
    async with connect(jira_projects="SHOP,OPS") as client:
        data = await validate(client, "assignee = currentUser() AND updated > -1d ORDER BY key")
    assert data["valid"] is True
    assert sandbox_app.requests == []


@DEPLOYMENTS
async def test_remote_settles_a_function_only_an_app_could_add(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """With remote=true an uncertain finding is left to Jira (Cloud's /jql/parse, Data
    Center's validating search), whose verdict is reported."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool(
            "validate_jql", {"jql": "project = SHOP AND assignee = whoever()", "remote": True}
        )
    assert sandbox_app.requests == [VERDICT[deployment]]
    data = result.structured_content
    assert data is not None
    assert data["valid"] is False
    assert [e["hint"] for e in data["errors"]] == [
        "Reported by Jira itself: check the field, function or value named."
    ]


@DEPLOYMENTS
async def test_search_sends_a_function_only_an_app_could_add(
    connect: ClientFactory, sandbox_app: RequestRecorder, deployment: Deployment
) -> None:
    """search_jql does not refuse what may be an app's function: Jira is asked and answers."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool(
            "search_jql", {"jql": "project = SHOP AND assignee = whoever()"}
        )
    assert SEARCH[deployment] in sandbox_app.requests
    assert "whoever" in text_of(result)
