"""What a file is, from its declared type, its name and its first bytes."""

from server.files.kinds import (
    FileKind,
    decode_text,
    image_type,
    kind_of,
    safe_filename,
    upload_type,
)

__all__ = ["FileKind", "decode_text", "image_type", "kind_of", "safe_filename", "upload_type"]
