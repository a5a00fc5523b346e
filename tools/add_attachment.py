"""add_attachment: attach one file to an issue, never twice.

The file comes as ``text`` (encoded as UTF-8) or as ``content_base64``; its name is reduced to
a plain file name (no folders, no control characters). The upload is multipart with Jira's
no-check header, and one whose answer is lost is settled by the gateway by listing the
issue's attachments, so a retry never attaches the file a second time.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

from pydantic import Field

from server.files import safe_filename, upload_type
from server.gateway.attachments import UploadNotSettled
from server.gateway.scope import ISSUE_KEY
from tools.support.base import ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec

MAX_UPLOAD: Final = 10 * 1024 * 1024  # Jira Cloud's default attachment size limit
# Base64 takes 4 characters for every 3 bytes.
MAX_BASE64: Final = (MAX_UPLOAD + 2) // 3 * 4


class Params(ToolParams):
    """Input of add_attachment."""

    key: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="Issue key.")
    filename: str = Field(min_length=1, max_length=255, description="File name, e.g. notes.md.")
    text: str | None = Field(None, max_length=MAX_UPLOAD, description="Text content.")
    content_base64: str | None = Field(
        None, max_length=MAX_BASE64 + 4, description="Binary content, base64."
    )
    dry_run: bool = Field(False, description="Only check; attach nothing.")


class Result(ToolResult):
    """The attachment made (or, in a dry run, the one that would be)."""

    key: str
    attachment_id: str | None
    filename: str
    size: int
    dry_run: bool = False
    recovered: bool = Field(False, description="Answer lost; attachment found on the issue.")


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Check the name and content, then upload once (or only check, in a dry run)."""
    key = params.key.upper()
    filename = _filename(params.filename)
    content, is_text = _content(params)
    mime_type = upload_type(filename, is_text=is_text)
    if params.dry_run:
        await ctx.gateway.attachments.listed(key)  # the issue must exist and be in scope
        return Result(
            key=key, attachment_id=None, filename=filename, size=len(content), dry_run=True
        )
    try:
        upload = await ctx.gateway.attachments.upload_once(key, filename, content, mime_type)
    except UploadNotSettled as exc:
        raise ToolInputError(
            f"Jira's answer to the upload was lost and {filename} ({len(content):,} bytes) did "
            f"not appear on {key} within the time allowed; it may still appear. Check the "
            f"issue's attachments (get_attachment key={key} attachment={filename}) before "
            "sending it again."
        ) from exc
    return Result(
        key=key,
        attachment_id=str(upload.attachment.get("id")),
        filename=str(upload.attachment.get("filename") or filename),
        size=int(upload.attachment.get("size") or len(content)),
        recovered=upload.recovered,
    )


def _filename(name: str) -> str:
    try:
        return safe_filename(name)
    except ValueError:
        raise ToolInputError(
            "filename has no usable name in it. Send a plain file name like notes.md."
        ) from None


def _content(params: Params) -> tuple[bytes, bool]:
    """The file's bytes and whether they came as text."""
    if (params.text is None) == (params.content_base64 is None):
        raise ToolInputError("Send exactly one of text (for text files) or content_base64.")
    if params.text is not None:
        content, is_text = params.text.encode(), True
    else:
        try:
            content = base64.b64decode(params.content_base64 or "", validate=True)
        except (binascii.Error, ValueError):
            raise ToolInputError(
                "content_base64 is not valid base64. Send the file's bytes in standard base64 "
                "(A-Z, a-z, 0-9, +, /, = padding) or use text for a text file."
            ) from None
        is_text = False
    if not content:
        raise ToolInputError("The file is empty. Send its content in text or content_base64.")
    if len(content) > MAX_UPLOAD:
        raise ToolInputError(
            f"The file is {len(content):,} bytes; Jira takes at most {MAX_UPLOAD:,} "
            "(10 MB) per attachment."
        )
    return content, is_text


def render(result: Result) -> str:
    """One line: what was attached where."""
    if result.dry_run:
        return (
            f"Dry run: {result.filename} ({result.size:,} bytes) would be attached to "
            f"{result.key}. Nothing was sent."
        )
    note = (
        " (Jira's answer was lost; found on the issue, attached once)" if result.recovered else ""
    )
    return (
        f"Attached {result.filename} ({result.size:,} bytes) to {result.key} as attachment "
        f"{result.attachment_id}{note}."
    )


SPEC = ToolSpec(
    name="add_attachment",
    title="Attach a file",
    description="Attach a file (text or base64, at most 10 MB) to an issue.",
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=False,
    destructive=False,
    idempotent=False,
    open_world=True,
)
