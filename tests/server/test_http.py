"""Streamable HTTP: bearer token, Host and Origin checks, safe binds, /healthz."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.server.processes import clean_env, free_port, run_cli, running

TOKEN = "mcp-test-token-0123456789"
# Bound by the server under test; the tests only connect through 127.0.0.1.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
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


def post(url: str, headers: dict[str, str]) -> int:
    """POST an initialize request; the HTTP status."""
    return initialize(url, headers)[0]


def initialize(url: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST an initialize request; the HTTP status and the answer's text."""
    request = urllib.request.Request(  # noqa: S310  # local test URL
        url,
        data=json.dumps(INITIALIZE).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            **headers,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return int(answer.status), answer.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), ""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A server on loopback with an MCP token; yields its base URL."""
    port = free_port()
    env = clean_env(MCP_AUTH_TOKEN=TOKEN)
    base = f"http://127.0.0.1:{port}"
    with running(
        "serve",
        "--sandbox",
        "--transport",
        "http",
        "--port",
        str(port),
        env=env,
        probe_url=f"{base}/healthz",
    ):
        yield base


def test_health_needs_no_token(server: str) -> None:
    """/healthz answers 200 without credentials, for load balancers and Docker."""
    with urllib.request.urlopen(f"{server}/healthz", timeout=5) as answer:  # noqa: S310
        assert answer.status == 200


def test_unauthenticated_request_gets_401(server: str) -> None:
    """A request without the bearer token is refused with 401."""
    assert post(f"{server}/mcp", {}) == 401


def test_initialize_names_the_account(server: str) -> None:
    """Over HTTP too, the instructions name the account Jira reported at start-up."""
    status, text = initialize(f"{server}/mcp", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    assert "Signed in as Demo User." in text


def test_wrong_token_gets_401(server: str) -> None:
    """A wrong bearer token is refused with 401."""
    assert post(f"{server}/mcp", {"Authorization": "Bearer wrong"}) == 401


def test_right_token_is_served(server: str) -> None:
    """The right bearer token reaches MCP."""
    assert post(f"{server}/mcp", {"Authorization": f"Bearer {TOKEN}"}) == 200


def test_wrong_host_gets_421(server: str) -> None:
    """A Host header that is not allowed is refused with 421 (DNS rebinding guard)."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Host": "evil.example"}
    assert post(f"{server}/mcp", headers) == 421


def test_wrong_origin_gets_403(server: str) -> None:
    """An Origin that is not allowed is refused with 403."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Origin": "http://evil.example"}
    assert post(f"{server}/mcp", headers) == 403


def test_public_bind_without_token_refuses_to_start() -> None:
    """Binding 0.0.0.0 without MCP_AUTH_TOKEN stops at start-up with a line saying why."""
    result = run_cli("serve", "--sandbox", "--transport", "http", "--host", ALL_INTERFACES)
    assert result.returncode == 2
    assert "MCP_AUTH_TOKEN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_public_bind_keeps_host_checks() -> None:
    """On 0.0.0.0 with a token, the Host check is still on (the SDK would drop it)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(MCP_AUTH_TOKEN=TOKEN, MCP_ALLOWED_HOSTS="jira-mcp.internal")
    with running(
        "serve",
        "--sandbox",
        "--transport",
        "http",
        "--host",
        ALL_INTERFACES,
        "--port",
        str(port),
        env=env,
        probe_url=f"{base}/healthz",
    ):
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert post(f"{base}/mcp", {**auth, "Host": "evil.example"}) == 421
        assert post(f"{base}/mcp", {**auth, "Host": "jira-mcp.internal"}) == 200
