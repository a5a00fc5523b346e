"""Files attached to seeded issues: a PNG screenshot and a log, in SHOP and in SEC.

The PNG is drawn here (a small gradient, encoded with zlib as the PNG format asks), so the
seed needs no binary file and a round trip can be checked byte for byte.
"""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import timedelta

from sandbox.config import DEMO_ACCOUNT_ID
from sandbox.site import Attachment, SiteData

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def screenshot_png(width: int = 48, height: int = 32) -> bytes:
    """An RGB gradient as a valid PNG file."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 5 % 256, y * 7 % 256, 160)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def service_log(project: str) -> bytes:
    """A short service log, one line per event."""
    lines = [
        f"2026-03-0{day}T0{day}:15:00Z INFO {project.lower()}-api request served in {40 + day} ms"
        for day in range(1, 8)
    ]
    lines.append("2026-03-08T08:15:00Z ERROR payment gateway answered 502 after 30000 ms")
    return ("\n".join(lines) + "\n").encode()


def attach_seed_files(data: SiteData) -> None:
    """Attach a screenshot and a log to the first issue of SHOP and of SEC."""
    next_id = data.next_attachment_id
    for project in ("SHOP", "SEC"):
        issue = next((i for i in data.issues if i.project == project), None)
        if issue is None:
            continue
        files = (
            (f"{project.lower()}-screenshot.png", "image/png", screenshot_png()),
            (f"{project.lower()}-service.log", "text/plain", service_log(project)),
        )
        for offset, (filename, mime_type, content) in enumerate(files):
            next_id += 1
            issue.attachments.append(
                Attachment(
                    id=next_id,
                    filename=filename,
                    mime_type=mime_type,
                    author=DEMO_ACCOUNT_ID,
                    created=issue.created + timedelta(hours=1 + offset),
                    content_base64=base64.b64encode(content).decode(),
                )
            )
    data.next_attachment_id = next_id
