"""A loop of `initialize` calls against the HTTP server on loopback, without a token.

Starts `jira-mcp-gateway serve --sandbox --transport http` as its own process, sends
FLOOD initialize requests from 127.0.0.1 as fast as one connection allows, and prints how
many were answered 200 and 429, the server's resident memory before and after, and how
long another local client then waits before it gets a session (sessions the loop opened
and never used are reclaimed after a short grace). Before the per-client cap, about 11,500
such calls used up the SDK's 10,000 sessions for every client for 30 minutes.

Run: .venv/bin/python benchmarks/session_flood.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

FLOOD = 3000
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "flood", "version": "0"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def resident_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_until_up(base: str) -> None:
    """Poll /healthz until the server answers."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def neighbour_wait(base: str) -> float:
    """Seconds until another local client opens a session and uses it."""
    started = time.monotonic()
    with httpx.Client(base_url=base, timeout=10) as client:
        while time.monotonic() - started < 120:
            answer = client.post("/mcp", json=INITIALIZE, headers=HEADERS)
            if answer.status_code == 200:
                session = {"mcp-session-id": answer.headers["mcp-session-id"]}
                client.post("/mcp", json=INITIALIZED, headers={**HEADERS, **session})
                return time.monotonic() - started
            time.sleep(min(float(answer.headers.get("retry-after", "1")), 2.0))
    return float("inf")


def main() -> None:
    """Flood, then measure the neighbour's wait; print the figures."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    executable = str(Path(sys.executable).parent / "jira-mcp-gateway")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "MCP_"))}
    env["LOG_LEVEL"] = "WARNING"
    process = subprocess.Popen(  # noqa: S603  # our own executable
        [executable, "serve", "--sandbox", "--transport", "http", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        wait_until_up(base)
        before = resident_mb(process.pid)
        statuses: Counter[int] = Counter()
        started = time.monotonic()
        with httpx.Client(base_url=base, timeout=10) as flood:
            for _ in range(FLOOD):
                statuses[flood.post("/mcp", json=INITIALIZE, headers=HEADERS).status_code] += 1
        elapsed = time.monotonic() - started
        after = resident_mb(process.pid)
        wait = neighbour_wait(base)
    finally:
        process.terminate()
        process.wait(timeout=20)
    print(f"{FLOOD} initialize calls from 127.0.0.1 in {elapsed:.1f} s: {json.dumps(statuses)}")
    print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after the flood")
    print(f"another local client got a session after {wait:.1f} s")


if __name__ == "__main__":
    main()
