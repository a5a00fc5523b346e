"""Attachment downloads: which ids the guard lets through, and where redirects may lead."""

from __future__ import annotations

import pytest
import respx

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from server.config import Settings
from server.errors import InvalidResponse, NotVisible, ResponseTooLarge
from server.gateway import JiraGateway
from server.gateway.guard import tool_call
from tests.gateway.conftest import JIRA, GatewayFactory

pytestmark = pytest.mark.anyio

MEDIA = "https://api.media.atlassian.com/file/abc/binary?token=t"
ISSUE_WITH_FILE = {
    "id": "10001",
    "key": "SHOP-1",
    "fields": {
        "project": {"id": "10000", "key": "SHOP"},
        "attachment": [{"id": "77", "filename": "a.png", "size": 3, "mimeType": "image/png"}],
    },
}


def sandbox_settings(projects: str) -> Settings:
    """The sandbox, scoped to ``projects``."""
    return Settings.model_validate(
        {"jira_url": "sandbox", "jira_projects": projects, "jira_rate_limit": 1000}
    )


async def test_only_files_listed_on_an_issue_read_in_the_same_call_are_fetched() -> None:
    """With a scope, an attachment id is fetched only after an allowed issue listed it."""
    app = create_app(SandboxConfig(rate_limit=None))
    async with JiraGateway.open(sandbox_settings("SHOP"), asgi_app=app) as gateway:
        with tool_call(), pytest.raises(NotVisible):
            await gateway.attachments.content("30001", max_bytes=10_000)
        with tool_call():
            await gateway.attachments.listed("SHOP-1")
            shop = await gateway.attachments.content("30001", max_bytes=10_000)
            with pytest.raises(NotVisible):
                await gateway.attachments.content("30003", max_bytes=10_000)  # SEC-1's
        with tool_call(), pytest.raises(NotVisible):
            await gateway.attachments.content("30001", max_bytes=10_000)  # a new call
    assert shop.content.startswith(b"\x89PNG")


async def test_a_download_past_max_bytes_stops_with_the_size_to_ask_for() -> None:
    """Reading stops at max_bytes, with an error that says how to get the file."""
    app = create_app(SandboxConfig(rate_limit=None))
    async with JiraGateway.open(sandbox_settings(""), asgi_app=app) as gateway:
        with tool_call(), pytest.raises(ResponseTooLarge, match="max_bytes=100"):
            await gateway.attachments.content("30001", max_bytes=100)


@respx.mock
async def test_the_media_host_gets_no_jira_credentials(open_gateway: GatewayFactory) -> None:
    """A 303 to Atlassian's media host is followed without Authorization."""
    respx.get(f"{JIRA}/rest/api/3/issue/SHOP-1").respond(json=ISSUE_WITH_FILE)
    respx.get(f"{JIRA}/rest/api/3/attachment/content/77").respond(303, headers={"location": MEDIA})
    media = respx.get(MEDIA).respond(content=b"png", headers={"content-type": "image/png"})
    async with open_gateway(jira_projects="SHOP") as gateway:
        with tool_call():
            await gateway.attachments.listed("SHOP-1")
            got = await gateway.attachments.content("77", max_bytes=100)
    assert got.content == b"png"
    assert "authorization" not in media.calls.last.request.headers


@respx.mock
async def test_a_redirect_within_the_site_keeps_the_credentials(
    open_gateway: GatewayFactory,
) -> None:
    """A redirect to Jira's own host (as Data Center does) is followed with Authorization."""
    respx.get(f"{JIRA}/rest/api/3/attachment/content/77").respond(
        302, headers={"location": "/secure/attachment/77/a.png"}
    )
    own = respx.get(f"{JIRA}/secure/attachment/77/a.png").respond(content=b"abc")
    async with open_gateway() as gateway:
        with tool_call():
            got = await gateway.attachments.content("77", max_bytes=100)
    assert got.content == b"abc"
    assert own.calls.last.request.headers["authorization"].startswith("Basic ")


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example.com/steal",
        "http://api.media.atlassian.com/file/abc/binary",  # not HTTPS
        "https://api.media.atlassian.com.evil.example/x",
    ],
)
@respx.mock
async def test_a_redirect_anywhere_else_is_not_followed(
    open_gateway: GatewayFactory, location: str
) -> None:
    """Any other host is refused with a clear error, and never contacted."""
    respx.get(f"{JIRA}/rest/api/3/attachment/content/77").respond(
        303, headers={"location": location}
    )
    elsewhere = respx.get(url__startswith=location.split("/", 3)[0] + "//").respond(content=b"x")
    async with open_gateway() as gateway:
        with tool_call(), pytest.raises(InvalidResponse, match="not followed"):
            await gateway.attachments.content("77", max_bytes=100)
    assert not elsewhere.called


@respx.mock
async def test_a_redirect_loop_stops(open_gateway: GatewayFactory) -> None:
    """Redirects are followed a few times at most."""
    respx.get(f"{JIRA}/rest/api/3/attachment/content/77").respond(
        302, headers={"location": "/rest/api/3/attachment/content/77"}
    )
    async with open_gateway() as gateway:
        with tool_call(), pytest.raises(InvalidResponse, match="redirected more than"):
            await gateway.attachments.content("77", max_bytes=100)
