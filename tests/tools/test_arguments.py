"""Arguments a tool does not take are refused by name, never silently dropped."""

from __future__ import annotations

import pytest

from server.adf import markdown_to_adf
from server.gateway.meta import Deployment
from server.wiki import markdown_to_wiki
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of

pytestmark = pytest.mark.anyio


@DEPLOYMENTS
async def test_misspelt_argument_is_refused(connect: ClientFactory) -> None:
    """sprint_progress(sprint=5) is an error naming sprint_id, not a report on another sprint."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("sprint_progress", {"sprint": 5})
    assert result.is_error
    assert "does not take sprint" in text_of(result)
    assert "sprint_id" in text_of(result)


@DEPLOYMENTS
async def test_known_arguments_still_work(connect: ClientFactory) -> None:
    """A call with only the tool's own parameters goes through."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("validate_jql", {"jql": "project = SHOP"})
    assert not result.is_error
    assert text_of(result).startswith("valid")


def _no_pydantic_noise(text: str) -> None:
    for noise in ("pydantic", "validation error", "input_value", "type=", "For further"):
        assert noise not in text, text


@DEPLOYMENTS
async def test_wrong_type_names_the_parameter_and_what_to_send(connect: ClientFactory) -> None:
    """limit="many" says limit is wrong and that it takes an integer from 1 to 100."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("search_jql", {"jql": "project = SHOP", "limit": "many"})
    assert result.is_error
    text = text_of(result)
    assert text == (
        "search_jql: `limit` is 'many'; send an integer from 1 to 100 (Issues per page)."
    )
    _no_pydantic_noise(text)


@DEPLOYMENTS
async def test_a_megabyte_of_input_is_not_echoed(connect: ClientFactory) -> None:
    """A JQL of a million characters is refused by its length, without being quoted back."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("validate_jql", {"jql": "x" * 1_000_000})
    assert result.is_error
    text = text_of(result)
    assert "`jql` is 1000000 characters long; the limit is 20000" in text
    assert len(text) < 300
    _no_pydantic_noise(text)


@DEPLOYMENTS
async def test_one_sentence_per_wrong_parameter(connect: ClientFactory) -> None:
    """Several wrong parameters: one line each, a missing one included."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool(
            "create_issue", {"labels": ["ok", "x" * 300], "dry_run": "maybe"}
        )
    assert result.is_error
    lines = text_of(result).splitlines()
    assert lines[0] == "create_issue cannot take these arguments:"
    assert sorted(lines[1:]) == sorted([
        "- `summary` is required; send a non-empty string of at most 255 characters "
        "(One-line title).",
        "- `labels` item 2 is 300 characters long; the limit is 255. Send a shorter one.",
        "- `dry_run` is 'maybe'; send true or false (Only show the request; create nothing).",
    ])  # fmt: skip
    _no_pydantic_noise(text_of(result))


@DEPLOYMENTS
async def test_too_many_keys_say_how_many_calls(connect: ClientFactory) -> None:
    """2,500 keys to bulk_fetch: split into 3 calls of at most 1000."""
    keys = [f"SHOP-{n}" for n in range(1, 2501)]
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("bulk_fetch", {"keys": keys})
    assert result.is_error
    assert text_of(result) == (
        "bulk_fetch: `keys` has 2500 items; at most 1000 fit in one call. "
        "Split the list into 3 calls of at most 1000 each."
    )


@DEPLOYMENTS
async def test_null_for_an_optional_parameter_means_not_given(connect: ClientFactory) -> None:
    """fields=null and page_token=null are taken as "not given", as agents often send them."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool(
            "search_jql",
            {"jql": "project = SHOP", "fields": None, "page_token": None, "limit": 2},
        )
    assert not result.is_error, text_of(result)


@DEPLOYMENTS
async def test_a_list_sent_as_json_text_still_works(connect: ClientFactory) -> None:
    """keys='["SHOP-1"]' (a list as JSON text, as some clients send it) is read as a list."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("bulk_fetch", {"keys": '["SHOP-1"]'})
    assert not result.is_error, text_of(result)
    assert "SHOP-1" in text_of(result)


@DEPLOYMENTS
async def test_text_that_looks_like_json_stays_text(
    connect: ClientFactory, deployment: Deployment
) -> None:
    """An optional text parameter (description) sent as '["a", "b"]' is taken as that text
    (written as ADF on Cloud, as wiki markup on Data Center)."""
    text = '["a", "b"]'
    arguments = {"summary": "s", "project": "SHOP", "description": text, "dry_run": True}
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("create_issue", arguments)
    assert not result.is_error, text_of(result)
    sent = (result.structured_content or {})["request"]["body"]["fields"]["description"]
    rich_text = markdown_to_wiki if deployment == "datacenter" else markdown_to_adf
    assert sent == rich_text(text)


@DEPLOYMENTS
async def test_a_malformed_key_is_described_not_shown_as_a_regex(connect: ClientFactory) -> None:
    """transition(key="nope") asks for an issue key like PROJ-123."""
    async with connect(jira_projects="SHOP,OPS") as client:
        result = await client.call_tool("transition", {"key": "nope", "to": "Done"})
    assert result.is_error
    assert text_of(result) == (
        "transition: `key` is 'nope', not in the expected form; "
        "send an issue key like PROJ-123 (Issue key)."
    )
