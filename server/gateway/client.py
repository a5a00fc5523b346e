"""Building the one httpx.AsyncClient: base URL, auth, TLS, proxy, timeouts, pooling."""

from __future__ import annotations

import base64
import os
import ssl
from typing import Any

import httpx

from server.config import Settings
from server.logging import get_logger

SANDBOX_BASE_URL = "http://sandbox"
SANDBOX_EMAIL = "demo@example.com"
SANDBOX_TOKEN = "sandbox-token"  # noqa: S105  # the simulator's published demo credential


def auth_header(settings: Settings) -> str | None:
    """The Authorization header for the configured credentials (None: anonymous)."""
    if settings.jira_pat is not None:
        return f"Bearer {settings.jira_pat.get_secret_value()}"
    if settings.jira_oauth_token is not None:
        return f"Bearer {settings.jira_oauth_token.get_secret_value()}"
    if settings.jira_api_token is not None and settings.jira_email:
        pair = f"{settings.jira_email}:{settings.jira_api_token.get_secret_value()}"
        return "Basic " + base64.b64encode(pair.encode()).decode()
    if settings.is_sandbox:
        pair = f"{SANDBOX_EMAIL}:{SANDBOX_TOKEN}"
        return "Basic " + base64.b64encode(pair.encode()).decode()
    return None


def tls_verify(settings: Settings) -> ssl.SSLContext | bool:
    """A context trusting JIRA_CA_BUNDLE as well, or False (loudly) when verification is off."""
    if not settings.jira_ssl_verify:
        get_logger("gateway").warning(
            "tls_verification_disabled",
            message="JIRA_SSL_VERIFY=false: anyone on the network path can read the Jira "
            "credentials. Use JIRA_CA_BUNDLE instead.",
        )
        return False
    context = ssl.create_default_context()
    if settings.jira_ca_bundle is not None:
        context.load_verify_locations(cafile=str(settings.jira_ca_bundle))
    return context


def build_client(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str | None = None,
) -> httpx.AsyncClient:
    """The process's one pooled client; ``transport`` replaces the network (tests, sandbox)."""
    headers = {"Accept": "application/json", "User-Agent": "jira-mcp-gateway"}
    authorization = auth_header(settings)
    if authorization is not None:
        headers["Authorization"] = authorization
    url = base_url or (SANDBOX_BASE_URL if settings.is_sandbox else settings.jira_url or "")
    options: dict[str, Any] = {
        "base_url": url,
        "headers": headers,
        # The gateway enforces its own deadline per attempt; these stop a stuck socket.
        "timeout": httpx.Timeout(settings.jira_timeout, connect=min(10.0, settings.jira_timeout)),
        "limits": httpx.Limits(
            max_connections=settings.jira_max_concurrency * 2,
            max_keepalive_connections=settings.jira_max_concurrency,
        ),
        "follow_redirects": False,
    }
    if transport is not None:
        options["transport"] = transport
    else:
        options["verify"] = tls_verify(settings)
        # httpx reads HTTPS_PROXY/NO_PROXY from the environment (trust_env); a proxy set
        # only in the .env file is passed on explicitly.
        if settings.https_proxy and not os.environ.get("HTTPS_PROXY"):
            options["proxy"] = settings.https_proxy
    return httpx.AsyncClient(**options)


def asgi_transport(app: Any) -> httpx.AsyncBaseTransport:
    """Talk to an in-process ASGI app (the sandbox) over HTTP semantics, without sockets."""
    return httpx.ASGITransport(app=app)
