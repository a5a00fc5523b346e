"""Arguments a tool does not take are refused by name, never silently dropped."""

from __future__ import annotations

import pytest

from tests.tools.conftest import ClientFactory, text_of

pytestmark = pytest.mark.anyio


async def test_misspelt_argument_is_refused(connect: ClientFactory) -> None:
    """sprint_progress(sprint=5) is an error naming sprint_id, not a report on another sprint."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"sprint": 5})
    assert result.is_error
    assert "does not take sprint" in text_of(result)
    assert "sprint_id" in text_of(result)


async def test_known_arguments_still_work(connect: ClientFactory) -> None:
    """A call with only the tool's own parameters goes through."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("validate_jql", {"jql": "project = SHOP"})
    assert not result.is_error
    assert text_of(result).startswith("valid")
