"""Reading an answer's body with a cap on its decoded size.

A hostile or broken upstream can send a small gzip body that inflates to gigabytes, or a
plain answer of hundreds of megabytes. The body is read as a stream and decoded chunk by
chunk (httpx decompresses each network chunk in ``aiter_bytes``), and reading stops as soon
as the decoded bytes pass the cap. One network chunk (64 KiB at most from httpcore) inflates
at most about 1,000-fold, deflate's limit, so memory never holds much more than the cap
plus some 64 MB; stacked codings, which would multiply that, are refused unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

_NO_ENCODING = ("", "identity")


@dataclass(frozen=True)
class Body:
    """The bytes read; ``complete`` is False when the cap stopped the reading."""

    data: bytes
    complete: bool


def stacked_encoding(response: httpx.Response) -> str | None:
    """The Content-Encoding when it stacks several codings (``gzip, gzip``), else None.

    Jira never stacks codings, and a stack multiplies the inflation of each chunk (a
    64 KiB chunk of a double gzip can inflate to tens of gigabytes in one step).
    """
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    real = [c for c in codings if c not in _NO_ENCODING]
    return response.headers["content-encoding"] if len(real) > 1 else None


async def read_capped(response: httpx.Response, limit: int, *, keep_cut: bool = False) -> Body:
    """Up to ``limit`` decoded bytes of a streamed ``response``; the caller closes it.

    Past the cap the bytes read are dropped, unless ``keep_cut`` asks for them (an error
    answer's first bytes carry Jira's messages).
    """
    encoding = response.headers.get("content-encoding", "").strip().lower()
    declared = response.headers.get("content-length", "")
    if encoding in _NO_ENCODING and declared.isdigit() and int(declared) > limit:
        # Known to be too large before a byte is read: do not download it at all.
        return Body(b"", complete=False)
    # Chunks are joined once at the end: a growing buffer would copy itself as it grows.
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        room = limit - size
        if len(chunk) > room:
            if not keep_cut:
                return Body(b"", complete=False)
            chunks.append(chunk[:room])
            return Body(b"".join(chunks), complete=False)
        chunks.append(chunk)
        size += len(chunk)
    return Body(b"".join(chunks), complete=True)
