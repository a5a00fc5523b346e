"""The tool surface a client sees: snapshot, annotations, descriptions, selection and size.

The snapshot (tests/tools/surface.json) is the reviewed contract of every tool's name, title,
description, schemas and annotations; the README's tool table is generated from it.
After an intended change, regenerate it and review the diff:
    UPDATE_SURFACE=1 .venv/bin/pytest tests/tools/test_surface.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from mcp.types import ListToolsResult, Tool

from sandbox.site import Site
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of
from tools import TOOL_NAMES, all_tools

pytestmark = pytest.mark.anyio

SNAPSHOT = Path(__file__).with_name("surface.json")
REGENERATE = "UPDATE_SURFACE=1 .venv/bin/pytest tests/tools/test_surface.py"
READERS = tuple(spec.name for spec in all_tools() if spec.read_only)
WRITERS = tuple(spec.name for spec in all_tools() if not spec.read_only)
# One call per writer that would write if it were allowed (a test fails if one is missing).
WRITER_CALLS = {
    "create_issue": {"summary": "should never exist"},
    "transition": {"key": "SHOP-1", "to": "Done"},
    "add_comment": {"key": "SHOP-1", "body": "should never be posted"},
    "update_issue": {"key": "SHOP-1", "summary": "should never be set"},
    "link_issues": {"key": "SHOP-1", "to": "SHOP-2", "type": "blocks"},
    "add_attachment": {"key": "SHOP-1", "filename": "never.txt", "text": "never"},
}
# (destructive, idempotent) of the writers after the first wave, as the contract states them.
WRITER_HINTS = {
    "add_comment": (False, False),
    "update_issue": (True, True),
    "link_issues": (False, True),
    "add_attachment": (False, False),
}
HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
MAX_FIRST_TOOLS_BYTES = 10 * 1024
MAX_TOOLS_LIST_BYTES = 18 * 1024


def surface_of(tool: Tool) -> dict[str, Any]:
    """The parts of a tool that are its contract with clients."""
    dumped = tool.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {
        "name": dumped["name"],
        "title": dumped.get("title"),
        "description": dumped.get("description"),
        "annotations": dumped.get("annotations"),
        "inputSchema": dumped.get("inputSchema"),
        "outputSchema": dumped.get("outputSchema"),
    }


def as_json(surface: list[dict[str, Any]]) -> str:
    return json.dumps(surface, indent=2, ensure_ascii=False) + "\n"


async def list_tools(connect: ClientFactory, **overrides: object) -> ListToolsResult:
    async with connect(**overrides) as client:
        return await client.list_tools()


def names(listed: ListToolsResult) -> list[str]:
    return [tool.name for tool in listed.tools]


@DEPLOYMENTS
async def test_surface_matches_the_snapshot(connect: ClientFactory) -> None:
    """tools/list equals the reviewed snapshot; UPDATE_SURFACE=1 rewrites it."""
    surface = [surface_of(tool) for tool in (await list_tools(connect)).tools]
    if os.environ.get("UPDATE_SURFACE") == "1":
        SNAPSHOT.write_text(as_json(surface), encoding="utf-8")
    assert SNAPSHOT.exists(), f"No {SNAPSHOT.name} yet; write it with `{REGENERATE}`."
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert surface == recorded, (
        f"The tool surface differs from {SNAPSHOT.name} for {changed_tools(surface, recorded)}. "
        f"If the change is intended, regenerate it with `{REGENERATE}` and review the diff."
    )


def changed_tools(current: list[dict[str, Any]], recorded: list[dict[str, Any]]) -> list[str]:
    """Names of tools added, removed or changed, for a failure message worth reading."""
    now = {tool["name"]: tool for tool in current}
    then = {tool["name"]: tool for tool in recorded}
    return sorted(name for name in now.keys() | then.keys() if now.get(name) != then.get(name))


@DEPLOYMENTS
async def test_every_registered_tool_is_listed_in_order(connect: ClientFactory) -> None:
    """Every tool of the registry is offered, in the registry's order."""
    assert names(await list_tools(connect)) == list(TOOL_NAMES)


@DEPLOYMENTS
async def test_every_tool_has_a_title_and_all_four_hints(connect: ClientFactory) -> None:
    """No tool lacks a title or any of the four annotation hints."""
    for tool in (await list_tools(connect)).tools:
        assert tool.title, f"{tool.name} has no title"
        assert tool.annotations is not None, f"{tool.name} has no annotations"
        hints = tool.annotations.model_dump(by_alias=True, exclude_none=True)
        missing = [hint for hint in HINTS if not isinstance(hints.get(hint), bool)]
        assert not missing, f"{tool.name} lacks {missing}"


@DEPLOYMENTS
async def test_every_input_property_has_a_description(connect: ClientFactory) -> None:
    """Each parameter of each tool tells the model what it is for."""
    for tool in (await list_tools(connect)).tools:
        assert tool.description, f"{tool.name} has no description"
        properties = tool.input_schema.get("properties", {})
        undescribed = [name for name, schema in properties.items() if not schema.get("description")]
        assert not undescribed, f"{tool.name}: no description on {undescribed}"


@DEPLOYMENTS
async def test_every_tool_declares_an_output_schema(connect: ClientFactory) -> None:
    """Each tool has a typed result (outputSchema) as the contract requires."""
    for tool in (await list_tools(connect)).tools:
        assert tool.output_schema, f"{tool.name} has no outputSchema"


@DEPLOYMENTS
async def test_annotations_match_what_each_tool_does(connect: ClientFactory) -> None:
    """Readers say read-only; writers say they write; only readers say nothing is destroyed."""
    tools = {tool.name: tool for tool in (await list_tools(connect)).tools}
    for name in READERS:
        annotations = tools[name].annotations
        assert annotations is not None
        assert annotations.read_only_hint is True, name
        assert annotations.destructive_hint is False, name
    for name in WRITERS:
        annotations = tools[name].annotations
        assert annotations is not None
        assert annotations.read_only_hint is False, name


@DEPLOYMENTS
async def test_later_writers_declare_their_effects(connect: ClientFactory) -> None:
    """add_comment and add_attachment are not idempotent; link_issues is; only update_issue
    overwrites."""
    tools = {tool.name: tool for tool in (await list_tools(connect)).tools}
    for name, (destructive, idempotent) in WRITER_HINTS.items():
        annotations = tools[name].annotations
        assert annotations is not None
        hints = (annotations.destructive_hint, annotations.idempotent_hint)
        assert hints == (destructive, idempotent), name


@DEPLOYMENTS
async def test_read_only_mode_lists_only_readers_and_refuses_writers(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """JIRA_READ_ONLY hides every writer, and calling one fails without writing anything."""
    site: Site = sandbox_app.state.site
    before = site.data.model_dump_json()
    async with connect(jira_read_only=True, jira_projects="SHOP,OPS") as client:
        listed = await client.list_tools()
        refused = {name: await client.call_tool(name, args) for name, args in WRITER_CALLS.items()}
    assert sorted(names(listed)) == sorted(READERS)
    assert all(t.annotations and t.annotations.read_only_hint for t in listed.tools)
    assert set(WRITER_CALLS) == set(WRITERS)
    for name, result in refused.items():
        assert result.is_error, f"{name}: {text_of(result)}"
    assert site.data.model_dump_json() == before


@DEPLOYMENTS
async def test_jira_tools_offers_only_the_named_tools(connect: ClientFactory) -> None:
    """JIRA_TOOLS keeps the named tools only."""
    listed = await list_tools(connect, jira_tools="validate_jql,sprint_progress")
    assert sorted(names(listed)) == ["sprint_progress", "validate_jql"]


@DEPLOYMENTS
async def test_jira_exclude_tools_hides_the_named_tools(connect: ClientFactory) -> None:
    """JIRA_EXCLUDE_TOOLS removes the named tools and keeps the rest in order."""
    listed = await list_tools(connect, jira_exclude_tools="create_issue,transition")
    excluded = {"create_issue", "transition"}
    assert names(listed) == [name for name in TOOL_NAMES if name not in excluded]


@DEPLOYMENTS
async def test_an_excluded_tool_cannot_be_called(connect: ClientFactory) -> None:
    """A tool hidden by JIRA_EXCLUDE_TOOLS is refused when called anyway."""
    async with connect(jira_exclude_tools="validate_jql") as client:
        result = await client.call_tool("validate_jql", {"jql": "project = SHOP"})
    assert result.is_error


@DEPLOYMENTS
async def test_tools_list_stays_small(connect: ClientFactory) -> None:
    """The whole tools/list answer, as JSON on the wire: the six first tools alone at most
    10 KB, every tool together at most 18 KB (about 4,500 tokens)."""
    for limit, overrides in (
        (MAX_FIRST_TOOLS_BYTES, {"jira_tools": ",".join(TOOL_NAMES[:6])}),
        (MAX_TOOLS_LIST_BYTES, {}),
    ):
        listed = await list_tools(connect, **overrides)
        size = len(listed.model_dump_json(by_alias=True, exclude_none=True).encode())
        print(f"tools/list: {size} bytes for {len(listed.tools)} tools")
        assert size <= limit, f"tools/list of {len(listed.tools)} tools is {size} bytes"


@DEPLOYMENTS
async def test_fields_advertise_the_configured_maximum(connect: ClientFactory) -> None:
    """`fields` advertises JIRA_MAX_FIELDS items, the limit the server applies, not 200."""
    listed = await list_tools(connect, jira_max_fields=7)
    for tool in listed.tools:
        fields = tool.input_schema.get("properties", {}).get("fields", {})
        if fields.get("type") == "array":
            assert fields["maxItems"] == 7, tool.name


@DEPLOYMENTS
async def test_output_schemas_are_inline_and_lean(connect: ClientFactory) -> None:
    """Output schemas carry no $defs, titles, output defaults or `additionalProperties: true`."""
    for tool in (await list_tools(connect)).tools:
        text = json.dumps(tool.output_schema)
        for noise in ('"$defs"', '"$ref"', '"title"', '"default"', '"additionalProperties": true'):
            assert noise not in text, (tool.name, noise)
