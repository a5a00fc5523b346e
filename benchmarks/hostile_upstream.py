"""Peak memory of the gateway process when Jira answers a search with a 2 GiB gzip bomb.

The server runs as its own process over stdio (as Claude Desktop runs it), its Jira is a
fake on 127.0.0.1 that answers every search with about 2 MB of gzip inflating to 2 GiB of
zeros, and one search_jql call is made. Printed: the error the model reads, the peak
resident memory of the server process (VmHWM) before and after the call, and the same for
a 50 MB plain answer. Target: under 200 MB, and a clear error.

Run: .venv/bin/python benchmarks/hostile_upstream.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.gateway.hostile_jira import (
    GIB,
    MIB,
    Answer,
    HostileJira,
    big_json,
    gzip_bomb,
    serving,
)

TARGET_MB = 200
SEARCH_PATH = "/rest/api/3/search/jql"
HANDSHAKE: list[dict[str, Any]] = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "hostile-upstream", "version": "0"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
]
SEARCH = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "search_jql", "arguments": {"jql": "project = PROJ", "limit": 20}},
}


def peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def answer_of(process: subprocess.Popen[bytes], wanted: int) -> dict[str, Any]:
    """The JSON-RPC answer with id ``wanted``."""
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the server exited before answering")
        message: dict[str, Any] = json.loads(line)
        if message.get("id") == wanted:
            return message


def send(process: subprocess.Popen[bytes], *messages: dict[str, Any]) -> None:
    """Write JSON-RPC messages to the server's stdin."""
    assert process.stdin is not None
    process.stdin.write("".join(json.dumps(m) + "\n" for m in messages).encode())
    process.stdin.flush()


def run(label: str, make_answer: Callable[[], Answer]) -> float:
    """One search against a fake answering ``make_answer()``; prints and returns the peak MB."""
    fake = HostileJira()
    fake.routes.append(lambda m, p, b: make_answer() if p.startswith(SEARCH_PATH) else None)
    executable = str(Path(sys.executable).parent / "jira-mcp-gateway")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "MCP_"))}
    with serving(fake) as url:
        env = {
            **base_env,
            "JIRA_URL": url,
            "JIRA_EMAIL": "bench@example.com",
            "JIRA_API_TOKEN": "bench-token-0123456789",
            "JIRA_DEPLOYMENT": "cloud",
            "LOG_LEVEL": "WARNING",
        }
        process = subprocess.Popen(  # noqa: S603  # our own executable
            [executable, "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        try:
            send(process, *HANDSHAKE)
            answer_of(process, 1)
            before = peak_mb(process.pid)
            started = time.perf_counter()
            send(process, SEARCH)
            result = answer_of(process, 2)["result"]
            elapsed = time.perf_counter() - started
            after = peak_mb(process.pid)
        finally:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=20)
    text = " ".join(block.get("text", "") for block in result.get("content", []))
    print(f"== {label}")
    print(f"   isError={result.get('isError')} in {elapsed:.2f} s; the model reads:")
    print(f"   {text[:400]}")
    print(f"   peak RSS of the server: {before:.0f} MB after start, {after:.0f} MB after the call")
    return after


def main() -> None:
    """Run the bomb and the 50 MB answer; print the figures against the target."""
    bomb = run("2 GiB gzip bomb (about 2 MB on the wire)", lambda: gzip_bomb(2 * GIB))
    plain = run("50 MB plain answer, chunked", lambda: big_json(50 * MIB, chunked=True))
    worst = max(bomb, plain)
    verdict = "met" if worst < TARGET_MB else "MISSED"
    print(f"target: peak RSS under {TARGET_MB} MB with a clear error: {verdict} ({worst:.0f} MB)")


if __name__ == "__main__":
    main()
