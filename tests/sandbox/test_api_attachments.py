"""Attachments: metadata, content through the media host's redirect, and uploads."""

from __future__ import annotations

import pytest

from sandbox.app import create_app
from sandbox.seed_files import PNG_SIGNATURE, screenshot_png
from tests.sandbox.helpers import checked, config, conforms, sandbox, site_of

ISSUE = "/rest/api/3/issue/{issueIdOrKey}"
METADATA = "/rest/api/3/attachment/{id}"
UPLOAD = "/rest/api/3/issue/{issueIdOrKey}/attachments"
NO_CHECK = {"X-Atlassian-Token": "no-check"}


@pytest.mark.anyio
async def test_issue_lists_its_attachments_in_atlassians_shape() -> None:
    """The seeded screenshot and log appear in SHOP-1's attachment field."""
    async with sandbox() as client:
        response = await client.get("/rest/api/3/issue/SHOP-1", params={"fields": "attachment"})
        body = checked(response, ISSUE)
    files = body["fields"]["attachment"]
    assert [f["filename"] for f in files] == ["shop-screenshot.png", "shop-service.log"]
    for item in files:
        conforms("Attachment", item)
    assert files[0]["mimeType"] == "image/png"
    assert files[0]["size"] == len(screenshot_png())


@pytest.mark.anyio
async def test_metadata_answers_by_id() -> None:
    """GET /attachment/{id} answers AttachmentMetadata; an unknown id answers 404."""
    async with sandbox() as client:
        body = checked(await client.get("/rest/api/3/attachment/30002"), METADATA)
        missing = await client.get("/rest/api/3/attachment/99999")
    assert body["filename"] == "shop-service.log"
    assert body["id"] == 30002
    assert missing.status_code == 404


@pytest.mark.anyio
async def test_content_redirects_to_the_media_host_which_serves_the_bytes() -> None:
    """Content answers 303 to the media host; following it gives the file itself."""
    async with sandbox() as client:
        first = await client.get("/rest/api/3/attachment/content/30001")
        assert first.status_code == 303
        location = first.headers["location"]
        assert location.startswith("https://api.media.atlassian.com/file/30001/binary?token=")
        media = await client.get(location)
        forged = await client.get("https://api.media.atlassian.com/file/30001/binary?token=x")
    assert media.status_code == 200
    assert media.content.startswith(PNG_SIGNATURE)
    assert media.headers["content-type"] == "image/png"
    assert forged.status_code == 404


@pytest.mark.anyio
async def test_content_without_redirect_answers_the_bytes() -> None:
    """redirect=false answers the bytes directly, as Jira documents."""
    async with sandbox() as client:
        response = await client.get(
            "/rest/api/3/attachment/content/30002", params={"redirect": "false"}
        )
    assert response.status_code == 200
    assert b"ERROR payment gateway" in response.content


@pytest.mark.anyio
async def test_media_host_counts_requests_carrying_jira_credentials() -> None:
    """The demo client sends its Basic credentials everywhere: the media host counts it."""
    app = create_app(config())
    async with sandbox(app) as client:
        location = (await client.get("/rest/api/3/attachment/content/30001")).headers["location"]
        await client.get(location)
    assert app.state.counters.media_with_credentials == 1


@pytest.mark.anyio
async def test_upload_adds_an_attachment() -> None:
    """A multipart upload with the no-check header answers the new attachment's details."""
    app = create_app(config())
    async with sandbox(app) as client:
        response = await client.post(
            "/rest/api/3/issue/SHOP-2/attachments",
            headers=NO_CHECK,
            files={"file": ("notes.txt", b"first line\n", "text/plain")},
        )
        body = checked(response, UPLOAD)
    assert [(a["filename"], a["size"], a["mimeType"]) for a in body] == [
        ("notes.txt", 11, "text/plain")
    ]
    issue = site_of(app).find_issue("SHOP-2")
    assert issue is not None
    assert [a.content for a in issue.attachments] == [b"first line\n"]


@pytest.mark.anyio
async def test_upload_without_the_xsrf_header_is_blocked() -> None:
    """Jira blocks an upload that lacks X-Atlassian-Token: no-check."""
    app = create_app(config())
    async with sandbox(app) as client:
        response = await client.post(
            "/rest/api/3/issue/SHOP-2/attachments",
            files={"file": ("notes.txt", b"x", "text/plain")},
        )
    assert response.status_code == 403
    assert response.json()["errorMessages"] == ["XSRF check failed"]
    issue = site_of(app).find_issue("SHOP-2")
    assert issue is not None
    assert issue.attachments == []


@pytest.mark.anyio
async def test_upload_over_the_size_limit_answers_413() -> None:
    """A file past Jira's 10 MB default answers 413 and attaches nothing."""
    app = create_app(config())
    async with sandbox(app) as client:
        response = await client.post(
            "/rest/api/3/issue/SHOP-2/attachments",
            headers=NO_CHECK,
            files={"file": ("big.bin", b"\0" * (10 * 1024 * 1024 + 1), "application/octet-stream")},
        )
    assert response.status_code == 413
    issue = site_of(app).find_issue("SHOP-2")
    assert issue is not None
    assert issue.attachments == []
