"""A real redis-server for tests and benchmarks: a free port, a temp dir, no persistence."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = "redis-server not found; install it with: apt-get install redis-server"
# CI sets this: there the Redis tests must run, and a missing redis-server is a failure.
REQUIRED_ENV = "REQUIRE_REDIS"


def redis_server_path() -> str | None:
    """The redis-server executable on PATH (or in /usr/sbin, where Debian may put it)."""
    return shutil.which("redis-server") or shutil.which("redis-server", path="/usr/sbin:/sbin")


def redis_required() -> bool:
    """True where the Redis tests may not be skipped (CI)."""
    return os.environ.get(REQUIRED_ENV, "") not in ("", "0")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """One redis-server process on 127.0.0.1; stop and start it again on the same port."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = _free_port()
        self._dir = tempfile.TemporaryDirectory(prefix="redis-test-")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URL clients connect to (database 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        command = [
            self.executable,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            self._dir.name,
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(Path(self._dir.name) / "redis.log"),
        ]
        self._process = subprocess.Popen(command)  # noqa: S603  # a fixed command line
        self._wait_until_ready()

    def stop(self) -> None:
        """Stop the server (its data is gone: nothing is persisted)."""
        if self._process is None:
            return
        self._process.terminate()
        self._process.wait(timeout=10)
        self._process = None

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        self._dir.cleanup()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self._process.returncode}")
            if self._answers_ping():
                return
            time.sleep(0.01)  # the process is starting; nothing to wait on but its port
        raise RuntimeError(f"redis-server did not answer on port {self.port} within 10 s")

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False
