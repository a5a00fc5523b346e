"""A hostile or broken Jira on a real socket: size caps on answers, never more rows than asked.

The tool tests go through a real MCP client; the fake Jira is a real HTTP server on
127.0.0.1, so gzip decoding and streaming run exactly as against a real site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager

import pytest
from mcp import Client
from mcp.types import CallToolResult

from server.app import build_server
from server.config import Settings
from server.errors import BadRequest, InvalidResponse, ResponseTooLarge, WriteOutcomeUnknown
from tests.gateway.conftest import GatewayFactory
from tests.gateway.hostile_jira import (
    GIB,
    MIB,
    Answer,
    HostileJira,
    Route,
    big_json,
    gzip_bomb,
    issues_page,
    json_answer,
    serving,
)
from tests.tools.conftest import text_of

pytestmark = pytest.mark.anyio

SEARCH = "/rest/api/3/search/jql"


@pytest.fixture
def fake() -> Iterator[tuple[HostileJira, str]]:
    """A fake Jira serving on 127.0.0.1; yields it and its URL."""
    jira = HostileJira()
    with serving(jira) as url:
        yield jira, url


def on_search(answer: Callable[[], Answer]) -> Route:
    """A route answering every search with a fresh ``answer()``."""

    def route(method: str, path: str, body: bytes) -> Answer | None:
        return answer() if path.startswith(SEARCH) else None

    return route


@asynccontextmanager
async def connect(url: str, **overrides: object) -> AsyncIterator[Client]:
    """An MCP client to a server whose Jira is the fake at ``url``."""
    values: dict[str, object] = {
        "jira_url": url,
        "jira_email": "ada@example.com",
        "jira_api_token": "fake-jira-token-0123",
        "jira_deployment": "cloud",
        "jira_rate_limit": 1000,
        "jira_rate_burst": 1000,
        "jira_timeout": 60,
    }
    values.update(overrides)
    server = build_server(Settings.model_validate(values))
    async with Client(server, raise_exceptions=False) as client:
        yield client


async def search(url: str, **overrides: object) -> CallToolResult:
    """search_jql for 20 issues of PROJ."""
    async with connect(url, **overrides) as client:
        return await client.call_tool("search_jql", {"jql": "project = PROJ", "limit": 20})


async def test_gzip_bomb_stops_at_the_cap(fake: tuple[HostileJira, str]) -> None:
    """A 2 MB gzip body inflating to 2 GiB ends in a clear error naming the cap, sent once."""
    jira, url = fake
    jira.routes.append(on_search(lambda: gzip_bomb(2 * GIB)))
    result = await search(url)
    assert result.is_error
    text = text_of(result)
    assert "larger than 32 MB" in text
    assert "JIRA_MAX_RESPONSE_BYTES" in text
    assert "fewer fields" in text
    # Too large is not retried: the same request would bring the same answer.
    assert jira.count(f"POST {SEARCH}") == 1


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_50_mb_answer_is_refused_not_returned(
    fake: tuple[HostileJira, str], chunked: bool
) -> None:
    """A 50 MB answer becomes a short error, not a 48 MB tool result."""
    jira, url = fake
    jira.routes.append(on_search(lambda: big_json(50 * MIB, chunked=chunked)))
    result = await search(url)
    assert result.is_error
    assert "JIRA_MAX_RESPONSE_BYTES" in text_of(result)
    assert len(text_of(result)) < 1000
    assert jira.count(f"POST {SEARCH}") == 1


async def test_the_cap_is_a_setting(fake: tuple[HostileJira, str]) -> None:
    """JIRA_MAX_RESPONSE_BYTES sets the cap: a 2 MB answer passes 32 MB but not 1 MB."""
    jira, url = fake
    jira.routes.append(on_search(lambda: big_json(2 * MIB, chunked=True)))
    assert not (await search(url)).is_error
    small = await search(url, jira_max_response_bytes=MIB)
    assert small.is_error
    assert "larger than 1 MB" in text_of(small)


async def test_20000_issues_when_20_were_asked(fake: tuple[HostileJira, str]) -> None:
    """A search page of 20,000 issues reaches the model as the 20 that were asked."""
    jira, url = fake
    jira.routes.append(on_search(lambda: issues_page(20_000)))
    result = await search(url)
    assert not result.is_error, text_of(result)
    data = result.structured_content
    assert data is not None
    assert [issue["key"] for issue in data["issues"]] == [f"PROJ-{n}" for n in range(1, 21)]
    assert "PROJ-21" not in text_of(result)


async def test_sprint_page_keeps_only_what_was_asked(
    fake: tuple[HostileJira, str], open_gateway: GatewayFactory
) -> None:
    """An agile issue page of 5,000 when 50 were asked gives 50, and the next page starts at 50."""
    jira, url = fake
    jira.routes.append(lambda m, p, b: issues_page(5000) if "/sprint/7/issue" in p else None)
    async with open_gateway(jira_url=url) as gateway:
        issues, following = await gateway.agile.sprint_issues_page(7, ["summary"], 0, 50)
    assert len(issues) == 50
    assert following == 50


async def test_oversized_answer_to_a_write_leaves_its_outcome_to_settle(
    fake: tuple[HostileJira, str], open_gateway: GatewayFactory
) -> None:
    """A create answered 201 with a body past the cap is an unknown outcome, to settle by a read."""
    jira, url = fake
    created = big_json(2 * MIB, chunked=True)
    jira.routes.append(lambda m, p, b: Answer(201, created.headers, created.chunks))
    async with open_gateway(jira_url=url, jira_max_response_bytes=MIB) as gateway:
        with pytest.raises(WriteOutcomeUnknown) as caught:
            await gateway.http.request("POST", "/rest/api/3/issue", body={"fields": {}})
    assert isinstance(caught.value.cause, ResponseTooLarge)
    assert jira.count("POST /rest/api/3/issue") == 1


async def test_error_answer_past_the_cap_keeps_its_status(
    fake: tuple[HostileJira, str], open_gateway: GatewayFactory
) -> None:
    """A 400 with a 50 MB body is still the 400 (its body cut), read without holding 50 MB."""
    jira, url = fake
    huge = big_json(50 * MIB, chunked=True)
    jira.routes.append(on_search(lambda: Answer(400, huge.headers, huge.chunks)))
    async with open_gateway(jira_url=url) as gateway:
        with pytest.raises(BadRequest):
            await gateway.search_page("project = PROJ")


async def test_answer_compressed_twice_is_refused(
    fake: tuple[HostileJira, str], open_gateway: GatewayFactory
) -> None:
    """Content-Encoding: gzip, gzip (a bomb inside a bomb) is refused before it is inflated."""
    jira, url = fake
    bomb = gzip_bomb(MIB)
    headers = {**bomb.headers, "Content-Encoding": "gzip, gzip"}
    jira.routes.append(on_search(lambda: Answer(200, headers, bomb.chunks)))
    async with open_gateway(jira_url=url) as gateway:
        with pytest.raises(InvalidResponse, match="compressed several times"):
            await gateway.search_page("project = PROJ")


async def test_plain_answer_under_the_cap_still_works(
    fake: tuple[HostileJira, str], open_gateway: GatewayFactory
) -> None:
    """An ordinary answer is read whole and decoded as before."""
    jira, url = fake
    jira.routes.append(on_search(lambda: json_answer({"issues": [], "isLast": True})))
    async with open_gateway(jira_url=url) as gateway:
        page = await gateway.search_page("project = PROJ")
    assert page.issues == []
    assert page.is_last


async def test_board_list_keeps_only_what_was_asked(
    fake: tuple[HostileJira, str], open_gateway: GatewayFactory
) -> None:
    """A board list of 500 when 50 were asked gives 50."""
    jira, url = fake
    boards = [{"id": n, "location": {"projectKey": "PROJ"}} for n in range(1, 501)]
    jira.routes.append(
        lambda m, p, b: (
            json_answer({"values": boards}) if p.startswith("/rest/agile/1.0/board?") else None
        )
    )
    async with open_gateway(jira_url=url) as gateway:
        found = await gateway.agile.boards("PROJ")
    assert [board["id"] for board in found] == list(range(1, 51))
