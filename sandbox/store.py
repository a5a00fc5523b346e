"""`--data FILE`: keep the site in a JSON file so that a demo's changes survive a restart.

Every save writes a temporary file next to the target, flushes it to disk and renames it over
the target, so a crash at any moment leaves either the old or the new site, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sandbox.site import Site, SiteData


def load(path: Path) -> SiteData | None:
    """The site saved at `path`, or None if there is no file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return SiteData.model_validate_json(text)


def save(path: Path, data: SiteData) -> None:
    """Write the site to `path` atomically (temp file, fsync, rename, fsync the directory)."""
    payload = data.model_dump_json().encode()
    directory = path.parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        # Never leave a stray temporary file behind, whatever interrupted the save.
        Path(temp).unlink(missing_ok=True)
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    # The rename itself is durable only once the directory entry reaches the disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def attach(site: Site, path: Path) -> None:
    """Save the site to `path` now and after every write."""
    # A process killed mid-save leaves its temporary file; the target itself is intact.
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    save(path, site.data)
    site.on_write(lambda s: save(path, s.data))
