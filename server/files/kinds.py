"""Telling images, text and other files apart, and naming uploads safely.

An image is shown to the model only when its bytes are one of the formats MCP clients
display (PNG, JPEG, GIF, WebP), checked by signature: a declared type alone is not trusted.
Text-like files are decoded with their declared charset, else UTF-8, with replacement
characters where bytes do not decode, so a log never fails to show.
"""

from __future__ import annotations

import codecs
import mimetypes
import re
import unicodedata
from enum import StrEnum
from typing import Final

_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_TEXT_TYPES: Final = frozenset(
    {
        "application/json",
        "application/xml",
        "application/yaml",
        "application/x-yaml",
        "application/x-ndjson",
        "application/javascript",
        "application/sql",
        "application/x-sh",
        "application/toml",
    }
)
_TEXT_SUFFIXES: Final = frozenset(
    {
        ".txt", ".log", ".md", ".csv", ".tsv", ".json", ".xml", ".yaml", ".yml", ".ini",
        ".cfg", ".conf", ".properties", ".sql", ".sh", ".py", ".java", ".js", ".ts", ".toml",
        ".diff", ".patch", ".out", ".err", ".har",
    }
)  # fmt: skip
_CHARSET: Final = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
MAX_FILENAME: Final = 255


class FileKind(StrEnum):
    """How a file is shown: as an image, as text, or only described."""

    IMAGE = "image"
    TEXT = "text"
    OTHER = "metadata"


def image_type(content: bytes) -> str | None:
    """The image type the bytes really are (PNG, JPEG, GIF, WebP), or None."""
    for signature, mime in _SIGNATURES:
        if content.startswith(signature):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def _essence(mime_type: str) -> str:
    return mime_type.split(";", 1)[0].strip().lower()


def kind_of(mime_type: str, filename: str) -> FileKind:
    """What a file declared as ``mime_type`` and named ``filename`` should be shown as."""
    essence = _essence(mime_type)
    if essence in ("image/png", "image/jpeg", "image/gif", "image/webp"):
        return FileKind.IMAGE
    if essence.startswith("text/") or essence in _TEXT_TYPES:
        return FileKind.TEXT
    if essence.endswith(("+json", "+xml")):
        return FileKind.TEXT
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if essence in ("", "application/octet-stream") and suffix in _TEXT_SUFFIXES:
        return FileKind.TEXT
    return FileKind.OTHER


def decode_text(content: bytes, content_type: str) -> str:
    """The text of a file: its declared charset when Python knows it, else UTF-8."""
    found = _CHARSET.search(content_type)
    encoding = "utf-8"
    if found:
        try:
            encoding = codecs.lookup(found.group(1)).name
        except LookupError:
            encoding = "utf-8"
    text = content.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff")


def safe_filename(name: str) -> str:
    """The name's last path part, without control characters; ValueError if nothing is left."""
    base = re.split(r"[/\\]", name)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if cleaned in ("", ".", ".."):
        raise ValueError(name)
    if len(cleaned) > MAX_FILENAME:
        stem, dot, suffix = cleaned.rpartition(".")
        keep = MAX_FILENAME - len(suffix) - 1 if dot and len(suffix) < 16 else MAX_FILENAME
        cleaned = (stem[:keep] + dot + suffix) if dot and len(suffix) < 16 else cleaned[:keep]
    return cleaned


def upload_type(filename: str, *, is_text: bool) -> str:
    """The media type to upload a file as, from its name."""
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    if guessed:
        return guessed
    return "text/plain" if is_text else "application/octet-stream"
