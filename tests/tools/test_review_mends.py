"""Answers carry no secret, counts are asked once per search, and scope holds in metadata."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.config import SandboxConfig
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of

pytestmark = pytest.mark.anyio

DEMO_TOKEN = "sandbox-token"


@DEPLOYMENTS
async def test_structured_content_is_scrubbed_of_secrets(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """A Jira value that echoes the API token is scrubbed in the structured answer too."""
    site = sandbox_app.state.site
    issue = next(i for i in site.issues() if i.project == "SHOP")
    issue.summary = f"copied the {DEMO_TOKEN} into a ticket"
    async with connect(
        jira_projects="SHOP", jira_email="demo@example.com", jira_api_token=DEMO_TOKEN
    ) as client:
        result = await client.call_tool("bulk_fetch", {"keys": [issue.key]})
    assert not result.is_error, text_of(result)
    assert "copied the" in str(result.structured_content)
    assert DEMO_TOKEN not in str(result.structured_content)
    assert DEMO_TOKEN not in text_of(result)


@DEPLOYMENTS
async def test_count_is_asked_with_the_first_page_only(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """count=true on a later page asks for no count again (Cloud's approximate-count, Data
    Center's counting search): the later page costs one search."""
    async with connect(jira_projects="SHOP") as client:
        first = await client.call_tool(
            "search_jql", {"jql": "project = SHOP", "limit": 5, "count": True}
        )
        assert first.structured_content is not None
        token = first.structured_content["next_page_token"]
        sandbox_config.counters.reset()
        later = await client.call_tool(
            "search_jql", {"jql": "project = SHOP", "limit": 5, "count": True, "page_token": token}
        )
    assert first.structured_content["approximate_total"] > 5
    assert later.structured_content is not None
    assert later.structured_content["approximate_total"] is None
    assert sandbox_config.counters.requests == 1


@DEPLOYMENTS
async def test_create_metadata_of_a_forbidden_project_is_refused(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A dry-run create in SEC is refused before any create metadata of SEC is read."""
    async with connect(jira_projects="SHOP") as client:
        sandbox_config.counters.reset()
        result = await client.call_tool(
            "create_issue", {"summary": "probe", "project": "SEC", "dry_run": True}
        )
    assert result.is_error
    assert "outside the allowed projects" in text_of(result)
    assert sandbox_config.counters.requests == 0
