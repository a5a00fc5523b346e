"""The container health check: in HTTP mode, /healthz must answer 200 within 3 seconds."""

from __future__ import annotations

import os
import urllib.request


def healthy() -> bool:
    """True when the server is up (always true over stdio, which has nothing to probe)."""
    if os.environ.get("MCP_TRANSPORT", "stdio") != "http":
        return True
    port = os.environ.get("MCP_PORT", "8765")
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # fixed local URL
            return bool(answer.status == 200)
    except OSError:
        return False


if __name__ == "__main__":
    raise SystemExit(0 if healthy() else 1)
