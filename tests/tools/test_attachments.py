"""get_attachment and add_attachment through a real MCP client against the sandbox."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.types import ImageContent
from starlette.types import Message, Receive, Scope, Send

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.seed_files import screenshot_png
from sandbox.site import Issue, Site
from server.app import build_server
from server.gateway.meta import Deployment
from tests.gateway.fakes import FakeClock
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of, tool_settings

pytestmark = pytest.mark.anyio

SHOP_PNG = "30001"
SEC_PNG = "30003"


def issue(app: Any, key: str) -> Issue:
    """An issue of the sandbox's site, by key."""
    site: Site = app.state.site
    found = site.find_issue(key)
    assert found is not None
    return found


@DEPLOYMENTS
async def test_a_png_is_shown_as_an_image_with_identical_bytes(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """The screenshot comes back as MCP image content, byte for byte, with its details."""
    async with connect(jira_projects="SHOP") as client:
        result = await client.call_tool("get_attachment", {"key": "SHOP-1", "attachment": SHOP_PNG})
    assert not result.is_error, text_of(result)
    images = [block for block in result.content if isinstance(block, ImageContent)]
    assert len(images) == 1
    assert images[0].mime_type == "image/png"
    assert base64.b64decode(images[0].data) == screenshot_png()
    assert result.structured_content is not None
    assert result.structured_content["filename"] == "shop-screenshot.png"
    assert result.structured_content["size"] == len(screenshot_png())
    assert result.structured_content["issue"] == "SHOP-1"
    assert "the image follows" in text_of(result)
    # Jira's credentials never went to the media host the content was redirected to.
    assert sandbox_app.state.counters.media_with_credentials == 0


@DEPLOYMENTS
async def test_a_log_is_returned_as_text_when_named_by_filename(connect: ClientFactory) -> None:
    """A text file named by its filename (any case) comes back as its text."""
    async with connect() as client:
        result = await client.call_tool(
            "get_attachment", {"key": "shop-1", "attachment": "SHOP-SERVICE.LOG"}
        )
    assert not result.is_error, text_of(result)
    assert "ERROR payment gateway answered 502" in text_of(result)
    assert result.structured_content is not None
    assert result.structured_content["shown_as"] == "text"
    assert not [b for b in result.content if isinstance(b, ImageContent)]


@DEPLOYMENTS
async def test_a_file_over_max_bytes_is_refused_before_it_is_read(deployment: Deployment) -> None:
    """Too large: the error gives the size and what to ask for; no content is downloaded."""
    recorder = RequestRecorder(create_app(SandboxConfig(rate_limit=None, deployment=deployment)))
    server = build_server(tool_settings(jira_deployment=deployment), jira_app=recorder)
    async with Client(server, raise_exceptions=False) as client:
        result = await client.call_tool(
            "get_attachment", {"key": "SHOP-1", "attachment": SHOP_PNG, "max_bytes": 100}
        )
    assert result.is_error
    size = len(screenshot_png())
    assert f"{size:,} bytes" in text_of(result)
    assert f"max_bytes={size}" in text_of(result)
    assert not [r for r in recorder.requests if "/attachment/content/" in r or "/secure/" in r]


@DEPLOYMENTS
async def test_an_unknown_attachment_lists_the_issue_s_files(connect: ClientFactory) -> None:
    """A name the issue has no file for answers with the files it has."""
    async with connect() as client:
        result = await client.call_tool(
            "get_attachment", {"key": "SHOP-1", "attachment": "missing.pdf"}
        )
        empty = await client.call_tool("get_attachment", {"key": "SHOP-2", "attachment": "a"})
    assert result.is_error
    assert "shop-screenshot.png" in text_of(result)
    assert "shop-service.log" in text_of(result)
    assert empty.is_error
    assert "SHOP-2 has no attachments" in text_of(empty)


def sandbox_playing(deployment: Deployment) -> Any:
    """A fresh sandbox without its rate limit, playing ``deployment``."""
    return create_app(SandboxConfig(rate_limit=None, deployment=deployment))


@asynccontextmanager
async def shop_client(jira_app: Any, deployment: Deployment) -> AsyncIterator[Client]:
    """An MCP client scoped to SHOP, through ``jira_app`` (a sandbox, perhaps wrapped)."""
    settings = tool_settings(jira_projects="SHOP", jira_deployment=deployment)
    async with Client(build_server(settings, jira_app=jira_app), raise_exceptions=False) as c:
        yield c


@DEPLOYMENTS
async def test_another_issue_s_attachment_id_is_refused_without_reading_it(
    deployment: Deployment,
) -> None:
    """An SEC file's id asked through a SHOP issue: refused, and its content never read."""
    recorder = RequestRecorder(sandbox_playing(deployment))
    async with shop_client(recorder, deployment) as client:
        result = await client.call_tool("get_attachment", {"key": "SHOP-1", "attachment": SEC_PNG})
    assert result.is_error
    assert "sec-" not in text_of(result)
    assert not [r for r in recorder.requests if "/attachment/" in r or "/file/" in r]
    assert not [r for r in recorder.requests if "/secure/" in r]


@DEPLOYMENTS
async def test_a_text_upload_is_attached_once(connect: ClientFactory, sandbox_app: Any) -> None:
    """Text is uploaded as UTF-8 under a plain file name; the answer names the new id."""
    async with connect(jira_projects="SHOP") as client:
        result = await client.call_tool(
            "add_attachment",
            {"key": "SHOP-2", "filename": "../../notes/ré sumé.md", "text": "# Notes\nDone ✓\n"},
        )
    assert not result.is_error, text_of(result)
    files = issue(sandbox_app, "SHOP-2").attachments
    assert [(f.filename, f.content) for f in files] == [
        ("ré sumé.md", "# Notes\nDone ✓\n".encode())
    ]
    assert result.structured_content is not None
    assert result.structured_content["attachment_id"] == str(files[0].id)
    assert result.structured_content["size"] == len("# Notes\nDone ✓\n".encode())


@DEPLOYMENTS
async def test_a_png_uploaded_in_base64_reads_back_identical(connect: ClientFactory) -> None:
    """add_attachment then get_attachment: the same bytes, shown as an image."""
    png = screenshot_png(20, 10)
    async with connect() as client:
        added = await client.call_tool(
            "add_attachment",
            {
                "key": "OPS-1",
                "filename": "chart.png",
                "content_base64": base64.b64encode(png).decode(),
            },
        )
        assert added.structured_content is not None
        read = await client.call_tool(
            "get_attachment",
            {"key": "OPS-1", "attachment": added.structured_content["attachment_id"]},
        )
    images = [block for block in read.content if isinstance(block, ImageContent)]
    assert [base64.b64decode(image.data) for image in images] == [png]


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"text": "a", "content_base64": "YQ=="}, "exactly one of text"),
        ({}, "exactly one of text"),
        ({"content_base64": "not base64!"}, "not valid base64"),
        ({"text": ""}, "empty"),
        (
            {"content_base64": base64.b64encode(b"\0" * (10 * 1024 * 1024 + 1)).decode()},
            "at most 10,485,760",
        ),
    ],
)
@DEPLOYMENTS
async def test_bad_content_is_refused_and_nothing_is_attached(
    connect: ClientFactory, sandbox_app: Any, arguments: dict[str, Any], says: str
) -> None:
    """Each wrong content says what to send, and attaches nothing."""
    async with connect() as client:
        result = await client.call_tool(
            "add_attachment", {"key": "SHOP-2", "filename": "a.bin", **arguments}
        )
    assert result.is_error
    assert says in text_of(result)
    assert issue(sandbox_app, "SHOP-2").attachments == []


@DEPLOYMENTS
async def test_a_dry_run_attaches_nothing(connect: ClientFactory, sandbox_app: Any) -> None:
    """dry_run checks the issue and the file, and sends no upload."""
    async with connect() as client:
        result = await client.call_tool(
            "add_attachment",
            {"key": "SHOP-2", "filename": "a.txt", "text": "hello", "dry_run": True},
        )
    assert not result.is_error, text_of(result)
    assert "Nothing was sent" in text_of(result)
    assert issue(sandbox_app, "SHOP-2").attachments == []


@DEPLOYMENTS
async def test_read_only_mode_offers_get_attachment_but_not_add_attachment(
    connect: ClientFactory,
) -> None:
    """The uploader is a writer: hidden in read-only mode; the reader stays."""
    async with connect(jira_read_only=True) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    assert "get_attachment" in names
    assert "add_attachment" not in names


class FailAfterUpload:
    """The sandbox does the upload, then the client gets a 503 (a proxy failing late)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.uploads = 0

    @property
    def state(self) -> Any:
        """The sandbox's state, for the site."""
        return self.app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and scope["path"].endswith("/attachments")
        if not upload:
            await self.app(scope, receive, send)
            return
        self.uploads += 1

        async def swallow(message: Message) -> None:
            pass

        await self.app(scope, receive, swallow)
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@DEPLOYMENTS
async def test_an_upload_whose_answer_is_lost_to_a_503_is_attached_once(
    deployment: Deployment,
) -> None:
    """Jira attached the file but its answer was a 503: settled by a read, not sent again."""
    app = FailAfterUpload(sandbox_playing(deployment))
    async with shop_client(app, deployment) as client:
        result = await client.call_tool(
            "add_attachment", {"key": "SHOP-2", "filename": "a.txt", "text": "once"}
        )
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert result.structured_content["recovered"] is True
    assert app.uploads == 1
    assert [f.content for f in issue(app, "SHOP-2").attachments] == [b"once"]


async def test_an_upload_slower_than_the_timeout_is_attached_once() -> None:
    """The client gives up, Jira finishes later: the settle reads find it, nothing is resent."""
    clock = FakeClock()
    config = SandboxConfig(rate_limit=None, clock=clock.wall, sleep=clock.sleep)
    config.faults.write_latency = 12.0
    app = create_app(config)
    server = build_server(tool_settings(jira_timeout=5), jira_app=app, clock=clock)
    async with Client(server, raise_exceptions=False) as client:
        result = await client.call_tool(
            "add_attachment", {"key": "SHOP-2", "filename": "slow.txt", "text": "slow"}
        )
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert result.structured_content["recovered"] is True
    assert [f.filename for f in issue(app, "SHOP-2").attachments] == ["slow.txt"]


async def test_data_center_content_is_read_from_its_secure_link_without_a_redirect() -> None:
    """On Data Center a file named with spaces and accents is read from
    /secure/attachment/{id}/..., in one request, and never from a media host."""
    recorder = RequestRecorder(create_app(SandboxConfig(rate_limit=None, deployment="datacenter")))
    settings = tool_settings(jira_projects="SHOP", jira_deployment="datacenter")
    server = build_server(settings, jira_app=recorder)
    async with Client(server, raise_exceptions=False) as client:
        added = await client.call_tool(
            "add_attachment", {"key": "SHOP-2", "filename": "ré sumé 1.md", "text": "# Done\n"}
        )
        assert added.structured_content is not None
        recorder.take()
        read = await client.call_tool(
            "get_attachment",
            {"key": "SHOP-2", "attachment": added.structured_content["attachment_id"]},
        )
        sent = recorder.take()
    assert not read.is_error, text_of(read)
    assert "# Done" in text_of(read)
    downloads = [r for r in sent if "/secure/attachment/" in r]
    assert len(downloads) == 1, sent
    assert downloads[0].startswith(
        f"GET /secure/attachment/{added.structured_content['attachment_id']}/"
    )
    assert not [r for r in sent if "/file/" in r or "/attachment/content/" in r]
