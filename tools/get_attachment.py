"""get_attachment: one file of an issue, as an image the model can see, as text, or described.

The issue is read first (in scope, fresh) and only a file listed on it is fetched: Jira's
attachment endpoints do not say which issue a file belongs to, so the issue vouches for it
(the gateway's guard refuses any other id). A file larger than ``max_bytes`` is refused with
its size before a byte of it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from pydantic import Field, PrivateAttr

from server.files import FileKind, decode_text, image_type, kind_of
from server.gateway.scope import ISSUE_KEY
from tools.support.base import Image, ToolContext, ToolInputError, ToolParams, ToolResult, ToolSpec

MAX_BYTES: Final = 20_000_000
LISTED: Final = 20  # attachments named in an error that lists them


class Params(ToolParams):
    """Input of get_attachment."""

    key: str = Field(pattern=ISSUE_KEY.pattern, max_length=50, description="Issue key.")
    attachment: str = Field(min_length=1, max_length=255, description="Attachment id or filename.")
    max_bytes: int = Field(5_000_000, ge=1, le=MAX_BYTES, description="Largest file to read.")


class Result(ToolResult):
    """The file's details, and its text when it is a text file."""

    id: str
    filename: str
    mime_type: str
    size: int
    issue: str
    shown_as: FileKind
    text: str | None = None
    _image: bytes | None = PrivateAttr(default=None)


async def handle(ctx: ToolContext, params: Params) -> Result:
    """Read the issue's list, pick the file, check its size, then read and classify it."""
    key = params.key.upper()
    chosen = _choose(await ctx.gateway.attachments.listed(key), params.attachment, key)
    size = _int(chosen.get("size"))
    filename = str(chosen.get("filename") or "")
    if size > params.max_bytes:
        raise ToolInputError(
            f"{filename} on {key} is {size:,} bytes, more than max_bytes={params.max_bytes:,}. "
            f"Ask again with max_bytes={size} (at most {MAX_BYTES:,}) to read it."
        )
    result = Result(
        id=str(chosen.get("id")),
        filename=filename,
        mime_type=str(chosen.get("mimeType") or "application/octet-stream"),
        size=size,
        issue=key,
        shown_as=kind_of(str(chosen.get("mimeType") or ""), filename),
    )
    if result.shown_as is FileKind.OTHER:
        return result
    download = await ctx.gateway.attachments.content(result.id, max_bytes=params.max_bytes)
    if result.shown_as is FileKind.IMAGE:
        real = image_type(download.content)
        if real is None:  # declared an image, but its bytes are not one a model can see
            return result.model_copy(update={"shown_as": FileKind.OTHER})
        image = result.model_copy(update={"mime_type": real, "size": len(download.content)})
        image._image = download.content
        return image
    text = decode_text(download.content, download.content_type or result.mime_type)
    return result.model_copy(update={"text": text, "size": len(download.content)})


def _choose(listed: list[dict[str, Any]], wanted: str, key: str) -> dict[str, Any]:
    """The attachment named by id or filename (exact, then ignoring case)."""
    wanted = wanted.strip()
    for item in listed:
        if str(item.get("id")) == wanted:
            return item
    for fold in (False, True):
        matches = [item for item in listed if _named(item, wanted, fold=fold)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ToolInputError(
                f"{len(matches)} attachments of {key} are named {wanted}: "
                + "; ".join(_line(m) for m in matches)
                + ". Name one by its id."
            )
    if not listed:
        raise ToolInputError(f"{key} has no attachments.")
    shown = "; ".join(_line(item) for item in reversed(listed[-LISTED:]))
    more = f" (the newest {LISTED} of {len(listed)})" if len(listed) > LISTED else ""
    raise ToolInputError(
        f"{key} has no attachment {wanted!r}. Its attachments{more}: {shown}. "
        "Name one by id or filename."
    )


def _named(item: dict[str, Any], wanted: str, *, fold: bool) -> bool:
    name = str(item.get("filename") or "")
    return name.lower() == wanted.lower() if fold else name == wanted


def _line(item: dict[str, Any]) -> str:
    created = str(item.get("created") or "")[:10]
    return f"{item.get('id')} {item.get('filename')} ({_int(item.get('size')):,} bytes, {created})"


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def render(result: Result) -> str:
    """One line about the file; then its text, or a word on where the image is."""
    head = (
        f"{result.filename} ({result.mime_type}, {_size(result.size)}) "
        f"on {result.issue}, attachment {result.id}"
    )
    if result.shown_as is FileKind.IMAGE:
        return f"{head}: the image follows."
    if result.shown_as is FileKind.TEXT:
        return f"{head}:\n{result.text}"
    return f"{head}: not shown (neither an image nor text). Open it from the issue in Jira."


def images(result: Result) -> Sequence[Image]:
    """The image itself, when the file is one."""
    if result._image is None:
        return ()
    return (Image(result._image, result.mime_type),)


SPEC = ToolSpec(
    name="get_attachment",
    title="Read an attachment",
    description=(
        "Read a file attached to an issue: images are shown, text files returned as text, "
        "other files described."
    ),
    params=Params,
    result=Result,
    handler=handle,
    render=render,
    read_only=True,
    destructive=False,
    idempotent=True,
    open_world=True,
    images=images,
)
