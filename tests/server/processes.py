"""Starting the real server and sandbox as processes, for transport-level tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

EXECUTABLE = str(Path(sys.executable).parent / "jira-mcp-gateway")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any Jira or MCP settings of the machine, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "MCP_"))}
    env.update(extra)
    return env


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line to completion."""
    return subprocess.run(  # noqa: S603  # our own executable, fixed arguments
        [EXECUTABLE, *args],
        capture_output=True,
        text=True,
        env=dict(env or clean_env()),
        timeout=60,
        check=False,
    )


@dataclass
class Output:
    """What a background process printed, filled in when it has stopped."""

    stdout: str = ""
    stderr: str = ""


@contextmanager
def running(*args: str, env: Mapping[str, str], probe_url: str) -> Iterator[Output]:
    """Start the command line in the background and wait until ``probe_url`` answers."""
    process = subprocess.Popen(  # noqa: S603  # our own executable, fixed arguments
        [EXECUTABLE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env),
    )
    output = Output()
    try:
        _wait_for(probe_url, process)
        yield output
    finally:
        process.terminate()
        output.stdout, output.stderr = process.communicate(timeout=20)


def _wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, err = process.communicate()
            raise RuntimeError(f"the process exited early: {err}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310  # local probe URL
                return
        except OSError as exc:
            if getattr(exc, "code", None) is not None:
                return  # any HTTP answer means the server is up
        # Polling a port that is still opening; not a test waiting on time.
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within 30 s")
