"""The container health check, and the record the server leaves for it.

The check runs as its own process (Docker's HEALTHCHECK) and cannot see the server's flags:
`serve --transport http --port 9000` and MCP_TRANSPORT/MCP_PORT must both work. So the
server, once it listens, writes what it serves (transport, health URL, its pid) to a small
file in the temporary directory; the check reads it. Without a live record (the server is
still starting) the check falls back to the environment, as the image sets it.

In HTTP mode /healthz must answer 200 within 3 seconds; stdio has nothing to probe.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RECORD_NAME = "jira-mcp-gateway-serving.json"
HEALTH_PATH = "/healthz"
# A wildcard bind answers on loopback; a specific address only on itself.
WILDCARD_PROBES = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}  # noqa: S104


def record_path() -> Path:
    """Where the serving process leaves its record: $TMPDIR (or /tmp), one per machine."""
    return Path(tempfile.gettempdir()) / RECORD_NAME


def health_url(host: str, port: int) -> str:
    """The URL that reaches /healthz of a server bound to host:port, from the same machine."""
    probe = WILDCARD_PROBES.get(host, host)
    if ":" in probe and not probe.startswith("["):
        probe = f"[{probe}]"
    return f"http://{probe}:{port}{HEALTH_PATH}"


@contextlib.contextmanager
def serving(transport: str, url: str | None = None) -> Iterator[None]:
    """Leave a record of what this process serves while the block runs."""
    path = record_path()
    record = {"pid": os.getpid(), "transport": transport, "health": url}
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(record), encoding="utf-8")
    # Replaced whole, so the check never reads half a record.
    partial.replace(path)
    try:
        yield
    finally:
        if _read(path).get("pid") == os.getpid():
            path.unlink(missing_ok=True)


def _read(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists (POSIX; the image)
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return True


def _probe(url: str) -> bool:
    # Imported here: the server imports this module for `serving` and never probes.
    import urllib.request  # noqa: PLC0415

    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310  # a local URL
            return bool(answer.status == 200)
    except OSError:
        return False


def healthy() -> bool:
    """True when the server is up (always true over stdio, which has nothing to probe)."""
    record = _read(record_path())
    if _alive(record.get("pid")):
        url = record.get("health")
        return record.get("transport") != "http" or (isinstance(url, str) and _probe(url))
    if os.environ.get("MCP_TRANSPORT", "stdio") != "http":
        return True
    host = os.environ.get("MCP_HOST", "127.0.0.1")
    port = int(os.environ.get("MCP_PORT", "8765"))
    return _probe(health_url(host, port))


if __name__ == "__main__":
    raise SystemExit(0 if healthy() else 1)
