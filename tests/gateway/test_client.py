"""Credentials, deployment detection and TLS settings of the one HTTP client."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import httpx
import pytest
import respx
import structlog

from server.gateway.client import auth_header, tls_verify
from server.logging import configure_logging
from tests.gateway.conftest import API_TOKEN, EMAIL, JIRA, GatewayFactory, make_settings

pytestmark = pytest.mark.anyio


def test_cloud_email_and_token_is_basic() -> None:
    """Email + API token become HTTP Basic, as Jira Cloud expects."""
    expected = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
    assert auth_header(make_settings()) == f"Basic {expected}"


def test_personal_access_token_is_bearer() -> None:
    """A Data Center PAT is sent as a Bearer token."""
    settings = make_settings(jira_api_token=None, jira_email=None, jira_pat="dc-pat-value")
    assert auth_header(settings) == "Bearer dc-pat-value"


def test_oauth_token_is_bearer() -> None:
    """An OAuth access token is sent as a Bearer token."""
    settings = make_settings(jira_api_token=None, jira_email=None, jira_oauth_token="oauth-v")
    assert auth_header(settings) == "Bearer oauth-v"


async def test_credentials_reach_jira(open_gateway: GatewayFactory) -> None:
    """Every request carries the Authorization header built from the settings."""
    with respx.mock:
        route = respx.get(f"{JIRA}/rest/api/3/myself").mock(
            return_value=httpx.Response(200, json={"accountId": "1"})
        )
        async with open_gateway() as gateway:
            await gateway.meta.myself()
    assert route.calls[0].request.headers["authorization"].startswith("Basic ")


@pytest.mark.parametrize(("reported", "expected"), [("Cloud", "cloud"), ("Server", "datacenter")])
async def test_deployment_comes_from_server_info(
    open_gateway: GatewayFactory, reported: str, expected: str
) -> None:
    """With JIRA_DEPLOYMENT=auto, serverInfo's deploymentType decides, not the host name."""
    with respx.mock:
        route = respx.get(f"{JIRA}/rest/api/2/serverInfo").mock(
            return_value=httpx.Response(200, json={"deploymentType": reported})
        )
        async with open_gateway(jira_deployment="auto") as gateway:
            assert await gateway.meta.deployment() == expected
            assert await gateway.meta.deployment() == expected
    assert route.call_count == 1


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Log lines at WARNING and above, in a buffer."""
    stream = io.StringIO()
    configure_logging("WARNING", stream=stream)
    yield stream
    structlog.reset_defaults()


def test_verification_off_warns_loudly(captured: io.StringIO) -> None:
    """JIRA_SSL_VERIFY=false works but logs a warning that says what it risks."""
    assert tls_verify(make_settings(jira_ssl_verify=False)) is False
    assert "tls_verification_disabled" in captured.getvalue()
    assert "JIRA_CA_BUNDLE" in captured.getvalue()


def test_verification_on_by_default() -> None:
    """By default certificates are verified against the system's trust store."""
    context = tls_verify(make_settings())
    assert not isinstance(context, bool)
    assert context.verify_mode.name == "CERT_REQUIRED"
