"""Serving HTTP as `make run` does: a busy port, the container health check, JSON-only logs."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest

from server.healthcheck import health_url, record_path, serving
from tests.server.processes import clean_env, free_port, run_cli, running

# The image's environment (Dockerfile): stdio unless told otherwise, port 8765.
IMAGE_ENV = {"MCP_TRANSPORT": "stdio", "MCP_HOST": "127.0.0.1", "MCP_PORT": "8765"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
SEARCH = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "search_jql", "arguments": {"jql": "project = SHOP", "limit": 3}},
}


def healthcheck(env: dict[str, str]) -> int:
    """Run the image's HEALTHCHECK command; its exit code."""
    result = subprocess.run(  # this interpreter, a fixed module
        [sys.executable, "-m", "server.healthcheck"],
        capture_output=True,
        env=env,
        timeout=30,
        check=False,
    )
    return result.returncode


def serve_http(port: int, *flags: str) -> list[str]:
    """`make run`'s command line on another port."""
    return ["serve", "--sandbox", "--transport", "http", "--port", str(port), *flags]


def test_busy_port_fails_with_one_clear_line() -> None:
    """A port already in use stops the start with one line naming it, and no banner."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(*serve_http(port))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {port}" in lines[0]
    assert "already in use" in lines[0]
    assert "--port" in lines[0]
    assert "serving" not in result.stderr


def test_healthcheck_follows_flags_the_environment_does_not_know(tmp_path: Path) -> None:
    """`serve --transport http --port P` under the image's stdio environment is probed on P."""
    port = free_port()
    env = clean_env(TMPDIR=str(tmp_path), **IMAGE_ENV)
    base = f"http://127.0.0.1:{port}"
    with running(*serve_http(port), env=env, probe_url=f"{base}/healthz"):
        assert json.loads(record_path_in(tmp_path).read_text())["health"] == f"{base}/healthz"
        assert healthcheck(env) == 0
    assert not record_path_in(tmp_path).exists()


def test_healthcheck_follows_the_environment(tmp_path: Path) -> None:
    """MCP_TRANSPORT=http and MCP_PORT=P choose HTTP; the check probes P."""
    port = free_port()
    env = clean_env(
        TMPDIR=str(tmp_path), MCP_TRANSPORT="http", MCP_HOST="127.0.0.1", MCP_PORT=str(port)
    )
    with running("serve", "--sandbox", env=env, probe_url=f"http://127.0.0.1:{port}/healthz"):
        assert healthcheck(env) == 0


def test_healthcheck_fails_when_the_http_server_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live server that serves HTTP but does not answer /healthz is unhealthy, even if the
    environment says stdio."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    silent = health_url("127.0.0.1", free_port())
    with serving("http", silent):
        assert healthcheck(clean_env(TMPDIR=str(tmp_path), **IMAGE_ENV)) == 1
    assert not record_path().exists()


def test_healthcheck_is_healthy_over_stdio(tmp_path: Path) -> None:
    """With nothing serving HTTP, the image's stdio environment is healthy."""
    assert healthcheck(clean_env(TMPDIR=str(tmp_path), **IMAGE_ENV)) == 0


def record_path_in(directory: Path) -> Path:
    """The serving record a process with TMPDIR=directory writes."""
    return directory / record_path().name


def _post(url: str, message: Mapping[str, object], session: str | None = None) -> str | None:
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if session:
        headers["Mcp-Session-Id"] = session
    request = urllib.request.Request(  # noqa: S310  # local test URL
        url, data=json.dumps(message).encode(), method="POST", headers=headers
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        answer.read()
        session_id: str | None = answer.headers.get("Mcp-Session-Id")
        return session_id


def _send_garbage(port: int) -> None:
    """Bytes that are not HTTP: uvicorn logs a warning of its own about them."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        raw.recv(1024)


def test_every_log_line_on_stderr_is_json() -> None:
    """Serving HTTP and answering a tool call, every line on stderr is JSON: uvicorn's and
    httpx's own records too. The welcome for people is on stdout."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(LOG_LEVEL="DEBUG")
    with running(*serve_http(port), env=env, probe_url=f"{base}/healthz") as output:
        session = _post(f"{base}/mcp", INITIALIZE)
        notified = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        _post(f"{base}/mcp", notified, session)
        _post(f"{base}/mcp", SEARCH, session)
        _send_garbage(port)
    assert "serving MCP at" in output.stdout
    logs = output.stderr
    not_json = []
    for line in logs.splitlines():
        try:
            json.loads(line)
        except ValueError:
            not_json.append(line)
    assert not not_json, "not JSON on stderr:\n" + "\n".join(not_json)
    assert "Invalid HTTP request" in logs  # uvicorn's own line was there, as JSON


def test_uvicorn_logs_through_the_root_logger() -> None:
    """uvicorn's loggers get no handlers of their own and pass every record to the root."""
    from server.http import uvicorn_config  # noqa: PLC0415  # loads uvicorn

    async def app(scope: object, receive: object, send: object) -> None:
        """An ASGI app that is never called."""

    uvicorn_config(app)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        assert logger.handlers == [], name
        assert logger.propagate, name
